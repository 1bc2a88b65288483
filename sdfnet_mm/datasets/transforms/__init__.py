from .formatting import PackReIDInputs
from .loading import LoadHOSSImage

__all__ = ['LoadHOSSImage', 'PackReIDInputs']
