# CPU demo: the full SDF-Net structure (dual tokenizer, MIE, SSE, SCL, DFL)
# on a small ViT, trained from scratch on the synthetic optical-SAR set
# (tools/make_synthetic_hoss.py -> data/synthetic_hoss). `make demo` runs it.
from mmengine.config import read_base

with read_base():
    from ..sdfnet_vitb16_hoss import *  # noqa: F401,F403

data_root = 'data/synthetic_hoss'
embed_dims = 128
model.backbone.update(
    arch=dict(embed_dims=embed_dims, num_layers=6, num_heads=4,
              feedforward_channels=4 * embed_dims),
    drop_path_rate=0.0,
    structure_layer=3,
    init_cfg=None)
model.neck.in_channels = embed_dims
model.head.update(in_channels=embed_dims, num_classes=200)

for loader in (train_dataloader, val_dataloader):
    loader.dataset.data_root = data_root
    loader.num_workers = 2
train_dataloader.batch_size = 32
max_epochs = 30
train_cfg.update(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper.optimizer.lr = 1e-3
param_scheduler[1].update(end=max_epochs, T_max=max_epochs - warmup_epochs)
default_hooks.logger.interval = 20
