"""The autograd graph of a tensor as a Graphviz diagram.

Walks ``grad_fn.next_functions`` from the tensor back to the leaves, as PyTorch's own
graph would be walked: op nodes are named by their backward class (``AddmmBackward0``),
leaves are ``AccumulateGrad`` nodes labelled with the parameter's name and shape.
The DOT source needs nothing; pictures (SVG/PNG) need Graphviz's ``dot`` program.
"""
import os
import shutil
import subprocess

from ..autograd.function import AccumulateGrad, _SavedOutput


def walk(root_fn):
    """Every backward node reachable from ``root_fn``, breadth first, each once."""
    order, seen, queue = [], {id(root_fn)}, [root_fn]
    while queue:
        nxt = []
        for n in queue:
            order.append(n)
            for m, _ in n.next_functions:
                if m is not None and id(m) not in seen:
                    seen.add(id(m))
                    nxt.append(m)
        queue = nxt
    return order


def root_node(tensor):
    """The node a backward from ``tensor`` starts at (its grad_fn, or its AccumulateGrad)."""
    if tensor.grad_fn is not None:
        return tensor.grad_fn
    if tensor.requires_grad:
        from ..autograd.function import _edge
        return _edge(tensor)[0]
    return None


def _shape(t):
    return tuple(t.shape) if hasattr(t, "shape") else ()


def _fmt_shape(shape):
    return "(" + ", ".join(map(str, shape)) + ")"


def _q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def saved_shapes(node):
    """``[(label, shape)]`` for the tensors ``node`` saved for backward (empty once freed)."""
    out = []
    saved = node._saved or ()
    for i, rec in enumerate(saved):
        if rec is None:
            continue
        if isinstance(rec, tuple):
            out.append((f"saved[{i}]", tuple(rec[0]._data.shape)))
        elif isinstance(rec, _SavedOutput):
            out.append((f"saved[{i}] (result)", tuple(rec.data.shape)))
    if node._out is not None:
        out.append(("result", tuple(node._out.data.shape)))
    return out


class GraphDiagram:
    """An autograd graph: ``nodes`` and ``edges`` for programs, ``source`` (DOT) for Graphviz.

    ``nodes``: dicts with ``id``, ``name`` (``AddmmBackward0``, ``AccumulateGrad``, ``output``,
    ``saved``), ``kind`` (``"op"``, ``"leaf"``, ``"output"``, ``"saved"``), ``label`` and
    ``shape`` (leaves, output and saved tensors). ``edges``: ``(src_id, dst_id)`` pairs in the
    direction values flow forward (leaf -> op -> output), like torchviz draws them.
    """

    def __init__(self, nodes, edges, title=None):
        self.nodes = nodes
        self.edges = edges
        self.title = title
        self.source = self._dot()

    def _dot(self):
        style = {"op": 'shape=box, style="filled,rounded", fillcolor=lightgray',
                 "leaf": "shape=box, style=filled, fillcolor=lightblue",
                 "output": "shape=box, style=filled, fillcolor=darkolivegreen1",
                 "saved": "shape=box, style=filled, fillcolor=orange"}
        lines = ["digraph autograd {", '  graph [rankdir=BT, fontname="Helvetica"];',
                 '  node [fontname="Helvetica", fontsize=11];']
        if self.title:
            lines.append(f"  label={_q(self.title)}; labelloc=t;")
        for n in self.nodes:
            lines.append(f"  {n['id']} [label={_q(n['label'])}, {style[n['kind']]}];")
        kinds = {n["id"]: n["kind"] for n in self.nodes}
        for s, d in self.edges:
            extra = " [style=dashed, arrowhead=none]" if kinds.get(s) == "saved" else ""
            lines.append(f"  {s} -> {d}{extra};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def __str__(self):
        return self.source

    def __repr__(self):
        return f"<GraphDiagram: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    def names(self):
        """The node names, in walk order (output first)."""
        return [n["name"] for n in self.nodes]

    def save(self, path):
        """Write the DOT source to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def pipe(self, format="svg"):
        """The picture's bytes from Graphviz's ``dot``."""
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError("rendering the graph needs Graphviz's `dot` program, which is not installed "
                               "(apt-get install graphviz / brew install graphviz / conda install graphviz). "
                               "The DOT source is always available as .source (or .save('graph.dot')).")
        r = subprocess.run([dot, "-T" + format], input=self.source.encode(), capture_output=True, check=False)
        if r.returncode != 0:
            raise RuntimeError(f"dot failed: {r.stderr.decode(errors='replace').strip()}")
        return r.stdout

    def render(self, path, format=None):
        """Write the picture to ``path`` (format from ``format`` or the extension: svg, png, pdf; ``.dot``
        writes the source). Needs the ``dot`` program for pictures."""
        fmt = (format or os.path.splitext(path)[1].lstrip(".") or "svg").lower()
        if fmt in ("dot", "gv"):
            return self.save(path)
        data = self.pipe(fmt)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_svg_(self):  # notebooks: a picture when dot is there, else the text repr
        if shutil.which("dot") is None:
            return None
        return self.pipe("svg").decode()


def draw_graph(tensor, params=None, show_saved=False, title=None):
    """The autograd graph that produced ``tensor``, as a :class:`GraphDiagram`.

    ``params``: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``) to label the
    leaves; unnamed leaves show only their shape. ``show_saved=True`` adds the tensors each
    node saved for backward (orange), as torchviz does.
    """
    from .._tensor import Tensor
    if not isinstance(tensor, Tensor):
        raise TypeError(f"draw_graph expects a Tensor, got {type(tensor).__name__}")
    names = {}
    for k, v in (params or {}).items():
        if isinstance(v, Tensor):
            names.setdefault(id(v), k)
    nodes = [{"id": "out", "name": "output", "kind": "output", "shape": _shape(tensor),
              "label": f"{names.get(id(tensor), 'output')}\n{_fmt_shape(_shape(tensor))}"}]
    edges = []
    root = root_node(tensor)
    if root is None:
        return GraphDiagram(nodes, edges, title)
    order = walk(root)
    ids = {id(n): f"n{i}" for i, n in enumerate(order)}
    for n in order:
        nid = ids[id(n)]
        if isinstance(n, AccumulateGrad):
            var = n.variable
            shape = _shape(var) if var is not None else None
            label = names.get(id(var), "") if var is not None else ""
            sh = _fmt_shape(shape) if shape is not None else "leaf"  # None: the leaf tensor no longer exists
            label = f"{label}\n{sh}" if label else sh
            nodes.append({"id": nid, "name": "AccumulateGrad", "kind": "leaf", "label": label, "shape": shape,
                          "param": names.get(id(var))})
        else:
            nodes.append({"id": nid, "name": n.name(), "kind": "op", "label": n.name(), "shape": None})
            for m, _ in n.next_functions:
                if m is not None:
                    edges.append((ids[id(m)], nid))
            if show_saved:
                for j, (lab, shape) in enumerate(saved_shapes(n)):
                    sid = f"{nid}_s{j}"
                    nodes.append({"id": sid, "name": "saved", "kind": "saved", "shape": shape,
                                  "label": f"{lab}\n{_fmt_shape(shape)}"})
                    edges.append((sid, nid))
    edges.append((ids[id(root)], "out"))
    return GraphDiagram(nodes, edges, title)
