"""Activation functions (``torch.nn.functional``).

Each nonlinearity is a ``Function`` whose forward is one vectorised NumPy
expression (numerically stable where it matters: no ``exp`` of a large positive
number is ever taken) and whose backward is written with numtorch tensor ops, so
second derivatives work. Derivatives at the kinks are PyTorch's:

==============  ==========================================================
relu            0 at x = 0
leaky_relu      negative_slope at x = 0
elu/selu/celu   the x <= 0 branch at x = 0 (alpha*scale*input_scale)
hardtanh/relu6  0 at x = min_val and x = max_val
hardsigmoid     0 at x = -3 and x = 3
hardswish       0 at x = -3, 1 at x = 3
threshold       0 at x = threshold
soft/hardshrink 0 at x = -lambd and x = lambd
==============  ==========================================================
"""
import math

from ... import _ops as ops
from ... import _dtype as D
from ..._backend import xp, is_array
from ..._tensor import Tensor, _make, register_methods
from ...autograd.function import Function
from ..._ops.inplace import inplace as _inplace, check_overlap as _check_overlap
from ..._ops.unary import _sigmoid_reference, erf_np, relu_fast as _relu_fast
from ._gelu import gelu32 as _gelu32, gelu32_backward as _gelu32_backward
from ...autograd.grad_mode import state as _gs
from ... import _random

__all__ = ["sigmoid", "tanh", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
           "celu", "celu_", "gelu", "silu", "mish", "softplus", "softsign", "hardtanh", "hardtanh_", "hardsigmoid",
           "hardswish", "logsigmoid", "tanhshrink", "softshrink", "hardshrink", "threshold", "threshold_", "prelu",
           "rrelu", "rrelu_", "glu", "softmax", "log_softmax", "softmin"]

tanh = ops.tanh
softmax = ops.softmax
log_softmax = ops.log_softmax
softmin = ops.softmin

_SQRT1_2 = 0.7071067811865476        # 1/sqrt(2)
_INV_SQRT_2PI = 0.3989422804014327   # 1/sqrt(2*pi)
_SQRT_2_OVER_PI = 0.7978845608028654  # sqrt(2/pi)
_ONE_SIXTH_F32 = float(xp.float32(1.0) / xp.float32(6.0))
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _fdata(a):
    """The float array of ``a`` (integer inputs compute in the default float type)."""
    d = a._data
    return d if d.dtype.kind in "fV" else d.astype(D.get_default_dtype().np)


def _const(mask, like):
    """A constant tensor (no gradient) of ``like``'s float dtype from a NumPy array."""
    return _make(mask.astype(like._data.dtype, copy=False))


def _float_only(input, kernel):
    """PyTorch has no integer/bool kernel for this activation: NotImplementedError naming its kernel."""
    if isinstance(input, Tensor) and input._data.dtype.kind not in "fV":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{D.scalar_name(input._data.dtype)}\'')


def _no_bool(input, name):
    if isinstance(input, Tensor) and input._data.dtype.kind == "b":
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')


def _hardtanh_check(input, min_val):
    if isinstance(input, Tensor):
        k = input._data.dtype.kind
        if k == "b":
            raise RuntimeError("Bool inputs not supported for hardtanh")
        if k == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        if k == "u" and int(min_val) < 0:   # PyTorch converts the limit to the integer type first (-0.5 -> 0)
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")


def _maybe_inplace(input, fn, inplace, *args):
    if inplace:
        return _inplace(input, fn, *args)
    return fn(input, *args)


# --------------------------------------------------------------- piecewise linear
class Hardtanh(Function):
    """clamp(x, min_val, max_val); derivative 1 strictly inside (min_val, max_val), else 0"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        d = a._data
        lo, hi = d.dtype.type(lo), d.dtype.type(hi)
        # std::min(std::max(x, lo), hi) as PyTorch: -0 and NaN pass through where they are inside the bounds
        r = xp.where(d < lo, lo, d)
        return xp.where(hi < r, hi, r)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = a._data
        return g * _const(~((d <= ctx.lo) | (d >= ctx.hi)), g), None, None   # NaN passes g, as PyTorch


def _hardtanh(input, min_val, max_val):
    return Hardtanh.apply(input, min_val, max_val)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """hardtanh(x) = min(max(x, min_val), max_val)"""
    _hardtanh_check(input, min_val)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, _hardtanh, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """relu6(x) = min(max(x, 0), 6)"""
    _hardtanh_check(input, 0.0)
    return _maybe_inplace(input, _hardtanh, inplace, 0.0, 6.0)


def sigmoid(input):
    """sigmoid(x) = 1 / (1 + exp(-x)) (``torch.sigmoid``)"""
    return _Sigmoid.apply(input)


_Sigmoid = ops.unary.Sigmoid
_Relu = ops.unary.Relu


def relu(input, inplace=False):
    """relu(x) = max(x, 0)"""
    if inplace:
        return relu_(input)
    return _Relu.apply(input)


def relu_(input):
    d = input._data
    if (input.__class__ is Tensor and d.ndim and (d.dtype == xp.float32 or d.dtype == xp.float64)
            and d.flags.writeable
            and not (_gs.enabled and input.requires_grad)):
        # nothing recorded: one pass in place (the generic path computes a copy and writes it back)
        _check_overlap(input)
        _relu_fast(d, out=d)
        input._vc[0] += 1
        return input
    return _inplace(input, ops.relu)


class LeakyRelu(Function):
    """x if x > 0 else slope * x (slope may be an array: rrelu's sampled slopes)"""
    _builtin = True
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        d = _fdata(a)
        pos = d > 0
        if is_array(slope):
            slope = slope.astype(d.dtype, copy=False)
        ctx.factor = xp.where(pos, d.dtype.type(1), slope)
        return xp.where(pos, d, d * slope)

    @staticmethod
    def backward(ctx, g):
        return g * _const(ctx.factor, g), None


def _leaky(input, slope):
    return LeakyRelu.apply(input, slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """leaky_relu(x) = x if x > 0 else negative_slope * x"""
    _float_only(input, "leaky_relu_cpu")
    return _maybe_inplace(input, _leaky, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training each negative element gets a slope ~ U(lower, upper);
    in eval the slope is (lower + upper) / 2."""
    _float_only(input, "leaky_relu_cpu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if training:
        # PyTorch's rrelu_with_noise: one uniform_real_distribution<double>(lower, upper) draw per element <= 0,
        # in memory order, bounds first rounded to the opmath type; elements > 0 draw nothing.  That kernel is
        # built without FMA contraction: u * (hi - lo) + lo rounds twice
        d = _fdata(input)
        slope = xp.ones(d.shape, d.dtype)
        neg = _random._iter_view(d) <= 0
        sv = _random._iter_view(slope)
        lo, hi = (float(d.dtype.type(v)) if d.dtype != xp.float64 else float(v) for v in (lower, upper))
        u = _random._std_uniform64(_random.default_generator, int(neg.sum()))
        sv[neg] = (u * (hi - lo) + lo).astype(d.dtype)
    else:
        slope = (lower + upper) / 2
    return _maybe_inplace(input, _leaky, inplace, slope)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


_C_TYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t", "int64": "int64_t"}


class Threshold(Function):
    """value if x <= threshold else x; derivative 0 where x <= threshold"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, th, value):
        d = a._data
        keep = ~(d <= th)  # NaN is kept, as in PyTorch
        ctx.keep = keep
        try:
            v = xp.asarray(value, dtype=d.dtype)
        except OverflowError:   # PyTorch's scalar-conversion error
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE.get(d.dtype.name, d.dtype.name)} "
                               "without overflow") from None
        return xp.where(keep, d, v)

    @staticmethod
    def backward(ctx, g):
        return g * _const(ctx.keep, g), None, None


def _threshold(input, th, value):
    return Threshold.apply(input, th, value)


def threshold(input, threshold, value, inplace=False):
    """threshold(x) = x if x > threshold else value"""
    _no_bool(input, "threshold")
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        _float_only(input, "threshold_cpu")
    return _maybe_inplace(input, _threshold, inplace, threshold, value)


def threshold_(input, threshold, value):
    return _maybe_inplace(input, _threshold, True, threshold, value)


class Softshrink(Function):
    """x - l if x > l, x + l if x < -l, else 0; derivative 0 on [-l, l]"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, lambd):
        d = _fdata(a)
        l = d.dtype.type(lambd)
        keep = ~((d >= -l) & (d <= l))
        ctx.keep = keep
        # NaN is neither above nor below the band: it passes through (keep is True for it), as in PyTorch
        return xp.where(d > l, d - l, xp.where(d < -l, d + l, xp.where(keep, d, d.dtype.type(0))))

    @staticmethod
    def backward(ctx, g):
        return g * _const(ctx.keep, g), None


def softshrink(input, lambd=0.5):
    """softshrink(x) = x - lambd if x > lambd, x + lambd if x < -lambd, else 0"""
    _float_only(input, "softshrink_check")
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return Softshrink.apply(input, lambd)


class Hardshrink(Function):
    """x if |x| > l else 0; derivative 0 on [-l, l]"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, lambd):
        d = _fdata(a)
        l = d.dtype.type(lambd)
        keep = ~((d >= -l) & (d <= l))
        ctx.keep = keep
        return xp.where(keep, d, d.dtype.type(0))

    @staticmethod
    def backward(ctx, g):
        return g * _const(ctx.keep, g), None


def hardshrink(input, lambd=0.5):
    """hardshrink(x) = x if |x| > lambd else 0"""
    _float_only(input, "hardshrink_cpu")
    return Hardshrink.apply(input, lambd)


# ------------------------------------------------------------ exponential family
class Elu(Function):
    """scale * x for x > 0, scale * alpha * (exp(input_scale * x) - 1) otherwise (ELU, SELU, CELU)"""
    _builtin = True
    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        ctx.save_for_backward(a)
        ctx.p = (alpha, scale, input_scale)
        d = _fdata(a)
        t = d.dtype.type
        neg = xp.minimum(d, t(0))  # only x <= 0 goes through expm1: no overflow for large x
        return xp.where(d > 0, d * t(scale), xp.expm1(neg * t(input_scale)) * t(alpha * scale))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.p
        neg = ops.clamp(a, max=0)
        dneg = ops.exp(neg * input_scale) * (alpha * scale * input_scale)
        return g * ops.where(a > 0, _make(xp.asarray(scale, dtype=g._data.dtype)), dneg), None, None, None


def _elu(input, alpha, scale, input_scale):
    return Elu.apply(input, alpha, scale, input_scale)


def elu(input, alpha=1.0, inplace=False):
    """elu(x) = x if x > 0 else alpha * (exp(x) - 1)"""
    _float_only(input, "elu_cpu")
    return _maybe_inplace(input, _elu, inplace, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """selu(x) = scale * (x if x > 0 else alpha * (exp(x) - 1)), alpha ~ 1.6733, scale ~ 1.0507"""
    _float_only(input, "elu_cpu")
    return _maybe_inplace(input, _elu, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))"""
    _float_only(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    out = _maybe_inplace(input, _elu, inplace, alpha, 1.0, 1.0 / alpha)
    return out if inplace else _named(out, "CeluBackward0")


def _named(t, node_name):
    """grad_fn named as PyTorch's kernel (printed in reprs); one identity node"""
    from ._loss._common import _named_as
    return _named_as(t, node_name)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


# ------------------------------------------------------------------- smooth ones
class Gelu(Function):
    """x * Phi(x) (Phi the standard normal CDF), or its tanh approximation"""
    _builtin = True
    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate):
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        d = _fdata(a)
        if d.dtype.itemsize < 4:   # half types compute in float32 and round once, as PyTorch's kernels
            return Gelu._value(ctx, d.astype(xp.float32), approximate).astype(d.dtype)
        return Gelu._value(ctx, d, approximate)

    @staticmethod
    def _value(ctx, d, approximate):
        t = d.dtype.type
        if approximate == "tanh":
            inner = t(_SQRT_2_OVER_PI) * (d + t(0.044715) * d * d * d)
            return t(0.5) * d * (t(1) + xp.tanh(inner))
        if d.dtype == xp.float32:
            # float32 CDF at NumPy speed (_gelu.py); Phi and exp(-x^2/2) kept for the backward
            y, ctx._phi, ctx._gauss = _gelu32(d)
            return y
        return d * t(0.5) * (t(1) + erf_np(d * t(_SQRT1_2)))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if a._data.dtype.itemsize < 4:   # half types: the derivative in float32 (|x|^3 would overflow in float16)
            return Gelu._grad(ctx, g.float(), a.float()).to(a.dtype), None
        if not _gs.enabled and ctx.approximate != "tanh" and getattr(ctx, "_phi", None) is not None \
                and g._data.dtype == xp.float32:
            return _make(_gelu32_backward(g._data, a._data, ctx._phi, ctx._gauss)), None
        return Gelu._grad(ctx, g, a), None

    @staticmethod
    def _grad(ctx, g, a):
        if ctx.approximate == "tanh":
            a2 = a * a
            th = ops.tanh((a + 0.044715 * a2 * a) * _SQRT_2_OVER_PI)
            dinner = (1 + 3 * 0.044715 * a2) * _SQRT_2_OVER_PI
            return g * (0.5 * (1 + th) + 0.5 * a * (1 - th * th) * dinner)
        cdf = 0.5 * (1 + ops.erf(a * _SQRT1_2))
        pdf = ops.exp(a * a * -0.5) * _INV_SQRT_2PI
        return g * (cdf + a * pdf)


def gelu(input, approximate="none"):
    """gelu(x) = x * Phi(x); with approximate='tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))"""
    _float_only(input, "GeluKernelImpl")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


class Silu(Function):
    """x * sigmoid(x); derivative s (1 + x (1 - s))"""
    _builtin = True
    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        return d * _sigmoid_reference(d)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        s = ops.sigmoid(a)
        return g * (s * (1 + a * (1 - s)))


def silu(input, inplace=False):
    """silu(x) = x * sigmoid(x)"""
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":   # PyTorch computes it for complex x too
        r = input * input.sigmoid()
        return input.copy_(r) if inplace else r
    _float_only(input, "silu_cpu")
    return _maybe_inplace(input, Silu.apply, inplace)


def _softplus_np(d, beta, threshold):
    t = d.dtype.type
    bx = d * t(beta)
    # log(1 + e^bx) = max(bx, 0) + log1p(e^-|bx|): never overflows
    sp = (xp.maximum(bx, t(0)) + xp.log1p(xp.exp(-xp.abs(bx)))) / t(beta)
    return xp.where(bx > threshold, d, sp)


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, and x where beta x > threshold; derivative sigmoid(beta x)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.p = (beta, threshold)
        return _softplus_np(_fdata(a), beta, threshold)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        beta, threshold = ctx.p
        lin = _make(a._data * beta > threshold)
        return ops.where(lin, g, g * ops.sigmoid(a * beta)), None, None


def softplus(input, beta=1.0, threshold=20.0):
    """softplus(x) = log(1 + exp(beta * x)) / beta (x itself where beta * x > threshold)"""
    _float_only(input, "softplus_cpu")
    return Softplus.apply(input, beta, threshold)


class Mish(Function):
    """x * tanh(softplus(x)); derivative t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        return d * xp.tanh(_softplus_np(d, 1.0, 20.0))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        t = ops.tanh(softplus(a))
        return g * (t + a * ops.sigmoid(a) * (1 - t * t))


def mish(input, inplace=False):
    """mish(x) = x * tanh(softplus(x))"""
    _float_only(input, "mish_cpu")
    return _maybe_inplace(input, Mish.apply, inplace)


class LogSigmoid(Function):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)); derivative sigmoid(-x)"""
    _builtin = True
    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        return xp.minimum(d, d.dtype.type(0)) - xp.log1p(xp.exp(-xp.abs(d)))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ops.sigmoid(-a)


def logsigmoid(input):
    """logsigmoid(x) = log(1 / (1 + exp(-x))), computed without overflow"""
    _float_only(input, "log_sigmoid_cpu")
    return LogSigmoid.apply(input)


class Hardsigmoid(Function):
    """min(max(x + 3, 0), 6) / 6; derivative 1/6 strictly inside (-3, 3)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        d = _fdata(a)
        t = d.dtype.type
        ctx.inside = (d > -3) & (d < 3)
        return xp.minimum(xp.maximum(d + t(3), t(0)), t(6)) / t(6)

    @staticmethod
    def backward(ctx, g):
        # PyTorch's kernel multiplies by the float32 constant 1.0f / 6.0f, also for double inputs
        return g * _const(ctx.inside, g) * _ONE_SIXTH_F32


def hardsigmoid(input, inplace=False):
    """hardsigmoid(x) = 0 if x <= -3, 1 if x >= 3, x / 6 + 1 / 2 otherwise"""
    _float_only(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, Hardsigmoid.apply, inplace)


class Hardswish(Function):
    """x * min(max(x + 3, 0), 6) / 6; derivative 0 for x <= -3, x/3 + 1/2 on (-3, 3), 1 for x >= 3"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        # half precision computes in float32 (as PyTorch's kernel), else x * 6 overflows before the / 6
        dc = d.astype(xp.float32) if d.dtype == xp.float16 else d
        t = dc.dtype.type
        return (dc * xp.minimum(xp.maximum(dc + t(3), t(0)), t(6)) / t(6)).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = a._data
        mid = _make((d > -3) & (d < 3))
        hi = _const(d >= 3, g)
        return ops.where(mid, g * (a / 3 + 0.5), g * hi)


def hardswish(input, inplace=False):
    """hardswish(x) = x * relu6(x + 3) / 6"""
    _float_only(input, "hardswish_cpu")
    return _maybe_inplace(input, Hardswish.apply, inplace)


def softsign(input):
    """softsign(x) = x / (1 + |x|)"""
    return input / (ops.abs(input) + 1)


def tanhshrink(input):
    """tanhshrink(x) = x - tanh(x)"""
    return input - ops.tanh(input)


def prelu(input, weight):
    """prelu(x) = x if x > 0 else w * x, ``w`` per channel (dim 1) or a single shared value"""
    _float_only(input, "prelu_cpu")
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    nd = input._data.ndim
    n = weight._data.size
    if weight._data.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight._data.ndim}")
    if nd == 0 and n != 1:
        raise RuntimeError("Not allow zero-dim input tensor.")
    if n != 1:
        channels = input._data.shape[1] if nd >= 2 else 1
        if nd < 2 or channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
        w = ops.reshape(weight, (n,) + (1,) * (nd - 2))
    else:
        w = ops.reshape(weight, ()) if weight._data.ndim else weight
    return _named(ops.where(input > 0, input, w * input), "PreluKernelBackward0")


def glu(input, dim=-1):
    """glu(a | b) = a * sigmoid(b), the input split in halves along ``dim``"""
    _float_only(input, "glu_cpu")
    if input._data.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    ax = dim % input._data.ndim if -input._data.ndim <= dim < input._data.ndim else None
    if ax is None:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input._data.ndim}, "
                         f"{input._data.ndim - 1}], but got {dim})")
    n = input._data.shape[ax]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {ax} is size {n}")
    a = ops.narrow(input, ax, 0, n // 2)
    b = ops.narrow(input, ax, n // 2, n // 2)
    return _named(a * ops.sigmoid(b), "GluBackward0")


# Tensor methods PyTorch has that the ops package does not define
register_methods({"hardshrink": hardshrink, "prelu": prelu})
