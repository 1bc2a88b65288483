# The demo's same-budget baseline: the same small ViT, data, schedule and
# test feature as configs/demo/sdfnet_vit-tiny_synthetic.py without SCL and
# DFL (CLS token + BNNeck: the paper's "neither" row).
from mmengine.config import read_base

from sdfnet_mm.models import ClassTokenNeck

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403

model.backbone.structure_layer = None
model.structure_loss = None
model.neck = dict(type=ClassTokenNeck, in_channels=embed_dims)
