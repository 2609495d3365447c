"""Complex dtypes, promotion, printing, conversions, creation and save/load against real torch."""
import io
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_torch, to_nt, assert_close

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"]


def test_dtype_objects_and_flags():
    for name in ["complex64", "complex128", "complex32", "cfloat", "cdouble", "chalf"]:
        a, b = getattr(nt, name), getattr(torch, name)
        assert repr(a) == repr(b)
        assert a.is_complex == b.is_complex and a.is_floating_point == b.is_floating_point
        assert a.is_signed == b.is_signed and a.itemsize == b.itemsize
    for name in ["float16", "bfloat16", "float32", "float64", "complex32", "complex64", "complex128"]:
        assert repr(getattr(nt, name).to_complex()) == repr(getattr(torch, name).to_complex())
        assert repr(getattr(nt, name).to_real()) == repr(getattr(torch, name).to_real())
    for name in ["int32", "bool"]:
        with pytest.raises(RuntimeError) as e:
            getattr(torch, name).to_complex()
        with pytest.raises(RuntimeError, match=str(e.value)):
            getattr(nt, name).to_complex()


def test_is_complex():
    x = nt.tensor([1 + 2j])
    assert x.is_complex() and nt.is_complex(x) and not x.is_floating_point()
    assert not nt.ones(2).is_complex() and not nt.is_complex(nt.ones(2))


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_inference_from_python_data(default):
    old = nt.get_default_dtype()
    try:
        nt.set_default_dtype(getattr(nt, default))
        torch.set_default_dtype(getattr(torch, default))
        for data in ([1 + 2j], 1j, [[1, 2.5], [3j, 4]], [True, 1j], [np.complex128(1j)]):
            assert repr(nt.tensor(data).dtype) == repr(torch.tensor(data).dtype), data
        assert repr(nt.full((2,), 1j).dtype) == repr(torch.full((2,), 1j).dtype)
        assert repr(nt.result_type(nt.ones(2, dtype=nt.int32), 1j)) == \
            repr(torch.result_type(torch.ones(2, dtype=torch.int32), 1j))
    finally:
        nt.set_default_dtype(old)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("a,b", [(a, b) for a in DTYPES for b in DTYPES if "complex" in a + b])
def test_promote_types_and_can_cast(a, b):
    assert repr(nt.promote_types(getattr(nt, a), getattr(nt, b))) == \
        repr(torch.promote_types(getattr(torch, a), getattr(torch, b)))
    assert nt.can_cast(getattr(nt, a), getattr(nt, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


def _make(lib, dtype, zero_dim):
    shape = () if zero_dim else (2,)
    return lib.ones(shape, dtype=getattr(lib, dtype))


@pytest.mark.parametrize("a,b", [(a, b) for a in ["int32", "int64", "bool", "float16", "float32", "float64",
                                                    "complex64", "complex128"]
                                  for b in ["complex64", "complex128", "float64", "float32"] if "complex" in a + b])
@pytest.mark.parametrize("dims", [(False, False), (False, True), (True, False)])
def test_tensor_tensor_promotion(a, b, dims):
    ta, tb = _make(torch, a, dims[0]), _make(torch, b, dims[1])
    na, nb = _make(nt, a, dims[0]), _make(nt, b, dims[1])
    want = torch.result_type(ta, tb)
    assert repr(nt.result_type(na, nb)) == repr(want)
    if want == torch.complex32:
        return
    assert repr((na + nb).dtype) == repr((ta + tb).dtype)
    assert repr((na * nb).dtype) == repr((ta * tb).dtype)


@pytest.mark.parametrize("a", ["bool", "uint8", "int32", "int64", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("scalar", [2j, 1.5, 3, True])
@pytest.mark.parametrize("zero_dim", [False, True])
def test_tensor_scalar_promotion(a, scalar, zero_dim):
    ta, na = _make(torch, a, zero_dim), _make(nt, a, zero_dim)
    assert repr(nt.result_type(na, scalar)) == repr(torch.result_type(ta, scalar))
    for op in (lambda x: x + scalar, lambda x: scalar * x, lambda x: x - scalar, lambda x: x / scalar):
        try:
            w = op(ta)
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match=str(e)[:40]):
                op(na)
            continue
        assert_close(op(na), w)


PRINT_CASES = [
    "torch.tensor([1+2j, 3-1j])",
    "torch.tensor([1+2j, 3-1j], dtype=torch.complex128)",
    "torch.tensor([1e-5+2j, 3e6-1j])",
    "torch.tensor([1.5+2j, 3-1j], requires_grad=True)",
    "torch.tensor(1+2j)",
    "torch.tensor(-1.5-2j, dtype=torch.complex128)",
    "torch.tensor([[1.25+2j, -3-1.5j], [0j, -0.0-0.0j]])",
    "torch.tensor([complex('nan'), complex(float('inf'), -1), 1j])",
    "torch.arange(2000, dtype=torch.float32).to(torch.complex64) * (1 + 1j)",
    "torch.arange(24.).reshape(2, 3, 4).to(torch.complex64) * (0.5 - 1j)",
    "torch.tensor([], dtype=torch.complex64)",
    "torch.tensor([], dtype=torch.complex128).reshape(0, 2)",
    "torch.tensor([1+2j] * 30)",
    "torch.tensor([1.123456+2.5e-9j, 3-1j])",
    "torch.ones(2, dtype=torch.complex128) * 1e10",
    "(torch.tensor([1+2j, 3j], requires_grad=True) * 2)",
]


@pytest.mark.parametrize("case", PRINT_CASES)
def test_printing(case):
    assert repr(eval(case, {"torch": nt})) == repr(eval(case, {"torch": torch}))


def test_printing_sci_mode_and_default_double():
    try:
        nt.set_printoptions(sci_mode=True)
        torch.set_printoptions(sci_mode=True)
        assert repr(nt.tensor([1 + 2j, 3j])) == repr(torch.tensor([1 + 2j, 3j]))
    finally:
        nt.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
    try:
        nt.set_default_dtype(nt.float64)
        torch.set_default_dtype(torch.float64)
        for case in ("torch.tensor([1+2j])", "torch.tensor([1+2j], dtype=torch.complex64)"):
            assert repr(eval(case, {"torch": nt})) == repr(eval(case, {"torch": torch}))
    finally:
        nt.set_default_dtype(nt.float32)
        torch.set_default_dtype(torch.float32)


def test_item_tolist_numpy():
    n, t = nt.tensor([[1 + 2j, 3 - 1j]]), torch.tensor([[1 + 2j, 3 - 1j]])
    assert n[0, 1].item() == t[0, 1].item() and type(n[0, 1].item()) is complex
    assert n.tolist() == t.tolist()
    assert n.numpy().dtype == t.numpy().dtype
    assert complex(n[0, 0]) == complex(t[0, 0])


_TORCH_CAST_WARNINGS = """
import warnings, torch
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    x = torch.tensor([1 + 2j])
    for d in (torch.float32, torch.int64, torch.float64):
        x.to(d)
print(repr([(c.category.__name__, str(c.message).split(" (Triggered")[0]) for c in w]))
"""


def test_complex_to_real_warns_once_as_torch():
    import subprocess
    import sys
    from numtorch._ops import conversion
    want = subprocess.run([sys.executable, "-c", _TORCH_CAST_WARNINGS], capture_output=True, text=True,
                          check=True).stdout.strip()
    saved = list(conversion._warned_imag)
    conversion._warned_imag.clear()
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            x = nt.tensor([1 + 2j])
            for d in (nt.float32, nt.int64, nt.float64):
                x.to(d)
        assert repr([(c.category.__name__, str(c.message)) for c in w]) == want
    finally:
        conversion._warned_imag[:] = saved or [True]


def test_casts():
    t = torch.tensor([1.5 + 2j, -3 - 1j])
    n = to_nt(t)
    for d in ["float32", "float64", "int64", "bool", "float16"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert_close(n.to(getattr(nt, d)), t.to(getattr(torch, d)))
    for d in ["complex64", "complex128"]:
        assert_close(nt.tensor([1, 2]).to(getattr(nt, d)), torch.tensor([1, 2]).to(getattr(torch, d)))
        assert_close(n.to(getattr(nt, d)), t.to(getattr(torch, d)))
    assert_close(n.cdouble(), t.cdouble())
    assert_close(nt.ones(2).cfloat(), torch.ones(2).cfloat())
    assert n.type() == t.type() and n.cdouble().type() == t.cdouble().type()
    assert_close(n.to(complex), t.to(complex))


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_creation(dtype):
    for f in ("zeros", "ones", "empty"):
        n, t = getattr(nt, f)(2, 3, dtype=getattr(nt, dtype)), getattr(torch, f)(2, 3, dtype=getattr(torch, dtype))
        assert repr(n.dtype) == repr(t.dtype) and n.shape == t.shape
        if f != "empty":
            assert_close(n, t)
    assert_close(nt.full((2,), 1 - 2j, dtype=getattr(nt, dtype)), torch.full((2,), 1 - 2j, dtype=getattr(torch, dtype)))
    assert_close(nt.zeros_like(nt.ones(2), dtype=getattr(nt, dtype)),
                 torch.zeros_like(torch.ones(2), dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape", [(3,), (5, 7), (40,)])
def test_random_bit_exact(dtype, shape):
    for f in ("randn", "rand"):
        torch.manual_seed(3)
        nt.manual_seed(3)
        t = getattr(torch, f)(*shape, dtype=getattr(torch, dtype))
        n = getattr(nt, f)(*shape, dtype=getattr(nt, dtype))
        assert repr(n.dtype) == repr(t.dtype)
        np.testing.assert_array_equal(n.numpy(), t.numpy())
    torch.manual_seed(4)
    nt.manual_seed(4)
    t = torch.empty(*shape, dtype=getattr(torch, dtype)).normal_(1.0, 2.0)
    n = nt.empty(*shape, dtype=getattr(nt, dtype)).normal_(1.0, 2.0)
    np.testing.assert_array_equal(n.numpy(), t.numpy())


def test_randn_complex_variance():
    nt.manual_seed(0)
    x = nt.randn(20000, dtype=nt.complex128).numpy()
    assert abs(x.real.var() - 0.5) < 0.03 and abs(x.imag.var() - 0.5) < 0.03


def test_complex32_is_a_dtype_that_cannot_be_computed():
    assert repr(nt.complex32) == "torch.complex32" and nt.chalf is nt.complex32
    with pytest.raises(RuntimeError, match="complex32"):
        nt.zeros(2, dtype=nt.complex32)
    with pytest.raises(RuntimeError, match="complex32"):
        nt.ones(2).to(nt.complex32)


def test_save_load_roundtrip_with_torch(tmp_path):
    t = {"a": torch.tensor([1 + 2j, 3 - 1j]), "b": torch.randn(2, 3, dtype=torch.complex128)}
    t["c"] = t["b"][:, 1:]
    torch.save(t, tmp_path / "t.pt")
    n = nt.load(tmp_path / "t.pt")
    for k in t:
        assert_close(n[k], t[k])
    nt.save(n, tmp_path / "n.pt")
    back = torch.load(tmp_path / "n.pt")
    for k in t:
        assert back[k].dtype == t[k].dtype
        assert torch.equal(back[k], t[k])
    assert back["a"].untyped_storage().nbytes() == t["a"].untyped_storage().nbytes()


BEHAVIOUR = [
    'lambda T: T.zeros(2).copy_(T.tensor([1+2j, 1]))',
    'lambda T: (lambda x: (x.__setitem__(0, 1j), x)[1])(T.zeros(2))',
    'lambda T: (lambda x: (x.__setitem__(0, T.tensor(1j)), x)[1])(T.zeros(2))',
    'lambda T: T.zeros(2).add_(1j)',
    'lambda T: T.zeros(2, dtype=T.complex64).add_(1j)',
    'lambda T: T.tensor(1+1j).is_nonzero()',
    'lambda T: T.tensor([1+1j, 2]).to(T.float64)',
    'lambda T: float(T.tensor(1+1j))',
    'lambda T: int(T.tensor(1+0j))',
    'lambda T: complex(T.tensor(1+2j))',
    'lambda T: bool(T.tensor(0j))',
    'lambda T: T.tensor([1+1j]).type()',
    'lambda T: T.tensor([1+2j]).element_size()',
    'lambda T: T.tensor([1+2j], dtype=T.complex128).real.dtype',
    'lambda T: T.tensor([1+2j]).real.stride()',
    'lambda T: T.view_as_real(T.tensor([1+2j, 3j])).stride()',
    'lambda T: T.tensor([[1+2j, 3j]]).T.conj().is_conj()',
    'lambda T: T.tensor([[1+2j, 3j]]).conj().T.is_conj()',
    'lambda T: T.tensor([[1+2j, 3j]]).mH.is_conj()',
    'lambda T: T.tensor([1+2j]).conj().conj().is_conj()',
    'lambda T: T.tensor([1.]).requires_grad_().to(T.complex64).grad_fn.name()',
    'lambda T: T.randn(2, dtype=T.cfloat).dtype',
    'lambda T: T.tensor([1+2j]).float().dtype',
    'lambda T: T.finfo(T.complex64).eps',
    'lambda T: T.tensor([1+2j]).sum(dtype=T.float32)',
    'lambda T: T.tensor([1+2j]).mean(dtype=T.float32)',
    'lambda T: T.tensor([1, 2]).to(T.complex64).dtype',
    'lambda T: T.tensor([1+2j]) == 1+2j',
    'lambda T: T.tensor([1+2j]) + T.tensor([True])',
    'lambda T: T.arange(3, dtype=T.complex64)',
    'lambda T: T.linspace(0, 1, 3, dtype=T.complex64)',
    'lambda T: T.eye(2, dtype=T.complex64)',
    'lambda T: T.tensor([1+2j]).abs_()',
    'lambda T: T.tensor([1+2j]).sqrt_()',
]


@pytest.mark.parametrize("case", BEHAVIOUR)
def test_behaviour_matches_torch(case):
    """Results (repr) or exception (class and message) of small complex programs, numtorch against torch."""
    out = []
    for lib in (torch, nt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out.append(repr(eval(case)(lib)))
            except Exception as e:   # noqa: BLE001 (the exception is the result compared)
                out.append(f"{type(e).__name__}: {e}")
    assert out[1] == out[0]
