"""Gradient-energy structure descriptor of SCL (SDF-Net, intermediate stage).

From the patch-token grid ``F`` (B, H', W', C) of block ``B_s``:
spatial differences along both axes, ``e = mean_{h,w} |G|`` per channel for
each axis, summed over the two axes, then instance-normalised over channels
(zero mean, unit variance per sample), which removes the absolute magnitude
gap between modalities. Computed in float32 under any autocast (a float32
island): differences of neighbouring tokens and the instance norm's
statistics would otherwise run in the tokens' bfloat16 / float16.

:func:`gradient_energy_map` spreads the same energy over the patch
positions instead of the channels (what the descriptor sees where), for
pictures; both use :func:`spatial_differences`.
"""
from typing import Tuple

import torch
import torch.nn.functional as F

from .float32_island import float32_island, upcast

#: ``'central'``: ``F(h, w+1) - F(h, w-1)`` on the interior (the paper);
#: ``'forward'``: ``F(h, w+1) - F(h, w)`` (the authors' code).
DIFFERENCES = ('central', 'forward')


def spatial_differences(grid: torch.Tensor, difference: str = 'central'
                        ) -> Tuple[torch.Tensor, torch.Tensor]:
    """(B, H', W', C) token grid -> ``G_y`` (B, H'-s, W', C) and ``G_x``
    (B, H', W'-s, C), with step ``s`` 2 (central) or 1 (forward)."""
    if difference not in DIFFERENCES:
        raise ValueError(f'unknown structure difference {difference!r}; '
                         f'expected one of {DIFFERENCES}')
    step = 2 if difference == 'central' else 1
    return grid[:, step:] - grid[:, :-step], \
        grid[:, :, step:] - grid[:, :, :-step]


def gradient_energy(grid: torch.Tensor, difference: str = 'central',
                    eps: float = 1e-5) -> torch.Tensor:
    """(B, H', W', C) token grid -> (B, C) instance-normalised descriptor,
    in float32 (float64 for a float64 grid)."""
    with float32_island(grid):
        grad_y, grad_x = spatial_differences(upcast(grid), difference)
        energy = grad_y.abs().mean(dim=(1, 2)) + grad_x.abs().mean(dim=(1, 2))
        return F.instance_norm(energy[:, None], eps=eps)[:, 0]


def gradient_energy_map(grid: torch.Tensor,
                        difference: str = 'central') -> torch.Tensor:
    """(B, H', W', C) token grid -> (B, H', W') energy per patch position.

    Each difference is placed at the position it is taken at (central: its
    centre, forward: its first token; positions without a difference along
    an axis get none from it), summed over channels and divided by the
    number of differences along its axis, so the map of a sample sums to
    the sum over channels of the descriptor's energy before the instance
    normalisation.
    """
    grad_y, grad_x = spatial_differences(grid, difference)
    before = 1 if difference == 'central' else 0
    step = grid.shape[1] - grad_y.shape[1]
    per_y = grad_y.abs().sum(-1) / (grad_y.shape[1] * grad_y.shape[2])
    per_x = grad_x.abs().sum(-1) / (grad_x.shape[1] * grad_x.shape[2])
    return F.pad(per_y, (0, 0, before, step - before)) + \
        F.pad(per_x, (before, step - before))
