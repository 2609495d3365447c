"""The chain rule, step by step, with the engine's own numbers.

``explain_backward(loss)`` walks the backward graph of ``loss`` in the order numtorch's
engine does and, at each node, calls that node's own ``backward`` (so every number is
the engine's): the upstream gradient ``dL/d(out)`` arriving at the node, the local
derivative ``d(out)/d(in)`` of each input (elementwise values, or the Jacobian matrix
for small non-elementwise nodes, found by feeding the node's backward one-hot
upstream gradients), and their product ``dL/d(in)`` passed on. At a leaf the
contributions add up to what ``loss.backward()`` stores in ``.grad``.

The graph is only read: nothing is freed and no ``.grad`` is written, so call it before
``loss.backward()`` (or after ``backward(retain_graph=True)``).
"""
from .._backend import xp
from ..autograd.engine import _walk, materialize
from ..autograd.function import AccumulateGrad
from .graph import walk, root_node

# what each common node computes, and the local derivative the chain rule multiplies by
FORMULAS = {
    "SigmoidBackward0": "out = sigmoid(in);  d out/d in = out * (1 - out)",
    "TanhBackward0": "out = tanh(in);  d out/d in = 1 - out^2",
    "ReluBackward0": "out = max(in, 0);  d out/d in = 1 if in > 0 else 0",
    "LeakyReluBackward0": "out = in if in > 0 else slope * in;  d out/d in = 1 or slope",
    "ExpBackward0": "out = exp(in);  d out/d in = out",
    "LogBackward0": "out = log(in);  d out/d in = 1 / in",
    "AddmmBackward0": "out = bias + mat1 @ mat2;  dL/dmat1 = g @ mat2^T,  dL/dmat2 = mat1^T @ g,  "
                      "dL/dbias = g summed to bias's shape",
    "MmBackward0": "out = self @ mat2;  dL/dself = g @ mat2^T,  dL/dmat2 = self^T @ g",
    "TBackward0": "out = in^T (transpose);  dL/din = g^T",
    "MseLossBackward0": "out = mean((input - target)^2);  d out/d input = 2 (input - target) / N",
    "L1LossBackward0": "out = mean(|input - target|);  d out/d input = sign(input - target) / N",
    "MeanBackward0": "out = mean(in);  d out/d in = 1 / N",
    "SumBackward0": "out = sum(in);  d out/d in = 1",
    "AddBackward0": "out = self + alpha * other;  d out/d self = 1,  d out/d other = alpha",
    "SubBackward0": "out = self - alpha * other;  d out/d self = 1,  d out/d other = -alpha",
    "RsubBackward1": "out = other - self;  d out/d self = -1",
    "MulBackward0": "out = self * other;  d out/d self = other,  d out/d other = self",
    "DivBackward0": "out = self / other;  d out/d self = 1 / other,  d out/d other = -self / other^2",
    "PowBackward0": "out = self ^ p;  d out/d self = p * self^(p-1)",
    "NegBackward0": "out = -in;  d out/d in = -1",
}
SLOTS = {
    "AddmmBackward0": ("bias", "mat1", "mat2"),
    "MmBackward0": ("self", "mat2"),
    "MseLossBackward0": ("input", "target"),
    "L1LossBackward0": ("input", "target"),
    "SmoothL1LossBackward0": ("input", "target"),
    "HuberLossBackward0": ("input", "target"),
    "AddBackward0": ("self", "other"), "SubBackward0": ("self", "other"), "MulBackward0": ("self", "other"),
    "DivBackward0": ("self", "other"), "PowBackward1": ("self", "exponent"),
}


class Step(dict):
    """One step of the backward pass (a dict with attribute access).

    Op steps: ``index``, ``kind="op"``, ``node`` (e.g. ``"SigmoidBackward0"``), ``label`` (name
    of the node's output), ``formula``, ``upstream`` (``dL/d(out)``, ndarray), ``n_upstream``
    (how many contributions were summed into it), ``inputs``: a list of dicts with ``slot``,
    ``to`` (index of the step the gradient flows to), ``to_label``, ``local`` (the local
    derivative: elementwise values shaped like the input, or the Jacobian as a matrix,
    or None when too large), ``local_kind`` (``"elementwise"``, ``"jacobian"``, ``"permutation"`` or None) and
    ``grad`` (the product ``dL/d(in)`` that the node's backward returned).
    Leaf steps: ``kind="leaf"``, ``node="AccumulateGrad"``, ``label`` (the parameter's name),
    ``shape``, ``grad`` (the final ``.grad``), ``n_upstream``.
    """

    __getattr__ = dict.__getitem__


class BackwardExplanation:
    """The result of :func:`explain_backward`: ``steps`` (list of :class:`Step`), ``grads``
    (``{leaf name: ndarray}``, what ``.grad`` will hold), ``loss`` and the plain ``text``."""

    def __init__(self, steps, loss_value, grads, precision=6):
        self.steps = steps
        self.loss = loss_value
        self.grads = grads
        self.precision = precision
        self._text = None

    @property
    def text(self):
        """The explanation as plain text (formatted on first use)."""
        if self._text is None:
            self._text = _format(self)
        return self._text

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<BackwardExplanation: {len(self.steps)} steps, leaves {list(self.grads)}>"

    def step(self, node_name, occurrence=0):
        """The ``occurrence``-th op step whose node is ``node_name`` (in backward order)."""
        found = [s for s in self.steps if s.node == node_name]
        if len(found) <= occurrence:
            raise KeyError(f"no step #{occurrence} for {node_name} (nodes: {[s.node for s in self.steps]})")
        return found[occurrence]

    def leaf(self, name):
        for s in self.steps:
            if s.kind == "leaf" and s.label == name:
                return s
        raise KeyError(f"no leaf named {name!r} (leaves: {list(self.grads)})")

    def to_list(self):
        return [dict(s) for s in self.steps]


def _arr(t):
    return None if t is None else xp.array(t._data if hasattr(t, "_data") else t, copy=True)


def _jacobian(node, gbuf, n_in_slots, max_jacobian):
    """Local Jacobians d(out)/d(input_i) by feeding the node's backward one-hot upstreams."""
    g0 = gbuf[0]._data
    n_out = g0.size
    if len(gbuf) != 1 or n_out == 0 or n_out > max_jacobian:
        return None
    from .._tensor import _make
    rows = []
    for k in range(n_out):
        e = xp.zeros_like(g0)
        e.flat[k] = 1
        res = node._fn.backward(node, _make(e))
        res = res if isinstance(res, tuple) else (res,)
        rows.append([None if r is None else xp.asarray(r._data if hasattr(r, "_data") else r).ravel()
                     for r in res[:n_in_slots]])
    jac = []
    for i in range(n_in_slots):
        if rows[0][i] is None:
            jac.append(None)
            continue
        J = xp.stack([r[i] for r in rows])
        jac.append(J if J.size <= max_jacobian * max_jacobian else None)
    return jac


def _local(J, out_shape, in_shape):
    """Present a Jacobian: elementwise (diagonal, same shape), per-input (scalar output) or matrix."""
    if J is None:
        return None, None
    n_out, n_in = J.shape
    if n_out == 1:
        return J.reshape(in_shape), "elementwise"
    if n_out == n_in:
        d = xp.diagonal(J)
        if xp.count_nonzero(J - xp.diag(d)) == 0:  # diagonal: each output depends on one input element
            return d.reshape(in_shape).copy(), "elementwise"
        if (xp.count_nonzero(J) == n_out and xp.all((J == 0) | (J == 1))
                and xp.all(J.sum(0) == 1) and xp.all(J.sum(1) == 1)):
            return J, "permutation"  # a pure rearrangement (transpose, view): the formula says it all
    return J, "jacobian"


def explain_backward(loss, params=None, max_nodes=40, max_jacobian=16, grad_output=None, precision=6):
    """Explain ``loss.backward()`` step by step (see the module docstring).

    ``params``: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``) naming leaves and,
    for non-leaf tensors, intermediate results. ``max_nodes``: graphs with more backward nodes
    are refused (ValueError): the point is a readable derivation. Jacobians are shown for
    nodes whose output has at most ``max_jacobian`` elements. Returns a
    :class:`BackwardExplanation` (``str()`` gives the text, ``.steps`` the structured steps).
    """
    from .._tensor import Tensor, _make
    from ..autograd.grad_mode import no_grad
    if not isinstance(loss, Tensor):
        raise TypeError(f"explain_backward expects a Tensor, got {type(loss).__name__}")
    root = root_node(loss)
    if root is None:
        raise ValueError("this tensor does not require grad: there is no backward pass to explain "
                         "(did the forward run under no_grad, or do no inputs have requires_grad=True?)")
    nodes = walk(root)
    if len(nodes) > max_nodes:
        raise ValueError(f"explain_backward is meant for small graphs: this one has {len(nodes)} backward nodes "
                         f"(limit max_nodes={max_nodes}). Explain a smaller model or one piece of it, pass a larger "
                         "max_nodes, or use draw_graph() to see the structure of a big graph.")
    if any(n._released for n in nodes if not isinstance(n, AccumulateGrad)):
        raise RuntimeError("the graph's saved tensors were already freed by backward(): call explain_backward "
                           "before loss.backward(), or use loss.backward(retain_graph=True)")
    if grad_output is None:
        if loss._data.size != 1:
            raise ValueError(f"the output has shape {tuple(loss.shape)}: pass grad_output (dL/d output), "
                             "or explain a scalar loss")
        grad_output = _make(xp.ones_like(loss._data))
    elif not isinstance(grad_output, Tensor):
        grad_output = _make(xp.asarray(grad_output, dtype=loss._data.dtype))
    if tuple(grad_output.shape) != tuple(loss.shape):
        raise ValueError(f"grad_output has shape {tuple(grad_output.shape)} but the output has shape "
                         f"{tuple(loss.shape)}")

    # labels: named tensors from params; the root is "loss"; other results are "[step k]" (set later)
    leaf_names, out_names = {}, {}
    for name, t in (params or {}).items():
        if not isinstance(t, Tensor):
            continue
        if t.grad_fn is None:
            leaf_names.setdefault(id(t), name)
        else:
            out_names.setdefault((id(t.grad_fn), t._out_nr), name)
    if loss.grad_fn is not None:
        out_names.setdefault((id(loss.grad_fn), loss._out_nr), "loss" if loss._data.size == 1 else "output")

    # the engine's own walk (same processing order), recording each step instead of accumulating
    counts = {id(root): 1}
    records = []  # (node, gbuf, results, jac)

    def record(node, gbuf):
        if isinstance(node, AccumulateGrad):
            records.append((node, gbuf, None, None))
            return None
        slots = len(node.next_functions)
        if all(g is None for g in gbuf):
            res, jac = (None,) * slots, None
        else:
            gbuf = materialize(node, gbuf)
            res = node._fn.backward(node, *gbuf)
            res = res if isinstance(res, tuple) else (res,)
            jac = _jacobian(node, gbuf, slots, max_jacobian)
        records.append((node, gbuf, res, jac))
        for (m, _), g in zip(node.next_functions, res):
            if m is not None and g is not None:
                counts[id(m)] = counts.get(id(m), 0) + 1
        return res

    with no_grad():
        _walk([(root, loss._out_nr if loss.grad_fn is not None else 0)], [grad_output], retain_graph=True,
              create_graph=False, accumulate=False, call=record)

    index = {id(rec[0]): k + 1 for k, rec in enumerate(records)}
    unnamed = 0
    labels = {}
    for node, *_ in records:
        if isinstance(node, AccumulateGrad):
            var = node.variable
            name = leaf_names.get(id(var))
            if name is None:
                unnamed += 1
                name = f"leaf{unnamed}"
            labels[id(node)] = name
        else:
            labels[id(node)] = out_names.get((id(node), 0), f"[step {index[id(node)]}]")

    steps, grads = [], {}
    for node, gbuf, res, jac in records:
        k = index[id(node)]
        if isinstance(node, AccumulateGrad):
            g = _arr(gbuf[0])
            var = node.variable
            if g is not None and var is not None and g.dtype != var._data.dtype:
                g = g.astype(var._data.dtype)
            steps.append(Step(index=k, kind="leaf", node="AccumulateGrad", label=labels[id(node)],
                              shape=tuple(var.shape) if var is not None else None, grad=g,
                              n_upstream=counts.get(id(node), 0)))
            grads[labels[id(node)]] = g
            continue
        name = node.name()
        slot_names = SLOTS.get(name)
        slots = len(node.next_functions)
        inputs = []
        needs = node.needs_input_grad or (True,) * slots
        n_live = sum(1 for i, (m, _) in enumerate(node.next_functions)
                     if m is not None and (i >= len(needs) or needs[i]))
        for i, ((m, _), r) in enumerate(zip(node.next_functions, res)):
            if m is None or (i < len(needs) and not needs[i]):
                continue
            sname = slot_names[i] if slot_names and i < len(slot_names) else ("in" if n_live == 1 else f"in{i}")
            grad = _arr(r)
            local, kind = (None, None)
            if jac is not None and jac[i] is not None and grad is not None:
                local, kind = _local(jac[i], gbuf[0]._data.shape, grad.shape)
            inputs.append({"slot": sname, "to": index.get(id(m)), "to_label": labels.get(id(m)),
                           "to_node": m.name() if not isinstance(m, AccumulateGrad) else "AccumulateGrad",
                           "local": local, "local_kind": kind, "grad": grad})
        up = [_arr(g) for g in gbuf]
        steps.append(Step(index=k, kind="op", node=name, label=labels[id(node)], formula=FORMULAS.get(name),
                          upstream=up[0] if len(up) == 1 else up, n_upstream=counts.get(id(node), 0),
                          inputs=inputs))
    return BackwardExplanation(steps, float(loss._data.ravel()[0]) if loss._data.size == 1 else None, grads,
                               precision)


# ------------------------------------------------------------------------------- text
def _fmt(a, precision, indent):
    if a is None:
        return "None"
    a = xp.asarray(a)
    if a.ndim == 0 or a.size == 1 and a.ndim <= 1:
        return f"{float(a.ravel()[0]):.{precision}g}"
    # significant digits, not decimals: small gradients (4e-4) keep their precision
    fmt = {"float_kind": lambda v: f"{v:.{precision}g}"}
    s = xp.array2string(a, separator=", ", threshold=64, max_line_width=100, formatter=fmt)
    return s.replace("\n", "\n" + " " * indent)


def _format(ex):
    p = ex.precision
    out = []

    def line(prefix, a):  # continuation lines of an array align under its first element
        out.append(prefix + _fmt(a, p, len(prefix)))

    n_ops = sum(1 for s in ex.steps if s.kind == "op")
    n_leaves = len(ex.steps) - n_ops
    head = f"Backward pass of loss = {ex.loss:.{p}g}" if ex.loss is not None else "Backward pass"
    out.append(f"{head}: {n_ops} operations, {n_leaves} leaves, in the order numtorch's engine runs them.")
    out.append("At each node: upstream = dL/d(out) arriving from the loss side; local = d(out)/d(in);")
    out.append("product = dL/d(in) = upstream x local (the chain rule), passed on towards the leaves.")
    for s in ex.steps:
        out.append("")
        if s.kind == "leaf":
            extra = f" (sum of {s.n_upstream} contributions)" if s.n_upstream > 1 else ""
            out.append(f"step {s.index}: AccumulateGrad  ->  {s.label}.grad  shape {s.shape}{extra}")
            line(f"    {s.label}.grad = ", s.grad)
            continue
        label = "" if s.label.startswith("[step") else f"  ({s.label})"
        out.append(f"step {s.index}: {s.node}{label}")
        if s.formula:
            out.append(f"    {s.formula}")
        if isinstance(s.upstream, list):
            for j, u in enumerate(s.upstream):
                line(f"    upstream dL/d(out{j}) = ", u)
        else:
            line("    upstream dL/d(out) = ", s.upstream)
            if s.n_upstream > 1:
                out[-1] += f"   (sum of {s.n_upstream} contributions)"
        for inp in s.inputs:
            dest = (f"-> {inp['to_label']}" if inp["to_node"] == "AccumulateGrad"
                    else f"-> step {inp['to']} {inp['to_node']}"
                    + ("" if str(inp["to_label"]).startswith("[step") else f" ({inp['to_label']})"))
            out.append(f"    input '{inp['slot']}' {dest}")
            sl = inp["slot"]
            kind = inp["local_kind"]
            if kind == "elementwise":
                line(f"        local   d(out)/d({sl}) = ", inp["local"])
                line(f"        product dL/d({sl}) = upstream * local = ", inp["grad"])
            elif kind == "jacobian":
                J = inp["local"]
                out.append(f"        local   d(out)/d({sl}) = Jacobian {J.shape[0]}x{J.shape[1]} "
                           f"(row: output element, column: {sl} element) =")
                line("            ", J)
                line(f"        product dL/d({sl}) = upstream (flattened) @ Jacobian = ", inp["grad"])
            elif kind == "permutation":
                out.append(f"        local   d(out)/d({sl}): a rearrangement of elements (Jacobian is a permutation)")
                line(f"        product dL/d({sl}) = upstream rearranged back = ", inp["grad"])
            else:
                line(f"        product dL/d({sl}) = ", inp["grad"])
    out.append("")
    out.append("Leaf gradients (what loss.backward() stores in .grad):")
    for name, g in ex.grads.items():
        line(f"    {name}.grad = ", g)
    return "\n".join(out) + "\n"
