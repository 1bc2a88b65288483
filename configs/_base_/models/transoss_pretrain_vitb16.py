# TransOSS's contrastive pre-training model (the authors' train_pair.py with
# configs/pretrain_transoss.yml; docs/method.md §5a): the paper model's
# SDFViT ViT-B/16 (256x128, dual-head tokenizer, MIE x3) without the
# ship-size token and SCL; CLS features, logits exp(t) * f_sar . f_opt^T
# with t learnable from 2.6592; ImageNet start; the paper model's data
# preprocessor with the pairs' random erasing (timm pixel mode) at 0.5.
from mmengine.config import read_base

from sdfnet_mm.models import CrossModalContrastiveLoss, OpticalSARContrastive

with read_base():
    from .sdfnet_vitb16 import model as reid_model

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
    data_preprocessor=reid_model.data_preprocessor,
    backbone=dict(
        reid_model.backbone,
        ship_size_token=False,
        structure_layer=None,
        init_cfg=dict(type='Pretrained', checkpoint=imagenet_checkpoint,
                      prefix='backbone.')),
    # The authors' 4-GPU run computes each GPU's loss over its own 64 pairs;
    # gather_distributed=True makes it the loss of the global batch.
    loss=dict(type=CrossModalContrastiveLoss, gather_distributed=False),
    logit_scale_init=2.6592,
)
model['data_preprocessor']['train_augments'][0]['prob'] = 0.5
del reid_model
