# Ablation: SCL descriptor from block 9 instead of the paper's B_s = 6.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.backbone.structure_layer = 9
