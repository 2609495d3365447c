"""CTCLoss against PyTorch: values and gradients, padded and concatenated targets, varying
input/target lengths, repeated labels, blank != 0, impossible alignments (inf, zero_infinity),
unbatched input, errors; the scaled probability-domain recursion and its log-space fallback (very
peaky log-probs, mixed batches, forced), long inputs, -inf and unnormalised log-probs, empty inputs."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn as ntnn
import numtorch.nn.functional._loss.ctc as ntloss
from conftest import torch, assert_close


def _data(T, N, C, S, blank, seed, tgt=None):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, N, C)).astype(np.float32)
    if tgt is None:
        tgt = rng.integers(0, C, (N, S))
        tgt[tgt == blank] = (blank + 1) % C
    return x, np.asarray(tgt, np.int64)


def run_ctc(T, N, C, S, il, tl, blank=0, reduction="mean", zero_infinity=False, concat=False, seed=0,
            unbatched=False, tgt=None, lengths_as="tensor", module=False, dtype=np.float32):
    x, tgt = _data(T, N, C, S, blank, seed, tgt)
    x = x.astype(dtype)
    tg = np.concatenate([tgt[i, :tl[i]] for i in range(N)]) if concat else tgt
    outs = []
    for L in (torch, nt):
        lp = L.from_numpy(x.copy()).log_softmax(2).detach().requires_grad_()
        a, b = lp, L.from_numpy(tg.copy())
        if lengths_as == "tensor":
            c, d = L.tensor(il), L.tensor(tl)
        else:
            c, d = tuple(il), tuple(tl)
        if unbatched:
            a = lp[:, 0]
            b = b[0, :tl[0]] if not concat else b
            c, d = L.tensor(il[0]), L.tensor(tl[0])
        if module:
            out = L.nn.CTCLoss(blank=blank, reduction=reduction, zero_infinity=zero_infinity)(a, b, c, d)
        else:
            out = L.nn.functional.ctc_loss(a, b, c, d, blank=blank, reduction=reduction,
                                           zero_infinity=zero_infinity)
        go = np.random.default_rng(seed + 1).standard_normal(tuple(out.shape)).astype(dtype)
        out.backward(L.from_numpy(go))
        outs.append((out, lp.grad))
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    assert_close(outs[1][0], outs[0][0], **tol)
    assert_close(outs[1][1], outs[0][1], **tol)
    return outs


@pytest.mark.parametrize("red", ["none", "mean", "sum"])
@pytest.mark.parametrize("concat", [False, True])
@pytest.mark.parametrize("blank", [0, 4])
def test_ctc_lengths(red, concat, blank):
    run_ctc(10, 4, 5, 4, [10, 8, 6, 9], [4, 3, 2, 1], blank=blank, reduction=red, concat=concat)


@pytest.mark.parametrize("red", ["none", "mean", "sum"])
def test_ctc_empty_target_and_repeats(red):
    tgt = [[1, 1, 1, 0], [2, 2, 3, 3], [1, 2, 1, 2]]
    run_ctc(9, 3, 5, 4, [9, 9, 7], [3, 0, 4], reduction=red, tgt=tgt)


@pytest.mark.parametrize("red", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_impossible_alignment(red, zero_infinity):
    # [1, 1, 1, 1] needs 7 frames (blanks between repeats): with 5 the loss is inf (nan gradients,
    # as PyTorch) unless zero_infinity
    tgt = [[1, 1, 1, 1], [2, 2, 3, 3], [1, 2, 1, 2]]
    outs = run_ctc(5, 3, 5, 4, [5, 5, 5], [4, 4, 2], reduction=red, zero_infinity=zero_infinity, tgt=tgt)
    if zero_infinity:
        assert np.isfinite(outs[1][0]._data).all() and np.isfinite(outs[1][1]._data).all()


@pytest.mark.parametrize("red", ["none", "mean"])
@pytest.mark.parametrize("concat", [False, True])
def test_ctc_unbatched(red, concat):
    run_ctc(8, 1, 4, 3, [8], [3], reduction=red, unbatched=True, concat=concat)


def test_ctc_module_tuple_lengths_float64():
    run_ctc(7, 2, 6, 3, [7, 5], [3, 2], lengths_as="tuple", module=True, dtype=np.float64)


def test_ctc_seed_size():
    T, N, C, S = 50, 16, 20, 30
    tl = list(np.random.default_rng(3).integers(10, S, N))
    run_ctc(T, N, C, S, [T] * N, tl, seed=2)


def test_ctc_grad_fn_names():
    lp = nt.randn(5, 2, 4).log_softmax(2).detach().requires_grad_()
    lt = torch.from_numpy(lp._data.copy()).requires_grad_()
    for red in ("none", "mean", "sum"):
        a = nt.nn.functional.ctc_loss(lp, nt.tensor([[1, 2], [3, 3]]), [5, 5], [2, 2], reduction=red)
        b = torch.nn.functional.ctc_loss(lt, torch.tensor([[1, 2], [3, 3]]), [5, 5], [2, 2], reduction=red)
        assert a.grad_fn.name() == b.grad_fn.name()


def test_ctc_errors():
    lp = nt.randn(5, 2, 4).log_softmax(2)
    t = nt.tensor([[1, 2], [1, 1]])
    with pytest.raises(RuntimeError, match="Expected input_lengths to have value at most 5, but got value 6"):
        nt.nn.functional.ctc_loss(lp, t, [6, 5], [2, 2])
    with pytest.raises(RuntimeError, match="Expected tensor to have size at least 3 at dimension 1, but got size 2"):
        nt.nn.functional.ctc_loss(lp, t, [5, 5], [3, 2])
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        nt.nn.functional.ctc_loss(lp, t, [5, 5], [2, 2], blank=4)
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        ntnn.CTCLoss(reduction="foo")(lp, t, [5, 5], [2, 2])


def _random_config(rng, t_end):
    """Random T < t_end, N, C, blank, input and target lengths and padded targets (N, S) without blanks."""
    T, N, C, S = int(rng.integers(1, t_end)), int(rng.integers(1, 4)), int(rng.integers(2, 6)), int(rng.integers(1, 5))
    blank = int(rng.integers(0, C))
    il, tl = rng.integers(1, T + 1, N), rng.integers(0, S + 1, N)
    tg = rng.integers(0, C, (N, S))
    tg[tg == blank] = (blank + 1) % C
    return T, N, C, blank, il, tl, tg


@pytest.mark.parametrize("seed", range(4))
def test_ctc_random_configurations(seed):
    # random T, N, C, S, blank, lengths, target layout, reduction, zero_infinity: values and gradients
    rng = np.random.default_rng(100 + seed)
    for _ in range(10):
        T, N, C, blank, il, tl, tg = _random_config(rng, 10)
        tgt = np.concatenate([tg[i, :tl[i]] for i in range(N)]).astype(np.int64) if rng.random() < 0.5 else tg
        red, zi = str(rng.choice(["none", "mean", "sum"])), bool(rng.random() < 0.5)
        x = rng.standard_normal((T, N, C)).astype(np.float32)
        res = []
        for L in (torch, nt):
            lp = L.from_numpy(x.copy()).log_softmax(2).detach().requires_grad_()
            o = L.nn.functional.ctc_loss(lp, L.from_numpy(tgt.copy()), L.from_numpy(il.copy()),
                                         L.from_numpy(tl.copy()), blank=blank, reduction=red, zero_infinity=zi)
            o.backward(L.ones_like(o))
            res.append((o, lp.grad))
        assert_close(res[1][0], res[0][0], rtol=1e-4, atol=1e-5)
        assert_close(res[1][1], res[0][1], rtol=1e-4, atol=1e-5)


# --------------------------------------------------------------------------- scaled recursion / log-space fallback
@pytest.fixture
def fallbacks(monkeypatch):
    """The batch sizes the log-space fallback ran on."""
    calls = []
    real = ntloss._ctc_log

    def spy(lp, ext, skip, il, tl):
        calls.append(len(il))
        return real(lp, ext, skip, il, tl)
    monkeypatch.setattr(ntloss, "_ctc_log", spy)
    return calls


def _vs_torch64(x, tgt, il, tl, dtype, reduction="none", blank=0, zero_infinity=False, rtol=1e-5, atol=1e-6):
    """numtorch in ``dtype`` against torch in float64 on the same (dtype-rounded) log-probs: numtorch's
    recursions run in float64, while torch's float32 kernel accumulates in float32 (at T = 500 or with
    losses ~1e4 its float32 gradients are off by ~1e-3)."""
    xr = x.astype(dtype)
    res = []
    for L, d in ((torch, np.float64), (nt, dtype)):
        lp = L.from_numpy(xr.astype(d)).requires_grad_()
        out = L.nn.functional.ctc_loss(lp, L.from_numpy(np.asarray(tgt, np.int64)), L.tensor(il), L.tensor(tl),
                                       blank=blank, reduction=reduction, zero_infinity=zero_infinity)
        go = np.random.default_rng(7).standard_normal(tuple(out.shape)).astype(d)
        out.backward(L.from_numpy(go))
        res.append((out, lp.grad))
    (a, ga), (b, gb) = res
    assert b.dtype == (nt.float32 if dtype == np.float32 else nt.float64)
    assert_close(b, a.to(torch.float32) if dtype == np.float32 else a, rtol=rtol, atol=atol)
    assert_close(gb, ga.to(torch.float32) if dtype == np.float32 else ga, rtol=rtol, atol=atol)
    return res


def _log_softmax(x):
    return x - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)) - x.max(-1, keepdims=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_peaky_fallback(dtype, fallbacks):
    # emissions hundreds of nats apart: the scaled recursion underflows, the log-space path takes over;
    # torch's loss is finite (~2e4)
    rng = np.random.default_rng(11)
    T, N, C, S = 30, 6, 8, 6
    x = 400 * _log_softmax(rng.standard_normal((T, N, C)))
    tgt = rng.integers(1, C, (N, S))
    res = _vs_torch64(x, tgt, [30, 30, 25, 30, 20, 28], [6, 5, 6, 3, 4, 6], dtype, rtol=1e-6 if dtype == np.float64
                      else 1e-5)
    assert np.isfinite(res[1][0]._data).all() and res[1][0]._data.min() > 1000
    assert fallbacks and sum(fallbacks) <= N


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_mixed_batch(dtype, fallbacks):
    # two peaky samples (fallback) next to ordinary ones (scaled), varying lengths, blank != 0
    rng = np.random.default_rng(12)
    T, N, C, S = 40, 5, 6, 5
    x = _log_softmax(rng.standard_normal((T, N, C)))
    x[:, :2] *= 300
    tgt = rng.integers(0, C - 1, (N, S))
    _vs_torch64(x, tgt, [40, 35, 40, 20, 33], [5, 4, 5, 3, 0], dtype, blank=C - 1, reduction="sum")
    assert fallbacks == [2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_long_input(dtype, fallbacks):
    # T = 500: many rescalings, all samples stay on the scaled path
    rng = np.random.default_rng(13)
    T, N, C, S = 500, 4, 10, 40
    x = _log_softmax(rng.standard_normal((T, N, C)))
    tgt = rng.integers(1, C, (N, S))
    _vs_torch64(x, tgt, [500, 480, 300, 499], [40, 35, 20, 1], dtype, reduction="mean")
    assert fallbacks == []


def test_ctc_confident_model(fallbacks):
    # a trained-looking model: mostly blank, the right label where it is emitted, log-probs down to -60
    rng = np.random.default_rng(14)
    T, N, C, S = 80, 3, 12, 10
    tgt = rng.integers(1, C, (N, S))
    x = np.full((T, N, C), -60.0) + rng.standard_normal((T, N, C))
    x[:, :, 0] = 0.0
    for n in range(N):
        for k in range(S):
            x[5 + 7 * k, n, 0], x[5 + 7 * k, n, tgt[n, k]] = -40.0, 0.0
    x = _log_softmax(x)
    _vs_torch64(x, tgt, [80] * N, [S] * N, np.float64, rtol=1e-9, atol=1e-12)
    _vs_torch64(x, tgt, [80] * N, [S] * N, np.float32)
    assert fallbacks == []


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_inf_and_unnormalised_logprobs(dtype):
    rng = np.random.default_rng(15)
    T, N, C, S = 12, 3, 6, 3
    tgt = rng.integers(1, C - 1, (N, S))
    x = _log_softmax(rng.standard_normal((T, N, C)))
    x[:, :, C - 1] = -np.inf            # a class that is never emitted (not in any target): finite loss
    _vs_torch64(x, tgt, [12, 10, 9], [3, 2, 3], dtype)
    # log-"probabilities" that are not normalised, some positive
    _vs_torch64(3 * rng.standard_normal((T, N, C)) + 1.5, tgt, [12, 10, 9], [3, 2, 3], dtype)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_empty_input(zero_infinity):
    # input length 0: loss 0 for an empty target, inf otherwise; no frames, so zero gradients
    rng = np.random.default_rng(16)
    x = _log_softmax(rng.standard_normal((6, 4, 5)))
    _vs_torch64(x, rng.integers(1, 5, (4, 3)), [0, 0, 6, 4], [0, 2, 3, 1], np.float32,
                zero_infinity=zero_infinity)


@pytest.mark.parametrize("seed", range(3))
def test_ctc_log_space_path(seed, monkeypatch, fallbacks):
    # every sample forced onto the log-space fallback: random configurations against torch
    monkeypatch.setattr(ntloss, "_ZMIN", np.inf)
    rng = np.random.default_rng(200 + seed)
    for _ in range(8):
        T, N, C, blank, il, tl, tg = _random_config(rng, 12)
        red, zi = str(rng.choice(["none", "mean", "sum"])), bool(rng.random() < 0.5)
        _vs_torch64(_log_softmax(rng.standard_normal((T, N, C))), tg, il, tl, np.float64, reduction=red, blank=blank,
                    zero_infinity=zi, rtol=1e-9, atol=1e-12)
    assert len(fallbacks) == 8
