# Ablation: neither SCL nor DFL (CLS token + BNNeck).
# Paper: All 58.6 / 67.6, O->S 46.5, S->O 44.5 (mAP / R1).
from mmengine.config import read_base

from sdfnet_mm.models import ClassTokenNeck

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.backbone.structure_layer = None
model.structure_loss = None
model.neck = dict(type=ClassTokenNeck, in_channels=embed_dims)
