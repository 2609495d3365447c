"""Padding modules over F.pad: constant/zero, reflection, replication, circular."""
from .module import Module
from .. import functional as F

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


def _expand(padding, n):
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2 * n:
            raise ValueError(f"Padding must be an int or a {2 * n}-element tuple")
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _expand(padding, self._n)

    def forward(self, input):
        if self._mode == "circular" and input.ndim not in (self._n + 1, self._n + 2):
            # PyTorch's CircularPadNd checks the rank itself (F.pad would raise a different error)
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got {input.ndim}D input)")
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _mk(name, base, n, mode=None):
    ns = {"_n": n}
    if mode:
        ns["_mode"] = mode
    return type(name, (base,), ns)


ConstantPad1d = _mk("ConstantPad1d", _ConstantPadNd, 1)
ConstantPad2d = _mk("ConstantPad2d", _ConstantPadNd, 2)
ConstantPad3d = _mk("ConstantPad3d", _ConstantPadNd, 3)


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


ZeroPad1d = _mk("ZeroPad1d", _ZeroPadNd, 1)
ZeroPad2d = _mk("ZeroPad2d", _ZeroPadNd, 2)
ZeroPad3d = _mk("ZeroPad3d", _ZeroPadNd, 3)
ReflectionPad1d = _mk("ReflectionPad1d", _PadNd, 1, "reflect")
ReflectionPad2d = _mk("ReflectionPad2d", _PadNd, 2, "reflect")
ReflectionPad3d = _mk("ReflectionPad3d", _PadNd, 3, "reflect")
ReplicationPad1d = _mk("ReplicationPad1d", _PadNd, 1, "replicate")
ReplicationPad2d = _mk("ReplicationPad2d", _PadNd, 2, "replicate")
ReplicationPad3d = _mk("ReplicationPad3d", _PadNd, 3, "replicate")
CircularPad1d = _mk("CircularPad1d", _PadNd, 1, "circular")
CircularPad2d = _mk("CircularPad2d", _PadNd, 2, "circular")
CircularPad3d = _mk("CircularPad3d", _PadNd, 3, "circular")
for _c in (ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d, ReflectionPad1d,
           ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d,
           CircularPad2d, CircularPad3d):
    _c.__module__ = __name__
