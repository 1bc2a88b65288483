"""Random erasing with per-pixel Gaussian noise, on a normalised batch."""
import math
from typing import Optional

import torch

from sdfnet_mm.registry import BATCH_AUGMENTS


@BATCH_AUGMENTS.register_module()
class PixelRandomErasing:
    """timm's ``RandomErasing(mode='pixel', max_count=1)`` (the authors'
    setting) on a batch normalised to ImageNet mean/std.

    Each image independently, with probability ``prob``: up to
    ``max_attempts`` draws of an area ``A = U(min_area, max_area) * H * W``
    and an aspect ratio ``r = exp(U(log min_aspect, log max_aspect))`` give
    a box ``h = round(sqrt(A r))``, ``w = round(sqrt(A / r))``; the first box
    with ``h < H`` and ``w < W`` is placed uniformly (top in ``0..H-h``, left
    in ``0..W-w``) and filled with N(0, 1) noise, drawn per pixel and
    channel. When no draw fits, the image is left as it is.

    The draws use torch's default generators (CPU for the box, the input's
    device for the noise), which ``EpochSeedHook`` reseeds every epoch.

    Args:
        prob (float): Probability of erasing an image. Defaults to 0.5.
        min_area (float): Smallest erased fraction of the image.
            Defaults to 0.02.
        max_area (float): Largest erased fraction. Defaults to 1/3.
        min_aspect (float): Smallest box aspect ratio h/w. Defaults to 0.3.
        max_aspect (float, optional): Largest aspect ratio; ``1 /
            min_aspect`` when None.
        max_attempts (int): Box draws per image. Defaults to 10 (timm).
    """

    def __init__(self,
                 prob: float = 0.5,
                 min_area: float = 0.02,
                 max_area: float = 1 / 3,
                 min_aspect: float = 0.3,
                 max_aspect: Optional[float] = None,
                 max_attempts: int = 10) -> None:
        if max_aspect is None and min_aspect > 0:
            max_aspect = 1 / min_aspect
        if not 0 <= prob <= 1 or not 0 < min_area <= max_area <= 1 \
                or not 0 < min_aspect <= (max_aspect or 0) \
                or max_attempts < 1:
            raise ValueError(
                'PixelRandomErasing: expected 0 <= prob <= 1, 0 < min_area '
                '<= max_area <= 1, 0 < min_aspect <= max_aspect and '
                f'max_attempts >= 1, got prob={prob}, area=({min_area}, '
                f'{max_area}), aspect=({min_aspect}, {max_aspect}), '
                f'max_attempts={max_attempts}')
        self.prob = prob
        self.area = (min_area, max_area)
        self.log_aspect = (math.log(min_aspect), math.log(max_aspect))
        self.max_attempts = max_attempts

    def _uniform(self, low: float, high: float) -> float:
        return low + (high - low) * torch.rand(()).item()

    def _box(self, height: int, width: int) -> Optional[tuple]:
        """(top, left, h, w) of the first box that fits, or None."""
        for _ in range(self.max_attempts):
            area = self._uniform(*self.area) * height * width
            aspect = math.exp(self._uniform(*self.log_aspect))
            h = int(round(math.sqrt(area * aspect)))
            w = int(round(math.sqrt(area / aspect)))
            if h < height and w < width:
                top = int(torch.randint(height - h + 1, ()))
                left = int(torch.randint(width - w + 1, ()))
                return top, left, h, w
        return None

    @torch.no_grad()
    def __call__(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs (B, C, H, W), normalised; erased in place and returned."""
        if inputs.dim() != 4:
            raise ValueError('PixelRandomErasing: expected a (B, C, H, W) '
                             f'batch, got shape {tuple(inputs.shape)}')
        channels, height, width = inputs.shape[1:]
        for image in inputs:
            if torch.rand(()).item() >= self.prob:
                continue
            box = self._box(height, width)
            if box is None:
                continue
            top, left, h, w = box
            image[:, top:top + h, left:left + w] = torch.randn(
                channels, h, w, dtype=inputs.dtype, device=inputs.device)
        return inputs

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, area={self.area}, '
                f'aspect=({math.exp(self.log_aspect[0]):.3g}, '
                f'{math.exp(self.log_aspect[1]):.3g}), '
                f'max_attempts={self.max_attempts})')
