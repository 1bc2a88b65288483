# SDF-Net on HOSS ReID with model selection on a validation split instead of
# the test split: 40 of the 361 training identities (with both optical and
# SAR chips; chosen by seed 0, see sdfnet_mm/datasets/validation_split.py)
# are held out, the classifier has 321 outputs, validation every 5 epochs
# ranks the held-out chips (All / O->S / S->O) and the best epoch by its All
# mAP is kept (best_reid_all_mAP_epoch_*.pth). The test split is only for
# tools/test.py.
from mmengine.config import read_base

with read_base():
    from .sdfnet_vitb16_hoss import *  # noqa: F401,F403

val_ids = dict(num=40, seed=0)
train_dataloader.dataset.val_ids = val_ids
val_dataloader = dict(
    test_dataloader,
    dataset=dict(test_dataloader.dataset, split='val', val_ids=val_ids))
model.head.num_classes = num_ids - val_ids['num']
default_hooks.checkpoint.update(save_best='reid/all_mAP', rule='greater')
