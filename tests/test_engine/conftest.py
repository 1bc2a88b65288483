"""The engine tests run the tools' helpers (tests/test_tools)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'test_tools'))
