"""Storage-level views and resizes: ``as_strided`` (+ ``as_strided_copy``, ``as_strided_scatter``),
``storage_offset``, ``resize_`` / ``resize_as_``, ``new_empty_strided`` and ``__rdiv__``.

A tensor's storage here is the NumPy array at the root of its ``.base`` chain (C-contiguous, counted in
elements); ``as_strided(size, stride, offset)`` reads that storage at ``offset + sum(i_k * stride_k)`` exactly
as PyTorch reads its storage. The gradient follows PyTorch's ``as_strided_backward``: the upstream gradient is
summed into a zero storage at the output's positions, divided by how many input elements share a position
(an overlapping input, e.g. an expanded one), and read back at the input's positions."""
import builtins
import math

from .._backend import xp, ndarray
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import as_view


def _storage(d):
    """(flat storage, offset of ``d`` in it, ``d``'s strides in elements)."""
    root = d
    while True:
        b = root.base
        if not isinstance(b, ndarray):
            b = getattr(b, "base", None)  # NumPy's as_strided wraps the array it was built on in a holder
        if not isinstance(b, ndarray) or b.dtype != d.dtype:
            break
        root = b
    if not root.flags.c_contiguous:
        root = d
    if not d.flags.c_contiguous and root is d:
        # no contiguous storage behind it (a broadcast or strided result): its own copy is the storage
        root = xp.ascontiguousarray(d)
        return root.reshape(-1), 0, tuple(s // d.itemsize for s in root.strides)
    flat = root.reshape(-1)
    off = (d.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // d.itemsize if d.size else 0
    return flat, off, tuple(s // d.itemsize for s in d.strides)


def storage_offset(input):
    """The element offset of ``input``'s first element in its storage."""
    return _storage(input._data)[1]


def _positions(size, stride, offset):
    """Storage index of every element of a (size, stride, offset) geometry, in C order (int64)."""
    idx = xp.full((), offset, xp.int64)
    for n, s in zip(size, stride):
        idx = idx[..., None] + xp.arange(n, dtype=xp.int64) * s
    return idx.reshape(-1)


def _check_geometry(name, size, stride, offset, storage_size, itemsize):
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    for s in stride:
        if s < 0:
            raise RuntimeError(f"{name}: Negative strides are not supported at the moment, got strides: "
                               f"{list(stride)}")
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    need = 0 if 0 in size else offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
    if need > storage_size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {itemsize} requiring a storage size of {need * itemsize} are out of bounds "
                           f"for storage of size {storage_size * itemsize}")
    return size, stride


def _as_strided_grad(g, in_shape, in_stride, in_off, size, stride, offset):
    """PyTorch's as_strided_backward in tensor ops (so it is differentiable again)."""
    from . import index as _index
    out_pos = _positions(size, stride, offset)
    in_pos = _positions(in_shape, in_stride, in_off)
    lo = int(builtins.min(out_pos.min() if out_pos.size else in_off, in_pos.min() if in_pos.size else in_off))
    hi = int(builtins.max(out_pos.max() if out_pos.size else lo, in_pos.max() if in_pos.size else lo)) + 1
    storage = _make(xp.zeros(hi - lo, g._data.dtype)).index_add(0, _make(out_pos - lo), g.reshape(-1))
    count = xp.bincount(in_pos - lo, minlength=hi - lo)
    if in_pos.size and count.max() > 1:  # an overlapping input: its elements share the storage's gradient
        storage = storage / _make(xp.maximum(count, 1).astype(g._data.dtype))
    return storage.index_select(0, _make(in_pos - lo)).reshape(in_shape)


class AsStrided(Function):
    """out = storage[offset + sum(i_k stride_k)] (a view); backward: as_strided_backward"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        d = a._data
        flat, in_off, in_stride = _storage(d)
        ctx.geom = (d.shape, in_stride, in_off, size, stride, offset)
        base = flat[offset:] if offset < flat.size else flat[:0]
        return xp.lib.stride_tricks.as_strided(base, size, tuple(s * d.itemsize for s in stride))

    @staticmethod
    def backward(ctx, g):
        return _as_strided_grad(g, *ctx.geom), None, None, None


def _resolve(input, size, stride, storage_offset, name="as_strided"):
    d = input._data
    flat, off, _ = _storage(d)
    offset = off if storage_offset is None else int(storage_offset)
    size, stride = _check_geometry(name, size, stride, offset, flat.size, d.itemsize)
    return size, stride, offset


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given sizes, strides (in elements) and storage offset (by default
    ``input``'s own)."""
    size, stride, offset = _resolve(input, size, stride, storage_offset)
    return as_view(AsStrided, input, size, stride, offset)


def as_strided_copy(input, size, stride, storage_offset=None, *, out=None):
    """``as_strided`` as a new tensor."""
    from ._util import write_out
    return write_out(as_strided(input, size, stride, storage_offset).clone(), out)


def as_strided_scatter(input, src, size, stride, storage_offset=None, *, out=None):
    """A copy of ``input`` (laid out in C order, storage offset 0) whose ``as_strided(size, stride,
    storage_offset)`` view is overwritten by ``src``."""
    from ._util import write_out
    from . import pointwise_binary as _pb
    n = input._data.size
    offset = 0 if storage_offset is None else int(storage_offset)
    size, stride = _check_geometry("as_strided_scatter", size, stride, offset, n, input._data.itemsize)
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(size)}")
    pos = _positions(size, stride, offset)
    writer = xp.full(n, -1, xp.int64)
    writer[pos] = xp.arange(pos.size)  # repeated positions: the last write wins
    hit = writer >= 0
    src_flat = src.reshape(-1).to(input.dtype)
    picked = src_flat.index_select(0, _make(xp.where(hit, writer, 0)))
    r = _pb.where(_make(hit), picked, input.reshape(-1)).reshape(input.shape)
    return write_out(r, out)


def resize_(self, *sizes, memory_format=None):
    """Give ``self`` the shape ``sizes`` in place, as a C-contiguous view of its storage from its storage offset:
    shrinking keeps the first elements of the storage, growing keeps the storage's elements and appends new
    (here zero) ones."""
    from ._util import shape_arg
    from ..autograd.grad_mode import state as _gs
    sizes = tuple(int(s) for s in shape_arg(sizes))
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sizes)}")
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    d = self._data
    if sizes == d.shape:  # PyTorch leaves a tensor of the requested shape untouched (strides included)
        return self
    n = math.prod(sizes)
    flat, off, _ = _storage(d)
    if off + n <= flat.size:  # the storage is large enough: keep it
        new = flat[off:off + n].reshape(sizes)
    else:
        grown = xp.zeros(off + n, d.dtype)
        grown[:flat.size] = flat
        new = grown[off:].reshape(sizes)
    self._data = new
    self._vc[0] += 1
    return self


def resize_as_(self, the_template, *, memory_format=None):
    """``self.resize_(the_template.shape)``."""
    return resize_(self, tuple(the_template.shape), memory_format=memory_format)


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                      pin_memory=False):
    """An uninitialized (here zero) tensor with the given sizes and strides, of ``self``'s dtype by default."""
    from .. import _dtype as D
    dt = self._data.dtype if dtype is None else D.to_numpy_dtype(dtype)
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    need = 0 if 0 in size else 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
    buf = xp.zeros(need, dt)
    out = _make(xp.lib.stride_tricks.as_strided(buf, size, tuple(s * buf.itemsize for s in stride)))
    if requires_grad:
        out.requires_grad_(True)
    return out


def __rdiv__(self, other):
    """other / self (Python 2's name for __rtruediv__, kept by PyTorch)."""
    return self.__rtruediv__(other)


def _register():
    from .._tensor import register_methods
    register_methods({"as_strided": as_strided, "as_strided_scatter": as_strided_scatter,
                      "storage_offset": storage_offset, "resize_": resize_, "resize_as_": resize_as_,
                      "new_empty_strided": new_empty_strided, "__rdiv__": __rdiv__})


_register()
