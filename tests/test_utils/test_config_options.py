"""check_config_options: --cfg-options keys the config cannot use."""
import pytest
from mmengine.config import Config

from sdfnet_mm.utils.config_options import check_config_options

CONFIG = 'configs/demo/sdfnet_vit-tiny_synthetic.py'


@pytest.fixture(scope='module')
def cfg():
    return Config.fromfile(CONFIG)


@pytest.mark.parametrize('key', [
    'train_dataloader.dataset.data_root',  # exists
    'param_scheduler.1.end',  # list item by index
    'model.backbone.out_type',  # a VisionTransformer argument SDFViT passes
    'model.neck.fusion',
    'train_cfg.val_begin',  # plain dict: left to the loop class
])
def test_usable_keys_pass(cfg, key):
    check_config_options(cfg, {key: 1}, CONFIG)


def test_keys_are_checked_against_the_type_the_options_give():
    """bfloat16 AMP on a GPU: the wrapper's new type takes ``dtype``."""
    cfg = Config.fromfile(CONFIG)
    amp = {'optim_wrapper.type': 'AmpOptimWrapper',
           'optim_wrapper.dtype': 'bfloat16'}
    check_config_options(cfg, amp, CONFIG)
    with pytest.raises(KeyError, match='OptimWrapper takes no such argument'):
        check_config_options(cfg, {'optim_wrapper.dtype': 'bfloat16'},
                             CONFIG)


@pytest.mark.parametrize('key, message', [
    ('max_epoch', "no key 'max_epoch' (did you mean 'max_epochs'?)"),
    ('model.backbone.structure_layr',
     "(SDFViT takes no such argument) (did you mean 'structure_layer'?)"),
    ('model.bakbone.arch', "no key 'model.bakbone' (did you mean "
     "'backbone'?)"),
    ('train_dataloader.sampler.num_idz',
     'CrossModalIdentitySampler takes no such argument'),
    ('param_scheduler.5.end', 'a list of 2 items; expected an index below 2'),
    ('max_epochs.x', 'max_epochs is a int, not a dict'),
])
def test_unusable_keys_name_the_key_and_the_config(cfg, key, message):
    with pytest.raises(KeyError) as error:
        check_config_options(cfg, {key: 1}, CONFIG)
    assert message in str(error.value)
    assert f'--cfg-options {key}' in str(error.value)
