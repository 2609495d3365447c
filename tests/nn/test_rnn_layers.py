"""RNN / LSTM / GRU and cells against PyTorch with the same weights: outputs, final states, all gradients."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close
from _layer_twins import twin

CONFIGS = [dict(), dict(num_layers=2), dict(batch_first=True), dict(bidirectional=True),
           dict(num_layers=2, bidirectional=True, batch_first=True), dict(bias=False)]


def _compare(name, kw, x, hx=None, train=True):
    tm, nm = twin(name, 3, 4, **kw)
    if not train:
        tm.eval()
        nm.eval()
    xt = x.clone().requires_grad_()
    xn = to_nt(x, True)
    if hx is None:
        to, th = tm(xt)
        no, nh = nm(xn)
    else:
        if name == "LSTM":
            to, th = tm(xt, tuple(h.clone() for h in hx))
            no, nh = nm(xn, tuple(to_nt(h) for h in hx))
        else:
            to, th = tm(xt, hx.clone())
            no, nh = nm(xn, to_nt(hx))
    assert_close(no, to, 1e-5, 1e-5)
    ths = th if isinstance(th, tuple) else (th,)
    nhs = nh if isinstance(nh, tuple) else (nh,)
    for a, b in zip(nhs, ths):
        assert_close(a, b, 1e-5, 1e-5)
    gen = torch.Generator().manual_seed(1)
    loss_t = (to * torch.randn(to.shape, generator=gen)).sum() + sum((h * h).sum() for h in ths)
    gen = torch.Generator().manual_seed(1)
    loss_n = (no * to_nt(torch.randn(to.shape, generator=gen))).sum() + sum((h * h).sum() for h in nhs)
    loss_t.backward()
    loss_n.backward()
    assert_close(xn.grad, xt.grad, 1e-4, 1e-5)
    for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2
        assert_close(q.grad, p.grad, 1e-4, 1e-5)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("kw", CONFIGS)
def test_rnn_family(name, kw):
    torch.manual_seed(0)
    x = torch.randn(2, 5, 3) if kw.get("batch_first") else torch.randn(5, 2, 3)
    _compare(name, kw, x)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_rnn_initial_state_and_unbatched(name):
    torch.manual_seed(1)
    kw = dict(num_layers=2, bidirectional=True)
    h = torch.randn(4, 2, 4)
    hx = (h, torch.randn(4, 2, 4)) if name == "LSTM" else h
    _compare(name, kw, torch.randn(5, 2, 3), hx)
    _compare(name, kw, torch.randn(5, 3))  # unbatched (L, H_in)
    h1 = torch.randn(4, 4)
    _compare(name, kw, torch.randn(5, 3), (h1, torch.randn(4, 4)) if name == "LSTM" else h1)


def test_rnn_relu_and_lstm_proj():
    torch.manual_seed(2)
    _compare("RNN", dict(nonlinearity="relu", num_layers=2), torch.randn(4, 2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare("LSTM", dict(proj_size=2, num_layers=2), torch.randn(4, 2, 3))


def test_rnn_dropout_between_layers():
    torch.manual_seed(3)
    # eval mode: dropout is off, so the outputs equal torch's
    _compare("LSTM", dict(num_layers=2, dropout=0.5), torch.randn(4, 2, 3), train=False)
    m = nt.nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = nt.randn(4, 2, 3)
    assert not np.array_equal(m(x)[0]._data, m(x)[0]._data)  # training: random masks between layers
    m.eval()
    assert np.array_equal(m(x)[0]._data, m(x)[0]._data)


def test_rnn_names_init_and_errors():
    m = nt.nn.LSTM(3, 8, num_layers=2, bidirectional=True)
    names = [n for n, _ in m.named_parameters()]
    assert names == [n for n, _ in torch.nn.LSTM(3, 8, num_layers=2, bidirectional=True).named_parameters()]
    for p in m.parameters():
        assert p._data.dtype == np.float32 and np.abs(p._data).max() <= 1 / np.sqrt(8)
    with pytest.raises(RuntimeError):
        m(nt.randn(5, 2, 4))  # wrong input size
    with pytest.raises(RuntimeError):
        m(nt.randn(5, 2, 3), (nt.zeros(1, 2, 8), nt.zeros(1, 2, 8)))  # wrong hidden shape
    with pytest.warns(UserWarning):
        nt.nn.GRU(3, 4, dropout=0.2)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells(name, bias):
    torch.manual_seed(4)
    tm, nm = twin(name, 3, 5, bias=bias)
    for x in (torch.randn(4, 3), torch.randn(3)):
        lead = x.shape[:-1]
        h = torch.randn(*lead, 5)
        hx = (h, torch.randn(*lead, 5)) if name == "LSTMCell" else h
        xt = x.clone().requires_grad_()
        xn = to_nt(x, True)
        to = tm(xt, hx)
        no = nm(xn, tuple(to_nt(a) for a in hx) if name == "LSTMCell" else to_nt(hx))
        tl = sum(o.pow(2).sum() for o in (to if isinstance(to, tuple) else (to,)))
        nl = sum(o.pow(2).sum() for o in (no if isinstance(no, tuple) else (no,)))
        assert_close(nl, tl, 1e-5, 1e-5)
        tl.backward()
        nl.backward()
        assert_close(xn.grad, xt.grad, 1e-4, 1e-5)
        for p, q in zip(tm.parameters(), nm.parameters()):
            assert_close(q.grad, p.grad, 1e-4, 1e-5)
            p.grad = None
            q.grad = None
    assert nm(to_nt(torch.randn(2, 3))) is not None  # default zero state
