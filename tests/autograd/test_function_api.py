"""torch.autograd.Function's ctx API (mark_dirty, once_differentiable) and the apply observer hook,
compared with PyTorch."""
import numpy as np
import pytest

from conftest import torch, assert_close

import numtorch as nt
from numtorch.autograd.function import _add_apply_observer


def _mul2_inplace(lib):
    class MulTwo_(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return MulTwo_


@pytest.mark.parametrize("lib", [torch, nt], ids=["torch", "numtorch"])
def test_mark_dirty_rebases_history_and_bumps_version(lib):
    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = a.clone()
    v0 = x._version
    y = _mul2_inplace(lib).apply(x)
    assert y is x
    assert x._version > v0
    assert type(x.grad_fn).__name__ == "MulTwo_Backward"
    (x * x).sum().backward()
    np.testing.assert_allclose(a.grad.detach().numpy(), [8.0, 16.0, 24.0])


def test_mark_dirty_on_leaf_raises_like_torch():
    for lib in (torch, nt):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            _mul2_inplace(lib).apply(a)


def _cube(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @lib.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2
    return Cube


def test_once_differentiable_first_order_and_double_backward_error():
    for lib in (torch, nt):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        v = lib.tensor([1.0, 1.0], requires_grad=True)   # an upstream gradient that itself requires grad
        (gx,) = lib.autograd.grad(_cube(lib).apply(x), x, v, create_graph=True)
        np.testing.assert_allclose(gx.detach().numpy(), [3.0, 12.0])
        with pytest.raises(RuntimeError, match="marked with @once_differentiable"):
            gx.sum().backward()
        (gx,) = lib.autograd.grad(_cube(lib).apply(x).sum(), x, create_graph=True)
        assert not gx.requires_grad   # the seed gradient does not require grad: nothing recorded
        y = lib.tensor([1.0, 2.0], requires_grad=True)
        (g1,) = lib.autograd.grad(_cube(lib).apply(y).sum(), y)
        assert not g1.requires_grad


def test_apply_observer_sees_every_function_and_is_removed():
    seen = []

    def observer(cls, args, kwargs, run):
        out = run()
        seen.append((cls.__name__, out.shape if isinstance(out, nt.Tensor) else None))
        return out
    x = nt.randn(3, 4, requires_grad=True)
    h = _add_apply_observer(observer)
    try:
        y = (nt.sigmoid(x) * 2).sum()
    finally:
        h.remove()
    names = [n for n, _ in seen]
    assert names == ["Sigmoid", "Mul", "Sum"], names
    y.backward()
    assert_close(x.grad, torch.sigmoid(torch.from_numpy(x.detach().numpy())) *
                 (1 - torch.sigmoid(torch.from_numpy(x.detach().numpy()))) * 2)
    n = len(seen)
    nt.sigmoid(x)
    assert len(seen) == n   # removed: no more calls
