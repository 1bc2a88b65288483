"""Verify an unpacked HOSS ReID copy before training on it.

    python tools/dataset_converters/check_hoss.py DIR [--strict]
        [--headers-only]

Checks the layout (bounding_box_train/, query/, bounding_box_test/,
optional subset/{O2S,S2O}/{query,bounding_box_test}/), that every name
parses, every chip decodes with its pixel type (optical uint8 RGB, SAR
float32), distractors only in the gallery, disjoint train and test ids and
the subsets' modalities; prints the counts per split beside the published
ones (train 361 ids / 1,063 chips, query 176, gallery 593). Exits 1 on any
fault (each names its file); a smaller copy is reported as partial, an
error with --strict.
"""
import argparse
import sys

from sdfnet_mm.datasets.checks import check_hoss


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the HOSS folder')
    parser.add_argument('--strict', action='store_true',
                        help='a partial copy is an error')
    parser.add_argument('--headers-only', action='store_true',
                        help='read image headers only (faster; misses '
                        'truncated files)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    report = check_hoss(args.root, decode=not args.headers_only)
    print('\n' + report.summary(args.strict))
    return report.exit_code(args.strict)


if __name__ == '__main__':
    sys.exit(main())
