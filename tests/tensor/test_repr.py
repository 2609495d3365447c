"""``repr``/``str`` of tensors compared character for character with PyTorch's."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch

R = np.random.default_rng(0)

ARRAYS = {
    "ints": np.array([1, 2, 3]),
    "neg_ints": np.array([[-1, 20, 300], [4000, -5, 6]]),
    "big_ints": np.array([123456789012, -3]),
    "int32": np.array([1, -2, 3], np.int32),
    "uint8": np.array([[1, 255], [0, 7]], np.uint8),
    "bool": np.array([True, False, True]),
    "bool2d": np.array([[True], [False]]),
    "float": R.standard_normal((3, 4)).astype(np.float32),
    "float64": R.standard_normal((2, 3)),
    "float16": np.array([0.5, 1.25, -3.0], np.float16),
    "int_valued": np.array([1.0, 2.0, -3.0], np.float32),
    "int_valued_big": np.array([1.0, 2.0e4], np.float32),
    "int_valued_sci": np.array([1.0, 2.0e9], np.float32),
    "int_valued_ratio": np.array([1.0, 2000.0], np.float32),
    "sci_small": np.array([1e-5, 1.0], np.float32),
    "sci_small_only": np.array([1e-5, 2e-5], np.float32),
    "sci_big": np.array([1e10, 1.5], np.float32),
    "sci_ratio": np.array([0.001, 1.5, 20.0], np.float32),
    "no_sci": np.array([0.01, 1.5, 9.99], np.float32),
    "large_fixed": np.array([12345.678, 0.5], np.float32),
    "nan_inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
    "nan_int_valued": np.array([np.nan, 2.0, 3.0], np.float32),
    "all_nan": np.array([np.nan, np.nan], np.float32),
    "inf_only": np.array([np.inf, -np.inf], np.float32),
    "zeros": np.zeros((2, 3), np.float32),
    "neg_zero": np.array([-0.0, 1.0], np.float32),
    "tiny_and_zero": np.array([0.0, 1e-8], np.float32),
    "scalar": np.array(3.14159, np.float32),
    "scalar_int": np.array(7),
    "scalar_f64": np.array(-2.5),
    "scalar_intval": np.array(2.0, np.float32),
    "scalar_sci": np.array(1e-7, np.float32),
    "empty": np.zeros((0,), np.float32),
    "empty2d": np.zeros((0, 3), np.float32),
    "empty3d": np.zeros((2, 0, 3), np.float32),
    "empty_int": np.zeros((0,), np.int64),
    "empty_f64": np.zeros((0, 2)),
    "empty_int32": np.zeros((3, 0), np.int32),
    "wide": R.standard_normal(20).astype(np.float32),
    "wide2d": R.standard_normal((3, 30)).astype(np.float32),
    "wide_ints": np.arange(40) * 1001,
    "wide_sci": (R.standard_normal(15) * 1e-6).astype(np.float32),
    "summ_1d": R.standard_normal(2000).astype(np.float32),
    "summ_2d": R.standard_normal((40, 40)).astype(np.float32),
    "summ_3d": R.standard_normal((10, 10, 20)).astype(np.float32),
    "summ_ints": np.arange(2000),
    "summ_f64": R.standard_normal((1001,)),
    "summ_narrow": R.standard_normal((1000, 2)).astype(np.float32),
    "threshold_exact": R.standard_normal(1000).astype(np.float32),
    "4d": R.standard_normal((2, 2, 2, 2)).astype(np.float32),
    "mixed_range": np.array([1e-3, 5e2], np.float32),
    "hundreds": np.array([123.456, -7.0], np.float32),
    "e8": np.array([1e8, 1.0], np.float32),
    "e8_nonint": np.array([1.5e8, 1.5], np.float32),
}


@pytest.mark.parametrize("name", list(ARRAYS))
def test_repr_matches_torch(name):
    a = ARRAYS[name]
    t, n = torch.from_numpy(a.copy()), nt.from_numpy(a.copy())
    assert repr(n) == repr(t)
    assert str(n) == str(t)


@pytest.mark.parametrize("name", ["float", "scalar", "wide", "summ_2d", "float64", "empty", "empty2d", "sci_small"])
def test_repr_requires_grad_and_grad_fn(name):
    a = ARRAYS[name].astype(np.float64 if name == "float64" else np.float32)
    t = torch.tensor(a, requires_grad=True)
    n = nt.tensor(a, requires_grad=True)
    assert repr(n) == repr(t)
    for f in (lambda x: x * 2, lambda x: x.sum(), lambda x: (x - 1) ** 2, lambda x: x.exp().mean(),
              lambda x: x[..., None] if x.ndim else x + 1):
        assert repr(f(n)) == repr(f(t))


def test_repr_suffix_wraps_onto_new_line():
    # a row that ends near the line limit pushes dtype/grad_fn onto the next line
    for width in range(4, 12):
        a = np.round(R.standard_normal(width) * 10, 4).astype(np.float64)
        t, n = torch.tensor(a, requires_grad=True), nt.tensor(a, requires_grad=True)
        assert repr(n * 3) == repr(t * 3)
        assert repr(n) == repr(t)
        a32 = a.astype(np.float32)
        t, n = torch.tensor(a32, requires_grad=True), nt.tensor(a32, requires_grad=True)
        assert repr(nt.nn.functional.softmax(n, 0)) == repr(torch.nn.functional.softmax(t, 0))


def test_repr_loss_like_seed():
    x = np.array([[0.02, 0.03], [0.01, 0.0]], np.float32)
    n = nt.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    assert repr(nt.nn.functional.mse_loss(n, n * 0)) == repr(torch.nn.functional.mse_loss(t, t * 0))
    assert repr((n * n).mean()) == repr((t * t).mean())


def test_repr_parameter():
    a = R.standard_normal((2, 3)).astype(np.float32)
    assert repr(nt.nn.Parameter(nt.tensor(a))) == repr(torch.nn.Parameter(torch.tensor(a)))
    assert repr(nt.nn.Parameter(nt.tensor(a), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.tensor(a), requires_grad=False))


def test_repr_non_contiguous_and_views():
    a = R.standard_normal((3, 4)).astype(np.float32)
    assert repr(nt.tensor(a).t()) == repr(torch.tensor(a).t())
    assert repr(nt.tensor(a)[:, ::2]) == repr(torch.tensor(a)[:, ::2])


def test_set_printoptions_precision():
    a = R.standard_normal(5).astype(np.float32)
    try:
        for kw in [dict(precision=2), dict(precision=6), dict(sci_mode=True), dict(sci_mode=False),
                   dict(threshold=3, edgeitems=1), dict(linewidth=40)]:
            nt.set_printoptions(**kw)
            torch.set_printoptions(**kw)
            for arr in (a, ARRAYS["sci_small"], ARRAYS["wide2d"], ARRAYS["int_valued"]):
                assert repr(nt.tensor(arr)) == repr(torch.tensor(arr))
    finally:
        nt.set_printoptions(profile="default", sci_mode=None)
        torch.set_printoptions(profile="default", sci_mode=None)


def test_format_and_str_of_0d():
    n, t = nt.tensor(2.5), torch.tensor(2.5)
    assert f"{n:.3f}" == f"{t:.3f}"
    assert str(n) == str(t)
    assert repr(n.dtype) == repr(t.dtype) and str(nt.float64) == str(torch.float64)
    assert repr(n.shape) == repr(t.shape) and str(nt.zeros(2, 3).shape) == str(torch.zeros(2, 3).shape)
    assert repr(n.device) == repr(t.device) and str(n.device) == str(t.device)
