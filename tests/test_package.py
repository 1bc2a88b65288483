"""The package's shape: the import graph, and an import that changes
nothing global."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'sdfnet_mm'
#: Sub-packages that must not import the data package.
INDEPENDENT_OF_DATA = ('models', 'evaluation', 'visualization', 'apis',
                       'structures', 'chips', 'retrieval')


def imported_modules(path: Path):
    """Absolute names of the sdfnet_mm modules a source file imports."""
    module = '.'.join(path.relative_to(PACKAGE.parent).with_suffix('').parts)
    package = module.rsplit('.', 1)[0] if path.name != '__init__.py' \
        else module
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')
                base = '.'.join(parts[:len(parts) - node.level + 1] +
                                ([base] if base else []))
            yield base


@pytest.mark.parametrize('subpackage', INDEPENDENT_OF_DATA)
def test_no_import_of_the_data_package(subpackage):
    offenders = [
        f'{path.relative_to(PACKAGE.parent)} imports {name}'
        for path in sorted((PACKAGE / subpackage).rglob('*.py'))
        for name in imported_modules(path)
        if name == 'sdfnet_mm.datasets'
        or name.startswith('sdfnet_mm.datasets.')
    ]
    assert not offenders


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_importing_the_models_does_not_import_the_data_package():
    assert run_python(
        'import sys, sdfnet_mm.models, sdfnet_mm.evaluation, '
        'sdfnet_mm.apis, sdfnet_mm.visualization; '
        "print('sdfnet_mm.datasets' in sys.modules)") == 'False'


STATE = '''
import copyreg, importlib, sys, warnings
import torch
from mmengine.fileio.backends.registry_utils import backends
def state():
    return (list(warnings.filters), dict(copyreg.dispatch_table),
            list(torch.serialization.get_safe_globals()), dict(backends))
'''
IMPORT_PACKAGE = (
    'import sdfnet_mm, sdfnet_mm.models, sdfnet_mm.datasets, '
    'sdfnet_mm.engine, sdfnet_mm.evaluation, sdfnet_mm.apis, '
    'sdfnet_mm.visualization, sdfnet_mm.utils')


def dependencies() -> list:
    """The modules outside sdfnet_mm that importing it loads, in order."""
    return run_python(
        IMPORT_PACKAGE + '\nimport sys\n'
        "print(' '.join(m for m in sys.modules if 'sdfnet_mm' not in m))"
    ).split()


def test_import_changes_nothing_global():
    """Dependencies (torch, sympy, mmcv) change global state when they are
    first imported; with them imported first, importing sdfnet_mm changes
    warning filters, pickling, safe globals and file backends not at all."""
    assert run_python(STATE + f'''
for name in {dependencies()!r}:
    try:
        importlib.import_module(name)
    except Exception:  # private modules that only import in context
        pass
before = state()
{IMPORT_PACKAGE}
print(state() == before)''') == 'True'


def test_register_all_modules_sets_the_process_up():
    assert run_python(STATE + '''
from mmengine.logging import HistoryBuffer
before = state()
from sdfnet_mm.utils import register_all_modules
register_all_modules()
after = state()
print(HistoryBuffer in after[1], 'atomic_local' in after[3],
      len(after[0]) > len(before[0]))''') == 'True True True'
