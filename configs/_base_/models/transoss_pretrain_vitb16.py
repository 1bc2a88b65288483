# TransOSS's contrastive pre-training model (the authors' train_pair.py with
# configs/pretrain_transoss.yml; docs/method.md §5): SDFViT ViT-B/16 at
# 256x128 with the dual-head tokenizer and MIE (x3), no ship-size token, no
# SCL; CLS features, logits exp(t) * f_sar . f_opt^T with t learnable from
# 2.6592; ImageNet start.
from sdfnet_mm.models import (CrossModalContrastiveLoss, OpticalSARContrastive,
                              ReIDDataPreprocessor, SDFViT)

# timm's ImageNet ViT-B/16 (vit_base_p16_224-4e355ebd.pth; its URL is in the
# authors' configs/pretrain_transoss.yml) in SDFViT keys, made with
#   python tools/convert_weights.py vit_base_p16_224-4e355ebd.pth \
#       checkpoints/vit_base_p16_224_sdfvit.pth \
#       --config configs/pretrain/transoss_vitb16_optisar-pair.py
# (14x14 position grid resized to 16x8, SAR tokenizer copied from the
# optical one, as the authors' load_param does).
imagenet_checkpoint = 'checkpoints/vit_base_p16_224_sdfvit.pth'

model = dict(
    type=OpticalSARContrastive,
    data_preprocessor=dict(type=ReIDDataPreprocessor),
    backbone=dict(
        type=SDFViT,
        arch='b',
        img_size=(256, 128),
        patch_size=16,
        drop_path_rate=0.1,
        modality_embed_coef=3.0,
        ship_size_token=False,
        modality_token=False,
        structure_layer=None,
        init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint,
                      prefix='backbone.')),
    # The authors' 4-GPU run computes each GPU's loss over its own 64 pairs;
    # gather_distributed=True makes it the loss of the global batch.
    loss=dict(type=CrossModalContrastiveLoss, gather_distributed=False),
    logit_scale_init=2.6592,
)
