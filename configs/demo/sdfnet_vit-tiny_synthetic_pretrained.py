# The CPU demo SDF-Net fine-tuned from the demo pre-training's checkpoint
# (`make demo-pretrain`: configs/pretrain/transoss_vit-tiny_synthetic-pair.py
# trained into work_dirs/demo_pretrain/pretrain) instead of from scratch;
# everything else as configs/demo/sdfnet_vit-tiny_synthetic.py. The
# checkpoint loads as it is (its backbone.* tensors; logit_scale is left
# out and the ship-size token starts from its initialisation).
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo_pretrain import \
        max_epochs as pretrain_epochs

model.backbone.init_cfg = dict(
    type='Pretrained',
    checkpoint=f'work_dirs/demo_pretrain/pretrain/epoch_{pretrain_epochs}.pth',
    prefix='backbone.')
del pretrain_epochs
