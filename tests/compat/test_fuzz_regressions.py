"""Regressions found by fuzzing (issue 21 and tests/fuzz): each case runs the same program on numtorch and on
real torch and compares values, dtypes, gradients and exception classes/messages."""
import math

import pytest

import numtorch as nt
from conftest import torch, assert_close


def _run(fn):
    """(result, None) or (None, exception) for ``fn`` run on one library."""
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return None, e


def _same(fn, msg=True):
    """fn(lib) on torch and numtorch: same exception class (and message), or the same results."""
    want, we = _run(lambda: fn(torch))
    got, ge = _run(lambda: fn(nt))
    if we is not None or ge is not None:
        assert we is not None and ge is not None, f"torch: {we!r}, numtorch: {ge!r}"
        assert type(ge).__name__ == type(we).__name__, f"torch: {we!r}, numtorch: {ge!r}"
        if msg:
            assert str(ge).split("\n")[0] == str(we).split("\n")[0]
        return None
    if not isinstance(want, tuple):
        want, got = (want,), (got,)
    for g, w in zip(got, want):
        assert_close(g, w)
    return got


# --------------------------------------------------------------- floor_divide with a gradient
@pytest.mark.parametrize("which", ["a", "b", "both"])
def test_floor_divide_requires_grad_forward_ok_backward_raises(which):
    def fwd(m):
        a = m.tensor([5.0, -7.0, 3.0, 0.5], requires_grad=which in ("a", "both"))
        b = m.tensor([2.0, 2.0, -2.0, 0.25], requires_grad=which in ("b", "both"))
        r = a // b
        return r.detach(), r.requires_grad, type(r.grad_fn).__name__
    want, got = fwd(torch), fwd(nt)
    assert_close(got[0], want[0])
    assert got[1:] == want[1:]

    def bwd(m):
        a = m.tensor([5.0, -7.0], requires_grad=True)
        b = m.tensor([2.0, 2.0], requires_grad=which != "a")
        (m.floor_divide(a, b) * 2).sum().backward()
    _same(bwd)


# --------------------------------------------------------------- gather: the index may be longer along dim
@pytest.mark.parametrize("dim,ishape", [(1, (1, 3)), (0, (7, 2)), (1, (5, 4)), (1, (6, 3)), (0, (2, 3)), (-1, (2, 5))])
def test_gather_index_longer_along_dim(dim, ishape):
    def f(m):
        a = m.arange(10.0).reshape(5, 2).requires_grad_()
        idx = (m.arange(math.prod(ishape)) % 2).reshape(ishape)
        r = a.gather(dim, idx)
        (r * m.arange(1.0, 1.0 + r.numel()).reshape(r.shape)).sum().backward()
        return r.detach(), a.grad
    _same(f)


# --------------------------------------------------------------- ravel; flatten's dims on a 0-d tensor
def test_ravel_method_and_function():
    _same(lambda m: m.arange(6.0).reshape(2, 3).t().ravel())
    _same(lambda m: m.ravel(m.tensor(3.0)))
    _same(lambda m: m.arange(6.0).reshape(2, 3)[:, ::2].ravel())


@pytest.mark.parametrize("dims", [(0, 1), (-2, 0), (0, 0), (-1, 0), (0, -1), (1, 1)])
def test_flatten_dims_of_0d(dims):
    _same(lambda m: m.tensor([[1.0, 0.0]]).argmin().flatten(*dims))
    _same(lambda m: m.tensor(2.0).flatten(*dims))


# --------------------------------------------------------------- softmax family of one element
@pytest.mark.parametrize("v", [float("nan"), float("inf"), -float("inf"), 3.0, -0.0])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_0d_special(fn, v):
    def f(m):
        x = m.tensor(v, requires_grad=True)
        y = getattr(x, fn)(0)
        y.backward()
        return y.detach(), x.grad
    _same(f)


# --------------------------------------------------------------- activations on integer / bool inputs
_ACTS = ["gelu", "silu", "elu", "selu", "celu", "leaky_relu", "rrelu", "softplus", "mish", "hardswish",
         "hardsigmoid", "logsigmoid", "softshrink", "hardshrink", "glu", "prelu", "softmax", "log_softmax", "softmin",
         "threshold", "hardtanh", "relu6", "relu", "sigmoid", "tanh", "softsign", "tanhshrink"]


_INPLACE = ["elu", "selu", "celu", "leaky_relu", "rrelu", "hardswish", "hardsigmoid", "silu", "mish", "threshold",
            "hardtanh", "relu6", "relu"]


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("name,inplace", [(n, False) for n in _ACTS] + [(n, True) for n in _INPLACE])
def test_activation_integer_input(name, dtype, inplace):
    def f(m):
        fn = getattr(m.nn.functional, name)
        x = m.tensor([[1, 0], [1, 1]], dtype=getattr(m, dtype))
        args = {"softmax": (0,), "log_softmax": (1,), "softmin": (0,), "glu": (0,), "threshold": (1, 0),
                "prelu": (m.tensor([1], dtype=getattr(m, dtype)),)}.get(name, ())
        return fn(x, *args, inplace=True) if inplace else fn(x, *args)
    _same(f)
