"""Pack a ReID sample: image tensor plus modality and ship size."""
import numpy as np
import torch
from mmpretrain.datasets.transforms import PackInputs

from sdfnet_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackReIDInputs(PackInputs):
    """:class:`mmpretrain.datasets.transforms.PackInputs` for ReID samples.

    Besides ``gt_label`` it sets, on each data sample, ``modality`` (0-d
    int64 tensor), ``ship_size`` ((3,) float32 tensor, the ship-size token's
    input; HOSS items always have it, OptiSar_Pair items, which are not ship
    chips, have none) and, for test items, ``is_query`` (bool);
    ``identity`` and ``settings`` go to the meta information with the usual
    meta keys.
    """

    ALGORITHM_KEYS = ('modality', 'ship_size', 'is_query')
    META_KEYS = PackInputs.DEFAULT_META_KEYS + ('identity', 'settings')

    def __init__(self, meta_keys=META_KEYS) -> None:
        super().__init__(
            input_key='img',
            algorithm_keys=self.ALGORITHM_KEYS,
            meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        if 'modality' not in results:
            raise KeyError("PackReIDInputs: 'modality' missing from "
                           f"{results.get('img_path', 'the sample')}; "
                           'expected it from HOSSDataset / '
                           'OptiSARPairDataset')
        results['modality'] = torch.tensor(results['modality'],
                                           dtype=torch.long)
        if 'ship_size' in results:
            results['ship_size'] = torch.from_numpy(
                np.asarray(results['ship_size'], dtype=np.float32))
        return super().transform(results)
