"""Modality codes, the same everywhere: data infos, data samples, tensors,
the metric, indexes and tools: ``0`` optical, ``1`` SAR."""
from typing import Iterable, Union

import numpy as np
import torch

OPTICAL = 0
SAR = 1
MODALITY_NAMES = {OPTICAL: 'optical', SAR: 'SAR'}
#: Accepted spellings of a modality given by name (any case).
MODALITY_OF_NAME = {'optical': OPTICAL, 'sar': SAR}

ModalityLike = Union[int, str, np.integer, torch.Tensor]


def parse_modality(value: ModalityLike, where: str = 'modality') -> int:
    """``'optical'`` / ``'sar'`` (any case), ``0`` / ``1`` (Python, NumPy or
    0-d tensor integers) -> the code ``0`` or ``1``.

    Raises:
        ValueError: naming ``where`` and the value for anything else
            (booleans and floats included).
    """
    if isinstance(value, torch.Tensor) and value.numel() == 1 \
            and not value.is_floating_point() and value.dtype != torch.bool:
        value = int(value.item())
    if isinstance(value, str) and value.lower() in MODALITY_OF_NAME:
        return MODALITY_OF_NAME[value.lower()]
    if isinstance(value, (int, np.integer)) and not isinstance(
            value, (bool, np.bool_)) and int(value) in MODALITY_NAMES:
        return int(value)
    raise ValueError(f'{where}: {value!r} is not a modality; expected '
                     f"{OPTICAL} / 'optical' or {SAR} / 'sar'")


def check_modalities(codes: Union[torch.Tensor, np.ndarray, Iterable[int]],
                     where: str = 'modalities') -> None:
    """Raise ``ValueError`` naming ``where`` unless every code is 0 or 1
    (see :func:`parse_modality`)."""
    for code in torch.as_tensor(np.asarray(codes)).unique().tolist():
        parse_modality(code, where)
