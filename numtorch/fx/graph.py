"""``torch.fx.graph``: the ``Graph`` (a doubly linked list of ``Node``\\ s) and its Python code generator."""
import builtins
import enum
import inspect as _inspect
import keyword
import math
import operator
import re

from .node import Node, map_arg, _get_qualified_name, _type_repr
from . import _patch

__all__ = ["PythonCode", "CodeGen", "Graph"]

_illegal_names = {k: object() for k in keyword.kwlist}
_illegal_names.update(builtins.__dict__)
_snake_case_sub = re.compile(r"(?<=[a-z])([A-Z])").sub
_illegal_char_regex = re.compile("[^0-9a-zA-Z_]+")
_name_regex = re.compile(r"^([a-zA-Z_][0-9a-zA-Z_]*?)(?:_(\d+))?$")

reflectable_magic_methods = {
    "add": "{} + {}", "sub": "{} - {}", "mul": "{} * {}", "floordiv": "{} // {}", "truediv": "{} / {}",
    "div": "{} / {}", "mod": "{} % {}", "pow": "{} ** {}", "lshift": "{} << {}", "rshift": "{} >> {}",
    "and_": "{} & {}", "or_": "{} | {}", "xor": "{} ^ {}", "getitem": "{}[{}]", "matmul": "{} @ {}",
}
magic_methods = {"eq": "{} == {}", "ne": "{} != {}", "lt": "{} < {}", "gt": "{} > {}", "le": "{} <= {}",
                 "ge": "{} >= {}", "pos": "+{}", "neg": "-{}", "invert": "~{}", **reflectable_magic_methods}
inplace_methods = {"iadd": "{} += {}", "iand": "{} &= {}", "ifloordiv": "{} //= {}", "ilshift": "{} <<= {}",
                   "imod": "{} %= {}", "imul": "{} *= {}", "imatmul": "{} @= {}", "ior": "{} |= {}",
                   "ipow": "{} **= {}", "irshift": "{} >>= {}", "isub": "{} -= {}", "itruediv": "{} /= {}",
                   "ixor": "{} ^= {}", "setitem": "{}[{}] = {}"}


def _snake_case(s):
    return _snake_case_sub(r"_\1", s).lower()


def _is_magic(x):
    return x.startswith("__") and x.endswith("__")


class _Namespace:
    """Unique Python identifiers: each object gets one name, no name is used twice or shadows a builtin."""

    def __init__(self):
        self._obj_to_name = {}
        self._used_names = set()
        self._base_count = {}

    def create_name(self, candidate, obj):
        if obj is not None and obj in self._obj_to_name:
            return self._obj_to_name[obj]
        match = _name_regex.match(candidate)
        if match is None:
            candidate = _illegal_char_regex.sub("_", candidate)
            if not candidate:
                candidate = "_unnamed"
            if candidate[0].isdigit():
                candidate = f"_{candidate}"
            match = _name_regex.match(candidate)
        base, num = match.group(1, 2)
        if num is None or candidate in self._used_names:
            num = self._base_count.get(base, 0)
            if _illegal_names.get(candidate, obj) is not obj:
                num += 1
                candidate = f"{base}_{num}"
        else:
            num = int(num)
        while candidate in self._used_names:
            num += 1
            candidate = f"{base}_{num}"
        self._used_names.add(candidate)
        self._base_count[base] = num
        if obj is not None:
            self._obj_to_name[obj] = candidate
        return candidate

    def associate_name_with_obj(self, name, obj):
        self._obj_to_name.setdefault(obj, name)

    def _rename_object(self, obj, name):
        self._obj_to_name[obj] = name
        self._used_names.add(name)


class PythonCode:
    """Generated source ``src`` and the ``globals`` it runs in."""

    def __init__(self, src, globals):
        self.src = src
        self.globals = globals


def _format_target(base, target):
    r = base
    for e in target.split("."):
        r = f"{r}.{e}" if e.isidentifier() else f'getattr({r}, "{e}")'
    return r


class CodeGen:
    """Turns a Graph into the source of ``def forward(self, ...)``, freeing each value after its last use."""

    def __init__(self):
        self._func_name = "forward"

    def gen_fn_def(self, free_vars, maybe_return_annotation):
        if not free_vars or free_vars[0] != "self":
            free_vars.insert(0, "self")
        return f"def {self._func_name}({', '.join(free_vars)}){maybe_return_annotation}:"

    def generate_output(self, output_args):
        return f"return {output_args!r}"

    def process_inputs(self, *args):
        return args

    def process_outputs(self, outputs):
        return outputs

    def _gen_python_code(self, nodes, root_module, namespace):
        import numtorch
        from .._dtype import dtype as _nt_dtype
        from .._tensor import Tensor
        free_vars = []
        body = []
        globals_ = {}
        wrapped_fns = {}
        maybe_return_annotation = [""]

        def add_global(name_hint, obj):
            if _patch.public_name(obj) is not None or obj is numtorch:
                return name_hint
            if name_hint.startswith("torch.ops."):    # reached through the ``torch`` global, as PyTorch prints it
                return name_hint
            global_name = namespace.create_name(name_hint, obj)
            if global_name in globals_:
                return global_name
            globals_[global_name] = obj
            return global_name

        for name, obj in (("inf", math.inf), ("nan", math.nan), ("NoneType", type(None)),
                          ("device", numtorch.device)):
            namespace.create_name(name, obj)
            globals_[name] = obj
        namespace.create_name("torch", numtorch)
        globals_["torch"] = numtorch

        def type_repr(o):
            if isinstance(o, type):
                if o.__module__ == "builtins":
                    return o.__qualname__
                return add_global(_type_repr(o), o)
            return repr(o)

        def _get_repr(arg):
            if isinstance(arg, Node):
                return repr(arg)
            if isinstance(arg, tuple) and hasattr(arg, "_fields"):
                g = add_global(_get_qualified_name(type(arg)), type(arg))
                return f"{g}{tuple(arg)!r}"
            if isinstance(arg, enum.Enum):
                cls = arg.__class__
                return f"{add_global(cls.__name__, cls)}.{arg.name}"
            if isinstance(arg, Tensor):
                return f"torch.Tensor(size={list(arg.shape)}, dtype={str(arg.dtype).split('.')[-1]})"
            if isinstance(arg, tuple):
                if len(arg) == 1:
                    return f"({_get_repr(arg[0])},)"
                return "(" + ", ".join(_get_repr(a) for a in arg) + ")"
            if isinstance(arg, list):
                return "[" + ", ".join(_get_repr(a) for a in arg) + "]"
            if isinstance(arg, dict):
                return "{" + ", ".join(f"{_get_repr(k)}: {_get_repr(v)}" for k, v in arg.items()) + "}"
            if isinstance(arg, slice):
                return f"slice({_get_repr(arg.start)}, {_get_repr(arg.stop)}, {_get_repr(arg.step)})"
            if isinstance(arg, _nt_dtype):
                return repr(arg)
            if isinstance(arg, type) or callable(arg) and hasattr(arg, "__name__") and not isinstance(arg, Node):
                return add_global(_get_qualified_name(arg), arg)
            return repr(arg)

        def _format_args(args, kwargs):
            res = [_get_repr(a) for a in args]
            res.extend(f"{k} = {_get_repr(v)}" for k, v in kwargs.items())
            return ", ".join(res)

        node_to_last_use = {}
        user_to_last_uses = {}
        for node in reversed(nodes):
            for inp in node._input_nodes:
                if inp not in node_to_last_use:
                    node_to_last_use[inp] = node
                    user_to_last_uses.setdefault(node, []).append(inp)

        def delete_unused_values(user):
            if user.op == "placeholder":
                return
            if user.op == "output":
                body.append("\n")
                return
            to_delete = list(user_to_last_uses.get(user, []))
            if len(user.users) == 0:
                to_delete.append(user)
            if to_delete:
                body.append(";  " + " = ".join([repr(n) for n in to_delete] + ["None"]) + "\n")
            else:
                body.append("\n")

        def emit_node(node):
            ann = "" if node.type is None else f" : {type_repr(node.type)}"
            if node.op == "placeholder":
                default = "" if not node.args else f" = {_get_repr(node.args[0])}"
                free_vars.append(f"{node.target}{ann}{default}")
                raw_name = node.target.replace("*", "")
                if raw_name != repr(node):
                    body.append(f"{repr(node)} = {raw_name}\n")
                return
            if node.op == "call_method":
                body.append(f"{repr(node)}{ann} = {_format_target(_get_repr(node.args[0]), node.target)}"
                            f"({_format_args(node.args[1:], node.kwargs)})")
                return
            if node.op == "call_function":
                t = node.target
                if getattr(t, "__module__", "") == "_operator" and t.__name__ in magic_methods:
                    body.append(f"{repr(node)}{ann} = "
                                f"{magic_methods[t.__name__].format(*(_get_repr(a) for a in node.args))}")
                    return
                if getattr(t, "__module__", "") == "_operator" and t.__name__ in inplace_methods:
                    body.append(f"{inplace_methods[t.__name__].format(*(_get_repr(a) for a in node.args))};  "
                                f"{repr(node)}{ann} = {_get_repr(node.args[0])}")
                    return
                global_name = add_global(_get_qualified_name(t), t)
                if (global_name == "getattr" and len(node.args) == 2 and isinstance(node.args[1], str)
                        and node.args[1].isidentifier()):
                    body.append(f"{repr(node)}{ann} = {_format_target(_get_repr(node.args[0]), node.args[1])}")
                    return
                body.append(f"{repr(node)}{ann} = {global_name}({_format_args(node.args, node.kwargs)})")
                if node.meta.get("is_wrapped", False):
                    wrapped_fns.setdefault(global_name)
                return
            if node.op == "call_module":
                body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}"
                            f"({_format_args(node.args, node.kwargs)})")
                return
            if node.op == "get_attr":
                body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}")
                return
            if node.op == "output":
                if node.type is not None:
                    maybe_return_annotation[0] = f" -> {type_repr(node.type)}"
                body.append(self.generate_output(_Repr(_get_repr(node.args[0]))))
                return
            raise NotImplementedError(f"node: {node.op} {node.target}")

        for node in nodes:
            emit_node(node)
            delete_unused_values(node)
        if not body:
            body.append("pass\n")
        if wrapped_fns:
            from ._symbolic_trace import wrap
            globals_["wrap"] = wrap
            wrap_stmts = "\n".join(f'torch.fx._symbolic_trace.wrap("{name}")' for name in wrapped_fns)
        else:
            wrap_stmts = ""
        prologue = self.gen_fn_def(free_vars, maybe_return_annotation[0])
        code = "".join(body).lstrip("\n")
        code = "\n".join("    " + line for line in code.split("\n"))
        return PythonCode(f"\n{wrap_stmts}\n\n{prologue}\n{code}", globals_)


class _Repr:
    def __init__(self, s):
        self.s = s

    def __repr__(self):
        return self.s


class _InsertPoint:
    def __init__(self, graph, new_insert):
        self.graph = graph
        self.orig_insert, graph._insert = graph._insert, new_insert

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        self.graph._insert = self.orig_insert


class _NodeList:
    def __init__(self, graph, direction="_next"):
        self._graph = graph
        self._dir = direction

    def __len__(self):
        return self._graph._len

    def __iter__(self):
        root = self._graph._root
        d = self._dir
        cur = getattr(root, d)
        while cur is not root:
            if not cur._erased:
                yield cur
            cur = getattr(cur, d)

    def __reversed__(self):
        return iter(_NodeList(self._graph, "_prev" if self._dir == "_next" else "_next"))


class Graph:
    """The intermediate representation of FX: ``placeholder`` inputs, operations, one ``output``."""

    def __init__(self, owning_module=None, tracer_cls=None, tracer_extras=None):
        self._root = Node(self, "", "root", "", (), {})
        self._used_names = {}
        self._insert = self._root.prepend
        self._len = 0
        self._graph_namespace = _Namespace()
        self._owning_module = owning_module
        self._tracer_cls = tracer_cls
        self._tracer_extras = tracer_extras
        self._codegen = CodeGen()

    @property
    def owning_module(self):
        return self._owning_module

    @owning_module.setter
    def owning_module(self, mod):
        self._owning_module = mod

    @property
    def nodes(self):
        """The nodes in order (a live view: iteration skips nodes erased meanwhile)."""
        return _NodeList(self)

    def find_nodes(self, *, op, target=None, sort=True):
        return [n for n in self.nodes if n.op == op and (target is None or n.target == target)]

    # ------------------------------------------------------------ creation
    def create_node(self, op, target, args=None, kwargs=None, name=None, type_expr=None):
        """Creates a Node and inserts it at the current insertion point (the end by default)."""
        args = () if not args else args
        kwargs = {} if not kwargs else kwargs
        if not isinstance(args, tuple):
            raise AssertionError(f"args must be a tuple, got {type(args)}")
        if not isinstance(kwargs, dict):
            raise AssertionError(f"kwargs must be a dict, got {type(kwargs)}")
        candidate = name if name is not None else self._target_to_str(target)
        name = self._graph_namespace.create_name(candidate, None)
        n = Node(self, name, op, target, args, kwargs, type_expr)
        self._graph_namespace.associate_name_with_obj(name, n)
        self._insert(n)
        self._len += 1
        return n

    def _target_to_str(self, target):
        if callable(target):
            # numtorch's aliases (``arctan``) may carry their target's ``__name__``: name the node as called
            public = _patch.public_name(target)
            op = public.rpartition(".")[2] if public is not None else target.__name__
        else:
            op = target
            if _is_magic(op):
                op = op[2:-2]
        return _snake_case(op)

    def placeholder(self, name, type_expr=None, default_value=_inspect.Signature.empty):
        a = () if default_value is _inspect.Signature.empty else (default_value,)
        return self.create_node("placeholder", name, a, type_expr=type_expr)

    def get_attr(self, qualified_name, type_expr=None):
        return self.create_node("get_attr", qualified_name, type_expr=type_expr)

    def call_module(self, module_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_module", module_name, args, kwargs, type_expr=type_expr)

    def call_method(self, method_name, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_method", method_name, args, kwargs, type_expr=type_expr)

    def call_function(self, the_function, args=None, kwargs=None, type_expr=None):
        return self.create_node("call_function", the_function, args, kwargs, type_expr=type_expr)

    def output(self, result, type_expr=None):
        return self.create_node("output", "output", (result,), type_expr=type_expr)

    def node_copy(self, node, arg_transform=lambda x: x):
        """Copies ``node`` (from any graph) into this one, mapping its input Nodes through ``arg_transform``."""
        args = map_arg(node.args, arg_transform)
        kwargs = map_arg(node.kwargs, arg_transform)
        result = self.create_node(node.op, node.target, args, kwargs, node.name, node.type)
        result.meta = dict(node.meta)
        return result

    def graph_copy(self, g, val_map, return_output_node=False):
        """Copies every node of ``g`` except its output; returns the value the output returned."""
        for node in g.nodes:
            if node in val_map:
                continue
            if node.op == "output":
                rv = map_arg(node.args[0], lambda n: val_map[n])
                return rv if not return_output_node else (rv, node)
            val_map[node] = self.node_copy(node, lambda n: val_map[n])
        return None

    def __deepcopy__(self, memo=None):
        g = Graph(tracer_cls=self._tracer_cls)
        out = g.graph_copy(self, {}, return_output_node=True)
        if out is not None:
            rv, node = out
            g.output(rv, type_expr=node.type)
        g._codegen = self._codegen
        return g

    # ------------------------------------------------------------- editing
    def inserting_before(self, n=None):
        """Context manager: new nodes go just before ``n`` (the graph's start when ``n`` is None)."""
        if n is None:
            return self.inserting_after(self._root)
        return _InsertPoint(self, n.prepend)

    def inserting_after(self, n=None):
        """Context manager: each new node goes just after ``n`` (the graph's end when ``n`` is None)."""
        if n is None:
            return self.inserting_before(self._root)
        return _InsertPoint(self, n.append)

    def erase_node(self, to_erase):
        """Removes a node that no other node uses."""
        if len(to_erase.users) > 0:
            raise RuntimeError(f"Tried to erase Node {to_erase} but it still had {len(to_erase.users)} "
                               f"users in the graph: {to_erase.users}!")
        if to_erase.graph is not self:
            raise RuntimeError(f"Attempting to remove {to_erase} from wrong graph!")
        if to_erase._erased:
            import warnings
            warnings.warn(f"erase_node({to_erase}) on an already erased node")
            return
        to_erase._remove_from_list()
        to_erase._erased = True
        self._len -= 1
        to_erase._update_args_kwargs(map_arg(to_erase._args, lambda n: None),
                                     map_arg(to_erase._kwargs, lambda n: None))

    def eliminate_dead_code(self, is_impure_node=None):
        """Erases nodes without users that have no side effects; returns whether anything changed."""
        self.lint()
        changed = False
        for node in reversed(list(self.nodes)):
            impure = is_impure_node(node) if is_impure_node is not None else node.is_impure()
            if not impure and len(node.users) == 0:
                self.erase_node(node)
                changed = True
        return changed

    def lint(self):
        """Checks the invariants: users and inputs agree, inputs are defined before use, names are unique,
        targets of get_attr/call_module exist on the owning module."""
        seen_names = set()
        seen_values = set()
        for node in self.nodes:
            if node.op not in ("placeholder", "call_method", "call_module", "call_function", "get_attr", "output"):
                raise RuntimeError(f"Node {node} had unknown opcode {node.op}!")
            if node.graph is not self:
                raise RuntimeError(f"Node '{node}' does not belong to this Graph!")
            for arg in node._input_nodes:
                if arg.graph is not self:
                    raise RuntimeError(f"Argument '{arg}' of Node '{node}' does not belong to this Graph, "
                                       "but was used as an argument! If you are copying nodes from another "
                                       "graph, make sure to use ``arg_transform`` on node_copy() to remap values\n"
                                       f"{self}")
                if arg not in seen_values:
                    raise RuntimeError(f"Argument '{arg}' of Node '{node}' was used before it has been defined! "
                                       f"Please check that Nodes in the graph are topologically ordered\n{self}")
                if node not in arg.users:
                    raise RuntimeError(f"Node {node} uses {arg} but is not in its users")
            if node.name in seen_names:
                raise RuntimeError(f"Node redefined name {node.name}!")
            seen_names.add(node.name)
            seen_values.add(node)
        if self.owning_module is not None:
            for node in self.nodes:
                if node.op in ("get_attr", "call_module"):
                    m_itr = self.owning_module
                    for i, atom in enumerate(node.target.split(".")):
                        if not hasattr(m_itr, atom):
                            seen = ".".join(node.target.split(".")[:i])
                            raise RuntimeError(f"Node {node} target {node.target} references nonexistent "
                                               f"attribute {atom} of {seen}")
                        m_itr = getattr(m_itr, atom)

    # ------------------------------------------------------------- output
    def python_code(self, root_module, *, verbose=False, include_stride=False, include_device=False,
                    colored=False):
        """The generated ``forward`` as a ``PythonCode`` (source and globals)."""
        namespace = _Namespace()
        for node in self.nodes:
            namespace.create_name(node.name, node)
        return self._codegen._gen_python_code(list(self.nodes), root_module, namespace)

    def __str__(self):
        placeholder_names = []
        maybe_return_typename = [""]
        node_strs = [node.format_node(placeholder_names) for node in self.nodes]
        s = f"graph({', '.join(placeholder_names)}){maybe_return_typename[0]}:"
        for ns in node_strs:
            if ns:
                s += "\n    " + ns
        return s

    def print_tabular(self):
        """Prints one row per node (opcode, name, target, args, kwargs) in the ``tabulate`` package's plain
        layout; numtorch formats the table itself, so ``tabulate`` need not be installed."""
        rows = [[n.op, n.name, str(n.target), str(n.args), str(n.kwargs)] for n in self.nodes]
        headers = ["opcode", "name", "target", "args", "kwargs"]
        # tabulate's "simple" layout: a header gets at least two characters of padding
        widths = [max([len(h) + 2] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out = [line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
        print("\n".join(out))

    def set_codegen(self, codegen):
        self._codegen = codegen


del operator
