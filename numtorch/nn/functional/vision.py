"""Resampling: interpolate / upsample (nearest, nearest-exact, linear, bilinear, bicubic), pixel_shuffle.

Nearest modes gather source rows/columns with ``index_select`` (its backward
adds gradients back); the linear family is separable, so each spatial dim is one
(out, in) interpolation matrix and the resize is a matrix product per dim:
y = A_h x A_w^T.  Source coordinates follow PyTorch: with align_corners the
corners map to corners (src = dst * (in-1)/(out-1)); otherwise
src = (dst + 0.5) * scale - 0.5, clamped at 0 for (bi)linear, where scale is
1/scale_factor when a scale_factor is given (and not recomputed), else in/out.
"""
import math
import warnings

from ..._backend import xp
from ..._tensor import _make
from ... import _ops as ops
from ._no_complex import refuse as _refuse

from ._grid import affine_grid, grid_sample  # noqa: F401

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle", "pixel_unshuffle",
           "channel_shuffle", "affine_grid", "grid_sample"]


def _scale(in_size, out_size, align_corners, scale):
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return (1.0 / scale) if scale is not None and scale > 0 else in_size / out_size


def _nearest_index(in_size, out_size, scale, exact):
    s = xp.float32(1.0 / scale if scale is not None and scale > 0 else in_size / out_size)
    o = xp.arange(out_size, dtype=xp.float32)
    src = xp.floor((o + xp.float32(0.5)) * s) if exact else xp.floor(o * s)
    return xp.minimum(src.astype(xp.int64), in_size - 1)


def _linear_matrix(in_size, out_size, align_corners, scale, dtype):
    s = _scale(in_size, out_size, align_corners, scale)
    o = xp.arange(out_size, dtype=xp.float64)
    src = o * s if align_corners else xp.maximum((o + 0.5) * s - 0.5, 0.0)
    if xp.dtype(dtype) != xp.float64:  # PyTorch computes float32 inputs' source coordinates in float32
        src = src.astype(xp.float32).astype(xp.float64)
    i0 = xp.minimum(xp.floor(src).astype(xp.int64), in_size - 1)
    i1 = xp.minimum(i0 + 1, in_size - 1)
    l1 = src - i0
    m = xp.zeros((out_size, in_size), xp.float64)
    r = xp.arange(out_size)
    xp.add.at(m, (r, i0), 1.0 - l1)
    xp.add.at(m, (r, i1), l1)
    return m.astype(dtype)


def _cubic_matrix(in_size, out_size, align_corners, scale, dtype):
    A = -0.75
    s = _scale(in_size, out_size, align_corners, scale)
    o = xp.arange(out_size, dtype=xp.float64)
    src = o * s if align_corners else (o + 0.5) * s - 0.5
    f = xp.floor(src)
    t = src - f
    # Keys' cubic convolution weights for the 4 taps f-1, f, f+1, f+2
    def c1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def c2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    w = [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]
    m = xp.zeros((out_size, in_size), xp.float64)
    r = xp.arange(out_size)
    for k in range(4):
        idx = xp.clip(f.astype(xp.int64) - 1 + k, 0, in_size - 1)
        xp.add.at(m, (r, idx), w[k])
    return m.astype(dtype)


def _aa_matrix(in_size, out_size, align_corners, scale, mode, dtype):
    """(out, in) matrix of ``antialias=True``: output i is centred at c = s (i + 0.5); when downscaling
    (s >= 1) the triangle (bilinear) or cubic a = -0.5 (bicubic) filter is widened by s, and input j in
    [int(c - support + 0.5), int(c + support + 0.5)) gets filter((j - c + 0.5) / max(s, 1)), each row
    normalised to sum to one (PIL's resampling, which torch follows)."""
    half = 1.0 if mode == "bilinear" else 2.0
    s = _scale(in_size, out_size, align_corners, scale)
    support, inv = (half * s, 1.0 / s) if s >= 1.0 else (half, 1.0)
    c = s * (xp.arange(out_size, dtype=xp.float64) + 0.5)
    lo = xp.maximum((c - support + 0.5).astype(xp.int64), 0)
    hi = xp.minimum((c + support + 0.5).astype(xp.int64), in_size)
    j = xp.arange(in_size)[None, :]
    x = xp.abs((j - c[:, None] + 0.5) * inv)
    if mode == "bilinear":
        w = xp.clip(1.0 - x, 0.0, None)
    else:
        a = -0.5
        w = xp.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, xp.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))
    w = xp.where((j >= lo[:, None]) & (j < hi[:, None]), w, 0.0)
    tot = w.sum(1, keepdims=True)
    return xp.where(tot != 0, w / xp.where(tot != 0, tot, 1.0), 0.0).astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, *spatial) input to ``size`` or ``spatial * scale_factor``."""
    nd = input.ndim - 2
    if antialias:
        if mode not in ("bilinear", "bicubic", "lanczos") or input.ndim != 4:
            raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                             "4-D tensor as input")
        if mode == "lanczos":
            raise NotImplementedError("interpolate(mode='lanczos', antialias=True) is not implemented in numtorch")
    if nd < 1:
        raise ValueError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: "
                         f"nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None else
                         "either size or scale_factor should be defined")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        if len(sizes) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(in_sizes)} and output size of {list(sizes)}. Please "
                             f"provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                             f"...,oK) format.")
        sizes = tuple(int(s) for s in sizes)
        scales = (None,) * nd
    else:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        sizes = tuple(int(math.floor(float(i) * float(s))) for i, s in zip(in_sizes, sf))
        scales = (None,) * nd if recompute_scale_factor else tuple(float(s) for s in sf)
    expected = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
    if mode in expected and expected[mode] != nd:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {expected[mode] + 2}D input")
    if input.dtype.is_complex:
        _refuse_interp(input, mode, nd, antialias)
    dt = input._data.dtype
    out = input
    for ax in range(nd):
        dim = 2 + ax
        i_sz, o_sz, sc = in_sizes[ax], sizes[ax], scales[ax]
        if mode in ("nearest", "nearest-exact"):
            if i_sz == o_sz:
                continue
            idx = _nearest_index(i_sz, o_sz, sc, mode == "nearest-exact")
            out = out.index_select(dim, _make(idx))
        elif mode == "area":
            from .pooling import _avg_matrix
            m = _avg_matrix(i_sz, o_sz, dt)
            out = _apply_matrix(out, m, dim)
        elif mode in ("linear", "bilinear", "trilinear", "bicubic"):
            if antialias:
                m = _aa_matrix(i_sz, o_sz, align_corners, sc, mode, dt)
            else:
                m = (_cubic_matrix if mode == "bicubic" else _linear_matrix)(i_sz, o_sz, align_corners, sc, dt)
            out = _apply_matrix(out, m, dim)
        else:
            raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                      f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                      f"nearest-exact (got {mode})")
    return out


def _refuse_interp(input, mode, nd, antialias):
    """PyTorch has no complex resampling kernel: its error, named after the kernel it dispatches to."""
    if mode == "area":
        kernel = "adaptive_avg_pool3d_cpu" if nd == 3 else "adaptive_avg_pool2d"
    elif antialias:
        kernel = "compute_index_ranges_weights"
    else:
        kernel = "compute_indices_weights_" + {"bicubic": "cubic"}.get(mode, "nearest" if "nearest" in mode else "linear")
    _refuse(kernel, input)


def _apply_matrix(x, m, dim):
    """y = x contracted with m (out, in) along ``dim``."""
    if dim == x.ndim - 1:
        return ops.matmul(x, _make(xp.ascontiguousarray(m.T)))
    y = ops.matmul(_make(m), x.transpose(dim, -2))
    return y.transpose(dim, -2)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input, upscale_factor):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r)"""
    r = int(upscale_factor)
    *lead, C, H, W = input.shape
    if C % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={C} is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, C // (r * r), r, r, H, W)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, C // (r * r), H * r, W * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W)"""
    r = int(downscale_factor)
    *lead, C, H, W = input.shape
    if H % r or W % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)="
                           f"{H} is not divisible by {r}" if H % r else
                           f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)="
                           f"{W} is not divisible by {r}")
    n = len(lead)
    x = input.reshape(*lead, C, H // r, r, W // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, C * r * r, H // r, W // r)


def channel_shuffle(input, groups):
    N, C = input.shape[:2]
    rest = tuple(input.shape[2:])
    return input.reshape(N, groups, C // groups, *rest).transpose(1, 2).reshape(N, C, *rest)
