"""Elementwise functions of one tensor, each with its derivative beside it."""
from .._backend import xp, errstate
from .. import _dtype as D
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from ._util import zeros_of
from .._tensor import Tensor, _make
from ._util import write_out as _out


def _float(a):
    """Integer and bool inputs compute in the default float type, as in PyTorch."""
    d = a._data
    return d if d.dtype.kind in "fVc" else D.cast(d, D.get_default_dtype().np)


class _Unary(Function):
    """An elementwise f(a) whose derivative is ``grad(ctx, g, a, out)`` written with tensor ops."""
    _builtin = True
    np_fn = None

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        with errstate(all="ignore"):
            return cls.np_fn(_float(a))


class _UnaryOut(_Unary):
    """Like _Unary for functions whose derivative is cheapest from the output."""
    _save_output = True

    @classmethod
    def forward(cls, ctx, a):
        with errstate(all="ignore"):
            return cls.np_fn(_float(a))


def _def(name, np_fn, deriv, from_output=False, node=None):
    base = _UnaryOut if from_output else _Unary

    if from_output:
        def backward(ctx, g):
            return deriv(g, ctx.saved_output)
    else:
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return deriv(g, a)

    ns = {"np_fn": staticmethod(np_fn), "backward": staticmethod(backward),
          "__doc__": f"{name}(a) elementwise"}
    if node:
        ns["node_name"] = node
    cls = type(base)(name, (base,), ns)

    def fn(input, *, out=None):
        return _out(cls.apply(input), out)
    fn.__name__ = name.lower()
    fn.__doc__ = f"Elementwise {name.lower()}."
    return cls, fn


Exp, exp = _def("Exp", xp.exp, lambda g, y: g * y, True)
Log, log = _def("Log", xp.log, lambda g, a: g / a)
Log2, log2 = _def("Log2", xp.log2, lambda g, a: g / (a * 0.6931471805599453))
Log10, log10 = _def("Log10", xp.log10, lambda g, a: g / (a * 2.302585092994046))
Log1p, log1p = _def("Log1p", xp.log1p, lambda g, a: g / (a + 1), node="Log1PBackward0")
Expm1, expm1 = _def("Expm1", xp.expm1, lambda g, y: g * (y + 1), True)
Exp2, exp2 = _def("Exp2", xp.exp2, lambda g, y: g * y * 0.6931471805599453, True)
Sqrt, sqrt = _def("Sqrt", xp.sqrt, lambda g, y: g / (2 * y), True)
Rsqrt, rsqrt = _def("Rsqrt", lambda x: 1 / xp.sqrt(x), lambda g, y: g * (-0.5) * y * y * y, True)
Sin, sin = _def("Sin", xp.sin, lambda g, a: g * cos(a))
Cos, cos = _def("Cos", xp.cos, lambda g, a: -g * sin(a))
Tan, tan = _def("Tan", xp.tan, lambda g, y: g * (1 + y * y), True)
Asin, asin = _def("Asin", xp.arcsin, lambda g, a: g * rsqrt(1 - a * a))
Acos, acos = _def("Acos", xp.arccos, lambda g, a: -g * rsqrt(1 - a * a))
Atan, atan = _def("Atan", xp.arctan, lambda g, a: g / (1 + a * a))
Sinh, sinh = _def("Sinh", xp.sinh, lambda g, a: g * cosh(a))
Cosh, cosh = _def("Cosh", xp.cosh, lambda g, a: g * sinh(a))
Tanh, tanh = _def("Tanh", xp.tanh, lambda g, y: g * (1 - y * y), True)
Asinh, asinh = _def("Asinh", xp.arcsinh, lambda g, a: g * rsqrt(a * a + 1))
Acosh, acosh = _def("Acosh", xp.arccosh, lambda g, a: g * rsqrt(a * a - 1) if a._data.dtype.kind != "c" else
                    g * rsqrt(a + 1) * rsqrt(a - 1))   # complex: sqrt(a^2 - 1) is on the other branch
Atanh, atanh = _def("Atanh", xp.arctanh, lambda g, a: g / (1 - a * a))


_ONES = {xp.dtype(t): t(1) for t in (xp.float16, xp.float32, xp.float64)}


def _sigmoid_reference(x):
    """sigmoid(x) = 1 / (1 + exp(-x)), split by sign so exp never overflows:
    1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise."""
    out = xp.empty_like(x)
    pos = x >= 0
    ez = xp.exp(-xp.abs(x))
    xp.divide(1, 1 + ez, out=out, where=pos)
    xp.divide(ez, 1 + ez, out=out, where=~pos)
    return out


@errstate(all="ignore")  # (as a decorator: cheaper per call than a with-block)
def _sigmoid_small(x, one):
    """1 / (1 + exp(-x)) on one new array, operation for operation (exp(-x) may overflow to inf: 0).
    The same numbers as the reference (PyTorch's own small-input formula); fewer temporaries, since on
    small networks NumPy's per-call overhead is the whole cost."""
    e = xp.negative(x)
    xp.exp(e, out=e)
    xp.add(e, one, out=e)
    return xp.divide(one, e, out=e)


class Sigmoid(Function):
    """sigmoid(a) = 1 / (1 + exp(-a)); derivative y * (1 - y) from the output y"""
    _builtin = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        x = _float(a)
        one = _ONES.get(x.dtype)
        if one is not None and x.size < 64 and x.ndim:
            return _sigmoid_small(x, one)
        if x.dtype.kind == "c":
            with errstate(all="ignore"):
                return 1 / (1 + xp.exp(-x))
        with errstate(all="ignore"):
            return 1 / (1 + xp.exp(-x)) if x.size < 64 else _sigmoid_reference(x)

    @staticmethod
    def backward(ctx, g):
        if not _gs.enabled and not ctx._released and g.__class__ is Tensor:
            # fast path (no graph to record): g * (y * (1 - y)) on the saved output's array, in one buffer
            rec = ctx._out
            yd = rec.data
            gd = g._data
            one = _ONES.get(yd.dtype)
            if (rec.vc[0] == rec.version and one is not None and yd.ndim and gd.dtype == yd.dtype and
                    gd.shape == yd.shape):
                t = xp.subtract(one, yd)
                xp.multiply(yd, t, out=t)
                return _make(xp.multiply(gd, t, out=t))
        y = ctx.saved_output
        return g * (y * (1 - y))


def sigmoid(input, *, out=None):
    """Elementwise sigmoid."""
    return _out(Sigmoid.apply(input), out)


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def relu_fast(d, out=None):
    """x < 0 ? 0 : x for float32/float64 in one SIMD pass: maximum(0, x) returns its second operand on equality
    (-0 stays -0) and propagates NaN (8x faster than the where; tests/ops/test_relu_fast.py pins the two)."""
    return xp.maximum(d.dtype.type(0), d, out=out)


_RELU_BITS = {xp.dtype(xp.float32): xp.uint32, xp.dtype(xp.float64): xp.uint64}


def relu_grad_fast(y, g):
    """where(y <= 0, +0, g) as a bit mask (all ones where kept) and-ed into g's bits: four SIMD passes instead
    of the where's unpredictable select (1M floats: 6 -> 1.6 ms); nan/inf in g still stop at y <= 0."""
    u = _RELU_BITS[g.dtype]
    m = xp.less_equal(y, 0).astype(u)
    m -= u(1)
    xp.bitwise_and(m, g.view(u), out=m)
    return m.view(g.dtype)


class Relu(Function):
    """relu(a) = max(a, 0); derivative 1 where a > 0, else 0"""
    _builtin = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        if a._data.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        d = a._data
        if d.ndim and (d.dtype == xp.float32 or d.dtype == xp.float64):   # (0-d: ufuncs return scalars)
            return relu_fast(d)
        # x < 0 ? 0 : x, as PyTorch: -0 and NaN pass through (NumPy's maximum(x, 0) would turn -0 into +0)
        return xp.where(d < 0, d.dtype.type(0), d)

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        y = ctx.saved_output
        gd = g._data
        if not _gs.enabled and gd.ndim and gd.dtype in _RELU_BITS and y._data.dtype == gd.dtype and gd.shape == y._data.shape:
            return _make(relu_grad_fast(y._data, gd))
        # masked, not multiplied: a nan/inf gradient stops here; a NaN output passes g, as PyTorch
        return where(y <= 0, 0.0, g)


def relu(input):
    # no out=: PyTorch's torch.relu has none (its argument parser raises TypeError)
    return Relu.apply(input)


class _Rounding(Function):
    """Piecewise-constant functions: zero gradient everywhere."""
    _builtin = True
    np_fn = None

    @classmethod
    def forward(cls, ctx, a):
        d = a._data
        if d.dtype.kind not in "fV":
            if d.dtype.kind == "c":
                raise NotImplementedError(
                    "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn "
                    "instead." if cls is Sign else f"\"round_vml_cpu\" not implemented for '{D.scalar_name(d.dtype)}'"
                    if cls.__name__ == "Round" else f"{cls.__name__.lower()} is not supported for complex inputs")
            if d.dtype.kind == "b" and cls is not Sign:
                raise NotImplementedError(f"\"{cls.__name__.lower()}_vml_cpu\" not implemented for 'Bool'")
            return cls.np_fn(d) if cls is Sign and d.dtype.kind != "b" else d.copy()
        return cls.np_fn(d)

    @staticmethod
    def backward(ctx, g):
        return zeros_of(g)


def _rounding(name, np_fn):
    cls = type(_Rounding)(name, (_Rounding,), {"np_fn": staticmethod(np_fn)})

    def fn(input, *, out=None):
        return _out(cls.apply(input), out)
    fn.__name__ = name.lower()
    return cls, fn


Floor, floor = _rounding("Floor", xp.floor)
Ceil, ceil = _rounding("Ceil", xp.ceil)
Trunc, trunc = _rounding("Trunc", xp.trunc)


def _np_sign(d):
    """sign with sign(NaN) = sign(-0) = +0, as PyTorch's (0 < x) - (x < 0)"""
    r = xp.sign(d)
    if r.dtype.kind not in "fV":
        return r
    return xp.where(xp.isnan(r) | (r == 0), r.dtype.type(0), r).astype(r.dtype, copy=False)


Sign, sign = _rounding("Sign", _np_sign)
fix = trunc


def round(input, *, decimals=None, out=None):
    """Round half to even (as PyTorch); with ``decimals``, round(x * 10^d) / 10^d."""
    if decimals is not None and input._data.dtype.kind not in "fV":   # the decimals= overload is float-only
        raise NotImplementedError(f"\"{'round_vml_cpu' if decimals == 0 else 'round_cpu'}\" not implemented for "
                                  f"'{D.scalar_name(input._data.dtype)}'")
    if not decimals:
        return _out(_RoundCls.apply(input), out)
    return _out(RoundDecimals.apply(input, decimals), out)


_RoundCls, _ = _rounding("Round", xp.round)


class RoundDecimals(_Rounding):
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        d = a._data
        if d.dtype.kind not in "fV":   # PyTorch's decimals kernel is float-only
            raise NotImplementedError(f"\"round_cpu\" not implemented for '{D.scalar_name(d.dtype)}'")
        if d.dtype.itemsize == 2:   # half types compute in float32 (x * 10 may overflow float16) and round once
            return RoundDecimals.forward(ctx, _make(d.astype(xp.float32)), decimals).astype(d.dtype)
        s = d.dtype.type(10.0 ** decimals)
        with errstate(over="ignore", invalid="ignore"):
            return xp.round(d * s) / s if decimals > 0 else xp.round(d / d.dtype.type(10.0 ** -decimals)) * \
                d.dtype.type(10.0 ** -decimals)

    @staticmethod
    def backward(ctx, g):
        return zeros_of(g), None


def sgn(input, *, out=None):
    return _out(sign(input), out)


def frac(input, *, out=None):
    """frac(x) = x - trunc(x); floating inputs only (PyTorch has no integer kernel)"""
    if input._data.dtype.kind not in "fV":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{D.scalar_name(input._data.dtype)}'")
    return _out(input - trunc(input), out)


class Erf(Function):
    """erf(a); derivative 2/sqrt(pi) exp(-a^2)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return erf_np(_float(a))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (1.1283791670955126 * exp(-(a * a)))


def erf(input, *, out=None):
    return _out(Erf.apply(input), out)


class Erfc(Function):
    """erfc(a) = 1 - erf(a), computed directly so the tail keeps full relative precision;
    derivative -2/sqrt(pi) exp(-a^2)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = _float(a)
        return _erf_impl(d, True).astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (-1.1283791670955126 * exp(-(a * a)))


def erfc(input, *, out=None):
    return _out(Erfc.apply(input), out)


def _exp_neg_sq(z):
    """exp(-z*z) without the rounding error of z*z: split z = hi + lo, hi exact in 4 bits (Cody)."""
    z = xp.minimum(z, 30.0)  # exp(-900) is already 0: keeps inf out of (z - hi)
    hi = xp.trunc(z * 16.0) / 16.0
    return xp.exp(-hi * hi) * xp.exp(-(z - hi) * (z + hi))


def erf_np(x):
    """erf to double precision without SciPy (W. J. Cody's rational approximations)."""
    return _erf_impl(x, False).astype(x.dtype)


def _erf_impl(x, complement):
    """erf(x) (or erfc(x) when ``complement``) in float64: a rational function of x^2 for |x| < 0.5,
    exp(-x^2) P(|x|)/Q(|x|) for erfc on [0.5, 4) and exp(-x^2)/|x| (1/sqrt(pi) - R(1/x^2)) beyond."""
    x64 = x.astype(xp.float64)
    ax = xp.abs(x64)
    out = xp.empty_like(x64)
    small = ax < 0.5
    if small.any():
        z = x64[small]
        zz = z * z
        p = (((1.85777706184603153e-1 * zz + 3.16112374387056560e0) * zz + 1.13864154151050156e2) * zz
             + 3.77485237685302021e2) * zz + 3.20937758913846947e3
        q = (((zz + 2.36012909523441209e1) * zz + 2.44024637934444173e2) * zz + 1.28261652607737228e3) * zz \
            + 2.84423683343917062e3
        out[small] = 1 - z * p / q if complement else z * p / q
    tail = ax >= 0.5
    if tail.any():
        z = ax[tail]
        erfc_v = _exp_neg_sq(z) * _erfcx_tail(z)
        out[tail] = xp.where(x64[tail] > 0, erfc_v, 2 - erfc_v) if complement else \
            xp.sign(x64[tail]) * (1 - erfc_v)
    nan = xp.isnan(x64)
    if nan.any():
        out[nan] = xp.nan
    return out


def _erfcx_tail(z):
    """exp(z^2) erfc(z) for z >= 0.5 in float64 (Cody): P(z)/Q(z) on [0.5, 4), (1/sqrt(pi) - R(1/z^2)) / z
    beyond. erfc multiplies it by exp(-z^2); torch.special.erfcx uses it as it is."""
    out = xp.empty_like(z)
    mid = z < 4.0
    if mid.any():
        w = z[mid]
        c = [5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2,
             8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3,
             2.15311535474403846e-8]
        d = [1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
             1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3,
             1.23033935480374942e3]
        num = ((((((((c[8] * w + c[0]) * w + c[1]) * w + c[2]) * w + c[3]) * w + c[4]) * w + c[5]) * w + c[6])
               * w + c[7])
        den = ((((((((w + d[1]) * w + d[2]) * w + d[3]) * w + d[4]) * w + d[5]) * w + d[6]) * w + d[7])
               * w + d[8])
        out[mid] = num / den
    big = ~mid
    if big.any():
        w = z[big]
        p = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
             6.58749161529837803e-4, 1.63153871373020978e-2]
        q = [2.56852019228982242e0, 1.87295284992346725e0, 5.27905102951428412e-1, 6.05183413124413191e-2,
             2.33520497626869185e-3]
        with errstate(over="ignore", divide="ignore", invalid="ignore"):
            zi = 1.0 / (w * w)
            num = ((((p[5] * zi + p[0]) * zi + p[1]) * zi + p[2]) * zi + p[3]) * zi + p[4]
            den = ((((zi + q[0]) * zi + q[1]) * zi + q[2]) * zi + q[3]) * zi + q[4]
            out[big] = (0.5641895835477563 - zi * num / den) / w
    return out


class Logit(Function):
    """logit(x) = log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. Gradient as PyTorch's:
    g / (x (1 - x)); NaN outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, eps):
        d = a._data
        if eps is not None:
            d = xp.clip(d, d.dtype.type(eps), d.dtype.type(1 - eps))
        ctx.eps = eps
        ctx.save_for_backward(a)
        with errstate(divide="ignore", invalid="ignore"):
            return xp.log(d / (1 - d))

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        (a,) = ctx.saved_tensors
        dx = g / (a * (1 - a))
        if ctx.eps is None:
            return where((a < 0) | (a > 1), float("nan"), dx), None
        return where((a < ctx.eps) | (a > 1 - ctx.eps), 0.0, dx), None


def logit(input, eps=None, *, out=None):
    """logit(x) = log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given; integers compute in float"""
    if input._data.dtype.kind not in "fV":
        input = input.to(D.get_default_dtype())
    return _out(Logit.apply(input, eps), out)


class XLogY(Function):
    """x log(y + shift) (shift 0: xlogy, 1: xlog1py), 0 where x == 0 unless y is NaN. Gradients as PyTorch:
    d/dx = xlogy(g, y + shift), 0 where x == 0 and y + shift <= 0; d/dy = g x / (y + shift)"""
    _builtin = True

    @staticmethod
    def forward(ctx, x, y, shift):
        from ._util import float_operands
        from .arith import _meta
        xd, yd = (xp.asarray(v) for v in float_operands(x, y))
        tensors = [v._data for v in (x, y) if isinstance(v, Tensor)]
        kinds = [a.dtype.kind for a in tensors]
        if len(tensors) == 2:
            f = xd.dtype if xd.dtype.kind in "fV" else D.get_default_dtype().np
        else:   # a Python scalar only lifts the category (int tensor with a float -> the default float)
            f = tensors[0].dtype if kinds[0] in "fV" else D.get_default_dtype().np
        xd, yd = xd.astype(f, copy=False), yd.astype(f, copy=False)
        ctx.mx, ctx.my, ctx.shift = _meta(x), _meta(y), shift
        ctx.save_for_backward(x if isinstance(x, Tensor) else None, y if isinstance(y, Tensor) else None)
        ctx.xs, ctx.ys = (None if isinstance(x, Tensor) else x), (None if isinstance(y, Tensor) else y)
        with errstate(all="ignore"):
            r = xd * (xp.log1p(yd) if shift else xp.log(yd))
            return xp.where((xd == 0) & ~xp.isnan(yd), xp.zeros((), r.dtype), r).astype(r.dtype)

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        from .arith import _fit
        x, y = ctx.saved_tensors
        x = x if x is not None else ctx.xs
        y = y if y is not None else ctx.ys
        gx = gy = None
        ys = y + ctx.shift if ctx.shift else y
        if ctx.needs_input_grad[0]:
            gx = XLogY.apply(g, ys, 0)
            gx = _fit(where((x == 0) & (ys <= 0) if isinstance(x, Tensor) else (ys <= 0) & (x == 0), 0.0, gx),
                      ctx.mx)
        if ctx.needs_input_grad[1]:
            gy = _fit(g * x / ys, ctx.my)
        return gx, gy, None


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0 (unless other is NaN)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy(): expected at least one tensor argument")
    return _out(XLogY.apply(input, other, 0), out)


def positive(input):
    """positive(x) = x (the tensor itself, as PyTorch); bool tensors are refused"""
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _scale_opmath(input, c):
    """input * c with half-precision inputs computed in float32 and rounded once (PyTorch's opmath)."""
    if input._data.dtype.kind in "fV" and input._data.dtype.itemsize == 2:
        return (input.to(D.float32) * c).to(input.dtype)
    return input * c


def deg2rad(input, *, out=None):
    return _out(_scale_opmath(input, xp.pi / 180), out)


def rad2deg(input, *, out=None):
    return _out(_scale_opmath(input, 180 / xp.pi), out)


class NanToNum(Function):
    """NaN -> nan, +inf -> posinf, -inf -> neginf (the dtype's extremes by default); the gradient
    passes only where the input was finite"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        d = a._data
        ctx.mask = xp.isfinite(d)
        if d.dtype.kind not in "fVc":
            return d.copy()
        return xp.nan_to_num(d, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        return g * _make(ctx.mask.astype(g._data.dtype)), None, None, None


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    if input._data.dtype.kind == "c" and input.requires_grad and _gs.enabled:
        raise RuntimeError("nan_to_num does not support automatic differentiation for outputs with complex dtype.")
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


class Erfinv(Function):
    """erfinv(y): Giles' approximation refined by two Newton steps on erf(x) = y (float64);
    derivative sqrt(pi)/2 exp(x^2)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = a._data
        dt = d.dtype if d.dtype.kind in "fV" else D.get_default_dtype().np
        y = d.astype(xp.float64)
        with errstate(all="ignore"):
            w = -xp.log((1.0 - y) * (1.0 + y))
            small = w < 5.0
            ws = w - 2.5
            p1 = 2.81022636e-08
            for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                      -0.00417768164, 0.246640727, 1.50140941):
                p1 = c + p1 * ws
            wb = xp.sqrt(w) - 3.0
            p2 = -0.000200214257
            for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                      0.00943887047, 1.00167406, 2.83297682):
                p2 = c + p2 * wb
            x0 = xp.where(small, p1, p2) * y
            x = x0
            for _ in range(2):
                err = _erf_impl(x, False) - y
                x = x - err / (1.1283791670955126 * xp.exp(-x * x))
            # near |y| = 1 erf saturates (1 - erf(x) keeps no digits): Newton on log erfc(|x|) = log(1 - |y|)
            # instead (1 - |y| is exact, and log erfc is nearly quadratic), from the first estimate
            tail = xp.abs(y) > 0.9
            if tail.any():
                ay, ax = xp.abs(y[tail]), xp.abs(x0[tail])
                lt = xp.log(1.0 - ay)
                for _ in range(6):
                    ec = _erf_impl(ax, True)
                    ax = ax + (xp.log(ec) - lt) * ec / (1.1283791670955126 * xp.exp(-ax * ax))
                x = x.copy() if x.ndim else x.reshape(1)
                x[tail.reshape(x.shape)] = xp.copysign(ax, y[tail])
                x = x.reshape(y.shape)
            x = xp.where(y == 1.0, xp.inf, xp.where(y == -1.0, -xp.inf, x))
            x = xp.where(xp.abs(y) > 1.0, xp.nan, x)
        return x.astype(dt)

    @staticmethod
    def backward(ctx, g):
        # recomputed from the saved input, as PyTorch saves self, not the result: an in-place change of the
        # result does not invalidate the gradient
        (a,) = ctx.saved_tensors
        y = erfinv(a)
        return g * (0.886226925452758 * exp(y * y))


def erfinv(input, *, out=None):
    return _out(Erfinv.apply(input), out)
