# The demo pre-training's CPU budget: AdamW (as the demo fine-tuning, which
# starts from scratch too), linear warm-up from 0.01x then cosine to 0.002x,
# stepped per iteration as the demo's (cpu_demo.py), no validation.
from mmengine.config import read_base
from mmengine.optim import CosineAnnealingLR, LinearLR, OptimWrapper
from torch.optim import AdamW

with read_base():
    from .sgd_60e_pretrain import *  # noqa: F401,F403

base_lr = 1e-3
max_epochs = 10
warmup_epochs = 2
optim_wrapper = dict(
    type=OptimWrapper,
    optimizer=dict(type=AdamW, lr=base_lr, weight_decay=0.05))
param_scheduler = [
    dict(type=LinearLR, start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type=CosineAnnealingLR, eta_min=base_lr * 0.002, by_epoch=True,
         begin=warmup_epochs, end=max_epochs,
         T_max=max_epochs - warmup_epochs, convert_to_iter_based=True),
]
train_cfg.update(max_epochs=max_epochs)
