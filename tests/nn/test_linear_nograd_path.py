"""F.linear's no-graph fast path (arrays, one GEMM) pinned to its graph path and to PyTorch."""
import sys

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from numtorch.autograd.function import _add_apply_observer
from conftest import torch, assert_close

_lin = sys.modules["numtorch.nn.functional.linear"]   # (the package attribute `linear` is the function)

CASES = [((5, 4), True), ((2, 3, 4), True), ((2, 3, 4), False), ((2, 1, 3, 4), True), ((1, 1, 4), True),
         ((0, 4), True), ((5, 4), False)]


def _args(lib, shape, bias, dtype, seed=0, transposed=False):
    r = np.random.default_rng(seed)
    x = r.standard_normal(shape).astype(dtype)
    if transposed and len(shape) >= 3:
        x = np.ascontiguousarray(np.swapaxes(x, 0, 1)).swapaxes(0, 1)   # a non-contiguous input
    w = r.standard_normal((3, shape[-1])).astype(dtype)
    b = r.standard_normal(3).astype(dtype) if bias else None
    t = lib.from_numpy if lib is nt else torch.from_numpy
    return t(x), t(w), (t(b) if b is not None else None)


@pytest.fixture
def spy(monkeypatch):
    calls = []
    orig = _lin._linear_arrays

    def wrapped(*a):
        out = orig(*a)
        calls.append(out is not None)
        return out
    monkeypatch.setattr(_lin, "_linear_arrays", wrapped)
    return calls


@pytest.mark.parametrize("shape,bias", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transposed", [False, True])
def test_fast_path_equals_graph_path_and_torch(shape, bias, dtype, transposed, spy):
    x, w, b = _args(nt, shape, bias, dtype, transposed=transposed)
    with nt.no_grad():
        fast = F.linear(x, w, b)
    assert spy == [True]
    wg = w.detach().requires_grad_()
    ref = F.linear(x, wg, b)           # recorded: the graph path
    assert ref.grad_fn is not None and fast.grad_fn is None and not fast.requires_grad
    assert fast.shape == ref.shape and fast.dtype == ref.dtype
    tol = 1e-6 if dtype == "float32" else 1e-13
    np.testing.assert_allclose(fast.numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    tx, tw, tb = _args(torch, shape, bias, dtype, transposed=transposed)
    assert_close(fast, torch.nn.functional.linear(tx, tw, tb), rtol=tol * 10, atol=tol * 10)


def test_fast_path_without_grad_requirements(spy):
    # no tensor requires grad: nothing would be recorded even with grad mode on
    x, w, b = _args(nt, (2, 3, 4), True, "float32")
    y = F.linear(x, w, b)
    assert spy == [True] and y.grad_fn is None


def test_errors_come_from_the_graph_path(spy):
    x, w, b = _args(nt, (2, 3, 4), True, "float32")
    tx, tw, tb = _args(torch, (2, 3, 4), True, "float32")
    for args, targs in [((x, w[:, :3], b), (tx, tw[:, :3], tb)), ((x, w, b[:2]), (tx, tw, tb[:2])),
                        ((x.double(), w, b), (tx.double(), tw, tb))]:
        with nt.no_grad(), pytest.raises(RuntimeError) as got:
            F.linear(*args)
        with torch.no_grad(), pytest.raises(RuntimeError):
            torch.nn.functional.linear(*targs)
        assert got.type is RuntimeError
    assert True not in spy


def test_observed_apply_takes_the_graph_path(spy):
    """A profiler or tracer watching Function.apply sees linear's applications even under no_grad."""
    seen = []

    def obs(cls, args, kwargs, run):
        seen.append(cls.__name__)
        return run()
    h = _add_apply_observer(obs)
    try:
        x, w, b = _args(nt, (2, 3, 4), True, "float32")
        with nt.no_grad():
            F.linear(x, w, b)
    finally:
        h.remove()
    assert spy == [] and "_LinearAddmm" in seen
