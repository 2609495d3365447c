"""Distances between batches of vectors: ``pairwise_distance`` and ``cosine_similarity``."""
from ..._backend import xp
from ..._tensor import Tensor, _make
from ... import _ops as ops

__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dimension (the eps keeps the norm differentiable at x1 == x2).

    Inputs broadcast against each other; the result drops the last dimension unless ``keepdim``.
    """
    from ._loss._common import _broadcast_shape, _named_as
    _broadcast_shape(x1.shape, x2.shape)
    nd = max(x1.dim(), x2.dim())
    d = x1 - x2 + eps
    if nd == 0:
        # two scalars: |x1 - x2 + eps|, as PyTorch (a 0-d "vector")
        return ops.norm(d.reshape(1), p, 0, keepdim=False).reshape(()) if not keepdim else d.abs()
    return _named_as(ops.norm(d, p, nd - 1, keepdim), "NormBackward1")


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) over ``dim``.

    As PyTorch, each input is divided by its own (clamped) norm before the product, which
    keeps the result in [-1, 1]; the clamp is applied without recording (the gradient flows
    as if the norm were not clamped).
    """
    if not isinstance(x1, Tensor) or not isinstance(x2, Tensor):
        raise TypeError("cosine_similarity(): argument 'x1' and 'x2' must be Tensor")
    from ... import _dtype as D
    # the common dtype must be floating; as PyTorch, only integral inputs are cast to it (a float16 input is
    # normalised in float16 before its product with a float64 one)
    ct = D.result_type(D.from_numpy_dtype(x1._data.dtype), x1._data.ndim == 0,
                       D.from_numpy_dtype(x2._data.dtype), x2._data.ndim == 0)
    if not ct.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.scalar_name(ct.np)}")
    x1, x2 = (x if x.dtype.is_floating_point else x.to(ct) for x in (x1, x2))
    from ._loss._common import _broadcast_shape
    shape = _broadcast_shape(x1.shape, x2.shape)
    if tuple(x1.shape) != tuple(shape):
        x1 = x1.expand(*shape)
    if tuple(x2.shape) != tuple(shape):
        x2 = x2.expand(*shape)
    n1 = _clamped(ops.norm(x1, 2, dim, keepdim=True), eps)
    n2 = _clamped(ops.norm(x2, 2, dim, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def _clamped(n, eps):
    """n clamped below at eps in value, with the gradient of n itself (PyTorch clamps under no_grad)."""
    d = n._data
    c = xp.maximum(d, xp.asarray(eps, d.dtype))
    if not (c != d).any():
        return n
    return n + _make(c - d)


def pdist(input, p=2):
    """Distances between all pairs of rows of an (N, M) input, the upper triangle flattened."""
    if input.dtype.is_complex:
        raise RuntimeError("pdist only supports floating-point dtypes")
    n = input.shape[0]
    i, j = xp.triu_indices(n, 1)
    a = input[_make(i.astype(xp.int64))]
    b = input[_make(j.astype(xp.int64))]
    return ops.norm(a - b, p, 1)
