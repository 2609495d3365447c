"""Goodness of fit of numtorch's samplers (seeded), and reparameterized gradients.

Univariate families: the Dvoretzky-Kiefer-Wolfowitz inequality P(sup|F_n - F| > eps) <= 2 exp(-2 n eps^2)
holds for every distribution, continuous or discrete, so with eps = sqrt(log(2 / ALPHA) / (2 n)) each
column of each test fails by chance with probability below ALPHA = 1e-7 (at most 4 columns per test: < 1e-6).
F is the exact cdf: torch's where it has one, scipy.stats's otherwise (Beta, StudentT, FisherSnedecor,
VonMises), the cumulative sum of torch's pmf for the discrete families.
Multivariate families: sample means (and second moments) against the exact ones, within Z = 6.5 standard
errors computed from the exact variance (two-sided normal tail 8e-11 per coordinate; < 1e-8 per test)."""
import math

import numpy as np
import pytest
import scipy.stats as st

from conftest import torch, to_nt
import numtorch as nt

ALPHA = 1e-7
N = 4000
EPS = math.sqrt(math.log(2 / ALPHA) / (2 * N))   # 0.0459 for n = 4000
Z = 6.5


@pytest.fixture(autouse=True)
def _torch_cdf_outside_support():
    """The oracle cdf/pmf is evaluated on a grid shared by all batch columns, partly outside some supports."""
    torch.distributions.Distribution.set_default_validate_args(False)
    yield
    torch.distributions.Distribution.set_default_validate_args(True)


def _T(x):
    return torch.tensor(x, dtype=torch.float64)


def _N(x):
    return nt.tensor(x, dtype=nt.float64)


# name, builder(D, T), cdf: "torch" | fn(sample column array, column index) -> cdf values
CONT = [
    ("Normal", lambda D, T: D.Normal(T([0.0, 2.0, -1.0]), T([1.0, 0.5, 3.0])), "torch"),
    ("Uniform", lambda D, T: D.Uniform(T([0.0, -2.0]), T([1.0, 5.0])), "torch"),
    ("Exponential", lambda D, T: D.Exponential(T([0.5, 3.0])), "torch"),
    ("Laplace", lambda D, T: D.Laplace(T([0.0, 1.0]), T([1.0, 0.2])), "torch"),
    ("Cauchy", lambda D, T: D.Cauchy(T([0.0, 1.0]), T([1.0, 0.2])), "torch"),
    ("Gumbel", lambda D, T: D.Gumbel(T([0.0, 1.0]), T([1.0, 0.2])), "torch"),
    ("Gamma", lambda D, T: D.Gamma(T([0.3, 1.0, 4.5, 30.0]), T([1.0, 2.0, 0.5, 1.0])), "torch"),
    ("Chi2", lambda D, T: D.Chi2(T([1.0, 7.0])), "torch"),
    ("HalfNormal", lambda D, T: D.HalfNormal(T([1.0, 3.0])), "torch"),
    ("HalfCauchy", lambda D, T: D.HalfCauchy(T([1.0, 3.0])), "torch"),
    ("LogNormal", lambda D, T: D.LogNormal(T([0.0, 1.0]), T([1.0, 0.3])), "torch"),
    ("Pareto", lambda D, T: D.Pareto(T([1.0, 2.0]), T([1.5, 4.0])), "torch"),
    ("Weibull", lambda D, T: D.Weibull(T([1.0, 2.0]), T([0.7, 3.0])), "torch"),
    ("InverseGamma", lambda D, T: D.InverseGamma(T([2.0, 5.0]), T([1.0, 3.0])), "torch"),
    ("Kumaraswamy", lambda D, T: D.Kumaraswamy(T([0.5, 2.0]), T([3.0, 0.8])), "torch"),
    ("ContinuousBernoulli", lambda D, T: D.ContinuousBernoulli(probs=T([0.1, 0.5, 0.8])), "torch"),
    # torch's float64 GeneralizedPareto fails in isclose (float64 vs a float32 zero): scipy's cdf instead
    ("GeneralizedPareto", lambda D, T: D.GeneralizedPareto(T([0.0, 1.0, 0.0]), T([1.0, 2.0, 0.5]),
                                                           T([-0.3, 0.0, 0.4])),
     lambda x, i: st.genpareto.cdf(x, [-0.3, 0.0, 0.4][i], loc=[0.0, 1.0, 0.0][i], scale=[1.0, 2.0, 0.5][i])),
    ("Beta", lambda D, T: D.Beta(T([0.5, 2.0, 5.0]), T([0.5, 3.0, 1.0])),
     lambda x, i: st.beta.cdf(x, [0.5, 2.0, 5.0][i], [0.5, 3.0, 1.0][i])),
    ("StudentT", lambda D, T: D.StudentT(T([1.5, 4.0]), T([0.0, 1.0]), T([1.0, 2.0])),
     lambda x, i: st.t.cdf(x, [1.5, 4.0][i], loc=[0.0, 1.0][i], scale=[1.0, 2.0][i])),
    ("FisherSnedecor", lambda D, T: D.FisherSnedecor(T([2.0, 7.0]), T([3.0, 12.0])),
     lambda x, i: st.f.cdf(x, [2.0, 7.0][i], [3.0, 12.0][i])),
    ("VonMises", lambda D, T: D.VonMises(T([0.0, 2.0, -1.0]), T([0.05, 1.5, 20.0])),
     lambda x, i: _vonmises_cdf(x, [0.0, 2.0, -1.0][i], [0.05, 1.5, 20.0][i])),
    ("RelaxedBernoulli", lambda D, T: D.RelaxedBernoulli(T(0.5), probs=T([0.3, 0.8])),
     lambda x, i: _relaxed_bernoulli_cdf(x, 0.5, [0.3, 0.8][i])),
]


def _vonmises_cdf(x, loc, k):
    """P(X <= x) for X on [-pi, pi): scipy's von Mises cdf of the wrapped offset."""
    lo = st.vonmises.cdf(-math.pi, k, loc=loc)
    hi = st.vonmises.cdf(math.pi, k, loc=loc)
    return (st.vonmises.cdf(x, k, loc=loc) - lo) / (hi - lo)


def _relaxed_bernoulli_cdf(x, temp, p):
    """X = sigmoid((logit p + logit U) / temp): P(X <= x) = P(logit U <= temp logit x - logit p)."""
    t = temp * np.log(x / (1 - x)) - math.log(p / (1 - p))
    return 1 / (1 + np.exp(-t))


@pytest.mark.parametrize("name,build,cdf", CONT, ids=[c[0] for c in CONT])
def test_continuous_goodness_of_fit(name, build, cdf):
    nt.manual_seed(1)
    s = build(nt.distributions, _N).sample((N,))
    assert s.dtype == nt.float64
    x = np.sort(s.numpy(), axis=0)
    td = build(torch.distributions, _T)
    emp_hi = np.arange(1, N + 1)[:, None] / N
    emp_lo = np.arange(0, N)[:, None] / N
    for i in range(x.shape[1]):
        if cdf == "torch":
            F = td.cdf(torch.from_numpy(np.ascontiguousarray(x[:, i:i + 1])).expand(N, x.shape[1])
                       ).numpy()[:, i]
        else:
            F = cdf(x[:, i], i)
        D = max(np.max(emp_hi[:, 0] - F), np.max(F - emp_lo[:, 0]))
        assert D < EPS, f"{name} column {i}: KS distance {D:.4f} >= {EPS:.4f}"


DISC = [
    ("Bernoulli", lambda D, T: D.Bernoulli(probs=T([0.1, 0.5, 0.95])), 2),
    ("Binomial", lambda D, T: D.Binomial(T([5.0, 20.0, 200.0]), probs=T([0.3, 0.9, 0.02])), 201),
    ("Poisson", lambda D, T: D.Poisson(T([0.5, 4.0, 60.0])), 200),
    ("Geometric", lambda D, T: D.Geometric(probs=T([0.1, 0.7])), 400),
    ("NegativeBinomial", lambda D, T: D.NegativeBinomial(T([1.5, 10.0]), probs=T([0.3, 0.6])), 400),
    ("Categorical", lambda D, T: D.Categorical(probs=T([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])), 4),
]


@pytest.mark.parametrize("name,build,K", DISC, ids=[c[0] for c in DISC])
def test_discrete_goodness_of_fit(name, build, K):
    nt.manual_seed(2)
    s = build(nt.distributions, _N).sample((N,)).numpy()
    td = build(torch.distributions, _T)
    ks = torch.arange(K, dtype=torch.float64).unsqueeze(-1).expand(K, *td.batch_shape)
    with torch.no_grad():
        lp = td.expand(td.batch_shape).log_prob(ks if name != "Categorical" else ks.long())
    pmf = lp.exp().numpy()
    pmf = np.where(np.isfinite(pmf), pmf, 0.0)
    F = np.cumsum(pmf, axis=0)
    assert np.all(s == np.round(s)) and np.all(s >= 0)
    for i in range(s.shape[1]):
        emp = (s[:, i][:, None] <= np.arange(K)[None, :]).mean(0)
        D = np.max(np.abs(emp - F[:, i]))
        assert D < EPS, f"{name} column {i}: KS distance {D:.4f} >= {EPS:.4f}"


NM = 20000
MULTI = [
    ("Dirichlet", lambda D, T: D.Dirichlet(T([[0.5, 1.0, 3.0], [4.0, 4.0, 0.3]]))),
    ("MultivariateNormal", lambda D, T: D.MultivariateNormal(T([1.0, -1.0, 0.0]),
                                                             T([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]]))),
    ("LowRankMVN", lambda D, T: D.LowRankMultivariateNormal(T([1.0, -1.0, 0.0]),
                                                            T([[1.0, 0.0], [0.5, 1.0], [0.0, -1.0]]),
                                                            T([0.5, 1.0, 0.2]))),
    ("Multinomial", lambda D, T: D.Multinomial(10, probs=T([0.2, 0.3, 0.5]))),
    ("OneHotCategorical", lambda D, T: D.OneHotCategorical(probs=T([0.2, 0.3, 0.5]))),
    ("Wishart", lambda D, T: D.Wishart(T(5.0), covariance_matrix=T([[1.0, 0.3], [0.3, 0.5]]))),
    ("MixtureSameFamily", lambda D, T: D.MixtureSameFamily(D.Categorical(probs=T([0.3, 0.7])),
                                                           D.Normal(T([-2.0, 1.0]), T([0.5, 1.0])))),
    ("Independent", lambda D, T: D.Independent(D.Gamma(T([1.0, 3.0]), T([1.0, 0.5])), 1)),
]


@pytest.mark.parametrize("name,build", MULTI, ids=[m[0] for m in MULTI])
def test_multivariate_moments(name, build):
    nt.manual_seed(3)
    s = build(nt.distributions, _N).sample((NM,)).numpy()
    td = build(torch.distributions, _T)
    mean, var = td.mean.numpy(), td.variance.numpy()
    se = np.sqrt(var / NM)
    assert np.all(np.abs(s.mean(0) - mean) < Z * se + 1e-12), (s.mean(0), mean)
    assert np.all(td.support.check(torch.from_numpy(s)).numpy())


def test_lkj_cholesky_samples():
    """L[1,0] of an LKJ(eta) Cholesky factor in dim d is 2 Beta(b, b) - 1 with b = eta - 1 + d/2: DKW test."""
    for eta, d in ((0.5, 3), (2.0, 4)):
        nt.manual_seed(4)
        L = nt.distributions.LKJCholesky(d, _N(eta)).sample((N,)).numpy()
        assert np.all(torch.distributions.constraints.corr_cholesky.check(torch.from_numpy(L)).numpy())
        b = eta - 1 + d / 2
        x = np.sort(L[:, 1, 0])
        F = st.beta.cdf((x + 1) / 2, b, b)
        D = max(np.max(np.arange(1, N + 1) / N - F), np.max(F - np.arange(N) / N))
        assert D < EPS


@pytest.mark.parametrize("name", ["Normal", "Gamma", "Beta", "Dirichlet", "StudentT", "Chi2", "Kumaraswamy",
                                  "LogNormal", "FisherSnedecor", "Weibull", "InverseGamma"])
def test_rsample_gradient_of_mean(name):
    """d E[rsample] / d params, estimated by the sample mean of the rsample gradients, equals the gradient of
    the exact mean (torch's, same parameters); n = 10000 and a 6.5-standard-error band estimated from the
    same samples."""
    builds = {
        "Normal": (lambda D, p: D.Normal(p[0], p[1]), [0.3, 1.7]),
        "Gamma": (lambda D, p: D.Gamma(p[0], p[1]), [0.7, 1.3]),
        "Beta": (lambda D, p: D.Beta(p[0], p[1]), [0.8, 2.5]),
        "Dirichlet": (lambda D, p: D.Dirichlet(p[0]), [[0.6, 1.5, 3.0]]),
        "StudentT": (lambda D, p: D.StudentT(p[0], p[1], p[2]), [5.0, 0.5, 2.0]),
        "Chi2": (lambda D, p: D.Chi2(p[0]), [3.0]),
        "Kumaraswamy": (lambda D, p: D.Kumaraswamy(p[0], p[1]), [2.0, 3.0]),
        "LogNormal": (lambda D, p: D.LogNormal(p[0], p[1]), [0.1, 0.4]),
        "FisherSnedecor": (lambda D, p: D.FisherSnedecor(p[0], p[1]), [6.0, 12.0]),
        "Weibull": (lambda D, p: D.Weibull(p[0], p[1]), [1.5, 2.0]),
        "InverseGamma": (lambda D, p: D.InverseGamma(p[0], p[1]), [6.0, 2.0]),
    }
    fn, vals = builds[name]
    n = 10000
    tps = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in vals]
    tgrads = torch.autograd.grad(fn(torch.distributions, tps).mean.sum(), tps, allow_unused=True)
    tgrads = [torch.zeros_like(p) if g is None else g for p, g in zip(tps, tgrads)]
    nt.manual_seed(5)
    nps = [nt.tensor(v, dtype=nt.float64) for v in vals]
    # per-sample gradients of sum(s): parameters were expanded, so differentiate w.r.t. the expanded views
    leaves = [p.expand(n, *p.shape).detach().requires_grad_(True) for p in nps]
    s = fn(nt.distributions, leaves).rsample()
    per = nt.autograd.grad(s.sum(), leaves, allow_unused=True)
    per = [nt.zeros_like(p) if g is None else g for p, g in zip(leaves, per)]
    for g_np, tg, name_i in zip(per, tgrads, range(len(vals))):
        g = g_np.numpy().reshape(n, -1)
        est, se = g.mean(0), g.std(0) / math.sqrt(n)
        want = tg.numpy().reshape(-1)
        assert np.all(np.abs(est - want) <= Z * se + 1e-9), (name, name_i, est, want, se)


def test_standard_gamma_grad_matches_torch():
    """The implicit-reparameterization derivative dx/dalpha of a Gamma(alpha, 1) sample, on the same
    (alpha, x) pairs as torch._standard_gamma_grad."""
    from numtorch.distributions._sampling import _StandardGamma
    alpha = np.array([0.05, 0.3, 1.0, 2.5, 10.0, 150.0, 0.7, 4.0])
    x = np.array([1e-4, 0.2, 1.0, 3.0, 8.0, 160.0, 2.0, 0.5])

    class Ctx:
        pass
    ctx = Ctx()
    ctx.a, ctx.x = alpha, x
    got = _StandardGamma.backward(ctx, nt.ones(len(alpha), dtype=nt.float64)).numpy()
    want = torch._standard_gamma_grad(torch.from_numpy(alpha), torch.from_numpy(x)).numpy()
    # torch's own approximation is accurate to ~5e-5 relative (measured against the 30-digit values below)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    import mpmath as mp   # a dependency of torch (through sympy)
    with mp.workdps(30):
        ref = [float(-mp.diff(lambda aa: mp.gammainc(aa, 0, xx, regularized=True), a)
                     / mp.exp((a - 1) * mp.log(xx) - xx - mp.loggamma(a))) for a, xx in zip(alpha, x)]
    np.testing.assert_allclose(got, ref, rtol=1e-8)
