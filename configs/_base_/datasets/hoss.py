# HOSS ReID (docs/method.md §1, §5): 256x128 chips, the recipe's
# augmentations, the paper's 8 x (2 optical + 2 SAR) cross-modal sampler.
# Random erasing (timm's pixel mode) needs normalised pixels: it is a train
# augmentation of the model's data preprocessor
# (configs/_base_/models/sdfnet_vitb16.py), not a pipeline step.
from mmcv.transforms import RandomFlip, Resize, TestTimeAug
from mmengine.dataset import DefaultSampler
from mmpretrain.datasets.transforms import NumpyToPIL, PILToNumpy, RandomCrop

from sdfnet_mm.datasets import (CrossModalIdentitySampler, HOSSDataset,
                                LoadHOSSImage, PackReIDInputs)
from sdfnet_mm.evaluation import ReIDMetric

data_root = 'data/HOSS'
img_scale = (128, 256)  # (W, H)
sar_to_rgb = 'max'  # the authors' conversion

train_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bicubic',
         backend='pillow'),
    dict(type=RandomFlip, prob=0.5, direction='horizontal'),
    # torchvision's ColorJitter (registered by MMPretrain under this name)
    # on the RGB chip as a PIL image, as the authors ran it (MMCV's jitter
    # assumes BGR, so its grey weights would swap R and B on RGB chips).
    dict(type=NumpyToPIL, to_rgb=False),
    dict(type='mmpretrain.torchvision/ColorJitter', brightness=0.2,
         contrast=0.2, saturation=0.2, hue=0),
    dict(type=PILToNumpy, to_bgr=False),
    dict(type=RandomCrop, crop_size=(256, 128), padding=10),
    dict(type=PackReIDInputs),
]
test_pipeline = [
    dict(type=LoadHOSSImage, sar_to_rgb=sar_to_rgb),
    dict(type=Resize, scale=img_scale, interpolation='bilinear',
         backend='pillow'),
    dict(type=PackReIDInputs),
]
# tools/test.py --tta: features of the chip and its horizontal flip averaged.
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

train_dataloader = dict(
    batch_size=32,  # = num_ids * 2 * num_per_modality
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type=CrossModalIdentitySampler, num_ids=8,
                 num_per_modality=2),
    dataset=dict(type=HOSSDataset, data_root=data_root, split='train',
                 pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type=DefaultSampler, shuffle=False),
    dataset=dict(type=HOSSDataset, data_root=data_root, split='test',
                 pipeline=test_pipeline),
)
val_evaluator = dict(type=ReIDMetric)
test_dataloader = val_dataloader
test_evaluator = val_evaluator
