"""``torch.fx.symbolic_trace`` and ``Tracer``: run ``forward`` on Proxies and record what it does."""
import inspect
import math

from .graph import Graph
from .proxy import TracerBase, ParameterProxy
from . import _patch

__all__ = ["PH", "Tracer", "symbolic_trace", "wrap"]


class PHBase:
    """An object to stand for a placeholder in ``concrete_args``."""

    def __repr__(self):
        return "PH"


PH = PHBase()

# (id(globals), name) -> globals: functions registered with wrap(), patched in every trace
_wrapped_fns_to_patch = {}


def wrap(fn_or_name):
    """Called at module scope: calls of this module-level function are recorded as one ``call_function``
    node instead of being traced through (``wrap("len")`` or ``wrap(my_fn)``)."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    if callable(fn_or_name):
        fn_name = fn_or_name.__name__
    else:
        fn_name = fn_or_name
    f = inspect.currentframe().f_back
    if f.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    _wrapped_fns_to_patch[(id(f.f_globals), fn_name)] = f.f_globals
    return fn_or_name


def _is_nn_module(m):
    from ..nn import Module
    return isinstance(m, Module)


class Tracer(TracerBase):
    """Records the operations of ``root.forward`` (or a function) into a ``Graph``.

    Standard ``nn`` modules are leaves (one ``call_module`` node); other modules are traced through.
    ``autowrap_modules``' functions and ``autowrap_functions`` found in a traced function's globals are
    recorded as calls instead of run."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        super().__init__()
        self._autowrap_function_ids = {id(v) for m in autowrap_modules for k, v in m.__dict__.items()
                                       if not k.startswith("_") and callable(v)}
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root_module_name = ""
        self.scope = None
        self.module_stack = {}
        self.node_name_to_scope = {}

    def create_arg(self, a):
        """Parameters and buffers of the root become ``get_attr`` nodes; other tensors are stored on the root
        as ``_tensor_constant<i>``."""
        from .._tensor import Tensor
        from ..nn import Parameter, Module
        if isinstance(a, Parameter):
            for n, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", n, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, Tensor):
            qualname = self.tensor_attrs.get(id(a))
            if not qualname:
                i = 0
                while True:
                    qualname = f"_tensor_constant{i}"
                    if not hasattr(self.root, qualname):
                        break
                    i += 1
                self.tensor_attrs[id(a)] = qualname
                setattr(self.root, qualname, a)
            return self.create_node("get_attr", qualname, (), {})
        if isinstance(a, Module):
            raise NotImplementedError(f"argument of type: {type(a)}")
        return super().create_arg(a)

    def is_leaf_module(self, m, module_qualified_name):
        """Modules of ``torch.nn`` (numtorch.nn here) are leaves, except ``Sequential``."""
        from ..nn import Sequential
        mod = type(m).__module__
        return ((mod.startswith("numtorch.nn") or mod.startswith("torch.nn") or mod.startswith("torch.ao.nn"))
                and not isinstance(m, Sequential))

    def path_of_module(self, mod):
        """The qualified name of ``mod`` inside the root (``layer1.0.conv1``)."""
        if self.submodule_paths:
            path = self.submodule_paths.get(mod)
            if path is None:
                raise NameError("module is not installed as a submodule")
            return path
        for n, p in self.root.named_modules():
            if mod is p:
                return n
        raise NameError("module is not installed as a submodule")

    def call_module(self, m, forward, args, kwargs):
        """A leaf module becomes a ``call_module`` node; any other is traced through ``forward``."""
        qualname = self.path_of_module(m)
        if not self.is_leaf_module(m, qualname):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", qualname, args, kwargs)

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """Reading a parameter (or buffer) of the root inside ``forward`` gives a ``get_attr`` Proxy."""
        from .._tensor import Tensor
        from ..nn import Parameter

        def maybe_proxy(val, collection):
            for n, p in collection:
                if val is p:
                    if n not in parameter_proxy_cache:
                        kw = {}
                        if "proxy_factory_fn" in inspect.signature(self.create_proxy).parameters:
                            kw["proxy_factory_fn"] = (None if not self.param_shapes_constant
                                                      else lambda node: ParameterProxy(self, node, n, attr_val))
                        parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {}, **kw)
                    return parameter_proxy_cache[n]
            return None

        if isinstance(attr_val, Parameter):
            p = maybe_proxy(attr_val, self.root.named_parameters())
            if p is not None:
                return p
        if self.proxy_buffer_attributes and isinstance(attr_val, Tensor):
            p = maybe_proxy(attr_val, self.root.named_buffers())
            if p is not None:
                return p
        return attr_val

    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """Placeholders for the parameters of ``root_fn`` (``self`` skipped); ``concrete_args`` are baked in."""
        fn_for_analysis = inspect.unwrap(root_fn)
        co = fn_for_analysis.__code__
        total_args = co.co_argcount + co.co_kwonlyargcount
        names_iter = iter(co.co_varnames)
        args = []
        skip = 0
        if is_module:
            if total_args == 0:
                raise RuntimeError("``self`` argument cannot be part of *args expansion!")
            skip = 1
            next(names_iter)
            args.append(self.root)
        sig = inspect.signature(fn_for_analysis)
        if isinstance(concrete_args, tuple):
            if len(concrete_args) != len(sig.parameters) - skip:
                raise RuntimeError(f"Tracing expected {len(sig.parameters) - skip} arguments but got "
                                   f"{len(concrete_args)} concrete arguments")
            concrete_args = dict(zip(list(sig.parameters)[skip:], concrete_args))

        def proxy_placeholder(name):
            if concrete_args is not None and name in concrete_args:
                value = concrete_args[name]
                if value is PH or isinstance(value, PHBase):
                    return self.create_proxy("placeholder", f"{name}_1", (), {})
                param = sig.parameters[name]
                default = () if param.default is inspect.Parameter.empty else (param.default,)
                self.create_proxy("placeholder", f"{name}_1", default, {})
                return value
            if name[0] == "*":
                default = ()
            else:
                param = sig.parameters[name]
                default = () if param.default is inspect.Parameter.empty else (param.default,)
            return self.create_proxy("placeholder", name, default, {},
                                     type_expr=fn_for_analysis.__annotations__.get(name, None))

        arg_names = [next(names_iter) for _ in range(skip, total_args)]
        args.extend(proxy_placeholder(n) for n in arg_names)
        if co.co_kwonlyargcount > 0 or co.co_flags & inspect.CO_VARARGS or co.co_flags & inspect.CO_VARKEYWORDS:
            if co.co_flags & inspect.CO_VARARGS:
                args.append(proxy_placeholder("*" + next(names_iter)))
            if co.co_flags & inspect.CO_VARKEYWORDS:
                args.append(proxy_placeholder("**" + next(names_iter)))
            root_fn = _patch_function(root_fn, len(args))
        return root_fn, args

    def trace(self, root, concrete_args=None):
        """Traces ``root`` (a Module or a function) and returns the Graph."""
        from ..nn import Module
        if isinstance(root, Module):
            self.root = root
            fn = type(root).forward
        else:
            self.root = Module()
            fn = root
        self.graph = Graph(tracer_cls=getattr(self, "__class__", None))
        self.tensor_attrs = {}

        def collect(m, prefix):
            for k, v in m.__dict__.items():
                from .._tensor import Tensor
                if isinstance(v, Tensor):
                    self.tensor_attrs[id(v)] = ".".join(prefix + [k])
            for k, v in m._parameters.items():
                if v is not None:
                    self.tensor_attrs[id(v)] = ".".join(prefix + [k])
            for k, v in m._buffers.items():
                if v is not None:
                    self.tensor_attrs[id(v)] = ".".join(prefix + [k])
            for k, v in m.named_children():
                collect(v, prefix + [k])
        collect(self.root, [])

        fn_globals = fn.__globals__
        was_tracing = getattr(self, "_nt_tracing", False)
        self._nt_tracing = True  # (before the placeholders: proxies of a trace do not hold the wrappers)
        try:
            fn, args = self.create_args_for_root(fn, isinstance(root, Module), concrete_args)
        except BaseException:
            self._nt_tracing = was_tracing
            raise
        parameter_proxy_cache = {}
        orig_getattr = Module.__getattr__
        orig_call = Module.__dict__["__call__"]
        tracer = self
        patcher = _patch.Patcher()

        def module_getattr_wrapper(mod, attr):
            return tracer.getattr(attr, orig_getattr(mod, attr), parameter_proxy_cache)

        def module_call_wrapper(mod, *args, **kwargs):
            def forward(*args, **kwargs):
                return orig_call(mod, *args, **kwargs)
            fwd = getattr(type(mod), "forward", None)
            g = getattr(fwd, "__globals__", None)
            if g is not None:
                patcher.patch_globals(g, tracer._autowrap_function_ids)
            return tracer.call_module(mod, forward, args, kwargs)

        self.submodule_paths = {mod: name for name, mod in self.root.named_modules()}
        _patch.enable()
        try:
            patcher.patch_attr(Module, "__getattr__", module_getattr_wrapper)
            patcher.patch_attr(Module, "__call__", module_call_wrapper)
            for (_, name), g in list(_wrapped_fns_to_patch.items()):
                if name in g:
                    patcher.patch(g, name, _patch.wrapper_of(g[name], is_wrapped=True))
                else:
                    import builtins
                    if hasattr(builtins, name):
                        g[name] = _patch.wrapper_of(getattr(builtins, name), is_wrapped=True)
                        patcher._undo.append((g, name, _patch._MISSING))
            patcher.patch_globals(fn_globals, self._autowrap_function_ids)
            for m in self._autowrap_search:  # ``math.sqrt(proxy)`` reads the function from the module
                patcher.patch_globals(m.__dict__, self._autowrap_function_ids)
            out = fn(*args)
            self.create_node("output", "output", (self.create_arg(out),), {},
                             type_expr=fn.__annotations__.get("return", None))
        finally:
            patcher.undo()
            _patch.disable()
            self._nt_tracing = was_tracing
            self.submodule_paths = None
        return self.graph


def _patch_function(fn, nargs):
    """``fn`` with its ``*args``/``**kwargs`` turned into ordinary parameters, so each receives one Proxy."""
    import types
    co = fn.__code__
    flags = co.co_flags & ~(inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
    new_code = co.replace(co_flags=flags, co_argcount=nargs, co_kwonlyargcount=0)
    return types.FunctionType(new_code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)


def symbolic_trace(root, concrete_args=None):
    """``GraphModule(root, Tracer().trace(root, concrete_args))``: the traced module."""
    from .graph_module import GraphModule
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if _is_nn_module(root) else root.__name__
    return GraphModule(tracer.root, graph, name)
