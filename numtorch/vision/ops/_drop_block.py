"""DropBlock (Ghiasi et al. 2018): drop whole ``block_size``-wide squares (cubes) of a feature map.

Block centres are drawn with rate ``gamma = p * |map| / (block_size^d * |valid centres|)``, each grown to a
block by a max-pool, and the kept activations are rescaled by ``numel(mask) / (eps + sum(mask))``.
"""
from ... import nn
from ...nn import functional as F

__all__ = ["drop_block2d", "drop_block3d", "DropBlock2d", "DropBlock3d"]


def _drop_block(input, p, block_size, inplace, eps, training, nd):
    import numtorch as nt
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != nd + 2:
        raise ValueError(f"input should be {nd + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    spatial = tuple(input.shape[2:])
    block_size = min([block_size, *spatial[::-1]])
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    total, valid = 1, 1
    for s in spatial:
        total *= s
        valid *= s - block_size + 1
    gamma = p * total / (block_size ** nd * valid)
    noise = nt.empty(tuple(input.shape[:2]) + tuple(s - block_size + 1 for s in spatial), dtype=input.dtype)
    noise.bernoulli_(gamma)
    noise = F.pad(noise, [block_size // 2] * (2 * nd), value=0)
    pool = F.max_pool2d if nd == 2 else F.max_pool3d
    noise = pool(noise, stride=(1,) * nd, kernel_size=(block_size,) * nd, padding=block_size // 2)
    noise = 1 - noise
    scale = noise.numel() / (eps + noise.sum())
    if inplace:
        return input.mul_(noise).mul_(scale)
    return input * noise * scale


def drop_block2d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``(N, C, H, W)``; identity when not training or ``p == 0``."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p, block_size, inplace=False, eps=1e-06, training=True):
    """DropBlock on ``(N, C, D, H, W)``; identity when not training or ``p == 0``."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(nn.Module):
    """See ``drop_block2d``."""

    def __init__(self, p, block_size, inplace=False, eps=1e-06):
        super().__init__()
        self.p, self.block_size, self.inplace, self.eps = p, block_size, inplace, eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, inplace={self.inplace})"


class DropBlock3d(DropBlock2d):
    """See ``drop_block3d``."""

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
