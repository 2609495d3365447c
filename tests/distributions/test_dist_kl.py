"""kl_divergence for every pair PyTorch registers, against torch.distributions.kl_divergence (values and
gradients w.r.t. both distributions' parameters)."""
import numpy as np
import pytest

from conftest import torch, to_nt, assert_close
import numtorch as nt

R = np.random.default_rng(7)
B = (2, 3)


def _p(*shape, lo=0.5, hi=3.0):
    return R.uniform(lo, hi, size=shape)


# type name -> (param arrays, builder(D, params)); supports are chosen so that finite pairs are finite
MAKERS = {
    "Bernoulli": (lambda: dict(probs=_p(*B, lo=0.1, hi=0.9)), lambda D, p: D.Bernoulli(probs=p["probs"])),
    "Beta": (lambda: dict(a=_p(*B, lo=1.5), b=_p(*B, lo=1.5)), lambda D, p: D.Beta(p["a"], p["b"])),
    "Binomial": (lambda: dict(probs=_p(*B, lo=0.1, hi=0.9)), lambda D, p: D.Binomial(5, probs=p["probs"])),
    "Categorical": (lambda: dict(logits=R.normal(size=B + (4,))), lambda D, p: D.Categorical(logits=p["logits"])),
    "Cauchy": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)), lambda D, p: D.Cauchy(p["loc"], p["scale"])),
    "ContinuousBernoulli": (lambda: dict(probs=_p(*B, lo=0.1, hi=0.9)),
                            lambda D, p: D.ContinuousBernoulli(probs=p["probs"])),
    "Dirichlet": (lambda: dict(c=_p(*B, 4)), lambda D, p: D.Dirichlet(p["c"])),
    "Exponential": (lambda: dict(rate=_p(*B)), lambda D, p: D.Exponential(p["rate"])),
    "Gamma": (lambda: dict(c=_p(*B), rate=_p(*B)), lambda D, p: D.Gamma(p["c"], p["rate"])),
    "Geometric": (lambda: dict(probs=_p(*B, lo=0.1, hi=0.9)), lambda D, p: D.Geometric(probs=p["probs"])),
    "Gumbel": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)), lambda D, p: D.Gumbel(p["loc"], p["scale"])),
    "HalfNormal": (lambda: dict(scale=_p(*B)), lambda D, p: D.HalfNormal(p["scale"])),
    "Independent": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)),
                    lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1)),
    "Laplace": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)), lambda D, p: D.Laplace(p["loc"], p["scale"])),
    "LowRankMultivariateNormal": (lambda: dict(loc=R.normal(size=B + (3,)), W=R.normal(size=B + (3, 2)),
                                               d=_p(*B, 3)),
                                  lambda D, p: D.LowRankMultivariateNormal(p["loc"], p["W"], p["d"])),
    "MultivariateNormal": (lambda: dict(loc=R.normal(size=B + (3,)),
                                        L=np.tril(R.normal(size=B + (3, 3)), -1) + np.eye(3) * _p(*B, 3)[..., None]),
                           lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"])),
    "Normal": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)), lambda D, p: D.Normal(p["loc"], p["scale"])),
    "OneHotCategorical": (lambda: dict(logits=R.normal(size=B + (4,))),
                          lambda D, p: D.OneHotCategorical(logits=p["logits"])),
    "Pareto": (lambda: dict(scale=_p(*B), alpha=_p(*B, lo=2.5)), lambda D, p: D.Pareto(p["scale"], p["alpha"])),
    "Poisson": (lambda: dict(rate=_p(*B)), lambda D, p: D.Poisson(p["rate"])),
    "TransformedDistribution": (lambda: dict(loc=R.normal(size=B), scale=_p(*B)),
                                lambda D, p: D.TransformedDistribution(D.Normal(p["loc"], p["scale"]),
                                                                       [D.ExpTransform()])),
    "Uniform": (lambda: dict(low=R.uniform(0.1, 0.3, size=B), high=R.uniform(0.6, 0.9, size=B)),
                lambda D, p: D.Uniform(p["low"], p["high"])),
}


def _pairs():
    names = sorted((a.__name__, b.__name__) for a, b in torch.distributions.kl._KL_REGISTRY)
    return [p for p in names if p[0] in MAKERS and p[1] in MAKERS]


def _build(name, lib, arrays, dtype):
    mk, fn = MAKERS[name]
    ts = {}
    for k, a in arrays.items():
        t = (torch.from_numpy if lib == "torch" else nt.from_numpy)(a.astype(dtype))
        ts[k] = t.requires_grad_(True)
    return fn(torch.distributions if lib == "torch" else nt.distributions, ts), ts


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("pair", _pairs(), ids=lambda p: f"{p[0]}-{p[1]}")
def test_kl_pair(pair, dtype):
    a1, a2 = MAKERS[pair[0]][0](), MAKERS[pair[1]][0]()
    tp, tpp = _build(pair[0], "torch", a1, dtype)
    tq, tqp = _build(pair[1], "torch", a2, dtype)
    npd, npp = _build(pair[0], "nt", a1, dtype)
    nq, nqp = _build(pair[1], "nt", a2, dtype)
    tk = torch.distributions.kl_divergence(tp, tq)
    nk = nt.distributions.kl_divergence(npd, nq)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    assert_close(nk, tk, **tol)
    if not torch.isfinite(tk).all() or tk.grad_fn is None:
        return
    leaves = list(tpp.values()) + list(tqp.values())
    tg = torch.autograd.grad(tk.sum(), leaves, allow_unused=True)
    nk.sum().backward()
    for nleaf, g in zip(list(npp.values()) + list(nqp.values()), tg):
        if g is None:
            assert nleaf.grad is None or not np.any(nleaf.grad.numpy())
        else:
            assert_close(nleaf.grad, g, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10)


def test_registry_covers_torch():
    ours = {(a.__name__, b.__name__) for a, b in nt.distributions.kl._KL_REGISTRY}
    theirs = {(a.__name__, b.__name__) for a, b in torch.distributions.kl._KL_REGISTRY}
    assert theirs - ours == set()


def test_unregistered_pair():
    msgs = []
    for D, T in ((torch.distributions, torch.tensor), (nt.distributions, nt.tensor)):
        with pytest.raises(NotImplementedError) as e:
            D.kl_divergence(D.Cauchy(T([0.0]), T([1.0])), D.Normal(T([0.0]), T([1.0])))
        msgs.append(str(e.value))
    assert msgs[1] == msgs[0]


def test_exponential_family_bregman_fallback():
    """Families with no closed-form pair go through the Bregman divergence of the log-normalizer."""
    tp = torch.distributions.Wishart(torch.tensor([4.0, 5.5], dtype=torch.float64), torch.eye(2, dtype=torch.float64))
    tq = torch.distributions.Wishart(torch.tensor(6.0, dtype=torch.float64),
                                     torch.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=torch.float64))
    np_ = nt.distributions.Wishart(to_nt(tp.df), to_nt(torch.eye(2, dtype=torch.float64)))
    nq = nt.distributions.Wishart(to_nt(tq.df), to_nt(tq.covariance_matrix))
    assert_close(nt.distributions.kl_divergence(np_, nq), torch.distributions.kl_divergence(tp, tq), rtol=1e-9)
    with pytest.raises(NotImplementedError):
        nt.distributions.kl_divergence(nt.distributions.Dirichlet(nt.ones(3)),
                                       nt.distributions.Wishart(4.0, nt.eye(3)))
