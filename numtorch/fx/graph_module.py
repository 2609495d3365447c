"""``torch.fx.graph_module``: ``GraphModule``, an ``nn.Module`` whose ``forward`` is generated from a Graph."""
import copy
import itertools
import linecache

from ..nn import Module as _Module
from .._tensor import Tensor as _Tensor
from .graph import Graph

__all__ = ["GraphModule", "reduce_graph_module", "reduce_package_graph_module"]

_counter = itertools.count()


def _exec_with_source(src, globals_):
    key = f"<eval_with_key>.{next(_counter)}"
    linecache.cache[key] = (len(src), None, src.splitlines(True), key)
    exec(compile(src, key, "exec"), globals_)


def _forward_from_src(src, globals_):
    g = dict(globals_)
    _exec_with_source(src, g)
    return g["forward"]


def _copy_attr(from_module, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:
            return
        if t is None:
            t = _Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    from ..nn import Parameter
    if isinstance(orig, _Tensor) and not isinstance(orig, Parameter):
        to_module.register_buffer(field, orig)
    else:
        setattr(to_module, field, orig)


def _assign_attr(from_obj, to_module, target):
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = _Module()
            setattr(to_module, item, t)
        to_module = t
    from ..nn import Parameter
    if isinstance(from_obj, _Tensor) and not isinstance(from_obj, Parameter):
        to_module.register_buffer(field, from_obj)
    else:
        setattr(to_module, field, from_obj)


def reduce_graph_module(body, import_block):
    raise NotImplementedError("numtorch.fx cannot unpickle a GraphModule (numtorch has no attribute "
                              "'torch.fx.graph_module.reduce_graph_module')")


reduce_package_graph_module = reduce_graph_module


class GraphModule(_Module):
    """``GraphModule(root, graph)``: copies from ``root`` (a Module, or a dict of name -> object) what the
    graph's ``get_attr``/``call_module`` nodes use, and generates ``forward`` from ``graph``."""

    def __new__(cls, *args, **kwargs):
        # each instance gets its own class, so that its generated ``forward`` is a class attribute
        for t in cls.__mro__:
            if t.__qualname__.split(".")[-1] != "GraphModuleImpl":
                cls = t
                break

        class GraphModuleImpl(cls):
            pass
        return super().__new__(GraphModuleImpl)

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        self.__class__.__name__ = class_name
        if isinstance(root, _Module):
            if hasattr(root, "training"):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    if node.target not in root:
                        raise RuntimeError(f"Node {node} referenced target {node.target} but that target was "
                                           "not provided in ``root``!")
                    _assign_attr(root[node.target], self, node.target)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.graph = graph
        self.meta = getattr(root, "meta", {}) if isinstance(root, _Module) else {}

    @property
    def graph(self):
        """The Graph; assigning one regenerates ``forward``."""
        return self._graph

    @graph.setter
    def graph(self, g):
        if not isinstance(g, Graph):
            raise AssertionError(f"Expected a Graph instance, but got {type(g)}")
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        """The Python source of the generated ``forward``."""
        if "_code" not in self.__dict__:
            raise RuntimeError("Code has not been generated! Please report a bug to PyTorch")
        return self._code

    def recompile(self):
        """Regenerates ``forward`` from ``self.graph`` (call after editing the graph)."""
        python_code = self._graph.python_code(root_module="self")
        self.__dict__["_code"] = python_code.src
        cls = type(self)
        cls.forward = _forward_from_src(self._code, python_code.globals)
        return python_code

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False):
        """The module as a class definition, with the generated ``forward``."""
        body = self._code.strip("\n")
        out = f"class {self._get_name()}(torch.nn.Module):\n" + "\n".join(
            ("    " + line) if line.strip() else "" for line in body.split("\n")) + "\n"
        if print_output:
            print(out)
        return out

    def add_submodule(self, target, m):
        *prefix, field = target.split(".")
        mod = self
        for item in prefix:
            sub = getattr(mod, item, None)
            if sub is None:
                sub = _Module()
                setattr(mod, item, sub)
            if not isinstance(sub, _Module):
                return False
            mod = sub
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target):
        atoms = target.split(".")
        path, target_submod = atoms[:-1], atoms[-1]
        mod = self
        for item in path:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, _Module):
                return False
        if not hasattr(mod, target_submod) or not isinstance(getattr(mod, target_submod), _Module):
            return False
        delattr(mod, target_submod)
        return True

    def delete_all_unused_submodules(self):
        used = []
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                fullpath = node.target.split(".")
                used.extend(".".join(fullpath[:i]) for i in range(1, len(fullpath) + 1))
        for name, _ in list(self.named_modules()):
            if name and name not in used:
                self.delete_submodule(name)

    def __deepcopy__(self, memo):
        res = _Module.__new__(type(self))
        memo[id(self)] = res
        fake = _Module()
        fake.__dict__ = copy.deepcopy({k: v for k, v in self.__dict__.items() if k not in ("_graph", "_code")},
                                      memo)
        GraphModule.__init__(res, fake, copy.deepcopy(self.__dict__["_graph"], memo), self._get_name())
        for k, v in fake.__dict__.items():
            if k not in res.__dict__:
                res.__dict__[k] = v
        return res

    def __copy__(self):
        res = GraphModule(self, self.graph, self._get_name())
        res.meta = getattr(self, "meta", {})
        return res

    def __str__(self):
        return "\n".join([super().__str__(), self._code,
                          "# To see more debug info, please use `graph_module.print_readable()`"])

    def _get_name(self):
        return type(self).__name__
