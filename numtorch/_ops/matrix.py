"""Matrix and vector functions: trace, diag, cross, cdist, dist, cov, corrcoef, tril/triu_indices (composed of
other ops) and the spectral matrix norm (its own Function)."""
import builtins

from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from .pointwise_binary import clamp, clamp_min
from .views import diagonal as _diagonal


def trace(input):
    if input._data.dtype.kind == "b":   # PyTorch checks the dtype first
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input._data.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(input._data.ndim))
    from .index import getitem
    n = builtins.min(input._data.shape)
    i = xp.arange(n)
    from .reduce import sum as _sum
    return _sum(getitem(input, (i, i), _raw=True))


def diag(input, diagonal=0):
    if input._data.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input._data.ndim}D")
    if input._data.ndim == 1:
        n = input._data.shape[0] + builtins.abs(diagonal)
        from .index import IndexPut
        z = _make(xp.zeros((n, n), input._data.dtype))
        i = xp.arange(input._data.shape[0])
        idx = (i, i + diagonal) if diagonal >= 0 else (i - diagonal, i)
        return IndexPut.apply(z, idx, input)
    from .views import DiagonalCopy
    return DiagonalCopy.apply(input, diagonal, 0, 1)   # a copy, as PyTorch's (diagonal() is the view)


def cross(input, other, dim=None):
    from .views import unbind
    from .copies import stack
    axis = -1 if dim is None else dim
    a1, a2, a3 = unbind(input, axis)
    b1, b2, b3 = unbind(other, axis)
    return stack([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], axis)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    # compute_mode picks PyTorch's algorithm (matmul expansion or direct differences); both give the distance,
    # numtorch always takes the direct differences (exact, no cancellation)
    from .views import unsqueeze
    from .reduce import norm
    diffs = unsqueeze(x1, -2) - unsqueeze(x2, -3)
    return norm(diffs, p, dim=-1)


def dist(input, other, p=2):
    """||input - other||_p"""
    from .reduce import norm
    return norm(input - other, p)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the rows (variables) over the columns (observations), with optional integer frequency
    weights and observation weights w: avg = sum(x w) / sum(w); cov = (x - avg) w (x - avg)^T / norm,
    norm = sum(w) - correction * (sum(w * aweights) / sum(w) if aweights else 1), clamped at 0."""
    x = input.reshape(1, -1) if input._data.ndim < 2 else input
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        nobs = x.shape[1]
        avg = x.mean(1, keepdim=True)
        norm = nobs - correction
    else:
        wsum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / wsum
        norm = clamp_min(wsum - (correction * (w * aweights).sum() / wsum if aweights is not None else correction), 0)
    if not isinstance(norm, Tensor):
        norm = builtins.max(norm, 0)
    xc = x - avg
    c = ((xc * w if w is not None else xc) @ xc.mH) / norm
    return c.squeeze()  # as PyTorch: one variable gives a 0-d result


def corrcoef(input):
    c = cov(input)
    if c._data.ndim == 0:  # a single variable: c / c (1, or nan for a constant)
        return c / c
    d = c.diagonal()
    if d._data.dtype.kind == "c":   # complex: the variances are the real diagonal; each part clipped to [-1, 1]
        d = d.real.sqrt()
        r = c / d.unsqueeze(1) / d.unsqueeze(0)
        from .complex import complex as _complex
        return _complex(clamp(r.real, -1, 1), clamp(r.imag, -1, 1))
    d = d.sqrt()
    return clamp(c / d.unsqueeze(1) / d.unsqueeze(0), -1, 1)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = xp.tril_indices(row, offset, col)
    return _make(xp.stack([r, c]).astype(D.to_numpy_dtype(dtype) if dtype is not None else xp.int64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = xp.triu_indices(row, offset, col)
    return _make(xp.stack([r, c]).astype(D.to_numpy_dtype(dtype) if dtype is not None else xp.int64))


class SpectralNorm(Function):
    """max (ord=2) or min (ord=-2) singular value of the matrices in the last two dims;
    d/dA = U diag(w) V^T with w the indicator of the picked singular value, split evenly between ties (as amax)."""
    _builtin = True
    node_name = "LinalgMatrixNormBackward0"

    @staticmethod
    def forward(ctx, a, largest):
        u, sv, vh = xp.linalg.svd(a._data, full_matrices=False)
        pick = sv.max(-1, keepdims=True) if largest else sv.min(-1, keepdims=True)
        w = (sv == pick).astype(sv.dtype)
        w /= w.sum(-1, keepdims=True)
        ctx.uv = ((u * w[..., None, :]) @ vh).astype(a._data.dtype)
        return pick[..., 0].astype(a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        return g.unsqueeze(-1).unsqueeze(-1) * _make(ctx.uv), None


def spectral_norm(input, largest, dim=(-2, -1), keepdim=False):
    """||A||_2 (largest singular value) or its ord=-2 counterpart (smallest) over the matrix dims ``dim``."""
    from .views import movedim, unsqueeze
    nd = input._data.ndim
    d0, d1 = (d % nd for d in dim)
    x = movedim(input, (d0, d1), (nd - 2, nd - 1)) if (d0, d1) != (nd - 2, nd - 1) else input
    out = SpectralNorm.apply(x, largest)
    if keepdim:
        for ax in sorted((d0, d1)):
            out = unsqueeze(out, ax)
    return out
