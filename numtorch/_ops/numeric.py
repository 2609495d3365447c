"""Number-theoretic and floating-point elementwise functions: gcd, lcm, hypot, copysign, heaviside, frexp,
ldexp, nextafter, logaddexp2, bitwise shifts."""
import math as _math

from .._backend import xp, errstate
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import operands, to_tensor, write_out, tensor_arg, zeros_of, float_operands
from .arith import _fit, _meta
from .._grad_mode import is_grad_enabled as _grad_enabled


def _integral_only(name, *ts):
    for t in ts:
        if isinstance(t, Tensor) and t.dtype.is_floating_point:
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{t.dtype.name.capitalize()}\'')
    if all(isinstance(t, Tensor) and t._data.dtype.kind == "b" for t in ts):
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')


class _NoDerivative(Function):
    """The result of an op PyTorch defines no derivative for: the forward records a node (so the output
    requires grad like PyTorch's) whose backward raises, naming the op"""
    _builtin = True
    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, b, result, name):
        ctx.op_name = name   # (not ctx.name: that is the node's name() method)
        return result

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.op_name} is not implemented")


def _c_gcd(a, b):
    """PyTorch's gcd: Euclid on |a|, |b| with C's remainder (|INT64_MIN| stays negative, as C's abs)."""
    with xp.errstate(all="ignore"):
        a, b = xp.broadcast_arrays(xp.abs(xp.asarray(a)), xp.abs(xp.asarray(b)))
        a, b = a.copy(), b.copy()
        nz = a != 0
        while nz.any():   # at most ~90 rounds (Fibonacci bound), each over all elements
            c = a[nz]
            a[nz] = xp.fmod(b[nz], c)
            b[nz] = c
            nz = a != 0
    return b


def gcd(input, other, *, out=None):
    """Greatest common divisor (non-negative) of integer tensors."""
    tensor_arg("gcd", other)
    _integral_only("gcd", input, other)
    a, b = operands(input, to_tensor(other, input))
    try:
        xp.broadcast_shapes(xp.shape(a), xp.shape(b))
        return write_out(_make(_c_gcd(a, b)), out)
    except ValueError as e:   # PyTorch's broadcast RuntimeError
        from .._tensor import _bcast_error
        raise _bcast_error(input, other, e) from None


def lcm(input, other, *, out=None):
    """Least common multiple |a b| / gcd(a, b) of integer tensors."""
    tensor_arg("lcm", other)
    _integral_only("lcm", input, other)
    a, b = operands(input, to_tensor(other, input))
    try:
        xp.broadcast_shapes(xp.shape(a), xp.shape(b))
        g = _c_gcd(a, b)
        with xp.errstate(all="ignore"):   # PyTorch's |a / gcd * b| (wrapping like C), 0 where gcd is 0
            r = xp.where(g == 0, 0, xp.abs((a // xp.where(g == 0, 1, g)) * b)).astype(g.dtype)
        return write_out(_make(r), out)
    except ValueError as e:   # PyTorch's broadcast RuntimeError
        from .._tensor import _bcast_error
        raise _bcast_error(input, other, e) from None


class Hypot(Function):
    """sqrt(a^2 + b^2) without overflow; d/da = a / out"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = float_operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        r = xp.hypot(ad, bd)
        ctx.save_for_backward(a, b)
        ctx.r = r
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # recomputed as an op when the backward itself is recorded (double backward needs d r / d a)
        r = hypot(a, b) if _grad_enabled() else _make(ctx.r)
        na, nb = ctx.needs_input_grad
        return (_fit(g * a / r, ctx.ma) if na else None), (_fit(g * b / r, ctx.mb) if nb else None)


def _float_result(name, input, other):
    """PyTorch's NotImplementedError for an integral result type (hypot, nextafter do not promote to float)."""
    a, b = operands(input, other)
    rt = a.dtype if hasattr(a, "dtype") else b.dtype
    if rt.kind not in "fV":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{D.scalar_name(rt)}'")


def hypot(input, other, *, out=None):
    _float_result("hypot", input, tensor_arg("hypot", other))
    return write_out(Hypot.apply(input, other), out)


class Copysign(Function):
    """|a| with the sign of b; d/da = out / a (0 where a == 0), no gradient for b (as PyTorch: zeros)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = float_operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        r = xp.copysign(ad, bd)
        ctx.save_for_backward(a)
        ctx.r = r
        return r

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        (a,) = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            with xp.errstate(invalid="ignore", divide="ignore"):
                ratio = xp.where(a._data == 0, 0, ctx.r / a._data)   # +-1: piecewise constant in a
            ga = _fit(g * _make(ratio.astype(ctx.r.dtype)), ctx.ma)
        if nb:
            gb = _fit(g * 0, ctx.mb)
        return ga, gb


def copysign(input, other, *, out=None):
    return write_out(Copysign.apply(input, to_tensor(other, input) if isinstance(other, Tensor) else other), out)


def heaviside(input, values, *, out=None):
    """0 where input < 0, values where input == 0, 1 where input > 0 (not differentiable, as PyTorch)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if input.dtype != values.dtype or out is not None and out.dtype != input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    x, v = input._data, values._data
    try:
        xp.broadcast_shapes(x.shape, v.shape)
    except ValueError as e:   # PyTorch's RuntimeError naming the sizes
        from .._tensor import _bcast_error
        raise _bcast_error(input, values, e) from None
    r = xp.where(x == 0, v, (x > 0).astype(x.dtype)).astype(x.dtype)
    return write_out(_NoDerivative.apply(input, values, r, "heaviside"), out)


def frexp(input, *, out=None):
    """(mantissa, exponent) with input = mantissa * 2**exponent, |mantissa| in [0.5, 1); exponent int32."""
    from ..return_types import frexp as _rt
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"torch.frexp() only supports floating-point dtypes")
    _, e = xp.frexp(input._data)
    # mantissa = input * 2**-exponent: an exact power-of-two scaling, differentiable through mul; in two halves,
    # since 2**-exponent alone overflows the dtype for denormal inputs
    one = xp.ones((), input._data.dtype)
    h = -e // 2
    r = _rt((input * _make(xp.ldexp(one, h)) * _make(xp.ldexp(one, -e - h)), _make(e.astype(xp.int32))))
    if out is not None:
        write_out(r[0], out[0])
        write_out(r[1], out[1])
        return _rt(tuple(out))
    return r


def ldexp(input, other, *, out=None):
    """input * 2**other (a float result)."""
    from .arith import pow as _pow
    tensor_arg("ldexp", other)
    if input._data.dtype.kind in "fV" and other._data.dtype.kind == "b":   # PyTorch's float kernel: exp2 of other
        raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
    if input._data.dtype.kind in "fV" and other._data.dtype.kind in "iu":
        # the float kernel keeps input's dtype and takes the exponent as a C int (an int64 wraps: 2**40 acts as 0)
        e = other._data.astype(xp.int32)
        with xp.errstate(over="ignore", invalid="ignore"):
            p = _make(xp.ldexp(xp.ones((), input._data.dtype), e))
            r = input * p   # the graph, shapes and broadcast errors: d/dx = 2**e
            # the value scales x directly, as C's ldexp: 2**e alone may overflow where x * 2**e does not
            # (0.5 * 2**128 in float32), and inf * 2**-200 stays inf
            exact = xp.ldexp(input._data.astype(xp.float32) if input._data.dtype.kind == "V" else input._data, e)
        r._data[...] = exact.astype(r._data.dtype)
        return write_out(r, out)
    if other._data.ndim == 0:   # PyTorch forms 2**e of a 0-d exponent in the result dtype (a dimensioned one: in its own)
        rt = D.result_type(D.from_numpy_dtype(input._data.dtype), input._data.ndim == 0,
                           D.from_numpy_dtype(other._data.dtype), True)
        other = other.to(rt) if rt.is_floating_point else other
    p = _pow(2.0, other)
    return write_out(input * p, out)


def nextafter(input, other, *, out=None):
    """The next representable float after input towards other."""
    _float_result("nextafter", input, tensor_arg("nextafter", other))
    a, b = operands(input, other)
    try:
        xp.broadcast_shapes(xp.shape(a), xp.shape(b))
    except ValueError as e:   # PyTorch's RuntimeError naming the sizes
        from .._tensor import _bcast_error
        raise _bcast_error(input, other, e) from None
    with xp.errstate(invalid="ignore"):
        moved = xp.not_equal(a, b)
    r = xp.nextafter(a, b)
    if not moved.all():   # C's nextafter returns y where x == y (nextafter(-0., 0.) is +0); NumPy's float16 one x
        r = xp.where(moved, r, xp.asarray(b, dtype=r.dtype))
    return write_out(NextAfter.apply(input, other, r, moved), out)


class NextAfter(Function):
    """nextafter(a, b) moves a by one ulp: PyTorch's derivative is 1 for a where a != b (at a == b the result
    is b: 0, also for an inf or NaN gradient), 0 for b"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b, result, moved):
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.moved = moved
        return result

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        na, nb = ctx.needs_input_grad[:2]
        ga = _fit(where(_make(xp.asarray(ctx.moved)), g, 0.0), ctx.ma) if na else None
        gb = _fit(zeros_of(g), ctx.mb) if nb else None
        return ga, gb, None, None


def _fma(x, y, z):
    """x * y + z with (nearly) one rounding, as a fused multiply-add: float32 in float64 (the product exact, then
    rounded twice, which differs from one rounding only in rare ties); float64 with the product's rounding error
    (Dekker's split) added back."""
    if x.dtype != xp.float64:
        return (x.astype(xp.float64) * y.astype(xp.float64) + z).astype(x.dtype)
    p = x * y
    c = 134217729.0 * x
    xh = c - (c - x)
    c = 134217729.0 * y
    yh = c - (c - y)
    err = ((xh * yh - p) + xh * (y - yh) + (x - xh) * yh) + (x - xh) * (y - yh)
    s = p + z
    return xp.where(xp.isfinite(s) & xp.isfinite(err), s + err, s)


class LogAddExp2(Function):
    """log2(2^a + 2^b); d/da = 2^a / (2^a + 2^b) = 1 / (1 + 2^(b - a))"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = float_operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a, b)
        rt = (ad if hasattr(ad, "dtype") else bd).dtype
        ct = xp.float32 if rt.itemsize == 2 else rt   # half types compute in float, as PyTorch's kernel
        ad, bd = xp.asarray(ad).astype(ct), xp.asarray(bd).astype(ct)
        # PyTorch's kernel: max(a, b) + log1p(2^-|a - b|) * (1/ln 2), the 1/ln 2 rounded to the compute type and
        # the multiply-add fused (one rounding), so log2(2^-1 + 2^-1) is -1.06e-8 in float32 and -0 in float16
        # where NumPy's logaddexp2 gives an exact 0; std::max keeps a NaN a
        with errstate(all="ignore"):
            m = xp.where(ad < bd, bd, ad)
            r = _fma(xp.log1p(xp.exp2(-xp.abs(ad - bd))), xp.asarray(1.0 / _math.log(2.0), dtype=ct), m)
            r = xp.where(xp.isinf(ad) & (ad == bd), ad, r)
        return D.cast(r, rt) if rt != ct else r

    @staticmethod
    def backward(ctx, g):
        from .unary import sigmoid
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ln2 = _math.log(2.0)
        return (_fit(g * sigmoid((a - b) * ln2), ctx.ma) if na else None), \
            (_fit(g * sigmoid((b - a) * ln2), ctx.mb) if nb else None)


def logaddexp2(input, other, *, out=None):
    _float_result("logaddexp2", input, tensor_arg("logaddexp2", other))
    return write_out(LogAddExp2.apply(input, other), out)


def _shift(name, np_fn, input, other):
    a, b = operands(input, other if isinstance(other, Tensor) else other)
    a, b = xp.asarray(a), xp.asarray(b)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{D.scalar_name(a.dtype)}\'')
    bits = a.dtype.itemsize * 8
    big = (b >= bits) | (b < 0)
    bb = xp.where(big, 0, b).astype(a.dtype)
    r = np_fn(a, bb)
    if big.any():
        # shifting by the width or more (or by a negative amount): 0, or the sign for a right shift
        r = xp.where(big, (xp.where(a < 0, -1, 0) if np_fn is xp.right_shift else 0), r).astype(a.dtype)
    return r


def bitwise_left_shift(input, other, *, out=None):
    """input << other (integers; a shift by the bit width or more gives 0)."""
    if not isinstance(input, Tensor):
        input = to_tensor(input, other)
    return write_out(_make(_shift("lshift", xp.left_shift, input, other)), out)


def bitwise_right_shift(input, other, *, out=None):
    """input >> other, arithmetic (a shift by the bit width or more gives 0 or -1)."""
    if not isinstance(input, Tensor):
        input = to_tensor(input, other)
    return write_out(_make(_shift("rshift", xp.right_shift, input, other)), out)


__all__ = ["gcd", "lcm", "hypot", "copysign", "heaviside", "frexp", "ldexp", "nextafter", "logaddexp2",
           "bitwise_left_shift", "bitwise_right_shift"]
