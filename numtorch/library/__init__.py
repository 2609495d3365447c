"""``torch.library``: define operators from Python. ``custom_op`` (the current way: a typed function becomes
``torch.ops.<ns>.<name>``, opaque to autograd unless ``register_autograd`` gives its backward), ``Library`` /
``define`` / ``impl`` (a schema, then kernels), ``register_kernel``, ``register_fake`` (kept, as numtorch runs no
fake tensors), ``infer_schema``. Operators land in ``numtorch.ops``'s registry and are called through
``torch.ops.<ns>.<name>`` with their schema's checks. numtorch runs on the CPU only: a kernel registered for
another device only is not run (PyTorch's ``Could not run ... 'CPU' backend`` error), and the built-in ATen operators
cannot be overridden (``torch.add`` is not dispatched through ``torch.ops``)."""
import functools as _functools
import warnings as _warnings

from ._infer import infer_schema
from ..ops._overload import _register, _lookup, _unregister, OpOverload as _OpOverload
from ..ops._schema import FunctionSchema as _FunctionSchema

_BUILTIN = ("aten", "profiler", "prim", "prims")
_defined_namespaces = set()
_CPU_KEYS = ("", "CPU", "CompositeImplicitAutograd", "CompositeExplicitAutograd", "CompositeExplicitAutogradNonFunctional")
_DEVICE_KEYS = {"cpu": "CPU", "default": "CompositeExplicitAutograd", "cuda": "CUDA", "mps": "MPS", "xpu": "XPU",
                "meta": "Meta"}


def _user_kernel(fn, schema):
    """``fn`` called with the schema's keyword-only arguments as keywords (kernels get values in schema order)."""
    kw = [i for i, a in enumerate(schema.arguments) if a.kwarg_only]
    if not kw:
        return fn
    names = [schema.arguments[i].name for i in kw]
    first = kw[0]

    @_functools.wraps(fn)
    def kernel(*values):
        return fn(*values[:first], **dict(zip(names, values[first:])))
    return kernel


def _split_name(op_name, ns):
    if isinstance(op_name, _OpOverload):
        return op_name._namespace, op_name._opname, op_name._overloadname
    if "::" in op_name:
        ns, op_name = op_name.split("::")
    name, _, ov = op_name.partition(".")
    return ns, name, ov or "default"


def _entry_of(op, ns=None):
    if isinstance(op, CustomOpDef):
        return op._entry
    ns, name, ov = _split_name(op, ns)
    if ns in _BUILTIN:
        raise NotImplementedError(f"{ns}::{name}: numtorch cannot change its built-in operators through "
                                  f"torch.library (torch.{name} and its Tensor method do not dispatch through "
                                  f"torch.ops); define a new operator in your own namespace instead")
    entry = _lookup(ns, name, ov)
    if entry is None:
        raise RuntimeError(f"operator {ns}::{name}{'' if ov == 'default' else '.' + ov} does not exist")
    return entry


class Library:
    """A set of operator definitions (``kind="DEF"``: a new namespace, ``"FRAGMENT"``: more of one, ``"IMPL"``:
    kernels only) in namespace ``ns``."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError(f"Unsupported kind: {kind}")
        if ns == "prim" and kind in ("DEF", "FRAGMENT"):
            raise ValueError(f"{ns} is a reserved namespace. Please try creating a library with another name.")
        if kind == "DEF" and (ns in _BUILTIN or ns in _defined_namespaces):
            raise RuntimeError(f"Only a single TORCH_LIBRARY can be used to register the namespace {ns}; please "
                               f"put all of your definitions in a single TORCH_LIBRARY block.  If you were trying "
                               f"to specify implementations, consider using TORCH_LIBRARY_IMPL (which can be "
                               f"duplicated).  If you really intended to define operators for a single namespace "
                               f"in a distributed way, you can use TORCH_LIBRARY_FRAGMENT to explicitly indicate "
                               f"this")
        if kind == "DEF":
            _defined_namespaces.add(ns)
        self.ns = ns
        self.kind = kind
        self.dispatch_key = dispatch_key
        self._op_defs = set()
        self._op_impls = set()
        self._entries = []

    def __repr__(self):
        return f"Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>"

    def define(self, schema, alias_analysis="", *, tags=()):
        """Adds the operator ``schema`` (``"foo(Tensor x) -> Tensor"``) to ``ns``; returns its name."""
        if self.kind == "IMPL":
            raise RuntimeError("define() is not allowed on an IMPL library: use a DEF or FRAGMENT library")
        entry = _register(f"{self.ns}::{schema}")
        entry.owner = self
        self._entries.append(entry)
        name = schema.split("(", 1)[0]
        self._op_defs.add(f"{self.ns}::{name}")
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=False):
        """Registers ``fn`` as the kernel of ``op_name`` (``"foo"`` / ``"foo.overload"`` / an ``OpOverload``)
        for ``dispatch_key`` (CPU and the Composite keys run here; Autograd kernels handle gradients
        themselves; Meta kernels are kept; other devices are recorded but never run)."""
        if with_keyset:
            raise NotImplementedError("Library.impl(with_keyset=True): numtorch has no dispatch key sets to pass")
        entry = _entry_of(op_name, self.ns)
        key = dispatch_key or self.dispatch_key
        if key == "Meta":
            entry.fake = fn
        elif key in _CPU_KEYS or key.startswith("Autograd"):
            entry.kernel = _user_kernel(fn, entry.schema)
            if key.startswith("Autograd"):
                entry.opaque = False     # the kernel computes its own gradients (e.g. an autograd.Function)
        self._op_impls.add(f"{entry.schema.name}/{key}")

    def _destroy(self):
        for entry in self._entries:
            _unregister(entry)
        self._entries = []
        if self.kind == "DEF":
            _defined_namespaces.discard(self.ns)


def _fragment(ns, lib):
    return lib if lib is not None else Library(ns, "FRAGMENT")


def define(qualname, schema, *, lib=None, tags=()):
    """Defines operator ``ns::name`` with ``schema`` (``"(Tensor x) -> Tensor"``)."""
    ns, name = qualname.split("::")
    _fragment(ns, lib).define(name + schema, tags=tags)


def _device_keys(types):
    if types is None:
        return ["CompositeExplicitAutograd"]
    if isinstance(types, str):
        types = [types]
    return [_DEVICE_KEYS.get(t, t) for t in types]


def impl(qualname, types, func=None, *, lib=None):
    """Registers ``func`` as the kernel of operator ``qualname`` for device types ``types`` (``"cpu"``,
    ``"default"``, or dispatch keys); a decorator when ``func`` is left out. The older form
    ``impl(lib, name, dispatch_key)`` returns a decorator too."""
    if isinstance(qualname, Library):
        lib_, name, key = qualname, types, func or ""

        def register(f):
            lib_.impl(name, f, key)
            return f
        return register

    def register(f):
        ns = qualname.split("::")[0]
        library = _fragment(ns, lib)
        for key in _device_keys(types):
            library.impl(qualname, f, key)
        return f
    return register if func is None else register(func)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """A kernel for ``device_types`` (``None``: every device) of a custom operator."""
    if isinstance(op, CustomOpDef):
        return op.register_kernel(device_types, func)

    def register(f):
        entry = _entry_of(op)
        if device_types is None or "cpu" in ([device_types] if isinstance(device_types, str) else device_types):
            entry.kernel = _user_kernel(f, entry.schema)
        return f
    return register if func is None else register(func)


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    """The fake (shape-only) implementation of ``op``, used by PyTorch's compiler and export; numtorch keeps it and
    never calls it (it runs every operator on real tensors)."""
    def register(f):
        if isinstance(op, CustomOpDef):
            op.register_fake(f)
        else:
            _entry_of(op).fake = f
        return f
    return register if func is None else register(func)


def impl_abstract(qualname, func=None, *, lib=None, _stacklevel=1):
    """Renamed ``register_fake``."""
    _warnings.warn("`torch.library.impl_abstract` was renamed to `torch.library.register_fake`. Please use that "
                   "instead; we will remove `torch.library.impl_abstract` in a future version of PyTorch.",
                   FutureWarning, stacklevel=2)
    return register_fake(qualname, func, lib=lib)


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    """The backward of ``op``: ``backward(ctx, *grads)`` returns one gradient per input (None for
    non-tensors); ``setup_context(ctx, inputs, output)`` saves what it needs during the forward."""
    if isinstance(op, CustomOpDef):
        return op.register_autograd(backward, setup_context=setup_context)
    entry = _entry_of(op)
    entry.autograd = (backward, setup_context)


def get_ctx():
    """The fake-implementation context: None, since numtorch never runs fake implementations."""
    return None


def fallthrough_kernel():
    """A marker kernel for ``Library.impl``; never meant to be called."""
    raise NotImplementedError("fallthrough_kernel() should never be called.")


class CustomOpDef:
    """What ``custom_op`` returns: calling it calls ``torch.ops.<ns>.<name>.default``."""

    def __init__(self, namespace, name, schema, fn, tags=None):
        self._namespace = namespace
        self._name = name
        self._qualname = f"{namespace}::{name}"
        self._schema = schema
        self._init_fn = fn
        self._tags = tags
        self._backend_fns = {}
        self._abstract_fn = None
        self._backward_fn = None
        self._setup_context_fn = None
        old = _lookup(namespace, name)
        if old is not None and old.opaque:
            _unregister(old)     # a custom_op defined again under the same name replaces the old one
        self._entry = _register(_FunctionSchema(f"{self._qualname}{schema}"))
        self._entry.opaque = True

    @property
    def _opoverload(self):
        import numtorch.ops
        return getattr(getattr(numtorch.ops, self._namespace), self._name).default

    def __call__(self, *args, **kwargs):
        return self._opoverload(*args, **kwargs)

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"

    def register_kernel(self, device_types, fn=None, /):
        """``fn`` runs the operator on ``device_types`` (numtorch runs the CPU / all-device kernel)."""
        def register(f):
            types = [device_types] if isinstance(device_types, str) or device_types is None else device_types
            for t in types:
                self._backend_fns[t] = f
            if device_types is None or "cpu" in types:
                self._entry.kernel = _user_kernel(f, self._entry.schema)
            return f
        return register if fn is None else register(fn)

    def register_fake(self, fn, /):
        self._abstract_fn = fn
        self._entry.fake = fn
        return fn

    def register_autograd(self, backward, /, *, setup_context=None):
        self._backward_fn = backward
        self._setup_context_fn = setup_context
        self._entry.autograd = (backward, setup_context)


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Turns ``fn`` (type-annotated; ``mutates_args`` names the tensors it writes to) into operator ``name``
    (``"mylib::op"``), callable as ``torch.ops.mylib.op``; a decorator when ``fn`` is left out. Autograd sees it
    as one opaque operator: gradients need ``register_autograd``."""
    def inner(f):
        s = infer_schema(f, mutates_args=mutates_args) if schema is None else schema
        ns, opname = name.split("::")
        result = CustomOpDef(ns, opname, s, f, tags)
        result.register_kernel(device_types, f)
        return result
    return inner if fn is None else inner(fn)


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.library.{name}'")


__all__ = ["Library", "impl", "define", "fallthrough_kernel", "impl_abstract", "register_fake", "get_ctx",
           "custom_op", "infer_schema"]
