"""Helpers shared by the loss families: PyTorch's shape checks and messages, the small
differentiable pieces the composite losses are built from, and grad_fn naming."""
import warnings

from ...._backend import xp
from .... import _dtype as D
from ...._tensor import Tensor, _make, broadcast_error
from ...._ops.arith import _fit as _fit_meta
from ....autograd.function import Function
from ....autograd.grad_mode import state as _gs
from .... import _ops as ops
from ...._ops._util import to_tensor

_DT = D.SCALAR_NAMES   # PyTorch's scalar-type names (the one table, in numtorch._dtype)


def _fit(g, like_shape, like_dtype):
    """Reduce a gradient to an input's shape (un-broadcast) and dtype (the ops' ``_fit``)."""
    return _fit_meta(g, (tuple(like_shape), like_dtype))


def _broadcast_shape(a, b):
    """The broadcast of two shapes, with PyTorch's error when they do not broadcast."""
    a, b = tuple(a), tuple(b)
    err = broadcast_error(a, b)
    if err is not None:
        raise err
    return tuple(xp.broadcast_shapes(a, b))


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", UserWarning, stacklevel=4)


def _as_tensor(x, like=None):
    return x if isinstance(x, Tensor) else to_tensor(x, like)


def _not_differentiable(t, fn, arg):
    """PyTorch's kernels have no gradient for class weights: a weight requiring grad is an error there."""
    if isinstance(t, Tensor) and t.requires_grad and _gs.enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. "
                           f"This input cannot have requires_grad True.")


def _gtensor(g, scale):
    return g if scale is None else g * scale


class _Softplus(Function):
    """softplus(x) = log(1 + exp(x)), computed as logaddexp(0, x) (finite for any x); grad sigmoid(x)"""
    _builtin = True
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return xp.logaddexp(xp.zeros((), a._data.dtype), a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ops.sigmoid(a)


def _softplus(x):
    return _Softplus.apply(x)


def _logsigmoid(x):
    return -_softplus(-x)


class _ClampMin(Function):
    """max(x, lo) keeping NaN; the gradient passes where x >= lo (PyTorch's clamp_min, bound included)"""
    _builtin = True
    node_name = "ClampMinBackward0"

    @staticmethod
    def forward(ctx, a, lo):
        d = a._data
        ctx.mask = ~(d < lo)          # NaN counts as passing, as x >= lo is False only for x < lo
        return xp.where(ctx.mask, d, xp.asarray(lo, d.dtype))

    @staticmethod
    def backward(ctx, g):
        return g * _make(ctx.mask.astype(g._data.dtype)), None


def _clamp_min(x, lo):
    return _ClampMin.apply(x, lo)


class _Identity(Function):
    """The identity, whose backward node carries the name of the PyTorch kernel a composite stands for."""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return a._data.view()

    @staticmethod
    def backward(ctx, g):
        return g


_NAMED = {}


def _named_as(t, node_name):
    """``t`` with its grad_fn named as PyTorch names it (e.g. MultiMarginLossBackward0) when the loss
    here is a composition of Tensor ops; one identity node, no change to values or gradients."""
    if t.grad_fn is None:
        return t
    cls = _NAMED.get(node_name)
    if cls is None:
        cls = _NAMED[node_name] = type(node_name.replace("Backward", "") + "Named", (_Identity,),
                                       {"node_name": node_name, "_builtin": True})
    return cls.apply(t)


def _pos(z):
    """max(z, 0) with gradient 1 only where z > 0 strictly (PyTorch's margin-loss kernels)."""
    return ops.where(z > 0, z, z * 0)
