"""Runs one source text under torch and under numtorch (``import torch`` served by numtorch, as under
``numtorch run``) and returns what each printed and its globals."""
import contextlib
import importlib
import io
import sys

import pytest

import numtorch as nt
from conftest import torch


@contextlib.contextmanager
def _torch_is_numtorch():
    """``import torch`` / ``from torch.fx import X`` give numtorch's modules (as under ``numtorch run``) inside."""
    from numtorch import _shim
    is_torch = lambda k: k == "torch" or k.startswith("torch.")  # noqa: E731
    saved = {k: v for k, v in sys.modules.items() if is_torch(k)}
    for k in saved:
        del sys.modules[k]
    finder = _shim.TorchAliasFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield importlib.import_module("torch")
    finally:
        sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if is_torch(k)]:
            del sys.modules[k]
        sys.modules.update(saved)


def _run(src, lib):
    buf = io.StringIO()
    ctx = _torch_is_numtorch() if lib is nt else contextlib.nullcontext(torch)
    with ctx as served, contextlib.redirect_stdout(buf):
        ns = {"torch": served, "__name__": "snippet"}
        exec(compile(src, "<snippet>", "exec"), ns)
    return buf.getvalue(), ns


@pytest.fixture(autouse=True)
def _no_wrappers_left():
    """Proxies built outside a trace keep numtorch's functions wrapped while they live; none may outlive a test."""
    yield
    import gc
    from numtorch.fx import _patch
    gc.collect()
    assert _patch._depth == 0
    assert not hasattr(nt.add, "_fx_original")


def _both(src):
    return _run(src, torch), _run(src, nt)


