# TransOSS's first stage (ICCV 2025; the authors' train_pair.py): contrastive
# pre-training of the SDF-Net backbone on co-registered optical-SAR pairs
# (OptiSar_Pair, or pairs of other sensors in its layout), from ImageNet.
# The recipe: 4 processes x (64 optical + 64 SAR) = batch 512, SGD lr 3e-3,
# 60 epochs (5 warm-up), weight decay 1e-4, bias lr x2, flip, pad + crop,
# random erasing 0.5, fp16:
#   bash tools/dist_train.sh configs/pretrain/transoss_vitb16_optisar-pair.py 4 --amp
# Fine-tune from its checkpoint without conversion:
#   model.backbone.init_cfg=dict(type='Pretrained',
#       checkpoint='work_dirs/transoss_vitb16_optisar-pair/epoch_60.pth',
#       prefix='backbone.')
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.optisar_pair import *  # noqa: F401,F403
    from .._base_.models.transoss_pretrain_vitb16 import *  # noqa: F401,F403
    from .._base_.pretrain_runtime import *  # noqa: F401,F403
    from .._base_.schedules.sgd_60e_pretrain import *  # noqa: F401,F403
