"""SDF-Net cross-modal ship re-identification on MMEngine / MMPretrain.

Importing the package checks the versions of its dependencies and changes
nothing else; :func:`sdfnet_mm.utils.register_all_modules` sets up a
process (warning filters, checkpoint backend and pickling).
"""
import mmcv
import mmengine
import mmpretrain
from mmengine.utils import digit_version

from .version import __version__


def _check_version(package, low: str, high: str) -> None:
    """Fail early, naming the package, when its version is out of range."""
    version = digit_version(package.__version__)
    if not digit_version(low) <= version < digit_version(high):
        raise ImportError(
            f'sdfnet_mm {__version__} needs {package.__name__}>={low},<{high}'
            f', found {package.__version__}. Reinstall with '
            f'`pip install -r requirements/tested.txt`.')


# mmcv is not in install_requires so that a full mmcv build is kept where a
# user has one; mmcv-lite (no compiled ops) is what this project needs.
_check_version(mmcv, '2.0.0rc4', '2.3.0')
_check_version(mmengine, '0.10.0', '1.0.0')
_check_version(mmpretrain, '1.2.0', '1.3.0')

__all__ = ['__version__']
