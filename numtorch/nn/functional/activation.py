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
from ..._backend import xp, is_array, errstate
from ..._tensor import Tensor, _make, register_methods
from ...autograd.function import Function
from ..._ops.inplace import inplace as _inplace, check_overlap as _check_overlap
from ..._ops.unary import erf_np, relu_fast as _relu_fast
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


def _opmath(d):
    """The array an activation's kernel computes in: float16/bfloat16 in float32 (PyTorch's kernels convert
    half types to float and round the result once), other floats in their own type."""
    return d.astype(xp.float32) if d.dtype.itemsize < 4 else d


def _half_grad(formula, g, a, *rest):
    """``formula(g, a, ...)`` (Tensor ops) in float32 for half-type ``a``, rounded once to its dtype."""
    if a._data.dtype.itemsize < 4:
        return formula(g.float(), a.float(), *rest).to(a.dtype)
    return formula(g, a, *rest)


def _keep_grad(g, keep):
    """g where ``keep`` (a NumPy mask), +0 elsewhere: PyTorch's backward kernels return a literal 0 there
    (g * 0 would give -0 for a negative g)."""
    return ops.where(_make(keep), g, _make(xp.zeros((), g._data.dtype)))


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
        return _keep_grad(g, ~((d <= ctx.lo) | (d >= ctx.hi))), None, None   # NaN passes g, as PyTorch


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
    """x if x > 0 else slope * x (slope may be an array: rrelu's sampled slopes); d/dx 1 if x > 0 else slope
    (NaN takes slope). Saves its input, as PyTorch (the in-place form saves its result: LeakyReluResult)."""
    _builtin = True
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        return LeakyRelu._value(a, slope)

    @staticmethod
    def _value(a, slope):
        """x if x > 0 else slope * x, in the compute type (float32 for half types), rounded once."""
        d = _fdata(a)
        c = _opmath(d)
        s = slope.astype(c.dtype, copy=False) if is_array(slope) else c.dtype.type(slope)
        return xp.where(c > 0, c, c * s).astype(d.dtype, copy=False)

    @staticmethod
    def _grad(g, d, slope):
        c = _opmath(d)
        s = slope.astype(c.dtype, copy=False) if is_array(slope) else c.dtype.type(slope)
        factor = _make(xp.where(c > 0, c.dtype.type(1), s))
        if c.dtype != d.dtype:   # half types: g * slope in float32, rounded once
            return (g.float() * factor).to(g.dtype)
        return g * factor

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return LeakyRelu._grad(g, a._data, ctx.slope), None


class LeakyReluResult(LeakyRelu):
    """leaky_relu_: the result is saved (it has x's sign, so it picks the same branch); changing it in place
    afterwards makes backward refuse, as PyTorch's"""
    node_name = "LeakyReluBackward1"
    _save_output = True

    @staticmethod
    def forward(ctx, a, slope):
        ctx.slope = slope
        return LeakyRelu._value(a, slope)

    @staticmethod
    def backward(ctx, g):
        if not is_array(ctx.slope) and ctx.slope < 0:   # the result no longer tells the branch: PyTorch refuses
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. "
                "This is caused by calling in-place forward function with a negative slope, please call out-of-place "
                "version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope")
        return LeakyRelu._grad(g, ctx.saved_output._data, ctx.slope), None


def _leaky(input, slope):
    return LeakyRelu.apply(input, slope)


def _leaky_result(input, slope):
    return LeakyReluResult.apply(input, slope)


class _Rrelu(LeakyRelu):
    node_name = "RreluWithNoiseBackward0"


class _RreluResult(LeakyReluResult):
    node_name = "RreluWithNoiseBackward1"


def _rrelu(input, slope):
    return _Rrelu.apply(input, slope)


def _rrelu_result(input, slope):
    return _RreluResult.apply(input, slope)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """leaky_relu(x) = x if x > 0 else negative_slope * x"""
    _float_only(input, "leaky_relu_cpu")
    return _maybe_inplace(input, _leaky_result if inplace else _leaky, inplace, negative_slope)


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
    return _maybe_inplace(input, _rrelu_result if inplace else _rrelu, inplace, slope)


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
        ctx.save_for_backward(a)   # (the input, as PyTorch: changing it in place afterwards makes backward refuse)
        ctx.th = th
        try:
            v = xp.asarray(value, dtype=d.dtype)
        except OverflowError:   # PyTorch's scalar-conversion error
            raise RuntimeError(f"value cannot be converted to type {_C_TYPE.get(d.dtype.name, d.dtype.name)} "
                               "without overflow") from None
        return xp.where(keep, d, v)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _keep_grad(g, ~(a._data <= ctx.th)), None, None


def _threshold(input, th, value):
    return Threshold.apply(input, th, value)


def threshold(input, threshold, value, inplace=False):
    """threshold(x) = x if x > threshold else value"""
    _no_bool(input, "threshold")
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        _float_only(input, "threshold_cpu")
    return _maybe_inplace(input, _threshold_inplace if inplace else _threshold, inplace, threshold, value)


class _ThresholdInplace(Threshold):
    node_name = "ThresholdBackward1"


def _threshold_inplace(input, th, value):
    return _ThresholdInplace.apply(input, th, value)


def threshold_(input, threshold, value):
    return _maybe_inplace(input, _threshold_inplace, True, threshold, value)


class Softshrink(Function):
    """x - l if x > l, x + l if x < -l, else 0; derivative 0 on [-l, l]"""
    _builtin = True

    @staticmethod
    @errstate(invalid="ignore")   # (the unselected branch of inf: inf * 0)
    def forward(ctx, a, lambd):
        ctx.save_for_backward(a)
        ctx.lambd = lambd
        d = _fdata(a)
        c = _opmath(d)
        l = c.dtype.type(lambd)
        # PyTorch's x > l ? x - l : (x < -l ? x + l : x * 0): NaN passes through, the band keeps x's sign
        return xp.where(c > l, c - l, xp.where(c < -l, c + l, c * c.dtype.type(0))).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _keep_grad(g, _shrink_keep(a._data, ctx.lambd)), None


def _shrink_keep(d, lambd):
    """Where soft/hardshrink pass the gradient: outside [-lambd, lambd] (NaN included, as PyTorch's scalar
    loop)."""
    c = _opmath(d)
    l = c.dtype.type(lambd)
    return ~((c >= -l) & (c <= l))


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
        ctx.save_for_backward(a)
        ctx.lambd = lambd
        d = _fdata(a)
        return xp.where(_shrink_keep(d, lambd), d, d.dtype.type(0))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _keep_grad(g, _shrink_keep(a._data, ctx.lambd)), None


def hardshrink(input, lambd=0.5):
    """hardshrink(x) = x if |x| > lambd else 0"""
    _float_only(input, "hardshrink_cpu")
    return Hardshrink.apply(input, lambd)


# ------------------------------------------------------------ exponential family
def _elu_coefs(c, alpha, scale, input_scale):
    """PyTorch's kernel constants in the compute type: negcoef = alpha * scale (a product of two floats for
    float/half inputs), poscoef = scale, negiptcoef = input_scale."""
    t = c.dtype.type
    return t(alpha) * t(scale), t(scale), t(input_scale)


class Elu(Function):
    """scale * x for x > 0, scale * alpha * (exp(input_scale * x) - 1) otherwise (ELU, SELU, CELU); the
    derivative g * input_scale * alpha * scale * exp(input_scale * x) where x <= 0, else g * scale (NaN takes
    the second branch, as PyTorch's). Saves its input; the in-place forms save the result (EluResult)."""
    _builtin = True
    node_name = "EluBackward0"

    @staticmethod
    def _value(a, alpha, scale, input_scale):
        d = _fdata(a)
        c = _opmath(d)
        negcoef, poscoef, negiptcoef = _elu_coefs(c, alpha, scale, input_scale)
        neg = xp.where(c > 0, c.dtype.type(0), c)   # only x <= 0 goes through expm1 (-0 and NaN kept)
        return xp.where(c > 0, c * poscoef, xp.expm1(neg * negiptcoef) * negcoef).astype(d.dtype, copy=False)

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        ctx.save_for_backward(a)
        ctx.p = (alpha, scale, input_scale)
        return Elu._value(a, alpha, scale, input_scale)

    @staticmethod
    def _grad(g, a, p):
        negcoef, poscoef, negiptcoef = _elu_coefs(a._data, *p)
        neg = _make(a._data <= 0)
        dneg = g * _make(negiptcoef) * _make(negcoef) * ops.exp(ops.where(neg, a, 0.0) * _make(negiptcoef))
        return ops.where(neg, dneg, g * _make(poscoef))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _half_grad(Elu._grad, g, a, ctx.p), None, None, None


class EluResult(Elu):
    """elu_/selu_/celu_: the result y is saved, as PyTorch's (changing it in place afterwards makes backward
    refuse); d/dx = g * input_scale * (y + alpha * scale) where y <= 0, else g * scale"""
    node_name = "EluBackward1"
    _save_output = True

    @staticmethod
    def forward(ctx, a, alpha, scale, input_scale):
        ctx.p = (alpha, scale, input_scale)
        return Elu._value(a, alpha, scale, input_scale)

    @staticmethod
    def _grad(g, y, p):
        negcoef, poscoef, negiptcoef = _elu_coefs(y._data, *p)
        neg = _make(y._data <= 0)
        return ops.where(neg, g * _make(negiptcoef) * (y + _make(negcoef)), g * _make(poscoef))

    @staticmethod
    def backward(ctx, g):
        if ctx.p[0] < 0:   # y no longer tells the branch: PyTorch refuses
            raise RuntimeError("In-place elu backward calculation is triggered with a negative slope which is not "
                               "supported. This is caused by calling in-place forward function with a negative slope, "
                               "please call out-of-place version instead.")
        return _half_grad(EluResult._grad, g, ctx.saved_output, ctx.p), None, None, None


class CeluResult(EluResult):
    node_name = "CeluBackward1"


def _elu(input, alpha, scale, input_scale):
    return Elu.apply(input, alpha, scale, input_scale)


def _elu_result(input, alpha, scale, input_scale):
    return EluResult.apply(input, alpha, scale, input_scale)


def _celu_result(input, alpha, scale, input_scale):
    return CeluResult.apply(input, alpha, scale, input_scale)


def elu(input, alpha=1.0, inplace=False):
    """elu(x) = x if x > 0 else alpha * (exp(x) - 1)"""
    _float_only(input, "elu_cpu")
    return _maybe_inplace(input, _elu_result if inplace else _elu, inplace, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """selu(x) = scale * (x if x > 0 else alpha * (exp(x) - 1)), alpha ~ 1.6733, scale ~ 1.0507"""
    _float_only(input, "elu_cpu")
    return _maybe_inplace(input, _elu_result if inplace else _elu, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))"""
    _float_only(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    out = _maybe_inplace(input, _celu_result if inplace else _elu, inplace, alpha, 1.0, 1.0 / alpha)
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
    @errstate(invalid="ignore", over="ignore")   # NaN/inf inputs give NaN silently, as PyTorch
    def _value(ctx, d, approximate):
        t = d.dtype.type
        if approximate == "tanh":   # PyTorch's order: kBeta (x + kKappa x^3), 0.5 x (1 + tanh(inner))
            inner = t(_SQRT_2_OVER_PI) * (d + t(0.044715) * (d * d * d))
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
        if ctx.approximate == "tanh":   # PyTorch's GeluBackward order of operations
            t = a._data.dtype.type
            beta, kappa = _make(t(_SQRT_2_OVER_PI)), _make(t(0.044715))
            a2 = a * a
            th = ops.tanh(beta * (a + kappa * (a2 * a)))
            left = 0.5 * a
            right = 1 + th
            dinner = beta * (1 + _make(t(3 * 0.044715)) * a2)
            return g * (0.5 * right + left * (1 - th * th) * dinner)
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
    @errstate(over="ignore", invalid="ignore")   # exp(-x) = inf for x < -88 (float32): x / inf = -0, as PyTorch's
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        c = _opmath(d)
        one = c.dtype.type(1)
        return (c / (one + xp.exp(-c))).astype(d.dtype, copy=False)   # PyTorch's x / (1 + exp(-x))

    @staticmethod
    def _grad(g, a):
        s = 1 / (1 + ops.exp(-a))
        return g * s * (1 + a * (1 - s))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _half_grad(Silu._grad, g, a)


def silu(input, inplace=False):
    """silu(x) = x * sigmoid(x)"""
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":   # PyTorch computes it for complex x too
        r = input * input.sigmoid()
        return input.copy_(r) if inplace else r
    _float_only(input, "silu_cpu")
    return _maybe_inplace(input, Silu.apply, inplace)


@errstate(over="ignore")
def _softplus_np(d, beta, threshold):
    """PyTorch's x * beta > threshold ? x : log1p(exp(x * beta)) / beta, half types in float32 (its kernel: exp
    overflows only where a threshold above ~88 (float32) lets it, to inf as PyTorch's)."""
    c = _opmath(d)
    t = c.dtype.type
    bx = c * t(beta)
    sp = xp.log1p(xp.exp(xp.where(bx > threshold, t(0), bx))) / t(beta)
    return xp.where(bx > threshold, c, sp).astype(d.dtype, copy=False)


class Softplus(Function):
    """log(1 + exp(beta x)) / beta, and x where beta x > threshold; derivative sigmoid(beta x)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.p = (beta, threshold)
        return _softplus_np(_fdata(a), beta, threshold)

    @staticmethod
    def _grad(g, a, beta, threshold):
        # PyTorch's z = exp(x beta); x beta > threshold ? g : g z / (z + 1) (subnormal z kept: no sigmoid flush)
        bx = a * _make(a._data.dtype.type(beta))
        lin = _make(bx._data > threshold)
        z = ops.exp(ops.where(lin, 0.0, bx))
        return ops.where(lin, g, g * z / (z + 1))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        beta, threshold = ctx.p
        return _half_grad(Softplus._grad, g, a, beta, threshold), None, None


def softplus(input, beta=1.0, threshold=20.0):
    """softplus(x) = log(1 + exp(beta * x)) / beta (x itself where beta * x > threshold)"""
    _float_only(input, "softplus_cpu")
    return Softplus.apply(input, beta, threshold)


class Mish(Function):
    """x * tanh(softplus(x)); derivative t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))"""
    _builtin = True

    @staticmethod
    @errstate(over="ignore", invalid="ignore")   # exp(x) = inf for large x: tanh(inf) = 1, as PyTorch's
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        c = _opmath(d)
        return (c * xp.tanh(xp.log1p(xp.exp(c)))).astype(d.dtype, copy=False)   # PyTorch's formula

    @staticmethod
    def _grad(g, a):
        s = 1 / (1 + ops.exp(-a))
        t = ops.tanh(ops.log1p(ops.exp(a)))
        return g * (t + a * s * (1 - t * t))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _half_grad(Mish._grad, g, a)


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
        c = _opmath(d)
        return (xp.minimum(c, c.dtype.type(0)) - xp.log1p(xp.exp(-xp.abs(c)))).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        # PyTorch's (m - s z / (1 + z)) g with (m, s) = (1, 1) for x < 0 else (0, -1) and its forward's buffer
        # z = exp(-|x|), which half types store rounded to their dtype (the rest in float32)
        (a,) = ctx.saved_tensors
        half = a._data.dtype.itemsize < 4
        x = a.float() if half else a
        z = ops.exp(-ops.abs(x))
        if half:
            z = z.to(a.dtype).float()
        neg = x._data < 0
        t = x._data.dtype.type
        m, sg = _make(xp.where(neg, t(1), t(0))), _make(xp.where(neg, t(1), t(-1)))
        r = (m - sg * (z / (1 + z))) * (g.float() if half else g)
        return r.to(a.dtype) if half else r


def logsigmoid(input):
    """logsigmoid(x) = log(1 / (1 + exp(-x))), computed without overflow"""
    _float_only(input, "log_sigmoid_cpu")
    return LogSigmoid.apply(input)


class Hardsigmoid(Function):
    """min(max(x + 3, 0), 6) / 6; derivative 1/6 strictly inside (-3, 3)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)   # (the input, as PyTorch: changing it in place afterwards makes backward refuse)
        d = _fdata(a)
        c = _opmath(d)
        t = c.dtype.type
        return (xp.minimum(xp.maximum(c + t(3), t(0)), t(6)) / t(6)).astype(d.dtype, copy=False)

    @staticmethod
    def _grad(g, a):
        # PyTorch's kernel multiplies by the float32 constant 1.0f / 6.0f, also for double inputs; +0 outside
        d = a._data
        return _keep_grad(g * _ONE_SIXTH_F32, (d > -3) & (d < 3))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _half_grad(Hardsigmoid._grad, g, a)


def hardsigmoid(input, inplace=False):
    """hardsigmoid(x) = 0 if x <= -3, 1 if x >= 3, x / 6 + 1 / 2 otherwise"""
    _float_only(input, "hardsigmoid_cpu")
    return _maybe_inplace(input, Hardsigmoid.apply, inplace)


class Hardswish(Function):
    """x * min(max(x + 3, 0), 6) / 6; derivative 0 for x <= -3, x/3 + 1/2 on (-3, 3), 1 for x >= 3"""
    _builtin = True

    @staticmethod
    @errstate(invalid="ignore")   # (the unselected branch of inf: inf * 0)
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _fdata(a)
        # half types compute in float32 (as PyTorch's kernel), else x * 6 overflows before the / 6
        dc = _opmath(d)
        t = dc.dtype.type
        return (dc * xp.minimum(xp.maximum(dc + t(3), t(0)), t(6)) / t(6)).astype(d.dtype, copy=False)

    @staticmethod
    def _grad(g, a):
        # PyTorch's x <= -3 ? 0 : (x < 3 ? g (x / 3 + 1/2) : g): NaN passes g
        d = a._data
        mid = _make((d > -3) & (d < 3))
        return _keep_grad(ops.where(mid, g * (a / 3 + 0.5), g), ~(d <= -3))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _half_grad(Hardswish._grad, g, a)


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
    if input._data.dtype.itemsize == 2:   # half types: computed in float32 and rounded once, as PyTorch's kernel
        return _named((a.float() * ops.sigmoid(b.float())).to(input.dtype), "GluBackward0")
    return _named(a * ops.sigmoid(b), "GluBackward0")


# Tensor methods PyTorch has that the ops package does not define
register_methods({"hardshrink": hardshrink, "prelu": prelu})
