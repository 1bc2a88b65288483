"""SDF-Net backbone: a ViT with a dual-head tokenizer and a structure tap."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn.bricks.transformer import PatchEmbed
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.models.backbones import VisionTransformer
from mmpretrain.models.utils import resize_pos_embed

from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import SAR, BackboneOutput
from ..utils.scl_descriptor import gradient_energy

#: Parameters that belong to the input stem (layer depth 0).
STEM_PARAMETERS = ('cls_token', 'pos_embed', 'modality_token',
                   'modality_embed', 'patch_embed', 'patch_embed_sar',
                   'ship_size_embed')


@MODELS.register_module()
class SDFViT(VisionTransformer):
    """ViT for optical-SAR ReID (SDF-Net, CVPR 2025; TransOSS extras).

    The paper's input and intermediate stages live here:

    - **Dual-head tokenizer**: ``patch_embed`` (optical) and
      ``patch_embed_sar`` (SAR), each run only on its own samples.
    - Optional TransOSS extras: a modality embedding (MIE) added as
      ``x + pos + coef * modality_embed[m]`` and a ship-size token (SSE,
      ``Linear(3, C)`` of the chip size in metres) appended last, without
      position or modality embedding.
    - Optional per-modality token after the CLS token (the authors'
      token-based disentanglement); the position embedding then has a slot
      for it.
    - **SCL tap**: the patch-token grid after block ``structure_layer``
      (1-based, the paper's ``B_s``) gives :func:`gradient_energy`.

    The transformer blocks, final norm, position-embedding resizing and
    freezing are MMPretrain's :class:`VisionTransformer`.

    Args:
        arch (str | dict): ViT architecture (see ``VisionTransformer``).
        img_size (tuple): Input (H, W). Defaults to (256, 128).
        patch_size (int): Patch size and stride. Defaults to 16.
        modality_embed_coef (float, optional): MIE coefficient; None
            disables MIE. Defaults to 3.0 (TransOSS).
        ship_size_token (bool): Append the SSE token. Defaults to True.
        modality_token (bool): Add the per-modality token. Defaults to False.
        structure_layer (int, optional): ``B_s`` (1-based); None disables the
            descriptor. Defaults to 6.
        structure_difference (str): ``'central'`` (paper) or ``'forward'``
            (authors' code).
        structure_eps (float): Instance-norm epsilon. Defaults to 1e-5.
        **kwargs: Other ``VisionTransformer`` arguments (``drop_rate``,
            ``drop_path_rate``, ``qkv_bias``, ``norm_cfg``, ``init_cfg``...).
    """

    def __init__(self,
                 arch='base',
                 img_size: Sequence[int] = (256, 128),
                 patch_size: int = 16,
                 modality_embed_coef: Optional[float] = 3.0,
                 ship_size_token: bool = True,
                 modality_token: bool = False,
                 structure_layer: Optional[int] = 6,
                 structure_difference: str = 'central',
                 structure_eps: float = 1e-5,
                 in_channels: int = 3,
                 patch_cfg: dict = dict(),
                 **kwargs) -> None:
        for key in ('out_type', 'with_cls_token', 'out_indices', 'pre_norm'):
            if key in kwargs:
                raise ValueError(f'SDFViT: {key!r} is fixed by the model; '
                                 'remove it from the config')
        # The position embedding covers the CLS and modality tokens.
        self.num_extra_tokens = 2 if modality_token else 1
        super().__init__(
            arch=arch,
            img_size=img_size,
            patch_size=patch_size,
            in_channels=in_channels,
            out_type='raw',
            patch_cfg=patch_cfg,
            **kwargs)
        embed_dims = self.embed_dims
        self.patch_embed_sar = PatchEmbed(**{
            **dict(in_channels=in_channels, input_size=img_size,
                   embed_dims=embed_dims, conv_type='Conv2d',
                   kernel_size=patch_size, stride=patch_size, bias=True),
            **patch_cfg
        })
        self.modality_token = nn.Parameter(
            torch.zeros(2, 1, embed_dims)) if modality_token else None
        self.modality_embed_coef = modality_embed_coef
        self.modality_embed = nn.Parameter(torch.zeros(
            2, 1, embed_dims)) if modality_embed_coef is not None else None
        self.ship_size_embed = nn.Linear(3, embed_dims) \
            if ship_size_token else None

        if structure_layer is not None and not \
                1 <= structure_layer <= self.num_layers:
            raise ValueError(f'SDFViT: structure_layer={structure_layer} '
                             f'outside 1..{self.num_layers} (1-based block)')
        self.structure_layer = structure_layer
        self.structure_difference = structure_difference
        self.structure_eps = structure_eps
        if self.frozen_stages > 0:
            self._freeze_stages()

    @property
    def out_channels(self) -> int:
        return self.embed_dims

    def init_weights(self) -> None:
        """The authors' init of the tokens, then MMPretrain's (a
        ``Pretrained`` checkpoint, loaded last, overwrites what it holds).

        CLS, per-modality and modality-embedding tokens: truncated normal,
        std 0.02; ship-size linear: weight truncated normal std 0.02, bias
        0. So what a start checkpoint lacks (e.g. the ship-size linear and
        the per-modality tokens of TransOSS's pre-trained ViT) starts as in
        the authors' code instead of at PyTorch's default.
        """
        if not self._is_init:
            for param in (self.cls_token, self.modality_token,
                          self.modality_embed):
                if param is not None:
                    trunc_normal_(param, std=0.02)
            if self.ship_size_embed is not None:
                trunc_normal_(self.ship_size_embed.weight, std=0.02)
                nn.init.zeros_(self.ship_size_embed.bias)
        super().init_weights()

    def _freeze_stages(self) -> None:
        super()._freeze_stages()
        if not hasattr(self, 'patch_embed_sar'):
            return  # called from VisionTransformer.__init__; redone later
        for module in (self.patch_embed_sar, self.ship_size_embed):
            if module is not None:
                module.eval()
                module.requires_grad_(False)
        for param in (self.modality_token, self.modality_embed):
            if param is not None:
                param.requires_grad = False

    def tokenize(self, images: torch.Tensor, modality: torch.Tensor
                 ) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """(B, 3, H, W) images -> (B, H'*W', C) patch tokens, (H', W').

        Optical samples go through ``patch_embed`` and SAR samples through
        ``patch_embed_sar``; each sample is embedded once. During ONNX
        export, which traces one branch, every sample goes through both
        and ``torch.where`` picks its own (same values).
        """
        is_sar = modality == SAR
        if torch.onnx.is_in_onnx_export():
            optical, grid = self.patch_embed(images)
            sar, _ = self.patch_embed_sar(images)
            return torch.where(is_sar[:, None, None], sar, optical), grid
        if not is_sar.any():
            return self.patch_embed(images)
        if is_sar.all():
            return self.patch_embed_sar(images)
        optical, grid = self.patch_embed(images[~is_sar])
        sar, _ = self.patch_embed_sar(images[is_sar])
        tokens = optical.new_empty(images.shape[0], *optical.shape[1:])
        tokens[~is_sar] = optical
        tokens[is_sar] = sar
        return tokens, grid

    def embed(self, images: torch.Tensor, modality: torch.Tensor,
              ship_size: Optional[torch.Tensor]
              ) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """Input tokens (B, N, C) of the first block, and the patch grid."""
        patches, grid = self.tokenize(images, modality)
        batch = patches.shape[0]
        extra = [self.cls_token.expand(batch, -1, -1)]
        if self.modality_token is not None:
            extra.append(self.modality_token[modality])
        tokens = torch.cat(extra + [patches], dim=1)
        tokens = tokens + resize_pos_embed(
            self.pos_embed, self.patch_resolution, grid,
            mode=self.interpolate_mode,
            num_extra_tokens=self.num_extra_tokens)
        if self.modality_embed is not None:
            tokens = tokens + \
                self.modality_embed_coef * self.modality_embed[modality]
        if self.ship_size_embed is not None:
            if ship_size is None:
                raise ValueError('SDFViT: ship_size (B, 3) is required when '
                                 'ship_size_token=True')
            size_token = self.ship_size_embed(ship_size.to(tokens.dtype))
            tokens = torch.cat([tokens, size_token[:, None]], dim=1)
        return self.pre_norm(self.drop_after_pos(tokens)), grid

    def forward(self,
                images: torch.Tensor,
                modality: torch.Tensor,
                ship_size: Optional[torch.Tensor] = None) -> BackboneOutput:
        """images (B, 3, H, W), modality (B,), ship_size (B, 3)."""
        tokens, grid = self.embed(images, modality, ship_size)
        structure = None
        for index, layer in enumerate(self.layers, start=1):
            tokens = layer(tokens)
            if index == self.structure_layer:
                structure = gradient_energy(self.patch_grid(tokens, grid),
                                            self.structure_difference,
                                            self.structure_eps)
        return BackboneOutput(self.ln1(tokens), structure)

    def patch_grid(self, tokens: torch.Tensor,
                   grid: Tuple[int, int]) -> torch.Tensor:
        """(B, N, ...) values per token -> (B, H', W', ...) of the patch
        tokens (the extra tokens before and the ship-size token after them
        left out)."""
        first = self.num_extra_tokens
        return tokens[:, first:first + grid[0] * grid[1]].unflatten(1, grid)

    def get_layer_depth(self, param_name: str, prefix: str = ''):
        """Layer depth for layer-wise decay; SDF-Net's inputs are stem."""
        if param_name.startswith(prefix) and param_name[len(prefix):].split(
                '.')[0] in STEM_PARAMETERS:
            return 0, self.num_layers + 2
        return super().get_layer_depth(param_name, prefix)
