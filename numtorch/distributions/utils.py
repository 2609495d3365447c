"""Helpers shared by the distributions: broadcasting parameters, probabilities <-> logits, lazy properties."""
import numbers

import numtorch as _t
from .._tensor import Tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]   # euler_constant, is_tensor_like: present, not exported

euler_constant = 0.57721566490153286060


def is_tensor_like(x):
    return isinstance(x, Tensor)


def broadcast_all(*values):
    """Broadcast tensors and numbers to one shape; numbers become tensors of the first tensor's dtype
    (the default dtype when all are numbers)."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    if not any(isinstance(v, Tensor) for v in values):
        return tuple(_t.tensor(float(v)) for v in values)
    like = next(v for v in values if isinstance(v, Tensor))
    dt = like.dtype if like.dtype.is_floating_point else _t.get_default_dtype()
    ts = [v if isinstance(v, Tensor) else _t.tensor(v, dtype=dt) for v in values]
    return tuple(_t.broadcast_tensors(*ts))


def _finfo(t):
    return _t.finfo(t.dtype)


def clamp_probs(probs):
    """probs clamped to [eps, 1 - eps] of their dtype."""
    eps = _finfo(probs).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """sigmoid(logits) for a binary variable, softmax over the last dim otherwise."""
    if is_binary:
        return _t.sigmoid(logits)
    return _t.softmax(logits, -1)


def probs_to_logits(probs, is_binary=False):
    """log p - log(1 - p) for a binary variable, log p otherwise (probs clamped away from 0 and 1)."""
    ps = clamp_probs(probs)
    if is_binary:
        return _t.log(ps) - _t.log1p(-ps)
    return _t.log(ps)


class lazy_property:
    """A property computed on first access and stored on the instance (as torch's)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with _t.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def tril_matrix_to_vec(mat, diag=0):
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    idx = _t.tril_indices(n, n, offset=diag)
    return mat[..., idx[0], idx[1]]


def vec_to_tril_matrix(vec, diag=0):
    """The (..., n, n) lower-triangular matrix (below the diag-th diagonal) holding vec's entries row by row."""
    k = vec.shape[-1]
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * k + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2))
    if n * (n + 1 + 2 * diag) // 2 != k:
        raise ValueError(f"The size of last dimension is {k} which cannot be expressed as the lower triangular "
                         f"part of a square D x D matrix.")
    idx = _t.tril_indices(n, n, offset=diag)
    flat = (idx[0] * n + idx[1]).expand(*vec.shape[:-1], k)
    out = vec.new_zeros(tuple(vec.shape[:-1]) + (n * n,)).scatter(-1, flat, vec)
    return out.reshape(tuple(vec.shape[:-1]) + (n, n))


def _expand_params(src, new, shape, set_param=True):
    """Give an expanded instance ``new`` the probs and/or logits ``src`` holds (those it was built from or has
    computed), expanded to ``shape``; ``_param`` follows them as in the constructors."""
    for name in ("probs", "logits"):
        if name in src.__dict__:
            value = getattr(src, name).expand(*shape)
            setattr(new, name, value)
            if set_param:
                new._param = value
