"""The inferencer tests build the tiny model of the tool tests
(tests/test_tools/tool_runner.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'test_tools'))

from tool_runner import inferencer, tiny  # noqa: E402,F401
