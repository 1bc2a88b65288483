# The authors' recipe (docs/method.md §5; cfrfree/SDF-Net solver/): SGD
# momentum 0.9, lr 5e-4; every parameter whose name holds "bias" (LayerNorm
# biases too) at lr x2; weight decay 1e-4 on every trainable parameter
# (norms, position embedding and tokens included); frozen parameters (the
# BNNeck bias) stay out of the optimizer. Schedule: timm's cosine with
# linear warm-up, one value per epoch set at the epoch's start: 5 warm-up
# epochs from 0.01 x 5e-4, cosine to 0.002 x 5e-4 (both absolute, the same
# for the 2x bias groups) over 100 epochs. Validation every 5 epochs.
from mmengine.optim import OptimWrapper
from torch.optim import SGD

from sdfnet_mm.engine import WarmupCosineLR

base_lr = 5e-4
max_epochs = 100
warmup_epochs = 5

optim_wrapper = dict(
    type=OptimWrapper,
    optimizer=dict(type=SGD, lr=base_lr, momentum=0.9, weight_decay=1e-4),
    # A custom key matches every parameter whose full name contains it;
    # MMEngine's bias_lr_mult would skip the norm layers' biases.
    paramwise_cfg=dict(custom_keys={'bias': dict(lr_mult=2.0)}),
)
param_scheduler = [
    dict(type=WarmupCosineLR, warmup_lr=0.01 * base_lr,
         min_lr=0.002 * base_lr, warmup_epochs=warmup_epochs, begin=0,
         end=max_epochs, by_epoch=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
# Precision (sdfnet_mm/engine/precision.py; tools/train.py and tools/test.py
# --precision override it): 'auto' is bfloat16 autocast on a CPU with native
# bfloat16 (AMX-BF16 / AVX-512 BF16), float16 AMP on a GPU for a config with
# AmpOptimWrapper (the authors'), float32 elsewhere; or 'fp32', 'bf16',
# 'fp16'. The losses, the DFL neck, the BNNeck head and the SCL descriptor
# compute in float32 under any autocast (SDFNet's float32 islands).
precision = 'auto'
val_cfg = dict()
test_cfg = dict()
