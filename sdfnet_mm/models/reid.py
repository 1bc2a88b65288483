"""SDF-Net ReID model: backbone, neck, head and the structure loss."""
import logging
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.logging import MessageHub, print_log
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import BackboneOutput, ReIDFeatures
from .utils import float32_island, upcast


@MODELS.register_module()
class SDFNet(BaseModel):
    """Cross-modal ship ReID model (SDF-Net, CVPR 2025).

    ``backbone`` (tokenizer + SCL tap) -> ``neck`` (DFL or CLS token, owns
    ``loss_orth``) -> ``head`` (BNNeck, owns ``loss_cls`` and
    ``loss_triplet``); ``structure_loss`` (``loss_struct``) consumes the
    backbone's descriptor and must be given exactly when the backbone has a
    ``structure_layer``.

    Modes of :meth:`forward`: ``'loss'`` (named losses and ``accuracy``),
    ``'predict'`` (``pred_feature`` on each data sample) and ``'tensor'``
    (the (B, C) retrieval features).

    Float32 islands (:mod:`~sdfnet_mm.models.utils.float32_island`):
    under autocast (bfloat16 on a CPU, float16 on a GPU) only the backbone
    computes in the low precision. With autocast off and the backbone's
    outputs upcast to float32 run the neck (the DFL projections: the
    cosine of two nearly orthogonal features in ``loss_orth`` cancels
    badly from bfloat16 projections), the BNNeck head, the retrieval
    feature and the losses (the weighted triplet's ``|a|^2 + |b|^2 - 2 a.b``
    distances and softmax weights, the orthogonal loss's normalisation, the
    label-smoothed CE's log-softmax, the structure loss's prototypes); the
    SCL descriptor (:func:`~sdfnet_mm.models.utils.gradient_energy`) is
    an island of its own. CPU autocast leaves softmax, normalisation and
    instance norm in the dtype of their inputs, so without the islands they
    would run in bfloat16 (ViT-B/16, one batch at initialisation: the
    weighted triplet 8.5e-3 relative from float32, 2.9e-4 with the losses
    in float32).

    ``nonfinite_loss`` says what a training step does when a loss term is
    NaN or infinite: ``'raise'`` (default) stops with an error naming the
    iteration and the terms; ``'skip'`` logs a warning and back-propagates
    zero instead, so the batch adds no gradient (the optimizer still steps:
    momentum and weight decay apply).
    """

    NONFINITE_POLICIES = ('raise', 'skip')

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 structure_loss: Optional[dict] = None,
                 nonfinite_loss: str = 'raise',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None) -> None:
        if nonfinite_loss not in self.NONFINITE_POLICIES:
            raise ValueError(f'SDFNet: nonfinite_loss={nonfinite_loss!r}, '
                             f'expected one of {self.NONFINITE_POLICIES}')
        self.nonfinite_loss = nonfinite_loss
        if data_preprocessor is None:
            data_preprocessor = dict(type='ReIDDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)
        self.structure_loss = MODELS.build(structure_loss) \
            if structure_loss is not None else None
        self._check_consistency()

    def _check_consistency(self) -> None:
        has_structure = self.backbone.structure_layer is not None
        if has_structure != (self.structure_loss is not None):
            raise ValueError(
                'SDFNet: backbone.structure_layer and structure_loss go '
                'together (SCL on: set both; off: structure_layer=None and '
                f'no structure_loss); got structure_layer='
                f'{self.backbone.structure_layer} and structure_loss='
                f'{type(self.structure_loss).__name__}')
        if self.neck.num_tokens > self.backbone.num_extra_tokens:
            raise ValueError(
                f'SDFNet: the neck reads {self.neck.num_tokens} leading '
                f'tokens but the backbone has {self.backbone.num_extra_tokens}'
                ' (token-based DFL needs backbone.modality_token=True)')

    def extract_feat(self, inputs: torch.Tensor, modality: torch.Tensor,
                     ship_size: Optional[torch.Tensor] = None
                     ) -> Tuple[BackboneOutput, ReIDFeatures]:
        """Backbone and neck outputs of (B, 3, H, W) images; the neck reads
        the leading ``neck.num_tokens`` tokens in float32 and gives float32
        features."""
        backbone_out = self.backbone(inputs, modality, ship_size)
        tokens = backbone_out.tokens[:, :self.neck.num_tokens]
        with float32_island(inputs):
            return backbone_out, self.neck(upcast(tokens))

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor',
                modality: Optional[torch.Tensor] = None,
                ship_size: Optional[torch.Tensor] = None):
        """inputs (B, 3, H, W), modality (B,), ship_size (B, 3)."""
        if modality is None:
            raise ValueError('SDFNet: modality (B,) is required (0 optical, '
                             '1 SAR); ReIDDataPreprocessor provides it')
        if mode == 'loss':
            return self.loss(inputs, data_samples, modality, ship_size)
        if mode == 'predict':
            return self.predict(inputs, data_samples, modality, ship_size)
        if mode == 'tensor':
            _, features = self.extract_feat(inputs, modality, ship_size)
            with float32_island(inputs):
                return self.head.test_embedding(features.fused)
        raise ValueError(f'SDFNet: invalid mode {mode!r}; expected '
                         "'loss', 'predict' or 'tensor'")

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             modality: torch.Tensor,
             ship_size: Optional[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Named losses (keys with ``loss``) plus ``accuracy``."""
        labels = torch.cat([sample.gt_label for sample in data_samples])
        backbone_out, features = self.extract_feat(inputs, modality,
                                                   ship_size)
        with float32_island(inputs):
            losses = self.neck.loss(features)
            losses.update(self.head.loss(features.fused, labels))
            if self.structure_loss is not None:
                losses['loss_struct'] = self.structure_loss(
                    upcast(backbone_out.structure), labels, modality)
        return losses

    def parse_losses(self, losses: Dict[str, torch.Tensor]
                     ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Sum the loss terms; act on non-finite ones (``nonfinite_loss``)."""
        bad = {
            name: value
            for name, value in losses.items()
            if 'loss' in name and not torch.isfinite(value).all()
        }
        if not bad:
            return super().parse_losses(losses)
        iteration = MessageHub.get_current_instance().get_info('iter')
        terms = ', '.join(f'{name}={value.detach().float().mean().item()}'
                          for name, value in bad.items())
        message = f'non-finite loss at iteration {iteration}: {terms}'
        if self.nonfinite_loss == 'raise':
            raise FloatingPointError(
                f'{message}. Lower the learning rate or check the data; set '
                "model.nonfinite_loss='skip' to skip such steps")
        print_log(f'{message}; the step gets zero gradients',
                  logger='current', level=logging.WARNING)
        _, log_vars = super().parse_losses(
            {k: v for k, v in losses.items() if k not in bad})
        zero = sum(p.sum() * 0 for p in self.parameters() if p.requires_grad)
        log_vars['loss'] = zero.detach()
        return zero, log_vars

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]],
                modality: torch.Tensor,
                ship_size: Optional[torch.Tensor]) -> List[DataSample]:
        """Data samples with ``pred_feature`` (C,) set."""
        features = self(inputs, mode='tensor', modality=modality,
                        ship_size=ship_size)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(features))]
        for sample, feature in zip(data_samples, features):
            sample.set_field(feature, 'pred_feature')
        return data_samples
