# Ablation: DFL fusion 'concat' (2C = 1536-d feature) instead of the sum.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.neck.fusion = 'concat'
model.head.in_channels = 2 * embed_dims
