# The demo's SCL-only ablation: configs/demo/sdfnet_vit-tiny_synthetic.py
# without DFL (CLS token + BNNeck), as
# configs/ablations/scl_only_vitb16_hoss.py.
from mmengine.config import read_base

from sdfnet_mm.models import ClassTokenNeck

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403

model.neck = dict(type=ClassTokenNeck, in_channels=embed_dims)
