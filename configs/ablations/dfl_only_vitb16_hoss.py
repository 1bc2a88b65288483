# Ablation: DFL only (no SCL). Paper: All 59.8 / 69.9, O->S 49.3, S->O 41.4.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.backbone.structure_layer = None
model.structure_loss = None
