# The demo pre-training's CPU budget: AdamW (as the demo fine-tuning, which
# starts from scratch too), warm-up then cosine, no validation.
from mmengine.config import read_base
from mmengine.optim import OptimWrapper
from torch.optim import AdamW

with read_base():
    from .sgd_60e_pretrain import *  # noqa: F401,F403

base_lr = 1e-3
max_epochs = 10
warmup_epochs = 2
optim_wrapper = dict(
    type=OptimWrapper,
    optimizer=dict(type=AdamW, lr=base_lr, weight_decay=0.05))
param_scheduler[0].update(end=warmup_epochs)
param_scheduler[1].update(begin=warmup_epochs, end=max_epochs,
                          T_max=max_epochs - warmup_epochs,
                          eta_min=base_lr * 0.002)
train_cfg.update(max_epochs=max_epochs)
