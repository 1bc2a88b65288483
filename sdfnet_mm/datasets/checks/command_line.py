"""The command line the check tools share."""
import argparse
from typing import Callable, List, Optional

from .report import CheckReport


def run_check_tool(check: Callable[..., CheckReport], description: str,
                   argv: Optional[List[str]] = None) -> int:
    """Parse ``ROOT [--strict] [--headers-only]``, run ``check`` and print
    its report; returns the exit code (1 on a fault, or with --strict on
    a partial copy)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('root', help='the unpacked dataset folder')
    parser.add_argument('--strict', action='store_true',
                        help='a partial copy is an error')
    parser.add_argument('--headers-only', action='store_true',
                        help='read image headers only (faster; misses '
                        'truncated files and SAR values no stretch fits)')
    args = parser.parse_args(argv)
    report = check(args.root, decode=not args.headers_only)
    print('\n' + report.summary(args.strict))
    return report.exit_code(args.strict)
