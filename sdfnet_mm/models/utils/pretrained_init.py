"""``init_cfg=dict(type='Pretrained', ...)`` in the ``sdfnet_mm`` scope."""
import os.path as osp

from mmengine.logging import print_log
from mmengine.model.weight_init import PretrainedInit as MMEnginePretrained
from mmengine.model.weight_init import update_init_info
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict

from sdfnet_mm.registry import WEIGHT_INITIALIZERS

#: Keys of a checkpoint named in the log before the rest is counted.
_SHOWN_KEYS = 10


def missing_checkpoint_message(path: str) -> str:
    """What a user can do when a pre-trained checkpoint is not on disk."""
    return (
        f'pre-trained checkpoint {path} not found (init_cfg '
        "type='Pretrained'). Get it or make it (README, 'Data and weights'):\n"
        '  - the TransOSS ViT-B/16 that SDF-Net starts from: download '
        'vit_b512_pre.pth from https://huggingface.co/Alioth2000/TransOSS '
        'and convert it for the config you train:\n'
        f'      python tools/convert_weights.py vit_b512_pre.pth {path} '
        '--config CONFIG\n'
        '  - or pre-train one on optical-SAR pairs (OptiSar_Pair or your own '
        'sensors):\n'
        '      python tools/train.py '
        'configs/pretrain/transoss_vitb16_optisar-pair.py\n'
        '    and point init_cfg.checkpoint at its last checkpoint '
        "(prefix='backbone.', no conversion)\n"
        '  - or start from random weights: --cfg-options '
        'model.backbone.init_cfg=None')


@WEIGHT_INITIALIZERS.register_module(name='Pretrained')
class PretrainedInit(MMEnginePretrained):
    """MMEngine's ``Pretrained`` initializer, as configs in the
    ``sdfnet_mm`` scope get it, with two additions:

    - a local checkpoint that does not exist is a ``FileNotFoundError``
      saying how to get or make it (:func:`missing_checkpoint_message`)
      instead of MMEngine's bare "can not be found";
    - with a ``prefix``, the checkpoint's keys outside it (e.g. the
      pre-training temperature ``logit_scale``) are named in the log as not
      loaded, instead of being skipped silently.

    Loading itself is MMEngine's: non-strict ``load_state_dict`` of the
    prefixed keys, whose log names missing and unexpected keys.
    """

    def __call__(self, module) -> None:
        if '://' not in self.checkpoint and not osp.isfile(self.checkpoint):
            raise FileNotFoundError(
                missing_checkpoint_message(self.checkpoint))
        if self.prefix is None:
            return super().__call__(module)
        prefix = self.prefix if self.prefix.endswith('.') \
            else self.prefix + '.'
        checkpoint = _load_checkpoint(self.checkpoint,
                                      map_location=self.map_location)
        state = checkpoint.get('state_dict', checkpoint)
        selected = {key[len(prefix):]: value for key, value in state.items()
                    if key.startswith(prefix)}
        if not selected:
            raise KeyError(f'{self.checkpoint}: no key starts with '
                           f'{prefix!r}; expected a checkpoint of a model '
                           f'with a {prefix[:-1]} (convert other checkpoints '
                           'with tools/convert_weights.py)')
        print_log(f'load {prefix} in model from: {self.checkpoint}',
                  logger='current')
        others = sorted(key for key in state if not key.startswith(prefix))
        if others:
            shown = ', '.join(others[:_SHOWN_KEYS])
            more = len(others) - _SHOWN_KEYS
            print_log(f'{self.checkpoint}: {len(others)} key(s) outside '
                      f'{prefix!r} not loaded: {shown}' +
                      (f' and {more} more' if more > 0 else ''),
                      logger='current')
        load_state_dict(module, selected, strict=False, logger='current')
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())
