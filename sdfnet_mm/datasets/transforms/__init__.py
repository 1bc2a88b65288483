from .formatting import PackReIDInputs
from .loading import LoadHOSSImage
from .sar_to_rgb import sar_to_rgb

__all__ = ['LoadHOSSImage', 'PackReIDInputs', 'sar_to_rgb']
