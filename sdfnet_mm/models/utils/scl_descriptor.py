"""Gradient-energy structure descriptor of SCL (SDF-Net, intermediate stage).

From the patch-token grid ``F`` (B, H', W', C) of block ``B_s``:
spatial differences along both axes, ``e = mean_{h,w} |G|`` per channel for
each axis, summed over the two axes, then instance-normalised over channels
(zero mean, unit variance per sample), which removes the absolute magnitude
gap between modalities.
"""
import torch
import torch.nn.functional as F

#: ``'central'``: ``F(h, w+1) - F(h, w-1)`` on the interior (the paper);
#: ``'forward'``: ``F(h, w+1) - F(h, w)`` (the authors' code).
DIFFERENCES = ('central', 'forward')


def gradient_energy(grid: torch.Tensor, difference: str = 'central',
                    eps: float = 1e-5) -> torch.Tensor:
    """(B, H', W', C) token grid -> (B, C) instance-normalised descriptor."""
    if difference not in DIFFERENCES:
        raise ValueError(f'unknown structure difference {difference!r}; '
                         f'expected one of {DIFFERENCES}')
    step = 2 if difference == 'central' else 1
    grad_y = grid[:, step:] - grid[:, :-step]
    grad_x = grid[:, :, step:] - grid[:, :, :-step]
    energy = grad_y.abs().mean(dim=(1, 2)) + grad_x.abs().mean(dim=(1, 2))
    return F.instance_norm(energy[:, None], eps=eps)[:, 0]
