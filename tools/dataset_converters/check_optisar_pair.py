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
import argparse
import sys

from sdfnet_mm.datasets.checks import check_optisar_pair


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the OptiSar_Pair folder')
    parser.add_argument('--strict', action='store_true',
                        help='a partial copy is an error')
    parser.add_argument('--headers-only', action='store_true',
                        help='read image headers only (faster; misses '
                        'truncated files)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    report = check_optisar_pair(args.root, decode=not args.headers_only)
    print('\n' + report.summary(args.strict))
    return report.exit_code(args.strict)


if __name__ == '__main__':
    sys.exit(main())
