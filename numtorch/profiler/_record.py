"""The event recorder behind ``torch.profiler`` and ``torch.autograd.profiler``.

Op timing has one entry point, ``_op_event(name, args)`` / ``_op_done(ev, out)``. While a profiler records,
the public functions of ``numtorch``, ``numtorch.nn.functional``, ``numtorch.linalg`` and the methods of
``Tensor`` (where every op a script or a backward formula calls goes through) are wrapped to call it, and
unwrapped when the last profiler stops, so nothing is paid when no profiler runs.
"""
import functools
import json
import os
import threading
import time

_state = threading.local()
_recorders = []          # active recorders (a profiler inside another records into both)
_patched = []            # (owner, name, original) restored at the end
_NO_WRAP = frozenset("""size dim ndimension numel shape dtype device is_floating_point is_complex is_contiguous
data_ptr element_size nelement requires_grad_ type type_as is_leaf grad grad_fn data tolist numpy item
__repr__ __str__ __format__ __len__ __iter__ __hash__ __bool__ __index__ __int__ __float__ __eq__ __ne__
__getattr__ __setattr__ __delattr__ __reduce__ __reduce_ex__ __deepcopy__ __copy__ __init__ __new__ __class__
__array__ __array_priority__ __dir__ __sizeof__ __init_subclass__ __subclasshook__ __contains__ __setstate__
__getstate__ share_memory_ is_shared storage untyped_storage get_device is_tensor is_storage typename
set_default_dtype get_default_dtype manual_seed seed initial_seed get_rng_state set_rng_state set_printoptions
no_grad enable_grad set_grad_enabled is_grad_enabled inference_mode is_inference_mode_enabled compile load save
set_num_threads get_num_threads use_deterministic_algorithms are_deterministic_algorithms_enabled""".split())


class _Event:
    __slots__ = ("id", "name", "start", "end", "shapes", "children_time", "mem", "child_mem", "parent",
                 "children", "thread", "stack", "is_user")

    def __init__(self, name, shapes, parent, is_user=False):
        self.name = name
        self.shapes = shapes
        self.parent = parent
        self.children = []
        self.children_time = 0
        self.mem = 0
        self.child_mem = 0
        self.thread = threading.get_ident()
        self.stack = ()
        self.is_user = is_user
        self.start = time.perf_counter_ns()


def _shapes(args):
    from .._tensor import Tensor
    return [list(a.shape) if isinstance(a, Tensor) else [] for a in args]


def _nbytes(out):
    from .._tensor import Tensor
    if isinstance(out, Tensor):
        return int(out._data.nbytes)
    if isinstance(out, (tuple, list)):
        return sum(_nbytes(o) for o in out)
    return 0


def _op_event(name, args, is_user=False):
    """Opens an event in every active recorder (None when none records)."""
    if not _recorders:
        return None
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    parent = stack[-1] if stack else None
    ev = _Event(name, _shapes(args) if any(r.record_shapes for r in _recorders) else [], parent, is_user)
    if any(r.with_stack for r in _recorders):
        import traceback
        ev.stack = tuple(f"{f.filename}({f.lineno}): {f.name}" for f in traceback.extract_stack()[-6:-2])
    stack.append(ev)
    return ev


def _op_done(ev, out=None):
    ev.end = time.perf_counter_ns()
    stack = _state.stack
    if stack and stack[-1] is ev:
        stack.pop()
    ev.mem += _nbytes(out)
    if ev.parent is not None:
        ev.parent.children_time += ev.end - ev.start
        ev.parent.mem += ev.mem
        ev.parent.child_mem += ev.mem
        ev.parent.children.append(ev)
    for r in _recorders:
        r.events.append(ev)


def _wrap(fn, name):
    @functools.wraps(fn)
    def profiled(*args, **kwargs):
        if not _recorders:
            return fn(*args, **kwargs)
        ev = _op_event(name, args)
        out = None
        try:
            out = fn(*args, **kwargs)
            return out
        finally:
            _op_done(ev, out)
    profiled._numtorch_profiled = fn
    return profiled


def _aten(name):
    n = name.strip("_") if name.startswith("__") and name.endswith("__") else name
    if n.startswith("r") and name.startswith("__r") and n[1:] in ("add", "sub", "mul", "truediv", "matmul", "pow",
                                                                    "floordiv", "mod", "and", "or", "xor"):
        n = n[1:]
    n = {"truediv": "div", "floordiv": "floor_divide", "mod": "remainder", "getitem": "index", "setitem":
         "index_put_", "iadd": "add_", "isub": "sub_", "imul": "mul_", "itruediv": "div_", "neg": "neg",
         "lt": "lt", "le": "le", "gt": "gt", "ge": "ge", "and": "bitwise_and", "or": "bitwise_or",
         "xor": "bitwise_xor", "invert": "bitwise_not", "abs": "abs", "pos": "positive"}.get(n, n)
    return "aten::" + n


def _targets():
    import numtorch
    from .. import Tensor
    from ..nn import functional as F
    mods = [numtorch, F]
    lin = getattr(numtorch, "linalg", None)
    if lin is not None and isinstance(lin, type(os)):
        mods.append(lin)
    for mod in mods:
        for name, v in list(vars(mod).items()):
            if name.startswith("_") or name in _NO_WRAP or isinstance(v, type) or not callable(v):
                continue
            if not (type(v).__name__ in ("function", "builtin_function_or_method")):
                continue
            yield mod, name, v, ("aten::" + name if mod is not lin else "aten::linalg_" + name)
    for name, v in list(vars(Tensor).items()):
        if name in _NO_WRAP or (name.startswith("_") and not (name.startswith("__") and name.endswith("__"))):
            continue
        if type(v).__name__ != "function":
            continue
        yield Tensor, name, v, _aten(name)


def _install():
    if _patched:
        return
    for owner, name, v, label in _targets():
        if getattr(v, "_numtorch_profiled", None) is not None:
            continue
        _patched.append((owner, name, v))
        setattr(owner, name, _wrap(v, label))


def _uninstall():
    while _patched:
        owner, name, v = _patched.pop()
        setattr(owner, name, v)


def _start(rec):
    _recorders.append(rec)
    _install()


def _stop(rec):
    if rec in _recorders:
        _recorders.remove(rec)
    if not _recorders:
        _uninstall()


class _Recorder:
    def __init__(self, record_shapes=False, with_stack=False, profile_memory=False):
        self.record_shapes = record_shapes
        self.with_stack = with_stack
        self.profile_memory = profile_memory
        self.events = []
        self.t0 = time.perf_counter_ns()


def _chrome_trace(events, path, t0):
    pid = os.getpid()
    trace = [{"ph": "X", "cat": "user_annotation" if e.is_user else "cpu_op", "name": e.name, "pid": pid,
              "tid": e.thread, "ts": (e.start - t0) / 1000.0, "dur": (e.end - e.start) / 1000.0,
              "args": {"Input Dims": e.shapes} if e.shapes else {}} for e in events]
    with open(path, "w") as fh:
        json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, fh)
