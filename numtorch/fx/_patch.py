"""Routing numtorch's public functions to the tracer when they are given a ``Proxy``.

PyTorch does this with ``__torch_function__``; numtorch has no such protocol, so while a trace runs (or a
``Proxy`` built outside a trace is alive) the functions of the public namespaces (``numtorch``,
``numtorch.nn.functional``, ``special``, ``linalg``, ``fft``) are replaced by thin wrappers that record a
``call_function`` node when an argument is a ``Proxy`` and call the function unchanged otherwise. The
originals are put back as soon as nothing needs them, so ordinary code never pays for the wrappers, and
the recorded target is always the original function (``node.target is torch.relu`` outside the trace).
Tensor operators given a Proxy on the right (``tensor * proxy``) record the Tensor method torch records.
"""
import functools
import importlib
import types
import weakref

_NAMESPACES = (("numtorch", "torch"), ("numtorch.nn.functional", "torch.nn.functional"),
               ("numtorch.special", "torch.special"), ("numtorch.linalg", "torch.linalg"),
               ("numtorch.fft", "torch.fft"))
# functions that inspect their argument instead of computing with it (as torch's, they do not dispatch)
_EXCLUDE = frozenset(["is_tensor", "is_storage", "typename", "set_default_dtype", "get_default_dtype",
                      "set_default_device", "get_default_device", "manual_seed", "seed", "initial_seed",
                      "set_grad_enabled", "is_grad_enabled", "compile", "load", "save", "set_printoptions",
                      "use_deterministic_algorithms", "set_num_threads", "get_num_threads", "from_numpy"])
# private functions torch's tracing records all the same
_PRIVATE = frozenset(["_assert"])
_FUNCS = (types.FunctionType, types.BuiltinFunctionType)

_entries = None      # [(module, attribute, original)]
_public = {}         # id(fn or wrapper) -> "torch.x"
_wrappers = {}       # id(original) -> wrapper
_depth = 0


def _build():
    global _entries
    if _entries is not None:
        return
    entries = []
    cands = {}
    for modname, pub in _NAMESPACES:
        mod = importlib.import_module(modname)
        for k, v in list(vars(mod).items()):
            if (k.startswith("_") and k not in _PRIVATE) or k in _EXCLUDE or not isinstance(v, _FUNCS):
                continue
            entries.append((mod, k, v))
            cands.setdefault(id(v), (v, []))[1].append((modname, pub, k))
    for fn, places in cands.values():
        home = getattr(fn, "__module__", "") or ""
        best = max(places, key=lambda p: ((home == p[0] or home.startswith(p[0] + ".")) * len(p[0]),
                                          p[2] == getattr(fn, "__name__", None)))
        _public[id(fn)] = f"{best[1]}.{best[2]}"
    _entries = entries


def public_name(fn):
    """``torch.relu`` / ``torch.nn.functional.relu`` for a public numtorch function, else None."""
    _build()
    return _public.get(id(fn))


def find_proxy(args, kwargs):
    from .proxy import Proxy
    for a in (*args, *kwargs.values()):
        if isinstance(a, Proxy):
            return a
        if isinstance(a, (list, tuple)):
            p = find_proxy(a, {})
            if p is not None:
                return p
    return None


class _Wrapper:
    """Calls ``fn``, or records it as a call_function node when an argument is a Proxy. It compares and
    hashes as ``fn``, so ``node.target == torch.add`` holds whichever of the two a script holds."""

    def __init__(self, fn, is_wrapped):
        self._fx_original = fn
        self._is_wrapped = is_wrapped
        for k in ("__module__", "__name__", "__qualname__", "__doc__"):
            try:
                object.__setattr__(self, k, getattr(fn, k))
            except AttributeError:
                pass
        self.__wrapped__ = fn

    def __call__(self, *args, **kwargs):
        p = find_proxy(args, kwargs)
        if p is None:
            return self._fx_original(*args, **kwargs)
        out = p.tracer.create_proxy("call_function", self._fx_original, args, kwargs)
        if self._is_wrapped:
            out.node.meta["is_wrapped"] = True
        return out

    def __eq__(self, other):
        return other is self or other is self._fx_original or (
            isinstance(other, _Wrapper) and other._fx_original is self._fx_original)

    def __hash__(self):
        return hash(self._fx_original)

    def __repr__(self):
        return repr(self._fx_original)

    def __get__(self, obj, objtype=None):
        # stored on a class (``Tensor.x = torch.x``), it binds like the function it stands for
        return self if obj is None else functools.partial(self, obj)


def wrapper_of(fn, is_wrapped=False):
    """The (cached) ``_Wrapper`` of ``fn``."""
    key = (id(fn), is_wrapped)
    w = _wrappers.get(key)
    if w is None:
        w = _wrappers[key] = _Wrapper(fn, is_wrapped)
        name = public_name(fn)
        if name is not None:
            _public[id(w)] = name
    return w


# ``tensor OP proxy``: the Tensor method torch's dispatch records for each operator (as a call_method)
_TENSOR_OPS = {"__add__": "add", "__sub__": "sub", "__mul__": "mul", "__truediv__": "div", "__mod__": "remainder",
               "__pow__": "pow", "__matmul__": "matmul", "__eq__": "eq", "__ne__": "ne", "__lt__": "lt",
               "__le__": "le", "__gt__": "gt", "__ge__": "ge", "__floordiv__": "__floordiv__",
               "__and__": "__and__", "__or__": "__or__", "__xor__": "__xor__", "__lshift__": "__lshift__",
               "__rshift__": "__rshift__"}
_tensor_saved = {}


def _record_with_proxy(orig, method):
    from .proxy import Proxy

    def op(self, other):
        if isinstance(other, Proxy):
            return other.tracer.create_proxy("call_method", method, (self, other), {})
        return orig(self, other)
    op._fx_original = orig
    return op


def enable():
    """Installs the wrappers in the public namespaces and lets Tensor operators defer to a Proxy operand
    (counted: nested enables need as many disables)."""
    global _depth
    _build()
    _depth += 1
    if _depth == 1:
        for mod, k, fn in _entries:
            if mod.__dict__.get(k) is fn:
                setattr(mod, k, wrapper_of(fn))
        from .._tensor import Tensor
        for name, method in _TENSOR_OPS.items():
            orig = Tensor.__dict__.get(name)
            if orig is not None and not hasattr(orig, "_fx_original"):
                _tensor_saved[name] = orig
                setattr(Tensor, name, _record_with_proxy(orig, method))


def disable():
    global _depth
    _depth -= 1
    if _depth == 0:
        for mod, k, fn in _entries:
            if getattr(mod.__dict__.get(k), "_fx_original", None) is fn:
                setattr(mod, k, fn)
        from .._tensor import Tensor
        for name, orig in _tensor_saved.items():
            if getattr(Tensor.__dict__.get(name), "_fx_original", None) is orig:
                setattr(Tensor, name, orig)
        _tensor_saved.clear()


def hold(proxy):
    """Keeps the wrappers installed while ``proxy`` (made outside any trace) is alive."""
    enable()
    weakref.finalize(proxy, disable)


class Patcher:
    """Swaps entries of globals dicts / attributes of objects for the length of one trace."""

    def __init__(self):
        self._undo = []
        self._seen = set()

    def patch(self, d, name, value):
        self._undo.append((d, name, d[name]))
        d[name] = value

    def patch_attr(self, obj, name, value):
        had = name in obj.__dict__
        self._undo.append((obj, name, obj.__dict__[name] if had else _MISSING))
        setattr(obj, name, value)

    def patch_globals(self, g, extra_ids, wrapped_ids=()):
        """Wraps, in the globals dict ``g``, names bound to public numtorch functions (imported with
        ``from numtorch import x``) and to the autowrapped functions ``extra_ids``."""
        if id(g) in self._seen:
            return
        self._seen.add(id(g))
        _build()
        for name, v in list(g.items()):
            if name.startswith("_") or not callable(v):
                continue
            if id(v) in extra_ids:
                self.patch(g, name, wrapper_of(v, is_wrapped=True))
            elif id(v) in _public and not hasattr(v, "_fx_original"):
                self.patch(g, name, wrapper_of(v))

    def undo(self):
        for target, name, old in reversed(self._undo):
            if isinstance(target, dict):
                if old is _MISSING:
                    target.pop(name, None)
                else:
                    target[name] = old
            elif old is _MISSING:
                delattr(target, name)
            else:
                setattr(target, name, old)
        self._undo.clear()
        self._seen.clear()


_MISSING = object()
