"""Max/avg/adaptive pooling against PyTorch: values, indices, input gradients (ties included), double backward."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_nt, assert_close
from _layer_twins import twin, run_both

TF = torch.nn.functional

MAX2D = [dict(kernel_size=2), dict(kernel_size=3), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=3, stride=1, dilation=2, ceil_mode=True), dict(kernel_size=(3, 2), stride=(2, 1), padding=1,
                                                                          ceil_mode=True),
         dict(kernel_size=2, stride=1), dict(kernel_size=2, ceil_mode=True), dict(kernel_size=4, stride=3, padding=2)]


@pytest.mark.parametrize("kw", MAX2D)
@pytest.mark.parametrize("shape", [(2, 3, 9, 7), (3, 8, 8)])
def test_maxpool2d(kw, shape):
    torch.manual_seed(0)
    tm, nm = twin("MaxPool2d", **kw)
    run_both(tm, nm, torch.randn(*shape), rtol=1e-6, atol=1e-6)
    ti, ni = twin("MaxPool2d", return_indices=True, **kw)
    x = torch.randn(*shape)
    (to, tidx), (no, nidx) = ti(x), ni(to_nt(x))
    assert_close(no, to, 0, 0)
    assert_close(nidx, tidx)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=1, dilation=2, ceil_mode=True),
                                dict(kernel_size=2, ceil_mode=True)])
def test_maxpool1d(kw):
    torch.manual_seed(1)
    tm, nm = twin("MaxPool1d", **kw)
    run_both(tm, nm, torch.randn(2, 3, 9), rtol=1e-6, atol=1e-6)
    x = torch.randn(2, 3, 9)
    to, ti = TF.max_pool1d(x, return_indices=True, **kw)
    no, ni = F.max_pool1d(to_nt(x), return_indices=True, **kw)
    assert_close(no, to, 0, 0)
    assert_close(ni, ti)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)])
def test_maxpool_ties_and_nan(kw):
    """PyTorch routes the gradient to the first maximum of a window (ties after ReLU are common)."""
    x = torch.zeros(2, 2, 6, 6)
    x[0, 0, 1, 1] = 1.0
    x[1, 1, :3, :3] = float("nan")
    x.requires_grad_()
    y = TF.max_pool2d(x, **kw)
    g = torch.randn(y.shape)
    y.backward(g)
    xn = to_nt(x, True)
    yn = F.max_pool2d(xn, **kw)
    yn.backward(to_nt(g))
    assert_close(yn, y, 0, 0)
    assert_close(xn.grad, x.grad, 1e-6, 1e-6)


@pytest.mark.parametrize("k", [2, 3, (2, 3), (3, 1), (1, 2)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_maxpool_blocks_tie_free(k, dtype):
    """kernel == stride on distinct values (the row-wise routing), sizes that leave a remainder, 2nd order."""
    torch.manual_seed(3)
    x = torch.randn(3, 4, 11, 10, dtype=dtype, requires_grad=True)
    y = TF.max_pool2d(x, k)
    g = torch.randn(y.shape, dtype=dtype, requires_grad=True)
    (gx,) = torch.autograd.grad(y, x, g, create_graph=True)
    (gg,) = torch.autograd.grad(gx, g, torch.ones_like(gx))
    xn, gn = to_nt(x, True), to_nt(g, True)
    yn = F.max_pool2d(xn, k)
    (gxn,) = nt.autograd.grad(yn, xn, gn, create_graph=True)
    (ggn,) = nt.autograd.grad(gxn, gn, nt.ones_like(gxn))
    assert_close(yn, y, 0, 0)
    assert_close(gxn, gx, 0, 0)
    assert_close(ggn, gg, 0, 0)


AVG2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
         dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
         dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
         dict(kernel_size=2, divisor_override=3), dict(kernel_size=3, stride=2, ceil_mode=True, divisor_override=5)]


@pytest.mark.parametrize("kw", AVG2D)
def test_avgpool2d(kw):
    torch.manual_seed(2)
    tm, nm = twin("AvgPool2d", **kw)
    run_both(tm, nm, torch.randn(2, 3, 9, 7), rtol=1e-5, atol=1e-6)
    run_both(tm, nm, torch.randn(3, 8, 8), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)])
def test_avgpool1d(kw):
    torch.manual_seed(3)
    tm, nm = twin("AvgPool1d", **kw)
    run_both(tm, nm, torch.randn(2, 3, 10), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("os_", [(3, 2), 1, 5, (None, 3), (4, 7)])
def test_adaptive_pool2d(os_):
    torch.manual_seed(4)
    x = torch.randn(2, 3, 9, 7)
    tm, nm = twin("AdaptiveAvgPool2d", os_)
    run_both(tm, nm, x, rtol=1e-5, atol=1e-6)
    tm, nm = twin("AdaptiveMaxPool2d", os_)
    run_both(tm, nm, x, rtol=1e-6, atol=1e-6)
    to, ti = TF.adaptive_max_pool2d(x, os_, return_indices=True)
    no, ni = F.adaptive_max_pool2d(to_nt(x), os_, return_indices=True)
    assert_close(no, to, 0, 0)
    assert_close(ni, ti)


def test_adaptive_pool1d():
    torch.manual_seed(5)
    x = torch.randn(2, 3, 10)
    for os_ in (1, 3, 4):
        tm, nm = twin("AdaptiveAvgPool1d", os_)
        run_both(tm, nm, x, rtol=1e-5, atol=1e-6)
        tm, nm = twin("AdaptiveMaxPool1d", os_)
        run_both(tm, nm, x, rtol=1e-6, atol=1e-6)


def test_pool_double_backward():
    x = nt.randn(2, 2, 6, 6, dtype=nt.float64, requires_grad=True)
    for f in (lambda a: F.max_pool2d(a, 2), lambda a: F.max_pool2d(a, 3, 1, 1), lambda a: F.avg_pool2d(a, 3, 2, 1),
              lambda a: F.adaptive_max_pool2d(a, 4), lambda a: F.adaptive_avg_pool2d(a, (4, 3))):
        assert nt.autograd.gradcheck(f, (x,))
        assert nt.autograd.gradgradcheck(f, (x,))


def test_max_unpool2d():
    torch.manual_seed(6)
    x = torch.randn(1, 2, 6, 6)
    y, i = TF.max_pool2d(x, 2, return_indices=True)
    want = TF.max_unpool2d(y, i, 2)
    got = F.max_unpool2d(to_nt(y), to_nt(i), 2)
    assert_close(got, want)


def test_lp_pool2d():
    torch.manual_seed(7)
    x = torch.rand(2, 3, 6, 6) + 0.1
    assert_close(F.lp_pool2d(to_nt(x), 2, 2), TF.lp_pool2d(x, 2, 2), 1e-5, 1e-5)


def test_pool_errors():
    with pytest.raises(RuntimeError):
        F.max_pool2d(nt.randn(1, 1, 4, 4), 2, padding=2)  # padding > kernel/2
    with pytest.raises(RuntimeError):
        F.max_pool2d(nt.randn(4, 4), 2)


def test_seed_cnn_shapes_and_grads():
    """The seed's CIFAR MyNet stack: Conv -> MaxPool x3 -> Flatten -> Linear x2, same weights as torch."""
    torch.manual_seed(8)
    tnn, nnn = torch.nn, nt.nn
    layers = [("Conv2d", (3, 8, 5), dict(padding=2)), ("MaxPool2d", (2,), {}), ("Conv2d", (8, 8, 5), dict(padding=2)),
              ("MaxPool2d", (2,), {}), ("Flatten", (), {}), ("Linear", (8 * 8 * 8, 10), {})]
    pairs = [twin(n, *a, **k) for n, a, k in layers]
    tm = tnn.Sequential(*[p[0] for p in pairs])
    nm = nnn.Sequential(*[p[1] for p in pairs])
    assert repr(nm) == repr(tm)
    run_both(tm, nm, torch.randn(4, 3, 32, 32), rtol=1e-4, atol=1e-4)
