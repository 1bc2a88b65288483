# The recipe (docs/method.md §5): SGD momentum 0.9, lr 5e-4 with bias
# lr x2, weight decay 1e-4, 5 linear warm-up epochs from 0.01x, cosine to
# 0.002x, 100 epochs, validation every 5 epochs.
from mmengine.optim import CosineAnnealingLR, LinearLR, OptimWrapper
from torch.optim import SGD

base_lr = 5e-4
max_epochs = 100
warmup_epochs = 5

optim_wrapper = dict(
    type=OptimWrapper,
    optimizer=dict(type=SGD, lr=base_lr, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(bias_lr_mult=2.0),
)
param_scheduler = [
    dict(type=LinearLR, start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type=CosineAnnealingLR, eta_min=base_lr * 0.002, by_epoch=True,
         begin=warmup_epochs, end=max_epochs, T_max=max_epochs -
         warmup_epochs, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
