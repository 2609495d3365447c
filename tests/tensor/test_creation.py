"""Creation functions against PyTorch: values, dtypes, shapes; seeding and generators."""
import math

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close

CASES = [
    ("tensor_float", lambda T: T.tensor([[1.0, 2], [3, 4]])),
    ("tensor_int", lambda T: T.tensor([1, 2, 3])),
    ("tensor_bool", lambda T: T.tensor([True, False])),
    ("tensor_mixed", lambda T: T.tensor([True, 2, 3.5])),
    ("tensor_scalar", lambda T: T.tensor(3)),
    ("tensor_scalar_f", lambda T: T.tensor(2.5)),
    ("tensor_empty", lambda T: T.tensor([])),
    ("tensor_dtype", lambda T: T.tensor([1, 2], dtype=T.float64)),
    ("tensor_dtype_f2i", lambda T: T.tensor([1.7, -2.7], dtype=T.int32)),
    ("tensor_np_f64", lambda T: T.tensor(np.array([1.0, 2.0]))),
    ("tensor_np_i32", lambda T: T.tensor(np.array([1, 2], np.int32))),
    ("tensor_of_tensors", lambda T: T.tensor([T.tensor(1.0).item(), 2.0])),
    ("zeros", lambda T: T.zeros(2, 3)), ("zeros_tuple", lambda T: T.zeros((2, 3), dtype=T.int64)),
    ("zeros_size", lambda T: T.zeros(T.Size([2, 1]))), ("ones", lambda T: T.ones(3, dtype=T.bool)),
    ("ones_0d", lambda T: T.ones(())), ("full_int", lambda T: T.full((2, 2), 7)),
    ("full_float", lambda T: T.full((2,), 1.5)), ("full_bool", lambda T: T.full((2,), True)),
    ("full_dtype", lambda T: T.full((2,), 3, dtype=T.float32)),
    ("arange_int", lambda T: T.arange(5)), ("arange_start", lambda T: T.arange(2, 9, 3)),
    ("arange_float", lambda T: T.arange(0, 1, 0.1)), ("arange_fstart", lambda T: T.arange(1.0, 4)),
    ("arange_neg", lambda T: T.arange(5, 0, -2)), ("arange_dtype", lambda T: T.arange(4, dtype=T.float64)),
    ("arange_empty", lambda T: T.arange(0)),
    ("linspace", lambda T: T.linspace(-1, 1, 5)), ("linspace_1", lambda T: T.linspace(0, 1, 1)),
    ("linspace_odd", lambda T: T.linspace(0, 10, 7)), ("linspace_f64", lambda T: T.linspace(0, 3, 4, dtype=T.float64)),
    ("eye", lambda T: T.eye(3)), ("eye_rect", lambda T: T.eye(2, 4, dtype=T.int64)),
    ("zeros_like", lambda T: T.zeros_like(T.ones(2, 3, dtype=T.int32))),
    ("ones_like_dtype", lambda T: T.ones_like(T.ones(2), dtype=T.float64)),
    ("full_like", lambda T: T.full_like(T.ones(2, dtype=T.int64), 2.7)),
    ("empty_shape", lambda T: T.empty(2, 3).shape), ("empty_like", lambda T: T.empty_like(T.ones(2, 1)).shape),
    ("FloatTensor", lambda T: T.FloatTensor([1, 2])), ("LongTensor", lambda T: T.LongTensor([1.0, 2.0])),
    ("FloatTensor_size", lambda T: T.FloatTensor(2, 3).shape),
    ("as_tensor", lambda T: T.as_tensor([1, 2], dtype=T.float32)),
    ("from_numpy_f32", lambda T: T.from_numpy(np.ones(2, np.float32))),
    ("from_numpy_i64", lambda T: T.from_numpy(np.arange(3))),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_creation_matches_torch(name, fn):
    n, t = fn(nt), fn(torch)
    if isinstance(t, torch.Size):
        assert n == t
        return
    assert_close(n, t)
    assert not n.requires_grad


def test_creation_requires_grad_and_errors():
    for T in (nt, torch):
        x = T.zeros(2, requires_grad=True)
        assert x.requires_grad and x.is_leaf
        assert T.tensor([1.0], requires_grad=True).requires_grad
        assert T.ones(2, 2, requires_grad=True).requires_grad
        assert T.randn(3, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError):
        nt.tensor([1, 2], requires_grad=True)
    with pytest.raises(ValueError):
        nt.tensor([[1, 2], [3]])


def test_as_tensor_and_from_numpy_share_memory():
    a = np.zeros(3, np.float32)
    n = nt.as_tensor(a)
    f = nt.from_numpy(a)
    a[0] = 5
    assert n[0].item() == 5 and f[0].item() == 5
    src = nt.ones(2)
    assert nt.as_tensor(src) is src
    assert nt.tensor(a)[0].item() == 5
    a[1] = 1
    assert nt.tensor(a.copy())[1].item() == 1


def test_random_functions_shapes_dtypes_ranges():
    nt.manual_seed(1)
    r = nt.rand(1000)
    assert r.dtype == nt.float32 and r.shape == (1000,) and 0 <= r._data.min() and r._data.max() < 1
    n = nt.randn(2, 3, dtype=nt.float64)
    assert n.dtype == nt.float64 and n.shape == (2, 3)
    big = nt.randn(20000)
    assert abs(float(big.mean())) < 0.05 and abs(float(big.std()) - 1) < 0.05
    i = nt.randint(3, 7, (500,))
    assert i.dtype == nt.int64 and set(i.tolist()) == {3, 4, 5, 6}
    i2 = nt.randint(5, size=(2, 2))
    assert i2.shape == (2, 2) and i2._data.max() < 5
    assert nt.rand_like(n).dtype == nt.float64 and nt.randn_like(r).shape == r.shape
    p = nt.randperm(10)
    assert sorted(p.tolist()) == list(range(10)) and p.dtype == nt.int64


def test_manual_seed_and_generator_reproducible():
    nt.manual_seed(42)
    a = nt.randn(5)
    b = nt.rand(3)
    nt.manual_seed(42)
    assert nt.equal(nt.randn(5), a) and nt.equal(nt.rand(3), b)
    g = nt.Generator().manual_seed(7)
    x = nt.randn(4, generator=g)
    g2 = nt.Generator()
    g2.manual_seed(7)
    assert nt.equal(nt.randn(4, generator=g2), x)
    assert g.initial_seed() == 7
    nt.manual_seed(3)
    s = nt.get_rng_state()
    u = nt.rand(4)
    nt.set_rng_state(s)
    assert nt.equal(nt.rand(4), u)


def test_constants_and_namespace():
    assert nt.pi == math.pi == torch.pi and nt.e == math.e and nt.inf == math.inf and math.isnan(nt.nan)
    for name in ["float32", "float64", "float16", "int64", "int32", "uint8", "bool", "long", "float", "double",
                 "int", "half", "Size", "Tensor", "Generator", "manual_seed", "no_grad", "enable_grad",
                 "set_grad_enabled", "inference_mode", "is_grad_enabled", "from_numpy", "as_tensor", "FloatTensor",
                 "LongTensor", "autograd", "nn", "optim", "utils", "device", "get_default_dtype",
                 "set_default_dtype", "is_tensor", "numel", "cat", "stack", "where", "clamp", "einsum", "softmax"]:
        assert hasattr(nt, name), name
    assert str(nt.long) == str(torch.long) and nt.long is nt.int64 and nt.float is nt.float32
    assert nt.device("cpu") == "cpu" and str(nt.device("cpu")) == str(torch.device("cpu"))
    with pytest.raises(AttributeError, match="numtorch has no attribute 'torch.definitely_missing'"):
        nt.definitely_missing


def test_default_dtype_switch():
    try:
        nt.set_default_dtype(nt.float64)
        torch.set_default_dtype(torch.float64)
        for f in (lambda T: T.tensor([1.5]), lambda T: T.zeros(2), lambda T: T.arange(0.0, 2),
                  lambda T: T.tensor([1]) * 0.5, lambda T: T.tensor([1, 2]) / 2):
            assert_close(f(nt), f(torch))
    finally:
        nt.set_default_dtype(nt.float32)
        torch.set_default_dtype(torch.float32)
