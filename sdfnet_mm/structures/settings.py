"""The evaluation settings of cross-modal ship ReID (docs/method.md §2):
``all`` (every query against every gallery item), ``o2s`` (optical queries,
SAR gallery) and ``s2o`` (SAR queries, optical gallery)."""
from .modality import OPTICAL, SAR

SETTINGS = ('all', 'o2s', 's2o')
#: How the paper writes each setting.
SETTING_TITLES = {'all': 'All', 'o2s': 'O->S', 's2o': 'S->O'}
#: (query modality, gallery modality) of the cross-modal settings.
CROSS_MODAL = {'o2s': (OPTICAL, SAR), 's2o': (SAR, OPTICAL)}
