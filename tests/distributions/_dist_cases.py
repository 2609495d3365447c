"""Shared case table for the distribution tests: each case builds the same distribution in torch and in
numtorch from the same parameter arrays (module name starts with '_' so pytest does not collect it)."""
import numpy as np

R = np.random.default_rng(1234)


def pos(*shape, lo=0.5, hi=3.0):
    return R.uniform(lo, hi, size=shape)


def real(*shape):
    return R.normal(size=shape)


def prob(*shape):
    return R.uniform(0.1, 0.9, size=shape)


def simplex(*shape):
    p = R.uniform(0.1, 1.0, size=shape)
    return p / p.sum(-1, keepdims=True)


def spd(*shape):
    n = shape[-1]
    a = R.normal(size=shape[:-1] + (n,))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def tril(*shape):
    return np.linalg.cholesky(spd(*shape))


def corr_chol(*shape):
    c = spd(*shape)
    d = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
    c = c / d[..., :, None] / d[..., None, :]
    return np.linalg.cholesky(c)


# name, params (dict of arrays; keys ending in '_' are not differentiated), builder(D, p, lib)
# builder gets the module (torch.distributions or numtorch.distributions) and a dict of tensors.
CASES = [
    ("Normal", lambda: dict(loc=real(3), scale=pos(3)), lambda D, p: D.Normal(p["loc"], p["scale"])),
    ("Normal-b", lambda: dict(loc=real(2, 3), scale=pos(1, 3)), lambda D, p: D.Normal(p["loc"], p["scale"])),
    ("Uniform", lambda: dict(low=real(4), high=real(4) + 4), lambda D, p: D.Uniform(p["low"], p["high"])),
    ("Exponential", lambda: dict(rate=pos(2, 3)), lambda D, p: D.Exponential(p["rate"])),
    ("Laplace", lambda: dict(loc=real(3), scale=pos(3)), lambda D, p: D.Laplace(p["loc"], p["scale"])),
    ("Cauchy", lambda: dict(loc=real(3), scale=pos(3)), lambda D, p: D.Cauchy(p["loc"], p["scale"])),
    ("Gumbel", lambda: dict(loc=real(3), scale=pos(3)), lambda D, p: D.Gumbel(p["loc"], p["scale"])),
    ("Gamma", lambda: dict(concentration=pos(2, 3), rate=pos(2, 3)),
     lambda D, p: D.Gamma(p["concentration"], p["rate"])),
    ("Chi2", lambda: dict(df=pos(3, lo=1, hi=5)), lambda D, p: D.Chi2(p["df"])),
    ("Beta", lambda: dict(a=pos(3, lo=1.2), b=pos(3, lo=1.2)), lambda D, p: D.Beta(p["a"], p["b"])),
    ("StudentT", lambda: dict(df=pos(3, lo=2.5, hi=6), loc=real(3), scale=pos(3)),
     lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"])),
    ("LogNormal", lambda: dict(loc=real(3), scale=pos(3, hi=1.0)), lambda D, p: D.LogNormal(p["loc"], p["scale"])),
    ("HalfNormal", lambda: dict(scale=pos(3)), lambda D, p: D.HalfNormal(p["scale"])),
    ("HalfCauchy", lambda: dict(scale=pos(3)), lambda D, p: D.HalfCauchy(p["scale"])),
    ("Pareto", lambda: dict(scale=pos(3), alpha=pos(3, lo=2.5, hi=4)), lambda D, p: D.Pareto(p["scale"], p["alpha"])),
    ("Weibull", lambda: dict(scale=pos(3), c=pos(3)), lambda D, p: D.Weibull(p["scale"], p["c"])),
    ("InverseGamma", lambda: dict(c=pos(3, lo=2.5, hi=4), rate=pos(3)),
     lambda D, p: D.InverseGamma(p["c"], p["rate"])),
    ("Bernoulli-p", lambda: dict(probs=prob(2, 3)), lambda D, p: D.Bernoulli(probs=p["probs"])),
    ("Bernoulli-l", lambda: dict(logits=real(3)), lambda D, p: D.Bernoulli(logits=p["logits"])),
    ("Categorical-p", lambda: dict(probs=simplex(2, 4)), lambda D, p: D.Categorical(probs=p["probs"])),
    ("Categorical-l", lambda: dict(logits=real(3, 5)), lambda D, p: D.Categorical(logits=p["logits"])),
    ("OneHotCategorical", lambda: dict(probs=simplex(2, 4)), lambda D, p: D.OneHotCategorical(probs=p["probs"])),
    ("OneHotCategoricalST", lambda: dict(logits=real(2, 4)),
     lambda D, p: D.OneHotCategoricalStraightThrough(logits=p["logits"])),
    ("Binomial-p", lambda: dict(n_=np.array([3., 5., 10.]), probs=prob(3)),
     lambda D, p: D.Binomial(p["n_"], probs=p["probs"])),
    ("Binomial-l", lambda: dict(logits=real(2, 3)), lambda D, p: D.Binomial(7, logits=p["logits"])),
    ("Multinomial", lambda: dict(probs=simplex(2, 4)), lambda D, p: D.Multinomial(6, probs=p["probs"])),
    ("Multinomial-l", lambda: dict(logits=real(3)), lambda D, p: D.Multinomial(4, logits=p["logits"])),
    ("Poisson", lambda: dict(rate=pos(2, 3, hi=6)), lambda D, p: D.Poisson(p["rate"])),
    ("Geometric-p", lambda: dict(probs=prob(3)), lambda D, p: D.Geometric(probs=p["probs"])),
    ("Geometric-l", lambda: dict(logits=real(3)), lambda D, p: D.Geometric(logits=p["logits"])),
    ("NegativeBinomial", lambda: dict(tc=pos(3, lo=1, hi=5), probs=prob(3)),
     lambda D, p: D.NegativeBinomial(p["tc"], probs=p["probs"])),
    ("NegativeBinomial-l", lambda: dict(tc=pos(3, lo=1, hi=5), logits=real(3)),
     lambda D, p: D.NegativeBinomial(p["tc"], logits=p["logits"])),
    ("Dirichlet", lambda: dict(c=pos(2, 4, lo=1.1)), lambda D, p: D.Dirichlet(p["c"])),
    ("MVN-cov", lambda: dict(loc=real(2, 3), cov=spd(2, 3, 3)),
     lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["cov"])),
    ("MVN-tril", lambda: dict(loc=real(3), L=tril(2, 3, 3)),
     lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"])),
    ("MVN-prec", lambda: dict(loc=real(3), P=spd(3, 3)),
     lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["P"])),
    ("RelaxedBernoulli", lambda: dict(t_=np.array(0.7), probs=prob(3)),
     lambda D, p: D.RelaxedBernoulli(p["t_"], probs=p["probs"])),
    ("RelaxedOneHotCategorical", lambda: dict(t_=np.array(0.7), logits=real(2, 4)),
     lambda D, p: D.RelaxedOneHotCategorical(p["t_"], logits=p["logits"])),
    ("LogisticNormal", lambda: dict(loc=real(3), scale=pos(3)), lambda D, p: D.LogisticNormal(p["loc"], p["scale"])),
    ("Independent", lambda: dict(loc=real(2, 3), scale=pos(2, 3)),
     lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1)),
    ("MixtureSameFamily", lambda: dict(w=simplex(2, 3), loc=real(2, 3), scale=pos(2, 3)),
     lambda D, p: D.MixtureSameFamily(D.Categorical(probs=p["w"]), D.Normal(p["loc"], p["scale"]))),
    ("TransformedDistribution", lambda: dict(loc=real(3), scale=pos(3)),
     lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]),
                                            [D.ExpTransform(), D.AffineTransform(1.0, 2.0)])),
    ("LogitRelaxedBernoulli", lambda: dict(t_=np.array(0.6), logits=real(2, 3)),
     lambda D, p: D.relaxed_bernoulli.LogitRelaxedBernoulli(p["t_"], logits=p["logits"])),
    ("ExpRelaxedCategorical", lambda: dict(t_=np.array(0.8), probs=simplex(2, 4)),
     lambda D, p: D.relaxed_categorical.ExpRelaxedCategorical(p["t_"], probs=p["probs"])),
    ("ContinuousBernoulli-p", lambda: dict(probs=np.array([0.1, 0.3, 0.4995, 0.5005, 0.8])),
     lambda D, p: D.ContinuousBernoulli(probs=p["probs"])),
    ("ContinuousBernoulli-l", lambda: dict(logits=real(2, 3)), lambda D, p: D.ContinuousBernoulli(logits=p["logits"])),
    ("FisherSnedecor", lambda: dict(df1=np.array([1.5, 3.0, 6.0]), df2=np.array([3.0, 4.5, 10.0])),
     lambda D, p: D.FisherSnedecor(p["df1"], p["df2"])),
    ("Kumaraswamy", lambda: dict(a=pos(2, 3), b=pos(2, 3)), lambda D, p: D.Kumaraswamy(p["a"], p["b"])),
    ("VonMises", lambda: dict(loc=real(4), k=np.array([0.3, 2.0, 3.75, 8.0])),
     lambda D, p: D.VonMises(p["loc"], p["k"])),
    ("GeneralizedPareto", lambda: dict(loc=real(4), scale=pos(4), xi=np.array([-0.3, 0.0, 0.2, 0.7])),
     lambda D, p: D.GeneralizedPareto(p["loc"], p["scale"], p["xi"])),
    ("LowRankMVN", lambda: dict(loc=real(2, 4), W=real(2, 4, 2), d=pos(4)),
     lambda D, p: D.LowRankMultivariateNormal(p["loc"], p["W"], p["d"])),
    ("LKJCholesky", lambda: dict(c=np.array([0.5, 1.0, 2.5])), lambda D, p: D.LKJCholesky(3, p["c"])),
    ("Wishart-cov", lambda: dict(df=np.array([4.0, 6.5]), cov=spd(2, 3, 3)),
     lambda D, p: D.Wishart(p["df"], covariance_matrix=p["cov"])),
    ("Wishart-tril", lambda: dict(L=tril(3, 3)), lambda D, p: D.Wishart(5.0, scale_tril=p["L"])),
    ("Wishart-prec", lambda: dict(df=np.array(4.5), P=spd(2, 2)),
     lambda D, p: D.Wishart(p["df"], precision_matrix=p["P"])),
]



ARRAYS = {c[0]: {k: np.asarray(v, dtype=np.float64) for k, v in c[1]().items()} for c in CASES}
IDS = [c[0] for c in CASES]


def instantiate(case, lib, dtype, requires_grad=True, arrays=None):
    """(distribution, param tensors) for lib in {'torch', 'nt'}; params are leaves of `dtype`."""
    import torch
    import numtorch as nt
    name, _, fn = case
    out = {}
    for k, a in (ARRAYS[name] if arrays is None else arrays).items():
        a = a.astype(dtype)
        t = torch.from_numpy(a.copy()) if lib == "torch" else nt.from_numpy(a.copy())
        if requires_grad and not k.endswith("_"):
            t.requires_grad_(True)
        out[k] = t
    D = torch.distributions if lib == "torch" else nt.distributions
    return fn(D, out), out
