"""``torch._dynamo``: the few entry points scripts touch (``config``, ``reset``, ``disable``,
``is_compiling``, ``allow_in_graph``, ``mark_dynamic``, ``OptimizedModule``). numtorch runs every model
eagerly, so they change nothing."""
from . import config, eval_frame
from .eval_frame import OptimizedModule
from ..compiler import reset, disable, allow_in_graph, is_compiling, assume_constant_result, list_backends


def optimize(backend="inductor", *, nopython=False, guard_export_fn=None, guard_fail_fn=None, disable=False,
             dynamic=None):
    """``torch._dynamo.optimize(...)(fn)``: ``fn`` itself (no compiler here)."""
    return lambda fn: fn


def mark_dynamic(t, index, *, min=None, max=None):
    pass


def maybe_mark_dynamic(t, index):
    pass


def mark_static(t, index=None):
    pass


def mark_static_address(t, guard=True):
    pass


def disallow_in_graph(fn):
    return fn


def graph_break():
    pass


def is_dynamo_supported():
    return False


def is_inductor_supported():
    return False


def explain(f, *extra_args, **extra_kwargs):
    raise RuntimeError("numtorch has no 'torch._dynamo.explain': there is no compiler (models run eagerly)")


def export(f, *extra_args, **extra_kwargs):
    raise RuntimeError("numtorch has no 'torch._dynamo.export': there is no compiler (models run eagerly)")


__all__ = ["config", "eval_frame", "OptimizedModule", "reset", "disable", "allow_in_graph", "is_compiling",
           "assume_constant_result", "list_backends", "optimize", "mark_dynamic", "maybe_mark_dynamic",
           "mark_static", "mark_static_address", "disallow_in_graph", "graph_break", "is_dynamo_supported",
           "is_inductor_supported", "explain", "export"]
