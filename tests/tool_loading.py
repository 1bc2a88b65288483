"""A tool script of the repository imported as a module, so that tests call
its functions (``main(argv)``, argument parsing) in the test's process."""
import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_tool(relative: str) -> ModuleType:
    """The tool script ``relative`` (to the repository root, e.g.
    ``'tools/train.py'``) as a module."""
    spec = importlib.util.spec_from_file_location(
        Path(relative).stem, REPO / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
