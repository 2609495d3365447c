"""The fused RNN/LSTM/GRU layer nodes: larger shapes than test_rnn_layers, double backward against PyTorch
(its CPU LSTM/GRU support create_graph), float64 gradcheck / gradgradcheck, saved-input version checks."""
import numpy as np
import pytest

import numtorch as nt
from numtorch.autograd.gradcheck import gradcheck, gradgradcheck
from numtorch.nn.modules._rnn_fused import rnn_layer
from conftest import torch, to_nt, assert_close
from _layer_twins import twin

MODES = [("LSTM", {}), ("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"})]


@pytest.mark.parametrize("name,extra", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_fused_matches_torch_larger(name, extra, bidirectional):
    torch.manual_seed(4)
    tm, nm = twin(name, 7, 16, num_layers=2, bidirectional=bidirectional, batch_first=True, **extra)
    x = torch.randn(5, 12, 7)
    xt, xn = x.clone().requires_grad_(), to_nt(x, True)
    to, th = tm(xt)
    no, nh = nm(xn)
    assert no.grad_fn is not None
    assert_close(no, to, 1e-5, 1e-5)
    ths = th if isinstance(th, tuple) else (th,)
    nhs = nh if isinstance(nh, tuple) else (nh,)
    gy = torch.randn(to.shape)
    lt = (to * gy).sum() + sum((h.sin()).sum() for h in ths)
    ln = (no * to_nt(gy)).sum() + sum((h.sin()).sum() for h in nhs)
    lt.backward()
    ln.backward()
    assert_close(xn.grad, xt.grad, 1e-4, 1e-5)
    for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2
        assert_close(q.grad, p.grad, 1e-4, 1e-5)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_double_backward_matches_torch(name):
    torch.manual_seed(5)
    tm, nm = twin(name, 3, 4, num_layers=2, bidirectional=True)
    x = torch.randn(4, 2, 3)
    xt, xn = x.clone().requires_grad_(), to_nt(x, True)
    (gt,) = torch.autograd.grad((tm(xt)[0] ** 2).sum(), xt, create_graph=True)
    (gn,) = nt.autograd.grad((nm(xn)[0] ** 2).sum(), xn, create_graph=True)
    assert_close(gn, gt, 1e-4, 1e-5)
    (gt * gt).sum().backward()
    (gn * gn).sum().backward()
    assert_close(xn.grad, xt.grad, 1e-4, 1e-5)
    for (k, p), (_, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert_close(q.grad, p.grad, 1e-4, 1e-5)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
@pytest.mark.parametrize("reverse", [False, True])
def test_layer_gradcheck_and_gradgradcheck(mode, reverse):
    rng = np.random.default_rng(0)
    T, N, I, H = 3, 2, 3, 2
    G = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1}[mode] * H

    def p(*s):
        return nt.tensor(rng.standard_normal(s) * 0.5, dtype=nt.float64, requires_grad=True)
    ins = [p(T, N, I), p(N, H), p(N, H) if mode == "LSTM" else None, p(G, I), p(G, H), p(G), p(G)]
    tens = [t for t in ins if t is not None]

    def f(*ts):
        it = iter(ts)
        args = [next(it) if t is not None else None for t in ins]
        y, h, c = rnn_layer(mode, *args, reverse)
        return (y, h) if c is None else (y, h, c)
    assert gradcheck(f, tens)
    assert gradgradcheck(f, tens)


def test_third_order_is_refused():
    m = nt.nn.GRU(2, 3)
    x = nt.randn(3, 1, 2, requires_grad=True)
    (g,) = nt.autograd.grad(m(x)[0].pow(2).sum(), x, create_graph=True)
    (g2,) = nt.autograd.grad(g.pow(2).sum(), x, retain_graph=True)   # second order: fine
    assert g2.shape == x.shape
    with pytest.raises(RuntimeError, match="third and higher order"):
        nt.autograd.grad(g.pow(2).sum(), x, create_graph=True)   # would need a differentiable 2nd order


def test_input_modified_in_place_after_forward_raises():
    m = nt.nn.LSTM(2, 3)
    x = nt.randn(3, 1, 2, requires_grad=True)
    xx = x * 1
    y, _ = m(xx)
    xx.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_no_grad_forward_and_float64():
    torch.manual_seed(6)
    tm, nm = twin("LSTM", 3, 5)
    tm, nm = tm.double(), nm.double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    with nt.no_grad():
        no, (h, c) = nm(to_nt(x))
    to, (th, tc) = tm(x)
    assert no.grad_fn is None and no.dtype == nt.float64
    assert_close(no, to.detach(), 1e-10, 1e-12)
    assert_close(c, tc.detach(), 1e-10, 1e-12)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_state_dtype_mismatch_raises_like_torch(name):
    cell = name.endswith("Cell")
    for T in (torch, nt):
        m = getattr(T.nn, name)(3, 4)
        h = T.randn(*((2, 4) if cell else (1, 2, 4)), dtype=T.float64)
        hx = (h, T.randn(*h.shape)) if name.startswith("LSTM") else h
        with pytest.raises(RuntimeError):
            m(T.randn(*((2, 3) if cell else (5, 2, 3))), hx)


@pytest.mark.parametrize("name,extra", MODES)
@pytest.mark.parametrize("batch", [1, 5, 8])
def test_two_threads_match_torch(name, extra, batch):
    """numtorch.set_num_threads(2) (a multi-threaded BLAS in the step and layer GEMMs): values and all
    gradients, bidirectional, with given initial states, odd and unit batch sizes."""
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    try:
        torch.manual_seed(6)
        tm, nm = twin(name, 6, 9, num_layers=2, bidirectional=True, **extra)
        x = torch.randn(7, batch, 6)
        h0 = torch.randn(4, batch, 9)
        hx_t = (h0, torch.randn(4, batch, 9)) if name == "LSTM" else h0
        hx_n = tuple(to_nt(h, True) for h in hx_t) if name == "LSTM" else to_nt(hx_t, True)
        hx_t = tuple(h.clone().requires_grad_() for h in hx_t) if name == "LSTM" else hx_t.clone().requires_grad_()
        xt, xn = x.clone().requires_grad_(), to_nt(x, True)
        to, th = tm(xt, hx_t)
        no, nh = nm(xn, hx_n)
        assert_close(no, to, 1e-5, 1e-5)
        ths = th if isinstance(th, tuple) else (th,)
        nhs = nh if isinstance(nh, tuple) else (nh,)
        for a, b in zip(nhs, ths):
            assert_close(a, b, 1e-5, 1e-5)
        gy = torch.randn(to.shape)
        ((to * gy).sum() + sum(h.sin().sum() for h in ths)).backward()
        ((no * to_nt(gy)).sum() + sum(h.sin().sum() for h in nhs)).backward()
        assert_close(xn.grad, xt.grad, 1e-4, 1e-5)
        for a, b in zip(hx_n if name == "LSTM" else (hx_n,), hx_t if name == "LSTM" else (hx_t,)):
            assert_close(a.grad, b.grad, 1e-4, 1e-5)
        for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
            assert_close(q.grad, p.grad, 1e-4, 1e-5)
    finally:
        nt.set_num_threads(old)
    assert nt.get_num_threads() == old
