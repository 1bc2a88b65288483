# Runtime of the pre-training stage: the fine-tuning runtime without
# validation, best-checkpoint tracking or the classifier-width check.
from mmengine.config import read_base
from mmengine.hooks import CheckpointHook

from sdfnet_mm.engine import EpochSeedHook, ProcessSetupHook

with read_base():
    from .default_runtime import *  # noqa: F401,F403

default_hooks.checkpoint = dict(
    type=CheckpointHook, interval=5, max_keep_ckpts=2,
    backend_args=dict(backend='atomic_local'))
custom_hooks = [dict(type=ProcessSetupHook), dict(type=EpochSeedHook)]
