"""Conv1d/Conv2d/ConvTranspose1d/2d, unfold/fold against PyTorch: outputs, input and parameter gradients."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_nt, assert_close
from _layer_twins import twin, run_both

CONV2D = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(padding=(2, 1), stride=(1, 2)),
    dict(dilation=2, padding=2),
    dict(groups=2),
    dict(groups=4, bias=False),
    dict(padding="same"),
    dict(padding="same", dilation=(2, 1)),
    dict(padding="valid", stride=3),
    dict(padding=1, padding_mode="reflect"),
    dict(padding=2, padding_mode="replicate"),
    dict(padding=1, padding_mode="circular", stride=2),
    dict(padding="same", padding_mode="reflect"),
]


@pytest.mark.parametrize("kw", CONV2D)
@pytest.mark.parametrize("k", [3, (2, 3)])
def test_conv2d_module(kw, k):
    torch.manual_seed(0)
    tm, nm = twin("Conv2d", 4, 8, k, **kw)
    run_both(tm, nm, torch.randn(2, 4, 9, 8))


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(dilation=3, padding="same"), dict(groups=2),
                                dict(padding=2, padding_mode="reflect", bias=False)])
def test_conv1d_module(kw):
    torch.manual_seed(1)
    tm, nm = twin("Conv1d", 4, 6, 3, **kw)
    run_both(tm, nm, torch.randn(3, 4, 11))


def test_conv_unbatched_and_seed_shapes():
    torch.manual_seed(2)
    tm, nm = twin("Conv2d", 3, 32, 5, padding=2)
    run_both(tm, nm, torch.randn(3, 8, 8))
    tm, nm = twin("Conv1d", 3, 5, 2)
    run_both(tm, nm, torch.randn(3, 7))


@pytest.mark.parametrize("kw", [dict(), dict(stride=2), dict(stride=2, output_padding=1), dict(padding=1, stride=3),
                                dict(groups=2, stride=2, output_padding=1), dict(dilation=2, bias=False),
                                dict(stride=(2, 1), padding=(1, 0), output_padding=(1, 0))])
def test_conv_transpose2d(kw):
    torch.manual_seed(3)
    tm, nm = twin("ConvTranspose2d", 4, 6, 3, **kw)
    run_both(tm, nm, torch.randn(2, 4, 5, 6))


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, output_padding=1, padding=1), dict(groups=2, dilation=2)])
def test_conv_transpose1d(kw):
    torch.manual_seed(4)
    tm, nm = twin("ConvTranspose1d", 4, 6, 3, **kw)
    run_both(tm, nm, torch.randn(2, 4, 7))


def test_conv_transpose_output_size():
    torch.manual_seed(5)
    tm, nm = twin("ConvTranspose2d", 2, 3, 3, stride=2, padding=1)
    x = torch.randn(1, 2, 4, 4)
    to = tm(x, output_size=[8, 8])
    no = nm(to_nt(x), output_size=[8, 8])
    assert_close(no, to, 1e-5, 1e-5)


def test_conv_default_init_distribution():
    """kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias."""
    nt.manual_seed(0)
    m = nt.nn.Conv2d(16, 64, 5)
    bound = 1 / np.sqrt(16 * 25)
    w = m.weight._data
    assert w.dtype == np.float32 and np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.05 * bound
    assert np.abs(m.bias._data).max() <= bound
    t = nt.nn.ConvTranspose2d(8, 4, 3)  # fan_in from weight.size(1) * k * k = 4 * 9
    assert np.abs(t.bias._data).max() <= 1 / np.sqrt(36)


def test_conv_double_backward_gradgradcheck():
    x = nt.randn(2, 4, 6, 5, dtype=nt.float64, requires_grad=True)
    w = nt.randn(6, 2, 3, 2, dtype=nt.float64, requires_grad=True)
    b = nt.randn(6, dtype=nt.float64, requires_grad=True)
    f = lambda a, c, d: F.conv2d(a, c, d, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)  # noqa: E731
    assert nt.autograd.gradcheck(f, (x, w, b))
    assert nt.autograd.gradgradcheck(f, (x, w, b))
    g = lambda a, c: F.conv_transpose2d(a, c, stride=2, padding=1, output_padding=1)  # noqa: E731
    x2 = nt.randn(1, 6, 3, 3, dtype=nt.float64, requires_grad=True)
    w2 = nt.randn(6, 2, 3, 3, dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(g, (x2, w2))
    assert nt.autograd.gradgradcheck(g, (x2, w2))


def test_conv_double_backward_matches_torch():
    """grad of (sum of squared input gradient) w.r.t. weight and input, as in a gradient penalty."""
    torch.manual_seed(6)
    x = torch.randn(2, 3, 6, 6, requires_grad=True)
    w = torch.randn(4, 3, 3, 3, requires_grad=True)
    y = torch.nn.functional.conv2d(x, w, padding=1, stride=2)
    (gx,) = torch.autograd.grad(y.pow(2).sum(), x, create_graph=True)
    gx.pow(2).sum().backward()
    xn, wn = to_nt(x, True), to_nt(w, True)
    yn = F.conv2d(xn, wn, padding=1, stride=2)
    (gxn,) = nt.autograd.grad(yn.pow(2).sum(), xn, create_graph=True)
    assert_close(gxn, gx, 1e-4, 1e-4)
    gxn.pow(2).sum().backward()
    assert_close(wn.grad, w.grad, 1e-4, 1e-3)
    assert_close(xn.grad, x.grad, 1e-4, 1e-3)


def test_conv_float64_and_grad_fn():
    torch.manual_seed(7)
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64)
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64)
    out = F.conv2d(to_nt(x), to_nt(w, True))
    assert_close(out, torch.nn.functional.conv2d(x, w), 1e-10, 1e-10)
    assert out.grad_fn.name() == "ConvolutionBackward0"


def test_conv_errors():
    with pytest.raises(RuntimeError):
        F.conv2d(nt.randn(1, 3, 5, 5), nt.randn(4, 2, 3, 3))  # channel mismatch
    with pytest.raises(RuntimeError):
        F.conv2d(nt.randn(1, 3, 5, 5), nt.randn(4, 3, 3, 3, dtype=nt.float64))  # dtype mismatch
    with pytest.raises(RuntimeError):
        F.conv2d(nt.randn(1, 3, 2, 2), nt.randn(4, 3, 3, 3))  # output too small
    with pytest.raises(ValueError):
        nt.nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError):
        nt.nn.Conv2d(3, 4, 3, groups=2)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2, padding=1, dilation=(1, 2))])
def test_unfold_fold(kw):
    torch.manual_seed(8)
    x = torch.randn(2, 3, 7, 6, requires_grad=True)
    u = torch.nn.functional.unfold(x, **kw)
    xn = to_nt(x, True)
    un = F.unfold(xn, **kw)
    assert_close(un, u)
    f = torch.nn.functional.fold(u, (7, 6), **kw)
    fn = F.fold(un, (7, 6), **kw)
    assert_close(fn, f, 1e-5, 1e-5)
    g = torch.randn(f.shape)
    f.backward(g)
    fn.backward(to_nt(g))
    assert_close(xn.grad, x.grad, 1e-5, 1e-5)
    tm, nm = twin("Unfold", **kw)
    run_both(tm, nm, torch.randn(2, 3, 7, 6))
    tm, nm = twin("Fold", (7, 6), **kw)
    run_both(tm, nm, u.detach(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kw", [dict(padding="same", dilation=(1, 2)), dict(padding=(2, 0)), dict()])
def test_conv_stride1_double_backward(kw):
    """the stride-1 input gradient runs as a flipped convolution; its own gradients must hold too"""
    x = nt.randn(2, 3, 5, 6, dtype=nt.float64, requires_grad=True)
    w = nt.randn(4, 3, 2, 3, dtype=nt.float64, requires_grad=True)
    f = lambda a, c: F.conv2d(a, c, **kw)  # noqa: E731
    assert nt.autograd.gradcheck(f, (x, w))
    assert nt.autograd.gradgradcheck(f, (x, w))
    x1 = nt.randn(2, 3, 7, dtype=nt.float64, requires_grad=True)
    w1 = nt.randn(4, 3, 3, dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradgradcheck(lambda a, c: F.conv1d(a, c, padding=1), (x1, w1))
