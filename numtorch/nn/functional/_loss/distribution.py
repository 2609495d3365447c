"""Losses of a predicted distribution against observed data: binary cross entropy (on
probabilities and on logits), Poisson and Gaussian negative log likelihoods, KL divergence."""
import math
import numbers
import warnings

from ...._backend import xp, errstate
from ...._tensor import Tensor, _make
from ....autograd.function import Function
from .... import _ops as ops
from ...._ops._util import operands
from .. import _reduction as _R
from .._no_complex import refuse as _refuse
from ._common import _fit, _broadcast_shape, _not_differentiable, _gtensor, _logsigmoid

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll_loss", "gaussian_nll_loss",
           "kl_div"]


class _BCE(Function):
    """l = -w [y max(log x, -100) + (1 - y) max(log(1 - x), -100)] (the clamp keeps x = 0 or 1 finite).
    dl/dx = w (x - y) / max(x (1 - x), 1e-12);  dl/dy = w (log(1 - x) - log x) (PyTorch's -logit(x))."""
    _builtin = True
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        x, y = input._data, target._data.astype(input._data.dtype, copy=False)
        if not ((x >= 0) & (x <= 1)).all():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not ((y >= 0) & (y <= 1)).all():
            raise RuntimeError("all elements of target should be between 0 and 1")
        with errstate(divide="ignore"):
            lx = xp.maximum(xp.log(x), -100)
            l1x = xp.maximum(xp.log1p(-x), -100)
        l = -(y * lx + (1 - y) * l1x)
        if weight is not None:
            l = l * weight._data
        l = l.astype(x.dtype, copy=False)
        ctx.red, ctx.n = reduction, l.size
        ctx.save_for_backward(input, target, weight)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        input, target, weight = ctx.saved_tensors
        G = _gtensor(g, _R.grad_scale(ctx.red, ctx.n))
        if weight is not None:
            G = G * weight
        gi = gt = None
        if ctx.needs_input_grad[0]:
            t = target.to(input.dtype) if target._data.dtype != input._data.dtype else target
            gi = _fit(G * (input - t) / ops.clamp_min(input * (1 - input), 1e-12), input.shape, input._data.dtype)
        if ctx.needs_input_grad[1]:
            gt = _fit(-ops.logit(input) * G, target.shape, target._data.dtype)
        return gi, gt, None, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy of probabilities x in [0, 1]: l = -w [y log x + (1 - y) log(1 - x)], logs >= -100."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        _not_differentiable(weight, "binary_cross_entropy", "weight")
        new = _broadcast_shape(target.shape, weight.shape)
        weight = weight.expand(*new)
    if input.dtype.is_complex:
        _refuse('binary_cross_entropy', input)
    return _BCE.apply(input, target, weight, reduction)


class _BCEWithLogits(Function):
    """l = w [(1 - y) x - lw * logsigmoid(x)], lw = 1 + (pos_weight - 1) y; logsigmoid(x) =
    -logaddexp(0, -x) is finite for any x.  dl/dx = w [(1 - y) - lw sigmoid(-x)];
    dl/dy = w [-x - (pos_weight - 1) logsigmoid(x)]."""
    _builtin = True
    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        x, y = operands(input, target)      # computed in the promoted dtype, as PyTorch
        ls = -xp.logaddexp(xp.zeros((), x.dtype), -x)
        if pos_weight is not None:
            ls = ls * ((pos_weight._data - 1) * y + 1)
        l = (1 - y) * x - ls
        if weight is not None:
            l = l * weight._data
        l = l.astype(x.dtype, copy=False)
        ctx.red, ctx.n = reduction, l.size
        ctx.save_for_backward(input, target, weight, pos_weight)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        input, target, weight, pw = ctx.saved_tensors
        G = _gtensor(g, _R.grad_scale(ctx.red, ctx.n))
        if weight is not None:
            G = G * weight
        t = target
        gi = gt = None
        if ctx.needs_input_grad[0]:
            lw = 1 if pw is None else (pw - 1) * t + 1
            gi = _fit(G * ((1 - t) - ops.sigmoid(-input) * lw), input.shape, input._data.dtype)
        if ctx.needs_input_grad[1]:
            d = -input if pw is None else -input - (pw - 1) * _logsigmoid(input)
            gt = _fit(G * d, target.shape, target._data.dtype)
        return gi, gt, None, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """BCE on logits, stable for any x: l = w [(1 - y) x + (1 + (pos_weight - 1) y) log(1 + exp(-x))]."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if weight is not None:
        _not_differentiable(weight, "binary_cross_entropy_with_logits", "weight")
        _broadcast_shape(input.shape, weight.shape)
    if pos_weight is not None:
        _not_differentiable(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
        _broadcast_shape(input.shape, pos_weight.shape)
    if input.dtype.is_complex:
        _refuse('log_sigmoid_cpu', input)
    return _BCEWithLogits.apply(input, target, weight, pos_weight, reduction)


# --------------------------------------------------------------------------- likelihood losses
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Poisson NLL: exp(x) - y x (log_input) or x - y log(x + eps); ``full`` adds Stirling's
    y log y - y + 0.5 log(2 pi y) where y > 1."""
    reduction = _R.resolve(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    _broadcast_shape(target.shape, input.shape)
    if full and target.dtype.is_complex:     # PyTorch's Stirling term compares target <= 1
        _refuse("le_cpu", target)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        # Stirling's term where y > 1; y is replaced by 1 elsewhere so log(0) never enters the graph
        # (PyTorch's gradient w.r.t. a target of exactly 0 is nan (0 * log 0); ours is 0 there)
        big = _make(target._data > 1)
        safe = ops.where(big, target, target * 0 + 1)
        st = safe * ops.log(safe) - safe + 0.5 * ops.log(2 * math.pi * safe)
        loss = loss + ops.where(big, st, st * 0)
    return _R.apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian NLL: 0.5 (log(max(var, eps)) + (x - y)^2 / max(var, eps)) (+ 0.5 log(2 pi) if full).

    ``var`` has input's shape, or one dim fewer (homoscedastic per row: unsqueezed), or input's
    shape with one dim of size 1; the clamp at eps is not differentiated (as PyTorch).
    """
    if isinstance(var, numbers.Real) and not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = ops.full_like(input, float(var))
    elif var.dtype.is_complex:                # PyTorch's check var < 0 has no complex kernel
        _refuse("lt_cpu", var)
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    ish, vsh = tuple(input.shape), tuple(var.shape)
    if vsh != ish:
        if ish[:-1] == vsh:
            var = var.unsqueeze(-1)
        elif len(ish) == len(vsh) and sum(y for x, y in zip(ish, vsh) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    _broadcast_shape(input.shape, target.shape)
    vd = var._data
    v = var + _make(xp.maximum(vd, xp.asarray(eps, vd.dtype)) - vd)
    loss = 0.5 * (ops.log(v) + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _R.apply_reduction(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence with input = log q: l = y (log y - x), or exp(y) (y - x) when ``log_target``.

    'batchmean' divides the sum by the batch size (the true KL); 'mean' by every element (warned).
    """
    if size_average is not None or reduce is not None:
        reduction = _R.legacy_get_string(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          UserWarning, stacklevel=2)
        if reduction != "batchmean":
            _R.check(reduction)
    _broadcast_shape(target.shape, input.shape)
    if input.dtype.is_complex or target.dtype.is_complex:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        # xlogy(y, y) = y log y with 0 log 0 = 0, as PyTorch composes it: its gradient with respect to a target of
        # 0 is xlogy(0 != 0, 0) + 0 / 0, NaN as PyTorch's (a negative target gives NaN, as PyTorch's xlogy)
        loss = ops.xlogy(target, target) - target * input
    if reduction == "batchmean":
        if input.dim() == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _R.apply_reduction(loss, reduction)
