"""nn.utils.parametrize, nn.utils.parametrizations.weight_norm / spectral_norm and the legacy weight_norm /
spectral_norm hooks against torch: state_dict keys and shapes, loading torch weights, outputs, gradients."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

NP = nt.nn.utils.parametrize
TP = torch.nn.utils.parametrize
NZ = nt.nn.utils.parametrizations
TZ = torch.nn.utils.parametrizations


def _load(mn, mt):
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})


def _keys(m):
    return {k: tuple(v.shape) for k, v in m.state_dict().items()}


def test_all_names():
    assert sorted(NP.__all__) == sorted(TP.__all__)
    assert sorted(NZ.__all__) == sorted(TZ.__all__)


class _Sym:
    """X -> X + X^T (with a right inverse: the upper triangle)."""

    @staticmethod
    def make(M):
        class Symmetric(M.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)

            def right_inverse(self, A):
                return A.triu()
        return Symmetric()


def test_register_remove_custom(rng):
    torch.manual_seed(0)
    mt, mn = torch.nn.Linear(3, 3), nt.nn.Linear(3, 3)
    _load(mn, mt)
    TP.register_parametrization(mt, "weight", _Sym.make(torch))
    NP.register_parametrization(mn, "weight", _Sym.make(nt))
    assert type(mn).__name__ == type(mt).__name__ == "ParametrizedLinear"
    assert NP.is_parametrized(mn) and NP.is_parametrized(mn, "weight") and not NP.is_parametrized(mn, "bias")
    assert NP.type_before_parametrizations(mn) is nt.nn.Linear
    assert _keys(mn) == _keys(mt)
    assert_close(mn.weight, mt.weight)
    assert_close(mn.parametrizations.weight.original, mt.parametrizations.weight.original)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
    assert_close(yn, yt)
    yn.sum().backward()
    yt.sum().backward()
    assert_close(mn.parametrizations.weight.original.grad, mt.parametrizations.weight.original.grad)
    # assignment goes through right_inverse
    A = rng.standard_normal((3, 3)).astype(np.float32)
    with nt.no_grad():
        mn.weight = nt.tensor(A)
    with torch.no_grad():
        mt.weight = torch.tensor(A)
    assert_close(mn.parametrizations.weight.original, mt.parametrizations.weight.original)
    with NP.cached():
        assert mn.weight is mn.weight
    assert mn.weight is not mn.weight
    NP.remove_parametrizations(mn, "weight")
    TP.remove_parametrizations(mt, "weight")
    assert type(mn) is nt.nn.Linear and type(mt) is torch.nn.Linear
    assert isinstance(mn.weight, nt.nn.Parameter)
    assert_close(mn.weight, mt.weight)
    assert _keys(mn) == _keys(mt)
    with pytest.raises(ValueError):
        NP.remove_parametrizations(mn, "weight")
    with pytest.raises(ValueError):
        NP.register_parametrization(mn, "nope", _Sym.make(nt))


def test_chained_and_leave_unparametrized():
    class Double(nt.nn.Module):
        def forward(self, x):
            return 2 * x

    m = nt.nn.Linear(2, 2)
    w0 = m.weight.detach().clone()
    NP.register_parametrization(m, "weight", Double())
    NP.register_parametrization(m, "weight", Double())
    assert_close(m.weight, (4 * w0))
    NP.remove_parametrizations(m, "weight", leave_parametrized=False)
    assert_close(m.weight, w0)


@pytest.mark.parametrize("dim", [0, 1, -1, None])
def test_weight_norm_parametrization(rng, dim):
    torch.manual_seed(1)
    mt, mn = torch.nn.Conv2d(3, 4, 3), nt.nn.Conv2d(3, 4, 3)
    TZ.weight_norm(mt, dim=dim)
    NZ.weight_norm(mn, dim=dim)
    assert _keys(mn) == _keys(mt)
    _load(mn, mt)
    assert repr(mn) == repr(mt)
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
    assert_close(yn, yt, atol=1e-5)
    yn.square().sum().backward()
    yt.square().sum().backward()
    for k in ("original0", "original1"):
        assert_close(getattr(mn.parametrizations.weight, k).grad, getattr(mt.parametrizations.weight, k).grad,
                     atol=1e-4, rtol=1e-4)


def test_weight_norm_initial_values_and_legacy_keys(rng):
    torch.manual_seed(2)
    lin = torch.nn.Linear(4, 3)
    mn = nt.nn.Linear(4, 3)
    _load(mn, lin)
    NZ.weight_norm(mn)
    TZ.weight_norm(lin)
    for k, v in lin.state_dict().items():
        assert_close(mn.state_dict()[k], v, atol=1e-6)
    # a legacy checkpoint (weight_g, weight_v) loads into the parametrization
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        legacy = torch.nn.utils.weight_norm(torch.nn.Linear(4, 3))
    mn.load_state_dict({k: to_nt(v) for k, v in legacy.state_dict().items()})
    x = rng.standard_normal((2, 4)).astype(np.float32)
    assert_close(mn(nt.tensor(x)), legacy(torch.tensor(x)), atol=1e-6)


def test_legacy_weight_norm(rng):
    torch.manual_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt = torch.nn.utils.weight_norm(torch.nn.Linear(4, 3), dim=0)
    with pytest.warns(FutureWarning, match="deprecated"):
        mn = nt.nn.utils.weight_norm(nt.nn.Linear(4, 3), dim=0)
    assert _keys(mn) == _keys(mt)
    _load(mn, mt)
    x = rng.standard_normal((2, 4)).astype(np.float32)
    yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
    assert_close(yn, yt, atol=1e-6)
    yn.sum().backward()
    yt.sum().backward()
    assert_close(mn.weight_g.grad, mt.weight_g.grad, atol=1e-5)
    assert_close(mn.weight_v.grad, mt.weight_v.grad, atol=1e-5)
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm"):
        nt.nn.utils.weight_norm(mn)
    nt.nn.utils.remove_weight_norm(mn)
    torch.nn.utils.remove_weight_norm(mt)
    assert _keys(mn) == _keys(mt)
    assert_close(mn.weight, mt.weight, atol=1e-6)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nt.nn.utils.remove_weight_norm(mn)


@pytest.mark.parametrize("cls,args", [("Linear", (5, 4)), ("Conv2d", (3, 4, 3)), ("ConvTranspose2d", (3, 4, 3))])
def test_spectral_norm_parametrization(rng, cls, args):
    torch.manual_seed(4)
    mt, mn = getattr(torch.nn, cls)(*args), getattr(nt.nn, cls)(*args)
    TZ.spectral_norm(mt)
    NZ.spectral_norm(mn)
    assert _keys(mn) == _keys(mt)
    _load(mn, mt)          # the power-iteration vectors come from torch
    shape = (2, 5) if cls == "Linear" else (2, 3, 6, 6)
    x = rng.standard_normal(shape).astype(np.float32)
    for train in (True, True, False):
        mn.train(train)
        mt.train(train)
        yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
        assert_close(yn, yt, atol=1e-5, rtol=1e-4)
    assert_close(mn.parametrizations.weight[0]._u, mt.parametrizations.weight[0]._u, atol=1e-5)
    mn.train()
    mt.train()
    yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
    yn.square().sum().backward()
    yt.square().sum().backward()
    assert_close(mn.parametrizations.weight.original.grad, mt.parametrizations.weight.original.grad,
                 atol=1e-4, rtol=1e-3)


def test_spectral_norm_parametrization_errors():
    with pytest.raises(ValueError) as e1:
        NZ.spectral_norm(nt.nn.Linear(2, 2), name="nope")
    with pytest.raises(ValueError) as e2:
        TZ.spectral_norm(torch.nn.Linear(2, 2), name="nope")
    assert str(e1.value).split("'")[2:] == str(e2.value).split("'")[2:]


def test_legacy_spectral_norm(rng):
    torch.manual_seed(5)
    mt = torch.nn.utils.spectral_norm(torch.nn.Conv2d(2, 3, 3))
    mn = nt.nn.utils.spectral_norm(nt.nn.Conv2d(2, 3, 3))
    assert _keys(mn) == _keys(mt)
    _load(mn, mt)
    x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    for train in (True, True, False):
        mn.train(train)
        mt.train(train)
        assert_close(mn(nt.tensor(x)), mt(torch.tensor(x)), atol=1e-5, rtol=1e-4)
    assert_close(mn.weight_u, mt.weight_u, atol=1e-5)
    mn.train()
    mt.train()
    yn, yt = mn(nt.tensor(x)), mt(torch.tensor(x))
    yn.sum().backward()
    yt.sum().backward()
    assert_close(mn.weight_orig.grad, mt.weight_orig.grad, atol=1e-4, rtol=1e-3)
    nt.nn.utils.remove_spectral_norm(mn)
    torch.nn.utils.remove_spectral_norm(mt)
    assert _keys(mn) == _keys(mt)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nt.nn.utils.remove_spectral_norm(mn)


def test_weight_norm_second_order(rng):
    """Gradients of gradients through weight_norm (double precision, against torch)."""
    torch.manual_seed(6)
    mt, mn = torch.nn.Linear(3, 2, dtype=torch.float64), nt.nn.Linear(3, 2, dtype=nt.float64)
    TZ.weight_norm(mt)
    NZ.weight_norm(mn)
    _load(mn, mt)
    x = rng.standard_normal((4, 3))
    xn, xt = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gn, = nt.autograd.grad(mn(xn).pow(2).sum(), xn, create_graph=True)
    gt, = torch.autograd.grad(mt(xt).pow(2).sum(), xt, create_graph=True)
    assert_close(gn, gt, rtol=1e-10, atol=1e-12)
    gn.pow(2).sum().backward()
    gt.pow(2).sum().backward()
    assert_close(mn.parametrizations.weight.original1.grad, mt.parametrizations.weight.original1.grad,
                 rtol=1e-9, atol=1e-12)
