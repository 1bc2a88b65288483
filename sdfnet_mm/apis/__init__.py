"""User-facing inference: features of chips and gallery ranking."""
from .inferencer import ReIDInferencer, inference_config

__all__ = ['ReIDInferencer', 'inference_config']
