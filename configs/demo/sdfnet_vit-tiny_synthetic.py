# CPU demo (`make demo`): SDF-Net with its full structure (dual tokenizer,
# MIE, SSE, SCL, DFL, BNNeck, all four losses) on a 6-block 128-wide ViT at
# 256x64, from scratch on the synthetic optical-SAR set, 120 epochs of
# 25 steps (about 13 minutes on 2 CPU cores).
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403
