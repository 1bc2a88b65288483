"""Verify unpacked copies of HOSS ReID and OptiSar_Pair
(``tools/dataset_converters/check_*.py``)."""
from .command_line import run_check_tool
from .hoss_check import check_hoss
from .optisar_pair_check import check_optisar_pair
from .report import CheckReport, SplitCount

__all__ = [
    'run_check_tool', 'check_hoss', 'check_optisar_pair', 'CheckReport',
    'SplitCount'
]
