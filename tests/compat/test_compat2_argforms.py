"""Argument forms PyTorch accepts: NumPy-style keyword aliases, size= in creation functions, einsum with
ellipses and a list of operands, fmax/fmin NaN rules, torch.return_types."""
import pickle

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_torch, to_nt, assert_close

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7


@pytest.mark.parametrize("call", [
    lambda L, x: L.sum(x, axis=1), lambda L, x: x.sum(axis=0, keepdims=True), lambda L, x: L.mean(x=x, axis=2),
    lambda L, x: L.std(x, axis=1, keepdims=True), lambda L, x: L.cumsum(x, axis=1),
    lambda L, x: L.softmax(x, axis=1), lambda L, x: L.argmax(x, axis=2), lambda L, x: L.cat([x, x], axis=0),
    lambda L, x: L.stack([x, x], axis=1), lambda L, x: L.unsqueeze(x, axis=0), lambda L, x: L.add(x1=x, x2=x),
    lambda L, x: L.max(x, axis=1).values, lambda L, x: x.amax(axis=(0, 2), keepdims=True),
    lambda L, x: x.mean(axis=1), lambda L, x: L.prod(x, axis=2, keepdims=True)])
def test_numpy_keyword_aliases(call):
    assert_close(call(nt, nt.from_numpy(X)), call(torch, torch.from_numpy(X)), rtol=1e-5)


def test_alias_and_real_name_together_is_an_error():
    for L in (torch, nt):
        with pytest.raises(TypeError):
            L.sum(L.ones(2), dim=0, axis=0)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_size_keyword(name):
    for size in ((2, 3), [4], ()):
        assert getattr(nt, name)(size=size).shape == getattr(torch, name)(size=size).shape
    assert nt.zeros(size=(2,), dtype=nt.float64).dtype == nt.float64
    with pytest.raises(TypeError):
        getattr(torch, name)(2, size=(2,))
    with pytest.raises(TypeError):
        getattr(nt, name)(2, size=(2,))


@pytest.mark.parametrize("eq,shapes", [
    ("...ij,jk", [(2, 3, 4), (4, 5)]), ("...ij,...jk", [(2, 3, 4), (2, 4, 5)]), ("i...,...j", [(4, 5), (5,)]),
    ("...ii->...i", [(2, 3, 3)]), ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]), ("...", [(2, 3)]),
    ("ij,jk", [(3, 4), (4, 5)]), ("ba", [(2, 3)]), ("...j,j", [(2, 3), (3,)])])
def test_einsum_ellipsis_implicit_and_list(eq, shapes):
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    nts = [nt.tensor(a, requires_grad=True) for a in arrs]
    tts = [torch.tensor(a, requires_grad=True) for a in arrs]
    r, t = nt.einsum(eq, *nts), torch.einsum(eq, *tts)
    assert_close(r, t, rtol=1e-5, atol=1e-5)
    assert_close(nt.einsum(eq, nts), torch.einsum(eq, tts), rtol=1e-5, atol=1e-5)
    r.sum().backward()
    t.sum().backward()
    for a, b in zip(nts, tts):
        assert_close(a.grad, b.grad, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["fmax", "fmin", "maximum", "minimum"])
def test_fmax_fmin_nan_rules(name):
    x = np.array([1, np.nan, 3, np.nan, -2], np.float32)
    y = np.array([np.nan, 2, 1, np.nan, 5], np.float32)
    nx, ny = nt.tensor(x, requires_grad=True), nt.tensor(y, requires_grad=True)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    r, t = getattr(nt, name)(nx, ny), getattr(torch, name)(tx, ty)
    assert_close(r, t)
    assert_close(getattr(nt.Tensor, name)(nx, ny) if hasattr(nt.Tensor, name) else r, t)
    r.nansum().backward()
    t.nansum().backward()
    assert_close(nx.grad, tx.grad)
    assert_close(ny.grad, ty.grad)


@pytest.mark.parametrize("fn", [
    lambda L, x: L.max(x, 1), lambda L, x: L.min(x, dim=0), lambda L, x: L.sort(x, 1), lambda L, x: L.topk(x, 2),
    lambda L, x: L.kthvalue(x, 2, 1), lambda L, x: L.median(x, 1), lambda L, x: L.aminmax(x),
    lambda L, x: x.max(1), lambda L, x: x.sort(descending=True)])
def test_return_types(fn):
    x = np.array([[3.0, 1.0, 2.0], [0.5, 4.0, -1.0]], np.float32)
    r, t = fn(nt, nt.from_numpy(x)), fn(torch, torch.from_numpy(x))
    assert type(r).__name__ == type(t).__name__
    assert repr(r) == repr(t)
    assert len(r) == len(t) and isinstance(r, tuple)
    for a, b in zip(r, t):
        assert_close(a, b)
    for n in type(r)._fields:
        assert_close(getattr(r, n), getattr(t, n))
    back = pickle.loads(pickle.dumps(r))
    assert type(back) is type(r) and repr(back) == repr(r)
    a, b = r
    assert_close(a, t[0])


def test_return_types_constructor():
    v, i = nt.tensor([1.0]), nt.tensor([0])
    r = nt.return_types.max((v, i))
    t = torch.return_types.max((torch.tensor([1.0]), torch.tensor([0])))
    assert repr(r) == repr(t)
    assert r.n_fields == t.n_fields == 2
    for L in (torch, nt):
        with pytest.raises(TypeError):
            L.return_types.max((1, 2, 3))
    assert {n for n in dir(torch.return_types) if not n.startswith("_") and n.endswith("_out")} <= \
        set(dir(nt.return_types))
