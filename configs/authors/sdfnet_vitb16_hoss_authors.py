# SDF-Net as the authors' code runs it (cfrfree/SDF-Net, configs/SDF-Net.yml),
# for loading their weights (tools/convert_weights.py) and reproducing their
# numbers: token-based DFL (shared CLS + per-modality token), forward
# differences for SCL, batch-hard soft-margin triplet, plain CE, MSE
# structure loss, their identity sampler (8 ids x 4 images, no modality
# balance) and float16 autocast with a dynamic grad scaler on a GPU
# (tools/train.py trains it in float32 where CUDA is missing).
from mmengine.config import read_base
from mmengine.optim import AmpOptimWrapper
from mmpretrain.models import CrossEntropyLoss

from sdfnet_mm.datasets import RandomIdentitySampler
from sdfnet_mm.models import TripletLoss

with read_base():
    from .._base_.datasets.hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vitb16 import *  # noqa: F401,F403
    from .._base_.schedules.sgd_100e import *  # noqa: F401,F403

model.backbone.update(modality_token=True, structure_difference='forward')
model.neck.mode = 'token'
# Assigned, not updated: ConfigDict.update would merge the old arguments in.
model.head.loss_cls = dict(type=CrossEntropyLoss, loss_weight=1.0)
model.head.loss_triplet = dict(type=TripletLoss, mining='hard',
                              loss_weight=1.0)
model.structure_loss.channel_reduction = 'mean'
train_dataloader.sampler = dict(type=RandomIdentitySampler, num_ids=8,
                                num_instances=4)
optim_wrapper.update(type=AmpOptimWrapper, loss_scale='dynamic',
                     dtype='float16')
