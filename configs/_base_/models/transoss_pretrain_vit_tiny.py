# The CPU demo's pre-training model: the demo SDF-Net's backbone
# (sdfnet_vit_tiny.py: 6 blocks, 128 wide, 256x64, dual tokenizer, MIE)
# without the ship-size token and SCL, from scratch, in TransOSS's
# contrastive pre-training model (random erasing in the pipeline, as the
# demo's).
from mmengine.config import read_base

from sdfnet_mm.models import CrossModalContrastiveLoss, OpticalSARContrastive

with read_base():
    from .sdfnet_vit_tiny import model as reid_model

model = dict(
    type=OpticalSARContrastive,
    data_preprocessor=reid_model.data_preprocessor,
    backbone=dict(reid_model.backbone, ship_size_token=False,
                  structure_layer=None),
    loss=dict(type=CrossModalContrastiveLoss, gather_distributed=True),
    logit_scale_init=2.6592,
)
del reid_model
