"""Complex tensors: PyTorch's complex-only functions (complex, polar, real/imag views, view_as_real,
conj and its flags, angle) and ``torch.result_type``."""
import numbers

from .. import _dtype as D
from .._tensor import Tensor


def _scalar_dtype(s):
    if isinstance(s, bool):
        return D.bool_
    if isinstance(s, numbers.Integral):
        return D.int64
    if isinstance(s, numbers.Real):
        return D.get_default_dtype()
    return D.default_complex()


def result_type(tensor, other):
    """``torch.result_type``: the dtype of an elementwise op of two operands, with PyTorch's priority of
    dimensioned tensors over 0-d tensors over Python numbers (a lower level only lifts the category)."""
    if isinstance(tensor, Tensor) and isinstance(other, Tensor):
        return D.result_type(tensor.dtype, tensor._data.ndim == 0, other.dtype, other._data.ndim == 0)
    if isinstance(tensor, Tensor):
        t, s = tensor, other
    elif isinstance(other, Tensor):
        t, s = other, tensor
    else:
        return D.promote(_scalar_dtype(tensor), _scalar_dtype(other))
    return D._combine(t.dtype, _scalar_dtype(s))
