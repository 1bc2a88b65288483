# The synthetic pre-training pairs (tools/make_synthetic_pairs.py ->
# data/synthetic_pairs) at the CPU demo's 256x64 input, float SAR by the dB
# stretch as the demo's ReID chips (8-bit SAR as it is); the recipe's pair
# augmentations with the demo's 8-pixel padding, random erasing in the
# pipeline as the demo's (configs/_base_/datasets/synthetic_hoss.py).
from mmcv.transforms import RandomFlip, Resize
from mmengine.config import read_base
from mmpretrain.datasets.transforms import RandomCrop, RandomErasing

from sdfnet_mm.datasets import LoadHOSSImage, PackReIDInputs

with read_base():
    from .optisar_pair import *  # noqa: F401,F403

data_root = 'data/synthetic_pairs'
img_scale = (64, 256)  # (W, H)
sar_to_rgb = 'log'
num_pairs = 32

train_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bicubic',
         backend='pillow'),
    dict(type=RandomFlip, prob=0.5, direction='horizontal'),
    dict(type=RandomCrop, crop_size=(256, 64), padding=8),
    dict(type=RandomErasing, erase_prob=0.5, max_area_ratio=1 / 3,
         mode='rand'),
    dict(type=PackReIDInputs),
]
train_dataloader.update(batch_size=2 * num_pairs, num_workers=2)
train_dataloader.sampler.update(num_pairs=num_pairs)
train_dataloader.dataset.update(data_root=data_root, pipeline=train_pipeline)
