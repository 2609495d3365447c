"""The families added after the first batch: ContinuousBernoulli, FisherSnedecor, Kumaraswamy, VonMises,
GeneralizedPareto, LowRankMultivariateNormal, LKJCholesky, Wishart."""
import math
import numbers

import numtorch as _t
from ..nn import functional as F
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .transforms import AffineTransform, PowerTransform
from .utils import (_expand_params, broadcast_all, clamp_probs, euler_constant, lazy_property, logits_to_probs,
                    probs_to_logits)
from ._continuous import Beta, Gamma, Uniform, _expand
from ._multivariate import _batch_mahalanobis, _batch_mv
from ._structure import TransformedDistribution

__all__ = ["ContinuousBernoulli", "FisherSnedecor", "Kumaraswamy", "VonMises", "GeneralizedPareto",
           "LowRankMultivariateNormal", "LKJCholesky", "Wishart"]


def _shape_of(*params):
    if all(isinstance(p, numbers.Number) for p in params):
        return _t.Size()
    return None


class ContinuousBernoulli(ExponentialFamily):
    """p(x) = C(lambda) lambda^x (1 - lambda)^(1 - x) on [0, 1], C the normalizer (Taylor-expanded near
    lambda = 1/2, inside ``lims``, where the closed form cancels)."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, numbers.Number)
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not bool(self.arg_constraints["probs"].check(self.probs).all()):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, numbers.Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = _t.Size() if is_scalar else self._param.shape
        self._lims = lims
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(ContinuousBernoulli, _instance)
        new._lims = self._lims
        batch_shape = _t.Size(batch_shape)
        _expand_params(self, new, batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def param_shape(self):
        return self._param.shape

    def _outside_unstable_region(self):
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self):
        return _t.where(self._outside_unstable_region(), self.probs, self._lims[0] * _t.ones_like(self.probs))

    def _cont_bern_log_norm(self):
        """log C(lambda) = log(|log(1 - l) - log l| / |1 - 2 l|); log 2 + 4/3 x + 104/45 x^2 (x = (l - 1/2)^2)
        near 1/2"""
        cut = self._cut_probs()
        below = _t.where(cut <= 0.5, cut, _t.zeros_like(cut))
        above = _t.where(cut >= 0.5, cut, _t.ones_like(cut))
        log_norm = _t.log(_t.abs(_t.log1p(-cut) - _t.log(cut))) - _t.where(
            cut <= 0.5, _t.log1p(-2.0 * below), _t.log(2.0 * above - 1.0))
        x = _t.pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return _t.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (_t.log1p(-cut) - _t.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * _t.pow(x, 2)) * x
        return _t.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return _t.sqrt(self.variance)

    @property
    def variance(self):
        cut = self._cut_probs()
        vars_ = cut * (cut - 1.0) / _t.pow(1.0 - 2.0 * cut, 2) + 1.0 / _t.pow(_t.log1p(-cut) - _t.log(cut), 2)
        x = _t.pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return _t.where(self._outside_unstable_region(), vars_, taylor)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def sample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        u = _t.rand(shape, dtype=self.probs.dtype)
        with _t.no_grad():
            return self.icdf(u)

    def rsample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        u = _t.rand(shape, dtype=self.probs.dtype)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none") + self._cont_bern_log_norm()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (_t.pow(cut, value) * _t.pow(1.0 - cut, 1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = _t.where(self._outside_unstable_region(), cdfs, value)
        return _t.where(value <= 0.0, _t.zeros_like(value), _t.where(value >= 1.0, _t.ones_like(value), unbounded))

    def icdf(self, value):
        cut = self._cut_probs()
        return _t.where(self._outside_unstable_region(),
                        (_t.log1p(-cut + value * (2.0 * cut - 1.0)) - _t.log1p(-cut)) /
                        (_t.log(cut) - _t.log1p(-cut)), value)

    def entropy(self):
        log_probs0 = _t.log1p(-self.probs)
        log_probs1 = _t.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """log((e^x - 1) / x), Taylor x/2 + x^2/24 - x^4/2880 near 0"""
        out = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut_nat = _t.where(out, x, (self._lims[0] - 0.5) * _t.ones_like(x))
        log_norm = _t.log(_t.abs(_t.exp(cut_nat) - 1.0)) - _t.log(_t.abs(cut_nat))
        taylor = 0.5 * x + _t.pow(x, 2) / 24.0 - _t.pow(x, 4) / 2880.0
        return _t.where(out, log_norm, taylor)


class FisherSnedecor(Distribution):
    """F(df1, df2) = (X1 / df1) / (X2 / df2), Xi ~ Chi2(dfi)."""
    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1, df2, validate_args=None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        batch_shape = _shape_of(df1, df2)
        super().__init__(self.df1.shape if batch_shape is None else batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(FisherSnedecor, _instance)
        batch_shape = _t.Size(batch_shape)
        new.df1 = self.df1.expand(*batch_shape)
        new.df2 = self.df2.expand(*batch_shape)
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        df2 = self.df2
        return _t.where(df2 > 2, df2 / (df2 - 2), _t.full_like(df2, math.nan))

    @property
    def mode(self):
        m = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return _t.where(self.df1 > 2, m, _t.full_like(m, math.nan))

    @property
    def variance(self):
        df1, df2 = self.df1, self.df2
        v = 2 * df2.pow(2) * (df1 + df2 - 2) / (df1 * (df2 - 2).pow(2) * (df2 - 4))
        return _t.where(df2 > 4, v, _t.full_like(v, math.nan))

    def rsample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        x1 = self._gamma1.rsample(sample_shape).view(shape)
        x2 = self._gamma2.rsample(sample_shape).view(shape)
        tiny = _t.finfo(x2.dtype).tiny
        return (x1 / x2.clamp(min=tiny)).clamp(min=tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        ct1 = self.df1 * 0.5
        ct2 = self.df2 * 0.5
        ct3 = self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * _t.log(value)
        t3 = (ct1 + ct2) * _t.log1p(ct3 * value)
        return t1 + t2 - t3


def _kumaraswamy_moment(a, b, n):
    """E[X^n] = b B(1 + n/a, b)"""
    arg1 = 1 + n / a
    log_value = _t.lgamma(arg1) + _t.lgamma(b) - _t.lgamma(arg1 + b)
    return b * _t.exp(log_value)


class Kumaraswamy(TransformedDistribution):
    """p(x) = a b x^(a-1) (1 - x^a)^(b-1) on (0, 1): (1 - U^(1/b))^(1/a), U ~ U(0, 1)."""
    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(_t.full_like(self.concentration0, 0), _t.full_like(self.concentration0, 1),
                            validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()),
                      AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(*batch_shape)
        new.concentration0 = self.concentration0.expand(*batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _kumaraswamy_moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        c0, c1 = self.concentration0, self.concentration1
        log_mode = c0.reciprocal() * (-c0).log1p() - (-c0 * c1).log1p()
        log_mode = _t.where((c0 < 1) | (c1 < 1), _t.full_like(log_mode, math.nan), log_mode)
        return log_mode.exp()

    @property
    def variance(self):
        return _kumaraswamy_moment(self.concentration1, self.concentration0, 2) - _t.pow(self.mean, 2)

    def entropy(self):
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        H0 = _t.digamma(self.concentration0 + 1) + euler_constant
        return t0 + t1 * H0 - _t.log(self.concentration1) - _t.log(self.concentration0)


# Abramowitz & Stegun 9.8.1-9.8.4 polynomial approximations of I0 and I1 (relative error < 2e-7); PyTorch's
# VonMises uses these, so log_prob matches it to the last digit in float64 too.
_I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1,
             -0.1647633e-1, 0.392377e-2]
_I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3]
_I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1,
             0.1787654e-1, -0.420059e-2]


def _horner(y, coef):
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def _log_bessel_i(x, order):
    """log I_order(x), order 0 or 1 (A&S polynomials: in (x/3.75)^2 below 3.75, in 3.75/x above)."""
    y = (x / 3.75) ** 2
    small = _horner(y, _I0_SMALL if order == 0 else _I1_SMALL)
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _horner(3.75 / x, _I0_LARGE if order == 0 else _I1_LARGE).log()
    return _t.where(x < 3.75, small, large)


class VonMises(Distribution):
    """Circular normal: p(x) = exp(k cos(x - loc)) / (2 pi I0(k)); sampled by Best & Fisher's rejection
    scheme (vectorized: every round redraws only the entries not yet accepted)."""
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, _t.Size(), validate_args)

    def expand(self, batch_shape, _instance=None):
        return _expand(self, VonMises, batch_shape, _instance, ("loc", "concentration"))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * _t.cos(value - self.loc) - math.log(2 * math.pi)
                - _log_bessel_i(self.concentration, 0))

    def sample(self, sample_shape=_t.Size()):
        from .._backend import xp
        shape = tuple(self._extended_shape(sample_shape))
        loc = xp.broadcast_to(self.loc.detach()._data.astype(xp.float64), shape)
        kappa = xp.broadcast_to(self.concentration.detach()._data.astype(xp.float64), shape)
        with xp.errstate(all="ignore"):
            tau = 1 + xp.sqrt(1 + 4 * kappa ** 2)
            rho = (tau - xp.sqrt(2 * tau)) / (2 * kappa)
            r = xp.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))
        x = xp.zeros(shape)
        todo = xp.ones(shape, dtype=bool)
        while todo.any():
            u = _t.rand((3,) + shape, dtype=_t.float64)._data
            u1, u2, u3 = u[0], u[1], u[2]
            z = xp.cos(math.pi * u1)
            f = (1 + r * z) / (r + z)
            c = kappa * (r - f)
            with xp.errstate(all="ignore"):
                accept = todo & (((c * (2 - c) - u2) > 0) | (xp.log(c / u2) + 1 - c >= 0))
            x = xp.where(accept, xp.sign(u3 - 0.5) * xp.arccos(xp.clip(f, -1, 1)), x)
            todo &= ~accept
        out = xp.mod(x + math.pi + loc, 2 * math.pi) - math.pi
        return _t.from_numpy(out.astype(self.loc._data.dtype))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """1 - I1(k) / I0(k) (circular variance)"""
        return 1 - (_log_bessel_i(self.concentration, 1) - _log_bessel_i(self.concentration, 0)).exp()


class GeneralizedPareto(Distribution):
    """GPD(loc, scale, xi): survival (1 + xi z)^(-1/xi), z = (x - loc) / scale (exp(-z) when xi = 0)."""
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        batch_shape = _shape_of(loc, scale, concentration)
        super().__init__(self.loc.shape if batch_shape is None else batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return _expand(self, GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration"))

    def rsample(self, sample_shape=_t.Size()):
        shape = self._extended_shape(sample_shape)
        return self.icdf(_t.rand(shape, dtype=self.loc.dtype))

    def _safe(self):
        eq_zero = _t.isclose(self.concentration, _t.zeros_like(self.concentration))
        return eq_zero, _t.where(eq_zero, _t.ones_like(self.concentration), self.concentration)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, xi = self._safe()
        y = 1 / xi + _t.ones_like(z)
        nonzero = _t.where(y == 0, y, y * _t.log1p(xi * z))
        return -self.scale.log() - _t.where(eq_zero, z, nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, xi = self._safe()
        return _t.where(eq_zero, -z, -_t.log1p(xi * z) / xi)

    def log_cdf(self, value):
        return _t.log1p(-_t.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return _t.exp(self.log_cdf(value))

    def icdf(self, value):
        eq_zero, xi = self._safe()
        logu = _t.log1p(-value)
        return _t.where(eq_zero, self.loc - self.scale * logu,
                        self.loc + self.scale / xi * _t.expm1(-xi * logu))

    @property
    def mean(self):
        valid = self.concentration < 1
        xi = _t.where(valid, self.concentration, _t.full_like(self.concentration, 0.5))
        return _t.where(valid, self.loc + self.scale / (1 - xi), _t.full_like(xi, math.nan))

    @property
    def variance(self):
        valid = self.concentration < 0.5
        xi = _t.where(valid, self.concentration, _t.full_like(self.concentration, 0.25))
        return _t.where(valid, self.scale ** 2 / ((1 - xi) ** 2 * (1 - 2 * xi)), _t.full_like(xi, math.nan))

    def entropy(self):
        return _t.broadcast_to(_t.log(self.scale) + self.concentration + 1, tuple(self._batch_shape))

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = _t.where(self.concentration < 0, self.loc - self.scale / self.concentration,
                         _t.full_like(self.loc, math.inf))
        return constraints.interval(self.loc, upper)


def _capacitance_tril(W, D):
    """cholesky(I + W^T D^-1 W), the m x m capacitance matrix of W W^T + D"""
    m = W.shape[-1]
    K = (W.mT / D.unsqueeze(-2)) @ W + _t.eye(m, dtype=W.dtype)
    return _t.linalg.cholesky(K)


def _lowrank_logdet(W, D, cap_tril):
    return 2 * cap_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def _lowrank_mahalanobis(W, D, x, cap_tril):
    """x^T (W W^T + D)^-1 x by the Woodbury identity"""
    Wt_Dinv_x = _batch_mv(W.mT / D.unsqueeze(-2), x)
    return (x.pow(2) / D).sum(-1) - _batch_mahalanobis(cap_tril, Wt_Dinv_x)


class LowRankMultivariateNormal(Distribution):
    """N(loc, W W^T + diag(D)): densities through the Woodbury identity and the capacitance matrix."""
    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = loc.shape[-1:]
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        if tuple(cov_factor.shape[-2:-1]) != tuple(event_shape):
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m")
        if tuple(cov_diag.shape[-1:]) != tuple(event_shape):
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, cov_diag_ = _t.broadcast_tensors(loc.unsqueeze(-1), cov_factor,
                                                                    cov_diag.unsqueeze(-1))
        except RuntimeError as e:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor {cov_factor.shape}, "
                             f"cov_diag {cov_diag.shape}") from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = _t.Size(batch_shape)
        loc_shape = tuple(batch_shape) + tuple(self.event_shape)
        new.loc = self.loc.expand(*loc_shape)
        new.cov_diag = self.cov_diag.expand(*loc_shape)
        new.cov_factor = self.cov_factor.expand(*(loc_shape + tuple(self.cov_factor.shape[-1:])))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        return (self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag).expand(
            *(tuple(self._batch_shape) + tuple(self._event_shape)))

    @lazy_property
    def scale_tril(self):
        n = self._event_shape[0]
        d_sqrt = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        Dinvsqrt_W = self._unbroadcasted_cov_factor / d_sqrt
        K = Dinvsqrt_W @ Dinvsqrt_W.mT + _t.eye(n, dtype=d_sqrt.dtype)
        return (d_sqrt * _t.linalg.cholesky(K)).expand(*(tuple(self._batch_shape) + (n, n)))

    @lazy_property
    def covariance_matrix(self):
        n = self._event_shape[0]
        W = self._unbroadcasted_cov_factor
        return (W @ W.mT + _t.diag_embed(self._unbroadcasted_cov_diag)).expand(*(tuple(self._batch_shape) + (n, n)))

    @lazy_property
    def precision_matrix(self):
        n = self._event_shape[0]
        Wt_Dinv = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        A = _t.linalg.solve_triangular(self._capacitance_tril, Wt_Dinv, upper=False)
        P = _t.diag_embed(self._unbroadcasted_cov_diag.reciprocal()) - A.mT @ A
        return P.expand(*(tuple(self._batch_shape) + (n, n)))

    def rsample(self, sample_shape=_t.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        W_shape = shape[:-1] + tuple(self.cov_factor.shape[-1:])
        eps_W = _t.randn(W_shape, dtype=self.loc.dtype)
        eps_D = _t.randn(shape, dtype=self.loc.dtype)
        return (self.loc + _batch_mv(self._unbroadcasted_cov_factor, eps_W)
                + self._unbroadcasted_cov_diag.sqrt() * eps_D)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _lowrank_mahalanobis(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, value - self.loc,
                                 self._capacitance_tril)
        log_det = _lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                  self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + M)

    def entropy(self):
        log_det = _lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                  self._capacitance_tril)
        H = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + log_det)
        return H if len(self._batch_shape) == 0 else H.expand(*self._batch_shape)


class LKJCholesky(Distribution):
    """LKJ distribution of correlation-matrix Cholesky factors: p(L) ∝ prod_i L_ii^(dim - i + 2(eta - 1));
    sampled by the onion method (Beta-distributed squared row norms, uniform directions)."""
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = _t.arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = _t.cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.shape, _t.Size((dim, dim)), validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = _t.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(*batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=_t.Size()):
        with _t.no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u = _t.randn(self._extended_shape(sample_shape), dtype=y.dtype).tril(-1)
            u = u / u.norm(dim=-1, keepdim=True)
            u = _t.cat([_t.zeros_like(u[..., :1, :]), u[..., 1:, :]], dim=-2)   # row 0 norm 0/0 -> 0
            w = _t.sqrt(y) * u
            diag = _t.clamp(1 - _t.sum(w ** 2, dim=-1), min=_t.finfo(w.dtype).tiny).sqrt()
            return w + _t.diag_embed(diag)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = _t.arange(2, self.dim + 1, dtype=self.concentration.dtype)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = _t.sum(order * diag.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalize = 0.5 * dm1 * math.log(math.pi) + _t.mvlgamma(alpha - 0.5, dm1) - _t.lgamma(alpha) * dm1
        return unnormalized - normalize


def _mvdigamma(x, p):
    """sum_{i<p} digamma(x - i/2)"""
    if not bool(x.gt((p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    return _t.digamma(x.unsqueeze(-1) - _t.arange(p, dtype=x.dtype).div(2).expand(*(tuple(x.shape) + (-1,)))).sum(-1)


class Wishart(ExponentialFamily):
    """W(df, Sigma): p(X) ∝ |X|^((df - p - 1)/2) exp(-tr(Sigma^-1 X)/2); sampled by Bartlett's decomposition
    (chi-distributed diagonal, standard normal strictly lower part)."""
    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {"covariance_matrix": constraints.positive_definite,
                "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky,
                "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        import warnings
        from ._multivariate import _precision_to_scale_tril
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                                 "specified.")
        param = next(p for p in (covariance_matrix, precision_matrix, scale_tril) if p is not None)
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        if isinstance(df, numbers.Number):
            batch_shape = _t.Size(param.shape[:-2])
            self.df = _t.tensor(df, dtype=param.dtype)
        else:
            batch_shape = _t.broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(*batch_shape)
        event_shape = param.shape[-2:]
        if bool(self.df.le(event_shape[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {event_shape[-1] - 1}.")
        full = tuple(batch_shape) + (-1, -1)
        if scale_tril is not None:
            self.scale_tril = param.expand(*full)
        elif covariance_matrix is not None:
            self.covariance_matrix = param.expand(*full)
        else:
            self.precision_matrix = param.expand(*full)
        if bool(self.df.lt(event_shape[-1]).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df "
                          "< ndim.", stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = _t.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        self._make_chi2()

    def _make_chi2(self):
        from ._continuous import Chi2
        p = self._event_shape[-1]
        self._dist_chi2 = Chi2(df=self.df.unsqueeze(-1) - _t.arange(p, dtype=self._unbroadcasted_scale_tril.dtype)
                               .expand(*(tuple(self._batch_shape) + (-1,))))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = _t.Size(batch_shape)
        cov_shape = tuple(batch_shape) + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(*cov_shape)
        new.df = self.df.expand(*batch_shape)
        for k in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if k in self.__dict__:
                setattr(new, k, self.__dict__[k].expand(*cov_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._make_chi2()
        new._validate_args = self._validate_args
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(*(tuple(self._batch_shape) + tuple(self._event_shape)))

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.transpose(-2, -1)).expand(*(tuple(self._batch_shape) + tuple(self._event_shape)))

    @lazy_property
    def precision_matrix(self):
        eye = _t.eye(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype)
        return _t.cholesky_solve(eye, self._unbroadcasted_scale_tril).expand(
            *(tuple(self._batch_shape) + tuple(self._event_shape)))

    def _df_matrix(self):
        return self.df.view(*(tuple(self._batch_shape) + (1, 1)))

    @property
    def mean(self):
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = _t.where(factor <= 0, _t.full_like(factor, math.nan), factor)
        return factor.view(*(tuple(self._batch_shape) + (1, 1))) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        d = V.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (V.pow(2) + d.unsqueeze(-1) * d.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape):
        p = self._event_shape[-1]
        chi = self._dist_chi2.rsample(sample_shape).sqrt()
        chi = chi.clamp(min=_t.finfo(chi.dtype).eps)
        lower = _t.randn(tuple(sample_shape) + tuple(self._batch_shape) + (p, p), dtype=chi.dtype).tril(-1)
        chol = self._unbroadcasted_scale_tril @ (_t.diag_embed(chi) + lower)
        return chol @ chol.transpose(-2, -1)

    def rsample(self, sample_shape=_t.Size(), max_try_correction=None):
        """Bartlett samples; singular ones (possible when df < p) are redrawn up to max_try_correction times."""
        import warnings
        max_try_correction = 10 if max_try_correction is None else max_try_correction
        sample_shape = _t.Size(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        bad = ~self.support.check(sample)
        if bool(bad.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                new = self._bartlett_sampling(sample_shape)
                sample = _t.where(bad.unsqueeze(-1).unsqueeze(-1), new, sample)
                bad = ~self.support.check(sample)
                if not bool(bad.any()):
                    break
        return sample

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        return (-nu * (p * math.log(2) / 2 + L.diagonal(dim1=-2, dim2=-1).log().sum(-1))
                - _t.mvlgamma(nu / 2, p=p)
                + (nu - p - 1) / 2 * _t.linalg.slogdet(value)[1]
                - _t.cholesky_solve(value, L).diagonal(dim1=-2, dim2=-1).sum(dim=-1) / 2)

    def entropy(self):
        nu = self.df
        p = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        return ((p + 1) * (p * math.log(2) / 2 + L.diagonal(dim1=-2, dim2=-1).log().sum(-1))
                + _t.mvlgamma(nu / 2, p=p) - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p=p) + nu * p / 2)

    @property
    def _natural_params(self):
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-_t.linalg.slogdet(-2 * x)[1] + math.log(2) * p)
                + _t.mvlgamma(y + (p + 1) / 2, p=p))
