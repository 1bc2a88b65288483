# Ablation: SCL only (no DFL). Paper: All 59.2 / 66.5, O->S 47.6, S->O 46.6.
from mmengine.config import read_base

from sdfnet_mm.models import ClassTokenNeck

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.neck = dict(type=ClassTokenNeck, in_channels=embed_dims)
