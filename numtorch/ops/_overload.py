"""The objects behind ``torch.ops``: the registry of operators (namespace -> name -> overload -> schema and
kernel), ``_OpNamespace`` (``torch.ops.aten``), ``OpOverloadPacket`` (``torch.ops.aten.add``) and ``OpOverload``
(``torch.ops.aten.add.Tensor``), with PyTorch's names, reprs, overload resolution and error messages."""
import sys
import types

from ._schema import FunctionSchema, SchemaMismatch, bind

# namespace -> op name -> overload name ("default" for the unnamed one) -> _Entry, in registration order
_REGISTRY = {}


class _Entry:
    __slots__ = ("schema", "kernel", "autograd", "opaque", "fake", "owner")

    def __init__(self, schema, kernel):
        self.schema = schema
        self.kernel = kernel
        self.autograd = None    # (backward, setup_context) registered by torch.library.register_autograd
        self.opaque = False     # torch.library.custom_op: the kernel is a black box to autograd
        self.fake = None        # torch.library.register_fake's function (kept; numtorch never runs fake tensors)
        self.owner = None       # the torch.library.Library that defined it


def _unregister(entry):
    ns, op = entry.schema.name.split("::")
    ops = _REGISTRY.get(ns, {}).get(op, {})
    ops.pop(entry.schema.overload_name or "default", None)
    if not ops:
        _REGISTRY.get(ns, {}).pop(op, None)
        namespace = sys.modules.get("numtorch.ops")
        ns_obj = vars(namespace).get(ns) if namespace is not None else None
        if ns_obj is not None and op in vars(ns_obj):
            delattr(ns_obj, op)
            ns_obj._dir.remove(op)


def _register(schema, kernel=None):
    """Adds ``ns::op.overload`` (a schema string or ``FunctionSchema``) with its kernel; returns the entry."""
    if not isinstance(schema, FunctionSchema):
        schema = FunctionSchema(schema)
    ns, op = schema.name.split("::")
    ov = schema.overload_name or "default"
    ops = _REGISTRY.setdefault(ns, {}).setdefault(op, {})
    if ov in ops:
        raise RuntimeError(f"Tried to register an operator ({schema}) with the same name and overload name "
                           f"multiple times. Each overload's schema should only be registered with a single call "
                           f"to def(). Duplicate registration: {ns}::{op}.{ov}")
    ops[ov] = entry = _Entry(schema, kernel)
    return entry


def _lookup(ns, op, ov="default"):
    return _REGISTRY.get(ns, {}).get(op, {}).get(ov)


def _maybe_trace(target, args, kwargs):
    """A Proxy among the arguments (while ``numtorch.fx`` traces): the call becomes a ``call_function`` node,
    as PyTorch's ``__torch_function__`` records it. Nothing is imported when fx was never loaded."""
    if "numtorch.fx._patch" not in sys.modules:
        return None
    from ..fx._patch import find_proxy
    p = find_proxy(args, kwargs)
    if p is None:
        return None
    return p.tracer.create_proxy("call_function", target, args, kwargs)


def _is_dunder(name):
    return name.startswith("__") and name.endswith("__")


class OpOverload:
    """One overload of an operator (``torch.ops.aten.add.Tensor``): called, it binds the arguments to the schema
    (PyTorch's checks and messages) and runs numtorch's kernel."""

    def __init__(self, packet, entry):
        schema = entry.schema
        self._entry = entry
        self._schema = schema
        self._overloadpacket = packet
        self._namespace, self._opname = schema.name.split("::")
        self._overloadname = schema.overload_name or "default"
        self._name = schema.name + (f".{schema.overload_name}" if schema.overload_name else "")
        self.__name__ = f"{self._opname}.{self._overloadname}"
        self.__qualname__ = self._name
        self.__module__ = packet.__module__
        self.__doc__ = f"{self._namespace}.{self._opname}.{self._overloadname}: {schema}"

    def name(self):
        return self._name

    @property
    def namespace(self):
        return self._namespace

    @property
    def overloadpacket(self):
        return self._overloadpacket

    @property
    def op(self):
        return self._entry.kernel

    @property
    def tags(self):
        return []

    @property
    def is_view(self):
        return self._schema.is_view

    def decompose(self, *args, **kwargs):
        return NotImplemented

    def __call__(self, *args, **kwargs):
        traced = _maybe_trace(self, args, kwargs)
        if traced is not None:
            return traced
        try:
            values = bind(self._schema, args, kwargs)
        except SchemaMismatch as e:
            raise RuntimeError(str(e)) from None
        return _run(self, values)

    def __repr__(self):
        return f"<OpOverload(op='{self._namespace}.{self._opname}', overload='{self._overloadname}')>"

    def __str__(self):
        return f"{self._namespace}.{self._opname}.{self._overloadname}"

    def __hash__(self):
        return id(self)

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _resolve, (self._namespace, self._opname, self._overloadname)


def _run(overload, values):
    entry = overload._entry
    if entry.kernel is None:
        raise NotImplementedError(f"Could not run '{entry.schema.name}' with arguments from the 'CPU' backend. "
                                  f"numtorch has no CPU kernel for it: register one with torch.library.impl, "
                                  f"Library.impl or register_kernel")
    if entry.opaque or entry.autograd is not None:
        from ..library._autograd import run_custom
        return run_custom(overload, values)
    return entry.kernel(*values)


def _resolve(ns, op, ov=None):
    packet = getattr(getattr(_ops_module(), ns), op)
    return packet if ov is None else getattr(packet, ov)


def _ops_module():
    import numtorch.ops
    return numtorch.ops


class OpOverloadPacket:
    """All overloads of one operator (``torch.ops.aten.add``): ``.Tensor``, ``.default``, ... are ``OpOverload``s;
    called, it runs the first overload whose schema the arguments fit (numbers standing in for tensors only
    where no overload fits without)."""

    def __init__(self, ns, op):
        self._ns = ns
        self._op_name = op
        self._qualified_op_name = f"{ns}::{op}"
        self.__name__ = op
        self.__qualname__ = op
        self.__module__ = f"torch._ops.{ns}"
        self._overloads_cache = {}

    @property
    def _overload_names(self):
        return list(_REGISTRY.get(self._ns, {}).get(self._op_name, {}))

    def overloads(self):
        return self._overload_names

    @property
    def op(self):
        return self

    def __getattr__(self, key):
        if _is_dunder(key) or key in ("_ns", "_op_name", "_qualified_op_name", "_overloads_cache"):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{key}'")
        entry = _lookup(self._ns, self._op_name, key)
        if entry is None:
            raise AttributeError(f"The underlying op of '{self}' has no overload name '{key}'")
        overload = OpOverload(self, entry)
        setattr(self, key, overload)
        return overload

    def __call__(self, *args, **kwargs):
        traced = _maybe_trace(self, args, kwargs)
        if traced is not None:
            return traced
        names = self._overload_names
        errors = []
        for lenient in (False, True):
            for ov in names:
                overload = getattr(self, ov)
                try:
                    values = bind(overload._schema, args, kwargs, lenient=lenient)
                except SchemaMismatch as e:
                    if lenient:
                        errors.append(str(e))
                    continue
                return _run(overload, values)
        if len(errors) == 1:
            raise RuntimeError(errors[0])
        raise RuntimeError("Overloaded torch operator invoked from Python failed to match any schema:\n"
                           + "\n\n".join(errors))

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self._ns}.{self._op_name}')>"

    def __str__(self):
        return f"{self._ns}.{self._op_name}"

    def __hash__(self):
        return id(self)

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _resolve, (self._ns, self._op_name)


class _OpNamespace(types.ModuleType):
    """``torch.ops.<ns>``: its attributes are the operators registered in ``ns``, as ``OpOverloadPacket``s."""

    __file__ = "torch.ops"

    def __init__(self, name):
        super().__init__("torch.ops." + name)
        self.name = name
        self._dir = []

    def __iter__(self):
        return iter(self._dir)

    def __getattr__(self, op_name):
        if _is_dunder(op_name):
            raise AttributeError(f"Invalid attribute '{op_name}' for '_OpNamespace' '{self.name}'")
        if op_name not in _REGISTRY.get(self.name, {}):
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op_name}'")
        packet = OpOverloadPacket(self.name, op_name)
        setattr(self, op_name, packet)
        self._dir.append(op_name)
        return packet


class _Ops(types.ModuleType):
    """The class of the ``torch.ops`` module: any attribute is an operator namespace (made on first use, as in
    PyTorch, so ``torch.ops.mylib`` exists before its operators are defined)."""

    def __getattr__(self, name):
        if _is_dunder(name):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        ns = _OpNamespace(name)
        setattr(self, name, ns)
        return ns

    def __iter__(self):
        return iter(n for n, v in vars(self).items() if isinstance(v, _OpNamespace))

    def load_library(self, path):
        """PyTorch loads a shared library of compiled operators here; numtorch has no C++ dispatcher to load
        it into."""
        raise OSError(f"Could not load this library: {path}: numtorch cannot load compiled PyTorch operator "
                      f"libraries (torch.ops.load_library needs PyTorch's C++ dispatcher); define the operators "
                      f"in Python with torch.library.custom_op instead")

    def import_module(self, module):
        import importlib
        importlib.import_module(module)
