# The demo's DFL-only ablation: configs/demo/sdfnet_vit-tiny_synthetic.py
# without SCL, as configs/ablations/dfl_only_vitb16_hoss.py.
from mmengine.config import read_base

with read_base():
    from .._base_.datasets.synthetic_hoss import *  # noqa: F401,F403
    from .._base_.default_runtime import *  # noqa: F401,F403
    from .._base_.models.sdfnet_vit_tiny import *  # noqa: F401,F403
    from .._base_.schedules.cpu_demo import *  # noqa: F401,F403

model.backbone.structure_layer = None
model.structure_loss = None
