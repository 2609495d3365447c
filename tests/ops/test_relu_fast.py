"""ReLU's one-pass forward (maximum(0, x), float32/float64) and F.relu_'s in-place path without a graph, pinned
to the plain formula (x < 0 ? 0 : x: -0 and NaN pass through) and to PyTorch."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from numtorch._ops.unary import relu_fast, relu_grad_fast
from conftest import torch, assert_close


def _x(dtype, n=1001):
    x = np.random.default_rng(0).standard_normal(n).astype(dtype)
    x[::3], x[1::5], x[2::7], x[4::11], x[5::13] = -0.0, np.nan, np.inf, -np.inf, 0.0
    return x


def _same(a, b):
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.signbit(a), np.signbit(b))
    assert a.dtype == b.dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 16, 1001, 70001])
def test_relu_fast_pinned_to_where(dtype, n):
    x = _x(dtype, n)
    ref = np.where(x < 0, x.dtype.type(0), x)
    _same(relu_fast(x), ref)
    _same(relu_fast(x[::2]), ref[::2])                    # strided
    y = x.copy()
    relu_fast(y, out=y)
    _same(y, ref)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_relu_values_grads_match_torch(dtype):
    x = _x(dtype)
    x = x[np.isfinite(x)]
    a, b = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = F.relu(a), torch.nn.functional.relu(b)
    assert_close(ya, yb, 0, 0)
    np.testing.assert_array_equal(np.signbit(ya.detach().numpy()), np.signbit(yb.detach().numpy()))
    g = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
    ga, = nt.autograd.grad(ya, a, nt.tensor(g))
    gb, = torch.autograd.grad(yb, b, torch.tensor(g))
    assert_close(ga, gb, 0, 0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inplace_no_graph_path_pinned_to_graph_path(dtype):
    x = _x(dtype).reshape(-1, 7)[:, 1:5]          # a non-contiguous view of a base
    base = nt.tensor(_x(dtype).reshape(-1, 7))
    view = base[:, 1:5]
    v0 = view._version
    with nt.no_grad():
        out = F.relu(view, inplace=True)
    assert out is view and view._version == v0 + 1 and base._version == view._version
    ref = np.where(x < 0, x.dtype.type(0), x)
    _same(view.numpy(), ref)
    _same(base.numpy()[:, 1:5], ref)
    # the graph path (an input that requires grad) gives the same numbers and PyTorch's gradient
    leaf = nt.tensor(x.copy(), requires_grad=True)
    h = leaf * 1
    F.relu_(h)
    _same(h.detach().numpy(), ref)
    tb = torch.tensor(x.copy(), requires_grad=True)
    th = tb * 1
    torch.nn.functional.relu_(th)
    g = np.ones(x.shape, dtype)
    ga, = nt.autograd.grad(h, leaf, nt.tensor(g))
    gb, = torch.autograd.grad(th, tb, torch.tensor(g))
    assert_close(ga, gb, 0, 0, check_dtype=True)


def test_inplace_relu_on_expanded_tensor_raises_as_torch():
    a = nt.zeros(3).expand(4, 3)
    with pytest.raises(RuntimeError, match="more than one element"):
        with nt.no_grad():
            F.relu_(a)
    b = torch.zeros(3).expand(4, 3)
    with pytest.raises(RuntimeError, match="more than one element"):
        with torch.no_grad():
            torch.nn.functional.relu_(b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_relu_grad_fast_pinned_to_where(dtype):
    y = _x(dtype, 70001)
    g = np.random.default_rng(2).standard_normal(y.size).astype(dtype)
    g[::4], g[1::6], g[2::9] = np.nan, -np.inf, -0.0
    _same(relu_grad_fast(y, g), np.where(y <= 0, y.dtype.type(0), g))
    _same(relu_grad_fast(y[::3], g[1::3]), np.where(y[::3] <= 0, y.dtype.type(0), g[1::3]))
