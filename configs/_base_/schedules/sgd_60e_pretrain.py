# TransOSS's pre-training recipe (configs/pretrain_transoss.yml): the
# fine-tuning schedule (sgd_100e.py: SGD momentum 0.9, bias lr x2, weight
# decay 1e-4, 5 linear warm-up epochs from 0.01x, cosine to 0.002x) at lr
# 3e-3 over 60 epochs, without validation.
from mmengine.config import read_base

with read_base():
    from .sgd_100e import *  # noqa: F401,F403

base_lr = 3e-3
max_epochs = 60
optim_wrapper.optimizer.lr = base_lr
param_scheduler[1].update(eta_min=base_lr * 0.002, end=max_epochs,
                          T_max=max_epochs - warmup_epochs)
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
val_cfg = test_cfg = None
