"""``nn.Parameter``: a leaf tensor that a Module registers as trainable."""
from .._tensor import Tensor, _make
from .._backend import xp


class Parameter(Tensor):
    """A Tensor that is a module parameter (``requires_grad=True`` by default)."""

    def __new__(cls, data=None, requires_grad=True):
        t = Tensor.__new__(cls)
        if data is None:
            data = _make(xp.zeros((0,), xp.float32))
        Tensor.__init__(t)
        t._data = data._data
        t._vc = data._vc
        t.requires_grad = requires_grad
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._data, self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(_make(self._data.copy()), self.requires_grad)
        if self._grad is not None:
            p._grad = _make(self._grad._data.copy())
        memo[id(self)] = p
        return p


def _rebuild_parameter(data, requires_grad):
    return Parameter(_make(data), requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute."""

    def __new__(cls, data=None, *, persistent=True):
        t = Tensor.__new__(cls)
        Tensor.__init__(t)
        if data is not None:
            t._data = data._data
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass
