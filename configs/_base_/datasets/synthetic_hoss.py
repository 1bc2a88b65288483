# The bundled synthetic optical-SAR set in the HOSS layout
# (tools/make_synthetic_hoss.py -> data/synthetic_hoss), sized for a CPU:
# 256x64 input (the chips are about 5:1 tall; 64 patch tokens instead of
# 128), SAR by the log (dB) stretch (the authors' max stretch leaves the
# heavy-tailed amplitude very dark, which a model trained from scratch
# learns little from), flip + pad/crop + random erasing (no colour jitter).
from mmcv.transforms import RandomFlip, Resize, TestTimeAug
from mmengine.config import read_base
from mmpretrain.datasets.transforms import RandomCrop, RandomErasing

from sdfnet_mm.datasets import LoadHOSSImage, PackReIDInputs

with read_base():
    from .hoss import *  # noqa: F401,F403

data_root = 'data/synthetic_hoss'
img_scale = (64, 256)  # (W, H)
sar_to_rgb = 'log'

train_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bicubic',
         backend='pillow'),
    dict(type=RandomFlip, prob=0.5, direction='horizontal'),
    dict(type=RandomCrop, crop_size=(256, 64), padding=8),
    dict(type=RandomErasing, erase_prob=0.2, max_area_ratio=1 / 3,
         mode='rand'),
    dict(type=PackReIDInputs),
]
test_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bilinear',
         backend='pillow'),
    dict(type=PackReIDInputs),
]
tta_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bilinear',
         backend='pillow'),
    dict(type=TestTimeAug,
         transforms=[[dict(type=RandomFlip, prob=0.0),
                      dict(type=RandomFlip, prob=1.0,
                           direction='horizontal')],
                     [dict(type=PackReIDInputs)]]),
]
train_dataloader.update(num_workers=2)
train_dataloader.dataset.update(data_root=data_root, pipeline=train_pipeline)
val_dataloader.update(num_workers=2)
val_dataloader.dataset.update(data_root=data_root, pipeline=test_pipeline)
test_dataloader = val_dataloader
