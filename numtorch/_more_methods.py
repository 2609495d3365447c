"""Tensor methods that only bind functions defined elsewhere, as PyTorch's Tensor has them: in-place forms of the
comparison, logical, bitwise, product and scan functions, the arc* aliases, and methods of functions that live
outside ``_ops`` (sampling, statistics)."""
from ._tensor import Tensor, Size, register_methods
from . import _ops
from ._ops import _make_inplace
from ._ops.inplace import inplace_view
from ._creation import bernoulli, multinomial
from ._aten_functions import is_inference


def _inplace_of(*names):
    return {n + "_": _make_inplace(getattr(_ops, n)) for n in names}


def is_same_size(self, other):
    """True when other has self's shape."""
    return tuple(self.shape) == tuple(other.shape)


def new(self, *args, **kwargs):
    """The legacy constructor in self's dtype: ``x.new(2, 3)`` uninitialized, ``x.new(data)`` from data,
    ``x.new()`` empty."""
    from ._creation import empty, tensor
    if kwargs.get("device") is not None:
        from . import _devices
        _devices.check(kwargs["device"])
    if len(args) == 1 and not isinstance(args[0], int) and not (isinstance(args[0], (tuple, list)) and
                                                                 not args[0]) and not _is_size(args[0]):
        return tensor(args[0], dtype=self.dtype)
    shape = args[0] if len(args) == 1 and _is_size(args[0]) else args
    return empty(*shape, dtype=self.dtype) if shape else empty(0, dtype=self.dtype)


def _is_size(a):
    return isinstance(a, Size)


def to_dense(self, dtype=None, *, masked_grad=None):
    """A strided tensor is already dense: self (or self cast to dtype)."""
    return self if dtype is None else self.to(dtype)


_table = _inplace_of("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
                     "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
                     "bitwise_or", "bitwise_xor", "bitwise_not", "addmm", "addmv", "baddbmm", "addbmm", "cumsum",
                     "cumprod")
_table.update(arcsin_=Tensor.asin_, arccos_=Tensor.acos_, arctan_=Tensor.atan_, arctan2_=Tensor.atan2_,
              arcsinh=Tensor.asinh, arccosh=Tensor.acosh, arctanh=Tensor.atanh, arcsinh_=Tensor.asinh_,
              arccosh_=Tensor.acosh_, arctanh_=Tensor.atanh_, fix_=Tensor.trunc_, negative_=Tensor.neg_,
              swapaxes_=inplace_view(_ops.transpose), swapdims_=inplace_view(_ops.transpose),
              bernoulli=bernoulli, multinomial=multinomial, cov=_ops.cov, corrcoef=_ops.corrcoef,
              narrow_copy=_ops.narrow_copy, is_inference=is_inference, is_same_size=is_same_size, new=new,
              to_dense=to_dense)
register_methods(_table)
Tensor.itemsize = property(lambda self: self._data.dtype.itemsize, doc="bytes per element")
Tensor.nbytes = property(lambda self: self._data.size * self._data.dtype.itemsize, doc="numel * itemsize")
