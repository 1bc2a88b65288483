# SDF-Net (CVPR 2025) on HOSS ReID: the paper's model and recipe.
# Published: All 60.9 / 69.9, O->S 50.0 / 35.4, S->O 46.6 / 38.8 (mAP / R1).
from mmengine.config import read_base

with read_base():
    from ._base_.datasets.hoss import *  # noqa: F401,F403
    from ._base_.default_runtime import *  # noqa: F401,F403
    from ._base_.models.sdfnet_vitb16 import *  # noqa: F401,F403
    from ._base_.schedules.sgd_100e import *  # noqa: F401,F403
