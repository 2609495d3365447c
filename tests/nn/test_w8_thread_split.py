"""The 2-thread splits added for resnet18 (benchmark W8) pinned to the 1-thread path and to PyTorch.

Thresholds are lowered so that small tensors take the split paths: the spectral convolution's kernel spectrum
written by row pieces and its weight gradient summed after the kernel-table transpose (per batch piece).
"""
import numpy as np
import pytest

import numtorch as nt
from numtorch.nn.functional import _conv_spectral as spectral
from conftest import torch, assert_close


@pytest.fixture
def split(monkeypatch):
    """every parallel_threads() in the modules under test answers 2 pieces (where there are 2 items)"""
    monkeypatch.setattr(spectral, "parallel_threads", lambda n, work: min(2, n))


@pytest.fixture
def algorithm():
    old = nt.backends.conv.algorithm
    yield
    nt.backends.conv.algorithm = old


def _conv_run(lib, x, w, b, gy, threads, **kw):
    old = nt.get_num_threads()
    nt.set_num_threads(threads)
    try:
        xt, wt, bt = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = lib.nn.functional.conv2d(xt, wt, bt, **kw)
        y.backward(lib.tensor(gy))
        return [t.detach().numpy() for t in (y, xt.grad, wt.grad, bt.grad)]
    finally:
        nt.set_num_threads(old)


SPECTRAL = [  # N, C, O, H, W, k, padding, dilation
    (1, 3, 5, 7, 9, 3, 1, 1),
    (2, 4, 3, 9, 7, 3, 2, 2),
    (5, 6, 7, 11, 6, 5, (2, 1), 1),
    (3, 1, 1, 4, 4, 2, 0, 1),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", SPECTRAL)
def test_spectral_pieces_match_one_thread_and_torch(split, algorithm, case, dtype):
    N, C, O, H, W, k, padding, dilation = case
    nt.backends.conv.algorithm = "spectral"
    rng = np.random.default_rng(sum(case[:6]))
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = (0.3 * rng.standard_normal((O, C, k, k))).astype(dtype)
    b = rng.standard_normal(O).astype(dtype)
    kw = dict(padding=padding, dilation=dilation)
    Ho = H + 2 * (padding if isinstance(padding, int) else padding[0]) - dilation * (k - 1)
    Wo = W + 2 * (padding if isinstance(padding, int) else padding[1]) - dilation * (k - 1)
    gy = rng.standard_normal((N, O, Ho, Wo)).astype(dtype)
    one = _conv_run(nt, x, w, b, gy, 1, **kw)
    two = _conv_run(nt, x, w, b, gy, 2, **kw)
    want = _conv_run(torch, x, w, b, gy, 1, **kw)
    tol = 1e-5 if dtype == np.float32 else 1e-11
    for a, c, t in zip(one, two, want):
        scale = float(np.abs(t).max()) or 1.0
        # the pieces change only the order of the batch sum in the weight gradient
        np.testing.assert_allclose(c, a, rtol=tol, atol=tol * scale)
        assert_close(nt.tensor(c), torch.tensor(t), rtol=tol, atol=tol * scale)


def test_spectral_kernel_rows_split_is_bitwise(split):
    """the kernel spectrum's row pieces compute every element as the same dot product"""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 5, 3, 3)).astype(np.float32)
    from numtorch.nn.functional.conv import _Geom
    g = _Geom((1, 1), ((1, 1), (1, 1)), (1, 1), 1, 2)
    pl = spectral.plan((2, 5, 10, 10), w.shape, g, np.float32)
    old = nt.get_num_threads()
    try:
        nt.set_num_threads(1)
        a = pl.kernel(w)
        nt.set_num_threads(2)
        c = pl.kernel(w)
    finally:
        nt.set_num_threads(old)
    np.testing.assert_array_equal(a, c)
    # and the table product itself (a float64 reference: the GEMM kernel may round differently per call shape)
    want = pl.GT.astype(np.float64) @ np.ascontiguousarray(w.reshape(6, 5, 9).transpose(2, 1, 0)).reshape(9, 30)
    np.testing.assert_allclose(a.reshape(-1, 30), want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,k,s,p", [((1, 3, 9, 11), 3, 2, 1), ((5, 4, 12, 7), 3, 2, 1), ((3, 2, 8, 8), 2, 1, 1)])
def test_max_pool_padded_pieces_match_one_thread_and_torch(monkeypatch, dtype, shape, k, s, p):
    """the padded copy of the input filled by batch pieces (resnet18's 3x3/2 pad-1 max pooling)"""
    import numtorch.nn.functional.pooling as PL
    monkeypatch.setattr(PL, "parallel_threads", lambda n, work: min(2, n))
    rng = np.random.default_rng(shape[0])
    x = rng.standard_normal(shape).astype(dtype)
    outs = []
    for threads in (1, 2):
        old = nt.get_num_threads()
        nt.set_num_threads(threads)
        try:
            a = nt.tensor(x, requires_grad=True)
            y = nt.nn.functional.max_pool2d(a, k, s, p)
            g = np.linspace(-1, 1, y.numel()).reshape(y.shape).astype(dtype)
            y.backward(nt.tensor(g))
            outs.append((y.detach().numpy(), a.grad.numpy()))
        finally:
            nt.set_num_threads(old)
    for a, c in zip(*outs):
        np.testing.assert_array_equal(a, c)          # each window's maximum and routing: no sum reordered
    at = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.max_pool2d(at, k, s, p)
    yt.backward(torch.tensor(g))
    assert_close(nt.tensor(outs[1][0]), yt.detach(), rtol=0, atol=0)
    assert_close(nt.tensor(outs[1][1]), at.grad, rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-6)


@pytest.mark.parametrize("which", ["input", "weight", "none"])
def test_spectral_pieces_one_gradient_or_none(split, algorithm, which):
    """the frequency-range products without a shared cache of gy's spectra (one gradient asked) or under no_grad"""
    nt.backends.conv.algorithm = "spectral"
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5, 10, 9)).astype(np.float32)
    w = (0.3 * rng.standard_normal((4, 5, 3, 3))).astype(np.float32)
    gy = rng.standard_normal((3, 4, 10, 9)).astype(np.float32)

    def run(lib, threads):
        old = nt.get_num_threads()
        nt.set_num_threads(threads)
        try:
            xt = lib.tensor(x, requires_grad=which == "input")
            wt = lib.tensor(w, requires_grad=which == "weight")
            if which == "none":
                with lib.no_grad():
                    return [lib.nn.functional.conv2d(xt, wt, padding=1).numpy()]
            y = lib.nn.functional.conv2d(xt, wt, padding=1)
            y.backward(lib.tensor(gy))
            return [y.detach().numpy(), (xt if which == "input" else wt).grad.numpy()]
        finally:
            nt.set_num_threads(old)
    one, two, want = run(nt, 1), run(nt, 2), run(torch, 1)
    for a, c, t in zip(one, two, want):
        scale = float(np.abs(t).max())
        np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-5 * scale)
        np.testing.assert_allclose(c, t, rtol=1e-5, atol=1e-5 * scale)


def test_spectral_pieces_conv_transpose(split, algorithm):
    """conv_transpose2d: the spectral input gradient as a forward, and the weight gradient without a forward's
    cache (both transforms per piece, then the frequency ranges)"""
    nt.backends.conv.algorithm = "spectral"
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 8, 7)).astype(np.float64)
    w = (0.3 * rng.standard_normal((4, 5, 3, 3))).astype(np.float64)
    gy = rng.standard_normal((3, 5, 8, 7)).astype(np.float64)

    def run(lib, threads):
        old = nt.get_num_threads()
        nt.set_num_threads(threads)
        try:
            xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
            y = lib.nn.functional.conv_transpose2d(xt, wt, padding=1)
            y.backward(lib.tensor(gy))
            return [y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()]
        finally:
            nt.set_num_threads(old)
    one, two, want = run(nt, 1), run(nt, 2), run(torch, 1)
    for a, c, t in zip(one, two, want):
        scale = float(np.abs(t).max())
        np.testing.assert_allclose(c, a, rtol=1e-12, atol=1e-12 * scale)
        np.testing.assert_allclose(c, t, rtol=1e-11, atol=1e-11 * scale)
