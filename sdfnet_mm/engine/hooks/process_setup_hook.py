"""Set up the process before a run starts, from the config."""
from mmengine.hooks import Hook

from sdfnet_mm.registry import HOOKS
from ..process_setup import setup_process


@HOOKS.register_module()
class ProcessSetupHook(Hook):
    """Call :func:`~sdfnet_mm.engine.process_setup.setup_process` (warning
    filters, the ``atomic_local`` checkpoint backend, checkpoint pickling)
    in ``before_run``, before MMEngine resumes or loads a checkpoint, so
    that a config run by a user's own ``Runner`` works as through the
    tools.
    """

    priority = 'HIGHEST'

    def before_run(self, runner) -> None:
        setup_process()
