"""Samplers PyTorch exposes as ATen operators (standard gamma, Poisson, binomial), drawn with NumPy's
generators seeded from numtorch's global generator (so manual_seed makes them reproducible), and the
implicit reparameterization gradient of the gamma sample."""
import numtorch as _t
from .._backend import xp
from .._tensor import _make
from ..autograd.function import Function


def _numpy_rng():
    seed = int(_t.randint(0, 2 ** 62, (), dtype=_t.int64).item())
    return xp.random.default_rng(seed)


class _StandardGamma(Function):
    """x ~ Gamma(alpha, 1); dx/dalpha = -(dP(alpha, x)/dalpha) / p(x; alpha) (implicit reparameterization,
    dP/dalpha by a central difference of the regularized incomplete gamma in float64)"""
    _builtin = True

    @staticmethod
    def forward(ctx, alpha):
        a = alpha._data.astype(xp.float64)
        x = _numpy_rng().standard_gamma(a)
        tiny = xp.finfo(alpha._data.dtype).tiny
        x = xp.maximum(x, tiny)
        ctx.a, ctx.x = a, x
        return x.astype(alpha._data.dtype)

    @staticmethod
    def backward(ctx, g):
        from ..special import _kernels as K
        a, x = ctx.a, ctx.x
        h = 1e-5 * xp.maximum(a, 1.0)
        dP = (K.gammainc(a + h, x) - K.gammainc(a - h, x)) / (2 * h)
        with xp.errstate(all="ignore"):
            logpdf = (a - 1) * xp.log(x) - x - K.lgamma(a)
            d = -dP / xp.exp(logpdf)
        d = xp.where(xp.isfinite(d), d, 0.0)
        return g * _make(d.astype(g._data.dtype))


def standard_gamma(alpha):
    return _StandardGamma.apply(alpha)


def poisson(rate):
    r = _numpy_rng().poisson(rate.detach()._data.astype(xp.float64))
    return _make(r.astype(rate._data.dtype))


def binomial(count, prob):
    n = count.detach()._data.astype(xp.int64)
    p = prob.detach()._data.astype(xp.float64)
    r = _numpy_rng().binomial(n, xp.clip(p, 0, 1))
    return _make(r.astype(prob._data.dtype))
