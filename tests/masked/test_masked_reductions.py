"""torch.masked against PyTorch: broadcast masks, fully masked-out slices, integer inputs, keepdim/dtype,
unbiased/correction, gradients, errors (the OpInfo harness covers PyTorch's own samples)."""
import numpy as np
import pytest

from conftest import torch, to_torch, to_nt, assert_close

import numtorch as nt

REDUCTIONS = ["sum", "prod", "amax", "amin", "mean", "norm", "var", "std", "logsumexp"]


def _data(seed=0, shape=(3, 4, 5)):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    mask = rng.random(shape[1:]) > 0.4
    mask[1, :] = False  # a fully masked-out slice along the last dim
    return x, mask


def _both(name, x, mask, *args, grad=True, **kw):
    tx = torch.tensor(x, requires_grad=grad)
    nx = nt.tensor(x, requires_grad=grad)
    t = getattr(torch.masked, name)(tx, *args, mask=torch.tensor(mask), **kw)
    n = getattr(nt.masked, name)(nx, *args, mask=nt.tensor(mask), **kw)
    return tx, nx, t, n


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dim,keepdim", [(-1, False), ((0, 2), True), (None, False)])
def test_reduction_values_and_grads(name, dim, keepdim):
    x, mask = _data()
    tx, nx, t, n = _both(name, x, mask, dim=dim, keepdim=keepdim)
    assert_close(n, t)
    g = np.random.default_rng(1).standard_normal(tuple(t.shape))
    (tg,) = torch.autograd.grad(t, tx, torch.tensor(g))
    (ng,) = nt.autograd.grad(n, nx, nt.tensor(g))
    assert_close(ng, tg)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "cumsum", "cumprod"])
def test_normalizations_fully_masked(name):
    x, mask = _data(2)
    tx, nx, t, n = _both(name, x, mask, -1)
    assert_close(n, t)
    g = np.random.default_rng(3).standard_normal(x.shape)
    (tg,) = torch.autograd.grad(t, tx, torch.tensor(g))
    (ng,) = nt.autograd.grad(n, nx, nt.tensor(g))
    assert_close(ng, tg)


def test_normalize_and_median_argmax():
    x, mask = _data(4)
    _, _, t, n = _both("normalize", x, mask, 3.0, 1)
    assert_close(n, t)
    _, _, t, n = _both("median", x, mask, dim=1, grad=False)
    assert_close(n, t)
    for name in ("argmax", "argmin"):
        _, _, t, n = _both(name, x, mask, dim=2, keepdim=True, grad=False)
        assert n.dtype == to_nt(t).dtype
        assert_close(n, t)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
def test_integer_inputs(dtype):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 5, (4, 6)).astype(dtype)
    mask = rng.random((4, 6)) > 0.5
    for name in ("sum", "prod", "amax", "amin", "cumsum") if dtype != "bool" else ("sum", "prod"):
        args = (1,) if name == "cumsum" else ()
        t = getattr(torch.masked, name)(torch.tensor(x), *args, mask=torch.tensor(mask))
        n = getattr(nt.masked, name)(nt.tensor(x), *args, mask=nt.tensor(mask))
        assert str(n.dtype) == str(t.dtype), name
        assert_close(n, t)


@pytest.mark.parametrize("kw", [{"unbiased": False}, {"correction": 2}, {"correction": 0.5}, {}])
def test_var_corrections(kw):
    x, mask = _data(6)
    for name in ("var", "std"):
        _, _, t, n = _both(name, x, mask, 1, grad=False, **kw)
        assert_close(n, t)


def test_dtype_and_no_mask():
    x = np.random.default_rng(7).standard_normal((3, 4)).astype("float32")
    for name in ("sum", "mean", "amax", "logsumexp", "norm"):
        t = getattr(torch.masked, name)(torch.tensor(x), dtype=torch.float64)
        n = getattr(nt.masked, name)(nt.tensor(x), dtype=nt.float64)
        assert str(n.dtype) == str(t.dtype), name
        assert_close(n, t)
    a, b = torch.tensor(x), torch.tensor(x[::-1].copy())
    m = torch.tensor(x > 0)
    t = torch.masked.logaddexp(a, b, input_mask=m, other_mask=~m)
    n = nt.masked.logaddexp(to_nt(a), to_nt(b), input_mask=to_nt(m), other_mask=to_nt(~m))
    assert_close(n, t)


def test_errors_match_torch():
    x = torch.randn(3, 4)
    cases = [(lambda M, a: M.masked.mean(a(x.long()), mask=a(x > 0))),
             (lambda M, a: M.masked.sum(a(x), mask=a(torch.ones(2, 3, 4, dtype=torch.bool)))),
             (lambda M, a: M.masked.sum(a(x), (0, 0), mask=a(x > 0))),
             (lambda M, a: M.masked.sum(a(x), 2, mask=a(x > 0))),
             (lambda M, a: M.masked.median(a(x.long()), 1, mask=a(torch.zeros(3, 4, dtype=torch.bool))))]
    for case in cases:
        with pytest.raises(Exception) as te:
            case(torch, lambda v: v)
        with pytest.raises(type(te.value), match=None) as ne:
            case(nt, to_nt)
        assert str(ne.value) == str(te.value)


def test_masked_tensor_absent_says_so():
    with pytest.raises(AttributeError, match="MaskedTensor"):
        nt.masked.MaskedTensor
