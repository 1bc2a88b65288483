# TransOSS's pre-training recipe (configs/pretrain_transoss.yml): SGD
# momentum 0.9, lr 3e-3 with bias lr x2, weight decay 1e-4, 5 linear warm-up
# epochs from 0.01x, cosine to 0.002x, 60 epochs, no validation. The
# warm-up and cosine shapes are the fine-tuning schedule's (sgd_100e.py).
from mmengine.optim import CosineAnnealingLR, LinearLR, OptimWrapper
from torch.optim import SGD

base_lr = 3e-3
max_epochs = 60
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
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
