"""Stride-1 convolutions computed in the frequency domain (nn/functional/_conv_spectral.py).

Every case runs with numtorch.backends.conv.algorithm forced to "spectral" (and "direct" for contrast)
and is compared with PyTorch: outputs, input, weight and bias gradients, double backward, and the
cost model's choice for MyNet's layers.
"""
import numpy as np
import pytest

import numtorch as nt
from numtorch.nn.functional import _conv_spectral as spectral
from numtorch.nn.functional.conv import _Geom
from conftest import torch, assert_close


@pytest.fixture
def algorithm():
    old = nt.backends.conv.algorithm

    def set_(name):
        nt.backends.conv.algorithm = name
    yield set_
    nt.backends.conv.algorithm = old


CASES = [  # N, C, O, H, W, kh, kw, padding, dilation
    (2, 3, 4, 7, 9, 3, 3, 1, 1),
    (2, 3, 4, 7, 9, 5, 3, (2, 1), 1),
    (3, 2, 5, 8, 8, 3, 3, 0, 1),
    (2, 4, 3, 9, 7, 3, 3, 2, 2),
    (4, 5, 6, 6, 6, 2, 2, "same", 1),
    (2, 3, 4, 5, 5, 4, 4, "same", 1),
    (1, 1, 1, 1, 1, 1, 1, 0, 1),
    (3, 6, 2, 12, 5, 5, 1, (2, 0), 1),
    (2, 8, 8, 16, 16, 5, 5, 2, 1),
    (2, 2, 3, 10, 12, 3, 3, 1, 1),      # few channels, long rows: the direct path im2cols per image
]


def _run(lib, x, w, b, gy, padding, dilation):
    xt, wt, bt = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
    y = lib.nn.functional.conv2d(xt, wt, bt, padding=padding, dilation=dilation)
    y.backward(lib.tensor(gy))
    return y, xt.grad, wt.grad, bt.grad


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("algo", ["spectral", "direct"])
@pytest.mark.parametrize("case", CASES)
def test_conv2d_matches_torch(case, algo, algorithm, rng):
    algorithm(algo)
    N, C, O, H, W, kh, kw, padding, dilation = case
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w = rng.standard_normal((O, C, kh, kw)).astype(np.float32)
    b = rng.standard_normal(O).astype(np.float32)
    ref_y = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), padding=padding,
                                       dilation=dilation)
    gy = rng.standard_normal(tuple(ref_y.shape)).astype(np.float32)
    want = _run(torch, x, w, b, gy, padding, dilation)
    got = _run(nt, x, w, b, gy, padding, dilation)
    scale = max(1.0, float(np.abs(want[0].detach().numpy()).max()))
    for g, t in zip(got, want):
        assert_close(g, t, rtol=1e-5, atol=2e-6 * scale * C * kh * kw)


@pytest.mark.parametrize("case", CASES[:5])
def test_spectral_is_used_and_float64_is_exact(case, algorithm, rng, monkeypatch):
    """In float64 the frequency-domain result agrees with torch to ~1e-12 (no float32 rounding to hide)."""
    algorithm("spectral")
    calls = []
    real = spectral.forward
    monkeypatch.setattr(spectral, "forward", lambda *a, **k: calls.append(1) or real(*a, **k))
    N, C, O, H, W, kh, kw, padding, dilation = case
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((O, C, kh, kw))
    b = rng.standard_normal(O)
    ref_y = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=padding, dilation=dilation)
    gy = rng.standard_normal(tuple(ref_y.shape))
    want = _run(torch, x, w, b, gy, padding, dilation)
    got = _run(nt, x, w, b, gy, padding, dilation)
    assert calls, "the spectral path did not run"
    for g, t in zip(got, want):
        assert_close(g, t, rtol=1e-10, atol=1e-10)


def test_double_backward_gradcheck(algorithm, rng):
    algorithm("spectral")
    x = nt.tensor(rng.standard_normal((2, 3, 6, 5)), requires_grad=True)
    w = nt.tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
    b = nt.tensor(rng.standard_normal(4), requires_grad=True)

    def f(x, w, b):
        return nt.nn.functional.conv2d(x, w, b, padding=1)
    assert nt.autograd.gradcheck(f, (x, w, b))
    assert nt.autograd.gradgradcheck(f, (x, w, b))


def test_conv_transpose_and_conv1d(algorithm, rng):
    algorithm("spectral")
    x = rng.standard_normal((2, 4, 7, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    want = torch.nn.functional.conv_transpose2d(torch.tensor(x), torch.tensor(w), padding=1)
    got = nt.nn.functional.conv_transpose2d(nt.tensor(x), nt.tensor(w), padding=1)
    assert_close(got, want, rtol=1e-5, atol=1e-5)
    x1 = rng.standard_normal((3, 2, 20)).astype(np.float32)
    w1 = rng.standard_normal((5, 2, 4)).astype(np.float32)
    want = torch.nn.functional.conv1d(torch.tensor(x1), torch.tensor(w1), padding=3, dilation=2)
    got = nt.nn.functional.conv1d(nt.tensor(x1), nt.tensor(w1), padding=3, dilation=2)
    assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_weight_without_grad_and_input_without_grad(algorithm, rng):
    algorithm("spectral")
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    gy = rng.standard_normal((2, 4, 8, 8)).astype(np.float32)
    for x_rg, w_rg in [(True, False), (False, True)]:
        xt, wt = torch.tensor(x, requires_grad=x_rg), torch.tensor(w, requires_grad=w_rg)
        xn, wn = nt.tensor(x, requires_grad=x_rg), nt.tensor(w, requires_grad=w_rg)
        torch.nn.functional.conv2d(xt, wt, padding=1).backward(torch.tensor(gy))
        nt.nn.functional.conv2d(xn, wn, padding=1).backward(nt.tensor(gy))
        assert_close(xn.grad, xt.grad, atol=1e-5)
        assert_close(wn.grad, wt.grad, atol=1e-4)


def test_cost_model_choices():
    g = _Geom((1, 1), ((2, 2), (2, 2)), (1, 1), 1, 2)
    f32 = np.float32
    # MyNet: the 3-channel first layer stays direct, the 32-channel layers on 16x16 and 8x8 maps go spectral
    assert not spectral.usable((64, 3, 32, 32), (32, 3, 5, 5), g, "auto", f32)
    assert spectral.usable((64, 32, 16, 16), (32, 32, 5, 5), g, "auto", f32)
    assert spectral.usable((64, 32, 8, 8), (64, 32, 5, 5), g, "auto", f32)
    assert not spectral.usable((64, 32, 16, 16), (32, 32, 5, 5), g, "direct", f32)
    # never for strides, groups, or pads beyond the kernel's reach (they would wrap around)
    assert not spectral.usable((64, 32, 16, 16), (32, 32, 5, 5), _Geom((2, 2), ((2, 2), (2, 2)), (1, 1), 1, 2),
                               "spectral", f32)
    assert not spectral.usable((64, 32, 16, 16), (32, 16, 5, 5), _Geom((1, 1), ((2, 2), (2, 2)), (1, 1), 2, 2),
                               "spectral", f32)
    assert not spectral.usable((4, 3, 8, 8), (4, 3, 1, 1), _Geom((1, 1), ((1, 1), (1, 1)), (1, 1), 1, 2),
                               "spectral", f32)


def test_cost_model_training_threshold():
    # resnet18's 128-channel 28x28 3x3 layers (flop ratio 0.41): direct for a forward alone, spectral when the
    # forward's spectra serve a backward too; its 64-channel 56x56 layers (ratio 0.85) stay direct either way
    g = _Geom((1, 1), ((1, 1), (1, 1)), (1, 1), 1, 2)
    f32 = np.float32
    assert not spectral.usable((16, 128, 28, 28), (128, 128, 3, 3), g, "auto", f32)
    assert spectral.usable((16, 128, 28, 28), (128, 128, 3, 3), g, "auto", f32, train=True)
    assert not spectral.usable((16, 64, 56, 56), (64, 64, 3, 3), g, "auto", f32, train=True)


def test_training_forward_picks_spectral_and_matches_torch():
    # a weight that needs a gradient makes the 128@28 layer spectral (train=True); values and both gradients
    # must still be PyTorch's
    r = np.random.default_rng(3)
    x = r.standard_normal((2, 128, 28, 28)).astype(np.float32)
    w = (r.standard_normal((128, 128, 3, 3)) * 0.03).astype(np.float32)
    gy = r.standard_normal((2, 128, 28, 28)).astype(np.float32)
    xn, wn = nt.tensor(x, requires_grad=True), nt.tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    yn = nt.nn.functional.conv2d(xn, wn, padding=1)
    yt = torch.nn.functional.conv2d(xt, wt, padding=1)
    assert_close(yn, yt, atol=1e-4)
    yn.backward(nt.tensor(gy))
    yt.backward(torch.tensor(gy))
    assert_close(xn.grad, xt.grad, atol=1e-4)
    assert_close(wn.grad, wt.grad, atol=1e-3)


def test_algorithm_flag_validates():
    with pytest.raises(ValueError, match="conv.algorithm"):
        nt.backends.conv.algorithm = "fft"


def test_batch_pieces_on_two_threads(algorithm, rng):
    """With 2 threads the batch is split into pieces (spectra per piece, weight gradient summed)."""
    algorithm("spectral")
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    try:
        x = rng.standard_normal((9, 16, 16, 16)).astype(np.float32)
        w = (0.1 * rng.standard_normal((12, 16, 5, 5))).astype(np.float32)
        b = rng.standard_normal(12).astype(np.float32)
        gy = rng.standard_normal((9, 12, 16, 16)).astype(np.float32)
        want = _run(torch, x, w, b, gy, 2, 1)
        got = _run(nt, x, w, b, gy, 2, 1)
    finally:
        nt.set_num_threads(old)
    for g, t in zip(got, want):   # float32 sums of 9*256 products: tolerance relative to the largest value
        assert_close(g, t, rtol=1e-5, atol=5e-6 * float(np.abs(t.detach().numpy()).max()))
