"""Registries of the ``sdfnet_mm`` scope, children of MMPretrain's.

With ``default_scope='sdfnet_mm'`` every module of this package is found
without ``custom_imports`` (the ``locations`` are imported on first lookup),
and MMPretrain's / MMEngine's modules stay reachable through the parent chain
or explicitly as ``mmpretrain.X``.
"""
from mmengine.registry import Registry
from mmpretrain import registry as mmpretrain_registry

_ENGINE = ['sdfnet_mm.engine']
_DATASETS = ['sdfnet_mm.datasets']
_MODELS = ['sdfnet_mm.models']
_EVALUATION = ['sdfnet_mm.evaluation']


def _child(name: str, parent: Registry, locations: list) -> Registry:
    """A registry of scope ``sdfnet_mm`` under MMPretrain's ``parent``."""
    return Registry(
        name, parent=parent, scope='sdfnet_mm', locations=locations)


RUNNERS = _child('runner', mmpretrain_registry.RUNNERS, _ENGINE)
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             mmpretrain_registry.RUNNER_CONSTRUCTORS, _ENGINE)
LOOPS = _child('loop', mmpretrain_registry.LOOPS, _ENGINE)
HOOKS = _child('hook', mmpretrain_registry.HOOKS, _ENGINE)
LOG_PROCESSORS = _child('log processor', mmpretrain_registry.LOG_PROCESSORS,
                        _ENGINE)
OPTIMIZERS = _child('optimizer', mmpretrain_registry.OPTIMIZERS, _ENGINE)
OPTIM_WRAPPERS = _child('optimizer_wrapper',
                        mmpretrain_registry.OPTIM_WRAPPERS, _ENGINE)
OPTIM_WRAPPER_CONSTRUCTORS = _child(
    'optimizer wrapper constructor',
    mmpretrain_registry.OPTIM_WRAPPER_CONSTRUCTORS, _ENGINE)
PARAM_SCHEDULERS = _child('parameter scheduler',
                          mmpretrain_registry.PARAM_SCHEDULERS, _ENGINE)

DATASETS = _child('dataset', mmpretrain_registry.DATASETS, _DATASETS)
DATA_SAMPLERS = _child('data sampler', mmpretrain_registry.DATA_SAMPLERS,
                       _DATASETS)
TRANSFORMS = _child('transform', mmpretrain_registry.TRANSFORMS, _DATASETS)

MODELS = _child('model', mmpretrain_registry.MODELS, _MODELS)
MODEL_WRAPPERS = _child('model_wrapper', mmpretrain_registry.MODEL_WRAPPERS,
                        _MODELS)
WEIGHT_INITIALIZERS = _child('weight initializer',
                             mmpretrain_registry.WEIGHT_INITIALIZERS, _MODELS)
BATCH_AUGMENTS = _child('batch augment', mmpretrain_registry.BATCH_AUGMENTS,
                        _MODELS)
TASK_UTILS = _child('task util', mmpretrain_registry.TASK_UTILS, _MODELS)

METRICS = _child('metric', mmpretrain_registry.METRICS, _EVALUATION)
EVALUATORS = _child('evaluator', mmpretrain_registry.EVALUATORS, _EVALUATION)

VISUALIZERS = _child('visualizer', mmpretrain_registry.VISUALIZERS,
                     ['sdfnet_mm.visualization'])
VISBACKENDS = _child('vis_backend', mmpretrain_registry.VISBACKENDS,
                     ['sdfnet_mm.visualization'])
