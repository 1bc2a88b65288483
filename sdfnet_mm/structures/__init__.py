"""Types shared by every part of the package (as MMPretrain keeps its data
structures): modality codes, evaluation settings, model outputs and
per-query results. Imports nothing else of the package."""
from .modality import (MODALITY_NAMES, MODALITY_OF_NAME, OPTICAL, SAR,
                       ModalityLike, check_modalities, parse_modality)
from .model_outputs import BackboneOutput, ReIDFeatures
from .per_query_result import PerQueryResult, PerQueryResults, RankedItem
from .settings import CROSS_MODAL, SETTING_TITLES, SETTINGS

__all__ = [
    'MODALITY_NAMES', 'MODALITY_OF_NAME', 'OPTICAL', 'SAR', 'ModalityLike',
    'check_modalities', 'parse_modality', 'BackboneOutput', 'ReIDFeatures',
    'PerQueryResult', 'PerQueryResults', 'RankedItem', 'CROSS_MODAL',
    'SETTING_TITLES', 'SETTINGS'
]
