"""Tensor methods that bind functions defined elsewhere (numtorch/_more_methods.py), against torch."""
import numpy as np
import pytest

from conftest import torch
import numtorch as nt

A = np.array([[1.5, -2.0, 0.0], [3.0, 0.5, -1.0]], dtype=np.float32)
B = np.array([[1.0, -2.0, 2.0], [0.0, 0.5, -3.0]], dtype=np.float32)
IA = np.array([[5, -3, 0], [12, 7, -1]], dtype=np.int32)
IB = np.array([[3, 6, 1], [10, -7, 4]], dtype=np.int32)

INPLACE = {
    "eq_": (A, B), "ne_": (A, B), "lt_": (A, B), "le_": (A, B), "gt_": (A, B), "ge_": (A, B),
    "greater_": (A, B), "greater_equal_": (A, B), "less_": (A, B), "less_equal_": (A, B), "not_equal_": (A, B),
    "logical_and_": (A, B), "logical_or_": (A, B), "logical_xor_": (A, B), "logical_not_": (A,),
    "bitwise_and_": (IA, IB), "bitwise_or_": (IA, IB), "bitwise_xor_": (IA, IB), "bitwise_not_": (IA,),
    "arcsin_": (A / 4,), "arccos_": (A / 4,), "arctan_": (A,), "arctan2_": (A, B), "arcsinh_": (A,),
    "arccosh_": (np.abs(A) + 1,), "arctanh_": (A / 4,), "fix_": (A * 1.7,), "negative_": (A,),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_forms_write_into_self(name):
    out = []
    for L in (torch, nt):
        args = [L.tensor(a) for a in INPLACE[name]]
        x = args[0]
        r = getattr(x, name)(*args[1:])
        assert r is x
        out.append((str(x.dtype), x.tolist()))
    assert out[0][0] == out[1][0]
    np.testing.assert_allclose(np.array(out[1][1], dtype=float), np.array(out[0][1], dtype=float), rtol=1e-6)


@pytest.mark.parametrize("name,args", [("cumsum_", (1,)), ("cumprod_", (0,)), ("swapaxes_", (0, 1)),
                                       ("swapdims_", (1, 0))])
def test_inplace_scan_and_swap(name, args):
    out = []
    for L in (torch, nt):
        x = L.tensor(A)
        r = getattr(x, name)(*args)
        assert r is x
        out.append((list(x.shape), x.tolist()))
    assert out[0] == out[1]


def test_inplace_products():
    rs = np.random.RandomState(0)
    m, v = rs.standard_normal((2, 3)).astype(np.float32), rs.standard_normal(3).astype(np.float32)
    s3, b1, b2 = (rs.standard_normal(s).astype(np.float32) for s in ((2, 2, 4), (2, 2, 3), (2, 3, 4)))
    out = []
    for L in (torch, nt):
        x = L.zeros(2, 2)
        x.addmm_(L.tensor(m), L.tensor(m.T.copy()), beta=0.5, alpha=2)
        y = L.ones(2)
        y.addmv_(L.tensor(m), L.tensor(v))
        z = L.tensor(s3)
        z.baddbmm_(L.tensor(b1), L.tensor(b2))
        w = L.ones(2, 4)
        w.addbmm_(L.tensor(b1), L.tensor(b2))
        out.append([t.numpy() for t in (x, y, z, w)])
    for t, n in zip(*out):
        np.testing.assert_allclose(n, t, rtol=1e-5, atol=1e-6)


def test_arc_aliases_and_function_methods():
    x = np.abs(A) + 1.5
    for name in ("arcsinh", "arccosh"):
        np.testing.assert_allclose(getattr(nt.tensor(x), name)().numpy(), getattr(torch.tensor(x), name)().numpy(),
                                   rtol=1e-6)
    np.testing.assert_allclose(nt.tensor(A / 4).arctanh().numpy(), torch.tensor(A / 4).arctanh().numpy(), rtol=1e-6)
    np.testing.assert_allclose(nt.tensor(A).cov().numpy(), torch.tensor(A).cov().numpy(), rtol=1e-6)
    np.testing.assert_allclose(nt.tensor(A).corrcoef().numpy(), torch.tensor(A).corrcoef().numpy(), rtol=1e-6)
    assert nt.tensor(A).narrow_copy(1, 1, 2).tolist() == torch.tensor(A).narrow_copy(1, 1, 2).tolist()
    assert nt.tensor(A).is_same_size(nt.zeros(2, 3)) and not nt.tensor(A).is_same_size(nt.zeros(3, 2))
    assert nt.tensor(A).is_inference() is torch.tensor(A).is_inference() is False
    t = nt.tensor(A)
    assert t.to_dense() is t and t.to_dense(nt.float64).dtype == nt.float64


def test_sampling_methods_follow_torchs_random_stream():
    p = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], dtype=np.float32)
    torch.manual_seed(3)
    nt.manual_seed(3)
    assert nt.tensor(p).bernoulli().tolist() == torch.tensor(p).bernoulli().tolist()
    assert nt.tensor(p).multinomial(2).tolist() == torch.tensor(p).multinomial(2).tolist()
    assert nt.tensor(p).multinomial(5, replacement=True).tolist() == \
        torch.tensor(p).multinomial(5, replacement=True).tolist()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool", "float16", "complex64"])
def test_itemsize_nbytes(dtype):
    t, n = torch.zeros(3, 5, dtype=getattr(torch, dtype)), nt.zeros(3, 5, dtype=getattr(nt, dtype))
    assert (n.itemsize, n.nbytes) == (t.itemsize, t.nbytes)


def test_legacy_new():
    for L in (torch, nt):
        x = L.zeros(2, dtype=L.float64)
        assert x.new(2, 3).shape == (2, 3) and x.new(2, 3).dtype == L.float64
        assert x.new(L.Size([4])).shape == (4,)
        assert x.new().shape == (0,)
        assert x.new([1, 2]).tolist() == [1.0, 2.0] and x.new([1, 2]).dtype == L.float64
