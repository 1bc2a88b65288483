"""A map over a chip (attention, Grad-CAM, structure energy) as colours
blended onto it."""
import matplotlib
import mmcv
import numpy as np

#: Colour map of the heat (low blue, high red) and the heat's weight.
COLORMAP = 'jet'
ALPHA = 0.5


def normalise_heat(heat: np.ndarray) -> np.ndarray:
    """``heat`` scaled to [0, 1] (min-max; a constant map gives zeros)."""
    heat = np.asarray(heat, dtype=np.float64)
    if not np.isfinite(heat).all():
        raise ValueError('the map has NaN or infinite values')
    span = heat.max() - heat.min()
    return (heat - heat.min()) / span if span > 0 else np.zeros_like(heat)


def heatmap_overlay(image: np.ndarray, heat: np.ndarray,
                    alpha: float = ALPHA) -> np.ndarray:
    """Blend a (h, w) map onto an (H, W, 3) uint8 RGB image.

    The map is min-max normalised, resized to (H, W) (bilinear: a patch
    grid becomes a smooth field over the chip), coloured with
    ``COLORMAP`` and mixed as ``alpha * colour + (1 - alpha) * image``.

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB.
    """
    rows, cols = image.shape[:2]
    heat = mmcv.imresize(normalise_heat(heat).astype(np.float32),
                         (cols, rows), interpolation='bilinear')
    colour = matplotlib.colormaps[COLORMAP](np.clip(heat, 0, 1))[..., :3]
    mixed = alpha * colour * 255 + (1 - alpha) * image.astype(np.float64)
    return np.clip(np.round(mixed), 0, 255).astype(np.uint8)
