"""Process-wide set-up, done when asked (by the tools through
:func:`sdfnet_mm.utils.register_all_modules`, by the configs' runtime
through :class:`~.hooks.ProcessSetupHook`, or by a user's own script),
never by importing the package:

- warning filters for two known, harmless messages (mmcv-lite has no
  deformable-attention op, which only detection models use; MMCV's pillow
  colour jitter ignores ``beta``);
- the ``atomic_local`` file backend of the checkpoint hook;
- MMEngine checkpoints readable by ``torch.load(weights_only=True)``
  (:func:`~.checkpoint_pickling.register_checkpoint_safe_globals`).
"""
import warnings

from mmengine.fileio import register_backend

from .checkpoint_pickling import register_checkpoint_safe_globals
from .fileio import AtomicLocalBackend

#: Messages of known, harmless warnings that the set-up silences.
QUIET_WARNINGS = ('Fail to import ``MultiScaleDeformableAttention``',
                  "Only use 'alpha' for pillow backend")


def setup_process() -> None:
    """Warning filters, the ``atomic_local`` backend and the checkpoint
    pickling of this process (idempotent)."""
    for message in QUIET_WARNINGS:
        warnings.filterwarnings('ignore', message=message)
    register_backend('atomic_local', AtomicLocalBackend, force=True)
    register_checkpoint_safe_globals()
