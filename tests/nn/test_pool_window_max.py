"""Max pooling's fast path for overlapping / padded windows (elementwise maxima over strided views, separable
when no indices are asked for, the argmax recovered from the maximum) pinned to the reference (strided windows and argmax), and both to PyTorch:
values, indices, first-order gradients, ties (the first offset wins, -0 before +0) and NaN windows."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from numtorch.nn.functional import pooling as P
from conftest import torch, assert_close

CASES = [dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=1, dilation=2, ceil_mode=True),
         dict(kernel_size=(3, 2), stride=(2, 1), padding=1, ceil_mode=True), dict(kernel_size=2, stride=1),
         dict(kernel_size=4, stride=3, padding=2), dict(kernel_size=2, ceil_mode=True)]


def _inputs(dtype, kind):
    r = np.random.default_rng(0)
    x = r.standard_normal((2, 3, 11, 9))
    if kind == "ties":
        x = np.round(x)                     # many equal values, zeros of both signs
        x[r.random(x.shape) < 0.3] = -0.0
    elif kind == "nan":
        x[r.random(x.shape) < 0.05] = np.nan
    return x.astype(dtype)


def _run(x, kw, fast):
    P._fast_windows[0] = fast
    try:
        a = nt.tensor(x, requires_grad=True)
        y, idx = F.max_pool2d(a, return_indices=True, **kw)
        y2 = F.max_pool2d(a, **kw)           # the lazy argmax (no indices requested)
        g = np.random.default_rng(1).standard_normal(y2.shape).astype(x.dtype)
        gx, = nt.autograd.grad(y2, a, nt.tensor(g))
        return y.detach().numpy(), y2.detach().numpy(), idx.numpy(), gx.numpy(), g
    finally:
        P._fast_windows[0] = True


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["plain", "ties", "nan"])
@pytest.mark.parametrize("kw", CASES)
def test_fast_windows_pinned_to_reference_and_torch(dtype, kind, kw):
    x = _inputs(dtype, kind)
    fy, fy2, fidx, fgx, g = _run(x, kw, True)
    ry, ry2, ridx, rgx, _ = _run(x, kw, False)
    for f, r in ((fy, ry), (fy2, ry2), (fidx, ridx)):
        np.testing.assert_array_equal(f, r)
        assert f.dtype == r.dtype
    # the gradient: an input in several windows sums their gradients, in another order (the separable scatter's
    # strided adds vs the reference's bincount), so equal up to rounding
    eps = np.finfo(x.dtype).eps
    np.testing.assert_allclose(fgx, rgx, rtol=4 * eps, atol=4 * eps * np.abs(g).max())
    assert fgx.dtype == rgx.dtype
    np.testing.assert_array_equal(np.signbit(fy2), np.signbit(ry2))
    b = torch.tensor(x, requires_grad=True)
    ty, tidx = torch.nn.functional.max_pool2d(b, return_indices=True, **kw)
    gt, = torch.autograd.grad(ty, b, torch.tensor(g))
    assert_close(nt.tensor(fy), ty, 0, 0)
    np.testing.assert_array_equal(np.signbit(fy), np.signbit(ty.detach().numpy()))
    assert_close(nt.tensor(fidx), tidx)
    assert_close(nt.tensor(fgx), gt, 1e-6, 1e-6)   # overlapping windows: sums of several gradients


@pytest.mark.parametrize("kw", CASES)
def test_fast_windows_double_backward_matches_torch(kw):
    x = _inputs("float64", "plain")
    a, b = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ga, = nt.autograd.grad(F.max_pool2d(a, **kw).pow(2).sum(), a, create_graph=True)
    gb, = torch.autograd.grad(torch.nn.functional.max_pool2d(b, **kw).pow(2).sum(), b, create_graph=True)
    assert_close(ga, gb)
    gga, = nt.autograd.grad(ga.sum(), a)
    ggb, = torch.autograd.grad(gb.sum(), b)
    assert_close(gga, ggb)
