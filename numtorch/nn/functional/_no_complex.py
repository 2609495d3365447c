"""PyTorch's refusal of complex input in the nn kernels it has no complex version of (pooling, normalization,
interpolation, the log-softmax losses): the same exception class and message as its dtype dispatch."""
from ... import _dtype as D


def refuse(kernel, x, cls=NotImplementedError):
    """Raise PyTorch's ``"<kernel>" not implemented for 'ComplexFloat'`` for the complex tensor ``x``.
    Callers guard with ``if x.dtype.is_complex`` so the real path pays one attribute test."""
    raise cls(f"\"{kernel}\" not implemented for '{D.scalar_name(x._data.dtype)}'")
