"""Elementwise arithmetic: + - * / ** and friends, with broadcasting and promotion."""
from .._backend import xp, errstate, is_array, ndarray as _ndarray
from .. import _dtype as D
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make, _bcast_error
from ._util import _wrapped_int, operands, sum_to, data, zeros_of, write_out as _out
from ._unsigned import refuse_kernel as _refuse_unsigned



def _meta(x):
    return (x._data.shape, x._data.dtype) if isinstance(x, Tensor) else None


def _fit(g, meta):
    """Reduce a gradient to an input's shape and dtype."""
    d = g._data
    if d.shape != meta[0]:  # (the common equal-shape case skips the call)
        g = sum_to(g, meta[0])
        d = g._data
    if d.dtype != meta[1]:
        if d.dtype.kind == "c" and meta[1].kind != "c":
            g = g.real   # a real input of a complex result: the real part (PyTorch's handle_r_to_c)
        g = g.to(D.from_numpy_dtype(meta[1]))
    return g


def _half_scalar(r, b):
    """The float32 value of a scalar second operand ``b`` where PyTorch's CPU mul/div kernels use it
    unrounded (add/sub round it to the half type): for a half-type (float16/bfloat16) result they take a Python number, a 0-d or one-element
    tensor at its original value in float (opmath), not rounded to the half type first (x_half * 1.2311444 is
    float(x) * 1.2311444f rounded once). None where that does not apply."""
    if r.dtype.itemsize != 2 or r.dtype.kind not in "fV":
        return None
    if b.__class__ is float or b.__class__ is int:
        with errstate(over="ignore"):
            return xp.float32(b)
    if isinstance(b, Tensor) and b._data.size == 1 and b._data.dtype != r.dtype and b._data.dtype.kind in "fiub":
        return b._data.astype(xp.float32)
    return None


def _half_alpha(ad, bd, alpha, sign, r):
    """a + sign * alpha * b for a half-type result ``r``: PyTorch rounds alpha and b to the half type, then forms
    the multiply-add in float and rounds once (NumPy would round alpha * b first)."""
    if r.dtype.kind not in "fV":
        return r
    dt = r.dtype
    al = xp.asarray(sign * alpha).astype(dt).astype(xp.float32)
    return _in_float(ad, lambda x: x + al * xp.asarray(bd).astype(dt).astype(xp.float32), dt)


def _in_float(ad, fn, dt):
    """fn(ad as float32) rounded once to the half type ``dt``."""
    with errstate(all="ignore"):
        return D.cast(xp.asarray(fn(xp.asarray(ad, dtype=xp.float32))), dt)


class Add(Function):
    """out = a + alpha * b"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ad, bd = operands(a, b, wrap=True)
        if ctx.needs_input_grad:  # empty when no graph is recorded: skip backward bookkeeping
            ctx.ma = (a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
            ctx.mb = (b._data.shape, b._data.dtype) if isinstance(b, Tensor) else None
            ctx.alpha = alpha
        b0 = bd
        if alpha != 1:
            if _kind(ad) == "b" and _kind(bd) == "b":   # bool + bool: alpha acts as bool(alpha), the result a bool
                return xp.asarray(ad | (xp.asarray(bd) & bool(alpha)))
            # an alpha (or alpha * scalar) beyond an integer dtype wraps into it, as PyTorch (uint8, alpha=-1)
            bd = bd * _wrapped_int(bd, alpha) if is_array(bd) else _wrapped_int(ad, bd * alpha) if is_array(ad) \
                else bd * alpha
        r = ad + bd
        if r.dtype.kind == "u" and r.dtype.itemsize > 1:   # uint16/32/64: PyTorch has no add kernel
            _refuse_unsigned("add_stub", r)
        if alpha != 1 and r.dtype.itemsize == 2:
            r = _half_alpha(ad, b0, alpha, 1, r)
        return r

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad[:2]
        ga = _fit(g, ctx.ma) if na else None
        gb = None
        if nb:
            gb = _fit(g if ctx.alpha == 1 else g * ctx.alpha, ctx.mb)
        return ga, gb


class Sub(Function):
    """out = a - alpha * b"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ka = a._data.dtype.kind if isinstance(a, Tensor) else ("b" if a.__class__ is bool else "")
        kb = b._data.dtype.kind if isinstance(b, Tensor) else ("b" if b.__class__ is bool else "")
        if ka == "b" or kb == "b":
            if ka == kb:
                raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                                   "Use the `^` or `logical_xor()` operator instead.")
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        ad, bd = operands(a, b, wrap=True)
        if ctx.needs_input_grad:
            ctx.ma, ctx.mb, ctx.alpha = _meta(a), _meta(b), alpha
        b0 = bd
        if alpha != 1:
            # an alpha (or alpha * scalar) beyond an integer dtype wraps into it, as PyTorch (uint8, alpha=-1)
            bd = bd * _wrapped_int(bd, alpha) if is_array(bd) else _wrapped_int(ad, bd * alpha) if is_array(ad) \
                else bd * alpha
        if ka == "u" or kb == "u":
            _refuse_unsigned("add_stub", ad if is_array(ad) else bd)   # uint16/32/64: no sub kernel in PyTorch
        r = ad - bd
        return _half_alpha(ad, b0, alpha, -1, r) if alpha != 1 and r.dtype.itemsize == 2 else r

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad[:2]
        ga = _fit(g, ctx.ma) if na else None
        gb = _fit(-g if ctx.alpha == 1 else g * (-ctx.alpha), ctx.mb) if nb else None
        return ga, gb


class RSub(Sub):
    """out = b - a (a Python number minus a tensor)"""
    node_name = "RsubBackward1"


class Mul(Function):
    """out = a * b"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b, wrap=True)
        if ctx.needs_input_grad:  # empty when no graph is recorded: skip backward bookkeeping
            ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
            ctx.ma = (a._data.shape, a._data.dtype) if ta else None
            ctx.mb = (b._data.shape, b._data.dtype) if tb else None
            ctx.sa = None if ta else a   # a Python number operand is kept as it is
            ctx.sb = None if tb else b
            ctx.save_for_backward(a if ta else None, b if tb else None)
        r = ad * bd
        if r.dtype.itemsize == 2:
            if isinstance(a, Tensor):
                s = _half_scalar(r, b)
                if s is not None:
                    r = _in_float(ad, lambda x: x * s, r.dtype)
            else:   # number * tensor: PyTorch's __rmul__ is mul(tensor, number)
                s = _half_scalar(r, a)
                if s is not None:
                    r = _in_float(bd, lambda x: x * s, r.dtype)
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        na, nb = ctx.needs_input_grad[:2]
        if not _gs.enabled and g.__class__ is Tensor:
            # no graph to record (create_graph=False): the same products on the arrays, one op cheaper
            return (_fit(_mul_arrays(g, b), ctx.ma) if na else None,
                    _fit(_mul_arrays(g, a), ctx.mb) if nb else None)
        return (_fit(g * b, ctx.ma) if na else None,
                _fit(g * a, ctx.mb) if nb else None)


def _mul_arrays(g, x):
    """``g * x`` without graph recording, computed on the arrays when NumPy's result dtype is the one
    PyTorch's promotion gives (equal dtypes, or a Python number with a float gradient)."""
    gd = g._data
    if isinstance(x, Tensor):
        xd = x._data
        if xd.dtype != gd.dtype:
            return g * x
    elif x.__class__ in (int, float) and gd.dtype.kind in "fV":
        xd = x
    else:
        return g * x
    r = gd * xd
    return _make(r if r.__class__ is _ndarray else xp.asarray(r))


class Div(Function):
    """out = a / b (true division; integers divide to floats)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b)
        if _is_int(ad, bd):  # integer / integer is a true division in the default float type
            fd = D.get_default_dtype().np
            # each operand goes to float from its own values (not through the common integer type, which
            # would wrap a negative int32 into a uint8), as PyTorch
            ad = data(a).astype(fd) if isinstance(a, Tensor) else ad
            bd = data(b).astype(fd) if isinstance(b, Tensor) else bd
        if ctx.needs_input_grad:
            ctx.ma, ctx.mb = _meta(a), _meta(b)
            ctx.save_for_backward(a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
            ctx.sa, ctx.sb = (None if isinstance(a, Tensor) else a), (None if isinstance(b, Tensor) else b)
        with errstate(divide="ignore", invalid="ignore"):
            r = xp.true_divide(ad, bd)
        if r.dtype.itemsize == 2:
            s = _half_scalar(r, b)
            if s is not None:
                r = _in_float(ad, lambda x: x / s, r.dtype)
        return r

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        a = ctx.sa if a is None else a
        b = ctx.sb if b is None else b
        na, nb = ctx.needs_input_grad[:2]
        ga = _fit(g / b, ctx.ma) if na else None
        # PyTorch's grouping -g * ((a / b) / b): b * b would overflow float16 (softsign's backward at |x| > 255)
        gb = _fit(-g * ((a / b) / b), ctx.mb) if nb else None
        return ga, gb


class Neg(Function):
    """out = -a"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a._data

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """out = a ** b; d/da = b a^(b-1), d/db = out * log(a)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b)
        if _kind(ad) == "b" and _kind(bd) == "b":
            if isinstance(b, Tensor) or not isinstance(a, Tensor):
                raise NotImplementedError("\"pow\" not implemented for 'Bool'")
            return xp.asarray(ad | ~xp.asarray(bd))  # x**True = x, x**False = True
        if is_array(ad) and ad.dtype.kind in "iu" and (
                (is_array(bd) and bd.dtype.kind in "iu" and (bd < 0).any())
                or (isinstance(bd, int) and bd < 0)):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if is_array(ad) and ad.dtype.kind in "iu" and bd.__class__ is int and not \
                xp.iinfo(ad.dtype).min <= bd <= xp.iinfo(ad.dtype).max:   # PyTorch converts the exponent first
            from ._util import _C_NAMES
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[ad.dtype.name]} without overflow")
        if is_array(bd) and bd.dtype.kind in "iu" and ad.__class__ is int:   # a base beyond the dtype wraps
            from ._util import _wrapped_int
            ad = _wrapped_int(bd, ad)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
        ctx.sa, ctx.sb = (None if isinstance(a, Tensor) else a), (None if isinstance(b, Tensor) else b)
        with errstate(divide="ignore", invalid="ignore", over="ignore"):
            if is_array(ad) and ad.dtype in (xp.float32, xp.float64) and bd.__class__ in (int, float) \
                    and bd in (3, -2, -0.5):
                # PyTorch's CPU kernel spells these exponents as products (its general pow is SLEEF's, not
                # NumPy's), so the same products give its bits
                out = ad * ad * ad if bd == 3 else 1 / (ad * ad) if bd == -2 else 1 / xp.sqrt(ad)
            else:
                out = xp.power(ad, bd)
        if not is_array(out):
            out = xp.asarray(out)
        if is_array(ad) and out.dtype != ad.dtype and isinstance(bd, (int, float)):
            out = out.astype(ad.dtype)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad[:2]
        ga = gb = None
        if na:
            if b is None:
                e = ctx.sb
                # PyTorch's shortcut to zeros is for a numeric exponent 0; x ** False takes the formula
                # (0 * x**-1: NaN at x = 0 or where g is inf/NaN)
                if e.__class__ is bool:
                    ga = g * (int(e) * a ** (int(e) - 1))
                else:
                    ga = zeros_of(g) if e == 0 else g * (e * a ** (e - 1) if e != 2 else 2 * a)
            else:
                from .pointwise_binary import where
                # PyTorch masks the exponent-0 entries: 0 * 0**-1 would be nan
                ga = where(b == 0, 0.0, g * b * a ** (b - 1))
            ga = _fit(ga, ctx.ma)
        if nb:
            from .unary import log
            from .pointwise_binary import where
            if a is None:
                base = ctx.sa
                import math
                out = base ** b
                if isinstance(base, complex):
                    import cmath
                    gb = g * out * (cmath.log(base) if base != 0 else 0.0)
                else:
                    gb = g * out * (math.log(base) if base > 0 else float("nan") if base < 0 else 0.0)
                if base == 0:
                    gb = where((b.real if b._data.dtype.kind == "c" else b) >= 0, 0.0, g * out * float("-inf"))
            else:
                out = a ** b
                br = b.real if b._data.dtype.kind == "c" else b   # complex exponents: their real part decides
                gb = g * where((a == 0) & (br >= 0), out * 0.0, out * log(a))
            gb = _fit(gb, ctx.mb)
        return ga, gb


class PowScalarBase(Pow):
    node_name = "PowBackward2"


class PowTensor(Pow):
    node_name = "PowBackward1"


class Abs(Function):
    """out = |a|; d/da = sign(a) (0 at 0)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
        ctx.save_for_backward(a)
        return xp.abs(a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if a._data.dtype.kind == "c":   # d|z| in PyTorch's convention: grad * z / |z| (0 at 0)
            from .complex import sgn
            return g * sgn(a)
        from .unary import sign
        return g * sign(a)


class Reciprocal(Function):
    """out = 1 / a; d/da = -out^2"""
    _builtin = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        d = a._data
        if d.dtype.kind not in "fVc":
            d = d.astype(D.get_default_dtype().np)
        with errstate(divide="ignore", invalid="ignore"):
            return xp.reciprocal(d)

    @staticmethod
    def backward(ctx, g):
        out = ctx.saved_output
        return -g * (out * out)   # PyTorch's grouping: in float16, g * out can overflow where out^2 does not


class _Modulo(Function):
    """out = a - round(a / b) * b; d/da = 1, d/db = -round(a / b), with ``round`` the subclass's rounding"""
    _builtin = True
    np_fn = None
    rounding = None

    @classmethod
    def forward(cls, ctx, a, b):
        ad, bd = operands(a, b, wrap=True)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
        if _kind(ad) == "b" and _kind(bd) == "b":
            raise NotImplementedError(f"\"{cls.__name__.lower()}_cpu\" not implemented for 'Bool'")
        if _kind(ad) == "c" or _kind(bd) == "c":
            from .complex import refuse_kernel
            refuse_kernel(f"{cls.__name__.lower()}_cpu", ad, bd)
        if _is_int(ad, bd) and _int_zero_divisor(ad, bd):
            raise RuntimeError("ZeroDivisionError")
        with errstate(divide="ignore", invalid="ignore"):
            return xp.asarray(cls.np_fn(ad, bd))

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad[:2]
        if nb and a is None:   # a Python number % tensor: PyTorch has no derivative for it
            raise RuntimeError(f"derivative for aten::{cls.__name__.lower()} is not implemented")
        ga = _fit(g, ctx.ma) if na else None
        gb = _fit(-g * getattr(a / b, cls.rounding)(), ctx.mb) if nb else None
        return ga, gb


def _remainder_np(a, b):
    """PyTorch's remainder: m = fmod(a, b), plus b where m != 0 and the signs of m and b differ; a zero result
    keeps fmod's sign (-0 for a negative a), where NumPy's remainder gives +0"""
    r = xp.remainder(a, b)
    if xp.asarray(r).dtype.kind != "f":
        return r
    m = xp.fmod(a, b)
    return xp.where((m != 0) & ((xp.asarray(b) < 0) != (m < 0)), m + b, m)


class Remainder(_Modulo):
    """out = a - floor(a / b) * b (Python's sign convention)"""
    np_fn = staticmethod(_remainder_np)
    rounding = "floor"


class Fmod(_Modulo):
    """out = a - trunc(a / b) * b (C's sign convention)"""
    np_fn = staticmethod(xp.fmod)
    rounding = "trunc"


# ----------------------------------------------------------------- functions
def _check_alpha(input, other, alpha):
    if isinstance(alpha, bool) and not (_kind(data(input)) == "b" and _kind(data(other)) == "b"):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and _kind(data(input)) in "biu" and _kind(data(other)) in "biu":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def add(input, other, *, alpha=1, out=None):
    _check_alpha(input, other, alpha)
    if out is None and alpha == 1:
        return Add.apply(input, other)
    return _out(Add.apply(input, other, alpha) if alpha != 1 else Add.apply(input, other), out)


def sub(input, other, *, alpha=1, out=None):
    _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        r = RSub.apply(input, other, alpha) if alpha != 1 else RSub.apply(input, other)
    else:
        r = Sub.apply(input, other, alpha) if alpha != 1 else Sub.apply(input, other)
    return _out(r, out)


subtract = sub


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None):
    r = Mul.apply(input, other)
    return r if out is None else _out(r, out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None, _floor_op=False):
    if rounding_mode is None:
        if not isinstance(input, Tensor):
            # ``2 / t`` is reciprocal(t) * 2 in PyTorch
            return _out(Mul.apply(Reciprocal.apply(other), input), out)
        return _out(Div.apply(input, other), out)
    ad, bd = operands(input, other, wrap=True)
    if rounding_mode in ("floor", "trunc"):
        from .complex import refuse_kernel
        refuse_kernel(f"div_{rounding_mode}_cpu", ad, bd)
        _refuse_unsigned(f"div_{rounding_mode}_cpu", ad if is_array(ad) else bd)
    if _is_int(ad, bd):
        if _kind(ad) == "b" and _kind(bd) == "b":
            raise NotImplementedError(f"\"div_{rounding_mode}_cpu\" not implemented for 'Bool'")
        if _int_zero_divisor(ad, bd):
            raise RuntimeError("ZeroDivisionError")
    try:
        xp.broadcast_shapes(xp.shape(ad), xp.shape(bd))
    except ValueError as e:   # PyTorch's RuntimeError naming the sizes
        raise _bcast_error(input, other, e) from None
    with errstate(divide="ignore", invalid="ignore"):
        if rounding_mode == "floor":
            # NumPy's float floor_divide is PyTorch's div_floor_floating (fmod-corrected, so -2 // inf is -1
            # and a quotient that underflows keeps its floor); bfloat16 ('V') has no such loop
            r = xp.floor(xp.true_divide(ad, bd)) if "V" in (_kind(ad), _kind(bd)) else xp.floor_divide(ad, bd)
        elif rounding_mode == "trunc":
            r = xp.trunc(xp.true_divide(ad, bd))
            if _is_int(ad, bd):
                r = r.astype(ad.dtype if is_array(ad) else bd.dtype)
        else:
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
    r = xp.asarray(r)
    if _gs.enabled and r.dtype.kind in "fV" and ((isinstance(input, Tensor) and input.requires_grad) or
                                                (isinstance(other, Tensor) and other.requires_grad)) and \
            not (_floor_op and out is not None):
        if _floor_op:
            return _out(FloorDivide.apply(input, other, r), out)
        return _out(DivRounding.apply(input, other, r), out)
    if _floor_op and out is not None and _gs.enabled and r.dtype.kind in "fV" and (
            (isinstance(input, Tensor) and input.requires_grad) or (isinstance(other, Tensor) and other.requires_grad)):
        # floor_divide(out=) is allowed (it has no derivative): out takes PyTorch's not-implemented node
        from .inplace import inplace_assign
        res = _out(_make(r), out)
        return inplace_assign(out, FloorDivide.apply(input, other, res._data.copy()))
    return _out(_make(r), out)


class DivRounding(Function):
    """div with a rounding mode: piecewise constant, so both gradients are zero (as PyTorch)"""
    _builtin = True
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b, r):
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        return r

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad[:2]
        return (_fit(zeros_of(g), ctx.ma) if na else None), (_fit(zeros_of(g), ctx.mb) if nb else None), None


class FloorDivide(Function):
    """floor_divide: PyTorch records a node whose backward raises (no derivative is defined for it)"""
    _builtin = True
    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, b, r):
        return r

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


divide = div
true_divide = div


def _kind(x):
    return x.dtype.kind if is_array(x) else ("b" if isinstance(x, bool) else
                                             "f" if isinstance(x, float) else "c" if isinstance(x, complex) else "i")


def _int_zero_divisor(ad, bd):
    """An integer division by zero that PyTorch refuses: a zero divisor and a non-empty result."""
    b = xp.asarray(bd)
    if not (b == 0).any():
        return False
    try:
        return 0 not in xp.broadcast_shapes(xp.shape(ad), b.shape)
    except ValueError:   # shapes that do not broadcast: the op's own error follows
        return False


def _is_int(ad, bd):
    k1 = ad.dtype.kind if is_array(ad) else ("f" if isinstance(ad, (float, complex)) else "i")
    k2 = bd.dtype.kind if is_array(bd) else ("f" if isinstance(bd, (float, complex)) else "i")
    return k1 in "biu" and k2 in "biu"


def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out, _floor_op=True)


def remainder(input, other, *, out=None):
    return _out(Remainder.apply(input, other), out)


def fmod(input, other, *, out=None):
    return _out(Fmod.apply(input, other), out)


def neg(input, *, out=None):
    return _out(Neg.apply(input), out)


negative = neg


def pow(input, exponent, *, out=None):
    if not isinstance(input, Tensor):
        return _out(PowScalarBase.apply(input, exponent), out)
    if isinstance(exponent, Tensor):
        return _out(PowTensor.apply(input, exponent), out)
    return _out(Pow.apply(input, exponent), out)


def float_power(input, exponent, *, out=None):
    """pow computed in float64 (complex128 when either side is complex)."""
    from .complex import any_complex
    cplx = any_complex(input, exponent)
    if out is not None and out.dtype != (D.complex128 if cplx else D.float64):
        raise RuntimeError(f"the output given to float_power has dtype {D.scalar_name(out._data.dtype)} but the "
                           f"operation's result requires dtype {'ComplexDouble' if cplx else 'Double'}")
    if cplx:
        a = input.cdouble() if isinstance(input, Tensor) else complex(input)
        e = exponent.cdouble() if isinstance(exponent, Tensor) else exponent
        return _out(pow(a, e), out)
    a = input.double() if isinstance(input, Tensor) else float(input)
    # a Python exponent is a double to float_power (False is 0.0: its gradient is 0, not pow's 0 * x**-1)
    e = exponent.double() if isinstance(exponent, Tensor) else float(exponent) if exponent.__class__ is bool \
        else exponent
    return _out(pow(a, e), out)


def _float_power_(self, exponent):
    """In place: only a float64 base can hold float_power's result."""
    if self.dtype != D.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {D.scalar_name(self._data.dtype)} but the "
                           f"operation's result requires dtype Double")
    from .inplace import inplace
    return inplace(self, float_power, exponent)


def abs(input, *, out=None):
    return _out(Abs.apply(input), out)


absolute = abs


def reciprocal(input, *, out=None):
    return _out(Reciprocal.apply(input), out)


def square(input, *, out=None):
    return _out(Pow.apply(input, 2), out)



