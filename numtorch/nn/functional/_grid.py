"""``affine_grid`` and ``grid_sample`` (PyTorch's coordinate conventions), written with differentiable tensor ops.

Normalized coordinates in [-1, 1] map to pixel coordinates
    align_corners=True:  i = (g + 1) / 2 * (size - 1)       (-1, 1 are the corner pixels' centres)
    align_corners=False: i = ((g + 1) * size - 1) / 2        (-1, 1 are the corner pixels' outer edges)
padding_mode: 'zeros' (taps outside read 0), 'border' (coordinates clamped to [0, size-1]),
'reflection' (coordinates reflected at the borders, then clamped).  bilinear / trilinear weights are
products of (1 - frac, frac) per axis; nearest rounds half to even; bicubic (4-D) uses the cubic
convolution kernel with A = -0.75 over a 4x4 neighbourhood, each tap coordinate padded.
The sampled values are one gather per tap from the flattened (N, C, D*H*W) input, so gradients
reach the input (scatter-add) and the grid (through the weights), at any order.
"""
import itertools
import warnings

from ..._backend import xp
from ..._tensor import Tensor
from ... import _ops as ops
from ... import _creation as C

from ...autograd.function import Function

__all__ = ["affine_grid", "grid_sample"]


class _ZeroGradLink(Function):
    """Identity in ``y`` that also depends on ``grid`` with a zero derivative (nearest sampling: PyTorch's grid
    gradient is zeros, not None)."""

    _builtin = True

    @staticmethod
    def forward(ctx, y, grid):
        ctx.grid_shape = grid.shape
        return y._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g, g.new_zeros(ctx.grid_shape)

_ALIGN_WARN = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please "
               "specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for "
               "details.")


def _named(t, node):
    from ._loss._common import _named_as
    return _named_as(t, node)


def _base(n, align_corners, dtype):
    if n <= 1:
        return xp.zeros(max(n, 1), dtype)
    b = xp.linspace(-1.0, 1.0, n, dtype=xp.float64)
    if not align_corners:
        b = b * (n - 1) / n
    return b.astype(dtype)


def affine_grid(theta, size, align_corners=None):
    """grid[n, ..., :] = theta[n] @ (x, y[, z], 1): the sampling grid of an affine map, for grid_sample"""
    if align_corners is None:
        warnings.warn(_ALIGN_WARN, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise ValueError(f"Expected theta to have the batch size {size[0]}, got {theta.shape[0]}")
    dt = theta._data.dtype
    axes = [_base(n, align_corners, dt) for n in spatial]        # (D,) H, W
    mesh = xp.meshgrid(*axes, indexing="ij")
    k = len(spatial)
    base = xp.empty(tuple(spatial) + (k + 1,), dt)
    for j in range(k):
        base[..., j] = mesh[k - 1 - j]                            # x (width) first
    base[..., k] = 1
    P = base.reshape(1, -1, k + 1)
    grid = ops.matmul(C.from_numpy(xp.ascontiguousarray(P)), theta.transpose(1, 2))
    return _named(grid.reshape((size[0],) + tuple(spatial) + (k,)), "AffineGridGeneratorBackward0")


def _unnormalize(g, size, align_corners):
    if align_corners:
        return (g + 1) * ((size - 1) / 2)
    return ((g + 1) * size - 1) / 2


def _reflect(x, twice_low, twice_high):
    if twice_low == twice_high:
        return x * 0
    mn = twice_low / 2
    span = (twice_high - twice_low) / 2
    x = (x - mn).abs()
    flips = ops.floor((x / span).detach())
    extra = x - flips * span
    odd = (flips._data % 2) == 1
    return ops.where(C.from_numpy(odd), span - extra + mn, extra + mn)


def _pad_coord(x, size, padding_mode, align_corners):
    if padding_mode == "border":
        return x.clamp(0, size - 1)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        return x.clamp(0, size - 1)
    return x


def _cubic_coeffs(t):
    A = -0.75

    def c1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def c2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]


def _gather(flat, idx_list, sizes, N, P):
    """values (N, C, P) of ``flat`` (N, C, L) at integer positions idx_list[j] (N, P) per spatial dim, and the
    in-bounds mask (N, 1, P); out-of-bounds taps read position 0 (their weight is masked to zero)."""
    valid = xp.ones((N, P), bool)
    lin = xp.zeros((N, P), xp.int64)
    for ij, n in zip(idx_list, sizes):
        valid &= (ij >= 0) & (ij < n)
        lin = lin * n + xp.clip(ij, 0, n - 1)
    lin = xp.where(valid, lin, 0)
    Cc = flat.shape[1]
    vals = ops.gather(flat, 2, C.from_numpy(xp.broadcast_to(lin[:, None, :], (N, Cc, P)).copy()))
    return vals, valid[:, None, :]


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """out[n, c, p] = sum over taps of weight(grid[n, p]) * input[n, c, tap] (see the module docstring)"""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARN, stacklevel=2)
        align_corners = False
    if not isinstance(input, Tensor) or not isinstance(grid, Tensor):
        raise TypeError("grid_sample(): expected Tensor arguments")
    if input.dim() not in (4, 5):
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    k = input.dim() - 2
    if grid.dim() != input.dim():
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != k:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {k} in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if mode == "bicubic" and k != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input._data.dtype != grid._data.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{input.dtype} and grid has {grid.dtype}")
    N, Cc = input.shape[:2]
    sizes = tuple(input.shape[2:])                       # (D,) H, W
    out_sp = tuple(grid.shape[1:-1])
    P = 1
    for s in out_sp:
        P *= s
    g = grid.reshape(N, P, k)
    flat = input.reshape(N, Cc, -1)
    # coordinate along spatial dim j (D/H/W order) is grid[..., k-1-j]
    raw = [_unnormalize(g[..., k - 1 - j], sizes[j], align_corners) for j in range(k)]
    if mode == "bicubic":
        out = None
        base = [ops.floor(r.detach()) for r in raw]
        ts = [r - b for r, b in zip(raw, base)]
        co = [_cubic_coeffs(t) for t in ts]               # per dim: 4 (N, P) weights
        for a in range(4):
            for b in range(4):
                idx = []
                for j, off in ((0, a), (1, b)):
                    c = base[j]._data + (off - 1)
                    c = _pad_coord(C.from_numpy(c), sizes[j], padding_mode, align_corners)._data
                    idx.append(c.astype(xp.int64))
                vals, valid = _gather(flat, idx, sizes, N, P)
                w = (co[0][a] * co[1][b]).unsqueeze(1) * C.from_numpy(valid.astype(flat._data.dtype))
                term = vals * w
                out = term if out is None else out + term
        return _named(out.reshape((N, Cc) + out_sp), f"GridSampler{k}DBackward0")
    coords = [_pad_coord(r, sizes[j], padding_mode, align_corners) for j, r in enumerate(raw)]
    if mode == "nearest":
        idx = [xp.rint(c._data).astype(xp.int64) for c in coords]
        vals, valid = _gather(flat, idx, sizes, N, P)
        out = vals * C.from_numpy(valid.astype(flat._data.dtype))
        if grid.requires_grad:
            out = _ZeroGradLink.apply(out, grid)
        return _named(out.reshape((N, Cc) + out_sp), f"GridSampler{k}DBackward0")
    lo = [ops.floor(c.detach()) for c in coords]
    frac = [c - l for c, l in zip(coords, lo)]
    out = None
    for corner in itertools.product((0, 1), repeat=k):
        w = None
        for j, bit in enumerate(corner):
            wj = frac[j] if bit else 1 - frac[j]
            w = wj if w is None else w * wj
        idx = [lo[j]._data.astype(xp.int64) + bit for j, bit in enumerate(corner)]
        vals, valid = _gather(flat, idx, sizes, N, P)
        term = vals * (w.unsqueeze(1) * C.from_numpy(valid.astype(flat._data.dtype)))
        out = term if out is None else out + term
    return _named(out.reshape((N, Cc) + out_sp), f"GridSampler{k}DBackward0")
