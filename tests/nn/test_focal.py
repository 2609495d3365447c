"""Focal losses: torchvision-style sigmoid_focal_loss and the multi-class nn.FocalLoss, against the
same formulas written with real PyTorch ops (torchvision is not installed), and against
PyTorch's cross_entropy at gamma = 0."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn as ntnn
import numtorch.nn.functional as ntF
from numtorch.vision.ops import sigmoid_focal_loss
from conftest import torch, assert_close

thF = torch.nn.functional


def torch_sigmoid_focal(inputs, targets, alpha, gamma, reduction):
    # torchvision.ops.sigmoid_focal_loss, line for line
    p = torch.sigmoid(inputs)
    ce_loss = thF.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def torch_focal(x, t, gamma, weight, reduction, ignore_index):
    logp = x.log_softmax(1)
    valid = t != ignore_index
    tc = torch.where(valid, t, torch.zeros_like(t))
    logpt = logp.gather(1, tc.unsqueeze(1)).squeeze(1)
    w = (weight[tc] if weight is not None else torch.ones_like(logpt)) * valid
    fl = -w * (1 - logpt.exp()) ** gamma * logpt
    return {"none": fl, "sum": fl.sum(), "mean": fl.sum() / w.sum()}[reduction]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("alpha,gamma", [(0.25, 2), (-1, 2), (0.5, 0), (0.8, 1.5)])
def test_sigmoid_focal_loss(reduction, alpha, gamma):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((4, 3)) * 3).astype(np.float32)
    y = (rng.random((4, 3)) > 0.5).astype(np.float32)
    xn, xt = nt.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    on = sigmoid_focal_loss(xn, nt.from_numpy(y), alpha=alpha, gamma=gamma, reduction=reduction)
    ot = torch_sigmoid_focal(xt, torch.from_numpy(y), alpha, gamma, reduction)
    assert_close(on, ot, rtol=1e-5, atol=1e-6)
    on.sum().backward()
    ot.sum().backward()
    assert_close(xn.grad, xt.grad, rtol=1e-4, atol=1e-6)


def test_sigmoid_focal_loss_bad_reduction():
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        sigmoid_focal_loss(nt.randn(3), nt.ones(3), reduction="avg")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
def test_focal_loss_module(reduction, gamma, weight, ignore):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((6, 4)) * 2).astype(np.float32)
    t = rng.integers(0, 4, 6)
    if ignore:
        t[::3] = -100
    w = rng.uniform(0.2, 2, 4).astype(np.float32) if weight else None
    xn, xt = nt.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    m = ntnn.FocalLoss(gamma=gamma, weight=nt.from_numpy(w) if weight else None, reduction=reduction)
    on = m(xn, nt.from_numpy(t))
    tw = torch.from_numpy(w) if weight else None
    ot = torch_focal(xt, torch.from_numpy(t), gamma, tw, reduction, -100)
    assert_close(on, ot, rtol=1e-5, atol=1e-6)
    on.sum().backward()
    ot.sum().backward()
    assert_close(xn.grad, xt.grad, rtol=1e-4, atol=1e-6)
    if gamma == 0:   # gamma = 0 is exactly PyTorch's cross entropy, weights and ignore_index included
        ce = thF.cross_entropy(torch.from_numpy(x), torch.from_numpy(t), weight=tw, reduction=reduction)
        assert_close(on, ce, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("gamma", [0.0, 2.0])
def test_focal_loss_every_target_ignored(gamma):
    """'mean' over no targets: the value is 0/0 = nan and the gradient 0, as PyTorch's cross entropy."""
    x = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    t = np.array([1, 1, 1])
    xn, xt = nt.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    on = ntF.focal_loss(xn, nt.from_numpy(t), gamma=gamma, ignore_index=1)
    ot = thF.cross_entropy(xt, torch.from_numpy(t), ignore_index=1)
    assert_close(on, ot)
    on.backward()
    ot.backward()
    assert_close(xn.grad, xt.grad)


def test_focal_loss_kdim_and_errors():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    t = rng.integers(0, 3, (2, 4))
    on = ntF.focal_loss(nt.from_numpy(x), nt.from_numpy(t), gamma=0.0, reduction="none")
    assert_close(on, thF.cross_entropy(torch.from_numpy(x), torch.from_numpy(t), reduction="none"),
                 rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        ntnn.FocalLoss(gamma=-1)
    with pytest.raises(IndexError, match="Target 3 is out of bounds."):
        ntnn.FocalLoss()(nt.randn(2, 3), nt.tensor([0, 3]))


def test_seed_focal_pattern():
    # the seed's hand-written FocalLoss built on F.cross_entropy(reduction='none', weight=...)
    logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-1.0, 3.0, 0.5], [0.0, 0.0, 4.0]], np.float32)
    target = np.array([0, 2, 1, 0])
    w = np.array([1.0, 2.0, 0.5], np.float32)
    res = []
    for L in (nt, torch):
        x = L.from_numpy(logits.copy()).requires_grad_()
        ce = L.nn.functional.cross_entropy(x, L.from_numpy(target), reduction="none", weight=L.from_numpy(w))
        loss = ((1 - L.exp(-ce)) ** 2.0 * ce).mean()
        loss.backward()
        res.append((loss, x.grad))
    assert_close(res[0][0], res[1][0], rtol=1e-6, atol=1e-7)
    assert_close(res[0][1], res[1][1], rtol=1e-5, atol=1e-7)
