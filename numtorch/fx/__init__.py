"""``torch.fx``: symbolic tracing of modules into a ``Graph`` of Nodes, Python code generated from the graph
(``GraphModule``), graph interpreters and rewriting.

``symbolic_trace(m)`` runs ``m.forward`` on ``Proxy`` objects: operators and Tensor methods on a Proxy, and
numtorch's public functions (``torch.relu``, ``F.linear``, ...) given one, add nodes to the graph; standard
``nn`` modules are recorded whole as ``call_module`` nodes. See docs/fx.md for what differs from PyTorch.
"""
from .graph import Graph, CodeGen
from .graph_module import GraphModule
from .node import Node, map_arg, has_side_effect
from .proxy import Proxy
from ._symbolic_trace import Tracer, symbolic_trace, wrap, PH
from .interpreter import Interpreter, Transformer
from .subgraph_rewriter import replace_pattern
from . import graph, graph_module, node, proxy, interpreter, subgraph_rewriter, passes, immutable_collections  # noqa: F401,E501  (torch.fx's submodules)

__all__ = ["symbolic_trace", "Tracer", "wrap", "Graph", "GraphModule", "Interpreter", "Transformer", "Node",
           "Proxy", "replace_pattern", "has_side_effect", "map_arg", "CodeGen", "PH"]


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.fx.{name}'")
