"""Verify an unpacked OptiSar_Pair copy (TransOSS's pre-training pairs)
before pre-training on it.

    python tools/dataset_converters/check_optisar_pair.py DIR [--strict]
        [--headers-only]

Checks the layout (DIR/<folder>/X_<pair id>_..._{RGB|SAR}.{tif|png}), that
every name parses and every chip decodes with an accepted pixel type
(optical uint8 RGB; SAR float32 or 8-bit grey); reports pair ids with one
modality, the pairs, and the counts per folder. No count of OptiSar_Pair is
published; its unpacked size is (about 8.0 GB by du -sh), so a copy using
less than 95 % of it is reported as partial, an error with --strict. Exits
1 on any fault (each names its file).
"""
import sys

from sdfnet_mm.datasets.checks import check_optisar_pair, run_check_tool


def main(argv=None) -> int:
    return run_check_tool(check_optisar_pair, __doc__.split('\n')[0], argv)


if __name__ == '__main__':
    sys.exit(main())
