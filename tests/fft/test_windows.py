"""Window functions (torch.*_window and torch.signal.windows) against PyTorch: values, dtypes, edge lengths,
argument checks with PyTorch's exception classes and messages, and gradients of the composed signal windows."""
import pytest

from conftest import torch, to_torch, assert_close

import numtorch as nt
import numtorch.signal.windows as nw
import torch.signal.windows as tw

ATEN = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]
DTYPES = ["float32", "float64", "float16", "bfloat16"]


def _raises_same(fn_t, fn_n):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(type(et.value)) as en:
        fn_n()
    assert str(en.value) == str(et.value)


@pytest.mark.parametrize("name", ATEN)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 8, 33, 128])
@pytest.mark.parametrize("periodic", [True, False])
def test_aten_window_values(name, dtype, n, periodic):
    want = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype))
    got = getattr(nt, name)(n, periodic, dtype=getattr(nt, dtype))
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == "float64" else dict(rtol=2e-6, atol=1e-6) if dtype == "float32" \
        else dict(rtol=0, atol=0)   # half precision: the same rounding at every step
    assert_close(got, want, **tol)


@pytest.mark.parametrize("name", ATEN)
def test_aten_window_defaults_and_flags(name):
    assert_close(getattr(nt, name)(10), getattr(torch, name)(10), rtol=2e-6, atol=1e-6)
    nt.set_default_dtype(nt.float64)
    try:
        assert_close(getattr(nt, name)(7), getattr(torch, name)(7, dtype=torch.float64))
    finally:
        nt.set_default_dtype(nt.float32)
    w = getattr(nt, name)(5, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None


@pytest.mark.parametrize("args", [(7, True, 0.3), (7, False, 0.3, 0.2), (6, True, 0.54, 0.46), (1, False, 2.0)])
def test_hamming_alpha_beta(args):
    assert_close(nt.hamming_window(*args), torch.hamming_window(*args), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("args", [(7, True, 3.0), (8, False, 0.0), (16, True, 20.5)])
def test_kaiser_beta(args):
    assert_close(nt.kaiser_window(*args), torch.kaiser_window(*args), rtol=2e-6, atol=1e-7)
    assert_close(nt.kaiser_window(*args, dtype=nt.float64), torch.kaiser_window(*args, dtype=torch.float64),
                 rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ATEN)
@pytest.mark.parametrize("call", ["neg", "int64", "int32", "bool", "uint8", "complex", "sparse", "float_len",
                                  "int_rg"])
def test_aten_window_errors(name, call):
    def make(lib):
        fn = getattr(lib, name)
        return {"neg": lambda: fn(-1), "int64": lambda: fn(3, dtype=lib.int64),
                "int32": lambda: fn(3, dtype=lib.int32), "bool": lambda: fn(3, dtype=lib.bool),
                "uint8": lambda: fn(3, dtype=lib.uint8), "complex": lambda: fn(3, dtype=lib.complex64),
                "sparse": lambda: fn(3, layout=lib.sparse_coo if lib is torch else "torch.sparse_coo"),
                "float_len": lambda: fn(3.0),
                "int_rg": lambda: fn(3, dtype=lib.int64, requires_grad=True)}[call]
    _raises_same(make(torch), make(nt))


# ---------------------------------------------------------------- torch.signal.windows

SIGNAL = list(tw.__all__)


def _kw(name):
    return {"general_cosine": {"a": [0.4, 0.35, 0.25]}, "general_hamming": {"alpha": 0.6},
            "exponential": {"tau": 2.5}, "gaussian": {"std": 1.7}, "kaiser": {"beta": 5.0}}.get(name, {})


def test_signal_all():
    assert nw.__all__ == tw.__all__
    assert nt.signal.__all__ == ["windows"]


@pytest.mark.parametrize("name", SIGNAL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8, 31])
@pytest.mark.parametrize("sym", [True, False])
def test_signal_window_values(name, dtype, n, sym):
    want = getattr(tw, name)(n, sym=sym, dtype=getattr(torch, dtype), **_kw(name))
    got = getattr(nw, name)(n, sym=sym, dtype=getattr(nt, dtype), **_kw(name))
    assert_close(got, want, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6 if dtype == "float32" else 1e-14)


@pytest.mark.parametrize("name", [n for n in SIGNAL if n != "general_cosine"])   # its `a` is required: see errors
def test_signal_window_default_args(name):
    assert_close(getattr(nw, name)(9), getattr(tw, name)(9), rtol=1e-5, atol=1e-6)


def test_exponential_center():
    assert_close(nw.exponential(8, center=2.0, sym=False, dtype=nt.float64),
                 tw.exponential(8, center=2.0, sym=False, dtype=torch.float64))


@pytest.mark.parametrize("name", ["exponential", "gaussian", "kaiser", "general_cosine", "bartlett", "cosine"])
def test_signal_window_grad(name):
    """requires_grad=True gives a window with a graph back to its sample points, as PyTorch's."""
    w_t = getattr(tw, name)(6, dtype=torch.float64, requires_grad=True, **_kw(name))
    w_n = getattr(nw, name)(6, dtype=nt.float64, requires_grad=True, **_kw(name))
    assert w_n.requires_grad == w_t.requires_grad
    assert (w_n.grad_fn is None) == (w_t.grad_fn is None)
    assert_close(w_n.detach(), w_t.detach(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", [
    ("hann", (-1,), {}), ("hann", (3,), {"dtype": "int64"}), ("kaiser", (3,), {"dtype": "float16"}),
    ("hann", (3,), {"layout": "sparse"}), ("exponential", (3,), {"tau": 0}), ("exponential", (3,), {"center": 1.0}),
    ("gaussian", (3,), {"std": -1.0}), ("kaiser", (3,), {"beta": -1.0}), ("general_cosine", (3,), {"a": 1.0}),
    ("general_cosine", (3,), {"a": []}), ("general_cosine", (3,), {}), ("bartlett", (-2,), {}),
    ("blackman", (4,), {"dtype": "int32"}), ("cosine", (-5,), {}), ("nuttall", (2,), {"dtype": "bfloat16"}),
])
def test_signal_window_errors(case):
    name, args, kw = case

    def conv(lib, kw):
        out = dict(kw)
        if "dtype" in out:
            out["dtype"] = getattr(lib, out["dtype"])
        if "layout" in out:
            out["layout"] = torch.sparse_coo if lib is torch else "torch.sparse_coo"
        return out
    _raises_same(lambda: getattr(tw, name)(*args, **conv(torch, kw)), lambda: getattr(nw, name)(*args, **conv(nt, kw)))


def test_signal_under_torch_import_names():
    import importlib
    import sys
    from numtorch import _shim
    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k == "torch" or k.startswith("torch.")}
    _shim.install()
    try:
        m = importlib.import_module("torch.signal.windows")
        assert m is nw
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _shim.TorchAliasFinder)]
        for k in [k for k in sys.modules if k == "torch" or k.startswith("torch.")]:
            del sys.modules[k]
        sys.modules.update(saved)
