"""Dropout family: zero elements (or whole channels) with probability p in training, scaling the rest by 1/(1-p).

The mask is drawn as PyTorch's CPU ``_dropout_impl`` draws it, so a seeded run drops the same elements:
``noise = empty_like(input)`` (or ``(N, C, 1, ...)`` for channel dropout), ``noise.bernoulli_(1 - p)``, then
``noise.div_(1 - p)`` in the input's dtype and ``input * noise``; in evaluation (``training=False``) every
function is the identity.
"""
from ..._backend import xp
from ... import _random
from ..._tensor import _make
from ... import _ops as ops

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
           "feature_dropout"]


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, dtype):
    """``empty(shape).bernoulli_(1 - p)``: 0/1 in ``dtype``."""
    return _random.bernoulli_(xp.empty(shape, dtype), 1.0 - p)


def _noise(shape, p, dtype):
    """The dropout noise: Bernoulli(1 - p) as 0/1, divided by (1 - p) in ``dtype`` (PyTorch's ``div_``)."""
    keep = _keep_mask(shape, p, dtype)
    keep /= dtype.type(1.0 - p)
    return keep


def _apply(input, mask, inplace):
    m = _make(mask)
    if inplace:
        return input.mul_(m)
    return input * m


def dropout(input, p=0.5, training=True, inplace=False):
    """y = x * m / (1 - p), m ~ Bernoulli(1 - p) elementwise (identity when not training)"""
    _check_p(p)
    if not training or p == 0:
        return input
    dt = input._data.dtype
    if p == 1:
        mask = xp.zeros(input._data.shape, dt)
    else:
        mask = _noise(input._data.shape, p, dt)
    return _apply(input, mask, inplace)


def _feature(input, p, training, inplace, batched_nd, name):
    _check_p(p)
    if not training or p == 0:
        return input
    nd = input.ndim
    if nd not in (batched_nd, batched_nd - 1):
        raise RuntimeError(f"{name}: Expected {batched_nd - 1}D or {batched_nd}D input, but got input of size: "
                           f"{list(input.shape)}")
    return _channel_mask(input, p, inplace, 2 if nd == batched_nd else 1)


def _channel_mask(input, p, inplace, lead, check=True):
    """One keep/drop draw per index of the first ``lead`` dims (whole channels), scaled by 1/(1-p)."""
    if check and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)
    dt = input._data.dtype
    if p == 1:
        mask = xp.zeros(shape, dt)
    else:
        mask = _noise(shape, p, dt)
    return _apply(input, mask, inplace)


def _warn_dims(name, nd, spatial, ok):
    import warnings
    warnings.warn(f"{name}: Received a {nd}-D input to {name}, which is deprecated and will result in an error "
                  f"in a future release. To retain the behavior and silence this warning, please use dropout "
                  f"instead. Note that {name} exists to provide channel-wise dropout on inputs with {spatial} "
                  f"spatial dimensions, a channel dimension, and an optional batch dimension (i.e. {ok[0]}D or "
                  f"{ok[1]}D inputs).", stacklevel=3)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """zero whole channels of (N, C, L) / (C, L) input"""
    return _feature(input, p, training, inplace, 3, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """zero whole channels of (N, C, H, W) / (C, H, W) input. As PyTorch 2.13: other ranks warn and carry on
    (a 3-D input is read as (N, C, L), a 2-D one as (N, C))."""
    _check_p(p)
    nd = input.ndim
    if nd not in (3, 4):
        _warn_dims("dropout2d", nd, 2, (3, 4))
    if nd == 3:
        import warnings
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    if not training or p == 0:
        return input
    return _channel_mask(input, p, inplace, 2)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """zero whole channels of (N, C, D, H, W) / (C, D, H, W) input (other ranks warn; unbatched: dim 0 is C)"""
    _check_p(p)
    nd = input.ndim
    if nd not in (4, 5):
        _warn_dims("dropout3d", nd, 3, (4, 5))
    if not training or p == 0:
        return input
    # unbatched: PyTorch adds a batch dim of 1, so dim 0 holds the channels
    return _channel_mask(input, p, inplace, 2) if nd == 5 else _channel_mask(input, p, inplace, 1, check=False)


def feature_dropout(input, p, train, inplace=False):
    return _feature(input, p, train, inplace, input.ndim, "feature_dropout")


_ALPHA = 1.7580993408473766  # -SELU's negative saturation value: scale * alpha


def _alpha(input, p, training, mask_shape):
    _check_p(p)
    if not training or p == 0:
        return input
    dt = input._data.dtype
    if p == 1:
        return input * 0.0
    noise = _keep_mask(mask_shape, p, dt)
    a = 1.0 / ((_ALPHA * _ALPHA * p + 1) * (1 - p)) ** 0.5
    # PyTorch: b = noise.add(-1).mul_(alpha * a).add_(alpha * a * p); noise.mul_(a); input * noise + b
    # (each step rounded in the input's dtype), so E[y] = E[x] and Var[y] = Var[x] for SELU inputs
    b = ((noise - dt.type(1)) * dt.type(_ALPHA * a)) + dt.type(_ALPHA * a * p)
    return input * _make(noise * dt.type(a)) + _make(b)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """dropout that keeps SELU's self-normalisation: dropped units set to -alpha', then affinely rescaled"""
    return _alpha(input, p, training, input._data.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _alpha(input, p, training, shape)
