"""Activations (module, functional, in-place) against PyTorch: values, gradients, kinks, extremes."""
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn as nn
import numtorch.nn.functional as F
from conftest import torch, to_torch, to_nt, assert_close

TF = torch.nn.functional

# name -> (numtorch fn, torch fn); each takes one tensor
FUNCS = {
    "relu": (F.relu, TF.relu),
    "relu6": (F.relu6, TF.relu6),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    "leaky_relu_default": (F.leaky_relu, TF.leaky_relu),
    "elu": (lambda x: F.elu(x, 0.7), lambda x: TF.elu(x, 0.7)),
    "selu": (F.selu, TF.selu),
    "celu": (lambda x: F.celu(x, 1.5), lambda x: TF.celu(x, 1.5)),
    "gelu": (F.gelu, TF.gelu),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh")),
    "silu": (F.silu, TF.silu),
    "mish": (F.mish, TF.mish),
    "softplus": (F.softplus, TF.softplus),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=5.0),
                      lambda x: TF.softplus(x, beta=2.0, threshold=5.0)),
    "softsign": (F.softsign, TF.softsign),
    "hardtanh": (F.hardtanh, TF.hardtanh),
    "hardtanh_range": (lambda x: F.hardtanh(x, -2.0, 3.0), lambda x: TF.hardtanh(x, -2.0, 3.0)),
    "hardsigmoid": (F.hardsigmoid, TF.hardsigmoid),
    "hardswish": (F.hardswish, TF.hardswish),
    "logsigmoid": (F.logsigmoid, TF.logsigmoid),
    "tanhshrink": (F.tanhshrink, TF.tanhshrink),
    "softshrink": (F.softshrink, TF.softshrink),
    "hardshrink": (F.hardshrink, TF.hardshrink),
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), lambda x: TF.threshold(x, 0.5, -2.0)),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "rrelu_eval": (F.rrelu, TF.rrelu),
    "softmax": (lambda x: F.softmax(x, dim=-1), lambda x: TF.softmax(x, dim=-1)),
    "log_softmax": (lambda x: F.log_softmax(x, dim=0), lambda x: TF.log_softmax(x, dim=0)),
    "softmin": (lambda x: F.softmin(x, dim=1), lambda x: TF.softmin(x, dim=1)),
    "glu": (lambda x: F.glu(x, 1), lambda x: TF.glu(x, 1)),
}

# the kinks and thresholds of all of them, exactly representable in float32
KINKS = [-3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 6.0, 10.0, 20.0, -6.0, 2.5, -2.5]


def _check(name, x_np, rtol, atol):
    fn, tfn = FUNCS[name]
    x = nt.tensor(x_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=True)
    y, ty = fn(x), tfn(tx)
    assert_close(y, ty, rtol=rtol, atol=atol)
    g = np.random.default_rng(1).standard_normal(ty.shape).astype(x_np.dtype)
    y.backward(nt.tensor(g))
    ty.backward(torch.tensor(g))
    assert_close(x.grad, tx.grad, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_and_grads(name, dtype, rng):
    x = (rng.standard_normal((4, 6)) * 3).astype(dtype)
    tol = (1e-5, 1e-6) if dtype == np.float32 else (1e-10, 1e-12)
    _check(name, x, *tol)


@pytest.mark.parametrize("name", sorted(n for n in FUNCS if n not in ("softmax", "log_softmax", "softmin", "glu")))
def test_kinks(name):
    # gradients exactly at x = 0 and at every threshold must be PyTorch's choice
    x = np.array(KINKS + [-k for k in KINKS], dtype=np.float32).reshape(4, 8)
    _check(name, x, 1e-5, 1e-6)


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs(name, dtype):
    x = np.array([[-1000.0, -100.0, -30.0, -15.0, 15.0, 30.0, 100.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warnings from NumPy
        fn, tfn = FUNCS[name]
        x_nt = nt.tensor(x, requires_grad=True)
        y = fn(x_nt)
        y.sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    ty = tfn(tx)
    ty.sum().backward()
    assert np.isfinite(y._data).all() or not np.isfinite(ty.detach().numpy()).all()
    assert_close(y, ty, rtol=1e-5, atol=1e-6)
    assert_close(x_nt.grad, tx.grad, rtol=1e-5, atol=1e-6)


SECOND = ["elu", "selu", "celu", "gelu", "gelu_tanh", "silu", "mish", "softplus", "softplus_beta", "logsigmoid",
          "hardswish", "softsign", "tanhshrink", "sigmoid", "tanh", "leaky_relu", "softmax", "glu"]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivative(name, rng):
    fn, tfn = FUNCS[name]
    x_np = (rng.standard_normal((3, 4)) * 2).astype(np.float64)
    x = nt.tensor(x_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=True)
    (g,) = nt.autograd.grad(fn(x).pow(2).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(tfn(tx).pow(2).sum(), tx, create_graph=True)
    assert_close(g, tg, rtol=1e-9, atol=1e-11)
    (gg,) = nt.autograd.grad((g * g).sum(), x)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    assert_close(gg, tgg, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["elu", "selu", "gelu", "gelu_tanh", "silu", "mish", "softplus", "logsigmoid",
                                  "hardswish", "celu"])
def test_gradcheck(name, rng):
    fn, _ = FUNCS[name]
    # keep away from kinks (hardswish at +-3) where finite differences are not defined
    x = nt.tensor(rng.uniform(-2.5, 2.5, (2, 3)), requires_grad=True)
    assert nt.autograd.gradcheck(fn, (x,))
    assert nt.autograd.gradgradcheck(fn, (x,))


def test_prelu(rng):
    x_np = rng.standard_normal((2, 3, 4)).astype(np.float32)
    x_np[0, 0, 0] = 0.0
    for n in (1, 3):
        m = nn.PReLU(n, init=0.2)
        tm = torch.nn.PReLU(n, init=0.2)
        assert repr(m) == repr(tm)
        assert list(m.state_dict()) == list(tm.state_dict())
        with nt.no_grad():
            m.weight.copy_(nt.tensor(np.linspace(0.1, 0.3, n).astype(np.float32)))
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(np.linspace(0.1, 0.3, n).astype(np.float32)))
        x, tx = nt.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
        y, ty = m(x), tm(tx)
        assert_close(y, ty)
        y.sum().backward()
        ty.sum().backward()
        assert_close(x.grad, tx.grad)
        assert_close(m.weight.grad, tm.weight.grad, rtol=1e-5, atol=1e-5)
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        nn.PReLU(4)(nt.tensor(x_np))
    assert_close(nt.prelu(nt.tensor(x_np), nt.tensor([0.25])), torch.prelu(torch.tensor(x_np), torch.tensor([0.25])))


def test_rrelu_training_slopes_in_range(rng):
    nt.manual_seed(0)
    x = nt.tensor(-np.abs(rng.standard_normal(1000)).astype(np.float32) - 0.1, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = (y / x).detach()._data
    assert slopes.min() >= 0.1 - 1e-6 and slopes.max() <= 0.3 + 1e-6 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad._data, slopes, rtol=1e-6)
    m = nn.RReLU(0.1, 0.3)
    m.eval()
    assert_close(m(nt.tensor([-1.0, 2.0])), torch.nn.RReLU(0.1, 0.3).eval()(torch.tensor([-1.0, 2.0])))


INPLACE = [
    ("relu", lambda x: F.relu(x, inplace=True), lambda x: TF.relu(x, inplace=True)),
    ("relu_", F.relu_, TF.relu_),
    ("Tensor.relu_", lambda x: x.relu_(), lambda x: x.relu_()),
    ("leaky_relu_", lambda x: F.leaky_relu_(x, 0.2), lambda x: TF.leaky_relu_(x, 0.2)),
    ("elu_", lambda x: F.elu_(x, 0.5), lambda x: TF.elu_(x, 0.5)),
    ("selu", lambda x: F.selu(x, inplace=True), lambda x: TF.selu(x, inplace=True)),
    ("celu", lambda x: F.celu(x, 2.0, inplace=True), lambda x: TF.celu(x, 2.0, inplace=True)),
    ("hardtanh_", F.hardtanh_, TF.hardtanh_),
    ("relu6", lambda x: F.relu6(x, inplace=True), lambda x: TF.relu6(x, inplace=True)),
    ("threshold_", lambda x: F.threshold_(x, 0.1, 5.0), lambda x: TF.threshold_(x, 0.1, 5.0)),
    ("silu", lambda x: F.silu(x, inplace=True), lambda x: TF.silu(x, inplace=True)),
    ("mish", lambda x: F.mish(x, inplace=True), lambda x: TF.mish(x, inplace=True)),
    ("hardswish", lambda x: F.hardswish(x, inplace=True), lambda x: TF.hardswish(x, inplace=True)),
    ("hardsigmoid", lambda x: F.hardsigmoid(x, inplace=True), lambda x: TF.hardsigmoid(x, inplace=True)),
    ("ReLU(inplace)", nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
    ("LeakyReLU(inplace)", nn.LeakyReLU(0.3, inplace=True), torch.nn.LeakyReLU(0.3, inplace=True)),
    ("ELU(inplace)", nn.ELU(inplace=True), torch.nn.ELU(inplace=True)),
]


@pytest.mark.parametrize("name,fn,tfn", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace(name, fn, tfn, rng):
    x_np = (rng.standard_normal((3, 5)) * 3).astype(np.float32)
    # in place on a non-leaf: same storage, same values, gradients flow through the in-place op
    a = nt.tensor(x_np, requires_grad=True)
    ta = torch.tensor(x_np, requires_grad=True)
    h, th = a * 2, ta * 2
    r, tr = fn(h), tfn(th)
    assert r is h
    assert_close(h, th)
    (r * r).sum().backward()
    (tr * tr).sum().backward()
    assert_close(a.grad, ta.grad, rtol=1e-5, atol=1e-5)
    # without autograd: writes into the tensor's memory
    b = nt.tensor(x_np)
    tb = torch.tensor(x_np)
    ptr = b.data_ptr()
    fn(b)
    tfn(tb)
    assert b.data_ptr() == ptr
    assert_close(b, tb)
    # on a leaf that requires grad: PyTorch's error
    with pytest.raises(RuntimeError, match="leaf Variable"):
        fn(nt.tensor(x_np, requires_grad=True))


MODULES = [
    (lambda m: m.Sigmoid(), ()), (lambda m: m.Tanh(), ()), (lambda m: m.ReLU(), ()),
    (lambda m: m.ReLU(inplace=True), ()), (lambda m: m.ReLU6(), ()), (lambda m: m.ReLU6(True), ()),
    (lambda m: m.LeakyReLU(), ()), (lambda m: m.LeakyReLU(negative_slope=0.1), ()),
    (lambda m: m.LeakyReLU(0.2, True), ()), (lambda m: m.ELU(), ()), (lambda m: m.ELU(alpha=0.5, inplace=True), ()),
    (lambda m: m.SELU(), ()), (lambda m: m.SELU(inplace=True), ()), (lambda m: m.CELU(2.0), ()),
    (lambda m: m.GELU(), ()), (lambda m: m.GELU(approximate="tanh"), ()), (lambda m: m.SiLU(), ()),
    (lambda m: m.Mish(), ()), (lambda m: m.Softplus(), ()), (lambda m: m.Softplus(beta=2, threshold=10), ()),
    (lambda m: m.Softsign(), ()), (lambda m: m.Hardtanh(), ()), (lambda m: m.Hardtanh(-2.0, 2.0, True), ()),
    (lambda m: m.Hardsigmoid(), ()), (lambda m: m.Hardswish(), ()), (lambda m: m.LogSigmoid(), ()),
    (lambda m: m.Tanhshrink(), ()), (lambda m: m.Softshrink(), ()), (lambda m: m.Softshrink(0.3), ()),
    (lambda m: m.Hardshrink(), ()), (lambda m: m.Threshold(0.1, 20), ()), (lambda m: m.Threshold(0.1, 20.0, True), ()),
    (lambda m: m.Softmax(dim=1), ()), (lambda m: m.LogSoftmax(dim=-1), ()), (lambda m: m.Softmin(1), ()),
    (lambda m: m.Softmax2d(), ()), (lambda m: m.GLU(), ()), (lambda m: m.GLU(dim=2), ()), (lambda m: m.PReLU(), ()),
    (lambda m: m.PReLU(3, 0.1), ()), (lambda m: m.RReLU(), ()), (lambda m: m.RReLU(0.1, 0.2, True), ()),
]


@pytest.mark.parametrize("make,_", MODULES, ids=[repr(c[0](torch.nn)) for c in MODULES])
def test_modules_repr_and_forward(make, _, rng):
    m, tm = make(nn), make(torch.nn)
    assert repr(m) == repr(tm)
    assert str(m) == str(tm)
    m.eval()
    tm.eval()
    x_np = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    x, tx = nt.tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    y, ty = m(x * 1), tm(tx * 1)
    assert_close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-5, atol=1e-5)


def test_softmax_implicit_dim_warns():
    x = nt.tensor(np.ones((2, 3), np.float32))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(x)
    with pytest.warns(UserWarning):
        ty = torch.nn.Softmax()(torch.ones(2, 3))
    assert_close(y, ty)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        F.log_softmax(x)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        nn.Softmin()(x)


def test_errors():
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(nt.ones(2, 3))
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        TF.glu(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        F.softshrink(nt.ones(2), -1.0)
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
        nn.Softmax2d()(nt.ones(2, 3))
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
        torch.nn.Softmax2d()(torch.ones(2, 3))


def test_top_level_and_methods(rng):
    x_np = rng.standard_normal((3, 4)).astype(np.float32)
    x, tx = nt.tensor(x_np), torch.tensor(x_np)
    assert_close(nt.selu(x), torch.selu(tx))
    assert_close(nt.celu(x), torch.celu(tx))
    assert_close(nt.hardshrink(x, 0.3), torch.hardshrink(tx, 0.3))
    assert_close(x.hardshrink(0.3), tx.hardshrink(0.3))
    assert_close(nt.threshold(x, 0.1, 2.0), torch.threshold(tx, 0.1, 2.0))
    assert_close(x.relu(), tx.relu())
    assert_close(x.sigmoid(), tx.sigmoid())
    assert_close(x.softmax(-1), tx.softmax(-1))


def test_leaky_relu_seed_grad():
    # the seed program plots leaky_relu(x, 0.1) and its gradient on linspace(-10, 10, 100)
    x = nt.linspace(-10, 10, 100, requires_grad=True)
    tx = torch.linspace(-10, 10, 100, requires_grad=True)
    y, ty = F.leaky_relu(x, 0.1), TF.leaky_relu(tx, 0.1)
    y.sum().backward()
    ty.sum().backward()
    assert_close(y, ty)
    assert_close(x.grad, tx.grad)
    assert y.grad_fn.name() == ty.grad_fn.name()
