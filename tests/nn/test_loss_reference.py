"""The fused losses pinned to their plain references (and the raw-array backwards to the Tensor-op ones).

Cross entropy, NLL and CTC run fused NumPy Functions; beside each sits a reference written with
ordinary Tensor ops whose gradient autograd derives (``_cross_entropy_reference``, ``_nll_reference``,
``_ctc_loss_reference``). These tests compare the two, values and first-order gradients, over the
option grid, with the gradient taken both ways the fused backwards have: raw arrays (no graph of the
gradient) and Tensor ops (``create_graph=True``). The pointwise losses' raw-array backward is pinned
to their Tensor-op backward the same way. PyTorch checks the references where it is cheap.
"""
import contextlib
import zlib

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as ntF
from numtorch.nn.functional._loss.classification import _cross_entropy_reference, _nll_reference
from numtorch.nn.functional._loss.ctc import _ctc_loss_reference
import numtorch.nn.functional._loss.ctc as ntctc
from conftest import torch, assert_close

TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _seed(*key):
    """A seed per parameter combination, the same in every run (str hashes are salted per process)."""
    return zlib.crc32(repr(key).encode())


def _grads(fn, args, wrt, upstream, create_graph):
    """(value, d(value . upstream) / d wrt) with the gradient taken with or without create_graph."""
    out = fn(*args)
    g = nt.from_numpy(upstream(out))
    grads = nt.autograd.grad(out, wrt, grad_outputs=g, create_graph=create_graph)
    return out, grads


def _upstream(seed):
    """A random incoming gradient shaped like the output (so 'none' gradients are not all-ones)."""
    def make(out):
        r = np.random.default_rng(seed)
        return np.asarray(r.random(tuple(out.shape)) + 0.5, dtype=out._data.dtype)
    return make


def _pinned(fast, ref, args, wrt, tol, seed=0, skip_grad_cols=None):
    """fast == ref in value and gradient, with the fast gradient taken both without and with create_graph."""
    vr, gr = _grads(ref, args, wrt, _upstream(seed), False)
    for cg in (False, True):
        vf, gf = _grads(fast, args, wrt, _upstream(seed), cg)
        _same(vf._data, vr._data, tol)
        for a, b in zip(gf, gr):
            a, b = a._data, b._data
            if skip_grad_cols is not None:
                a, b = np.delete(a, skip_grad_cols, axis=1), np.delete(b, skip_grad_cols, axis=1)
            _same(a, b, tol)
    return vr


def _same(a, b, tol):
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    np.testing.assert_allclose(a, b, **tol)


# --------------------------------------------------------------------------- cross entropy / NLL
SHAPES = [(5,), (6, 5), (4, 5, 3), (3, 5, 2, 3)]


def _class_case(rng, shape, dtype, ignore, weighted, scale=3.0):
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    C = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    t = rng.integers(0, C, tshape)
    if ignore == "some":
        t = np.where(rng.random(tshape) < 0.3, 1, t)     # ignore_index=1: a real class, partly ignored
    elif ignore == "all":
        t = np.full(tshape, 1)
    w = (rng.random(C) + 0.2).astype(dtype) if weighted else None
    ii = -100 if ignore == "none" else 1
    return x, t, w, ii


def _nt(a, grad=False):
    t = nt.from_numpy(np.array(a, copy=True))
    return t.requires_grad_() if grad else t


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("ignore", ["none", "some", "all"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_fused_equals_reference(shape, reduction, weighted, ignore, label_smoothing, dtype):
    rng = np.random.default_rng(_seed(shape, reduction, weighted, ignore))
    x, t, w, ii = _class_case(rng, shape, dtype, ignore, weighted)
    xi, ti, wi = _nt(x, True), _nt(t), (None if w is None else _nt(w))
    kw = dict(weight=wi, ignore_index=ii, reduction=reduction, label_smoothing=label_smoothing)
    vr = _pinned(lambda a: ntF.cross_entropy(a, ti, **kw), lambda a: _cross_entropy_reference(a, ti, **kw),
                 (xi,), [xi], TOL[dtype])
    # the reference states PyTorch's math
    want = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(t),
                                             weight=None if w is None else torch.from_numpy(w), ignore_index=ii,
                                             reduction=reduction, label_smoothing=label_smoothing)
    assert_close(vr.detach(), want, rtol=1e-5 if dtype == np.float32 else 1e-10, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ignore", ["none", "some", "all"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", SHAPES)
def test_nll_fused_equals_reference(shape, reduction, weighted, ignore, dtype):
    rng = np.random.default_rng(_seed(shape, reduction, weighted, ignore, 1))
    x, t, w, ii = _class_case(rng, shape, dtype, ignore, weighted)
    xi, ti, wi = _nt(x, True), _nt(t), (None if w is None else _nt(w))
    kw = dict(weight=wi, ignore_index=ii, reduction=reduction)
    _pinned(lambda a: ntF.nll_loss(a, ti, **kw), lambda a: _nll_reference(a, ti, **kw), (xi,), [xi], TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ["shifted", "mixed", "large", "large_smooth", "empty"])
def test_cross_entropy_fast_branches_equal_reference(case, dtype):
    """The branches inside the fused forward: rows shifted by their max (|logits| > 60), blocks where only
    some rows are, the large-input float32 exp and row blocks over threads, an empty batch."""
    rng = np.random.default_rng(7)
    ls = 0.0
    if case == "shifted":
        x, t = (rng.standard_normal((8, 6)) * 200).astype(dtype), rng.integers(0, 6, 8)
    elif case == "mixed":
        x = rng.standard_normal((8, 6)).astype(dtype)
        x[::3] += dtype(500)
        t = rng.integers(0, 6, 8)
    elif case == "empty":
        x, t = np.zeros((0, 4), dtype), np.zeros(0, np.int64)
    else:
        x, t = rng.standard_normal((300, 250)).astype(dtype), rng.integers(0, 250, 300)   # M C > 65536
        ls = 0.1 if case == "large_smooth" else 0.0
    w = (rng.random(x.shape[1]) + 0.5).astype(dtype)
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    try:
        for red in ("none", "mean", "sum"):
            xi, ti = _nt(x, True), _nt(t)
            kw = dict(weight=_nt(w), reduction=red, label_smoothing=ls)
            _pinned(lambda a: ntF.cross_entropy(a, ti, **kw), lambda a: _cross_entropy_reference(a, ti, **kw),
                    (xi,), [xi], dict(rtol=1e-4, atol=1e-6) if dtype == np.float32 else TOL[dtype])
    finally:
        nt.set_num_threads(old)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", SHAPES)
def test_cross_entropy_probability_targets(shape, reduction, weighted, label_smoothing, dtype):
    """Probability targets have one implementation (no fast path). One-hot probabilities give the class-index
    reference's loss ('mean' divides by the batch there, by the summed weights for class indices: equal
    without weights); soft targets are checked against PyTorch."""
    rng = np.random.default_rng(_seed(shape, reduction, weighted, label_smoothing))
    x, t, w, _ = _class_case(rng, shape, dtype, "none", weighted)
    cdim = 0 if len(shape) == 1 else 1
    C = shape[cdim]
    onehot = np.moveaxis(np.eye(C, dtype=dtype)[t], -1, cdim)
    wi = None if w is None else _nt(w)
    kw = dict(weight=wi, reduction=reduction, label_smoothing=label_smoothing)
    if not (weighted and reduction == "mean"):
        xi = _nt(x, True)
        _pinned(lambda a: ntF.cross_entropy(a, _nt(onehot), **kw), lambda a: _cross_entropy_reference(a, _nt(t), **kw),
                (xi,), [xi], TOL[dtype])
    soft = rng.random(shape).astype(dtype)
    soft /= soft.sum(cdim, keepdims=True)
    xi, xt = _nt(x, True), torch.from_numpy(x.copy()).requires_grad_()
    got = _cross_entropy_reference(xi, _nt(soft), **kw)
    want = torch.nn.functional.cross_entropy(xt, torch.from_numpy(soft), weight=None if w is None else
                                             torch.from_numpy(w), reduction=reduction,
                                             label_smoothing=label_smoothing)
    assert_close(got, want, rtol=1e-5, atol=1e-6)
    got.sum().backward()
    want.sum().backward()
    assert_close(xi.grad, xt.grad, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- CTC
def _ctc_case(rng, T, N, C, S, blank, lengths, scale, dtype):
    x = (rng.standard_normal((T, N, C)) * scale).astype(dtype)
    labels = [c for c in range(C) if c != blank]
    tl = rng.integers(0, S + 1, N)
    tl[0] = S
    tgt = rng.choice(labels, (N, S))
    tgt[0, :2] = tgt[0, 0]                       # a repeat: needs a blank between, so one more frame
    if lengths == "full":
        il = np.full(N, T)
    else:
        il = rng.integers(0, T + 1, N)
        il[0], il[1] = T, 0                      # a full one and one with no frames
        tl[1] = 0                                # no frames, empty target: loss 0
        il[2], tl[2] = 1, 3                      # impossible: inf (0 with zero_infinity)
    return x, tgt, il, tl


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1.0, 60.0])
@pytest.mark.parametrize("lengths", ["full", "mixed"])
@pytest.mark.parametrize("blank", [0, 4])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("concatenated", [False, True])
def test_ctc_fused_equals_reference(concatenated, reduction, zero_infinity, blank, lengths, scale, dtype):
    """Values and gradients through log_softmax's input (where PyTorch's exp(lp) - gamma convention and
    autograd's -gamma agree). scale 60 puts emissions hundreds of nats apart: the scaled recursion hands
    samples to the log-space fallback."""
    rng = np.random.default_rng(_seed(concatenated, reduction, zero_infinity, blank, lengths, scale))
    T, N, C, S = 9, 5, 5, 3
    x, tgt, il, tl = _ctc_case(rng, T, N, C, S, blank, lengths, scale, dtype)
    targets = np.concatenate([tgt[n, :tl[n]] for n in range(N)]) if concatenated else tgt
    xi = _nt(x, True)
    args = (_nt(targets), _nt(il), _nt(tl))
    kw = dict(blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    nll = ntF.ctc_loss(xi.log_softmax(2), *args, blank=blank, reduction="none")._data
    # an infinite loss's gradient is nan (PyTorch's convention) in the fused Function and 0 in the reference
    skip = None if zero_infinity else np.flatnonzero(np.isinf(nll))
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-8, atol=1e-10)
    vr = _pinned(lambda a: ntF.ctc_loss(a.log_softmax(2), *args, **kw),
                 lambda a: _ctc_loss_reference(a.log_softmax(2), *args, **kw), (xi,), [xi], tol, skip_grad_cols=skip)
    if scale == 1.0:   # the reference states PyTorch's math
        want = torch.nn.functional.ctc_loss(torch.from_numpy(x.astype(np.float64)).log_softmax(2),
                                            *(torch.from_numpy(np.asarray(a)) for a in (targets, il, tl)), **kw)
        np.testing.assert_allclose(vr._data, want.numpy(), rtol=1e-4 if dtype == np.float32 else 1e-9)


def test_ctc_reference_covers_the_fallback(monkeypatch):
    """scale 60 in the grid above does reach the log-space fallback (so the grid pins it too)."""
    calls = []
    real = ntctc._ctc_log
    monkeypatch.setattr(ntctc, "_ctc_log", lambda *a: calls.append(1) or real(*a))
    x, tgt, il, tl = _ctc_case(np.random.default_rng(1), 9, 5, 5, 3, 0, "full", 60.0, np.float64)
    ntF.ctc_loss(_nt(x).log_softmax(2), _nt(tgt), _nt(il), _nt(tl))
    assert calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ctc_unbatched_equals_reference(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((7, 4)).astype(dtype)
    xi = _nt(x, True)
    args = (_nt(np.array([1, 2, 2])), 7, 3)
    for red in ("none", "mean", "sum"):
        _pinned(lambda a: ntF.ctc_loss(a.log_softmax(1), *args, reduction=red),
                lambda a: _ctc_loss_reference(a.log_softmax(1), *args, reduction=red), (xi,), [xi],
                dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-8, atol=1e-10))


# --------------------------------------------------------------------------- raw-array backwards
POINTWISE = {
    "mse": lambda a, b, r: ntF.mse_loss(a, b, reduction=r),
    "l1": lambda a, b, r: ntF.l1_loss(a, b, reduction=r),
    "smooth_l1": lambda a, b, r: ntF.smooth_l1_loss(a, b, reduction=r, beta=0.5),
    "huber": lambda a, b, r: ntF.huber_loss(a, b, reduction=r, delta=0.7),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("target_shape", ["same", "broadcast"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("kind", list(POINTWISE))
def test_pointwise_raw_backward_equals_create_graph(kind, reduction, target_shape, dtype):
    """_Pointwise's backward writes the derivative over the saved difference (raw arrays) unless
    create_graph, where it uses Tensor ops: the two agree at first order, for input and target, and a
    second backward through a retained graph (the difference recomputed) agrees too."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 6)).astype(dtype)
    y = rng.standard_normal((4, 6) if target_shape == "same" else (1, 6)).astype(dtype)
    x[0, :2] = y[0, :2]                                       # d = 0: sign(0), the kinks
    fn = POINTWISE[kind]
    res = []
    for cg in (False, True):
        xi, yi = _nt(x, True), _nt(y, True)
        with pytest.warns(UserWarning) if target_shape == "broadcast" else contextlib.nullcontext():
            out = fn(xi, yi, reduction)
        g = nt.from_numpy(_upstream(2)(out))
        res.append(nt.autograd.grad(out, [xi, yi], grad_outputs=g, create_graph=cg, retain_graph=True))
        if not cg:
            res.append(nt.autograd.grad(out, [xi, yi], grad_outputs=g))     # again: ctx.d was consumed
    for other in res[1:]:
        for a, b in zip(other, res[0]):
            _same(a._data, b._data, TOL[dtype])


def test_cross_entropy_second_backward_recomputes():
    """The raw backward consumes the saved softmax numerators; a retained graph's second backward
    recomputes them (shifted rows included) and gives the same gradient."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 4)) * 100
    xi, ti = _nt(x, True), _nt(rng.integers(0, 4, 5))
    out = ntF.cross_entropy(xi, ti, label_smoothing=0.1)
    g1 = nt.autograd.grad(out, [xi], retain_graph=True)[0]
    g2 = nt.autograd.grad(out, [xi])[0]
    _same(g2._data, g1._data, dict(rtol=1e-12))



@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_no_frames_equals_reference(zero_infinity):
    """T = 0: an empty target has its one (empty) alignment, loss 0; any other none, loss inf."""
    x = _nt(np.zeros((0, 2, 3)), True)
    args = (_nt(np.array([[1], [2]])), _nt(np.array([0, 0])), _nt(np.array([0, 1])))
    for red in ("none", "sum"):
        _pinned(lambda a: ntF.ctc_loss(a, *args, reduction=red, zero_infinity=zero_infinity),
                lambda a: _ctc_loss_reference(a, *args, reduction=red, zero_infinity=zero_infinity), (x,), [x],
                TOL[np.float64])
