# CPU demo of the pre-training stage (`make demo-pretrain`): the demo SDF-Net's
# backbone (6 blocks, 128 wide, 256x64) pre-trained contrastively from
# scratch on the synthetic optical-SAR pairs (tools/make_synthetic_pairs.py),
# then fine-tuned by configs/demo/sdfnet_vit-tiny_synthetic.py from its
# checkpoint (tools/demo.py --pretrained CKPT).
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.synthetic_pairs import *  # noqa: F401,F403
    from .._base_.models.transoss_pretrain_vit_tiny import *  # noqa: F401,F403
    from .._base_.pretrain_runtime import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo_pretrain import *  # noqa: F401,F403

default_hooks.logger.interval = 25
default_hooks.checkpoint.interval = 5
