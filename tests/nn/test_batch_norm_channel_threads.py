"""The fused batch norm's channel ranges on concurrent threads (numtorch.set_num_threads(2)) pinned to the
one-range run, and both to PyTorch: training and eval outputs, running statistics, and all three gradients."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close


def _run(x, g, threads, training, affine):
    old = nt.get_num_threads()
    nt.set_num_threads(threads)
    try:
        m = nt.nn.BatchNorm2d(x.shape[1], affine=affine)
        m = m.to(nt.float64) if x.dtype == np.float64 else m
        if affine:
            with nt.no_grad():
                m.weight.copy_(nt.tensor(np.linspace(0.5, 1.5, x.shape[1]).astype(x.dtype)))
                m.bias.copy_(nt.tensor(np.linspace(-1, 1, x.shape[1]).astype(x.dtype)))
        m.train(training)
        if not training:
            with nt.no_grad():
                m.running_mean.copy_(nt.tensor(np.linspace(-0.2, 0.3, x.shape[1])))
                m.running_var.copy_(nt.tensor(np.linspace(0.5, 2.0, x.shape[1])))
        a = nt.tensor(x, requires_grad=True)
        y = m(a)
        y.backward(nt.tensor(g))
        grads = [a.grad.numpy()] + ([m.weight.grad.numpy(), m.bias.grad.numpy()] if affine else [])
        return [y.detach().numpy(), m.running_mean.numpy(), m.running_var.numpy()] + grads
    finally:
        nt.set_num_threads(old)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_channel_threads_match_one_thread_and_torch(training, affine, dtype):
    r = np.random.default_rng(0)
    # large enough for two channel ranges (parallel_threads' work threshold)
    x = (r.standard_normal((8, 37, 40, 40)) * 2 + 0.5).astype(dtype)
    g = r.standard_normal(x.shape).astype(dtype)
    two = _run(x, g, 2, training, affine)
    one = _run(x, g, 1, training, affine)
    for a, b in zip(two, one):
        tol = 8 * np.finfo(dtype).eps
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * np.abs(b).max())
    tm = torch.nn.BatchNorm2d(x.shape[1], affine=affine).to(getattr(torch, dtype))
    if affine:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(np.linspace(0.5, 1.5, x.shape[1])))
            tm.bias.copy_(torch.tensor(np.linspace(-1, 1, x.shape[1])))
    tm.train(training)
    if not training:
        with torch.no_grad():
            tm.running_mean.copy_(torch.tensor(np.linspace(-0.2, 0.3, x.shape[1])))
            tm.running_var.copy_(torch.tensor(np.linspace(0.5, 2.0, x.shape[1])))
    b = torch.tensor(x, requires_grad=True)
    y = tm(b)
    y.backward(torch.tensor(g))
    ref = [y, tm.running_mean, tm.running_var, b.grad] + ([tm.weight.grad, tm.bias.grad] if affine else [])
    tol = 1e-4 if dtype == "float32" else 1e-10
    for a, t in zip(two, ref):
        assert_close(nt.tensor(a), t.detach(), rtol=tol, atol=tol * max(1.0, float(t.abs().max())))
