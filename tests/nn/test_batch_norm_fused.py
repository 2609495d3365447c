"""The fused batch_norm node (nn/functional/_batch_norm.py): values, gradients and running statistics against
PyTorch, the fused node against the plain composition it replaced, and higher-order gradients."""
import numpy as np
import pytest

from conftest import torch, assert_close

import numtorch as nt
import numtorch.nn.functional as F
from numtorch.nn.functional.normalization import _batch_norm_composed
from numtorch.nn.functional import _batch_norm as _bn

SHAPES = [(8, 5), (4, 3, 9), (6, 4, 5, 7), (2, 3, 4, 5, 3)]


def _data(shape, seed=0, dtype=np.float32):
    r = np.random.default_rng(seed)
    C = shape[1]
    return dict(x=(r.standard_normal(shape) * 3 + 2).astype(dtype), w=r.standard_normal(C).astype(dtype),
                b=r.standard_normal(C).astype(dtype), rm=r.standard_normal(C).astype(dtype),
                rv=(r.random(C) + 0.5).astype(dtype), g=r.standard_normal(shape).astype(dtype))


def _run(T, fn, d, training, affine, stats, momentum=0.1):
    x = T.tensor(d["x"], requires_grad=True)
    w = T.tensor(d["w"], requires_grad=True) if affine else None
    b = T.tensor(d["b"], requires_grad=True) if affine else None
    rm = T.tensor(d["rm"]) if stats else None
    rv = T.tensor(d["rv"]) if stats else None
    y = fn(x, rm, rv, w, b, training, momentum, 1e-5)
    y.backward(T.tensor(d["g"]))
    out = {"y": y, "dx": x.grad}
    if affine:
        out.update(dw=w.grad, db=b.grad)
    if stats:
        out.update(rm=rm, rv=rv)
    return out, y


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training,stats", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_fused_matches_torch(shape, training, stats, affine):
    d = _data(shape)
    ref, _ = _run(torch, torch.nn.functional.batch_norm, d, training, affine, stats)
    got, y = _run(nt, F.batch_norm, d, training, affine, stats)
    assert type(y.grad_fn).__name__ == "NativeBatchNormBackward0"
    for k in ref:
        assert_close(got[k], ref[k], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_fused_equals_composed(shape, training):
    d = _data(shape, seed=1)
    fused, _ = _run(nt, F.batch_norm, d, training, True, True)
    plain, _ = _run(nt, _batch_norm_composed, d, training, True, True)
    for k in fused:
        np.testing.assert_allclose(fused[k].detach().numpy(), plain[k].detach().numpy(), rtol=2e-5, atol=2e-5)


def test_batch_norm_fused_is_used():
    d = _data((4, 3, 5, 5))
    x = nt.tensor(d["x"])
    assert _bn.usable(x, None, None, None, None)
    assert not _bn.usable(x.double(), nt.tensor(d["w"]), None, None, None)   # mixed dtypes: composed
    assert not _bn.usable(nt.zeros(0, 3, 2, 2), None, None, None, None)


def test_batch_norm_fused_stats_accuracy_large_mean():
    # a large offset over many values: the two-pass variance keeps torch's accuracy in float32
    r = np.random.default_rng(3)
    x = (r.standard_normal((16, 4, 64, 64)) * 0.5 + 100.0).astype(np.float32)
    rm, rv = np.zeros(4, np.float32), np.ones(4, np.float32)
    tr = [torch.tensor(rm), torch.tensor(rv)]
    nr = [nt.tensor(rm), nt.tensor(rv)]
    yt = torch.nn.functional.batch_norm(torch.tensor(x), tr[0], tr[1], None, None, True, 1.0, 1e-5)
    yn = F.batch_norm(nt.tensor(x), nr[0], nr[1], None, None, True, 1.0, 1e-5)
    exact_mean = x.astype(np.float64).mean((0, 2, 3))
    exact_var = x.astype(np.float64).var((0, 2, 3), ddof=1)
    err_nt = np.abs(nr[0].numpy() - exact_mean).max()
    err_t = np.abs(tr[0].numpy() - exact_mean).max()
    assert err_nt <= max(2 * err_t, 1e-5 * 100)
    np.testing.assert_allclose(nr[1].numpy(), exact_var, rtol=1e-4)
    assert_close(yn, yt, rtol=1e-4, atol=1e-4)


def test_batch_norm_fused_module_momentum_none_and_no_tracking():
    r = np.random.default_rng(4)
    x = r.standard_normal((6, 3, 4, 4)).astype(np.float32)
    for kw in (dict(momentum=None), dict(track_running_stats=False), dict(affine=False)):
        mt, mn = torch.nn.BatchNorm2d(3, **kw), nt.nn.BatchNorm2d(3, **kw)
        for step in range(3):
            xt, xn = torch.tensor(x * (step + 1), requires_grad=True), nt.tensor(x * (step + 1), requires_grad=True)
            mt(xt).square().sum().backward()
            mn(xn).square().sum().backward()
            assert_close(xn.grad, xt.grad, rtol=1e-4, atol=1e-5)
        if mt.running_mean is not None:
            assert_close(mn.running_mean, mt.running_mean, rtol=1e-5, atol=1e-6)
            assert_close(mn.running_var, mt.running_var, rtol=1e-5, atol=1e-6)
            assert int(mn.num_batches_tracked) == int(mt.num_batches_tracked)
        mt.eval(), mn.eval()
        assert_close(mn(nt.tensor(x)), mt(torch.tensor(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_fused_double_backward(training):
    r = np.random.default_rng(5)
    x = nt.tensor(r.standard_normal((3, 2, 4)), requires_grad=True)
    w = nt.tensor(r.standard_normal(2), requires_grad=True)
    b = nt.tensor(r.standard_normal(2), requires_grad=True)
    rm, rv = nt.tensor(r.standard_normal(2)), nt.tensor(r.random(2) + 0.5)

    def f(x, w, b):
        return F.batch_norm(x, rm.clone(), rv.clone(), w, b, training, 0.1, 1e-5)
    assert nt.autograd.gradcheck(f, (x, w, b))
    assert nt.autograd.gradgradcheck(f, (x, w, b))


def test_batch_norm_fused_double_backward_vs_torch():
    d = _data((4, 3, 5), seed=6, dtype=np.float64)
    res = []
    for T in (torch, nt):
        x = T.tensor(d["x"], requires_grad=True)
        w = T.tensor(d["w"], requires_grad=True)
        y = T.nn.functional.batch_norm(x, None, None, w, None, True, 0.1, 1e-5)
        (gx,) = T.autograd.grad((y * T.tensor(d["g"])).sum(), x, create_graph=True)
        gx.square().sum().backward()
        res.append((gx.detach(), x.grad, w.grad))
    for a, b in zip(res[1], res[0]):
        assert_close(a, b, rtol=1e-8, atol=1e-9)
