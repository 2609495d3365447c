"""The backward pass: an iterative walk of the graph in dependency order.

Iterative (no recursion), so a chain of 100,000 operations works; saved tensors
are released as each node finishes unless ``retain_graph``.
"""
from sys import getrefcount as _refcount

from .._backend import xp
from .grad_mode import state as _gs
from .function import AccumulateGrad, Node
from .. import _tensor
from .._tensor import Tensor, _make

_ndarray = xp.ndarray


def _root_edge(t):
    if t.grad_fn is not None:
        return t.grad_fn, t._out_nr
    from .function import _edge
    return _edge(t)


def _check_roots(tensors, grad_tensors):
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if t._data.dtype.kind != "f":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs but got "
                                   f"{t.dtype}")
            o = xp.empty(t._data.shape, t._data.dtype)  # (np.ones / ones_like are slower Python wrappers)
            o.fill(1)
            g = _make(o)
        elif not isinstance(g, Tensor):
            g = _make(xp.asarray(g, dtype=t._data.dtype))
        elif g._data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {t.shape}.")
        grads.append(g)
    return grads


def _add(a, b):
    if a is None:
        return b
    return a + b


# PyTorch computes inf/nan silently: NumPy's floating-point warnings never escape a backward pass
# (one errstate per backward() call, as a decorator: cheaper than a with-block)
@xp.errstate(all="ignore")
def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, accumulate=True):
    """Propagate ``grad_tensors`` from ``tensors`` to the leaves.

    With ``accumulate`` (``backward``) leaves receive ``.grad``; otherwise
    (``autograd.grad``) the gradients reaching ``inputs`` are returned.
    """
    grads = _check_roots(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None and accumulate and len(tensors) == 1 and tensors[0].grad_fn is not None:
        _run_single(tensors[0].grad_fn, tensors[0]._out_nr, grads[0], retain_graph, create_graph)
        return []
    # targets: (node, output_nr) -> position among ``inputs``
    targets = None
    if inputs is not None:
        targets = {}
        for k, t in enumerate(inputs):
            e = _root_edge(t) if t.requires_grad else (None, 0)
            if e[0] is None:
                continue
            targets.setdefault(e, []).append(k)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    buffers = {}
    roots = []
    for t, g in zip(tensors, grads):
        node, nr = _root_edge(t)
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_out
            roots.append(node)
        buf[nr] = _add(buf[nr], g)

    # count how many edges lead into each node (a node's first edge also schedules its visit: every
    # node except the roots is seen exactly when it first enters ``deps``)
    deps = {}
    root_set = set(roots)
    stack = list(roots)
    deps_get = deps.get
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            d = deps_get(nxt)
            if d is None:
                deps[nxt] = 1
                if nxt not in root_set:
                    stack.append(nxt)
            else:
                deps[nxt] = d + 1
    ready = [n for n in roots if n not in deps]

    prev = _gs.enabled
    _gs.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            gbuf = buffers.pop(node, None)
            if gbuf is None:
                gbuf = [None] * node._n_out
            if node._pre_hooks:
                _run_pre_hooks(node, gbuf)
            if targets is not None:
                for nr in range(len(gbuf)):
                    ks = targets.get((node, nr))
                    if ks:
                        for k in ks:
                            captured[k] = gbuf[nr]
            if node.__class__ is AccumulateGrad:
                if accumulate and gbuf[0] is not None and (targets is None or (node, 0) in targets):
                    _accumulate(node.variable, gbuf[0], create_graph)
                continue
            res = _apply_node(node, gbuf, create_graph)
            if not retain_graph:
                # node._release(), inlined
                node._released = True
                node._saved = None
                node._out = None
            for (nxt, nr), g in zip(node.next_functions, res):
                if nxt is None:
                    continue
                if g is not None:
                    if not isinstance(g, Tensor):
                        g = _make(xp.asarray(g))
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt._n_out
                    prev_g = buf[nr]
                    if prev_g is None:
                        buf[nr] = g
                    elif create_graph or prev_g.__class__ is not Tensor or g.__class__ is not Tensor:
                        buf[nr] = prev_g + g
                    else:
                        # no graph to record: sum the arrays directly (a new array: either may be shared)
                        s_ = prev_g._data + g._data
                        buf[nr] = _make(s_ if s_.__class__ is _ndarray else xp.asarray(s_))
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
    finally:
        _gs.enabled = prev
    return captured


def backward_default(t, retain_graph, create_graph):
    """``t.backward()`` for a scalar ``t`` with a ``grad_fn`` (the training-loop call): no argument
    normalisation, no ``inputs``."""
    d = t._data
    if d.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if d.dtype.kind != "f":
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
    o = xp.empty(d.shape, d.dtype)  # (np.ones / ones_like are slower Python wrappers)
    o.fill(1)
    _run_single(t.grad_fn, t._out_nr, _make(o), create_graph if retain_graph is None else retain_graph,
                create_graph)


@xp.errstate(all="ignore")
def _run_single(root, root_nr, root_g, retain_graph, create_graph):
    """``run_backward`` for one root node, accumulating into the leaves (``backward()`` without
    ``inputs``): the same walk in the same order, with less bookkeeping per node.

    A single-output node's pending gradient is kept in ``buffers`` as the Tensor itself (no list),
    and a node is scheduled the moment its last incoming edge is processed.
    """
    # in-edge counts of every node reachable from the root (one root: it cannot be its own descendant)
    deps = {}
    deps_get = deps.get
    stack = [root]
    pop = stack.pop
    push = stack.append
    while stack:
        for nxt, _ in pop().next_functions:
            if nxt is not None:
                d = deps_get(nxt)
                if d is None:
                    deps[nxt] = 1
                    push(nxt)
                else:
                    deps[nxt] = d + 1

    if root._n_out == 1:
        buffers = {root: root_g}
    else:
        b = [None] * root._n_out
        b[root_nr] = root_g
        buffers = {root: b}
    buffers_get = buffers.get
    buffers_pop = buffers.pop
    ready = [root]
    ready_pop = ready.pop
    ready_push = ready.append
    prev = _gs.enabled
    _gs.enabled = create_graph
    try:
        while ready:
            node = ready_pop()
            g = buffers_pop(node, None)
            if node.__class__ is AccumulateGrad:
                if g is not None:
                    var = node._var()
                    if var is None:
                        continue
                    if (g.__class__ is Tensor and var._grad is None and not create_graph and
                            var._hooks is None and var._post_acc_hooks is None):
                        gd = g._data
                        vd = var._data
                        if gd.dtype == vd.dtype and gd.shape == vd.shape:
                            # _accumulate's first-gradient case: the leaf owns its gradient array. One that
                            # nothing else can reach (only ``g`` and this frame hold it and, for a view such
                            # as a transposed matmul result, only it holds its base) is taken over, as
                            # PyTorch does; any other is copied (it may be shared)
                            b = gd.base
                            if (_refcount(g) == 2 and _refcount(gd) == 3 and
                                    (b is None or (b.__class__ is _ndarray and b.base is None and
                                                   _refcount(b) == 3 and b.size == gd.size)) and
                                    gd.flags.writeable):
                                var._grad = _make(gd)
                            else:
                                var._grad = _make(gd.copy(order="K"))
                            continue
                    _accumulate(var, g, create_graph)
                continue
            nf = node.next_functions
            if node._plain:
                # one output, no hooks, no retain_grad (the common node)
                if g is None:
                    res = (None,) * len(nf)
                else:
                    res = node._fn.backward(node, g)
                    if res.__class__ is not tuple and not isinstance(res, tuple):
                        res = (res,)
                    if len(res) < len(nf) and not node._fn._builtin:
                        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                                           f"(expected {len(nf)}, got {len(res)})")
            elif node._n_out == 1:
                res = _apply_multi(node, [g], create_graph)
            else:
                res = _apply_multi(node, g, create_graph)
            if not retain_graph:
                # node._release(), inlined
                node._released = True
                node._saved = None
                node._out = None
            for (nxt, nr), gi in zip(nf, res):
                if nxt is None:
                    continue
                if gi is not None:
                    if gi.__class__ is not Tensor and not isinstance(gi, Tensor):
                        gi = _make(xp.asarray(gi))
                    if nxt._n_out == 1:
                        prev_g = buffers_get(nxt)
                        buffers[nxt] = gi if prev_g is None else _sum(prev_g, gi, create_graph)
                    else:
                        buf = buffers_get(nxt)
                        if buf is None:
                            buf = buffers[nxt] = [None] * nxt._n_out
                        prev_g = buf[nr]
                        buf[nr] = gi if prev_g is None else _sum(prev_g, gi, create_graph)
                d = deps[nxt] - 1
                if d:
                    deps[nxt] = d
                else:
                    ready_push(nxt)
            res = gi = None   # (the gradients now live only in ``buffers``: see the leaf case above)
    finally:
        _gs.enabled = prev


def _sum(a, b, create_graph):
    """Two gradients for the same output added (a new tensor: either may be shared)."""
    if create_graph or a.__class__ is not Tensor or b.__class__ is not Tensor:
        return a + b
    # no graph to record: sum the arrays directly
    s_ = a._data + b._data
    return _make(s_ if s_.__class__ is _ndarray else xp.asarray(s_))


def _apply_multi(node, gbuf, create_graph):
    """Run the backward of a node with several outputs, hooks or retained gradients on its gradient
    buffer (a list, or None when nothing arrived)."""
    if gbuf is None:
        gbuf = [None] * node._n_out
    if node._pre_hooks:
        _run_pre_hooks(node, gbuf)
    return _apply_node(node, gbuf, create_graph)


def _apply_node(node, gbuf, create_graph):
    """retain_grad, then the node's backward on the gradients that arrived (zeros for missing ones)."""
    if node._retain:
        _retain_grads(node, gbuf, create_graph)
    have = missing = False
    for g in gbuf:
        if g is None:
            missing = True
        else:
            have = True
    if not have:
        return (None,) * len(node.next_functions)
    if missing and node.materialize_grads:
        gbuf = [g if g is not None else _make(xp.zeros(m[0], m[1]))
                for g, m in zip(gbuf, node._out_meta or [None] * len(gbuf))]
    res = node._fn.backward(node, *gbuf)
    if not isinstance(res, tuple):
        res = (res,)
    nf = node.next_functions
    if len(res) < len(nf) and not node._fn._builtin:
        raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                           f"(expected {len(nf)}, got {len(res)})")
    if node._hooks:
        for h in node._hooks:
            h(res, tuple(gbuf))
    return res


def _run_pre_hooks(node, gbuf):
    for nr, hooks in node._pre_hooks.items():
        if nr is None or gbuf[nr] is None:
            continue
        for h in hooks:
            r = h(gbuf[nr])
            if r is not None:
                gbuf[nr] = r


def _retain_grads(node, gbuf, create_graph):
    for nr, ref in node._retain.items():
        t = ref()
        g = gbuf[nr]
        if t is None or g is None:
            continue
        if t._grad is None:
            t._grad = g if create_graph else _make(g._data.copy())
        else:
            t._grad = t._grad + g


def _accumulate(var, g, create_graph):
    if var is None:
        return
    if var._hooks:
        for h in var._hooks:
            r = h(g)
            if r is not None:
                g = r
    if g.is_sparse or (var._grad is not None and var._grad.is_sparse):
        # sparse COO gradients (Embedding(sparse=True)): concatenated, never densified in place
        from .._sparse import accumulate
        var._grad = accumulate(var._grad, g)
        return
    if g._data.dtype != var._data.dtype:
        g = _make(g._data.astype(var._data.dtype))
    if g._data.shape != var._data.shape:
        # a gradient may arrive broadcast-compatible only when the op forgot to reduce it
        raise RuntimeError(f"Function AccumulateGrad returned an invalid gradient - got {list(g.shape)} "
                           f"but expected shape compatible with {list(var.shape)}")
    cur = var._grad
    if cur is None:
        if create_graph:
            var._grad = g
        else:
            # gradients flowing in may be shared with other branches: own a copy
            var._grad = _make(xp.array(g._data, copy=True))
    elif create_graph or cur.requires_grad:
        var._grad = cur + g
    else:
        xp.add(cur._data, g._data, out=cur._data)
        cur._vc[0] += 1
    if var._post_acc_hooks:
        for h in var._post_acc_hooks:
            h(var)


_tensor._backward_default = backward_default
