"""SDF-Net cross-modal ship re-identification on MMEngine / MMPretrain."""
import warnings

# mmcv-lite (no compiled ops) is the intended build: its warning about the
# missing deformable-attention op concerns detection models only. MMCV's
# pillow colour jitter warns on every image that it ignores 'beta'.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
warnings.filterwarnings(
    'ignore', message="Only use 'alpha' for pillow backend")

import mmcv  # noqa: E402
import mmengine  # noqa: E402
import mmpretrain  # noqa: E402
from mmengine.utils import digit_version  # noqa: E402

from .engine.fileio import AtomicLocalBackend  # noqa: E402,F401 (registers)
from .utils.checkpoint import register_checkpoint_safe_globals  # noqa: E402
from .version import __version__  # noqa: E402


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

register_checkpoint_safe_globals()

__all__ = ['__version__']
