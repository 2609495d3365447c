"""``torch.special``: gamma, Bessel, error-function and orthogonal-polynomial families.

Each function computes in float64 (``_kernels``, NumPy only) and returns the input's floating dtype (the
default dtype for integer and bool inputs). Where PyTorch defines a derivative the op is a ``Function``
whose backward is written with these same differentiable functions, so higher orders work; the Bessel
functions of the newer ``special`` names, ``airy_ai`` and the polynomials have none, as in PyTorch.
"""
import math as _math

from .._backend import xp as _xp
from .. import _dtype as _D
from .._tensor import Tensor as _Tensor, _make
from ..autograd.function import Function as _Function
from .._ops._util import write_out as _out, to_tensor as _to_tensor
from .._ops.arith import _fit, _meta
from . import _kernels as _K

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

_SQRT_2PI = _math.sqrt(2 * _math.pi)


def _float_dtype(*arrays):
    """The floating result dtype of the operands (the default dtype when none is floating)."""
    fl = [a.dtype for a in arrays if hasattr(a, "dtype") and a.dtype.kind in "fV"]
    if not fl:
        return _D.get_default_dtype().np
    r = fl[0]
    for d in fl[1:]:
        r = _xp.promote_types(r, d) if d.kind == "f" and r.kind == "f" else r
    return r


def _run(kernel, *arrays):
    dt = _float_dtype(*arrays)
    r = kernel(*(a.astype(_xp.float64) if hasattr(a, "astype") else a for a in arrays))
    with _xp.errstate(over="ignore"):   # float64 results beyond float32's range round to inf, as PyTorch's
        return r.astype(dt)


class _Unary(_Function):
    """y = kernel(x) in float64; dy/dx = deriv(x) (tensor ops)"""
    _builtin = True
    kernel = None

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        return _run(cls.kernel, a._data)

    @classmethod
    def backward(cls, ctx, g):
        (a,) = ctx.saved_tensors
        return g * cls.deriv(a)


def _unary(name, kernel, deriv=None, doc=""):
    if deriv is None:
        def fn(input, *, out=None):
            _real_only(name, input)
            return _out(_make(_run(kernel, _as_tensor(input)._data)), out)
    else:
        cls = type(name.capitalize(), (_Unary,), {"kernel": staticmethod(kernel), "deriv": staticmethod(deriv),
                                                  "__doc__": doc})

        def fn(input, *, out=None):
            _real_only(name, input)
            return _out(cls.apply(_as_tensor(input)), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _as_tensor(x):
    return x if isinstance(x, _Tensor) else _to_tensor(x)


def _real_only(name, *xs):
    """PyTorch has no complex kernel for these functions: its NotImplementedError for a complex tensor."""
    for x in xs:
        if isinstance(x, _Tensor) and x._data.dtype.kind == "c":
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_D.scalar_name(x._data.dtype)}'")


# --- gamma family ---------------------------------------------------------------------------------

gammaln = _unary("gammaln", _K.lgamma, lambda x: digamma(x), "log |Gamma(x)|; d/dx = digamma(x)")
digamma = _unary("digamma", _K.digamma, lambda x: polygamma(1, x), "psi(x) = Gamma'(x) / Gamma(x)")
psi = digamma


class _Polygamma(_Function):
    """psi^(n)(x); d/dx = psi^(n+1)(x)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return _run(lambda v: _K.polygamma(n, v), a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, a), None


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma."""
    if not isinstance(n, int) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    _real_only("polygamma", input)
    return _out(_Polygamma.apply(_as_tensor(input), n), out)


def multigammaln(input, p, *, out=None):
    """log of the multivariate gamma function: p(p-1)/4 log(pi) + sum_{j<p} gammaln(x - j/2)."""
    if p < 1:
        raise RuntimeError(f"p has to be greater than or equal to 1")
    _real_only("mvlgamma", input)
    x = _as_tensor(input)
    r = gammaln(x)
    for j in range(1, p):
        r = r + gammaln(x - j / 2)
    return _out(r + p * (p - 1) / 4 * _math.log(_math.pi), out)


class _Zeta(_Function):
    """Hurwitz zeta(x, q); d/dq = -x zeta(x + 1, q); no derivative in x (as PyTorch)"""
    _builtin = True

    @staticmethod
    def forward(ctx, x, q):
        xd, qd = (v._data if isinstance(v, _Tensor) else _xp.asarray(v, _xp.float64) for v in (x, q))
        ctx.x, ctx.mq = x, _meta(q)
        ctx.save_for_backward(q if isinstance(q, _Tensor) else None)
        dt = _float_dtype(*(v._data for v in (x, q) if isinstance(v, _Tensor)))
        return _K.zeta(xd.astype(_xp.float64), qd.astype(_xp.float64)).astype(dt)

    @staticmethod
    def backward(ctx, g):
        if ctx.needs_input_grad[0]:
            raise RuntimeError("the derivative for 'zeta' is not implemented.")
        (q,) = ctx.saved_tensors
        gq = _fit(g * -ctx.x * zeta(ctx.x + 1, q), ctx.mq) if ctx.needs_input_grad[1] else None
        return None, gq


def zeta(input, other, *, out=None):
    """Hurwitz zeta sum_k (k + other)^-input."""
    if not isinstance(input, _Tensor) and not isinstance(other, _Tensor):
        raise TypeError("zeta(): expected at least one tensor argument")
    _real_only("zeta", input, other)
    return _out(_Zeta.apply(input, other), out)


class _IncGamma(_Function):
    """regularized incomplete gamma P(a, x) (or Q); d/dx = +-x^(a-1) e^-x / Gamma(a); none in a"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.upper = upper
        ctx.save_for_backward(a, x)
        ctx.mx = _meta(x)
        fn = _K.gammaincc if upper else _K.gammainc
        return _run(fn, a._data, x._data)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise RuntimeError(f"the derivative for '{'igammac' if ctx.upper else 'igamma'}: input' is not "
                               f"implemented.")
        d = ((a - 1) * x.log() - x - gammaln(a)).exp()
        return None, _fit(g * (-d if ctx.upper else d), ctx.mx), None


def gammainc(input, other, *, out=None):
    """Regularized lower incomplete gamma P(input, other)."""
    _real_only("igamma", input, other)
    return _out(_IncGamma.apply(_as_tensor(input), _as_tensor(other), False), out)


def gammaincc(input, other, *, out=None):
    """Regularized upper incomplete gamma Q(input, other) = 1 - P."""
    _real_only("igammac", input, other)
    return _out(_IncGamma.apply(_as_tensor(input), _as_tensor(other), True), out)


# --- error function family ------------------------------------------------------------------------

erfcx = _unary("erfcx", _K.erfcx, lambda x: 2 * x * erfcx(x) - 2 / _math.sqrt(_math.pi),
               "exp(x^2) erfc(x); d/dx = 2 x erfcx(x) - 2/sqrt(pi)")
ndtr = _unary("ndtr", _K.ndtr, lambda x: (-0.5 * x * x).exp() / _SQRT_2PI,
              "standard normal CDF; d/dx = exp(-x^2/2) / sqrt(2 pi)")
log_ndtr = _unary("log_ndtr", _K.log_ndtr, lambda x: (-0.5 * x * x - log_ndtr(x)).exp() / _SQRT_2PI,
                  "log of the normal CDF; d/dx = pdf(x) / cdf(x), formed in log space")
ndtri = _unary("ndtri", _K.ndtri, lambda p: _SQRT_2PI * (0.5 * ndtri(p) ** 2).exp(),
               "inverse normal CDF; d/dp = sqrt(2 pi) exp(ndtri(p)^2 / 2)")


class _Entr(_Function):
    """-x log x (0 at 0, -inf below); d/dx = -(1 + log x)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        d = a._data
        with _xp.errstate(divide="ignore", invalid="ignore"):
            v = d.astype(_xp.float64)
            r = _xp.where(v > 0, -v * _xp.log(_xp.where(v > 0, v, 1.0)), _xp.where(v == 0, 0.0, -_xp.inf))
            r = _xp.where(_xp.isnan(v), _xp.nan, r)
        return r.astype(_float_dtype(d))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * -(a.log() + 1)


def entr(input, *, out=None):
    """Elementwise entropy -x log x."""
    _real_only("entr", input)
    return _out(_Entr.apply(_as_tensor(input)), out)


class _Sinc(_Function):
    """sin(pi x) / (pi x), 1 at 0; d/dx = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at 0"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        if a._data.dtype.kind == "c":   # complex: sin(pi z) / (pi z) in the input's precision, as PyTorch
            z = a._data * a._data.real.dtype.type(_math.pi)
            with _xp.errstate(all="ignore"):
                return _xp.where(a._data == 0, a._data.dtype.type(1), _xp.sin(z) / z)
        v = a._data.astype(_xp.float64)
        with _xp.errstate(divide="ignore", invalid="ignore"):
            r = _xp.where(v == 0, 1.0, _K.sinpi(v) / (_xp.pi * v))
        return r.astype(_float_dtype(a._data))

    @staticmethod
    def backward(ctx, g):
        from .. import where
        (a,) = ctx.saved_tensors
        px = a * _math.pi
        safe = where(a == 0, 1.0, a)
        d = ((px).cos() * px - px.sin()) / (safe * safe * _math.pi)
        return g * where(a == 0, 0.0, d)


def sinc(input, *, out=None):
    """Normalized sinc, sin(pi x) / (pi x)."""
    return _out(_Sinc.apply(_as_tensor(input)), out)


def xlog1py(input, other, *, out=None):
    """input * log1p(other), 0 where input is 0 (unless other is NaN)."""
    from .._ops.unary import XLogY
    if not isinstance(input, _Tensor) and not isinstance(other, _Tensor):
        raise TypeError("xlog1py(): expected at least one tensor argument")
    _real_only("xlog1py", input, other)
    return _out(XLogY.apply(input, other, 1), out)


# --- Bessel and Airy ------------------------------------------------------------------------------

i0 = _unary("i0", _K.i0, lambda x: i1(x), "modified Bessel I0; d/dx = I1(x)")
i1 = _unary("i1", _K.i1, lambda x: _i1_deriv(x), "modified Bessel I1; d/dx = I0(x) - I1(x)/x (1/2 at 0)")
i0e = _unary("i0e", _K.i0e, lambda x: i1e(x) - x.sign() * i0e(x), "exp(-|x|) I0(x)")
i1e = _unary("i1e", _K.i1e, lambda x: _i1e_deriv(x), "exp(-|x|) I1(x)")


def _i1_deriv(x):
    from .. import where
    safe = where(x == 0, 1.0, x)
    return where(x == 0, 0.5, i0(x) - i1(x) / safe)


def _i1e_deriv(x):
    from .. import where
    safe = where(x == 0, 1.0, x)
    return where(x == 0, 0.5, i0e(x) - i1e(x) * (x.sign() + 1 / safe))


bessel_j0 = _unary("bessel_j0", _K.bessel_j0, doc="Bessel function of the first kind, order 0")
bessel_j1 = _unary("bessel_j1", _K.bessel_j1, doc="Bessel function of the first kind, order 1")
bessel_y0 = _unary("bessel_y0", _K.bessel_y0, doc="Bessel function of the second kind, order 0")
bessel_y1 = _unary("bessel_y1", _K.bessel_y1, doc="Bessel function of the second kind, order 1")
modified_bessel_i0 = _unary("modified_bessel_i0", _K.i0, doc="modified Bessel I0 (no derivative)")
modified_bessel_i1 = _unary("modified_bessel_i1", _K.i1, doc="modified Bessel I1 (no derivative)")
modified_bessel_k0 = _unary("modified_bessel_k0", _K.k0, doc="modified Bessel K0")
modified_bessel_k1 = _unary("modified_bessel_k1", _K.k1, doc="modified Bessel K1")
scaled_modified_bessel_k0 = _unary("scaled_modified_bessel_k0", _K.k0e, doc="exp(x) K0(x)")
scaled_modified_bessel_k1 = _unary("scaled_modified_bessel_k1", _K.k1e, doc="exp(x) K1(x)")
spherical_bessel_j0 = _unary("spherical_bessel_j0", _K.spherical_j0, doc="sin(x) / x")
airy_ai = _unary("airy_ai", _K.airy_ai, doc="Airy function Ai")


# --- orthogonal polynomials (no derivatives, as PyTorch) -------------------------------------------

def _poly(name, kernel, shifted=False):
    def fn(input, n, *, out=None):
        _real_only(name, input, n)
        x = _as_tensor(input) if isinstance(input, _Tensor) or not isinstance(n, _Tensor) else \
            _to_tensor(input, n)
        nd = n._data if isinstance(n, _Tensor) else _xp.asarray(n)
        if nd.dtype.kind == "f":
            nd = nd.astype(_xp.int64)
        xd = x._data.astype(_xp.float64)
        if shifted:
            xd = 2.0 * xd - 1.0
        dt = _float_dtype(x._data, *((n._data,) if isinstance(n, _Tensor) else ()))
        return _out(_make(kernel(xd, nd).astype(dt)), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{name.replace('_', ' ')} of degree n (0 for n < 0)"
    return fn


def _cheb(kind):
    return lambda x, n: _K.chebyshev(kind, x, n)


chebyshev_polynomial_t = _poly("chebyshev_polynomial_t", _cheb("t"))
chebyshev_polynomial_u = _poly("chebyshev_polynomial_u", _cheb("u"))
chebyshev_polynomial_v = _poly("chebyshev_polynomial_v", _cheb("v"))
chebyshev_polynomial_w = _poly("chebyshev_polynomial_w", _cheb("w"))
shifted_chebyshev_polynomial_t = _poly("shifted_chebyshev_polynomial_t", _cheb("t"), True)
shifted_chebyshev_polynomial_u = _poly("shifted_chebyshev_polynomial_u", _cheb("u"), True)
shifted_chebyshev_polynomial_v = _poly("shifted_chebyshev_polynomial_v", _cheb("v"), True)
shifted_chebyshev_polynomial_w = _poly("shifted_chebyshev_polynomial_w", _cheb("w"), True)
hermite_polynomial_h = _poly("hermite_polynomial_h", _K.hermite_h)
hermite_polynomial_he = _poly("hermite_polynomial_he", _K.hermite_he)
laguerre_polynomial_l = _poly("laguerre_polynomial_l", _K.laguerre_l)
legendre_polynomial_p = _poly("legendre_polynomial_p", _K.legendre_p)


# --- the functions torch.special shares with torch ------------------------------------------------

def erf(input, *, out=None):
    from .. import erf as _f
    return _out(_f(_as_tensor(input)), out)


def erfc(input, *, out=None):
    from .. import erfc as _f
    return _out(_f(_as_tensor(input)), out)


def erfinv(input, *, out=None):
    from .. import erfinv as _f
    return _out(_f(_as_tensor(input)), out)


def exp2(input, *, out=None):
    from .. import exp2 as _f
    return _out(_f(_as_tensor(input)), out)


def expm1(input, *, out=None):
    from .. import expm1 as _f
    return _out(_f(_as_tensor(input)), out)


def log1p(input, *, out=None):
    from .. import log1p as _f
    return _out(_f(_as_tensor(input)), out)


def expit(input, *, out=None):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    from .. import sigmoid as _f
    return _out(_f(_as_tensor(input)), out)


def logit(input, eps=None, *, out=None):
    from .. import logit as _f
    return _out(_f(_as_tensor(input), eps), out)


def xlogy(input, other, *, out=None):
    from .. import xlogy as _f
    return _out(_f(input, other), out)


def round(input, *, decimals=0, out=None):  # noqa: A001
    from .. import round as _f
    return _out(_f(_as_tensor(input), decimals=decimals), out)


def softmax(input, dim, *, dtype=None):
    from .. import softmax as _f
    return _f(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    from .. import log_softmax as _f
    return _f(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    from .. import logsumexp as _f
    return _out(_f(input, dim, keepdim), out)


# torch.lgamma, torch.digamma, ... and their Tensor methods (in-place ones too) are these functions
def _tensor_methods():
    from .._tensor import register_methods
    from .._ops.inplace import inplace

    def ip(fn):
        def method(self, *args, **kwargs):
            return inplace(self, fn, *args, **kwargs)
        method.__name__ = fn.__name__ + "_"
        return method

    def poly_m(self, n):
        return polygamma(n, self)

    def mvlgamma_m(self, p):
        return multigammaln(self, p)
    table = {"lgamma": gammaln, "digamma": digamma, "polygamma": poly_m, "mvlgamma": mvlgamma_m, "i0": i0,
             "igamma": gammainc, "igammac": gammaincc, "sinc": sinc}
    for k, f in list(table.items()):
        table[k + "_"] = ip(f)
    register_methods(table)


_tensor_methods()
