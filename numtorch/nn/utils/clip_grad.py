"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (in place on ``p.grad``)."""
import math

from ..._backend import xp, errstate
from ..._tensor import Tensor, _make
from ..._grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _sumsq(a):
    """sum(a**2) of a float array: BLAS dot products over blocks of 32k elements, the blocks summed in float64
    (as accurate as a float64 pass, ~8x faster than converting the array)."""
    v = a.reshape(-1)
    B = 1 << 15
    return sum(float(xp.dot(v[i:i + B], v[i:i + B])) for i in range(0, v.shape[0], B))


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of all ``tensors`` together, as if concatenated into one vector."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _make(xp.asarray(0.0, dtype=xp.float32))
    dtype = tensors[0]._data.dtype
    if norm_type == math.inf:
        total = max(float(xp.abs(t._data).max()) if t._data.size else 0.0 for t in tensors)
    elif norm_type == -math.inf:
        total = min(float(xp.abs(t._data).min()) if t._data.size else math.inf for t in tensors)
    elif norm_type == 2.0 and all(t._data.dtype in (xp.float32, xp.float64) for t in tensors):
        total = math.sqrt(sum(_sumsq(t._data) for t in tensors))
    else:
        # the norm of per-tensor norms equals the norm of the concatenation
        norms = xp.asarray([xp.linalg.norm(t._data.reshape(-1).astype(xp.float64), ord=norm_type)
                            if norm_type != 0 else xp.count_nonzero(t._data) for t in tensors])
        total = float((norms ** norm_type).sum() ** (1.0 / norm_type)) if norm_type != 0 else float(norms.sum())
    total_t = _make(xp.asarray(total, dtype=dtype))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                           "so it cannot be clipped. To disable this error and scale the gradients by the "
                           "non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_t


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients in place by min(1, max_norm / (total_norm + 1e-6))."""
    grads = _grads(parameters)
    if not grads:
        return
    coef = float(max_norm) / (float(total_norm) + 1e-6)
    if coef < 1.0 or math.isnan(coef):
        with no_grad(), errstate(invalid="ignore"):
            for g in grads:
                g._data *= g._data.dtype.type(min(coef, 1.0) if not math.isnan(coef) else coef)
                g._vc[0] += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients so that their joint ``norm_type``-norm is at most ``max_norm``.

    total = ||(g_1, ..., g_n)||_p; each g *= min(1, max_norm / (total + 1e-6)).
    Returns the total norm before clipping (a 0-d tensor).
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    grads = _grads(parameters)
    if not grads:
        return _make(xp.asarray(0.0, dtype=xp.float32))
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    import warnings
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        xp.clip(g._data, -clip_value, clip_value, out=g._data)
        g._vc[0] += 1
