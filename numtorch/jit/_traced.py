"""``torch.jit.trace``'s result: a module (or function) that replays a recorded graph, and numtorch's own
file format for it (``torch.jit.save``/``load``; not TorchScript)."""
import importlib
import io
import os
import pickle
import zipfile

from .._tensor import Tensor
from ..nn import Module
from . import _trace as T

_MAGIC = "numtorch_traced_module/graph.pkl"


class ScriptModule(Module):
    """``torch.jit.ScriptModule``: an ordinary Module here (nothing is compiled)."""


class ScriptFunction:
    """``torch.jit.ScriptFunction``: ``script`` returns the function itself here; ``trace`` of a function
    returns one (replaying the recorded graph)."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("numtorch has no 'torch.jit.ScriptFunction' constructor: torch.jit.script returns the "
                           "function itself and torch.jit.trace(fn, inputs) returns a traced function")


class _GraphText:
    def __init__(self, g):
        self._g = g

    def __str__(self):
        return str(self._g)

    __repr__ = __str__


def _code(g, self_prefix):
    names = {}
    for i, v in enumerate(g.inputs):
        names[id(v)] = f"input_{i}" if v.name.startswith("input_") else v.name
    for p in g.params.values():
        names[id(p)] = self_prefix + p.name

    def a(x):
        if isinstance(x, T.Value):
            return names.get(id(x), x.name if x.kind != "const" else f"CONSTANTS.{x.name}")
        if isinstance(x, T.ArrayRef):
            return a(x.value)
        if isinstance(x, T.DynInt):
            return T.expr_str(x.expr)
        if isinstance(x, (tuple, list)):
            inner = ", ".join(a(y) for y in x)
            return f"[{inner}]" if isinstance(x, list) else f"({inner}{',' if len(x) == 1 else ''})"
        if isinstance(x, slice):
            return f"slice({a(x.start)}, {a(x.stop)}, {a(x.step)})"
        return T._astr(x)
    lines = [f"def forward(self, {', '.join(names[id(v)] for v in g.inputs)}):"]
    for n in g.nodes:
        for v in n.outs:
            names[id(v)] = f"_{v.name}"
        outs = ", ".join(names[id(v)] for v in n.outs)
        args = ", ".join([a(x) for x in n.args] + [f"{k}={a(x)}" for k, x in n.kwargs.items()])
        fn = f"torch.{n.name}" if n.call else f"ops.{n.name}"
        lines.append(f"    {outs} = {fn}({args})")
    lines.append(f"    return {a(g.outputs)}")
    return "\n".join(lines) + "\n"


class _Replay:
    def _run(self, args, kwargs, params):
        flat = [t for _, t in T._flatten_inputs((tuple(args), dict(kwargs)))]
        return T.replay(self._graph, flat, params)

    @property
    def graph(self):
        return _GraphText(self._graph)

    @property
    def inlined_graph(self):
        return self.graph


class TracedModule(ScriptModule, _Replay):
    """A module replaying a traced graph; its parameters and buffers are the traced module's (shared)."""

    def __init__(self, g=None, original=None):
        super().__init__()
        self._graph = g
        if original is not None:
            # the same parameter/buffer objects under the same names (state_dict keys as the original)
            self.__dict__["_parameters"] = original._parameters
            self.__dict__["_buffers"] = original._buffers
            self.__dict__["_modules"] = original._modules
            self.training = original.training
            self._name = type(original).__name__
        else:
            self._name = "TracedModule"

    def forward(self, *args, **kwargs):
        params = dict(self.named_parameters(remove_duplicate=False))
        params.update(self.named_buffers(remove_duplicate=False))
        return self._run(args, kwargs, params)

    @property
    def code(self):
        return _code(self._graph, "self.")

    def _get_name(self):
        return self._name


class _TracedFunction(ScriptFunction, _Replay):
    def __init__(self, g, fn):
        self._graph = g
        self.__name__ = getattr(fn, "__name__", "traced")
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args, **kwargs):
        return self._run(args, kwargs, None)

    @property
    def code(self):
        return _code(self._graph, "")


def trace(func, example_inputs, example_kwarg_inputs=None):
    import warnings
    warnings.warn("`torch.jit.trace` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning, stacklevel=3)   # (PyTorch 2.13's warning, word for word)
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("torch.jit.trace needs example_inputs (or example_kwarg_inputs)")
    if isinstance(example_inputs, Tensor):
        example_inputs = (example_inputs,)
    args = tuple(example_inputs) if example_inputs is not None else ()
    kwargs = dict(example_kwarg_inputs or {})
    module = func if isinstance(func, Module) else getattr(func, "__self__", None)
    module = module if isinstance(module, Module) else None
    flat = T._flatten_inputs((args, kwargs))
    dyn = {"batch": [(i, 0) for i, (_, t) in enumerate(flat) if t.ndim >= 1 and t.shape[0] >= 1]}
    try:
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            g, _ = T.trace_dynamic(func, args, kwargs, module=module, dyn=dyn if dyn["batch"] else None)
    except RuntimeError as e:
        if "tracer" not in str(e) and "dynamic" not in str(e):
            raise
        g, _ = T.trace_once(func, args, kwargs, module=module)   # sizes fixed
        w = []
    for x in w:
        warnings.warn_explicit(x.message, x.category, x.filename, x.lineno)
    if isinstance(func, Module):
        return TracedModule(g, func)
    return _TracedFunction(g, func)


# ----------------------------------------------------------------------------- save / load
def _op_key(n):
    if n.call:
        return ("call", n.name)
    op = n.op
    if op.__name__.endswith("Named"):
        return ("named", op.node_name)
    return ("fn", op.__module__, op.__qualname__)


def _op_from_key(key):
    if key[0] == "call":
        import numtorch
        from .. import _ops
        fn = getattr(_ops, key[1], None) or getattr(numtorch, key[1])
        return getattr(fn, "_traced_original", fn), True
    if key[0] == "named":
        from ..nn.functional._loss import _common
        cls = _common._NAMED.get(key[1])
        if cls is None:
            cls = _common._NAMED[key[1]] = type(key[1].replace("Backward", "") + "Named", (_common._Identity,),
                                                {"node_name": key[1], "_builtin": True})
        return cls, False
    obj = importlib.import_module(key[1])
    for part in key[2].split("."):
        obj = getattr(obj, part)
    return obj, False


def save(m, f):
    if not isinstance(m, (TracedModule, _TracedFunction)):
        raise RuntimeError("numtorch's torch.jit.save writes modules returned by torch.jit.trace; torch.jit.script "
                           "returns the module itself here (save its state_dict with torch.save instead)")
    g = m._graph
    ops = [n.op for n in g.nodes]
    keys = [_op_key(n) for n in g.nodes]
    params = {}
    if isinstance(m, TracedModule):
        for k, t in list(m.named_parameters(remove_duplicate=False)) + list(m.named_buffers(remove_duplicate=False)):
            params[k] = (t._data, isinstance(t, Module) or t.requires_grad, k in dict(m.named_buffers()))
    try:
        for n in g.nodes:
            n.op = None
        blob = pickle.dumps({"graph": g, "ops": keys, "params": params, "kind": type(m).__name__,
                             "name": getattr(m, "_name", None)}, protocol=4)
    finally:
        for n, op in zip(g.nodes, ops):
            n.op = op
    own = isinstance(f, (str, os.PathLike))
    fh = open(f, "wb") if own else f
    try:
        with zipfile.ZipFile(fh, "w") as z:
            z.writestr(_MAGIC, blob)
            z.writestr("numtorch_traced_module/README", "numtorch traced module (numtorch.jit.save); not TorchScript\n")
    finally:
        if own:
            fh.close()


def load(f):
    own = isinstance(f, (str, os.PathLike))
    if own and not os.path.exists(f):
        raise ValueError(f"The provided filename {os.fspath(f)} does not exist")
    data = open(f, "rb").read() if own else f.read()
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = z.namelist()
    except zipfile.BadZipFile:
        raise RuntimeError("torch.jit.load: not a file written by numtorch's torch.jit.save") from None
    if _MAGIC not in names:
        if any(n.endswith(("constants.pkl", "data.pkl")) or "/code/" in n for n in names):
            raise RuntimeError("torch.jit.load: this is a TorchScript archive written by PyTorch; numtorch cannot "
                               "run TorchScript. Load the model's state_dict instead (torch.save(model.state_dict()"
                               ", f) in PyTorch, model.load_state_dict(torch.load(f)) here).")
        raise RuntimeError("torch.jit.load: not a file written by numtorch's torch.jit.save")
    d = pickle.loads(z.read(_MAGIC))
    g = d["graph"]
    for n, key in zip(g.nodes, d["ops"]):
        n.op, n.call = _op_from_key(key)
    if d["kind"] == "_TracedFunction":
        return _TracedFunction(g, None)
    from ..nn import Parameter
    from .._tensor import _make
    root = TracedModule(g)
    root._name = d.get("name") or "TracedModule"
    for name, (arr, is_param, is_buffer) in d["params"].items():
        *path, leaf = name.split(".")
        mod = root
        for p in path:
            if p not in mod._modules:
                mod._modules[p] = Module()
            mod = mod._modules[p]
        if is_buffer:
            mod.register_buffer(leaf, _make(arr))
        else:
            mod.register_parameter(leaf, Parameter(_make(arr), requires_grad=bool(is_param)))
    return root
