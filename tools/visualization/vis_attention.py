"""Where the model looks: attention rollout, Grad-CAM and the SCL
gradient-energy map over chips.

    python tools/visualization/vis_attention.py CONFIG CHECKPOINT IMG
        [IMG ...] --out DIR [--method rollout gradcam] [--modality
        optical|sar] [--device cpu] [--cfg-options KEY=VALUE ...]

**One picture per ship** (``DIR/<id>.png``, ids from the HOSS file names;
chips whose names give no id get one picture each, ``DIR/<name>.png``):
one row per chip of the ship (optical first), one column each for the
model input (the chip after the config's test pipeline), the ``--method``
maps blended over it and the SCL map:

- ``rollout`` (default): attention rollout of the CLS token (Abnar &
  Zuidema 2020). MMPretrain's blocks use the fused
  ``scaled_dot_product_attention``, which returns no weights, so forward
  hooks on each block's ``attn.qkv`` recompute ``softmax(Q K^T /
  sqrt(d))``; per block the heads are averaged, the identity added and the
  rows renormalised, and the blocks multiplied from the first on; the CLS
  row over the patch tokens is the map.
- ``gradcam``: Grad-CAM on the fused feature, at the input of the last
  block's attention (``layers[-1].ln1``, MMPretrain's ``vis_cam.py`` ViT
  target): ``relu(sum_c w_c A_c)`` with ``w_c`` the mean over the patch
  tokens of the gradient of the score. The score of a chip is the cosine
  similarity of its fused feature to the mean L2-normalised fused
  feature of the ship's other chips in the picture (held fixed): the
  patches that make it match its other modality; a chip alone is scored
  against itself (the norm's gradient).
- SCL: the gradient energy per patch position at block ``B_s``
  (``model.backbone.structure_layer``; :func:`gradient_energy_map`, the
  differences of the structure descriptor), when the model has SCL.

Maps are on the patch grid, scaled bilinearly to the chip and min-max
normalised per chip (``jet``: blue low, red high).
"""
import argparse
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional

import torch
from mmengine.config import DictAction
from mmengine.utils import mkdir_or_exist

from sdfnet_mm.chips import parse_hoss_name
from sdfnet_mm.models.utils import gradient_energy_map
from sdfnet_mm.structures import MODALITY_NAMES, OPTICAL
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 build_inferencer)
from sdfnet_mm.visualization import (draw_tile_grid, heatmap_overlay,
                                     save_picture)

METHODS = ('rollout', 'gradcam')
METHOD_TITLES = {'rollout': 'attention rollout\n(CLS token)',
                 'gradcam': 'Grad-CAM\n(fused feature)'}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Attention rollout, Grad-CAM and SCL maps of chips')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('images', nargs='+', help='chips (.tif)')
    parser.add_argument('--out', required=True,
                        help='folder for one picture per ship')
    parser.add_argument('--method', nargs='+', choices=METHODS,
                        default=['rollout'], help='maps shown')
    parser.add_argument('--modality', choices=MODALITY_CHOICES,
                        help='modality of chips without a HOSS name')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    return parser.parse_args(argv)


def attention_weights(qkv: torch.Tensor, attn) -> torch.Tensor:
    """(B, N, 3C) output of ``attn.qkv`` -> (B, heads, N, N) weights
    ``softmax(Q K^T / sqrt(d))``, the layout of MMPretrain's
    ``MultiheadAttention.forward``."""
    batch, tokens, _ = qkv.shape
    q, k, _ = qkv.reshape(batch, tokens, 3, attn.num_heads,
                          attn.head_dims).permute(2, 0, 3, 1, 4)
    return torch.softmax(q @ k.transpose(-2, -1) * attn.head_dims**-0.5, -1)


def attention_rollout(attentions: List[torch.Tensor]) -> torch.Tensor:
    """(B, heads, N, N) weights per block, first block first -> (B, N, N)
    rollout: heads averaged, identity added, rows renormalised, blocks
    multiplied (the last on the left)."""
    eye = torch.eye(attentions[0].shape[-1], dtype=attentions[0].dtype)
    rollout = eye.expand_as(attentions[0][:, 0])
    for weights in attentions:
        mixed = weights.mean(1) + eye
        rollout = (mixed / mixed.sum(-1, keepdim=True)) @ rollout
    return rollout


def grad_cam(activation: torch.Tensor, gradient: torch.Tensor
             ) -> torch.Tensor:
    """(B, H', W', C) activations and gradients -> (B, H', W') Grad-CAM."""
    weights = gradient.mean(dim=(1, 2), keepdim=True)
    return torch.relu((weights * activation).sum(-1))


def match_scores(fused: torch.Tensor) -> torch.Tensor:
    """(B, C) fused features of one ship's chips -> (B,) cosine similarity
    of each to the mean normalised feature of the others (itself when
    alone), the others held fixed."""
    unit = torch.nn.functional.normalize(fused, dim=1)
    fixed = unit.detach()
    if len(fused) == 1:
        return (unit * fixed).sum(1)
    others = (fixed.sum(0, keepdim=True) - fixed) / (len(fused) - 1)
    return (unit * torch.nn.functional.normalize(others, dim=1)).sum(1)


def look(model, batch: dict) -> Dict[str, Optional[torch.Tensor]]:
    """Run ``model`` on a preprocessed batch (one ship's chips) with hooks.

    Returns:
        dict: ``attentions`` (list of (B, heads, N, N) per block),
        ``rollout``, ``gradcam`` and ``energy`` ((B, H', W') each;
        ``energy`` None without SCL), ``grid`` (H', W').
    """
    backbone = model.backbone
    seen = defaultdict(list)
    hooks = [
        block.attn.qkv.register_forward_hook(
            lambda module, args, out, attn=block.attn:
            seen['attentions'].append(attention_weights(out.detach(), attn)))
        for block in backbone.layers
    ]
    hooks += [
        embed.register_forward_hook(
            lambda module, args, out: seen['grid'].append(tuple(out[1])))
        for embed in (backbone.patch_embed, backbone.patch_embed_sar)
    ]
    hooks.append(backbone.layers[-1].ln1.register_forward_hook(
        lambda module, args, out: seen['cam_input'].append(out)))
    if backbone.structure_layer is not None:
        hooks.append(backbone.layers[backbone.structure_layer - 1]
                     .register_forward_hook(
                         lambda module, args, out:
                         seen['structure'].append(out.detach())))
    model.eval()
    try:
        with torch.enable_grad():
            _, features = model.extract_feat(
                batch['inputs'], batch['modality'], batch['ship_size'])
            activation = seen['cam_input'][0]
            gradient, = torch.autograd.grad(
                match_scores(features.fused).sum(), activation)
    finally:
        for hook in hooks:
            hook.remove()
    grid = seen['grid'][0]
    cls_row = attention_rollout(seen['attentions'])[:, 0]
    energy = None
    if seen['structure']:
        energy = gradient_energy_map(
            backbone.patch_grid(seen['structure'][0], grid),
            backbone.structure_difference)
    return dict(
        attentions=seen['attentions'],
        rollout=backbone.patch_grid(cls_row[..., None], grid)[..., 0],
        gradcam=grad_cam(backbone.patch_grid(activation.detach(), grid),
                         backbone.patch_grid(gradient, grid)),
        energy=energy, grid=grid)


def group_by_ship(paths: List[str]) -> Dict[str, List[str]]:
    """Picture name -> its chips (optical first); chips without a HOSS
    name are alone under their file name."""
    groups = defaultdict(list)
    for path in paths:
        try:
            identity, modality = parse_hoss_name(path)
            key = f'{identity:04d}' if identity >= 0 else \
                osp.splitext(osp.basename(path))[0]
        except ValueError:
            key, modality = osp.splitext(osp.basename(path))[0], OPTICAL
        groups[key].append((modality, path))
    return {key: [path for _, path in sorted(items)]
            for key, items in groups.items()}


def ship_picture(inferencer, paths: List[str], methods: List[str],
                 modality) -> dict:
    """Maps and picture of one ship's chips (see :func:`look`); adds
    ``images`` (the model inputs, (H, W, 3) uint8), ``grid_picture``
    (:class:`TileGrid`) and ``titles``."""
    data = next(iter(inferencer.preprocess(
        paths, batch_size=len(paths), modality=modality)))
    images = [image.permute(1, 2, 0).numpy() for image in data['inputs']]
    batch = inferencer.model.data_preprocessor(data, False)
    maps = look(inferencer.model, batch)
    columns = [maps[method] for method in methods]
    titles = ['model input'] + [METHOD_TITLES[m] for m in methods]
    if maps['energy'] is not None:
        columns.append(maps['energy'])
        titles.append('SCL gradient energy\n(block '
                      f'{inferencer.model.backbone.structure_layer})')
    tiles = [[image] + [heatmap_overlay(image, column[i].numpy())
                        for column in columns]
             for i, image in enumerate(images)]
    samples = batch['data_samples']
    labels = [
        f'{osp.splitext(osp.basename(path))[0]}\n'
        f'{MODALITY_NAMES[int(sample.modality)]}'
        for path, sample in zip(paths, samples)
    ]
    return dict(maps, images=images, titles=titles,
                grid_picture=draw_tile_grid(tiles, titles, labels))


def main(argv=None) -> Dict[str, dict]:
    """Write the pictures; returns {picture path: :func:`ship_picture`}."""
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    inferencer = build_inferencer(args)
    if inferencer.model.backbone.structure_layer is None:
        print('the model has no SCL (structure_layer=None): no gradient-'
              'energy column')
    mkdir_or_exist(args.out)
    results = {}
    for name, paths in group_by_ship(
            inferencer._inputs_to_list(args.images)).items():
        shown = ship_picture(inferencer, paths, args.method, args.modality)
        path = osp.join(args.out, f'{name}.png')
        save_picture(shown['grid_picture'].picture, path)
        print(f'{path}: {len(paths)} chip(s) x '
              f'{", ".join(t.split(chr(10))[0] for t in shown["titles"])}')
        results[path] = shown
    return results


if __name__ == '__main__':
    main()
