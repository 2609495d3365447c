"""nn.init: gains and fans equal PyTorch's; the sampled values have the right bounds and statistics."""
import math
import warnings

import numpy as np
import pytest

import numtorch as nt
from numtorch.nn import init
from conftest import torch, assert_close

TI = torch.nn.init


@pytest.mark.parametrize("nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                                      ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                                      ("leaky_relu", math.sqrt(5)), ("leaky_relu", 3), ("selu", None),
                                      ("conv_transpose2d", None)])
def test_calculate_gain(nl, param):
    assert init.calculate_gain(nl, param) == TI.calculate_gain(nl, param)


def test_calculate_gain_errors():
    for args in [("swish",), ("leaky_relu", "x"), ("leaky_relu", True)]:
        with pytest.raises(ValueError) as e:
            init.calculate_gain(*args)
        with pytest.raises(ValueError) as te:
            TI.calculate_gain(*args)
        assert str(e.value) == str(te.value)


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (8, 4, 3, 3), (2, 3, 1, 2, 2)])
def test_fans(shape):
    assert init._calculate_fan_in_and_fan_out(nt.empty(*shape)) == \
        TI._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(nt.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(nt.empty(3, 3), mode="fan_avg")


BIG = (400, 300)


def _std_ok(x, std, rel=0.03):
    assert abs(float(x.std()) - std) < rel * std, (float(x.std()), std)


def test_uniform_normal_constant():
    t = nt.empty(*BIG)
    assert init.uniform_(t, -2.0, 3.0) is t
    assert t.min().item() >= -2.0 and t.max().item() < 3.0
    assert abs(t.mean().item() - 0.5) < 0.05
    _std_ok(t, 5 / math.sqrt(12))
    init.normal_(t, 1.0, 0.5)
    assert abs(t.mean().item() - 1.0) < 0.01
    _std_ok(t, 0.5)
    init.constant_(t, 0.3)
    assert (t._data == np.float32(0.3)).all()
    init.ones_(t)
    assert (t._data == 1).all()
    init.zeros_(t)
    assert (t._data == 0).all()


def test_init_on_parameter_does_not_record_graph():
    p = nt.nn.Parameter(nt.empty(10, 10))
    v = p._version
    init.kaiming_uniform_(p, a=math.sqrt(5))
    init.normal_(p)
    init.xavier_normal_(p)
    init.trunc_normal_(p)
    init.orthogonal_(p)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert p._version > v


def test_eye_and_dirac():
    for shape in [(3, 5), (4, 2)]:
        assert_close(init.eye_(nt.empty(*shape)), TI.eye_(torch.empty(*shape)))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(nt.empty(2, 2, 2))
    for shape, groups in [((4, 3, 3, 3), 1), ((6, 3, 5), 2), ((4, 2, 3, 3, 3), 2), ((2, 5, 2, 2), 1)]:
        assert_close(init.dirac_(nt.empty(*shape), groups), TI.dirac_(torch.empty(*shape), groups))
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(nt.empty(3, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(nt.empty(5, 2, 3), 2)


@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
def test_xavier(shape):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(nt.empty(*shape))
    gain = 1.7
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    t = init.xavier_uniform_(nt.empty(*shape), gain=gain)
    bound = math.sqrt(3) * std
    assert t.abs().max().item() <= bound and t.abs().max().item() > 0.98 * bound
    _std_ok(t, std)
    _std_ok(init.xavier_normal_(nt.empty(*shape), gain=gain), std)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nl,a", [("relu", 0), ("leaky_relu", math.sqrt(5)), ("leaky_relu", 0.1), ("tanh", 0)])
def test_kaiming(mode, nl, a):
    shape = (96, 48, 3, 3)
    fan = init._calculate_fan_in_and_fan_out(nt.empty(*shape))[0 if mode == "fan_in" else 1]
    std = TI.calculate_gain(nl, a) / math.sqrt(fan)
    t = init.kaiming_uniform_(nt.empty(*shape), a=a, mode=mode, nonlinearity=nl)
    assert t.abs().max().item() <= math.sqrt(3) * std
    _std_ok(t, std)
    _std_ok(init.kaiming_normal_(nt.empty(*shape), a=a, mode=mode, nonlinearity=nl), std)
    # compare with torch's own sample statistics too
    tt = TI.kaiming_uniform_(torch.empty(*shape), a=a, mode=mode, nonlinearity=nl)
    assert abs(float(t.std()) - float(tt.std())) < 0.05 * float(tt.std())


def test_kaiming_zero_element_warns():
    with pytest.warns(UserWarning, match="no-op"):
        init.kaiming_uniform_(nt.empty(0, 3))


def test_trunc_normal():
    t = init.trunc_normal_(nt.empty(*BIG), mean=0.5, std=2.0, a=-1.0, b=3.0)
    assert t.min().item() >= -1.0 and t.max().item() <= 3.0
    tt = TI.trunc_normal_(torch.empty(*BIG), mean=0.5, std=2.0, a=-1.0, b=3.0)
    assert abs(t.mean().item() - tt.mean().item()) < 0.03
    assert abs(t.std().item() - tt.std().item()) < 0.03
    with pytest.warns(UserWarning, match="mean is more than 2 std"):
        init.trunc_normal_(nt.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 3, 2, 2), (7, 7)])
def test_orthogonal(shape):
    t = init.orthogonal_(nt.empty(*shape, dtype=nt.float64), gain=2.0)
    m = t._data.reshape(shape[0], -1)
    rows, cols = m.shape
    if rows <= cols:
        np.testing.assert_allclose(m @ m.T, 4 * np.eye(rows), atol=1e-10)
    else:
        np.testing.assert_allclose(m.T @ m, 4 * np.eye(cols), atol=1e-10)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(nt.empty(3))


def test_sparse():
    t = init.sparse_(nt.empty(50, 40), sparsity=0.3, std=0.5)
    zeros_per_col = (t._data == 0).sum(0)
    assert (zeros_per_col == math.ceil(0.3 * 50)).all()
    nz = t._data[t._data != 0]
    assert abs(nz.std() - 0.5) < 0.05
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.sparse_(nt.empty(2, 2, 2), 0.1)


def test_generator_reproducible():
    g1 = nt.Generator().manual_seed(5)
    g2 = nt.Generator().manual_seed(5)
    a = init.kaiming_normal_(nt.empty(4, 4), generator=g1)
    b = init.kaiming_normal_(nt.empty(4, 4), generator=g2)
    assert (a._data == b._data).all()


def test_deprecated_aliases_warn():
    with pytest.warns(FutureWarning, match="nn.init.xavier_uniform"):
        init.xavier_uniform(nt.empty(3, 3))
