from .optical_sar_contrastive import LOGIT_SCALE_INIT, OpticalSARContrastive

__all__ = ['LOGIT_SCALE_INIT', 'OpticalSARContrastive']
