"""``torchvision.tv_tensors``: Tensor subclasses that tell ``transforms.v2`` what a tensor holds.

``Image``, ``Video``, ``Mask``, ``BoundingBoxes`` (with ``format``, ``canvas_size``, ``clamping_mode``) and
``KeyPoints`` (with ``canvas_size``). As in torchvision, a Tensor method called on a tv_tensor returns a plain
tensor, except ``clone``/``to``/``detach``/``requires_grad_``/``pin_memory``, which keep the kind and its metadata;
``set_return_type("TVTensor")`` makes every method keep it. numtorch has no ``__torch_function__``: this applies
to Tensor methods and operators; ``numtorch.*`` functions (``numtorch.cat(...)``) always return plain tensors."""
from enum import Enum as _Enum

from ..._backend import xp as _xp, is_array as _is_array
from ..._tensor import Tensor as _Tensor

__all__ = ["BoundingBoxFormat", "BoundingBoxes", "Image", "KeyPoints", "Mask", "TVTensor", "Video",
           "is_rotated_bounding_format", "set_return_type", "wrap"]

_RETURN_SUBCLASS = False


class _ReturnTypeCM:
    def __init__(self, to_restore):
        self.to_restore = to_restore

    def __enter__(self):
        return self

    def __exit__(self, *args):
        global _RETURN_SUBCLASS
        _RETURN_SUBCLASS = self.to_restore


def set_return_type(return_type):
    """Whether Tensor methods on a tv_tensor return a plain tensor (``"Tensor"``, the default) or the tv_tensor
    kind (``"TVTensor"``); usable as a global switch or as a context manager."""
    global _RETURN_SUBCLASS
    to_restore = _RETURN_SUBCLASS
    try:
        _RETURN_SUBCLASS = {"tensor": False, "tvtensor": True}[return_type.lower()]
    except KeyError:
        raise ValueError(f"return_type must be 'TVTensor' or 'Tensor', got {return_type}") from None
    return _ReturnTypeCM(to_restore)


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
    elif isinstance(data, TVTensor):
        data = _plain(data)
    if dtype is not None:
        data = data.to(dtype)
    if requires_grad is not None:
        data = data.detach().requires_grad_(requires_grad) if data.requires_grad != requires_grad else data
    return data


def _plain(t):
    from ..._tensor import _make
    out = _make(t._data, requires_grad=t.requires_grad, grad_fn=t.grad_fn, out_nr=t._out_nr)
    out._vc = t._vc
    return out


def _rebuild_tv(cls, tensor, meta):
    t = cls._wrap_plain(tensor)
    t.__dict__.update(meta)
    return t


# Tensor methods whose result keeps the tv_tensor kind even under the default return type (as torchvision's)
_FORCE_SUBCLASS = frozenset(["clone", "to", "detach", "requires_grad_", "pin_memory"])
# operators routed like methods (in-place operators are left alone: they return the tv_tensor itself)
_WRAPPED_DUNDERS = ("__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __floordiv__ "
                    "__rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __matmul__ __rmatmul__ __neg__ __pos__ __abs__ "
                    "__invert__ __and__ __rand__ __or__ __ror__ __xor__ __rxor__ __lshift__ __rshift__ __eq__ "
                    "__ne__ __lt__ __le__ __gt__ __ge__ __getitem__").split()
_NOT_WRAPPED = frozenset(["as_subclass", "backward", "register_hook", "numpy", "tolist", "item", "size", "dim",
                          "numel", "data_ptr", "element_size", "is_floating_point", "is_complex", "type",
                          "share_memory_", "is_shared", "storage", "untyped_storage", "stride", "nelement",
                          "ndimension", "is_contiguous", "get_device", "is_set_to", "equal", "allclose"])


def _wrap_method(name, base):
    force = name in _FORCE_SUBCLASS

    def method(self, *args, **kwargs):
        out = base(self, *args, **kwargs)
        if _RETURN_SUBCLASS or force:
            return self._wrap_output(out)
        if isinstance(out, TVTensor):
            return _plain(out)
        return out
    method.__name__ = name
    method.__qualname__ = f"TVTensor.{name}"
    method.__doc__ = getattr(base, "__doc__", None)
    return method


class TVTensor(_Tensor):
    """Base class of the tv_tensors: a Tensor sharing its data's storage, tagged with its kind."""

    @classmethod
    def _wrap_plain(cls, tensor):
        t = _Tensor.__new__(cls)
        t._data = tensor._data
        t._vc = tensor._vc
        t.requires_grad = tensor.requires_grad
        t.grad_fn = tensor.grad_fn
        t._out_nr = tensor._out_nr
        t._grad = None
        return t

    @classmethod
    def _wrap(cls, tensor, **kwargs):
        return cls._wrap_plain(tensor)

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor)

    def _meta(self):
        return {}

    def _wrap_output(self, output):
        if isinstance(output, _Tensor):
            out = type(self)._wrap_plain(output)
            out.__dict__.update(self._meta())
            return out
        if isinstance(output, (tuple, list)):
            return type(output)(self._wrap_output(o) for o in output)
        return output

    @staticmethod
    def _to_tensor(data, dtype=None, device=None, requires_grad=None):
        return _as_tensor(data, dtype, requires_grad)

    def __init__(self, *args, **kwargs):
        pass

    __hash__ = _Tensor.__hash__

    def _make_repr(self, **kwargs):
        body = _Tensor.__repr__(_plain(self))
        name = type(self).__name__
        body = name + body[len("tensor"):] if body.startswith("tensor") else body
        if not kwargs:
            return body
        extra = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        return f"{body[:-1]}, {extra})"

    def __repr__(self):
        return self._make_repr(**self._meta())

    __str__ = __repr__

    def as_subclass(self, cls):
        return cls._wrap_plain(self) if cls is not _Tensor else _plain(self)

    def __reduce_ex__(self, proto):
        return (_rebuild_tv, (type(self), _plain(self.detach()), dict(self.__dict__)))

    def __deepcopy__(self, memo):
        out = self._wrap_output(_Tensor.__deepcopy__(_plain(self.detach()), memo))
        memo[id(self)] = out
        return out


def _install_wrappers():
    seen = set()
    for klass in _Tensor.__mro__:
        for name, attr in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            if not callable(attr) or isinstance(attr, (type, staticmethod, classmethod, property)):
                continue
            if name.startswith("_") and name not in _WRAPPED_DUNDERS:
                continue
            if name in _NOT_WRAPPED:
                continue
            setattr(TVTensor, name, _wrap_method(name, attr))


_install_wrappers()


class Image(TVTensor):
    """An image ``[..., C, H, W]`` (a 2-D input gains a channel axis)."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        if t.ndim < 2:
            raise ValueError(f"Tensor must be 2D or higher, got {t.ndim}D tensor.")
        if t.ndim == 2:
            t = t.unsqueeze(0)
        return cls._wrap_plain(t)


class Video(TVTensor):
    """A video ``[..., T, C, H, W]``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        if t.ndim < 4:
            raise ValueError
        return cls._wrap_plain(t)


class Mask(TVTensor):
    """A segmentation mask ``[..., H, W]``."""

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        return cls._wrap_plain(t)


class BoundingBoxFormat(_Enum):
    """How a box's numbers are laid out: ``XYXY`` (corners), ``XYWH`` (top-left corner, size), ``CXCYWH``
    (centre, size); rotated: ``XYWHR`` / ``CXCYWHR`` (plus the angle in degrees, counter-clockwise) and
    ``XYXYXYXY`` (the four corners)."""
    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"
    XYWHR = "XYWHR"
    CXCYWHR = "CXCYWHR"
    XYXYXYXY = "XYXYXYXY"


def is_rotated_bounding_format(format):
    """Whether ``format`` (a ``BoundingBoxFormat`` or its name) is one of the rotated formats."""
    if isinstance(format, BoundingBoxFormat):
        return format in (BoundingBoxFormat.XYWHR, BoundingBoxFormat.CXCYWHR, BoundingBoxFormat.XYXYXYXY)
    if isinstance(format, str):
        return format in ("XYWHR", "CXCYWHR", "XYXYXYXY")
    raise ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")


class BoundingBoxes(TVTensor):
    """Boxes ``[N, K]`` (K = 4, or 5 / 8 for rotated formats) on an image of ``canvas_size = (H, W)``;
    ``clamping_mode`` (``"soft"``, ``"hard"`` or ``None``) says how transforms clamp them to the canvas."""

    @classmethod
    def _wrap(cls, tensor, *, format, canvas_size, clamping_mode="soft", check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.ndim != 2:
                raise ValueError(f"Expected a 1D or 2D tensor, got {tensor.ndim}D")
        if clamping_mode is not None and clamping_mode not in ("hard", "soft"):
            raise ValueError(f"clamping_mode must be None, hard or soft, got {clamping_mode}.")
        if isinstance(format, str):
            format = BoundingBoxFormat[format.upper()]
        out = cls._wrap_plain(tensor)
        out.format = format
        out.canvas_size = canvas_size
        out.clamping_mode = clamping_mode
        return out

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, format=kwargs.get("format", like.format),
                         canvas_size=kwargs.get("canvas_size", like.canvas_size),
                         clamping_mode=kwargs.get("clamping_mode", like.clamping_mode))

    def __new__(cls, data, *, format, canvas_size, clamping_mode="soft", dtype=None, device=None,
                requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        if not t.is_floating_point() and is_rotated_bounding_format(format):
            raise ValueError(f"Rotated bounding boxes should be floating point tensors, got {t.dtype}.")
        return cls._wrap(t, format=format, canvas_size=canvas_size, clamping_mode=clamping_mode)

    def _meta(self):
        return {"format": self.format, "canvas_size": self.canvas_size, "clamping_mode": self.clamping_mode}


class KeyPoints(TVTensor):
    """Points ``[..., 2]`` (x, y) on an image of ``canvas_size = (H, W)``."""

    @classmethod
    def _wrap(cls, tensor, *, canvas_size, check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.shape[-1] != 2:
                raise ValueError(f"Expected a tensor of shape (..., 2), not {tensor.shape}")
        out = cls._wrap_plain(tensor)
        out.canvas_size = canvas_size
        return out

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, canvas_size=kwargs.get("canvas_size", like.canvas_size))

    def __new__(cls, data, *, canvas_size, dtype=None, device=None, requires_grad=None):
        t = _as_tensor(data, dtype, requires_grad)
        return cls._wrap(t, canvas_size=canvas_size)

    def _meta(self):
        return {"canvas_size": self.canvas_size}


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as the same tv_tensor kind as ``like`` (its metadata taken from ``like`` unless given)."""
    return type(like).wrap(wrappee, like=like, **kwargs)
