"""The float32 exact GELU (numtorch/nn/functional/_gelu.py): pinned to the float64 reference over the
whole float32 range, and to PyTorch's values and gradients."""
import math

import numpy as np
import pytest

import numtorch as nt
from numtorch.nn.functional import _gelu
from conftest import torch, assert_close


def _all_float32_sample(n=1 << 21, seed=0):
    """Random bit patterns of finite float32 (every exponent, both signs) plus a dense grid on [-20, 20]."""
    bits = np.random.default_rng(seed).integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[np.isfinite(x)]
    return np.concatenate([x, np.linspace(-20, 20, 400001, dtype=np.float32),
                           np.float32([0.0, -0.0, 1e-45, -1e-45, 3.4e38, -3.4e38])])


def _phi64(x):
    """The normal CDF in double precision from math.erfc (independent of numtorch's erf)."""
    erfc = np.vectorize(math.erfc, otypes=[np.float64])
    return 0.5 * erfc(-x.astype(np.float64) / math.sqrt(2))


def test_phi_float32_matches_float64_over_whole_range():
    x = _all_float32_sample()
    phi, gauss = _gelu.phi_gauss32(x)
    assert phi.dtype == np.float32 and gauss.dtype == np.float32
    want = _phi64(x)
    err = np.abs(phi.astype(np.float64) - want)
    assert err.max() <= 3.7 * 2.0 ** -24 + 1e-12          # absolute, the documented bound
    core = np.abs(x) < 4                                   # relative where the values live
    assert (err[core] / want[core]).max() < 7e-7
    tail = (x < -4) & (want > 1e-36)                       # negative tail: still relative (no 1 - (1 - h))
    rel = err[tail] / want[tail]
    assert (rel <= 2.0 ** -24 * x[tail].astype(np.float64) ** 2 + 1e-6).all()
    gw = np.exp(-x.astype(np.float64) ** 2 / 2)
    assert np.abs(gauss - gw).max() < 2e-7


def test_fast_gelu_pinned_to_reference():
    x = _all_float32_sample(1 << 18, seed=1)
    fast, _, _ = _gelu.gelu32(x)
    ref = _gelu.gelu_reference(x)
    assert ref.dtype == np.float32
    err = np.abs(fast.astype(np.float64) - ref.astype(np.float64))
    tol = 3.7 * 2.0 ** -24 * np.abs(x.astype(np.float64)) + 2 * np.spacing(np.abs(ref))
    assert (err <= tol).all()


def test_fast_backward_pinned_to_graph_formula():
    x = np.random.default_rng(2).standard_normal(5000).astype(np.float32) * 4
    g = np.random.default_rng(3).standard_normal(5000).astype(np.float32)
    _, phi, gauss = _gelu.gelu32(x)
    fast = _gelu.gelu32_backward(g, x, phi, gauss)
    x64 = x.astype(np.float64)
    want = g * (_phi64(x) + x64 * np.exp(-x64 ** 2 / 2) / math.sqrt(2 * math.pi))
    np.testing.assert_allclose(fast, want, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_matches_torch_values_grads_second_order(dtype):
    x = np.random.default_rng(4).standard_normal((64, 33)).astype(dtype) * 3
    a = nt.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    ya, yb = nt.nn.functional.gelu(a), torch.nn.functional.gelu(b)
    tol = dict(rtol=1e-5, atol=5e-7) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)
    assert_close(ya, yb, **tol)
    w = np.random.default_rng(5).standard_normal(x.shape).astype(dtype)
    ga, = nt.autograd.grad(ya, a, nt.tensor(w), create_graph=True)
    gb, = torch.autograd.grad(yb, b, torch.tensor(w), create_graph=True)
    assert_close(ga, gb, **tol)
    gga, = nt.autograd.grad(ga.sum(), a)
    ggb, = torch.autograd.grad(gb.sum(), b)
    assert_close(gga, ggb, **tol)
    # first-order backward without a graph takes the fast path: same numbers
    a2 = nt.tensor(x, requires_grad=True)
    nt.nn.functional.gelu(a2).backward(nt.tensor(w))
    assert_close(a2.grad, gb, **tol)


def test_gelu_special_values_match_torch():
    x = np.float32([0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30, -5.0, -12.0, 40.0])
    got = nt.nn.functional.gelu(nt.tensor(x))
    want = torch.nn.functional.gelu(torch.tensor(x))
    assert_close(got, want, atol=2e-7)
    assert nt.nn.GELU()(nt.tensor(x)).grad_fn is None


@pytest.mark.parametrize("shape", [(), (0, 4), (3, 2)])
def test_gelu_shapes_and_layouts(shape):
    x = np.random.default_rng(6).standard_normal(shape).astype(np.float32)
    for arr in (x, x.T):
        a = nt.tensor(arr.copy()) if arr.ndim < 2 else nt.tensor(arr.copy()).t()
        b = torch.tensor(arr.copy()) if arr.ndim < 2 else torch.tensor(arr.copy()).t()
        assert_close(nt.nn.functional.gelu(a), torch.nn.functional.gelu(b), atol=3e-7)
