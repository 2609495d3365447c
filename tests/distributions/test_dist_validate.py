"""validate_args: invalid parameters and out-of-support values raise ValueError with PyTorch's message."""
import numpy as np
import pytest

from conftest import torch
import numtorch as nt

BAD_PARAMS = [
    ("Normal", lambda D, T: D.Normal(T([0.0, 1.0]), T([1.0, -1.0]))),
    ("Exponential", lambda D, T: D.Exponential(T([0.0]))),
    ("Bernoulli", lambda D, T: D.Bernoulli(probs=T([0.5, 1.5]))),
    ("Categorical", lambda D, T: D.Categorical(probs=T([[0.5, -0.1, 0.6]]))),
    ("Uniform", lambda D, T: D.Uniform(T([0.0, 2.0]), T([1.0, 1.0]))),
    ("Gamma", lambda D, T: D.Gamma(T([1.0]), T([-2.0]))),
    ("Beta", lambda D, T: D.Beta(T([1.0]), T([0.0]))),
    ("Dirichlet", lambda D, T: D.Dirichlet(T([[1.0, -1.0]]))),
    ("Poisson", lambda D, T: D.Poisson(T([-1.0]))),
    ("Binomial", lambda D, T: D.Binomial(T([2.5]), probs=T([0.5]))),
    ("MVN", lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), covariance_matrix=T([[1.0, 2.0], [2.0, 3.0]]))),
    ("StudentT", lambda D, T: D.StudentT(T([-1.0]))),
    ("Pareto", lambda D, T: D.Pareto(T([1.0]), T([0.0]))),
]

BAD_VALUES = [
    ("Normal", lambda D, T: D.Normal(T([0.0]), T([1.0])), [float("nan")]),
    ("Exponential", lambda D, T: D.Exponential(T([1.0])), [-1.0]),
    ("Bernoulli", lambda D, T: D.Bernoulli(probs=T([0.5])), [0.5]),
    ("Categorical", lambda D, T: D.Categorical(probs=T([0.5, 0.5])), [2.0]),
    ("Beta", lambda D, T: D.Beta(T([1.0]), T([2.0])), [1.5]),
    ("Poisson", lambda D, T: D.Poisson(T([1.0])), [1.5]),
    ("Dirichlet", lambda D, T: D.Dirichlet(T([1.0, 1.0])), [0.3, 0.3]),
    ("Uniform", lambda D, T: D.Uniform(T([0.0]), T([1.0])), [1.5]),
    ("LogNormal", lambda D, T: D.LogNormal(T([0.0]), T([1.0])), [-1.0]),
]


def _lib(name):
    if name == "torch":
        return torch.distributions, (lambda v: torch.tensor(v))
    return nt.distributions, (lambda v: nt.tensor(v))


def _first_line(e):
    return str(e).split("\n")[0]


@pytest.mark.parametrize("name,fn", BAD_PARAMS, ids=[c[0] for c in BAD_PARAMS])
def test_invalid_parameters(name, fn):
    with pytest.raises(ValueError) as te:
        fn(*_lib("torch"), )
    with pytest.raises(ValueError) as ne:
        fn(*_lib("nt"))
    assert _first_line(ne.value) == _first_line(te.value)
    # with validation off both construct (or both fail the same way, MVN's cholesky)
    outcome = {}
    for lib, mod in (("torch", torch.distributions), ("nt", nt.distributions)):
        try:
            mod.Distribution.set_default_validate_args(False)
            fn(*_lib(lib))
            outcome[lib] = None
        except Exception as e:  # noqa: BLE001 -- compared below
            outcome[lib] = (type(e).__name__, str(e))
        finally:
            mod.Distribution.set_default_validate_args(True)
    assert outcome["nt"] == outcome["torch"]


@pytest.mark.parametrize("name,fn,value", BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_out_of_support(name, fn, value):
    D, T = _lib("torch")
    with pytest.raises(ValueError) as te:
        fn(D, T).log_prob(T(value))
    D, T = _lib("nt")
    with pytest.raises(ValueError) as ne:
        fn(D, T).log_prob(T(value))
    assert _first_line(ne.value) == _first_line(te.value)


def test_shape_mismatch_and_non_tensor():
    for lib in ("torch", "nt"):
        D, T = _lib(lib)
        d = D.MultivariateNormal(T([0.0, 0.0]), T([[1.0, 0.0], [0.0, 1.0]]))
        with pytest.raises(ValueError, match="right-most size of value must match event_shape"):
            d.log_prob(T([0.0, 0.0, 0.0]))
        with pytest.raises(ValueError, match="must be a Tensor"):
            D.Normal(T([0.0]), T([1.0])).log_prob(0.0)
        with pytest.raises(ValueError, match="not broadcastable"):
            D.Normal(T([0.0, 1.0]), T([1.0, 1.0])).log_prob(T([0.0, 1.0, 2.0]))


def test_probs_logits_exclusive():
    for lib in ("torch", "nt"):
        D, T = _lib(lib)
        with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
            D.Bernoulli(probs=T([0.5]), logits=T([0.0]))
        with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
            D.Categorical()

