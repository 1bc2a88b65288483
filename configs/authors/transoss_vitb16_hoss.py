# TransOSS (ICCV 2025, the HOSS baseline; Alioth2000/Hoss-ReID) as the SDF-Net
# authors' code builds it with DISENTANGLE=False: no SCL, no DFL, the CLS
# token as feature, test feature before BN. Loads HOSS_TransOSS.pth.
# Published: All 57.4 / 65.9, O->S 48.9 / 33.8, S->O 38.7 / 29.9.
from mmengine.config import read_base
from mmpretrain.models import CrossEntropyLoss

from sdfnet_mm.models import ClassTokenNeck, TripletLoss

with read_base():
    from .._base_.datasets.hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vitb16 import *  # noqa: F401,F403
    from .._base_.schedules.sgd_100e import *  # noqa: F401,F403

model.backbone.structure_layer = None
model.structure_loss = None
model.neck = dict(type=ClassTokenNeck, in_channels=embed_dims)
# Assigned, not updated: ConfigDict.update would merge the old arguments in.
model.head.loss_cls = dict(type=CrossEntropyLoss, loss_weight=1.0)
model.head.loss_triplet = dict(type=TripletLoss, mining='hard',
                              loss_weight=1.0)
model.head.test_feature = 'pre_bn'
