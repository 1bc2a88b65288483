# Ablation: DFL fusion 'specific' instead of the paper's parameter-free sum.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.neck.fusion = 'specific'
