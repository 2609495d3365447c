"""Pointwise losses of one input against a target of the same (broadcast) shape: MSE, L1,
SmoothL1, Huber (one fused Function) and the soft margin loss."""
from ...._backend import xp
from ...._tensor import Tensor, _make
from ....autograd.function import Function
from ....autograd.grad_mode import state as _gs
from .... import _ops as ops
from ...._ops._util import operands
from .. import _reduction as _R
from ._common import (_DT, _fit, _broadcast_shape, _warn_size, _as_tensor, _gtensor, _softplus,
                      _named_as)

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss"]


class _Pointwise(Function):
    """Elementwise loss of d = input - target (broadcast), reduced inside the op.

    kind 0 MSE: d^2; 1 L1: |d|; 2 SmoothL1(beta): 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta;
    3 Huber(delta): 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta).
    d loss / d input = D(d) * scale, d loss / d target = -D(d) * scale with D = 2d, sign(d),
    clamp(d / beta, -1, 1), clamp(d, -delta, delta).
    """
    _builtin = True

    @staticmethod
    def forward(ctx, input, target, kind, reduction, param):
        a, b = operands(input, target)
        d = xp.asarray(a - b)   # 0-d inputs give a NumPy scalar: keep an array (written in place later)
        if d.dtype.kind not in "fV":
            raise (NotImplementedError if d.dtype.kind == "c" else RuntimeError)(f"\"{('mse', 'l1', 'smooth_l1', 'huber')[kind]}_cpu\" not implemented for "
                               f"'{_DT.get(d.dtype.name, d.dtype.name)}'")
        if kind == 0:
            l = d * d if reduction == "none" else None   # a reduced MSE is one dot product (below)
        elif kind == 1:
            l = xp.abs(d)
        else:
            ad = xp.abs(d)
            if kind == 2:
                l = xp.where(ad < param, (0.5 / param) * d * d, ad - 0.5 * param)
            else:
                l = xp.where(ad < param, 0.5 * d * d, param * (ad - 0.5 * param))
        ctx.kind, ctx.param, ctx.red = kind, param, reduction
        ctx.d = d
        ctx.n = d.size
        ctx.shapes = (input._data.shape, input._data.dtype,
                      target._data.shape if isinstance(target, Tensor) else (), b.dtype)
        ctx.save_for_backward(input, target if isinstance(target, Tensor) else None)
        if kind == 0 and reduction != "none":
            # the sum of squares as one BLAS dot: the fastest reduction NumPy has
            f = d.reshape(-1)
            s = xp.asarray(xp.dot(f, f), dtype=d.dtype)
            return s if reduction == "sum" else xp.asarray(s / d.dtype.type(d.size), dtype=d.dtype)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        kind, p = ctx.kind, ctx.param
        scale = _R.grad_scale(ctx.red, ctx.n)
        ishape, idt, tshape, tdt = ctx.shapes
        ni, nt = ctx.needs_input_grad[:2]
        if _gs.enabled:
            # recording the gradient's own graph: Tensor ops all the way (the raw-array path below is
            # the same derivative written in place; tests/nn/test_loss_reference.py pins the two)
            input, target = ctx.saved_tensors
            d = input - (target if target is not None else _make(ctx.d * 0))
            if kind == 0:
                dd = d * 2
            elif kind == 1:
                dd = ops.sign(d)
            elif kind == 2:
                dd = ops.clamp(d / p, -1, 1)
            else:
                dd = ops.clamp(d, -p, p)
            gi = dd * _gtensor(g, scale)
        else:
            d = ctx.d
            if d is None:
                # a second backward through a retained graph: the difference was consumed, recompute it
                input, target = ctx.saved_tensors
                a, b = operands(input, target if target is not None else 0.0)
                d = xp.asarray(a - b)
            ctx.d = None
            # the derivative is written over the saved difference (no new array for the big losses)
            dd = d
            if kind == 0:
                dd *= d.dtype.type(2)
            elif kind == 1:
                xp.sign(d, out=dd)
            elif kind == 2:
                dd /= d.dtype.type(p)
                xp.clip(dd, -1, 1, out=dd)
            else:
                xp.clip(dd, -p, p, out=dd)
            gd = g._data
            if scale is None:
                dd *= gd
            else:
                dd *= (gd * scale).astype(dd.dtype)
            gi = _make(dd)
        ga = _fit(gi, ishape, idt) if ni else None
        gb = _fit(-gi, tshape, tdt) if nt else None
        return ga, gb, None, None, None


class _MseLoss(_Pointwise):
    node_name = "MseLossBackward0"


class _L1Loss(_Pointwise):
    # PyTorch's l1_loss is a composite, abs then the reduction: its node is named after the last op
    node_name = "MeanBackward0"


class _L1LossSum(_Pointwise):
    node_name = "SumBackward0"


class _L1LossNone(_Pointwise):
    node_name = "AbsBackward0"


class _SmoothL1Loss(_Pointwise):
    node_name = "SmoothL1LossBackward0"


class _HuberLoss(_Pointwise):
    node_name = "HuberLossBackward0"


_POINTWISE = (_MseLoss, _L1Loss, _SmoothL1Loss, _HuberLoss)


def _pointwise(kind, input, target, reduction, param, weight):
    input, target = _as_tensor(input), _as_tensor(target, input)
    if input._data.shape != target._data.shape:   # (equal shapes: nothing to warn about or check)
        _warn_size(input, target)
        _broadcast_shape(input.shape, target.shape)
    reduction = _R.check(reduction)
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        l = _fn(kind, "none").apply(input, target, kind, "none", param) * weight
        if reduction == "mean" and kind != 3:
            return l.sum() / weight.sum()
        return _R.apply_reduction(l, reduction)
    return _fn(kind, reduction).apply(input, target, kind, reduction, param)


def _fn(kind, reduction):
    if kind == 1:
        return {"mean": _L1Loss, "sum": _L1LossSum, "none": _L1LossNone}[reduction]
    return _POINTWISE[kind]


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: l = (x - y)^2, reduced. Target broadcasts against input (with a warning)."""
    return _pointwise(0, input, target, _R.resolve(size_average, reduce, reduction), None, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: l = |x - y|, reduced; the gradient at x == y is 0 (sign(0))."""
    reduction = _R.resolve(size_average, reduce, reduction)
    if weight is None and any(isinstance(t, Tensor) and t._data.dtype.kind == "c" for t in (input, target)):
        l = (input - target).abs()   # complex: PyTorch's composite |x - y| (a real loss)
        return l if reduction == "none" else l.sum() if reduction == "sum" else l.mean()
    return _pointwise(1, input, target, reduction, None, weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """l = 0.5 (x - y)^2 / beta if |x - y| < beta else |x - y| - 0.5 beta; beta = 0 is L1."""
    reduction = _R.resolve(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return _pointwise(2, input, target, reduction, float(beta), None)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """l = 0.5 (x - y)^2 if |x - y| < delta else delta (|x - y| - 0.5 delta) (= delta * SmoothL1(beta=delta))."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pointwise(3, input, target, reduction, float(delta), weight)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """l = log(1 + exp(-y x)) (stable softplus)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    _broadcast_shape(input.shape, target.shape)
    if target._data.dtype != input._data.dtype and input._data.dtype.kind in "fV":
        target = target.to(input.dtype)     # PyTorch computes in the input's dtype
    z = -target * input
    # complex: PyTorch's log1p(exp(z)) (the stable softplus needs an ordering)
    loss = ops.log1p(ops.exp(z)) if z.dtype.is_complex else _softplus(z)
    return _named_as(_R.apply_reduction(loss, reduction), "SoftMarginLossBackward0")
