# TransOSS's pre-training pairs (OptiSar_Pair; docs/method.md §5a): 256x128,
# the authors' pair augmentations (bicubic resize, flip 0.5, pad 10 + crop;
# no colour jitter; random erasing 0.5 is the model's data preprocessor
# augmentation, configs/_base_/models/transoss_pretrain_vitb16.py), batches
# of N optical chips then their N SAR partners.
from mmcv.transforms import RandomFlip, Resize
from mmpretrain.datasets.transforms import RandomCrop

from sdfnet_mm.datasets import (LoadHOSSImage, OptiSARPairDataset,
                                OptiSARPairSampler, PackReIDInputs)

data_root = 'data/OptiSar_Pair'
img_scale = (128, 256)  # (W, H)
sar_to_rgb = 'max'  # float SAR as the authors' loader; 8-bit SAR as it is
num_pairs = 64  # per process: 4 processes x (64 + 64) = the recipe's 512

train_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bicubic',
         backend='pillow'),
    dict(type=RandomFlip, prob=0.5, direction='horizontal'),
    dict(type=RandomCrop, crop_size=(256, 128), padding=10),
    dict(type=PackReIDInputs),
]
train_dataloader = dict(
    batch_size=2 * num_pairs,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type=OptiSARPairSampler, num_pairs=num_pairs),
    dataset=dict(type=OptiSARPairDataset, data_root=data_root,
                 pipeline=train_pipeline),
)
