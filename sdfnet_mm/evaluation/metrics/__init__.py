"""MMEngine metrics of the ReID evaluation."""
from .reid_metric import ReIDMetric

__all__ = ['ReIDMetric']
