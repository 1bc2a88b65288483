"""Check the classifier's width against the training identities."""
import logging

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from sdfnet_mm.registry import HOOKS


def _num_train_ids(dataset) -> int:
    """Identities of a training dataset: ``metainfo['num_ids']`` (as
    HOSSDataset sets it) or, failing that, the distinct ``gt_label``s."""
    num_ids = dataset.metainfo.get('num_ids')
    if num_ids is not None:
        return int(num_ids)
    return len({int(dataset.get_data_info(index)['gt_label'])
                for index in range(len(dataset))})


@HOOKS.register_module()
class IdentityCountCheckHook(Hook):
    """Compare the training identities with ``model.head.num_classes``
    before training (as MMPretrain's ``ClassNumCheckHook`` does for
    classes).

    More identities than classifier outputs is an error (labels would
    index past the classifier); fewer is a warning naming both numbers
    (outputs that never see a label: a config written for another split).
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        num_classes = model.head.num_classes
        num_ids = _num_train_ids(runner.train_dataloader.dataset)
        if num_ids > num_classes:
            raise ValueError(
                f'the training set has {num_ids} identities but the '
                f'classifier has {num_classes} outputs; set '
                f'model.head.num_classes={num_ids}')
        if num_ids < num_classes:
            unused = num_classes - num_ids
            print_log(
                f'the training set has {num_ids} identities but the '
                f'classifier has {num_classes} outputs ({unused} never '
                f'trained); set model.head.num_classes={num_ids} unless '
                'this is intended',
                logger='current', level=logging.WARNING)
