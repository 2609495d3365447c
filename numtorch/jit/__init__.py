"""``torch.jit``: ``trace`` records the module's Function applications once (``numtorch.jit._trace``, the
tracer ``torch.onnx.export`` uses) and returns a module that replays that graph on new inputs, with
``.graph`` and ``.code`` to read; ``save``/``load`` write and read traced modules in numtorch's own
format (a zip holding the pickled graph and weights; not TorchScript, which numtorch can neither write nor
read).  ``script`` returns the module or function itself, run eagerly, as PyTorch with ``PYTORCH_JIT=0``;
the decorators return what they decorate."""
import contextlib as _contextlib
import typing as _typing

from . import annotations
from ._trace import TracerWarning
from . import _traced
from ._traced import TracedModule, ScriptModule, ScriptFunction

__all__ = ["Attribute", "CompilationUnit", "Error", "Future", "ScriptFunction", "ScriptModule", "annotate",
           "enable_onednn_fusion", "export", "export_opnames", "fork", "freeze", "interface", "ignore",
           "isinstance", "load", "onednn_fusion_enabled", "optimize_for_inference", "save", "script",
           "script_if_tracing", "set_fusion_strategy", "strict_fusion", "trace", "trace_module", "unused", "wait"]

_isinstance = isinstance
Final = _typing.Final


class Error(RuntimeError):
    """``torch.jit.Error``."""


class CompilationUnit:
    def __init__(self, lang=None, _frames_up=0):
        raise RuntimeError("numtorch has no 'torch.jit.CompilationUnit': there is no TorchScript compiler")


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``obj`` itself (a module, function or class), run eagerly, as with ``PYTORCH_JIT=0``."""
    return obj


def script_if_tracing(fn):
    return fn


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Run ``func`` once on ``example_inputs`` and return a module (``TracedModule``) or function that
    replays the recorded operations on new inputs (Python control flow baked in; the batch size, dim 0,
    may change where the program allows it)."""
    return _traced.trace(func, example_inputs, example_kwarg_inputs)


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """``trace`` of ``mod.forward`` (only the ``forward`` entry of ``inputs`` is traced)."""
    if set(inputs) - {"forward"}:
        raise RuntimeError("numtorch's trace_module traces only 'forward'")
    return _traced.trace(mod, inputs["forward"], None)


def _decorator(fn=None, **kwargs):
    if fn is None or not callable(fn):   # ``@torch.jit.ignore(drop=True)``
        return lambda f: f
    return fn


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore`` / ``@torch.jit.ignore(drop=True)``: the function unchanged."""
    return drop if callable(drop) else (lambda fn: fn)


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def _overload(func):
    return func


def _overload_method(func):
    return func


def is_scripting():
    """False: code never runs under TorchScript here."""
    return False


def is_tracing():
    """True while numtorch's tracer records a program (``jit.trace``, ``onnx.export``)."""
    from ._trace import is_tracing as _t
    return _t()


def annotate(the_type, the_value):
    return the_value


def Attribute(value, type):  # noqa: A002  (PyTorch's signature)
    return value


def isinstance(obj, target_type):  # noqa: A001
    origin = _typing.get_origin(target_type)
    return _isinstance(obj, origin if origin is not None else target_type)


class Future:
    """``torch.jit.Future`` of an eagerly computed value."""

    def __init__(self, value=None):
        self._value = value

    def wait(self):
        return self._value

    def value(self):
        return self._value

    def done(self):
        return True


def fork(func, *args, **kwargs):
    """Runs ``func`` now; ``wait`` returns its result."""
    return Future(func(*args, **kwargs))


def wait(future):
    return future.wait()


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


_fusion_strategy = [("STATIC", 2), ("DYNAMIC", 10)]


def set_fusion_strategy(strategy):
    global _fusion_strategy
    old, _fusion_strategy = _fusion_strategy, strategy
    return old


_onednn = False


def enable_onednn_fusion(enabled):
    global _onednn
    _onednn = bool(enabled)


def onednn_fusion_enabled():
    return _onednn


class strict_fusion:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def export_opnames(m):
    raise RuntimeError("numtorch has no 'torch.jit.export_opnames': there is no TorchScript")


def save(m, f, _extra_files=None):
    """Write a traced module (``torch.jit.trace``'s result) to ``f`` in numtorch's own format (not
    TorchScript: PyTorch cannot read it, and it holds pickled Python, so load only files you trust)."""
    _traced.save(m, f)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False, **kwargs):
    """Read a traced module written by numtorch's ``torch.jit.save``; a TorchScript archive from PyTorch is
    refused (numtorch cannot run TorchScript)."""
    return _traced.load(f)


@_contextlib.contextmanager
def optimized_execution(should_optimize):
    yield


@_contextlib.contextmanager
def fuser(name):
    yield
