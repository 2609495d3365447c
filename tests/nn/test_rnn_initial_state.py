"""RNN / LSTM / GRU with a given initial state (h0, and c0 for LSTM) against PyTorch with copied weights.

Checked: the output, h_n (and c_n), and the gradients with respect to the input, every weight, h0 and c0, for
1-2 layers, both directions, batch_first, LSTM proj_size, unbatched input and packed sequences (sorted and
unsorted) -- under random cotangents on every output, so a swapped direction or layer slot in h0/h_n shows.
float64 runs to 1e-10 (same math, only rounding differs), float32 to PyTorch's float32 rounding.
Also the graykode/nlp-tutorial Bi-LSTM program's model over a few Adam steps in float64.
"""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.utils.rnn as R
from conftest import torch, to_nt, assert_close
from _layer_twins import twin

import torch.nn.utils.rnn as TR

TOL = {torch.float32: (2e-4, 2e-5), torch.float64: (1e-10, 1e-12)}
NT_DTYPE = {torch.float32: nt.float32, torch.float64: nt.float64}
MODES = [("LSTM", {}), ("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"})]
I, H = 3, 4


def _call_both(name, tm, nm, xt, xn, st, sn):
    """torch's and numtorch's module on the same input and initial state: (out_t, states_t, out_n, states_n),
    the states as tuples (an LSTM takes and returns (h, c))."""
    if name == "LSTM":
        to, th = tm(xt, tuple(st))
        no, nh = nm(xn, tuple(sn))
        return to, th, no, nh
    to, th = tm(xt, st[0])
    no, nh = nm(xn, sn[0])
    return to, (th,), no, (nh,)


def _backward_both(outs_t, outs_n, gen, dtype):
    """Backward of sum(o * w) over the paired outputs, the same random cotangent w for both libraries."""
    lt = ln = 0
    for o, p in zip(outs_t, outs_n):
        w = torch.randn(o.shape, generator=gen, dtype=dtype)
        lt = lt + (o * w).sum()
        ln = ln + (p * to_nt(w)).sum()
    lt.backward()
    ln.backward()


def _states(name, L, N, real_h, hidden, dtype, gen, unbatched=False):
    """Random h0 (and c0) as torch leaves: (L, N, real_h) [, (L, N, hidden)], or without N when unbatched."""
    def one(k):
        shape = (L, k) if unbatched else (L, N, k)
        return torch.randn(shape, generator=gen, dtype=dtype)
    return (one(real_h), one(hidden)) if name == "LSTM" else (one(real_h),)


def _models(name, extra, kw, dtype):
    tm, nm = twin(name, I, H, **extra, **kw)
    if dtype == torch.float64:
        tm.double()
        nm.double()
    return tm, nm


def _grads_match(tm, nm, pairs, dtype):
    rtol, atol = TOL[dtype]
    for n, t in pairs:
        assert t.grad is not None
        assert_close(n.grad, t.grad, rtol, atol)
    for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2
        assert_close(q.grad, p.grad, rtol, atol)


def _run_dense(name, extra, kw, dtype, T=5, N=3, unbatched=False):
    tm, nm = _models(name, extra, kw, dtype)
    gen = torch.Generator().manual_seed(7)
    L = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    real_h = kw.get("proj_size", 0) or H
    if unbatched:
        x = torch.randn(T, I, generator=gen, dtype=dtype)
    else:
        x = torch.randn((N, T, I) if kw.get("batch_first") else (T, N, I), generator=gen, dtype=dtype)
    states = _states(name, L, N, real_h, H, dtype, gen, unbatched)
    xt, xn = x.clone().requires_grad_(), to_nt(x, True)
    st = [s.clone().requires_grad_() for s in states]
    sn = [to_nt(s, True) for s in states]
    to, th, no, nh = _call_both(name, tm, nm, xt, xn, st, sn)
    rtol, atol = TOL[dtype]
    assert_close(no, to, rtol, atol)
    assert len(nh) == len(th)
    for a, b in zip(nh, th):
        assert_close(a, b, rtol, atol)
    # random cotangents on the output and on every slot of h_n / c_n
    _backward_both([to, *th], [no, *nh], gen, dtype)
    _grads_match(tm, nm, [(xn, xt)] + list(zip(sn, st)), dtype)
    return to, th


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("name,extra", MODES)
def test_given_state_matches_torch(name, extra, num_layers, bidirectional, batch_first, dtype):
    _run_dense(name, extra, dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first),
               dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_lstm_proj_given_state_matches_torch(num_layers, bidirectional, batch_first, dtype):
    # h0 / h_n carry proj_size features, c0 / c_n hidden_size
    to, (h, c) = _run_dense("LSTM", {}, dict(num_layers=num_layers, bidirectional=bidirectional,
                                            batch_first=batch_first, proj_size=2), dtype)
    assert h.shape[-1] == 2 and c.shape[-1] == H


UNBATCHED = [(n, e, kw) for n, e in MODES for kw in (dict(), dict(num_layers=2, bidirectional=True))] + \
    [("LSTM", {}, dict(proj_size=2, bidirectional=True))]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name,extra,kw", UNBATCHED)
def test_unbatched_given_state_matches_torch(name, extra, kw, dtype):
    _run_dense(name, extra, kw, dtype, unbatched=True)


@pytest.mark.parametrize("name,extra", MODES)
def test_direction_slots_of_h_n(name, extra):
    """h_n[2l] is layer l's forward state after the last step, h_n[2l+1] the reverse state after step 0,
    as the output's two halves show; a state given in only one slot moves only that direction."""
    torch.manual_seed(3)
    tm, nm = twin(name, I, H, num_layers=2, bidirectional=True, **extra)
    x = torch.randn(6, 2, I)
    for slot in range(4):
        hs = [torch.zeros(4, 2, H) for _ in range(2 if name == "LSTM" else 1)]
        hs[0][slot] = torch.randn(2, H)
        if name == "LSTM":
            hs[1][slot] = torch.randn(2, H)
            to, (th, tc) = tm(x, tuple(hs))
            no, (nh, nc) = nm(to_nt(x), tuple(to_nt(h) for h in hs))
            assert_close(nc, tc, 1e-5, 1e-6)
        else:
            to, th = tm(x, hs[0])
            no, nh = nm(to_nt(x), to_nt(hs[0]))
        assert_close(no, to, 1e-5, 1e-6)
        assert_close(nh, th, 1e-5, 1e-6)
        # the top layer's slots against its output halves
        assert_close(nh[2], to[-1, :, :H], 1e-5, 1e-6)
        assert_close(nh[3], to[0, :, H:], 1e-5, 1e-6)
        # a state given in one slot changes exactly the h_n slots torch's changes (e.g. layer 0's reverse state
        # leaves layer 0's forward h_n alone), and always its own slot
        _, hz = tm(x, tuple(torch.zeros_like(h) for h in hs) if name == "LSTM" else torch.zeros_like(hs[0]))
        hz = hz[0] if name == "LSTM" else hz
        changed = [not torch.equal(th[k], hz[k]) for k in range(4)]
        nz = nm(to_nt(x), tuple(nt.zeros(4, 2, H) for _ in hs) if name == "LSTM" else nt.zeros(4, 2, H))[1]
        nz = nz[0] if name == "LSTM" else nz
        assert [not np.array_equal(nh[k].detach().numpy(), nz[k].detach().numpy()) for k in range(4)] == changed
        assert changed[slot] or extra    # (relu may clip the given state's effect away)


def _packed_case(name, extra, kw, dtype, batch_first, enforce_sorted, lengths):
    tm, nm = _models(name, extra, dict(kw, batch_first=batch_first), dtype)
    gen = torch.Generator().manual_seed(5)
    N, T = len(lengths), max(lengths)
    L = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    real_h = kw.get("proj_size", 0) or H
    x = torch.randn((N, T, I) if batch_first else (T, N, I), generator=gen, dtype=dtype)
    states = _states(name, L, N, real_h, H, dtype, gen)
    xt, xn = x.clone().requires_grad_(), to_nt(x, True)
    st = [s.clone().requires_grad_() for s in states]
    sn = [to_nt(s, True) for s in states]
    pt = TR.pack_padded_sequence(xt, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    pn = R.pack_padded_sequence(xn, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    ot, th, on, nh = _call_both(name, tm, nm, pt, pn, st, sn)
    rtol, atol = TOL[dtype]
    assert_close(on.data, ot.data, rtol, atol)
    assert_close(on.batch_sizes, ot.batch_sizes)
    for a, b in zip(nh, th):
        assert_close(a, b, rtol, atol)
    # padded outputs (zeros past each length) and the states, under random cotangents
    yt, _ = TR.pad_packed_sequence(ot, batch_first=batch_first)
    yn, _ = R.pad_packed_sequence(on, batch_first=batch_first)
    assert_close(yn, yt, rtol, atol)
    _backward_both([yt, *th], [yn, *nh], gen, dtype)
    _grads_match(tm, nm, [(xn, xt)] + list(zip(sn, st)), dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch_first,enforce_sorted,lengths",
                         [(False, True, [5, 4, 2]), (False, False, [2, 5, 3, 5]), (True, False, [1, 4, 3])])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, bidirectional=True)])
@pytest.mark.parametrize("name,extra", MODES)
def test_packed_given_state_matches_torch(name, extra, kw, batch_first, enforce_sorted, lengths, dtype):
    _packed_case(name, extra, kw, dtype, batch_first, enforce_sorted, lengths)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("kw", [dict(proj_size=2), dict(proj_size=3, num_layers=2, bidirectional=True)])
def test_packed_lstm_proj_given_state_matches_torch(kw, dtype):
    _packed_case("LSTM", {}, kw, dtype, True, False, [2, 5, 3, 5])


def _bad_states(M, RR):
    x3, x2, z = M.randn(5, 2, I), M.randn(5, I), M.zeros
    packed = RR.pack_padded_sequence(M.randn(5, 2, I), [5, 3])
    unsorted = RR.pack_padded_sequence(M.randn(5, 2, I), [3, 5], enforce_sorted=False)
    return [("LSTM", dict(bidirectional=True), x3, (z(2, 2, H), z(1, 2, H))),
            ("LSTM", dict(bidirectional=True), x3, (z(1, 2, H), z(2, 2, H))),
            ("LSTM", dict(proj_size=2), x3, (z(1, 2, H), z(1, 2, H))),
            ("LSTM", dict(proj_size=2), x3, (z(1, 2, 2), z(1, 2, 2))),
            ("LSTM", {}, x3, (z(2, H), z(1, 2, H))),            # dimensions
            ("LSTM", {}, x2, (z(1, H), z(1, 1, H))),
            ("LSTM", {}, x3, z(2, 2, H)),                       # a tensor where the pair belongs
            ("LSTM", {}, x3, (z(1, 2, H),)),                    # pair too short / too long
            ("LSTM", {}, x3, (z(1, 2, H),) * 3),
            ("LSTM", {}, x2, (z(1, H),) * 3),                   # (PyTorch drops the third for unbatched input)
            ("LSTM", {}, x2, (z(2, H), z(1, H))),
            ("LSTM", {}, packed, (z(1, 2, H),)),
            ("LSTM", {}, unsorted, (z(1, 2, H),)),
            ("GRU", dict(num_layers=2), x3, z(1, 2, H)),
            ("GRU", {}, x3, z(2, H)),
            ("GRU", {}, x2, z(1, 1, H)),
            ("RNN", dict(bidirectional=True), x3, z(2, 3, H)),
            ("RNN", {}, packed, z(2, H)),
            ("RNN", {}, x2, z(2, H))]


def test_state_errors_match_torch():
    """Wrong initial states raise PyTorch's exception class with PyTorch's message (or both run)."""
    torch.manual_seed(0)
    for (name, kw, xt, ht), (_, _, xn, hn) in zip(_bad_states(torch, TR), _bad_states(nt, R)):
        got = []
        for M, x, h in ((torch, xt, ht), (nt, xn, hn)):
            try:
                getattr(M.nn, name)(I, H, **kw)(x, h)
                got.append("ran")
            except (RuntimeError, IndexError) as e:
                got.append(f"{type(e).__name__}: {e}")
        assert got[1] == got[0], (name, kw)


def _bilstm_program(M, n_class, n_hidden):
    """graykode/nlp-tutorial 3-3.Bi-LSTM's model: the last step of a bidirectional LSTM started from zero
    states given explicitly, then a linear layer and a separate bias."""
    class BiLSTM(M.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = M.nn.LSTM(input_size=n_class, hidden_size=n_hidden, bidirectional=True)
            self.W = M.nn.Linear(n_hidden * 2, n_class, bias=False)
            self.b = M.nn.Parameter(M.ones([n_class]))

        def forward(self, X):
            inp = X.transpose(0, 1)
            h = M.zeros(2, len(X), n_hidden, dtype=X.dtype)
            c = M.zeros(2, len(X), n_hidden, dtype=X.dtype)
            out, (_, _) = self.lstm(inp, (h, c))
            return self.W(out[-1]) + self.b
    return BiLSTM()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_nlp_tutorial_bilstm_adam_steps(dtype):
    """The program's training loop (CrossEntropyLoss, Adam lr 1e-3) for 25 steps: in float64 the losses and
    parameters agree with torch to ~1e-12 -- the 1-2 % drift of the full float32 program after 1000 steps is
    float32 rounding amplified by the fit (torch float32 itself drifts that far from torch float64)."""
    n_class, n_hidden, steps = 11, 5, 25
    rng = np.random.default_rng(0)
    words = rng.integers(0, n_class, 12)
    X = np.zeros((11, 12, n_class))
    for i in range(11):   # prefixes of the sentence, zero-padded with word 0, one-hot
        idx = np.concatenate([words[:i + 1], np.zeros(12 - i - 1, np.int64)])
        X[i] = np.eye(n_class)[idx]
    Y = words[1:]
    torch.manual_seed(0)
    tm = _bilstm_program(torch, n_class, n_hidden).to(dtype)
    nm = _bilstm_program(nt, n_class, n_hidden).to(NT_DTYPE[dtype])
    nm.load_state_dict({k: to_nt(v) for k, v in tm.state_dict().items()})
    topt, nopt = torch.optim.Adam(tm.parameters(), lr=0.001), nt.optim.Adam(nm.parameters(), lr=0.001)
    tx, ty = torch.tensor(X, dtype=dtype), torch.tensor(Y)
    nx, ny = to_nt(tx), to_nt(ty)
    tl, nl = [], []
    for _ in range(steps):
        topt.zero_grad()
        nopt.zero_grad()
        lt = torch.nn.CrossEntropyLoss()(tm(tx), ty)
        ln = nt.nn.CrossEntropyLoss()(nm(nx), ny)
        lt.backward()
        ln.backward()
        topt.step()
        nopt.step()
        tl.append(lt.item())
        nl.append(ln.item())
    rtol = 1e-11 if dtype == torch.float64 else 1e-5
    np.testing.assert_allclose(nl, tl, rtol=rtol)
    for (k, p), (k2, q) in zip(tm.named_parameters(), nm.named_parameters()):
        assert k == k2
        assert_close(q, p, rtol, 1e-12 if dtype == torch.float64 else 1e-6)
