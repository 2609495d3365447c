"""``nn.Parameter`` and ``nn.Buffer``.

A Parameter is a leaf tensor (``requires_grad=True`` by default) that a Module
registers as trainable when it is assigned to an attribute. It shares memory and
version counter with the tensor it was made from, as in PyTorch.
"""
from .._tensor import Tensor as _Tensor, _make
from .._backend import xp as _xp
from .. import _dtype as _D
from .. import _shared_mem as _shm

__all__ = ["Parameter", "Buffer"]


class Parameter(_Tensor):
    """A Tensor that is a module parameter (``requires_grad=True`` by default)."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _make(_xp.empty((0,), _D.get_default_dtype().np))
        elif not isinstance(data, _Tensor):
            raise TypeError(f"Parameter(data): expected a Tensor, got {type(data).__name__}")
        if requires_grad and data._data.dtype.kind not in "fV":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t = _Tensor.__new__(cls)
        t._data = data._data
        t._vc = data._vc
        t.requires_grad = bool(requires_grad)
        t.grad_fn = None
        t._out_nr = 0
        t._grad = None
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (_shm.picklable(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = type(self)(_make(self._data.copy()), self.requires_grad)
        if self._grad is not None:
            p._grad = _make(self._grad._data.copy())
        memo[id(self)] = p
        return p


def _rebuild_parameter(data, requires_grad):
    return Parameter(_make(data), requires_grad)


class _BufferMeta(type):
    # ``isinstance(t, Buffer)`` holds for tensors made by ``Buffer(...)`` (they are plain Tensors)
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, _Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(_Tensor, metaclass=_BufferMeta):
    """Marks a tensor to be registered as a buffer when it is assigned to a Module attribute.

    ``Buffer(t, persistent=False)`` keeps it out of ``state_dict``. The result is a
    plain (detached) Tensor carrying the mark, as in PyTorch.
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _make(_xp.empty((0,), _D.get_default_dtype().np))
        t = data.detach()
        t.requires_grad = data.requires_grad
        t.__dict__["_is_buffer"] = True
        t.__dict__["persistent"] = persistent
        return t
