"""``Tensor.new_*`` constructors: new tensors with the dtype of ``self`` unless one is given."""
from .._backend import xp
from .. import _dtype as D
from .._tensor import Tensor, _make


def _new_kw(self, dtype):
    return D.to_numpy_dtype(dtype) if dtype is not None else self._data.dtype


def _finish(t, requires_grad):
    return t.requires_grad_() if requires_grad else t


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.zeros(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.ones(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.zeros(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    return _finish(_make(xp.full(tuple(size), fill_value, _new_kw(self, dtype))), requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
    src = data._data if isinstance(data, Tensor) else data
    return _finish(_make(xp.array(src, dtype=_new_kw(self, dtype), copy=True)), requires_grad)
