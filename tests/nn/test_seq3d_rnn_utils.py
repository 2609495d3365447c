"""nn.utils.rnn (pad / pack / unpack) and PackedSequence through RNN/LSTM/GRU, against torch."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

import numtorch.nn.utils.rnn as R
import torch.nn.utils.rnn as TR


def _seqs(rng, lens, feat=(3,), requires_grad=True):
    ts = [rng.standard_normal((n,) + feat).astype(np.float32) for n in lens]
    a = [nt.tensor(x, requires_grad=requires_grad) for x in ts]
    b = [torch.tensor(x, requires_grad=requires_grad) for x in ts]
    return a, b


def _check_packed(p, q):
    assert isinstance(p, R.PackedSequence)
    assert_close(p.data, q.data)
    assert_close(p.batch_sizes, q.batch_sizes)
    for x, y in ((p.sorted_indices, q.sorted_indices), (p.unsorted_indices, q.unsorted_indices)):
        assert (x is None) == (y is None)
        if x is not None:
            assert_close(x, y)


def test_all_names():
    assert sorted(R.__all__) == sorted(TR.__all__)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("feat", [(), (2, 3)])
def test_pad_sequence(rng, batch_first, side, feat):
    a, b = _seqs(rng, [3, 5, 1, 5], feat)
    y = R.pad_sequence(a, batch_first=batch_first, padding_value=-2.5, padding_side=side)
    w = TR.pad_sequence(b, batch_first=batch_first, padding_value=-2.5, padding_side=side)
    assert_close(y, w)
    g = rng.standard_normal(w.shape).astype(np.float32)
    y.backward(nt.tensor(g))
    w.backward(torch.tensor(g))
    for x, z in zip(a, b):
        assert_close(x.grad, z.grad)


def test_pad_sequence_errors():
    for bad in ("mid",):
        with pytest.raises(RuntimeError) as e1:
            R.pad_sequence([nt.ones(2)], padding_side=bad)
        with pytest.raises(RuntimeError) as e2:
            TR.pad_sequence([torch.ones(2)], padding_side=bad)
        assert str(e1.value) == str(e2.value)
    with pytest.raises(RuntimeError, match="empty list"):
        R.pad_sequence([])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_pad_roundtrip(rng, batch_first, enforce_sorted):
    lens = [5, 4, 4, 2, 1] if enforce_sorted else [2, 5, 1, 4, 4]
    x = rng.standard_normal((5, 5, 3) if True else None).astype(np.float32)
    a, b = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for lengths in (lens, torch.tensor(lens)):
        la = lengths if isinstance(lengths, list) else nt.tensor(lens)
        p = R.pack_padded_sequence(a, la, batch_first=batch_first, enforce_sorted=enforce_sorted)
        q = TR.pack_padded_sequence(b, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        _check_packed(p, q)
    y, ly = R.pad_packed_sequence(p, batch_first=batch_first, padding_value=7.0, total_length=6)
    w, lw = TR.pad_packed_sequence(q, batch_first=batch_first, padding_value=7.0, total_length=6)
    assert_close(y, w)
    assert_close(ly, lw)
    g = rng.standard_normal(w.shape).astype(np.float32)
    y.backward(nt.tensor(g))
    w.backward(torch.tensor(g))
    assert_close(a.grad, b.grad)


def test_pack_second_order(rng):
    x = rng.standard_normal((4, 3, 2)).astype(np.float32)
    a, b = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    p = R.pack_padded_sequence(a, [2, 4, 3], enforce_sorted=False)
    q = TR.pack_padded_sequence(b, [2, 4, 3], enforce_sorted=False)
    ya = (R.pad_packed_sequence(p)[0] ** 3).sum()
    yb = (TR.pad_packed_sequence(q)[0] ** 3).sum()
    ga, = nt.autograd.grad(ya, a, create_graph=True)
    gb, = torch.autograd.grad(yb, b, create_graph=True)
    assert_close(ga, gb)
    ga.sum().backward()
    gb.sum().backward()
    assert_close(a.grad, b.grad)


def test_pack_errors():
    x = nt.ones(3, 2)
    for call in (lambda M, t: M.pack_padded_sequence(t, [1, 2]),
                 lambda M, t: M.pack_padded_sequence(t, [0, 0], enforce_sorted=False)):
        with pytest.raises(RuntimeError) as e1:
            call(R, x)
        with pytest.raises(RuntimeError) as e2:
            call(TR, torch.ones(3, 2))
        assert str(e1.value) == str(e2.value)
    p = R.pack_sequence([nt.ones(3), nt.ones(2)])
    q = TR.pack_sequence([torch.ones(3), torch.ones(2)])
    with pytest.raises(ValueError) as e1:
        R.pad_packed_sequence(p, total_length=2)
    with pytest.raises(ValueError) as e2:
        TR.pad_packed_sequence(q, total_length=2)
    assert str(e1.value) == str(e2.value)


def test_pack_sequence_unpack(rng):
    a, b = _seqs(rng, [2, 6, 3, 1], (2,))
    p = R.pack_sequence(a, enforce_sorted=False)
    q = TR.pack_sequence(b, enforce_sorted=False)
    _check_packed(p, q)
    ua, ub = R.unpack_sequence(p), TR.unpack_sequence(q)
    assert len(ua) == len(ub)
    for x, y in zip(ua, ub):
        assert_close(x, y)
    padded = TR.pad_sequence(b)
    lens = torch.tensor([2, 6, 3, 1])
    ua = R.unpad_sequence(to_nt(padded), nt.tensor([2, 6, 3, 1]))
    ub = TR.unpad_sequence(padded.detach().clone(), lens)
    for x, y in zip(ua, ub):
        assert_close(x, y)


def test_packed_sequence_object(rng):
    p = R.pack_sequence([nt.ones(3, 2), nt.ones(1, 2)])
    assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert p.is_cuda is False
    assert p.to(nt.float32) is p
    d = p.double()
    assert d.data.dtype == nt.float64 and d.batch_sizes is p.batch_sizes
    data, bsz, si, ui = p
    assert bsz.dtype == nt.int64
    q = R.PackedSequence((p.data, p.batch_sizes))
    assert q.sorted_indices is None and q.unsorted_indices is None
    si = nt.tensor([2, 0, 1])
    assert_close(R.invert_permutation(si), TR.invert_permutation(torch.tensor([2, 0, 1])))
    assert R.invert_permutation(None) is None


def _copy_rnn(mt, mn):
    sd = {k: to_nt(v) for k, v in mt.state_dict().items()}
    mn.load_state_dict(sd)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("with_hx", [False, True])
def test_rnn_packed_unsorted(rng, mode, bidirectional, with_hx):
    torch.manual_seed(0)
    mt = getattr(torch.nn, mode)(3, 4, num_layers=2, bidirectional=bidirectional)
    mn = getattr(nt.nn, mode)(3, 4, num_layers=2, bidirectional=bidirectional)
    _copy_rnn(mt, mn)
    lens = [3, 5, 1, 5, 2]
    a, b = _seqs(rng, lens, (3,))
    p = R.pack_sequence(a, enforce_sorted=False)
    q = TR.pack_sequence(b, enforce_sorted=False)
    nd = 2 if bidirectional else 1
    hx_t = hx_n = None
    if with_hx:
        h = rng.standard_normal((2 * nd, 5, 4)).astype(np.float32)
        c = rng.standard_normal((2 * nd, 5, 4)).astype(np.float32)
        if mode == "LSTM":
            hx_t = (torch.tensor(h, requires_grad=True), torch.tensor(c, requires_grad=True))
            hx_n = (nt.tensor(h, requires_grad=True), nt.tensor(c, requires_grad=True))
        else:
            hx_t, hx_n = torch.tensor(h, requires_grad=True), nt.tensor(h, requires_grad=True)
    yn, hn = mn(p, hx_n)
    yt, ht = mt(q, hx_t)
    _check_packed(yn, yt)
    hn_l = list(hn) if mode == "LSTM" else [hn]
    ht_l = list(ht) if mode == "LSTM" else [ht]
    for x, y in zip(hn_l, ht_l):
        assert_close(x, y, atol=2e-6)
    gy = rng.standard_normal(tuple(yt.data.shape)).astype(np.float32)
    ghs = [rng.standard_normal(tuple(x.shape)).astype(np.float32) for x in ht_l]
    nt.autograd.backward([yn.data] + hn_l, [nt.tensor(gy)] + [nt.tensor(g) for g in ghs])
    torch.autograd.backward([yt.data] + ht_l, [torch.tensor(gy)] + [torch.tensor(g) for g in ghs])
    for x, y in zip(a, b):
        assert_close(x.grad, y.grad, atol=1e-5)
    for (k, v), (k2, w) in zip(mn.named_parameters(), mt.named_parameters()):
        assert k == k2
        assert_close(v.grad, w.grad, atol=1e-5, rtol=1e-4)
    if with_hx:
        for x, y in zip(hx_n if mode == "LSTM" else [hx_n], hx_t if mode == "LSTM" else [hx_t]):
            assert_close(x.grad, y.grad, atol=1e-5)


@pytest.mark.parametrize("batch_first", [False, True])
def test_lstm_pack_pad_pipeline(rng, batch_first):
    """The usual pack -> LSTM -> unpack pattern, padded outputs and unsorted lengths."""
    torch.manual_seed(1)
    mt = torch.nn.LSTM(3, 5, batch_first=batch_first, proj_size=0)
    mn = nt.nn.LSTM(3, 5, batch_first=batch_first)
    _copy_rnn(mt, mn)
    shape = (4, 6, 3) if batch_first else (6, 4, 3)
    x = rng.standard_normal(shape).astype(np.float32)
    lens = [4, 6, 2, 3]
    a, b = nt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yn, _ = R.pad_packed_sequence(mn(R.pack_padded_sequence(a, lens, batch_first, False))[0], batch_first,
                                  total_length=6)
    yt, _ = TR.pad_packed_sequence(mt(TR.pack_padded_sequence(b, lens, batch_first, False))[0], batch_first,
                                   total_length=6)
    assert_close(yn, yt, atol=2e-6)
    yn.sum().backward()
    yt.sum().backward()
    assert_close(a.grad, b.grad, atol=1e-5)


def test_lstm_proj_packed(rng):
    torch.manual_seed(2)
    mt = torch.nn.LSTM(3, 5, proj_size=2, bidirectional=True)
    mn = nt.nn.LSTM(3, 5, proj_size=2, bidirectional=True)
    _copy_rnn(mt, mn)
    a, b = _seqs(rng, [2, 4, 3], (3,))
    yn, (hn, cn) = mn(R.pack_sequence(a, enforce_sorted=False))
    yt, (ht, ct) = mt(TR.pack_sequence(b, enforce_sorted=False))
    _check_packed(yn, yt)
    assert_close(hn, ht, atol=2e-6)
    assert_close(cn, ct, atol=2e-6)
    (yn.data.sum() + hn.sum() + cn.sum()).backward()
    (yt.data.sum() + ht.sum() + ct.sum()).backward()
    for x, y in zip(a, b):
        assert_close(x.grad, y.grad, atol=1e-5)


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_rnn_packed_double_backward(rng, mode):
    mt = getattr(torch.nn, mode)(2, 3, dtype=torch.float64, bidirectional=True)
    mn = getattr(nt.nn, mode)(2, 3, dtype=nt.float64, bidirectional=True)
    _copy_rnn(mt, mn)
    xs = [rng.standard_normal((n, 2)) for n in (3, 1, 2)]
    a = [nt.tensor(x, requires_grad=True) for x in xs]
    b = [torch.tensor(x, requires_grad=True) for x in xs]
    yn = mn(R.pack_sequence(a, enforce_sorted=False))[0].data
    yt = mt(TR.pack_sequence(b, enforce_sorted=False))[0].data
    gn = nt.autograd.grad((yn ** 2).sum(), a, create_graph=True)
    gt = torch.autograd.grad((yt ** 2).sum(), b, create_graph=True)
    for x, y in zip(gn, gt):
        assert_close(x, y, rtol=1e-9, atol=1e-10)
    sum((x ** 2).sum() for x in gn).backward()
    sum((x ** 2).sum() for x in gt).backward()
    for x, y in zip(a, b):
        assert_close(x.grad, y.grad, rtol=1e-8, atol=1e-10)
