"""Types shared by every part of the package (as MMPretrain keeps its data
structures): modality codes. Imports nothing of the package."""
from .modality import (MODALITY_NAMES, MODALITY_OF_NAME, OPTICAL, SAR,
                       check_modalities, parse_modality)

__all__ = ['MODALITY_NAMES', 'MODALITY_OF_NAME', 'OPTICAL', 'SAR',
           'check_modalities', 'parse_modality']
