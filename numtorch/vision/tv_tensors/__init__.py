"""``torchvision.tv_tensors``: Tensor subclasses that tell ``transforms.v2`` what a tensor holds.

Only the image-classification kinds are here (``Image``, ``Video``, ``Mask``); operations on them return
plain tensors, as torchvision's do by default, and ``wrap`` puts a result back into the input's kind."""
from ..._backend import xp as _xp, is_array as _is_array
from ..._tensor import Tensor as _Tensor

__all__ = ["Image", "Mask", "TVTensor", "Video", "wrap"]


def _as_tensor(data, dtype=None, requires_grad=None):
    import numtorch as _nt
    if not isinstance(data, _Tensor):
        try:
            from PIL import Image as _PIL
        except ImportError:
            _PIL = None
        if _PIL is not None and isinstance(data, _PIL.Image):
            from ..transforms.functional import pil_to_tensor
            data = pil_to_tensor(data)
        else:
            data = _nt.as_tensor(data if not _is_array(data) else _xp.asarray(data))
    if dtype is not None:
        data = data.to(dtype)
    if requires_grad is not None:
        data = data.detach().requires_grad_(requires_grad) if data.requires_grad != requires_grad else data
    return data


class TVTensor(_Tensor):
    """Base class of the tv_tensors: a Tensor sharing ``data``'s storage, tagged with its kind."""

    @classmethod
    def _wrap(cls, tensor):
        t = _Tensor.__new__(cls)
        t._data = tensor._data
        t._vc = tensor._vc
        t.requires_grad = tensor.requires_grad
        t.grad_fn = tensor.grad_fn
        t._out_nr = tensor._out_nr
        t._grad = None
        return t

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self):
        body = super().__repr__()
        return f"{type(self).__name__}(" + body[len("tensor("):] if body.startswith("tensor(") else body

    def as_subclass(self, cls):
        return cls._wrap(self) if cls is not _Tensor else _plain(self)


def _plain(t):
    from ..._tensor import _make
    out = _make(t._data, requires_grad=t.requires_grad, grad_fn=t.grad_fn, out_nr=t._out_nr)
    out._vc = t._vc
    return out


class Image(TVTensor):
    """An image ``[..., C, H, W]`` (a 2-D input gains a channel axis)."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        if t.ndim < 2:
            raise ValueError
        if t.ndim == 2:
            t = t.unsqueeze(0)
        return cls._wrap(t)


class Video(TVTensor):
    """A video ``[..., T, C, H, W]``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        if t.ndim < 4:
            raise ValueError
        return cls._wrap(t)


class Mask(TVTensor):
    """A segmentation mask ``[..., H, W]``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        return cls._wrap(t)


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as the same tv_tensor kind as ``like``."""
    return type(like)._wrap(wrappee)
