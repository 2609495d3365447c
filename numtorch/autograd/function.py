"""``Function``: a differentiable operation, its forward and backward side by side.

A call ``F.apply(*args)`` runs ``F.forward(ctx, *args)`` and, when gradients are
being recorded, keeps ``ctx`` as the backward node of the result. ``ctx`` is an
instance of the node class generated for ``F`` (``MulBackward0`` for ``Mul``),
exactly as in PyTorch, so ``tensor.grad_fn`` names read the same.

Built-in operations return NumPy arrays from ``forward`` (no wrapper overhead);
user-defined Functions may return Tensors, as in ``torch.autograd.Function``.
Every ``backward`` is written with Tensor operations, so running it with
recording switched on (``create_graph=True``) gives higher-order gradients.
"""
import functools
import weakref

from .._backend import xp, ndarray as _ndarray
from .._dtype import scalar_name
from .grad_mode import state as _gs
from .. import _tensor
from .._tensor import Tensor, _make


def _bcast_error(args, e):
    """PyTorch's RuntimeError for tensor operands whose shapes do not broadcast (NumPy raises ValueError)."""
    ts = [a for a in args if isinstance(a, Tensor)]
    if "broadcast" in str(e) and len(ts) >= 2:
        for i in range(len(ts) - 1):
            r = _tensor._bcast_error(ts[i], ts[i + 1], e)
            if r is not e:
                return r
    return e

_new = object.__new__

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
         "after they have already been freed). Saved intermediate values of the graph are freed "
         "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
         "backward through the graph a second time or if you need to access saved tensors after "
         "calling backward.")


class Node:
    """A node of the backward graph (``grad_fn``); also the ``ctx`` of its Function."""

    _fn = None
    _n_out = 1
    next_functions = ()
    _saved = None
    _out = None
    _released = False
    _retain = None      # {output_nr: [weakref to tensor]} for retain_grad()
    _pre_hooks = None   # {output_nr: [hook]} from Tensor.register_hook on non-leaves
    _hooks = None       # node hooks: fn(grad_inputs, grad_outputs)
    _out_meta = None
    _plain = True       # one output, no hooks, no retain_grad: the engine's fast case
    _cx = None          # a complex output: per input, whether it was real (see _mark_complex)
    materialize_grads = True
    non_differentiable = None
    _dirty = None
    needs_input_grad = ()

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # --- the ctx API -------------------------------------------------------
    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (or None) for backward, each with its version (checked when read back).
        Written out for one and two tensors: it is on every hot op's forward."""
        n = len(tensors)
        if n == 1:
            t = tensors[0]
            self._saved = (None if t is None else (t, t._vc[0]),)
        elif n == 2:
            a, b = tensors
            self._saved = (None if a is None else (a, a._vc[0]), None if b is None else (b, b._vc[0]))
        else:
            self._saved = tuple([None if t is None else (t, t._vc[0]) for t in tensors])

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError(FREED)
        saved = self._saved
        if not saved:
            return ()
        out = []
        for rec in saved:
            if rec is None:
                out.append(None)
                continue
            if rec.__class__ is tuple:
                t, v = rec
                if t._vc[0] != v:
                    _modified(t, v)
                out.append(t)
            else:  # an output of this node, stored without a reference cycle
                out.append(rec.unpack(self))
        return tuple(out)

    @property
    def saved_output(self):
        """The (single) output of this node, for backward formulas such as ``y * (1 - y)``."""
        if self._released:
            raise RuntimeError(FREED)
        return self._out.unpack(self)

    def mark_non_differentiable(self, *args):
        self.non_differentiable = set(map(id, args))

    def mark_dirty(self, *args):
        """Inputs that ``forward`` modified in place: they are returned as outputs with this node as their
        history, and their version counters advance (so stale saved copies are detected)."""
        self._dirty = set(map(id, args))

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    # --- graph API ---------------------------------------------------------
    def register_hook(self, fn):
        if self._hooks is None:
            self._hooks = []
        self._plain = False
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        return self._add_pre_hook(None, fn)

    def _add_pre_hook(self, nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._plain = False
        lst = self._pre_hooks.setdefault(nr, [])
        lst.append(fn)
        return _RemovableHandle(lst, fn)

    def _release(self):
        self._released = True
        self._saved = None
        self._out = None

    def apply(self, *grads):
        return self._fn.backward(self, *grads)


class _RemovableHandle:
    __slots__ = ("_lst", "_fn")

    def __init__(self, lst, fn):
        self._lst, self._fn = lst, fn

    def remove(self):
        try:
            self._lst.remove(self._fn)
        except ValueError:
            pass


class _SavedOutput:
    """An output saved by its own node: data and version, re-wrapped on use (no cycle)."""

    __slots__ = ("data", "vc", "version", "nr")

    def __init__(self, t):
        self.data, self.vc, self.version, self.nr = t._data, t._vc, t._vc[0], t._out_nr

    def unpack(self, node):
        if self.vc[0] != self.version:
            _modified(_make(self.data), self.version, self.vc[0], node)
        t = _make(self.data, True, node, self.nr)
        t._vc = self.vc
        return t


def _modified(t, expected, now=None, node=None):
    now = t._vc[0] if now is None else now
    dt = scalar_name(t._data.dtype)
    shape = ", ".join(map(str, t._data.shape))
    src = node if node is not None else t.grad_fn
    import re
    # PyTorch names the forward op here: "output 0 of Exp" for ExpBackward0
    which = f", which is output {t._out_nr} of {re.sub(r'Backward[0-9]*$', '', src.name())}," if src is not None \
        else ""
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{dt}Tensor [{shape}]]{which} is at version {now}; expected version "
        f"{expected} instead. Hint: enable anomaly detection to find the operation that failed to "
        f"compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


class AccumulateGrad(Node):
    """The sink of the graph for a leaf tensor: adds the incoming gradient to ``.grad``."""

    def __init__(self, variable):
        self._var = weakref.ref(variable)

    @property
    def variable(self):
        return self._var()


class FunctionMeta(type):
    """Gives every Function subclass its backward-node class (``MulBackward0``)."""

    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        node_name = ns.get("node_name") or (name + ("Backward0" if ns.get("_builtin", False) or
                                                     getattr(cls, "_builtin", False) else "Backward"))
        cls._node_cls = type(node_name, (Node,), {"_fn": cls})
        if "setup_context" in ns and "forward" in ns:
            # the newer style: forward(*args) without ctx, then setup_context(ctx, inputs, output);
            # wrapped once here so Function.apply's hot path stays the same
            user_forward = ns["forward"].__func__ if isinstance(ns["forward"], staticmethod) else ns["forward"]
            user_setup = ns["setup_context"].__func__ if isinstance(ns["setup_context"], staticmethod) \
                else ns["setup_context"]

            def forward(ctx, *args, **kwargs):
                out = user_forward(*args, **kwargs)
                user_setup(ctx, args, out)
                return out
            cls.forward = staticmethod(forward)


class Function(metaclass=FunctionMeta):
    """Base class for differentiable operations, as ``torch.autograd.Function``.

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``
    as static methods and are called through ``apply``.
    """

    _builtin = False      # built-in ops: forward returns arrays, node named ``XBackward0``
    _save_output = False  # keep the output for backward (read it as ctx.saved_output)
    _is_view = False      # the output shares memory and version counter with input 0
    _complex_aware = False  # backward states PyTorch's complex formula itself (else the engine conjugates)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        return None

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when an input requires grad and recording is on, make its ``ctx`` the
        ``grad_fn`` of the outputs.  The one path every differentiable op takes (and so the one place an
        observer such as the profiler or a tracer hooks in: see ``_add_apply_observer``)."""
        # which inputs need a gradient, and the edges to their nodes (one pass; plain loops, not
        # comprehensions: on 1-3 arguments they avoid a frame each -- this is the hottest function)
        prev = _gs.enabled
        needs = False
        if prev:
            if len(args) == 1:
                a = args[0]
                if isinstance(a, Tensor) and a.requires_grad:
                    needs = True
                    fn = a.grad_fn
                    nf = ((fn, a._out_nr) if fn is not None else _edge(a),)
                    nig = _NIG1
            else:
                nig = []
                nf = []
                for a in args:
                    if isinstance(a, Tensor) and a.requires_grad:
                        needs = True
                        nig.append(True)
                        fn = a.grad_fn  # _edge(a), inlined for the common non-leaf case
                        nf.append((fn, a._out_nr) if fn is not None else _edge(a))
                    else:
                        nig.append(False)
                        nf.append(_NO_EDGE)
                if needs:
                    nig = tuple(nig)
                    nf = tuple(nf)
        ctx = _new(cls._node_cls)  # node classes define no __init__: skip type.__call__
        if needs:
            ctx.needs_input_grad = nig
            ctx.next_functions = nf
        if needs or not cls._builtin:
            _gs.enabled = False   # a forward is not recorded (a user's forward may call other ops)
        try:
            out = cls.forward(ctx, *args, **kwargs) if kwargs else cls.forward(ctx, *args)
        except ValueError as e:
            if not cls._builtin:
                raise
            raise _bcast_error(args, e) from None  # NumPy's broadcast ValueError -> PyTorch's RuntimeError
        finally:
            _gs.enabled = prev
        if out.__class__ is _ndarray or (isinstance(out, xp.generic) and (out := xp.asarray(out)) is not None):
            # the built-in ops' single output: _make(out, ...) inlined (hot path)
            t = _new(Tensor)
            t._data = out
            t._out_nr = 0
            t._grad = None
            t._vc = args[0]._vc if cls._is_view else [0]
            if needs and (k := out.dtype.kind) in "fVc":
                t.requires_grad = True
                t.grad_fn = ctx
                if k == "c":
                    _mark_complex(ctx, args)
            else:
                t.requires_grad = False
                t.grad_fn = None
            if needs and cls._save_output:
                ctx._out = _SavedOutput(t)
            return t
        return _wrap_outputs(ctx, needs, out, args, cls)


def _mark_complex(ctx, args):
    """A node with a complex output goes through the engine's complex path (``engine._complex_backward``),
    which needs to know which inputs were real."""
    ctx._plain = False
    ctx._cx = tuple(isinstance(a, Tensor) and a._data.dtype.kind != "c" for a in args)


_NO_EDGE = (None, 0)
_NIG1 = (True,)


def _edge(t):
    fn = t.grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    if t.requires_grad:
        acc = t._acc
        if acc is None:
            acc = t._acc = AccumulateGrad(t)
        return (acc, 0)
    return (None, 0)


def _wrap_outputs(ctx, needs, out, args, cls):
    """Outputs other than one array: tuples, Tensors returned by a user's ``forward``, None entries.

    Without a graph to record, arrays become plain tensors and tensors are returned as they are.  With
    one, every floating output not marked non-differentiable gets ``ctx`` as its history; an input
    returned unchanged becomes a new tensor on the same data (as PyTorch's view of it) unless ``forward``
    marked it dirty, in which case the input itself takes the new history (an in-place op)."""
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    wrapped = []
    metas = []
    nd = ctx.non_differentiable
    dirty = ctx._dirty
    for i, o in enumerate(outs):
        if isinstance(o, xp.generic):
            o = xp.asarray(o)
        if not isinstance(o, (Tensor, _ndarray)):
            wrapped.append(o)
            metas.append(None)
            continue
        if dirty and isinstance(o, Tensor) and id(o) in dirty:
            o._vc[0] += 1
            if needs:
                o._check_inplace()
            t = o
        elif isinstance(o, Tensor):
            t = _make(o._data) if needs and any(o is a for a in args) else o
        else:
            t = _make(o)
        if cls._is_view:
            t._vc = args[0]._vc
        data = t._data
        if needs:
            if data.dtype.kind in "fVc" and not (nd and id(o) in nd):
                t.requires_grad = True
                t.grad_fn = ctx
                t._out_nr = i
            else:
                t.requires_grad = False
                t.grad_fn = None
        wrapped.append(t)
        metas.append((data.shape, data.dtype))
    if not needs:
        return wrapped[0] if single else tuple(wrapped)
    if any(m is not None and m[1].kind == "c" for m in metas):
        _mark_complex(ctx, args)
    ctx._n_out = len(outs)
    if len(outs) != 1:
        ctx._plain = False
    ctx._out_meta = metas
    if ctx._saved:
        # a saved tensor that is one of our outputs would form a cycle: store it as an output record
        ids = {id(t): t for t in wrapped if isinstance(t, Tensor)}
        ctx._saved = tuple(_SavedOutput(ids[id(r[0])]) if r is not None and id(r[0]) in ids else r
                           for r in ctx._saved)
    if cls._save_output:
        ctx._out = _SavedOutput(wrapped[0])
    return wrapped[0] if single else tuple(wrapped)


# ---------------------------------------------------------------------------- observers
_observers = []
_plain_apply = Function.__dict__["apply"]


def _add_apply_observer(observer):
    """Call ``observer(cls, args, kwargs, run)`` instead of ``cls.apply(*args, **kwargs)`` for every
    Function application while it is registered; ``run()`` performs the application and returns its
    outputs.  The single hook point for the profiler and for graph tracers (ONNX export): with no
    observer, ``Function.apply`` is the plain classmethod and costs nothing extra.  Returns a handle
    whose ``remove()`` unregisters it."""
    _observers.append(observer)
    Function.apply = classmethod(_observed_apply)
    return _ObserverHandle(observer)


def _observed_apply(cls, *args, **kwargs):
    def run(observers=tuple(_observers)):
        if not observers:
            return _plain_apply.__func__(cls, *args, **kwargs)
        return observers[0](cls, args, kwargs, lambda: run(observers[1:]))
    return run()


class _ObserverHandle:
    __slots__ = ("_obs",)

    def __init__(self, obs):
        self._obs = obs

    def remove(self):
        if self._obs in _observers:
            _observers.remove(self._obs)
        if not _observers:
            Function.apply = _plain_apply


def once_differentiable(backward):
    """Decorator for a ``backward`` written with raw array math: it runs without recording, and a second
    differentiation through its results raises instead of silently giving zeros (as PyTorch)."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        prev = _gs.enabled
        _gs.enabled = False
        try:
            out = backward(ctx, *grads)
        finally:
            _gs.enabled = prev
        if not prev or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return out   # (PyTorch's rule: only incoming gradients that require grad make results recorded)
        # recording (create_graph): each result gets a history whose backward raises
        single = not isinstance(out, tuple)
        outs = tuple(_DelayedError.apply(o.detach().requires_grad_())
                     if isinstance(o, Tensor) and o._data.dtype.kind in "fVc" else o
                     for o in ((out,) if single else out))
        return outs[0] if single else outs
    return wrapper


class _DelayedError(Function):
    """Identity whose backward raises: marks results of a once-differentiable backward."""

    @staticmethod
    def forward(ctx, x):
        return x._data.copy()

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


_tensor._edge = _edge
