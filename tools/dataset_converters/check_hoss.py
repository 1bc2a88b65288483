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
import sys

from sdfnet_mm.datasets.checks import check_hoss, run_check_tool


def main(argv=None) -> int:
    return run_check_tool(check_hoss, __doc__.split('\n')[0], argv)


if __name__ == '__main__':
    sys.exit(main())
