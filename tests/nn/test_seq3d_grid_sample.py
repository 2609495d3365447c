"""F.grid_sample and F.affine_grid against torch: every mode / padding mode / align_corners, 4-D and 5-D,
gradients w.r.t. input and grid, second order, errors and warnings."""
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, assert_close

TF = torch.nn.functional


def _both(arr, rg=True):
    return nt.tensor(arr, requires_grad=rg), torch.tensor(arr, requires_grad=rg)


CASES = [(m, p, a) for m in ("bilinear", "nearest", "bicubic") for p in ("zeros", "border", "reflection")
         for a in (True, False)]


@pytest.mark.parametrize("mode,pad,ac", CASES)
def test_grid_sample_4d(rng, mode, pad, ac):
    x, xt = _both(rng.standard_normal((2, 3, 5, 6)))
    g, gt = _both(rng.uniform(-1.4, 1.4, (2, 4, 7, 2)))
    y, yt = F.grid_sample(x, g, mode, pad, ac), TF.grid_sample(xt, gt, mode, pad, ac)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(tuple(yt.shape))
    gn = nt.autograd.grad(y, [x, g], nt.tensor(w))
    gtt = torch.autograd.grad(yt, [xt, gt], torch.tensor(w))
    assert_close(gn[0], gtt[0], rtol=1e-10, atol=1e-12)
    assert_close(gn[1], gtt[1], rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("mode,pad,ac", [c for c in CASES if c[0] != "bicubic"])
def test_grid_sample_5d(rng, mode, pad, ac):
    x, xt = _both(rng.standard_normal((2, 3, 4, 5, 6)))
    g, gt = _both(rng.uniform(-1.4, 1.4, (2, 4, 3, 5, 3)))
    y, yt = F.grid_sample(x, g, mode, pad, ac), TF.grid_sample(xt, gt, mode, pad, ac)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(tuple(yt.shape))
    gn = nt.autograd.grad(y, [x, g], nt.tensor(w))
    gtt = torch.autograd.grad(yt, [xt, gt], torch.tensor(w))
    assert_close(gn[0], gtt[0], rtol=1e-10, atol=1e-12)
    assert_close(gn[1], gtt[1], rtol=1e-9, atol=1e-10)


def test_grid_sample_float32(rng):
    x = rng.standard_normal((1, 2, 8, 8)).astype(np.float32)
    g = rng.uniform(-1, 1, (1, 3, 3, 2)).astype(np.float32)
    y = F.grid_sample(nt.tensor(x), nt.tensor(g), align_corners=False)
    yt = TF.grid_sample(torch.tensor(x), torch.tensor(g), align_corners=False)
    assert_close(y, yt, atol=1e-6)


def test_grid_sample_second_order(rng):
    x, xt = _both(rng.standard_normal((1, 2, 3, 4)))
    g, gt = _both(rng.uniform(-0.9, 0.9, (1, 2, 2, 2)))
    gx, gg = nt.autograd.grad((F.grid_sample(x, g, align_corners=False) ** 2).sum(), [x, g], create_graph=True)
    gxt, ggt = torch.autograd.grad((TF.grid_sample(xt, gt, align_corners=False) ** 2).sum(), [xt, gt],
                                   create_graph=True)
    (gx.sum() + gg.sum()).backward()
    (gxt.sum() + ggt.sum()).backward()
    assert_close(x.grad, xt.grad, rtol=1e-9, atol=1e-10)
    assert_close(g.grad, gt.grad, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 3, 1, 5), (2, 3, 4, 5, 3)])
@pytest.mark.parametrize("ac", [True, False])
def test_affine_grid(rng, size, ac):
    shape = (2, 2, 3) if len(size) == 4 else (2, 3, 4)
    th, tht = _both(rng.standard_normal(shape))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, yt = F.affine_grid(th, size, ac), TF.affine_grid(tht, size, ac)
    assert_close(y, yt, rtol=1e-12, atol=1e-12)
    w = rng.standard_normal(tuple(yt.shape))
    assert_close(nt.autograd.grad(y, th, nt.tensor(w))[0], torch.autograd.grad(yt, tht, torch.tensor(w))[0],
                 rtol=1e-10, atol=1e-12)


def test_affine_grid_into_grid_sample(rng):
    """The spatial-transformer pattern: gradients reach theta through both functions."""
    x, xt = _both(rng.standard_normal((2, 3, 6, 6)))
    th, tht = _both(np.tile(np.array([[[0.9, 0.1, 0.05], [-0.1, 1.1, 0.0]]]), (2, 1, 1)))
    y = F.grid_sample(x, F.affine_grid(th, (2, 3, 4, 4), False), align_corners=False)
    yt = TF.grid_sample(xt, TF.affine_grid(tht, (2, 3, 4, 4), False), align_corners=False)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    assert_close(th.grad, tht.grad, rtol=1e-9, atol=1e-10)


def test_errors_and_warnings():
    def calls(M, T):
        x, g = T.ones(1, 1, 3, 4), T.zeros(1, 2, 2, 2)
        return [
            (lambda: M.grid_sample(x, g, mode="foo"), ValueError),
            (lambda: M.grid_sample(x, g, padding_mode="foo"), ValueError),
            (lambda: M.grid_sample(T.ones(1, 1, 2, 2, 2), T.zeros(1, 1, 1, 1, 3), mode="bicubic",
                                   align_corners=True), RuntimeError),
            (lambda: M.grid_sample(x, T.zeros(2, 2, 2, 2), align_corners=True), RuntimeError),
            (lambda: M.affine_grid(T.zeros(1, 3, 4), (1, 1, 3, 4), align_corners=True), ValueError),
            (lambda: M.affine_grid(T.zeros(1, 2, 3, dtype=T.int64), (1, 1, 3, 4), align_corners=True), ValueError),
            (lambda: M.affine_grid(T.zeros(1, 2, 3), (1, 1, 3), align_corners=True), NotImplementedError),
        ]
    for (f, exc), (ft, _) in zip(calls(F, nt), calls(TF, torch)):
        with pytest.raises(exc) as e1:
            f()
        with pytest.raises(exc) as e2:
            ft()
        assert str(e1.value) == str(e2.value)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(nt.ones(1, 1, 3, 4), nt.zeros(1, 2, 2, 2))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(nt.zeros(1, 2, 3), (1, 1, 2, 2))


def test_node_names(rng):
    x, xt = _both(rng.standard_normal((1, 2, 3, 4)))
    th, tht = _both(rng.standard_normal((1, 2, 3)))
    g, gt = F.affine_grid(th, (1, 2, 3, 4), False), TF.affine_grid(tht, (1, 2, 3, 4), False)
    assert g.grad_fn.name() == gt.grad_fn.name()
    assert F.grid_sample(x, g, align_corners=False).grad_fn.name() == \
        TF.grid_sample(xt, gt, align_corners=False).grad_fn.name()
    x5, x5t = _both(rng.standard_normal((1, 2, 3, 4, 2)))
    g5, g5t = _both(rng.uniform(-1, 1, (1, 2, 2, 2, 3)))
    assert F.grid_sample(x5, g5, align_corners=True).grad_fn.name() == \
        TF.grid_sample(x5t, g5t, align_corners=True).grad_fn.name()
