"""torch.* spellings of nn.functional operations (numtorch/_aten_functions.py) against PyTorch: integer
reduction codes and their default, tuple-returning pools, recurrent cells, convolution."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

R = np.random.default_rng(3)


def pair(*shape, grad=True, fn=None):
    a = torch.tensor(R.standard_normal(shape), dtype=torch.float64)
    if fn is not None:
        a = fn(a)
    a.requires_grad_(grad)
    return a, to_nt(a.detach(), requires_grad=grad)


def check(fn_t, fn_n, ins_t, ins_n):
    want, got = fn_t(*ins_t), fn_n(*ins_n)
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-6, atol=1e-8)
    w0 = [w for w in want if w.is_floating_point()][0]
    g0 = [g for g in got if g.dtype.is_floating_point][0]
    lt = (w0 * torch.cos(torch.arange(w0.numel(), dtype=w0.dtype)).reshape(w0.shape)).sum()
    ln = (g0 * nt.cos(nt.arange(g0.numel(), dtype=g0.dtype)).reshape(g0.shape)).sum()
    gt = torch.autograd.grad(lt, [t for t in ins_t if t.requires_grad])
    gn = nt.autograd.grad(ln, [t for t in ins_n if t.requires_grad])
    for a, b in zip(gn, gt):
        assert_close(a, b, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("red", [None, 0, 1, 2])
def test_losses_with_integer_reduction(red):
    kw = {} if red is None else {"reduction": red}
    x, xn = pair(3, 5)
    y, yn = pair(3, 5, grad=False, fn=torch.sigmoid)
    s, sn = pair(3, grad=False, fn=torch.sign)
    check(lambda a: torch.kl_div(a, y, **kw), lambda a: nt.kl_div(a, yn, **kw), [x], [xn])
    check(lambda a: torch.binary_cross_entropy_with_logits(a, y, **kw),
          lambda a: nt.binary_cross_entropy_with_logits(a, yn, **kw), [x], [xn])
    check(lambda a: torch.hinge_embedding_loss(a, y.sign(), **kw),
          lambda a: nt.hinge_embedding_loss(a, yn.sign(), **kw), [x], [xn])
    check(lambda a: torch.margin_ranking_loss(a, a * 0.5 + 0.1, y, **kw),
          lambda a: nt.margin_ranking_loss(a, a * 0.5 + 0.1, yn, **kw), [x], [xn])
    check(lambda a: torch.triplet_margin_loss(a, y, a.flip(0), **kw),
          lambda a: nt.triplet_margin_loss(a, yn, a.flip(0), **kw), [x], [xn])
    check(lambda a: torch.cosine_embedding_loss(a, y, s, **kw),
          lambda a: nt.cosine_embedding_loss(a, yn, sn, **kw), [x], [xn])
    check(lambda a: torch.poisson_nll_loss(a, y, True, False, 1e-8, red or 0),
          lambda a: nt.poisson_nll_loss(a, yn, True, False, 1e-8, red or 0), [x], [xn])


def test_reduction_must_be_int():
    for m in (torch, nt):
        with pytest.raises(TypeError):
            m.kl_div(m.zeros(2), m.zeros(2), reduction="sum")


def test_ctc_loss_default_reduction():
    lp = torch.randn(6, 2, 4, dtype=torch.float64).log_softmax(2).requires_grad_()
    t, il, tl = torch.tensor([[1, 2], [1, 1]]), torch.tensor([6, 5]), torch.tensor([2, 2])
    lpn = to_nt(lp.detach(), requires_grad=True)
    check(lambda a: torch.ctc_loss(a, t, il, tl), lambda a: nt.ctc_loss(a, to_nt(t), to_nt(il), to_nt(tl)),
          [lp], [lpn])


def test_cells():
    x, xn = pair(3, 5)
    h, hn = pair(3, 4)
    c, cn = pair(3, 4)
    for gates, fn in ((4, "lstm_cell"), (3, "gru_cell"), (1, "rnn_tanh_cell"), (1, "rnn_relu_cell")):
        wi, win = pair(4 * gates, 5)
        wh, whn = pair(4 * gates, 4)
        bi, bin_ = pair(4 * gates)
        bh, bhn = pair(4 * gates)
        state_t, state_n = ((h, c), (hn, cn)) if fn == "lstm_cell" else (h, hn)
        check(lambda a, w1, w2, b1, b2: getattr(torch, fn)(a, state_t, w1, w2, b1, b2),
              lambda a, w1, w2, b1, b2: getattr(nt, fn)(a, state_n, w1, w2, b1, b2),
              [x, wi, wh, bi, bh], [xn, win, whn, bin_, bhn])


def test_pools_and_convolution():
    x, xn = pair(2, 3, 9)
    check(lambda a: torch.adaptive_max_pool1d(a, 4), lambda a: nt.adaptive_max_pool1d(a, 4), [x], [xn])
    check(lambda a: torch.adaptive_avg_pool1d(a, 4), lambda a: nt.adaptive_avg_pool1d(a, 4), [x], [xn])
    check(lambda a: torch.max_pool1d_with_indices(a, 3, 2), lambda a: nt.max_pool1d_with_indices(a, 3, 2), [x], [xn])
    w, wn = pair(4, 3, 3)
    check(lambda a, k: torch.convolution(a, k, None, [2], [1], [1], False, [0], 1),
          lambda a, k: nt.convolution(a, k, None, [2], [1], [1], False, [0], 1), [x, w], [xn, wn])
    w, wn = pair(3, 2, 3)
    check(lambda a, k: torch.convolution(a, k, None, [2], [1], [1], True, [1], 1),
          lambda a, k: nt.convolution(a, k, None, [2], [1], [1], True, [1], 1), [x, w], [xn, wn])
    v, vn = pair(1, 2, 4, 4, 4)
    w, wn = pair(3, 2, 2, 2, 2)
    check(lambda a, k: torch.conv3d(a, k, stride=2), lambda a, k: nt.conv3d(a, k, stride=2), [v, w], [vn, wn])
    check(lambda a: torch.max_pool3d(a, 2), lambda a: nt.max_pool3d(a, 2), [v], [vn])
    check(lambda a: torch.constant_pad_nd(a, [1, 2], 0.5), lambda a: nt.constant_pad_nd(a, [1, 2], 0.5), [x], [xn])
    check(lambda a: torch.pdist(a[0]), lambda a: nt.pdist(a[0]), [x], [xn])


def test_predicates():
    for m in (torch, nt):
        a = m.zeros(2, 3)
        assert m.is_same_size(a, m.ones(2, 3)) and not m.is_same_size(a, m.ones(3, 2))
        assert m.is_signed(a) and not m.is_signed(m.zeros(2, dtype=m.uint8)) and m.zeros(1, dtype=m.int8).is_signed()
        assert m.get_device(a) == -1
        assert m.is_inference(a) is False
        assert m.detach(a.requires_grad_()).requires_grad is False
