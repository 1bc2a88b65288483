"""Modality codes, used everywhere: data infos, data samples, tensors."""
OPTICAL = 0
SAR = 1
MODALITY_NAMES = {OPTICAL: 'optical', SAR: 'SAR'}
