# The CPU demo with model selection on a validation split: 20 of the 200
# synthetic training identities held out (seed 0), 180 classifier outputs,
# validation every 10 epochs on the held-out chips, the best epoch by their
# All mAP kept. The test split is only for tools/test.py.
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403

val_ids = dict(num=20, seed=0)
train_dataloader.dataset.val_ids = val_ids
val_dataloader = dict(
    test_dataloader,
    dataset=dict(test_dataloader.dataset, split='val', val_ids=val_ids))
model.head.num_classes = num_ids - val_ids['num']
train_cfg.val_interval = 10
default_hooks.checkpoint.update(save_best='reid/all_mAP', rule='greater')
