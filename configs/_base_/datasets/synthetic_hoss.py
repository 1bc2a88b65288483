# The bundled synthetic optical-SAR set in the HOSS layout
# (tools/make_synthetic_hoss.py --out data/synthetic_hoss).
from mmengine.config import read_base

with read_base():
    from .hoss import *  # noqa: F401,F403

data_root = 'data/synthetic_hoss'
for loader in (train_dataloader, val_dataloader):
    loader.dataset.data_root = data_root
    loader.num_workers = 2
del loader
