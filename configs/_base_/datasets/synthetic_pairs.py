# The synthetic pre-training pairs (tools/make_synthetic_pairs.py ->
# data/synthetic_pairs) at the CPU demo's 256x64 input, SAR by the dB
# stretch as the demo's ReID chips; the recipe's pair augmentations with the
# demo's 8-pixel padding.
from mmengine.config import read_base

with read_base():
    from .optisar_pair import *  # noqa: F401,F403

data_root = 'data/synthetic_pairs'
img_scale = (64, 256)  # (W, H)
sar_to_rgb = 'log'
num_pairs = 32

train_pipeline[0].update(sar_to_rgb=sar_to_rgb)
train_pipeline[1].update(scale=img_scale)
train_pipeline[3].update(crop_size=(256, 64), padding=8)
train_dataloader.update(batch_size=2 * num_pairs, num_workers=2)
train_dataloader.sampler.update(num_pairs=num_pairs)
train_dataloader.dataset.update(data_root=data_root, pipeline=train_pipeline)
