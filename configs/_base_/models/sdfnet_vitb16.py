# SDF-Net, ViT-B/16 at 256x128 (the paper; docs/method.md §3-4):
# dual-head tokenizer, MIE + SSE (TransOSS), SCL at block 6 with central
# differences, DFL with two linear heads and sum fusion, BNNeck,
# label-smoothed CE + weighted triplet, lambda_orth 10, lambda_struct 1 on
# the mean over channels of the prototype gap (the authors' MSE; the paper's
# literal sum, channel_reduction='sum', is 768x larger at this width).
from mmpretrain.models import LabelSmoothLoss

from sdfnet_mm.models import (BNNeckHead, DisentangleNeck, OrthogonalLoss,
                              PixelRandomErasing, ReIDDataPreprocessor,
                              ReIDTTAModel, SDFNet, SDFViT,
                              StructureConsistencyLoss, TripletLoss)

num_ids = 361  # HOSS ReID training identities
embed_dims = 768
# The paper starts from TransOSS's optical-SAR pre-trained ViT-B/16
# (vit_b512_pre.pth), converted with tools/convert_weights.py.
pretrained = 'checkpoints/vit_b512_pre_sdfnet.pth'

model = dict(
    type=SDFNet,
    # Random erasing as the authors' timm RandomErasing(mode='pixel'): one
    # box per image with probability 0.2, per-pixel N(0, 1) noise after the
    # ImageNet normalisation, which happens here (not in the pipeline).
    data_preprocessor=dict(
        type=ReIDDataPreprocessor,
        train_augments=[
            dict(type=PixelRandomErasing, prob=0.2, min_area=0.02,
                 max_area=1 / 3, min_aspect=0.3)
        ]),
    backbone=dict(
        type=SDFViT,
        arch='b',
        img_size=(256, 128),
        patch_size=16,
        drop_path_rate=0.1,
        modality_embed_coef=3.0,
        ship_size_token=True,
        modality_token=False,
        structure_layer=6,
        structure_difference='central',
        init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                      prefix='backbone.')),
    neck=dict(
        type=DisentangleNeck,
        in_channels=embed_dims,
        mode='linear',
        fusion='sum',
        loss_orth=dict(type=OrthogonalLoss, loss_weight=10.0)),
    head=dict(
        type=BNNeckHead,
        in_channels=embed_dims,
        num_classes=num_ids,
        loss_cls=dict(type=LabelSmoothLoss, label_smooth_val=0.1),
        loss_triplet=dict(type=TripletLoss, mining='weighted',
                          loss_weight=1.0),
        test_feature='bn'),
    structure_loss=dict(
        type=StructureConsistencyLoss, channel_reduction='mean',
        loss_weight=1.0),
)
# tools/test.py --tta wraps the model with this (see tta_pipeline).
tta_model = dict(type=ReIDTTAModel)
