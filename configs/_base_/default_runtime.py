# Runtime: MMEngine's hooks, logging (text log + scalars.json; for
# TensorBoard too, add to a config:
# visualizer.vis_backends.append(dict(type='TensorboardVisBackend'))
# ) and checkpoints. No model selection: the val_dataloader of the plain
# configs is the TEST split (evaluated for monitoring only), so the last
# checkpoint is the result; the *_val configs select the best epoch on a
# validation split carved from the training identities instead.
from mmengine.hooks import (CheckpointHook, DistSamplerSeedHook, IterTimerHook,
                            LoggerHook, ParamSchedulerHook)
from mmengine.runner import LogProcessor
from mmengine.visualization import LocalVisBackend, Visualizer

from sdfnet_mm.engine import (EpochSeedHook, IdentityCountCheckHook,
                              ProcessSetupHook)

default_scope = 'sdfnet_mm'

default_hooks = dict(
    timer=dict(type=IterTimerHook),
    logger=dict(type=LoggerHook, interval=10),
    param_scheduler=dict(type=ParamSchedulerHook),
    # atomic_local (registered by ProcessSetupHook): a kill during a save
    # never leaves a truncated checkpoint or `last_checkpoint` behind.
    checkpoint=dict(type=CheckpointHook, interval=5, max_keep_ckpts=2,
                    save_last=True, backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type=DistSamplerSeedHook),
)
# Process set-up (warning filters, the atomic_local backend, checkpoint
# pickling) before a run; the classifier width checked against the training
# identities; each epoch's randomness from (seed, epoch), so that a resumed
# run repeats an uninterrupted one.
custom_hooks = [
    dict(type=ProcessSetupHook),
    dict(type=IdentityCountCheckHook),
    dict(type=EpochSeedHook),
]
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
log_processor = dict(type=LogProcessor, by_epoch=True, window_size=10)
vis_backends = [dict(type=LocalVisBackend)]
visualizer = dict(type=Visualizer, vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
