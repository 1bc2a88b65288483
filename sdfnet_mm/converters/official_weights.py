"""Convert the authors' and timm's ViT checkpoints to ``SDFNet`` keys.

Sources (detected from the keys):

- the authors' fine-tuned SDF-Net / TransOSS models (``base.*`` backbone,
  ``bottleneck_fuse.*`` or ``bottleneck.*`` BNNeck, ``classifier.*``);
- bare ViT backbones in timm naming: the authors' pre-trained TransOSS
  backbone (``vit_b512_pre.pth``: 129-token position embedding, maybe no
  SAR tokenizer) and ImageNet ViT-B/16 (``vit_base_p16_224-4e355ebd.pth``).

Key names: ``reference/official_keys_vitb16.tsv``. The conversion follows
the authors' ``TransOSS.load_param`` where it is defined (position
embedding: same patch count kept, otherwise a square source grid resized
bilinearly, ``align_corners=False``; CLS position duplicated for the
modality-token slot; SAR tokenizer copied from the optical one when absent)
but never skips anything silently: every dropped source key, every filled
target key and every target key left at its initial value is reported, and
an unknown key or a shape mismatch is an error naming the key.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

import torch
from mmpretrain.models.utils import resize_pos_embed

#: timm/TransOSS backbone key -> SDFViT key (regex, replacement).
BACKBONE_RULES: List[Tuple[str, str]] = [
    (r'^cls_token$', 'cls_token'),
    (r'^pos_embed$', 'pos_embed'),
    (r'^mie_embed$', 'modality_embed'),
    (r'^patch_embed\.proj\.', 'patch_embed.projection.'),
    (r'^patch_embed_SAR\.proj\.', 'patch_embed_sar.projection.'),
    (r'^blocks\.(\d+)\.norm1\.', r'layers.\1.ln1.'),
    (r'^blocks\.(\d+)\.attn\.qkv\.', r'layers.\1.attn.qkv.'),
    (r'^blocks\.(\d+)\.attn\.proj\.', r'layers.\1.attn.proj.'),
    (r'^blocks\.(\d+)\.norm2\.', r'layers.\1.ln2.'),
    (r'^blocks\.(\d+)\.mlp\.fc1\.', r'layers.\1.ffn.layers.0.0.'),
    (r'^blocks\.(\d+)\.mlp\.fc2\.', r'layers.\1.ffn.layers.1.'),
    (r'^norm\.', 'ln1.'),
    (r'^wh_embed\.linear_layer\.', 'ship_size_embed.'),
]
#: The authors' two modality-specific CLS tokens, stacked as SDFViT's
#: ``modality_token`` (2, 1, C) in modality order (optical, SAR).
MODALITY_TOKEN_KEYS = ('cls_token_spe_rgb', 'cls_token_spe_sar')
#: Backbone keys that exist in the sources but have no role in SDF-Net.
UNUSED_BACKBONE_KEYS: List[Tuple[str, str]] = [
    (r'^fc\.', "TransOSS's unused 1000-way head"),
    (r'^head\.|^head_dist\.', "timm's ImageNet classifier"),
    (r'dist', 'distillation token (DeiT)'),
    (r'^pre_logits\.', "timm's pre-logits layer"),
]


@dataclass
class ConversionReport:
    """What a conversion did, key by key (target key names)."""
    converted: List[str] = field(default_factory=list)
    dropped: Dict[str, str] = field(default_factory=dict)  # source key: why
    filled: Dict[str, str] = field(default_factory=dict)  # target key: how
    missing: List[str] = field(default_factory=list)  # left at init

    def summary(self) -> str:
        lines = [f'converted {len(self.converted)} tensors']
        lines += [f'  dropped {k}: {why}' for k, why in self.dropped.items()]
        lines += [f'  filled {k}: {how}' for k, how in self.filled.items()]
        lines += [f'  missing {k}: keeps its initial value'
                  for k in self.missing]
        return '\n'.join(lines)


def unwrap_state_dict(checkpoint: Mapping) -> Dict[str, torch.Tensor]:
    """The tensor dict inside ``checkpoint['model' / 'state_dict']``."""
    for key in ('model', 'state_dict'):
        if key in checkpoint and isinstance(checkpoint[key], Mapping):
            checkpoint = checkpoint[key]
    return {
        (k[len('module.'):] if k.startswith('module.') else k): v
        for k, v in checkpoint.items()
    }


def _map_backbone_key(key: str) -> Tuple[Optional[str], Optional[str]]:
    """(SDFViT key, None), or (None, why it is unused) for a known unused
    key; ``KeyError`` naming an unknown key."""
    for pattern, replacement in BACKBONE_RULES:
        if re.search(pattern, key):
            return re.sub(pattern, replacement, key), None
    for pattern, why in UNUSED_BACKBONE_KEYS:
        if re.search(pattern, key):
            return None, why
    raise KeyError(f'unknown backbone key {key!r}; expected timm/TransOSS '
                   'ViT names')


def adapt_pos_embed(source: torch.Tensor, source_extra: int,
                    target_shape: torch.Size, target_extra: int,
                    target_grid: Tuple[int, int]) -> Tuple[torch.Tensor, str]:
    """Fit a (1, E_s + P_s, C) position embedding to (1, E_t + H'W', C).

    Patch positions: kept when the counts agree, else resized bilinearly
    from a square grid. Extra slots: the CLS position is duplicated for a
    modality-token slot (E_t = 2 from E_s = 1), or that slot is dropped.
    """
    patches = source.shape[1] - source_extra
    target_patches = target_grid[0] * target_grid[1]
    how = []
    if patches != target_patches:
        side = int(round(patches**0.5))
        if side * side != patches:
            raise ValueError(
                f'pos_embed: {patches} source patch positions are neither '
                f'the target {target_grid} grid nor a square grid')
        source = resize_pos_embed(source, (side, side), target_grid,
                                  mode='bilinear',
                                  num_extra_tokens=source_extra)
        how.append(f'{side}x{side} grid resized bilinearly to '
                   f'{target_grid[0]}x{target_grid[1]}')
    if target_extra == 2 and source_extra == 1:
        source = torch.cat([source[:, :1], source], dim=1)
        how.append('CLS position duplicated for the modality-token slot')
    elif target_extra == 1 and source_extra == 2:
        source = torch.cat([source[:, :1], source[:, 2:]], dim=1)
        how.append('modality-token slot dropped')
    if source.shape != target_shape:
        raise ValueError(f'pos_embed: converted shape {tuple(source.shape)} '
                         f'!= target {tuple(target_shape)}')
    return source, '; '.join(how)


def _convert_backbone(source: Dict[str, torch.Tensor],
                      target: Mapping[str, torch.Size],
                      target_grid: Tuple[int, int], prefix: str,
                      report: ConversionReport) -> Dict[str, torch.Tensor]:
    """Bare timm/TransOSS backbone keys -> ``prefix`` + SDFViT keys."""
    source = dict(source)
    converted: Dict[str, torch.Tensor] = {}
    source_extra = 2 if MODALITY_TOKEN_KEYS[0] in source else 1
    if all(k in source for k in MODALITY_TOKEN_KEYS):
        converted[prefix + 'modality_token'] = torch.cat(
            [source.pop(k) for k in MODALITY_TOKEN_KEYS])
    for key, value in source.items():
        new_key, unused_why = _map_backbone_key(key)
        if new_key is None:
            report.dropped[key] = unused_why
        else:
            converted[prefix + new_key] = value
    pos_key = prefix + 'pos_embed'
    if pos_key in converted and pos_key in target and \
            converted[pos_key].shape != target[pos_key]:
        target_extra = target[pos_key][1] - target_grid[0] * target_grid[1]
        converted[pos_key], how = adapt_pos_embed(
            converted[pos_key], source_extra, target[pos_key], target_extra,
            target_grid)
        report.filled[pos_key] = how
    weight_key = prefix + 'patch_embed.projection.weight'
    if weight_key in converted and converted[weight_key].ndim < 4 and \
            weight_key in target:
        converted[weight_key] = converted[weight_key].reshape(
            target[weight_key])
        report.filled[weight_key] = 'flat patch kernel reshaped'
    sar = prefix + 'patch_embed_sar.projection.'
    if sar + 'bias' not in converted:
        for name in ('weight', 'bias'):
            optical = prefix + 'patch_embed.projection.' + name
            if optical in converted:
                converted[sar + name] = converted[optical].clone()
                report.filled[sar + name] = 'copied from the optical ' \
                    'tokenizer (checkpoint has none for SAR)'
    if prefix + 'modality_token' not in target:
        dropped = converted.pop(prefix + 'modality_token', None)
        if dropped is not None:
            report.dropped['cls_token_spe_rgb/sar'] = \
                'the target model has no modality tokens'
    return converted


def _convert_reid_head(source: Dict[str, torch.Tensor],
                       report: ConversionReport) -> Dict[str, torch.Tensor]:
    """The authors' BNNeck and classifier -> ``head.*``."""
    converted = {}
    bnneck = 'bottleneck_fuse.' if any(
        k.startswith('bottleneck_fuse.') for k in source) else 'bottleneck.'
    for key, value in source.items():
        if key.startswith(bnneck):
            converted['head.bnneck.' + key[len(bnneck):]] = value
        elif key == 'classifier.weight':
            converted['head.classifier.weight'] = value
        elif key.startswith('bottleneck.'):
            report.dropped[key] = 'BNNeck of the global feature, unused ' \
                'when DISENTANGLE=True'
        elif key == 'logit_scale':
            report.dropped[key] = 'CLIP pair-pretraining temperature, ' \
                'unused in fine-tuning'
        else:
            raise KeyError(f'unknown key {key!r} (shape {tuple(value.shape)})'
                           ' outside base.*; expected bottleneck*/classifier')
    return converted


def convert_checkpoint(source: Mapping[str, torch.Tensor],
                       target: Mapping[str, torch.Size],
                       target_grid: Tuple[int, int] = (16, 8)
                       ) -> Tuple[Dict[str, torch.Tensor], ConversionReport]:
    """Convert a source state dict to ``SDFNet`` keys.

    Args:
        source: The checkpoint's tensors (see :func:`unwrap_state_dict`).
        target: ``{key: shape}`` of the model to load into
            (``model.state_dict()``).
        target_grid: The backbone's patch grid (H', W').

    Returns:
        The converted state dict (keys prefixed ``backbone.`` / ``head.``)
        and the report. Raises ``KeyError`` / ``ValueError`` naming the key
        on an unknown key or a shape that cannot be converted.
    """
    report = ConversionReport()
    source = dict(source)
    if any(k.startswith('base.') for k in source):
        backbone = {k[len('base.'):]: source.pop(k)
                    for k in list(source) if k.startswith('base.')}
        converted = _convert_backbone(backbone, target, target_grid,
                                      'backbone.', report)
        converted.update(_convert_reid_head(source, report))
    else:
        converted = _convert_backbone(source, target, target_grid,
                                      'backbone.', report)
    for key, value in converted.items():
        if key not in target:
            raise KeyError(f'converted key {key!r} has no place in the '
                           'target model (check the config options: MIE, '
                           'SSE, modality tokens, fusion)')
        if value.shape != target[key]:
            raise ValueError(f'{key}: converted shape {tuple(value.shape)} '
                             f'!= model shape {tuple(target[key])}')
    report.converted = sorted(converted)
    report.missing = [k for k in target if k not in converted]
    return converted, report
