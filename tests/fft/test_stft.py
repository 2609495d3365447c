"""torch.stft / torch.istft against PyTorch: values, dtypes and shapes over the options (hop, win_length, window,
center, pad_mode, normalized, onesided, align_to_window, return_complex), complex inputs and windows, gradients to
the signal and the window (first order against torch, second order through the cotangent, gradcheck and
gradgradcheck of stft -> istft), and the argument checks with PyTorch's exception classes and messages."""
import warnings

import numpy as np
import pytest

from conftest import torch, assert_close

import numtorch as nt

STFT_OPTIONS = [{}, {"hop_length": 5}, {"win_length": 10}, {"center": False}, {"normalized": True},
                {"onesided": False}, {"pad_mode": "constant"}, {"pad_mode": "circular"}, {"hop_length": 3, "win_length": 7},
                {"win_length": 8, "center": False, "align_to_window": True},
                {"win_length": 8, "center": False, "align_to_window": False}, {"return_complex": False}]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _c(v):
    return v.detach().resolve_conj() if isinstance(v, torch.Tensor) else v


@pytest.mark.parametrize("opts", STFT_OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("shape", [(40,), (2, 37)])
@pytest.mark.parametrize("win", [None, "hann"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stft_values_and_gradients(opts, shape, win, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    wl = opts.get("win_length", 16)
    w = None if win is None else (np.hanning(wl) + 0.1).astype(dtype)
    kw = dict(opts)
    kw.setdefault("return_complex", True)
    xt, xn = torch.tensor(x, requires_grad=True), nt.tensor(x, requires_grad=True)
    wt = None if w is None else torch.tensor(w, requires_grad=True)
    wn = None if w is None else nt.tensor(w, requires_grad=True)
    yt, yn = torch.stft(xt, 16, window=wt, **kw), nt.stft(xn, 16, window=wn, **kw)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    assert_close(yn, yt, **tol)
    v = rng.standard_normal(tuple(yt.shape)) + (1j * rng.standard_normal(tuple(yt.shape)) if yt.is_complex() else 0)
    v = v.astype(np.complex64 if dtype == np.float32 else np.complex128) if yt.is_complex() else v.astype(dtype)
    ins_t = [xt] + ([wt] if wt is not None else [])
    ins_n = [xn] + ([wn] if wn is not None else [])
    vt, vn = torch.tensor(v, requires_grad=True), nt.tensor(v, requires_grad=True)
    gt = torch.autograd.grad(yt, ins_t, vt, create_graph=True)
    gn = nt.autograd.grad(yn, ins_n, vn, create_graph=True)
    for a, b in zip(gn, gt):
        assert_close(a, b, **tol)
    if dtype == np.float64:   # second order: the input gradient's derivative in the cotangent
        u = rng.standard_normal(shape)
        assert_close(nt.autograd.grad(gn[0], vn, nt.tensor(u))[0], torch.autograd.grad(gt[0], vt, torch.tensor(u))[0],
                     **tol)


def test_tensor_method_and_complex_inputs():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 40))
    xc = x + 1j * rng.standard_normal((2, 40))
    w = np.hanning(16) + 0.1
    assert_close(nt.tensor(x).stft(16, window=nt.tensor(w), return_complex=True),
                 torch.tensor(x).stft(16, window=torch.tensor(w), return_complex=True), rtol=1e-10, atol=1e-10)
    for a, win in ((xc, w), (x, w + 0j), (xc, w + 0j)):
        assert_close(nt.stft(nt.tensor(a), 16, window=nt.tensor(win)), torch.stft(torch.tensor(a), 16,
                     window=torch.tensor(win)), rtol=1e-10, atol=1e-10)
    assert_close(nt.stft(nt.tensor(xc), 16, window=nt.tensor(w), return_complex=False),
                 torch.stft(torch.tensor(xc), 16, window=torch.tensor(w), return_complex=False), rtol=1e-10, atol=1e-10)


ISTFT_OPTIONS = [{}, {"hop_length": 5}, {"win_length": 10}, {"center": False, "window": "ones"}, {"normalized": True},
                 {"onesided": False}, {"length": 37}, {"length": 50}, {"length": 20}, {"window": None},
                 {"onesided": False, "return_complex": True}]


@pytest.mark.parametrize("opts", ISTFT_OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("shape", [(37,), (2, 40)])
def test_istft_values_and_gradients(opts, shape):
    rng = np.random.default_rng(2)
    opts = dict(opts)
    wl = opts.get("win_length", 16)
    wkind = opts.pop("window", "hann")
    w = None if wkind is None else np.ones(wl) if wkind == "ones" else np.hanning(wl) + 0.1
    skw = {k: v for k, v in opts.items() if k in ("hop_length", "win_length", "center", "normalized", "onesided")}
    x = rng.standard_normal(shape)
    S = torch.stft(torch.tensor(x), 16, window=None if w is None else torch.tensor(w), return_complex=True,
                   **skw).numpy()
    st, sn = torch.tensor(S, requires_grad=True), nt.tensor(S, requires_grad=True)
    wt = None if w is None else torch.tensor(w, requires_grad=True)
    wn = None if w is None else nt.tensor(w, requires_grad=True)
    rt, rn = torch.istft(st, 16, window=wt, **opts), nt.istft(sn, 16, window=wn, **opts)
    assert_close(rn, rt, rtol=1e-10, atol=1e-10)
    u = rng.standard_normal(tuple(rt.shape)) + (1j * rng.standard_normal(tuple(rt.shape)) if rt.is_complex() else 0)
    ins_t = [st] + ([wt] if wt is not None else [])
    ins_n = [sn] + ([wn] if wn is not None else [])
    for a, b in zip(nt.autograd.grad(rn, ins_n, nt.tensor(u)), torch.autograd.grad(rt, ins_t, torch.tensor(u))):
        assert_close(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("center", [True, False])
def test_gradcheck_stft_istft_chain(center):
    w = nt.tensor(np.hanning(8) + 0.2)

    def f(x):
        s = nt.stft(x, 8, hop_length=2, window=w, center=center, return_complex=True)
        return nt.istft(s * 1, 8, hop_length=2, window=w, center=center, length=x.shape[-1] if center else None)

    x = nt.tensor(np.random.default_rng(3).standard_normal((2, 20)), requires_grad=True)
    assert nt.autograd.gradcheck(f, (x,))
    assert nt.autograd.gradgradcheck(f, (x,))


def _same_error(ft, fn):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as en:
        fn()
    assert str(en.value).split("\n")[0] == str(et.value).split("\n")[0]


_X = np.random.default_rng(4).standard_normal((2, 40))
_W = np.hanning(16) + 0.1
_S = np.fft.rfft(np.lib.stride_tricks.sliding_window_view(np.pad(_X, ((0, 0), (8, 8)), mode="reflect"), 16,
                                                            axis=-1)[:, ::4] * _W, axis=-1).transpose(0, 2, 1)

ERRORS = {
    "no_return_complex": lambda L, T: L.stft(T(_X), 16, window=T(_W)),
    "hop0": lambda L, T: L.stft(T(_X), 16, hop_length=0, return_complex=True),
    "win0": lambda L, T: L.stft(T(_X), 16, win_length=0, return_complex=True),
    "win_big": lambda L, T: L.stft(T(_X), 16, win_length=17, return_complex=True),
    "n_fft0": lambda L, T: L.stft(T(_X), 0, return_complex=True),
    "n_fft_big": lambda L, T: L.stft(T(_X), 100, center=False, return_complex=True),
    "onesided_complex_window": lambda L, T: L.stft(T(_X), 16, window=T(_W + 0j), onesided=True, return_complex=True),
    "3d": lambda L, T: L.stft(T(_X[None]), 16, return_complex=True),
    "int": lambda L, T: L.stft(T(_X.astype(np.int64)), 16, center=False, return_complex=True),
    "window_size": lambda L, T: L.stft(T(_X), 16, window=T(np.ones(10)), return_complex=True),
    "window_2d": lambda L, T: L.stft(T(_X), 16, window=T(np.ones((4, 4))), return_complex=True),
    "align_center": lambda L, T: L.stft(T(_X), 16, align_to_window=True, return_complex=True),
    "n_fft_float": lambda L, T: L.stft(T(_X), 16.0, return_complex=True),
    "istft_real": lambda L, T: L.istft(T(_S.real.copy()), 16, window=T(_W)),
    "istft_empty": lambda L, T: L.istft(T(_S[:, :, :0]), 16, window=T(_W)),
    "istft_5d": lambda L, T: L.istft(T(_S[None, None]), 16, window=T(_W)),
    "istft_1d": lambda L, T: L.istft(T(_S[0, 0]), 16, window=T(_W)),
    "istft_onesided_size": lambda L, T: L.istft(T(_S), 20, window=T(np.ones(20))),
    "istft_twosided_size": lambda L, T: L.istft(T(_S), 16, window=T(_W), onesided=False),
    "istft_hop": lambda L, T: L.istft(T(_S), 16, hop_length=17, window=T(_W)),
    "istft_win": lambda L, T: L.istft(T(_S), 16, win_length=17),
    "istft_window_shape": lambda L, T: L.istft(T(_S), 16, window=T(np.ones(10))),
    "istft_nola": lambda L, T: L.istft(T(_S), 16, hop_length=16, window=T(np.hanning(16))),
    "istft_onesided_complex": lambda L, T: L.istft(T(_S), 16, window=T(_W), return_complex=True),
    "istft_complex_window": lambda L, T: L.istft(T(_S), 16, window=T(_W + 0j)),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors(case):
    f = ERRORS[case]
    _same_error(lambda: f(torch, torch.tensor), lambda: f(nt, nt.tensor))


def test_warnings_once():
    """The missing-window and return_complex=False warnings are PyTorch's text (it warns once per process)."""
    from numtorch.fft import _stft
    _stft._warned.clear()
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        nt.stft(nt.tensor(_X), 16, return_complex=False)
        nt.stft(nt.tensor(_X), 16, return_complex=False)
    msgs = [str(w.message) for w in got]
    assert len(msgs) == 2
    assert msgs[0].startswith("A window was not provided. A rectangular window will be applied,which is known")
    assert msgs[1].startswith("stft with return_complex=False is deprecated.")


def test_magnitude_spectrogram_loss_gradient():
    """The common training use: |stft(x)| summed, backpropagated to the signal."""
    x = np.random.default_rng(5).standard_normal((2, 400))
    w = np.hanning(64)
    xt, xn = torch.tensor(x, requires_grad=True), nt.tensor(x, requires_grad=True)
    torch.stft(xt, 64, 16, window=torch.tensor(w), return_complex=True).abs().sum().backward()
    nt.stft(xn, 64, 16, window=nt.tensor(w), return_complex=True).abs().sum().backward()
    assert_close(xn.grad, xt.grad, rtol=1e-9, atol=1e-10)


def test_gradcheck_complex_signal():
    w = nt.hann_window(4, dtype=nt.float64) + 0.1
    z = nt.tensor(np.random.default_rng(6).standard_normal((2, 9)) * (1 + 0.5j), requires_grad=True)

    def f(z):
        return nt.stft(z, 4, hop_length=1, window=w, center=False)
    assert nt.autograd.gradcheck(f, (z,))
    assert nt.autograd.gradgradcheck(f, (z,))
