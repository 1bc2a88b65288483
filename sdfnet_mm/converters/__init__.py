"""Checkpoint converters: the authors' SDF-Net / TransOSS models and timm's
ViTs to ``SDFNet`` keys (``tools/convert_weights.py``)."""
from .official_weights import (ConversionReport, adapt_pos_embed,
                               convert_checkpoint, unwrap_state_dict)

__all__ = ['ConversionReport', 'adapt_pos_embed', 'convert_checkpoint',
           'unwrap_state_dict']
