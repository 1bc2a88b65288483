# Ablation: learned gate g*f_sh + (1-g)*f_sp, g = sigmoid(W[f_sh, f_sp]), the
# paper's suggested extension, instead of the parameter-free sum.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

model.neck.fusion = 'gate'
