"""Batch-split convolution and max pooling (cache blocks, concurrent thread pieces) against PyTorch.

The split paths only trigger on large layers; here the thresholds are lowered so that small tensors
run as several blocks on 2 threads, and values and gradients must still match PyTorch's.
"""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
import numtorch.nn.functional.conv as CV
import numtorch.nn.functional.pooling as PL
from numtorch import _cpu as B
from conftest import torch, to_torch, assert_close


@pytest.fixture
def split(monkeypatch):
    """2 threads, every layer split into pieces, ~1 image per im2col block"""
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    monkeypatch.setattr(CV, "parallel_threads", lambda n, work: min(2, n))
    monkeypatch.setattr(PL, "parallel_threads", lambda n, work: min(2, n))
    monkeypatch.setattr(CV, "_BLOCK_BYTES", 1)
    yield
    nt.set_num_threads(old)


@pytest.mark.parametrize("kw", [dict(padding=2), dict(stride=2, padding=1), dict(groups=2), dict(dilation=2)])
@pytest.mark.parametrize("n", [1, 5])
def test_conv2d_split_matches_torch(split, kw, n):
    rng = np.random.default_rng(n)
    k = 5 if kw.get("padding") == 2 else 3
    x = nt.tensor(rng.standard_normal((n, 4, 9, 9)).astype(np.float32), requires_grad=True)
    w = nt.tensor(rng.standard_normal((6, 4 // kw.get("groups", 1), k, k)).astype(np.float32), requires_grad=True)
    b = nt.tensor(rng.standard_normal(6).astype(np.float32), requires_grad=True)
    xt, wt, bt = (to_torch(t).requires_grad_() for t in (x, w, b))
    y = F.conv2d(x, w, b, **kw)
    yt = torch.nn.functional.conv2d(xt, wt, bt, **kw)
    assert_close(y, yt, rtol=1e-5, atol=1e-5)
    g = rng.standard_normal(yt.shape).astype(np.float32)
    y.backward(nt.tensor(g))
    yt.backward(torch.tensor(g))
    for a, e in ((x, xt), (w, wt), (b, bt)):
        assert_close(a.grad, e.grad, rtol=1e-4, atol=1e-4)


def test_conv2d_split_no_input_grad(split):
    # the first layer of a CNN: the image needs no gradient, the weight does
    rng = np.random.default_rng(0)
    x = nt.tensor(rng.standard_normal((3, 3, 8, 8)).astype(np.float32))
    conv = nt.nn.Conv2d(3, 4, 5, padding=2)
    convt = torch.nn.Conv2d(3, 4, 5, padding=2)
    with torch.no_grad():
        convt.weight.copy_(to_torch(conv.weight.detach()))
        convt.bias.copy_(to_torch(conv.bias.detach()))
    conv(x).square().sum().backward()
    convt(to_torch(x)).square().sum().backward()
    assert_close(conv.weight.grad, convt.weight.grad, rtol=1e-4, atol=1e-4)
    assert_close(conv.bias.grad, convt.bias.grad, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("relu", [False, True])
def test_max_pool_split_matches_torch(split, relu):
    # after ReLU many 2x2 blocks tie at 0: the first one takes the gradient, as in PyTorch
    rng = np.random.default_rng(3)
    a = rng.standard_normal((5, 3, 8, 6)).astype(np.float32)
    if relu:
        a = np.maximum(a, 0)
    x = nt.tensor(a, requires_grad=True)
    xt = to_torch(x).requires_grad_()
    y = F.max_pool2d(x, 2)
    yt = torch.nn.functional.max_pool2d(xt, 2)
    assert_close(y, yt, rtol=0, atol=0)
    g = rng.standard_normal(yt.shape).astype(np.float32)
    y.backward(nt.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=0, atol=0)


def test_set_num_threads_keeps_blas_single_threaded():
    """numtorch parallelizes itself (pieces, row blocks of large products); OpenBLAS stays at 1 thread."""
    old = nt.get_num_threads()
    try:
        nt.set_num_threads(1)
        assert nt.get_num_threads() == 1
        if B.blas_threads() is not None:
            assert B.blas_threads() == 1
        nt.set_num_threads(2)
        assert nt.get_num_threads() == 2
        if B.blas_threads() is not None:
            assert B.blas_threads() == 1
        with pytest.raises(RuntimeError):
            nt.set_num_threads(0)
    finally:
        nt.set_num_threads(old)


@pytest.mark.parametrize("shape", [(300, 200, 400), (40, 500, 3000), (3000, 300, 20)])
def test_large_products_split_over_threads(shape, rng, monkeypatch):
    """mm/addmm/linear on 2 threads: row or column blocks, each one BLAS call; values equal torch's."""
    M, K, N = shape
    monkeypatch.setattr(B, "_MM_SPLIT_FLOPS", 1e6)   # split these moderate products too
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    try:
        a = rng.standard_normal((M, K)).astype(np.float32)
        b = rng.standard_normal((K, N)).astype(np.float32)
        bias = rng.standard_normal(N).astype(np.float32)
        want = torch.nn.functional.linear(torch.tensor(a, requires_grad=True), torch.tensor(b.T.copy()),
                                          torch.tensor(bias))
        x = nt.tensor(a, requires_grad=True)
        w = nt.tensor(b.T.copy(), requires_grad=True)
        got = nt.nn.functional.linear(x, w, nt.tensor(bias))
        assert_close(got, want, rtol=1e-4, atol=1e-4)
        assert_close(nt.mm(x, nt.tensor(b)), torch.tensor(a) @ torch.tensor(b), rtol=1e-4, atol=1e-4)
        g = rng.standard_normal((M, N)).astype(np.float32)
        got.backward(nt.tensor(g))
        assert_close(x.grad, torch.tensor(g) @ torch.tensor(b.T), rtol=1e-4, atol=1e-4)
        assert_close(w.grad, (torch.tensor(g).T @ torch.tensor(a)), rtol=1e-4, atol=1e-3)
    finally:
        nt.set_num_threads(old)


def test_run_parallel_results_and_errors():
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    try:
        assert B.run_parallel(lambda lo, hi: (lo, hi), B.chunks(7, 2)) == [(0, 4), (4, 7)]

        def bad(lo, hi):
            if lo:
                raise ValueError("piece failed")
            return lo
        with pytest.raises(ValueError, match="piece failed"):
            B.run_parallel(bad, B.chunks(4, 2))
        if B.blas_threads() is not None:
            assert B.blas_threads() == 1
    finally:
        nt.set_num_threads(old)
