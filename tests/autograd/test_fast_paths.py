"""Fast paths pinned to their references.

A built-in backward may run raw-array math when no graph is recorded (``create_graph=False``) and the
differentiable tensor-op formula otherwise.  Every such Function is found here by reading its backward
(it branches on the grad mode), and each must have a case below whose first-order gradients agree with
and without ``create_graph``.  (tests/test_opinfo.py does the same comparison for every OpInfo sample.)
The leaf take-over of first gradients is checked at the end.
"""
import inspect
import weakref

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from numtorch.autograd.function import Function


def _subclasses(c):
    for s in c.__subclasses__():
        yield s
        yield from _subclasses(s)


def _fast_path_functions():
    """Built-in Functions whose own backward branches on the grad mode (a fast path beside the formula)."""
    out = set()
    for c in _subclasses(Function):
        b = c.__dict__.get("backward")
        if b is None:
            continue
        try:
            src = inspect.getsource(getattr(b, "__func__", b))
        except (OSError, TypeError):
            continue
        if "_gs.enabled" in src:
            out.add(c.__name__)
    return out


def _leaf(rng, *shape, dtype="float64"):
    return nt.from_numpy(rng.standard_normal(shape).astype(dtype)).requires_grad_()


def case_linear(rng):
    x, w, b = _leaf(rng, 5, 4), _leaf(rng, 3, 4), _leaf(rng, 3)
    return F.linear(x, w, b), [x, w, b]


def case_mul(rng):
    a, b = _leaf(rng, 3, 4), _leaf(rng, 4)
    return a * b * 2.5, [a, b]


def case_permute(rng):
    a = _leaf(rng, 2, 3, 4)
    return a.permute(2, 0, 1) * _leaf(rng, 4, 2, 3), [a]


def case_sigmoid(rng):
    a, big = _leaf(rng, 3, 4), _leaf(rng, 10, 10)
    return nt.cat([nt.sigmoid(a).reshape(-1), F.sigmoid(big).reshape(-1)]), [a, big]


def case_cross_entropy(rng):
    x = _leaf(rng, 6, 5)
    w = nt.from_numpy(rng.random(5))
    t = nt.tensor([0, 4, 2, 1, 3, 2])
    p = F.softmax(nt.from_numpy(rng.standard_normal((6, 5))), 1)
    out = nt.stack([F.cross_entropy(x, t), F.cross_entropy(x, t, weight=w, label_smoothing=0.2),
                    F.cross_entropy(x, t, ignore_index=2, reduction="sum"), F.cross_entropy(x, p)])
    return out, [x]


def case_pointwise(rng):
    a, b = _leaf(rng, 4, 3), _leaf(rng, 4, 3)
    out = nt.stack([F.mse_loss(a, b), F.l1_loss(a, b), F.smooth_l1_loss(a, b, beta=0.5), F.huber_loss(a, b)])
    return out, [a, b]


def case_ctc(rng):
    lp = F.log_softmax(_leaf(rng, 8, 2, 5), 2)
    targets = nt.tensor([[1, 2, 2], [3, 1, 0]])
    return F.ctc_loss(lp, targets, nt.tensor([8, 6]), nt.tensor([3, 2]), reduction="none"), [lp]


def case_rnn(rng):
    nt.manual_seed(0)
    outs, leaves = [], []
    for mod in (nt.nn.LSTM(3, 4, num_layers=2), nt.nn.GRU(3, 4), nt.nn.RNN(3, 4, bidirectional=True)):
        mod = mod.double()
        x = _leaf(rng, 5, 2, 3)
        outs.append(mod(x)[0].reshape(-1))
        leaves += [x] + list(mod.parameters())
    return nt.cat(outs), leaves


def case_gelu(rng):
    # the float32 path is the fitted polynomial (nn/functional/_gelu.py); float64 the erf formula
    a32, a64 = _leaf(rng, 7, 9, dtype="float32"), _leaf(rng, 7, 9)
    out = nt.cat([F.gelu(a32).double().reshape(-1), F.gelu(a64).reshape(-1),
                  F.gelu(a64, approximate="tanh").reshape(-1)])
    return out, [a32, a64], 1e-5


def case_attention(rng):
    q, k, v = _leaf(rng, 2, 3, 5, 4), _leaf(rng, 2, 3, 6, 4), _leaf(rng, 2, 3, 6, 4)
    mask = nt.from_numpy(rng.random((5, 6)) > 0.3)
    fmask = _leaf(rng, 5, 6)
    out = nt.cat([F.scaled_dot_product_attention(q, k, v).reshape(-1),
                  F.scaled_dot_product_attention(q, k, v, attn_mask=mask).reshape(-1),
                  F.scaled_dot_product_attention(q, k, v, attn_mask=fmask, scale=0.3).reshape(-1),
                  F.scaled_dot_product_attention(q, k[:, :, :5], v[:, :, :5], is_causal=True).reshape(-1)])
    return out, [q, k, v, fmask]


def case_layer_norm(rng):
    x, w, b = _leaf(rng, 4, 3, 6), _leaf(rng, 6), _leaf(rng, 6)
    return nt.cat([F.layer_norm(x, (6,), w, b).reshape(-1), F.layer_norm(x, (3, 6)).reshape(-1)]), [x, w, b]


def case_batch_norm(rng):
    # the fused BatchNorm node: training (batch statistics, running stats updated) and eval (running stats), with
    # and without affine parameters, 2-D and 4-D inputs
    x, y, w, b = _leaf(rng, 5, 3), _leaf(rng, 2, 3, 4, 4), _leaf(rng, 3), _leaf(rng, 3)
    rm, rv = nt.zeros(3, dtype=nt.float64), nt.ones(3, dtype=nt.float64)
    return nt.cat([F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=True).reshape(-1),
                   F.batch_norm(y, rm.clone(), rv.clone(), w, b, training=True).reshape(-1),
                   F.batch_norm(y, None, None, training=True).reshape(-1),
                   F.batch_norm(y, rm + 0.5, rv * 2, w, b, training=False).reshape(-1)]), [x, y, w, b], 1e-10


def case_log_softmax_nll(rng):
    # LogSoftmax keeps its forward's exp for a first-order backward; nll_loss folds a scalar g into the
    # scattered entries. Both beside their Tensor-op formulas (taken under create_graph).
    x, y = _leaf(rng, 6, 5), _leaf(rng, 2, 3, 4)
    w = nt.from_numpy(rng.random(5))
    t = nt.tensor([0, 4, 2, 1, 3, 2])
    lp = F.log_softmax(x, 1)
    out = nt.cat([nt.stack([F.nll_loss(lp, t), F.nll_loss(lp, t, weight=w, reduction="sum"),
                            F.nll_loss(lp, t, ignore_index=2), F.nll_loss(lp, nt.full((6,), 2), ignore_index=2)]),
                  F.log_softmax(y, 0).reshape(-1), F.log_softmax(y, 2).reshape(-1),
                  F.nll_loss(F.log_softmax(y, 1), nt.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])).reshape(1)])
    return out, [x, y]


def case_relu(rng):
    # ReLU's first-order backward as a bit mask (float32/64); zeros of both signs in the output's input
    a32, a64 = _leaf(rng, 7, 9, dtype="float32"), _leaf(rng, 7, 9)
    with nt.no_grad():
        a64[0, :3] = 0.0
        a64[1, :3] = -0.0
    return nt.cat([F.relu(a32).double().reshape(-1), F.relu(a64).reshape(-1)]), [a32, a64]


CASES = {
    "Relu": case_relu,
    "_LinearAddmm": case_linear, "_WeightT": case_linear, "Mul": case_mul, "Permute": case_permute,
    "Sigmoid": case_sigmoid, "_CrossEntropy": case_cross_entropy, "_Pointwise": case_pointwise,
    "_CtcLoss": case_ctc, "_RNNLayer": case_rnn, "_RNNLayerGrad": case_rnn, "Gelu": case_gelu,
    "_Attention": case_attention, "LayerNormFn": case_layer_norm, "BatchNormFn": case_batch_norm,
    "LogSoftmax": case_log_softmax_nll, "_NllLoss": case_log_softmax_nll,
}


def test_every_fast_path_has_a_case():
    missing = _fast_path_functions() - set(CASES)
    assert not missing, f"Functions with a grad-mode fast path but no case here: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_equals_reference(name):
    rng = np.random.default_rng(0)
    out, leaves, *tol = CASES[name](rng)
    tol = tol[0] if tol else 1e-12
    up = nt.from_numpy(rng.standard_normal(tuple(out.shape)))
    ref = nt.autograd.grad(out, leaves, up, create_graph=True, retain_graph=True, allow_unused=True)
    fast = nt.autograd.grad(out, leaves, up, allow_unused=True)
    for i, (a, b) in enumerate(zip(fast, ref)):
        assert (a is None) == (b is None), i
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=tol, atol=tol, err_msg=f"input {i}")


class _Doubling(Function):
    keep = []

    @staticmethod
    def forward(ctx, x):
        return x._data * 2

    @staticmethod
    def backward(ctx, g):
        r = nt.from_numpy(g._data * 2)
        _Doubling.ref = weakref.ref(r._data)
        if _Doubling.share:
            _Doubling.keep.append(r._data)
        return r


@pytest.mark.parametrize("share", [False, True])
def test_leaf_takes_over_only_unshared_gradients(share):
    """A leaf's first gradient array is kept (not copied) exactly when nothing else holds it."""
    _Doubling.share = share
    x = nt.randn(4, requires_grad=True)
    _Doubling.apply(x).sum().backward()
    assert (_Doubling.ref() is x.grad._data) == (not share)
    np.testing.assert_array_equal(x.grad.numpy(), np.full(4, 2, np.float32))
    if share:
        _Doubling.keep[-1][:] = 0   # the other holder writes: the leaf's copy must not change
        np.testing.assert_array_equal(x.grad.numpy(), np.full(4, 2, np.float32))


def test_takeover_baseline_measured():
    from numtorch.autograd import engine
    import sys
    import sysconfig
    if sys.implementation.name == "cpython" and not sysconfig.get_config_var("Py_GIL_DISABLED"):
        assert engine._BASELINE is not None
    else:
        assert engine._BASELINE is None


def test_second_gradient_accumulates_into_taken_over_one():
    x = nt.randn(3, requires_grad=True)
    (x * 2).sum().backward()
    g1 = x.grad
    (x * 3).sum().backward()
    assert x.grad is g1
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 5, np.float32))


def test_grad_of_several_outputs_of_one_node():
    """Roots that are outputs of the same node (chunk) are walked once, each seeding its own output."""
    from conftest import torch, assert_close
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    xn = nt.from_numpy(x.detach().numpy().copy()).requires_grad_()
    ups = [torch.randn(3, 4, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)]
    (gt,) = torch.autograd.grad(x.chunk(2), x, ups)
    (gn,) = nt.autograd.grad(xn.chunk(2), xn, [nt.from_numpy(u.numpy()) for u in ups])
    assert_close(gn, gt)
