"""The in-place plumbing: ``t.op_(...)`` writes ``op(t, ...)`` into ``t``'s storage and history."""
import builtins

from .._backend import xp
from .. import _dtype as D
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make


def inplace_assign(t, new):
    """Finish an in-place op: write ``new`` into ``t``'s storage and give ``t`` ``new``'s history."""
    from .index import _rebase
    t._check_inplace()
    _rebase(t, new)
    return t


def check_overlap(t):
    """PyTorch refuses to write in place into a tensor whose elements share memory (an expanded, stride-0 view)."""
    d = t._data
    if d.size > 1 and builtins.any(st == 0 and n > 1 for st, n in zip(d.strides, d.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a single "
                           "memory location. Please clone() the tensor before performing the operation.")


def inplace(t, fn, *args, **kwargs):
    """``t.op_(...)``: compute ``fn(t, ...)`` and store the result in ``t``'s own memory.

    Without autograd this is one NumPy op writing in place; with autograd the op
    runs on a snapshot of ``t`` (so its saved values stay valid) and ``t`` takes
    over the result's place in the graph.
    """
    check_overlap(t)
    if _gs.enabled and (t.requires_grad or builtins.any(isinstance(a, Tensor) and a.requires_grad for a in args)):
        t._check_inplace()
        if t.requires_grad:   # a view of a leaf, or of one of several outputs: refused before the op runs
            from .index import _view_inplace_error
            msg = _view_inplace_error(t)
            if msg is not None:
                raise RuntimeError(msg)
        from .index import _snapshot
        new = fn(_snapshot(t), *args, **kwargs)
        if new.dtype != t.dtype:
            # PyTorch casts the result into t's dtype (float64 into float16 too) unless that lowers the category
            from ._util import _category
            if _category(new._data.dtype) <= _category(t._data.dtype):
                new = new.to(t.dtype)
        return inplace_assign(t, new)
    new = fn(_make(t._data), *args, **kwargs)
    nd = new._data
    td = t._data
    if nd.dtype != td.dtype:
        # PyTorch's rule: no float into an integer, no non-bool into a bool (int32 into uint8 is allowed)
        from ._util import _category
        if _category(nd.dtype) > _category(td.dtype):
            raise RuntimeError(f"result type {D.scalar_name(nd.dtype)} can't be cast to the "
                               f"desired output type {D.scalar_name(td.dtype)}")
    if nd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(nd.shape)}")
    if td.size:   # an empty (possibly read-only, expanded) target has nothing to write
        td[...] = nd
    t._vc[0] += 1
    return t


def inplace_view(fn):
    """``t.t_()``, ``t.transpose_()``, ``t.squeeze_()``, ``t.unsqueeze_()``: ``t`` itself becomes the view
    ``fn(t, ...)`` (new shape and strides over the same memory) and takes over its history."""
    def method(self, *args, **kwargs):
        if _gs.enabled and self.requires_grad and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if _gs.enabled and self.requires_grad:
            from .index import _view_inplace_error
            msg = _view_inplace_error(self)
            if msg is not None:
                raise RuntimeError(msg)
        new = fn(self, *args, **kwargs)
        self._data = new._data
        # the view bookkeeping of ``self`` described its old layout
        self.__dict__.pop("_view", None)
        if new.grad_fn is not None:
            self.grad_fn, self._out_nr, self.requires_grad = new.grad_fn, new._out_nr, True
        return self
    method.__name__ = fn.__name__ + "_"
    return method


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all dims of equal size, or a tall 2-D matrix with ``wrap``)."""
    d = self._data
    if d.ndim < 2 or (d.ndim > 2 and len(set(d.shape)) != 1):
        raise RuntimeError("all dimensions of input must be of equal length")
    n = builtins.min(d.shape)
    i = xp.arange(n)
    idx = (i,) * d.ndim
    if wrap and d.ndim == 2 and d.shape[0] > d.shape[1] + 1:
        step = d.shape[1] + 1
        flat = xp.arange(0, d.shape[0] * d.shape[1], step)
        idx = (flat // d.shape[1], flat % d.shape[1])
    from .index import setitem
    setitem(self, tuple(_make(j) for j in idx), fill_value)
    return self
