"""``torch.fx.node``: one operation of a ``Graph`` (its op kind, target, arguments, users)."""
import builtins

__all__ = ["Node", "map_arg", "map_aggregate", "has_side_effect"]

_LEGAL_OPS = frozenset(["placeholder", "call_method", "call_module", "call_function", "get_attr", "output", "root"])
_side_effectful_functions = set()


def has_side_effect(fn):
    """Marks ``fn`` as having side effects, so ``eliminate_dead_code`` keeps its nodes."""
    _side_effectful_functions.add(fn)
    return fn


def map_aggregate(a, fn):
    """Applies ``fn`` to every leaf of ``a`` (tuples, named tuples, lists, dicts and slices are walked)."""
    if isinstance(a, tuple):
        t = tuple(map_aggregate(e, fn) for e in a)
        return t if not hasattr(a, "_fields") else type(a)(*t)
    if isinstance(a, list):
        return [map_aggregate(e, fn) for e in a]
    if isinstance(a, dict):
        return {k: map_aggregate(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Applies ``fn`` to every ``Node`` inside the argument structure ``a``."""
    if not callable(fn):
        raise AssertionError("torch.fx.map_arg(a, fn): fn must be a callable")
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def _find_module_of(fn):
    from ._patch import public_name
    name = public_name(fn)
    if name is not None:
        return name.rpartition(".")[0]
    mod = getattr(fn, "__module__", None)
    if mod is None:
        for guess in ("math", "operator"):
            m = __import__(guess)
            if getattr(m, fn.__name__, None) is fn:
                return guess
        raise RuntimeError(f"cannot find the module of {fn}")
    return mod


def _get_qualified_name(fn):
    """``module.name`` of a callable as generated code spells it (``torch.relu``, ``operator.add``)."""
    if getattr(builtins, getattr(fn, "__name__", ""), None) is fn:
        return fn.__name__
    from ._patch import public_name
    name = public_name(fn)
    if name is not None:
        return name
    if isinstance(fn, type) and fn.__module__.startswith("numtorch"):
        return _class_name(fn)
    mod = _find_module_of(fn)
    # operators (torch.ops.aten.add.Tensor) carry torch's module name ``torch._ops.<ns>``, as in PyTorch
    return f"{mod}.{fn.__name__}".replace("torch._ops", "torch.ops")


def _class_name(cls):
    import numtorch
    for ns, prefix in ((numtorch, "torch"), (numtorch.nn, "torch.nn")):
        if getattr(ns, cls.__name__, None) is cls:
            return f"{prefix}.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _format_arg(arg, max_list_len=float("inf")):
    if hasattr(arg, "_custom_fx_repr_fn"):
        return arg._custom_fx_repr_fn()
    if isinstance(arg, list):
        items = ", ".join(_format_arg(a) for idx, a in enumerate(arg) if idx < max_list_len)
        maybe_len = "" if len(arg) < max_list_len + 1 else f", ...[total_len={len(arg)}]"
        return f"[{items}{maybe_len}]"
    if isinstance(arg, tuple):
        items = ", ".join(_format_arg(a) for idx, a in enumerate(arg) if idx < max_list_len)
        maybe_len = "" if len(arg) < max_list_len + 1 else f", ...[total_len={len(arg)}]"
        maybe_comma = "," if len(arg) == 1 else ""
        return f"({items}{maybe_comma}{maybe_len})"
    if isinstance(arg, dict):
        items = ", ".join(f"{k}: {_format_arg(v)}" for k, v in arg.items())
        return f"{{{items}}}"
    if isinstance(arg, Node):
        return "%" + str(arg)
    return str(arg)


def _type_repr(t):
    if isinstance(t, type):
        if t.__module__ == "builtins":
            return t.__qualname__
        return f"{t.__module__}.{t.__qualname__}"
    return repr(t)


class Node:
    """One operation: ``op`` is placeholder / get_attr / call_function / call_method / call_module / output;
    ``target`` what is called (a callable, a method name or a module path); ``args``/``kwargs`` may hold other
    Nodes, whose ``users`` record this node."""

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        if op not in _LEGAL_OPS:
            raise AssertionError(f"Invalid op {op!r}, expected one of {sorted(_LEGAL_OPS)}")
        if op == "call_function" and not callable(target):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target)} but a Callable is expected")
        if op in ("placeholder", "call_method", "call_module", "get_attr") and not isinstance(target, str):
            raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                             f"{type(target)} but a str is expected")
        self.graph = graph
        self.name = name
        self.op = op
        self.target = target
        self._input_nodes = {}
        self.users = {}
        self.type = return_type
        self._prev = self
        self._next = self
        self._erased = False
        self.meta = {}
        self._args = ()
        self._kwargs = {}
        self._update_args_kwargs(args, kwargs)

    # ---------------------------------------------------------------- list
    @property
    def next(self):
        return self._next

    @property
    def prev(self):
        return self._prev

    def prepend(self, x):
        """Moves node ``x`` to just before this node."""
        if x is self:
            return
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x):
        """Moves node ``x`` to just after this node."""
        self._next.prepend(x)

    def _remove_from_list(self):
        p, n = self._prev, self._next
        p._next, n._prev = n, p

    # ---------------------------------------------------------------- args
    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, a):
        self._update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k):
        self._update_args_kwargs(self._args, k)

    @property
    def all_input_nodes(self):
        """The Nodes this node reads, in the order they appear in ``args`` then ``kwargs``."""
        return list(self._input_nodes)

    def update_arg(self, idx, arg):
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def update_kwarg(self, key, arg):
        self.kwargs = {**self.kwargs, key: arg}

    def insert_arg(self, idx, arg):
        args = list(self.args)
        args.insert(idx, arg)
        self.args = tuple(args)

    def _update_args_kwargs(self, new_args, new_kwargs):
        for old in self._input_nodes:
            old.users.pop(self, None)
        self._input_nodes = {}
        self._args = map_aggregate(tuple(new_args), lambda x: x)
        self._kwargs = dict(new_kwargs)
        map_arg(self._args, self._input_nodes.setdefault)
        map_arg(self._kwargs, self._input_nodes.setdefault)
        for n in self._input_nodes:
            n.users.setdefault(self)

    def replace_all_uses_with(self, replace_with, delete_user_cb=lambda user: True, *, propagate_meta=False):
        """Rewrites every user of this node to read ``replace_with`` instead; returns the users changed."""
        if propagate_meta:
            for k, v in self.meta.items():
                replace_with.meta.setdefault(k, v)
        to_process = list(self.users)
        done = []
        for use in to_process:
            if not delete_user_cb(use):
                continue
            done.append(use)
            use._replace_input(self, replace_with)
        return done

    def replace_input_with(self, old_input, new_input):
        self._replace_input(old_input, new_input)

    def _replace_input(self, old, new):
        f = lambda n: new if n is old else n  # noqa: E731
        self._update_args_kwargs(map_arg(self._args, f), map_arg(self._kwargs, f))

    # ---------------------------------------------------------------- info
    @property
    def stack_trace(self):
        return self.meta.get("stack_trace")

    @stack_trace.setter
    def stack_trace(self, trace):
        self.meta["stack_trace"] = trace

    def is_impure(self, impure_random=True):
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_function":
            return self.target in _side_effectful_functions
        if self.op == "call_module" and self.graph.owning_module is not None:
            m = self.graph.owning_module.get_submodule(self.target)
            return getattr(m, "_is_impure", False)
        return False

    @staticmethod
    def _pretty_print_target(target):
        if isinstance(target, str):
            return target
        mod = getattr(target, "__module__", None)
        name = getattr(target, "__name__", None)
        if mod == "builtins":
            return f"builtins.{name}"
        if mod == "_operator":
            return f"operator.{name}"
        return _get_qualified_name(target)

    def format_node(self, placeholder_names=None, maybe_return_typename=None, *, include_tensor_metadata=False):
        """One line of ``str(graph)``: ``%name : [num_users=n] = op[target=t](args = ..., kwargs = ...)``."""
        if self.op == "placeholder":
            arg_str = self.target
            arg_str += arg_str + f": {_type_repr(self.type)}" if self.type else ""
            if placeholder_names:
                placeholder_names.append(arg_str)
                return None
            maybe_typename = f"{_type_repr(self.type)} " if self.type else ""
            default_val = "(default=" + str(self.args[0]) + ")" if self.args else ""
            return (f"%{self.name} : {maybe_typename}[num_users={len(self.users)}] = "
                    f"{self.op}[target={self.target}]{default_val}")
        if self.op == "get_attr":
            maybe_typename = f"{_type_repr(self.type)} " if self.type is not None else ""
            return (f"%{self.name} : {maybe_typename}[num_users={len(self.users)}] = "
                    f"{self.op}[target={self._pretty_print_target(self.target)}]")
        if self.op == "output":
            if self.type and maybe_return_typename:
                maybe_return_typename[0] = f" -> {_type_repr(self.type)}"
            return f"return {self.args[0]}"
        maybe_typename = f"{_type_repr(self.type)} " if self.type is not None else ""
        return (f"%{self.name} : {maybe_typename}[num_users={len(self.users)}] = "
                f"{self.op}[target={self._pretty_print_target(self.target)}]("
                f"args = {_format_arg(self.args)}, kwargs = {_format_arg(self.kwargs)})")

    def __repr__(self):
        return self.name

    def _rename(self, candidate):
        if candidate == self.name:
            return
        name = self.graph._graph_namespace.create_name(candidate, None)
        self.name = name
        self.graph._graph_namespace._rename_object(self, name)


Target = object
Argument = object
