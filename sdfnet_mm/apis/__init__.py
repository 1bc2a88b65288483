"""User-facing inference: features of chips, gallery ranking, results."""
from .inferencer import ReIDInferencer, inference_config, parse_modality
from .per_query_results import load_per_query_results

__all__ = [
    'ReIDInferencer', 'inference_config', 'load_per_query_results',
    'parse_modality'
]
