"""Test-time augmentation for ReID: average the features of the views."""
from typing import List

import torch
from mmengine.model import BaseTTAModel
from mmpretrain.structures import DataSample

from sdfnet_mm.registry import MODELS


@MODELS.register_module()
class ReIDTTAModel(BaseTTAModel):
    """Averages ``pred_feature`` over the views of ``TestTimeAug`` (e.g. the
    image and its horizontal flip)."""

    def merge_preds(self, data_samples_list: List[List[DataSample]]
                    ) -> List[DataSample]:
        merged = []
        for views in data_samples_list:
            sample = views[0]
            sample.set_field(
                torch.stack([view.pred_feature for view in views]).mean(0),
                'pred_feature')
            merged.append(sample)
        return merged
