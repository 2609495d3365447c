"""The backward pass: one iterative walk of the graph in dependency order.

``_walk`` is the only graph traversal: ``Tensor.backward``, ``autograd.backward``,
``autograd.grad`` and the explainer (``numtorch.viz.explain``) all run it.  It is
iterative (a chain of 100,000 operations works) and releases each node's saved
tensors as it finishes unless ``retain_graph``.

A node's pending gradient lives in ``buffers``: the Tensor itself for a node with one
output (the common case), a list indexed by output number otherwise.  A node runs the
moment its last incoming edge has delivered.
"""
import sys
import sysconfig
from sys import getrefcount as _refcount

from .._backend import xp, ndarray as _ndarray, errstate
from .grad_mode import state as _gs
from .function import AccumulateGrad, _edge
from .. import _tensor
from .._tensor import Tensor, _make


# ---------------------------------------------------------------------------- leaf take-over
def _unshared(g):
    """True when a leaf may keep the array of ``g``, its first gradient, as its ``.grad`` (as PyTorch
    steals a gradient nothing else holds); otherwise the leaf copies it.

    The invariant: at this call ``g`` is held only by the caller's local variable and ``g._data`` only by
    ``g``; every other holder (another Tensor, a list, a saved-tensor record, a view's base) is a heap
    reference and is always counted, so any count above that baseline means shared.  The baseline (how
    many references the call frames themselves add) differs between interpreter versions, so it is
    measured at import (``_calibrate``) with this very function instead of assumed.  A view (e.g. a
    transposed matmul result) qualifies when its base is a plain array that only the view holds."""
    if _BASELINE is None:
        return False
    d = g._data
    if _refcount(g) != _BASELINE[0] or _refcount(d) != _BASELINE[1] or not d.flags.writeable:
        return False
    b = d.base
    return b is None or (b.__class__ is _ndarray and b.base is None and _refcount(b) == _BASELINE[1] and
                         b.size == d.size)


def _counts(g):
    # the same frame shape as _unshared: a parameter ``g`` and a local ``d``
    d = g._data
    return _refcount(g), _refcount(d)


def _calibrate():
    """``_unshared``'s baseline on this interpreter, or None (always copy) where reference counts cannot be
    trusted: alternative implementations have none, and free-threaded CPython builds count per thread
    (``getrefcount`` is approximate there).  Checked: one more holder raises each count by exactly one."""
    if sys.implementation.name != "cpython" or sysconfig.get_config_var("Py_GIL_DISABLED"):
        return None
    g = _make(xp.empty(1, xp.float32))
    alone = _counts(g)
    other = g._data
    shared_d = _counts(g)
    del other
    other = g
    shared_g = _counts(g)
    del other
    if shared_d[1] != alone[1] + 1 or shared_g[0] != alone[0] + 1:
        return None
    return alone


_BASELINE = None
_BASELINE = _calibrate()


# ---------------------------------------------------------------------------- roots
def _check_roots(tensors, grad_tensors):
    """PyTorch's checks on ``backward``/``grad`` roots; the implicit ones for scalars."""
    grads = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            g = _ones_for(t)
        elif not isinstance(g, Tensor):
            g = _make(xp.asarray(g, dtype=t._data.dtype))
        elif g._data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                               f"output[{i}] has a shape of {t.shape}.")
        grads.append(g)
    return grads


def _ones_for(t):
    """The implicit gradient of a scalar root."""
    d = t._data
    if d.size != 1:
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    if d.dtype.kind not in "fV":
        raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
    o = xp.empty(d.shape, d.dtype)  # (np.ones / ones_like are slower Python wrappers)
    o.fill(1)
    return _make(o)


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None, accumulate=True):
    """Propagate ``grad_tensors`` from ``tensors``.

    With ``accumulate`` (``backward``) leaves receive ``.grad`` (only those among ``inputs`` when given);
    otherwise (``autograd.grad``) the gradients reaching ``inputs`` are returned, one per input.
    """
    grads = _check_roots(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        targets = {}
        for k, t in enumerate(inputs):
            e = _edge(t)
            if e[0] is not None:
                targets.setdefault(e, []).append(k)
    captured = [None] * (len(inputs) if inputs is not None else 0)
    _walk([_edge(t) for t in tensors], grads, retain_graph, create_graph, accumulate, targets, captured)
    return captured


def backward_default(t, retain_graph, create_graph):
    """``t.backward()`` for a scalar ``t`` with a ``grad_fn`` (the training-loop call)."""
    _walk([(t.grad_fn, t._out_nr)], [_ones_for(t)], create_graph if retain_graph is None else retain_graph,
          create_graph)


# ---------------------------------------------------------------------------- the walk
# PyTorch computes inf/nan silently: NumPy's floating-point warnings never escape a backward pass
# (one errstate per walk, as a decorator: cheaper than a with-block)
@errstate(all="ignore")
def _walk(edges, grads, retain_graph, create_graph, accumulate=True, targets=None, captured=None, call=None):
    """Run the backward graph from ``edges`` (``(node, output_nr)`` pairs) seeded with ``grads``.

    ``targets``/``captured``: ``{(node, nr): [k, ...]}``, and the list that receives, at each ``k``, the
    gradient arriving at that edge (``autograd.grad`` and ``backward(inputs=...)``); with ``targets``
    only targeted leaves accumulate.  ``call(node, gbuf) -> grads`` replaces running a node's backward
    (the explainer records each step through it).  Returns nothing: results are in ``.grad``/``captured``.
    """
    # in-edge counts of every node reachable from the roots; a root reached from another root waits for it
    deps = {}
    deps_get = deps.get
    stack = list(dict.fromkeys(e[0] for e in edges))   # (several roots may be outputs of one node)
    pop = stack.pop
    push = stack.append
    seen = set(stack)
    while stack:
        for nxt, _ in pop().next_functions:
            if nxt is not None:
                d = deps_get(nxt)
                if d is None:
                    deps[nxt] = 1
                    if nxt not in seen:
                        push(nxt)
                else:
                    deps[nxt] = d + 1

    buffers = {}
    buffers_get = buffers.get
    buffers_pop = buffers.pop
    ready = []
    for (node, nr), g in zip(edges, grads):
        _deliver(buffers, node, nr, g, create_graph)
        if node not in deps and node not in ready:
            ready.append(node)
    ready_pop = ready.pop
    ready_push = ready.append
    prev = _gs.enabled
    _gs.enabled = create_graph
    try:
        while ready:
            node = ready_pop()
            g = buffers_pop(node, None)
            if targets is not None:
                _capture(targets, captured, node, g)
            if node.__class__ is AccumulateGrad:
                if call is not None:
                    call(node, [g])
                elif g is not None and accumulate and (targets is None or (node, 0) in targets):
                    var = node._var()
                    if var is None:
                        continue
                    if (g.__class__ is Tensor and var._grad is None and not create_graph and
                            var._hooks is None and var._post_acc_hooks is None and
                            g._data.dtype == var._data.dtype and g._data.shape == var._data.shape):
                        # a leaf's first gradient: kept if nothing else holds it, else copied (no local may
                        # hold g's array here: see _unshared)
                        var._grad = _make(g._data if _unshared(g) else g._data.copy(order="K"))
                        continue
                    _accumulate(var, g, create_graph)
                continue
            nf = node.next_functions
            if call is not None:
                res = call(node, _as_list(node, g))
            elif node._plain:
                # one output, no hooks, no retain_grad (the common node)
                if g is None:
                    res = (None,) * len(nf)
                else:
                    res = node._fn.backward(node, g)
                    if res.__class__ is not tuple and not isinstance(res, tuple):
                        res = (res,)
                    if len(res) < len(nf) and not node._fn._builtin:
                        _wrong_count(node, res)
            else:
                res = _apply_node(node, _as_list(node, g), create_graph)
            if not retain_graph:
                node._release()
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
                        _deliver(buffers, nxt, nr, gi, create_graph)
                d = deps[nxt] - 1
                if d:
                    deps[nxt] = d
                else:
                    ready_push(nxt)
            res = gi = None   # (the gradients now live only in ``buffers``: see ``_unshared``)
    finally:
        _gs.enabled = prev


def _deliver(buffers, node, nr, g, create_graph):
    """Add ``g`` to the pending gradient of ``node``'s output ``nr``."""
    if node._n_out == 1:
        prev_g = buffers.get(node)
        buffers[node] = g if prev_g is None else _sum(prev_g, g, create_graph)
        return
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._n_out
    buf[nr] = g if buf[nr] is None else _sum(buf[nr], g, create_graph)


def _as_list(node, g):
    """A node's pending gradients as a list indexed by output number (None where nothing arrived)."""
    if node._n_out == 1:
        return [g]
    return list(g) if g is not None else [None] * node._n_out


def _capture(targets, captured, node, g):
    for nr, gi in enumerate(_as_list(node, g)):
        ks = targets.get((node, nr))
        if ks:
            for k in ks:
                captured[k] = gi


def _sum(a, b, create_graph):
    """Two gradients for the same output added (a new tensor: either may be shared)."""
    if create_graph or a.__class__ is not Tensor or b.__class__ is not Tensor:
        return a + b
    # no graph to record: sum the arrays directly
    s_ = a._data + b._data
    return _make(s_ if s_.__class__ is _ndarray else xp.asarray(s_))


def _wrong_count(node, res):
    raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                       f"(expected {len(node.next_functions)}, got {len(res)})")


def _apply_node(node, gbuf, create_graph):
    """Pre-hooks, retain_grad, then the node's backward on the gradients that arrived (zeros for missing
    ones, as ``materialize_grads``), then the node's hooks."""
    if node._pre_hooks:
        _run_pre_hooks(node, gbuf)
    if node._retain:
        _retain_grads(node, gbuf, create_graph)
    if all(g is None for g in gbuf):
        return (None,) * len(node.next_functions)
    if node._cx is not None:
        res = _complex_backward(node, materialize(node, gbuf))
    else:
        res = node._fn.backward(node, *materialize(node, gbuf))
    if not isinstance(res, tuple):
        res = (res,)
    if len(res) < len(node.next_functions) and not node._fn._builtin:
        _wrong_count(node, res)
    if node._hooks:
        for h in node._hooks:
            h(res, tuple(gbuf))
    return res


def _complex_backward(node, grads):
    """The backward of a node with a complex output, in PyTorch's convention (grad_in = grad * conj(f'(z))
    for a holomorphic f).  A built-in op's formula is the real one, grad * f'(z), written with tensor ops
    that hold for complex values too; it is linear in grad, so conj(formula(conj(grad))) is PyTorch's
    gradient.  Functions marked ``_complex_aware`` state their own.  A real input takes the real part."""
    fn = node._fn
    wrap = fn._builtin and not fn._complex_aware and any(
        g is not None and g._data.dtype.kind == "c" for g in grads)
    if wrap:
        from .._ops.complex import Conj
        grads = [Conj.apply(g) if g is not None and g._data.dtype.kind == "c" else g for g in grads]
    res = fn.backward(node, *grads)
    if not isinstance(res, tuple):
        res = (res,)
    out = list(res)
    real_in = node._cx
    for i, r in enumerate(out):
        if isinstance(r, Tensor) and r._data.dtype.kind == "c":
            if wrap:
                from .._ops.complex import Conj
                r = Conj.apply(r)
            if i < len(real_in) and real_in[i]:
                from .._ops.complex import real
                from .._ops.conversion import contiguous
                r = contiguous(real(r))
            out[i] = r
    return tuple(out)


def materialize(node, gbuf):
    """``gbuf`` with zeros of each output's shape and dtype where no gradient arrived (when the node's
    Function asks for materialized gradients, PyTorch's default)."""
    if not node.materialize_grads or all(g is not None for g in gbuf):
        return gbuf
    metas = node._out_meta or [None] * len(gbuf)
    return [g if g is not None else _make(xp.zeros(m[0], m[1])) for g, m in zip(gbuf, metas)]


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
    """Add a gradient to a leaf's ``.grad``: tensor hooks first, then post-accumulate hooks."""
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
        gd = g._data
        if gd.dtype.kind == "c" and var._data.dtype.kind != "c":
            gd = gd.real   # a real leaf of a complex computation gets the real part, as PyTorch
        g = _make(gd.astype(var._data.dtype))
    if g._data.shape != var._data.shape:
        # a gradient may arrive broadcast-compatible only when the op forgot to reduce it
        raise RuntimeError(f"Function AccumulateGrad returned an invalid gradient - got {list(g.shape)} "
                           f"but expected shape compatible with {list(var.shape)}")
    cur = var._grad
    if cur is None:
        # gradients flowing in may be shared with other branches: own a copy (unless recording)
        var._grad = g if create_graph else _make(xp.array(g._data, copy=True))
    elif create_graph or cur.requires_grad:
        var._grad = cur + g
    else:
        xp.add(cur._data, g._data, out=cur._data)
        cur._vc[0] += 1
    if var._post_acc_hooks:
        for h in var._post_acc_hooks:
            h(var)


_tensor._backward_default = backward_default
