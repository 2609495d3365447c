"""numtorch.testing against torch.testing: the same pass/fail decision, exception class and message text on a
table of input pairs (tensors of each dtype, NaN, inf, shapes, scalars, nested containers), and make_tensor's
ranges, shapes, dtypes and errors."""
import math
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.testing as ntt
from conftest import torch


class T:
    """A tensor spec built by both libraries: Python data (lists) and a dtype name; ``t`` transposes."""

    def __init__(self, data, dtype="float32", t=False):
        self.data, self.dtype, self.t = data, dtype, t

    def build(self, lib):
        x = lib.tensor(self.data, dtype=getattr(lib, self.dtype))
        return x.t() if self.t else x


class N:
    """A NumPy array (the same object for both libraries)."""

    def __init__(self, data, dtype="float32"):
        self.data, self.dtype = data, dtype

    def build(self, lib):
        return np.array(self.data, dtype=self.dtype)


def build(spec, lib):
    if isinstance(spec, (T, N)):
        return spec.build(lib)
    if isinstance(spec, list):
        return [build(s, lib) for s in spec]
    if isinstance(spec, tuple):
        return tuple(build(s, lib) for s in spec)
    if isinstance(spec, dict):
        return {k: build(v, lib) for k, v in spec.items()}
    return spec


inf, nan = math.inf, math.nan
rng = np.random.default_rng(0)
_A = rng.standard_normal((4, 5)).astype(np.float32)
_B = (_A + rng.standard_normal((4, 5)).astype(np.float32) * 1e-5).astype(np.float32)

CASES = [
    # (actual, expected, kwargs)
    (T([1., 2., 3.]), T([1., 2., 3.]), {}),
    (T([1., 2., 3.]), T([1., 2.5, 3.]), {}),
    (T([1., 2., 3.]), T([1., 2. + 1e-6, 3.]), {}),
    (T([1., 2., 3.]), T([1., 2.0001, 3.]), {}),
    (T([1., 2., 3.]), T([1., 2.0001, 3.]), {"rtol": 1e-3, "atol": 0.0}),
    (T([1., 2., 3.]), T([1., 2.1, 3.]), {"rtol": 0.0, "atol": 0.0}),
    (T([0., 1.]), T([1e-4, 0.]), {}),
    (T([nan, 1.]), T([nan, 1.]), {}),
    (T([nan, 1.]), T([nan, 1.]), {"equal_nan": True}),
    (T([nan, 1.]), T([1., 1.]), {}),
    (T([1., 1.]), T([nan, 1.]), {}),
    (T([inf, -inf]), T([inf, -inf]), {}),
    (T([inf, 1.]), T([-inf, 1.]), {}),
    (T([inf, 1.]), T([1., 1.]), {}),
    (T(_A.tolist()), T(_B.tolist()), {}),
    (T(_A.tolist()), T((_A * 1.01).tolist()), {}),
    (T([1., 2.], "float16"), T([1.001, 2.], "float16"), {}),
    (T([1., 2.], "float16"), T([1.01, 2.], "float16"), {}),
    (T([1., 2.], "bfloat16"), T([1.0078125, 2.], "bfloat16"), {}),
    (T([1., 2.], "bfloat16"), T([1.1, 2.], "bfloat16"), {}),
    (T([1., 2.], "float64"), T([1. + 1e-8, 2.], "float64"), {}),
    (T([1., 2.], "float64"), T([1. + 1e-6, 2.], "float64"), {}),
    (T([1, 2, 3], "int64"), T([1, 2, 3], "int64"), {}),
    (T([1, 2, 3], "int64"), T([1, 5, 3], "int64"), {}),
    (T([0, 2, -3], "int32"), T([1, 2, 3], "int32"), {}),
    (T([0, 200], "uint8"), T([1, 100], "uint8"), {}),
    (T([-128, 5], "int8"), T([127, 5], "int8"), {}),
    (T([True, False], "bool"), T([True, True], "bool"), {}),
    (T([1 + 1j, 2j], "complex64"), T([1 + 1j, 2j], "complex64"), {}),
    (T([1 + 1j, 2j], "complex64"), T([1 + 1.5j, 2j], "complex64"), {}),
    (T([1 + 1j, 2j], "complex128"), T([1 + 1j, 2.1j], "complex128"), {}),
    (T([1., 2.]), T([1., 2.], "float64"), {}),
    (T([1., 2.]), T([1., 2.], "float64"), {"check_dtype": False}),
    (T([1, 2], "int64"), T([1., 2.5]), {"check_dtype": False}),
    (T([1., 2.]), T([1., 2., 3.]), {}),
    (T([[1., 2.]]), T([1., 2.]), {}),
    (T(1.), T(1.), {}),
    (T(1.), T(2.), {}),
    (T(0.), T(1e-3), {}),
    (T(3, "int64"), T(4, "int64"), {}),
    (T([1., 2.]), T([1., 2.]), {"rtol": 1e-3}),
    (T([1., 2.]), T([1., 2.]), {"atol": 1e-3}),
    (T([[1., 2.], [3., 4.]], t=True), T([[1., 3.], [2., 4.]]), {}),
    (T([[1., 2.], [3., 4.]], t=True), T([[1., 3.], [2., 4.]]), {"check_stride": True}),
    (T([1., 2., 3.]), T([1., 2.5, 3.]), {"msg": "custom message"}),
    (T([1., 2., 3.]), T([1., 2.5, 3.]), {"msg": lambda m: f"Header\n\n{m}\n\nFooter"}),
    (1, 1, {}),
    (1, 2, {}),
    (1, 1.0, {}),
    (1, 1.0, {"check_dtype": False}),
    (1.0, 1.0 + 1e-8, {}),
    (1.0, 1.0 + 1e-6, {}),
    (1.0, 0.0, {}),
    (nan, nan, {}),
    (nan, nan, {"equal_nan": True}),
    (inf, inf, {}),
    (1 + 2j, 1 + 2.5j, {}),
    (np.float32(1.0), np.float32(1.5), {}),
    (True, True, {}),
    (True, False, {}),
    (None, None, {}),
    (None, 1, {}),
    (1, None, {}),
    ("abc", "abc", {}),
    (T([1.]), 1, {}),
    (T([1.]), N([1.]), {}),
    (N([1., 2.]), N([1., 2.]), {}),
    (N([1., 2.]), N([1., 3.]), {}),
    (N([1, 2], "int64"), N([1., 2.], "float64"), {}),
    ([1, 2, 3], [1, 2, 3], {}),
    ([1, 2, 3], (1, 2, 4), {}),
    ([1, 2], [1, 2, 3], {}),
    ([T([1., 2.]), T([3.])], [T([1., 2.]), T([3.5])], {}),
    ([T([1., 2.]), [T([3.]), 4]], [T([1., 2.]), [T([3.]), 5]], {}),
    ({"a": T([1.]), "b": 2}, {"a": T([1.]), "b": 2}, {}),
    ({"a": T([1.]), "b": 2}, {"a": T([1.5]), "b": 2}, {}),
    ({"a": T([1.]), "b": 2}, {"a": T([1.]), "c": 2}, {}),
    ({"a": [T([1.]), {"x": 1.0}]}, {"a": [T([1.]), {"x": 1.5}]}, {}),
    ([T([1.]), T([2.])], [T([1.5]), T([2.5])], {"msg": "first failure only"}),
]


def _outcome(fn, lib, actual, expected, kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(build(actual, lib), build(expected, lib), **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception class is part of what is compared
        return type(e), str(e).replace("numtorch._tensor.Tensor", "torch.Tensor")
    return None, None


@pytest.mark.parametrize("case", range(len(CASES)))
def test_assert_close_matches_torch(case):
    actual, expected, kwargs = CASES[case]
    want = _outcome(torch.testing.assert_close, torch, actual, expected, kwargs)
    got = _outcome(ntt.assert_close, nt, actual, expected, kwargs)
    assert got == want


def test_table_covers_both_outcomes():
    outcomes = [_outcome(torch.testing.assert_close, torch, a, e, k)[0] for a, e, k in CASES]
    assert {None, AssertionError, TypeError, ValueError} <= set(outcomes)


@pytest.mark.parametrize("actual,expected,kwargs", [
    (T([1., 2.]), T([1.00001, 2.]), {}),
    (T([1., 2.]), T([1.01, 2.]), {}),
    ([1., 2.], [1., 2.0001], {}),
    (T([nan, 1.]), T([nan, 1.]), {}),
    (T([1, 2], "int64"), T([1., 2.]), {}),
    (T([1., 2.], "float16"), T([1.002, 2.], "float16"), {"msg": "mine"}),
])
def test_assert_allclose_matches_torch(actual, expected, kwargs):
    want = _outcome(torch.testing.assert_allclose, torch, actual, expected, kwargs)
    got = _outcome(ntt.assert_allclose, nt, actual, expected, kwargs)
    assert got == want
    with pytest.warns(FutureWarning, match="assert_allclose"):
        ntt.assert_allclose(build(actual, nt), build(actual, nt))


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_make_tensor_ranges_match_torch(dtype):
    nt.manual_seed(0)
    torch.manual_seed(0)
    a = ntt.make_tensor(4000, dtype=getattr(nt, dtype), device="cpu")
    b = torch.testing.make_tensor(4000, dtype=getattr(torch, dtype), device="cpu")
    assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
    x, y = (t.float().numpy() if dtype == "bfloat16" else t.numpy() for t in (a, b))
    if dtype in ("complex64", "complex128"):
        x, y = np.concatenate([x.real, x.imag]), np.concatenate([y.real, y.imag])
    if x.dtype.kind in "biu":   # every integer of the range is drawn from 4000 samples in both
        assert set(np.unique(x).tolist()) == set(np.unique(y).tolist())
    else:                       # the same interval [-9, 9), nearly filled
        assert x.min() >= -9 and x.max() < 9 and x.min() < -8.9 and x.max() > 8.9
        assert y.min() >= -9 and y.max() < 9


@pytest.mark.parametrize("kwargs", [
    {"low": 2, "high": 5}, {"low": -1.5, "high": 0.5}, {"low": 250, "high": 1000}, {"low": -1000, "high": 5},
])
@pytest.mark.parametrize("dtype", ["uint8", "int16", "float32", "float64"])
def test_make_tensor_low_high_match_torch(dtype, kwargs):
    a = ntt.make_tensor(2000, dtype=getattr(nt, dtype), device="cpu", **kwargs).numpy()
    b = torch.testing.make_tensor(2000, dtype=getattr(torch, dtype), device="cpu", **kwargs).numpy()
    if a.dtype.kind in "iu":
        assert set(np.unique(a).tolist()) == set(np.unique(b).tolist())
    else:
        assert a.min() >= kwargs["low"] and a.max() < kwargs["high"]
        assert math.floor(a.min()) == math.floor(b.min()) and math.ceil(a.max()) == math.ceil(b.max())


@pytest.mark.parametrize("shape,kwargs", [
    ((2, 3), {}), (((2, 3),), {}), (([4, 5],), {"noncontiguous": True}), ((1,), {"noncontiguous": True}),
    ((3, 4), {"requires_grad": True}), ((2, 3, 4, 5), {"memory_format": "contiguous_format"}),
    ((50,), {"exclude_zero": True, "low": 0, "high": 2}),
])
def test_make_tensor_attributes_match_torch(shape, kwargs):
    def make(lib, fn):
        kw = dict(kwargs)
        if "memory_format" in kw:
            kw["memory_format"] = getattr(lib, kw["memory_format"])
        dtype = lib.int64 if kw.get("exclude_zero") else lib.float32
        return fn(*shape, dtype=dtype, device="cpu", **kw)
    a, b = make(nt, ntt.make_tensor), make(torch, torch.testing.make_tensor)
    assert tuple(a.shape) == tuple(b.shape)
    assert a.is_contiguous() == b.is_contiguous() and a.requires_grad == b.requires_grad
    assert a.stride() == b.stride()
    if kwargs.get("exclude_zero"):
        assert (a.numpy() != 0).all() and set(np.unique(a.numpy()).tolist()) == set(np.unique(b.numpy()).tolist())


@pytest.mark.parametrize("kwargs", [
    {"dtype": "int64", "requires_grad": True}, {"dtype": "float32", "low": 3, "high": 1},
    {"dtype": "float32", "low": nan}, {"dtype": "uint8", "low": -20, "high": -10},
    {"dtype": "float32", "noncontiguous": True, "memory_format": "contiguous_format"},
])
def test_make_tensor_errors_match_torch(kwargs):
    def run(lib, fn):
        kw = dict(kwargs)
        kw["dtype"] = getattr(lib, kw["dtype"])
        if "memory_format" in kw:
            kw["memory_format"] = getattr(lib, kw["memory_format"])
        try:
            fn(3, 4, device="cpu", **kw)
        except Exception as e:  # noqa: BLE001
            return type(e), str(e)
    assert run(nt, ntt.make_tensor) == run(torch, torch.testing.make_tensor) != None  # noqa: E711


def test_reachable_after_import_like_torch():
    import subprocess
    import sys
    code = "import {0}; print(hasattr({0}.testing, 'assert_close'))"
    r = [subprocess.run([sys.executable, "-c", code.format(m)], capture_output=True, text=True).stdout.strip()
         for m in ("torch", "numtorch")]
    assert r[0] == r[1] == "True"
    with pytest.raises(AttributeError, match="torch.testing.FileCheck"):
        ntt.FileCheck
