"""Shared test helpers: real PyTorch is the oracle; numtorch is compared against it."""
import os
import sys

import numpy as np
import pytest

import numtorch as nt

torch = pytest.importorskip("torch", reason="PyTorch is the test oracle: pip install torch==2.13.0")

SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared")


def to_torch(t, requires_grad=None):
    """A torch copy of a numtorch tensor (same values and dtype)."""
    a = np.array(t._data if isinstance(t, nt.Tensor) else t, copy=True)
    if a.dtype.kind == "V":  # bfloat16 (ml_dtypes): same bits
        r = torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    else:
        r = torch.from_numpy(a)
    rg = t.requires_grad if requires_grad is None and isinstance(t, nt.Tensor) else bool(requires_grad)
    if rg:
        r.requires_grad_(True)
    return r


def to_nt(t, requires_grad=None):
    """A numtorch copy of a torch tensor."""
    if t.dtype == torch.bfloat16:  # same bits, as ml_dtypes' bfloat16
        a = t.detach().cpu().view(torch.int16).numpy().copy().view(nt.bfloat16.np)
    else:
        a = t.detach().cpu().resolve_conj().resolve_neg().numpy().copy()
    r = nt.from_numpy(a)
    rg = t.requires_grad if requires_grad is None else requires_grad
    if rg:
        r.requires_grad_(True)
    return r


def assert_close(got, want, rtol=1e-5, atol=1e-6, check_dtype=True):
    """Compare a numtorch result with a torch result: shape, dtype and values."""
    if want is None or got is None:
        assert got is None and want is None, f"one is None: got {got!r}, want {want!r}"
        return
    g = got._data if isinstance(got, nt.Tensor) else np.asarray(got)
    bf = isinstance(want, torch.Tensor) and want.dtype == torch.bfloat16
    w = (want.detach().cpu().float() if bf else want.detach().cpu().resolve_conj().resolve_neg()).numpy() \
        if isinstance(want, torch.Tensor) \
        else np.asarray(want)
    assert g.shape == w.shape, f"shape {g.shape} != {w.shape}"
    if check_dtype:
        wd = "bfloat16" if bf else str(w.dtype)
        assert str(g.dtype) == wd, f"dtype {g.dtype} != {wd}"
    wide = np.complex128 if g.dtype.kind == "c" or w.dtype.kind == "c" else np.float64   # keep imaginary parts
    np.testing.assert_allclose(g.astype(wide) if g.dtype != bool else g,
                               w.astype(wide) if w.dtype != bool else w,
                               rtol=rtol, atol=atol, equal_nan=True)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def import_torchvision():
    """Real torchvision, the oracle for its pure-Python parts (models, transforms, utils).

    The torchvision wheel's compiled operators (``torchvision._C``) do not load against the CPU-only torch
    used here, and torchvision then fails at import in ``_meta_registrations``, which registers fake kernels
    for those very operators. That module is replaced by an empty one: everything written in Python imports
    and runs; ``torchvision.ops`` kernels (nms, roi_align) still raise, so their tests compare with float64
    reference implementations instead.
    """
    import types
    tv = sys.modules.get("torchvision")
    if tv is not None and getattr(tv, "__file__", None) and "numtorch" not in tv.__file__:
        return tv
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    return pytest.importorskip("torchvision", reason="real torchvision is the oracle: pip install -e .[test]")
