"""The graph tracer behind ``torch.jit.trace`` and ``torch.onnx.export``.

A module or function runs once on example inputs while an observer registered with
``autograd.function._add_apply_observer`` (the single hook every ``Function.apply`` passes) records each
top-level application: the Function class, its arguments (tensors replaced by graph values) and its
outputs.  Tensors are classified as graph inputs, parameters/buffers (named by their module path),
constants (any other tensor the trace meets), or results of recorded nodes.  Python control flow is baked
in; ``bool()``/``int()``/``float()``/``.item()`` on a tensor that depends on an input warns (TracerWarning).

The run happens with grad mode on and floating inputs requiring grad, so that no no-grad fast path skips
``Function.apply``.  A few operations are not Functions at all (comparisons, logical ops, ``arange`` and
the other factories): while tracing, those public entry points are wrapped so that they report to the
same recorder as pseudo-applications (``_Call`` nodes that replay by calling the original function).

Dynamic sizes: ``_trace_dynamic`` traces a second time with the dynamic axes resized, aligns the two
recordings node by node, and turns each integer argument that differs into a ``_DynInt`` whose
expression in the input sizes (a dim, dim*k, dim+k, or a product of two dims) is found from the two
values.  Replaying (``jit``) evaluates those expressions on the new inputs; the ONNX writer emits them
as Shape/Gather arithmetic.
"""
import contextlib
import os
import sys
import warnings

from .._backend import xp, ndarray as _ndarray
from .._tensor import Tensor
from ..autograd import function as _fmod

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TracerWarning(Warning):
    """``torch.jit.TracerWarning``: the trace may not generalize to other inputs."""


_state = {"tracing": 0, "onnx": 0}


def is_tracing():
    return _state["tracing"] > 0


class Value:
    """A value of the graph: ``kind`` is 'input', 'param', 'const' or 'node'."""

    __slots__ = ("name", "kind", "shape", "dtype", "data", "dep", "dyn_dims", "uses", "fill")

    def __init__(self, name, kind, shape, dtype, data=None, dep=False):
        self.name, self.kind, self.shape, self.dtype, self.data, self.dep = name, kind, tuple(shape), dtype, data, dep
        self.dyn_dims = frozenset()
        self.uses = 0
        self.fill = None       # (value, shape with DynInts) for a uniform constant whose shape is dynamic

    def __repr__(self):
        return f"%{self.name}"


class ArrayRef:
    """An array argument that is the data of a graph value (e.g. an index tensor inside a getitem index)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return repr(self.value)


class Node:
    """One recorded application: ``op`` is a Function class or, for a ``_Call``, the wrapped callable."""

    __slots__ = ("op", "call", "args", "kwargs", "outs", "out_struct", "src", "dep", "name")

    def __init__(self, op, call, args, kwargs, outs, out_struct, src, name):
        self.op, self.call, self.args, self.kwargs = op, call, args, kwargs
        self.outs, self.out_struct, self.src, self.name = outs, out_struct, src, name
        self.dep = False


class Graph:
    """The recorded program: inputs, nodes, outputs (a structure of Values), parameters and constants."""

    def __init__(self):
        self.inputs, self.nodes, self.params, self.consts = [], [], {}, []
        self.outputs = None
        self.input_struct = None
        self.dyn = {}            # dynamic axis name -> list of (input index, dim)

    def __str__(self):
        lines = ["graph(" + ", ".join(f"%{v.name} : {_tstr(v)}" for v in self.inputs) + "):"]
        for p in self.params.values():
            lines.append(f"  %{p.name} : {_tstr(p)} = param()")
        for n in self.nodes:
            outs = ", ".join(f"%{v.name} : {_tstr(v)}" for v in n.outs)
            lines.append(f"  {outs} = {n.name}({_argstr(n.args, n.kwargs)})  # {n.src[0]}:{n.src[1]}")
        lines.append(f"  return ({_flatstr(self.outputs)})")
        return "\n".join(lines)


def _tstr(v):
    from .. import _dtype as D
    return f"{D.scalar_name(v.dtype) if v.dtype is not None else '?'}{list(v.shape)}"


def _astr(a):
    if isinstance(a, Value):
        return f"%{a.name}"
    if isinstance(a, ArrayRef):
        return f"%{a.value.name}"
    if isinstance(a, (tuple, list)):
        s = ", ".join(_astr(x) for x in a)
        return f"({s}{',' if len(a) == 1 and isinstance(a, tuple) else ''})" if isinstance(a, tuple) else f"[{s}]"
    if isinstance(a, slice):
        return ":".join("" if x is None else _astr(x) for x in (a.start, a.stop, a.step))
    if isinstance(a, _ndarray):
        return f"<array {a.dtype}{list(a.shape)}>"
    if isinstance(a, type):
        return a.__name__
    if isinstance(a, DynInt):
        return expr_str(a.expr)
    slots = [k for c in type(a).__mro__ for k in getattr(c, "__slots__", ())]
    if hasattr(a, "__dict__") or slots:
        fields = dict(vars(a)) if hasattr(a, "__dict__") else {}
        fields.update({k: getattr(a, k) for k in slots if hasattr(a, k)})
        return f"{type(a).__name__}({', '.join(f'{k}={_astr(v)}' for k, v in fields.items() if not k.startswith('_') and not isinstance(v, _ndarray))})"
    if False:
        return f"{type(a).__name__}({', '.join(f'{k}={_astr(v)}' for k, v in vars(a).items() if not k.startswith('_') and not isinstance(v, _ndarray))})"
    return repr(a)


def _argstr(args, kwargs):
    parts = [_astr(a) for a in args] + [f"{k}={_astr(v)}" for k, v in (kwargs or {}).items()]
    return ", ".join(parts)


def _flatstr(s):
    return ", ".join(f"%{v.name}" for v in _flat_values(s))


def _flat_values(s):
    if isinstance(s, Value):
        return [s]
    if isinstance(s, (tuple, list)):
        return [v for x in s for v in _flat_values(x)]
    if isinstance(s, dict):
        return [v for x in s.values() for v in _flat_values(x)]
    return []


# ----------------------------------------------------------------------------- dynamic integers
class DynInt(int):
    """An integer argument that depends on dynamic input sizes; ``expr`` is ('dim', input, axis),
    ('mul', e, k), ('add', e, k) or ('prod', e1, e2)."""

    def __new__(cls, value, expr):
        self = int.__new__(cls, value)
        self.expr = expr
        return self

    def __repr__(self):
        return f"DynInt({int(self)}, {self.expr})"

    def __getnewargs__(self):
        return (int(self), self.expr)


def expr_str(e):
    """``input_0.size(1) * 4``: a size expression as Python."""
    if e[0] == "dim":
        return f"input_{e[1]}.size({e[2]})"
    if e[0] == "mul":
        return f"{expr_str(e[1])} * {e[2]}"
    if e[0] == "add":
        return f"{expr_str(e[1])} + {e[2]}"
    return f"{expr_str(e[1])} * {expr_str(e[2])}"


def eval_expr(expr, shapes):
    kind = expr[0]
    if kind == "dim":
        return shapes[expr[1]][expr[2]]
    if kind == "mul":
        return eval_expr(expr[1], shapes) * expr[2]
    if kind == "add":
        return eval_expr(expr[1], shapes) + expr[2]
    if kind == "prod":
        return eval_expr(expr[1], shapes) * eval_expr(expr[2], shapes)
    raise ValueError(expr)


# ----------------------------------------------------------------------------- the recorder
class _Recorder:
    def __init__(self, params):
        self.g = Graph()
        self.env = {}        # id(tensor) -> Value
        self.arrays = {}     # id(array) -> Value (aliases: detach(), .data, index arrays)
        self.params = params  # id(tensor) -> name
        self.keep = []        # keeps traced tensors alive so their ids stay unique
        self.depth = 0
        self.count = 0
        self.const_cache = {}

    def _new_name(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def bind(self, t, value):
        self.env[id(t)] = value
        self.arrays[id(t._data)] = value
        self.keep.append(t)

    def lookup(self, t):
        v = self.env.get(id(t))
        if v is not None:
            return v
        name = self.params.get(id(t))
        if name is not None:
            v = self.g.params.get(name)
            if v is None:
                v = self.g.params[name] = Value(name, "param", t._data.shape, t._data.dtype, t._data)
            self.env[id(t)] = v
            self.keep.append(t)
            return v
        d = t._data
        v = self.arrays.get(id(d))
        if v is None and d.base is not None:
            base = self.arrays.get(id(d.base))
            if base is not None and base.shape == d.shape and base.dtype == d.dtype:
                v = base      # detach()/.data of a traced value: the same data
        if v is not None and v.shape == tuple(d.shape):
            return v
        v = Value(self._new_name("c"), "const", d.shape, d.dtype, d.copy())
        self.g.consts.append(v)
        self.env[id(t)] = v
        self.keep.append(t)
        return v

    def encode(self, a):
        if isinstance(a, Tensor):
            return self.lookup(a)
        if a.__class__ is tuple or a.__class__ is list:
            return a.__class__(self.encode(x) for x in a)
        if isinstance(a, _ndarray):
            v = self.arrays.get(id(a))
            if v is not None and v.shape == a.shape:
                return ArrayRef(v)
        return a

    def record(self, op, call, args, kwargs, out, name):
        eargs = tuple(self.encode(a) for a in args)
        ekw = {k: self.encode(v) for k, v in kwargs.items()} if kwargs else {}
        outs = []

        def wrap(o):
            if isinstance(o, Tensor):
                v = Value(self._new_name("v"), "node", o._data.shape, o._data.dtype)
                self.bind(o, v)
                outs.append(v)
                return v
            if isinstance(o, tuple) and not hasattr(o, "_fields"):
                return tuple(wrap(x) for x in o)
            if isinstance(o, tuple):        # a named tuple (values, indices)
                return type(o)(*[wrap(x) for x in o])
            return o
        struct = wrap(out)
        if not outs:
            return
        deps = any(v.dep for v in _flat_values((eargs, list(ekw.values())))) or \
            any(isinstance(a, ArrayRef) and a.value.dep for a in _flat_args(eargs))
        for v in outs:
            v.dep = deps
        n = Node(op, call, eargs, ekw, outs, struct, _user_frame(), name)
        n.dep = deps
        self.g.nodes.append(n)


def _flat_args(a):
    if isinstance(a, (tuple, list)):
        for x in a:
            yield from _flat_args(x)
    elif isinstance(a, slice):
        yield from _flat_args((a.start, a.stop, a.step))
    else:
        yield a


def _user_frame():
    """(file, line, text) of the innermost frame outside numtorch: the user's source line."""
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    if f is None:
        return ("<unknown>", 0, "")
    import linecache
    return (f.f_code.co_filename, f.f_lineno, linecache.getline(f.f_code.co_filename, f.f_lineno).strip())


_rec = None   # the active recorder


def _observer(cls, args, kwargs, run):
    rec = _rec
    if rec is None or rec.depth:
        return run()
    rec.depth += 1
    try:
        out = run()
    finally:
        rec.depth -= 1
    rec.record(cls, False, args, kwargs, out, cls.__name__)
    return out


def _wrap_call(fn, name):
    def traced(*args, **kwargs):
        rec = _rec
        if rec is None or rec.depth:
            return fn(*args, **kwargs)
        rec.depth += 1
        try:
            out = fn(*args, **kwargs)
        finally:
            rec.depth -= 1
        rec.record(fn, True, args, kwargs, out, name)
        return out
    traced.__name__ = getattr(fn, "__name__", name)
    traced._traced_original = fn
    return traced


def _warn_value(conv):
    def checked(self, *a, **k):
        rec = _rec
        if rec is not None and not rec.depth:
            v = rec.env.get(id(self)) or rec.arrays.get(id(self._data))
            if v is not None and v.dep:
                kind = {"__bool__": "boolean", "__int__": "integer", "__float__": "float", "__index__": "index",
                        "tolist": "list"}.get(conv.__name__, "number")
                warnings.warn(f"Converting a tensor to a Python {kind} might cause the trace "
                              "to be incorrect. We can't record the data flow of Python values, so this value "
                              "will be treated as a constant in the future. This means that the trace might not "
                              "generalize to other inputs!", TracerWarning, stacklevel=2)
        return conv(self, *a, **k)
    checked.__name__ = conv.__name__
    return checked


# the public entry points of operations that are not Functions (recorded as pseudo-applications)
_CALLS_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
              "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf", "isfinite")
_CALLS_TOP = ("arange", "ones", "zeros", "full", "ones_like", "zeros_like", "full_like", "empty", "empty_like",
              "greater", "greater_equal", "less", "less_equal", "not_equal")
_VALUE_CONV = ("__bool__", "__int__", "__float__", "__index__", "item", "tolist")


def _wrap_snapshot(fn):
    """``_snapshot(t)`` (the copy an in-place op runs on) stands for ``t``'s current value."""
    def snapshot(t):
        s = fn(t)
        rec = _rec
        if rec is not None and not rec.depth:
            v = rec.env.get(id(t))
            if v is not None:
                rec.env[id(s)] = v
                rec.keep.append(s)
        return s
    return snapshot


def _wrap_rebase(fn):
    """``_rebase(t, new)`` ends an in-place op: ``t`` now holds ``new``'s value (for a view, the view of the
    updated base that ``_rebase_view`` took last)."""
    def rebase(t, new):
        rec = _rec
        if rec is None or rec.depth:
            return fn(t, new)
        n_before = len(rec.g.nodes)
        view = t.__dict__.get("_view") if new.grad_fn is not None else None
        fn(t, new)
        if view is not None and len(rec.g.nodes) > n_before and new._data.shape == t._data.shape:
            nr = view[2]
            outs = rec.g.nodes[-1].outs
            v = outs[nr if nr is not None and nr < len(outs) else 0]
        else:
            v = rec.env.get(id(new))
        if v is not None:
            rec.env[id(t)] = v
            rec.arrays[id(t._data)] = v
            rec.keep.append(t)
    return rebase


@contextlib.contextmanager
def _patched():
    import numtorch
    from .. import _ops
    import importlib
    index_mod = importlib.import_module("numtorch._ops.index")
    saved = []

    def patch(obj, name, new):
        old = obj.__dict__.get(name, None) if isinstance(obj, type) else getattr(obj, name, None)
        if old is None:
            return
        saved.append((obj, name, old))
        setattr(obj, name, new)
    for name in _CALLS_OPS:
        fn = getattr(_ops, name, None)
        if fn is None:
            continue
        w = _wrap_call(fn, name)
        patch(_ops, name, w)
        if getattr(numtorch, name, None) is fn:
            patch(numtorch, name, w)
        if Tensor.__dict__.get(name) is fn:
            patch(Tensor, name, w)
    for name in _CALLS_TOP:
        fn = getattr(numtorch, name, None)
        if fn is not None and name not in _CALLS_OPS:
            patch(numtorch, name, _wrap_call(fn, name))
    # a 3-d transposed convolution is a composite (2-d transposed convolutions and a depth fold) in numtorch:
    # recorded as one call, so that it exports as one ONNX ConvTranspose
    import numtorch.nn.functional as _F
    if getattr(_F, "conv_transpose3d", None) is not None:
        patch(_F, "conv_transpose3d", _wrap_call(_F.conv_transpose3d, "conv_transpose3d"))
    patch(index_mod, "_snapshot", _wrap_snapshot(index_mod._snapshot))
    patch(index_mod, "_rebase", _wrap_rebase(index_mod._rebase))
    for name in _VALUE_CONV:
        fn = Tensor.__dict__.get(name)
        if fn is not None:
            patch(Tensor, name, _warn_value(fn))
    try:
        yield
    finally:
        for obj, name, old in reversed(saved):
            setattr(obj, name, old)


def _flatten_inputs(args):
    """[(path, tensor)] of the tensors in a nested structure of example inputs."""
    out = []

    def walk(a, path):
        if isinstance(a, Tensor):
            out.append((path, a))
        elif isinstance(a, (tuple, list)):
            for i, x in enumerate(a):
                walk(x, path + (i,))
        elif isinstance(a, dict):
            for k, x in a.items():
                walk(x, path + (k,))
    walk(args, ())
    return out


def _rebuild(args, repl):
    """``args`` with each tensor replaced by ``repl(tensor)``."""
    if isinstance(args, Tensor):
        return repl(args)
    if isinstance(args, tuple) and hasattr(args, "_fields"):
        return type(args)(*[_rebuild(x, repl) for x in args])
    if isinstance(args, (tuple, list)):
        return type(args)(_rebuild(x, repl) for x in args)
    if isinstance(args, dict):
        return {k: _rebuild(x, repl) for k, x in args.items()}
    return args


def trace_once(fn, args, kwargs=None, module=None, onnx=False):
    """Run ``fn(*args, **kwargs)`` once and return (Graph, eager outputs)."""
    global _rec
    from ..nn import Module
    kwargs = kwargs or {}
    params = {}
    if module is None and isinstance(fn, Module):
        module = fn
    if module is not None:
        for name, p in module.named_parameters(remove_duplicate=False):
            params.setdefault(id(p), name)
        for name, b in module.named_buffers(remove_duplicate=False):
            params.setdefault(id(b), name)
    if _rec is not None:
        raise RuntimeError("numtorch's tracer is already running (a trace inside a trace is not supported)")
    rec = _Recorder(params)
    inputs = []

    def make_input(t):
        # a fresh tensor on the same data; floating inputs require grad so every op takes Function.apply
        x = Tensor.__new__(Tensor)
        x._data, x._out_nr, x._grad, x._vc, x.grad_fn = t._data, 0, None, [0], None
        x.requires_grad = t._data.dtype.kind in "fV"
        idx = len(inputs)
        v = Value(f"input_{idx}", "input", t._data.shape, t._data.dtype, dep=True)
        rec.bind(x, v)
        inputs.append(v)
        return x
    targs = _rebuild(tuple(args), make_input)
    tkw = _rebuild(dict(kwargs), make_input)
    rec.g.inputs = inputs
    from ..autograd.grad_mode import enable_grad
    _rec = rec
    _state["tracing"] += 1
    if onnx:
        _state["onnx"] += 1
    handle = _fmod._add_apply_observer(_observer)
    try:
        with _patched(), enable_grad():
            out = fn(*targs, **tkw)
    finally:
        handle.remove()
        _rec = None
        _state["tracing"] -= 1
        if onnx:
            _state["onnx"] -= 1

    def out_value(t):
        return rec.lookup(t)
    rec.g.outputs = _rebuild(out, out_value)
    eager = _rebuild(out, lambda t: t.detach())
    _count_uses(rec.g)
    return rec.g, eager


def _count_uses(g):
    for n in g.nodes:
        for a in _flat_args((n.args, tuple(n.kwargs.values()))):
            if isinstance(a, Value):
                a.uses += 1
            elif isinstance(a, ArrayRef):
                a.value.uses += 1


# ----------------------------------------------------------------------------- two traces -> dynamic sizes
def _resize(t, axis, delta):
    """``t`` with dimension ``axis`` grown (delta > 0, repeating its last slice) or shrunk."""
    d = t._data
    n = d.shape[axis]
    if delta < 0:
        sl = [slice(None)] * d.ndim
        sl[axis] = slice(0, n + delta)
        nd = d[tuple(sl)].copy()
    else:
        sl = [slice(None)] * d.ndim
        sl[axis] = slice(n - 1, n) if n else slice(0, 0)
        nd = xp.concatenate([d] + [d[tuple(sl)]] * delta, axis=axis)
    r = Tensor.__new__(Tensor)
    r._data, r._out_nr, r._grad, r._vc, r.grad_fn, r.requires_grad = nd, 0, None, [0], None, False
    return r


def trace_dynamic(fn, args, kwargs=None, module=None, onnx=False, dyn=None):
    """Trace once; with ``dyn`` ({name: [(input index, axis)]}), trace again with those axes resized and
    mark the integer arguments and value dims that changed.  Returns (Graph, eager outputs)."""
    g, eager = trace_once(fn, args, kwargs, module, onnx)
    if not dyn:
        return g, eager
    flat = _flatten_inputs((tuple(args), dict(kwargs or {})))
    errors = []
    for sign in (1, -1):
        deltas = {name: sign * (i + 1) for i, name in enumerate(dyn)}
        if sign < 0 and any(flat[ii][1].shape[ax] + deltas[name] < 2 for name, axes in dyn.items()
                            for ii, ax in axes):
            continue
        resized = {}
        for name, axes in dyn.items():
            for ii, ax in axes:
                resized.setdefault(ii, []).append((ax, deltas[name]))
        counter = iter(range(len(flat)))

        def repl(t):
            i = next(counter)
            for ax, dl in resized.get(i, ()):
                t = _resize(t, ax, dl)
            return t
        args2 = _rebuild((tuple(args), dict(kwargs or {})), repl)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g2, _ = trace_once(fn, args2[0], args2[1], module, onnx)
        except Exception as e:   # noqa: BLE001  (the model cannot run at that size: try the other way)
            errors.append(f"{type(e).__name__}: {e}")
            continue
        _align(g, g2)
        g.dyn = dyn
        return g, eager
    raise RuntimeError("numtorch's tracer could not run the model with the dynamic axes resized, so it cannot "
                       "tell which sizes are dynamic: " + "; ".join(errors))


def _align(g, g2):
    if len(g.nodes) != len(g2.nodes) or any(a.op is not b.op for a, b in zip(g.nodes, g2.nodes)):
        raise RuntimeError("the traced program changes with the dynamic sizes (Python control flow depends on "
                           "a dynamic size), so it cannot be exported with these dynamic axes")
    cands = []
    for i, (a, b) in enumerate(zip(g.inputs, g2.inputs)):
        for d, (x, y) in enumerate(zip(a.shape, b.shape)):
            cands.append((("dim", i, d), x, y))
            if x != y:
                a.dyn_dims = a.dyn_dims | {d}
    changed = [c for c in cands if c[1] != c[2]]

    def resolve(x, y, where):
        for e, cx, cy in changed:
            if cx == x and cy == y:
                return DynInt(x, e)
        for e, cx, cy in changed:
            if cx and x % cx == 0 and cy and y % cy == 0 and x // cx == y // cy:
                return DynInt(x, ("mul", e, x // cx))
        for e, cx, cy in changed:
            if x - cx == y - cy:
                return DynInt(x, ("add", e, x - cx))
        for i, (e1, c1x, c1y) in enumerate(changed):
            for e2, c2x, c2y in cands:
                if c1x * c2x == x and c1y * c2y == y:
                    return DynInt(x, ("prod", e1, e2))
        raise RuntimeError(f"the size {x} at {where} changes with the dynamic axes (to {y}) in a way numtorch's "
                           "tracer cannot express in the input sizes")

    def merge(a, b, where):
        if isinstance(a, bool) or a is None:
            return a
        if isinstance(a, int) and isinstance(b, int):
            return a if a == b else resolve(int(a), int(b), where)
        if isinstance(a, slice) and isinstance(b, slice):
            return slice(merge(a.start, b.start, where), merge(a.stop, b.stop, where), merge(a.step, b.step, where))
        if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b) and \
                not hasattr(a, "_fields"):
            return type(a)(merge(x, y, where) for x, y in zip(a, b))
        return a
    for n, n2 in zip(g.nodes, g2.nodes):
        where = f"{n.name} ({n.src[0]}:{n.src[1]})"
        n.args = merge(n.args, n2.args, where)
        n.kwargs = {k: merge(v, n2.kwargs.get(k), where) for k, v in n.kwargs.items()}
        for v, v2 in zip(n.outs, n2.outs):
            v.dyn_dims = frozenset(d for d, (x, y) in enumerate(zip(v.shape, v2.shape)) if x != y)
        if any(isinstance(a, DynInt) for a in _flat_args((n.args, tuple(n.kwargs.values())))):
            n.dep = True
            for v in n.outs:
                v.dep = True
    for c, c2 in zip(g.consts, g2.consts):
        if c.shape != c2.shape and c.data.size and c2.data.size and (c.data == c.data.flat[0]).all() and \
                (c2.data == c.data.flat[0]).all() and len(c.shape) == len(c2.shape):
            # zeros/ones made inside a layer (e.g. an RNN's initial state): a fill of a dynamic shape
            c.fill = (c.data.flat[0].item(), merge(c.shape, c2.shape, "a constant's shape"))
            c.dep = True
            c.dyn_dims = frozenset(d for d, (x, y) in enumerate(zip(c.shape, c2.shape)) if x != y)
        elif c.shape != c2.shape:
            raise RuntimeError(f"a constant tensor of shape {list(c.shape)} changes shape with the dynamic axes: it "
                               "was computed outside the traced operations (e.g. through NumPy or a Python loop "
                               "over values), so it cannot be exported with dynamic sizes")
    # dependence may have grown: propagate it again in program order
    for n in g.nodes:
        if any((isinstance(a, Value) and a.dep) or (isinstance(a, ArrayRef) and a.value.dep)
               for a in _flat_args((n.args, tuple(n.kwargs.values())))):
            n.dep = True
            for v in n.outs:
                v.dep = True


# ----------------------------------------------------------------------------- replay
def resolve_args(a, shapes):
    if isinstance(a, DynInt):
        return eval_expr(a.expr, shapes)
    if isinstance(a, slice):
        return slice(resolve_args(a.start, shapes), resolve_args(a.stop, shapes), resolve_args(a.step, shapes))
    if a.__class__ in (tuple, list):
        return a.__class__(resolve_args(x, shapes) for x in a)
    return a


def replay(g, inputs, params=None):
    """Run the graph on new input tensors (a flat list), through the same Functions; returns the outputs."""
    from .._tensor import _make
    if len(inputs) != len(g.inputs):
        raise RuntimeError(f"the traced function takes {len(g.inputs)} tensor inputs, got {len(inputs)}")
    shapes = []
    for v, t in zip(g.inputs, inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor input for %{v.name}, got {type(t).__name__}")
        s = tuple(t.shape)
        if len(s) != len(v.shape) or any(a != b for d, (a, b) in enumerate(zip(s, v.shape)) if d not in v.dyn_dims):
            raise RuntimeError(f"the traced graph was recorded for input %{v.name} of shape {list(v.shape)}"
                               f"{' (dims ' + str(sorted(v.dyn_dims)) + ' dynamic)' if v.dyn_dims else ''}; got "
                               f"{list(s)}")
        shapes.append(s)
    env = {}
    for v, t in zip(g.inputs, inputs):
        env[id(v)] = t
    for p in g.params.values():
        env[id(p)] = params[p.name] if params and p.name in params else _make(p.data)
    for c in g.consts:
        env[id(c)] = _make(c.data if c.fill is None else
                           xp.full(resolve_args(tuple(c.fill[1]), shapes), c.fill[0], dtype=c.dtype))

    def sub(a):
        if isinstance(a, Value):
            return env[id(a)]
        if isinstance(a, ArrayRef):
            return env[id(a.value)]._data
        if isinstance(a, DynInt):
            return eval_expr(a.expr, shapes)
        if isinstance(a, slice):
            return slice(sub(a.start), sub(a.stop), sub(a.step))
        if a.__class__ in (tuple, list):
            return a.__class__(sub(x) for x in a)
        return a
    for n in g.nodes:
        args = sub(n.args)
        kw = {k: sub(v) for k, v in n.kwargs.items()}
        out = n.op(*args, **kw) if n.call else n.op.apply(*args, **kw)
        got = []

        def collect(o):
            if isinstance(o, Tensor):
                got.append(o)
            elif isinstance(o, tuple):
                for x in o:
                    collect(x)
        collect(out)
        for v, t in zip(n.outs, got):
            env[id(v)] = t
    return _rebuild_values(g.outputs, env)


def _rebuild_values(s, env):
    if isinstance(s, Value):
        return env[id(s)]
    if isinstance(s, tuple) and hasattr(s, "_fields"):
        return type(s)(*[_rebuild_values(x, env) for x in s])
    if isinstance(s, (tuple, list)):
        return type(s)(_rebuild_values(x, env) for x in s)
    if isinstance(s, dict):
        return {k: _rebuild_values(x, env) for k, x in s.items()}
    return s
