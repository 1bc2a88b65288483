# TransOSS's pre-training recipe (configs/pretrain_transoss.yml): the
# fine-tuning recipe (sgd_100e.py: SGD momentum 0.9, every bias at lr x2,
# weight decay 1e-4, timm's per-epoch warm-up + cosine from 0.01x and to
# 0.002x the base lr, absolute) at lr 3e-3, 5 warm-up epochs, 60 epochs,
# without validation.
from mmengine.config import read_base

with read_base():
    from .sgd_100e import *  # noqa: F401,F403

base_lr = 3e-3
max_epochs = 60
optim_wrapper.optimizer.lr = base_lr
param_scheduler[0].update(warmup_lr=0.01 * base_lr, min_lr=0.002 * base_lr,
                          warmup_epochs=warmup_epochs, end=max_epochs)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
val_cfg = test_cfg = None
