"""Copies: results in new storage built from their inputs (cat/stack, flip/roll, repeat/tile,
repeat_interleave, tril/triu, pad, diag_embed, diff)."""
import builtins

from .._backend import xp
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import wrap_dim, shape_arg
from ._util import write_out as _out
from .views import narrow, unbind, unsqueeze, reshape, movedim


class Cat(Function):
    """concatenate along a dim; backward slices the gradient"""
    _builtin = True

    @staticmethod
    def forward(ctx, axis, *ts):
        ctx.axis = axis
        # legacy 1-D empty tensors are skipped by cat whatever the dim (None: their gradient is an empty tensor)
        ctx.sizes = [None if t._data.ndim == 1 and t._data.shape[0] == 0 else t._data.shape[axis] if t._data.ndim
                     else 0 for t in ts]
        ctx.dtypes = [t._data.dtype for t in ts]
        arrs = [t._data for t in ts if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
        dt = _promoted([t._data for t in ts])   # skipped empties still take part in the dtype, as PyTorch
        if not arrs:
            return ts[0]._data.astype(dt, copy=True)
        return xp.concatenate(arrs, axis=axis, dtype=dt)

    @staticmethod
    def backward(ctx, g):
        out = [None]
        start = 0
        for n, dt in zip(ctx.sizes, ctx.dtypes):
            if n is None:
                out.append(_make(xp.zeros(0, dt)))
                continue
            gi = narrow(g, ctx.axis, start, n)
            if gi._data.dtype != dt:
                gi = gi.to(gi.dtype.__class__.__new__(gi.dtype.__class__) if False else _dt(dt))
            out.append(gi)
            start += n
        return tuple(out)


def _promoted(arrays):
    """PyTorch's result dtype of a list of tensors (cat/stack)."""
    from .. import _dtype as D
    dt = arrays[0].dtype
    for a in arrays[1:]:
        if a.dtype != dt:
            dt = D.promote(D.from_numpy_dtype(dt), D.from_numpy_dtype(a.dtype)).np
    return dt


def _dt(npd):
    from .. import _dtype as D
    return D.from_numpy_dtype(npd)


def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)), tensors[0])
    nd = ref._data.ndim
    if nd == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    axis = wrap_dim(dim, nd)
    for i, t in enumerate(tensors):
        if t._data.ndim == 1 and t._data.shape[0] == 0:
            continue
        if t._data.ndim != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {t._data.ndim}")
        for k in range(nd):
            if k != axis and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. Expected size "
                                   f"{ref._data.shape[k]} but got size {t._data.shape[k]} for tensor number {i} "
                                   f"in the list.")
    return _out(Cat.apply(axis, *tensors), out)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shp = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != shp:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shp)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    axis = wrap_dim(dim, len(shp) + 1)
    return _out(Stack.apply(axis, *tensors), out)


class Stack(Function):
    """stack along a new dim; backward unbinds the gradient"""
    _builtin = True

    @staticmethod
    def forward(ctx, axis, *ts):
        ctx.axis = axis
        ctx.dtypes = [t._data.dtype for t in ts]
        dt = _promoted([t._data for t in ts])   # PyTorch's promotion (NumPy's would make int32 + float32 float64)
        return xp.stack([t._data.astype(dt, copy=False) for t in ts], axis=axis)

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(gi if gi._data.dtype == dt else gi.to(_dt(dt))
                               for gi, dt in zip(unbind(g, ctx.axis), ctx.dtypes))


def hstack(tensors):
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t._data.ndim > 1 else unsqueeze(t, 0) for t in tensors], 0)


class Flip(Function):
    """reverse the order along dims; its own inverse"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return xp.flip(a._data, axes).copy()

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.axes), None


def flip(input, dims):
    if isinstance(dims, int):
        dims = (dims,)
    axes = tuple(wrap_dim(d, input._data.ndim) for d in dims)
    for k, a in enumerate(axes):
        if a in axes[:k]:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return Flip.apply(input, axes if input._data.ndim else ())


def fliplr(input):
    return flip(input, (1,))


def flipud(input):
    return flip(input, (0,))


class Roll(Function):
    """circular shift; backward shifts back"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return xp.roll(a._data, shifts, axes)

    @staticmethod
    def backward(ctx, g):
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return Roll.apply(g, neg, ctx.axes), None, None


def roll(input, shifts, dims=None):
    if input._data.size == 0:   # PyTorch returns an empty input as is, without checking dims
        return input.clone()
    if dims is None:
        flat = reshape(input, (-1,))
        return reshape(Roll.apply(flat, shifts if isinstance(shifts, int) else shifts[0], 0), input.shape)
    if isinstance(shifts, int):
        shifts, dims = (shifts,), (dims,) if isinstance(dims, int) else tuple(dims)
    return Roll.apply(input, tuple(shifts), tuple(wrap_dim(d, input._data.ndim) for d in dims))


class Repeat(Function):
    """tile the tensor; backward sums the tiles"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, reps):
        d = a._data
        lead = len(reps) - d.ndim
        ctx.shape = (1,) * lead + d.shape
        ctx.reps, ctx.orig = reps, d.shape
        return xp.tile(d.reshape(ctx.shape), reps)

    @staticmethod
    def backward(ctx, g):
        inter = []
        for r, s in zip(ctx.reps, ctx.shape):
            inter += [r, s]
        g = reshape(g, tuple(inter))
        from .reduce import sum as _sum
        g = _sum(g, tuple(range(0, len(inter), 2)))
        return reshape(g, ctx.orig), None


def repeat(input, *sizes):
    sizes = shape_arg(sizes)
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    return Repeat.apply(input, sizes)


def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input._data.ndim:
        dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    from .index import index_select
    if dim is None:
        input = reshape(input, (-1,))
        dim = 0
    axis = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[axis]
    reps = repeats._data if isinstance(repeats, Tensor) else repeats
    idx = xp.repeat(xp.arange(n), reps)
    return index_select(input, axis, _make(idx.astype(xp.int64)))


class TriMask(Function):
    """keep the lower (tril) or upper (triu) triangle; the gradient is masked the same way"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, k, upper):
        ctx.k, ctx.upper = k, upper
        return (xp.triu if upper else xp.tril)(a._data, k)

    @staticmethod
    def backward(ctx, g):
        return TriMask.apply(g, ctx.k, ctx.upper), None, None


class Tril(TriMask):
    pass


class Triu(TriMask):
    pass


def _check_matrix(input, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def tril(input, diagonal=0):
    _check_matrix(input, "tril")
    return Tril.apply(input, diagonal, False)


def triu(input, diagonal=0):
    _check_matrix(input, "triu")
    return Triu.apply(input, diagonal, True)


class PadConst(Function):
    """constant padding given as ((before, after), ...) per dim; negative pads crop"""
    _builtin = True
    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, a, pads, value):
        ctx.pads = pads
        d = a._data
        crop = tuple(slice(-b if b < 0 else None, e if e < 0 else None) for b, e in pads)
        pos = tuple((builtins.max(b, 0), builtins.max(e, 0)) for b, e in pads)
        d = d[crop]
        if any(b or e for b, e in pos):
            d = xp.pad(d, pos, constant_values=value)
        return d if d.base is None else d.copy()

    @staticmethod
    def backward(ctx, g):
        neg = tuple((-b, -e) for b, e in ctx.pads)
        return PadConst.apply(g, neg, 0.0), None, None


class PadIndex(Function):
    """reflect / replicate / circular padding as a gather of indices; backward scatters-adds"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, index_per_dim):
        ctx.shape, ctx.idx = a._data.shape, index_per_dim
        return a._data[xp.ix_(*index_per_dim)] if index_per_dim else a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return _PadIndexBack.apply(g, ctx.shape, ctx.idx), None


class _PadIndexBack(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, g, shape, idx):
        ctx.idx = idx
        out = g._data
        # scatter-add one dim at a time (each is a 1-D index map)
        for ax in range(len(shape) - 1, -1, -1):
            m = idx[ax]
            if m.size == shape[ax] and (m == xp.arange(shape[ax])).all():
                continue
            moved = xp.moveaxis(out, ax, 0)
            acc = xp.zeros((shape[ax],) + moved.shape[1:], out.dtype)
            xp.add.at(acc, m.reshape(-1), moved)
            out = xp.moveaxis(acc, 0, ax)
        return xp.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        return PadIndex.apply(g, ctx.idx), None, None


def pad(input, pad, mode="constant", value=None):
    """``F.pad``: ``pad`` lists (left, right) pairs starting from the last dim."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = input._data.ndim
    if len(pad) // 2 > nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {nd}")
    pairs = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        pairs[nd - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    if mode == "constant":
        return PadConst.apply(input, tuple(pairs), 0.0 if value is None else value)
    k = len(pad) // 2
    if mode in ("reflect", "replicate") and k + 1 <= nd <= k + 2:
        # only a batch dim (the first of k + 2) may be empty
        inner = input._data.shape[1:] if nd == k + 2 else input._data.shape
        if 0 in inner:
            raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
                               f"other non-zero dimensions for input, but got: {list(input.shape)}")
    idx = []
    for ax, (b, e) in enumerate(pairs):
        n = input._data.shape[ax]
        r = xp.arange(-b, n + e)
        if mode == "reflect":
            if (b or e) and (b >= n or e >= n):
                raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                                   f"but got: padding ({b}, {e}) at dimension {ax} of input {list(input.shape)}")
            period = 2 * (n - 1) if n > 1 else 1
            r = xp.abs(r) % period
            r = xp.where(r >= n, period - r, r)
        elif mode == "replicate":
            r = xp.clip(r, 0, n - 1)
        elif mode == "circular":
            # as PyTorch: negative pads crop first, positive pads then wrap around the cropped extent
            lo, hi = builtins.max(-b, 0), builtins.max(-e, 0)
            m = n - lo - hi
            r = (xp.arange(-builtins.max(b, 0), m + builtins.max(e, 0)) % m + lo) if m > 0 else r[:0]
        else:
            raise NotImplementedError(f"Unrecognised padding mode {mode}")
        idx.append(r)
    k = len(pad) // 2
    if mode in ("reflect", "replicate", "circular") and not (1 <= k <= 3 and k + 1 <= nd <= k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {nd}D input tensor.")
    cls = _PAD_NODES.get((mode, k), PadIndex)
    return cls.apply(input, tuple(idx))


# grad_fn names as PyTorch's: ReflectionPad2DBackward0, ReplicationPad1DBackward0, ...
_PAD_NODES = {(m, k): type(PadIndex)(f"{n}Pad{k}D", (PadIndex,), {"node_name": f"{n}Pad{k}DBackward0"})
              for m, n in (("reflect", "Reflection"), ("replicate", "Replication")) for k in (1, 2, 3)}


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Last dim of ``input`` placed on the ``offset`` diagonal of new (dim1, dim2) planes (zeros elsewhere)."""
    from .index import IndexPut
    nd = input._data.ndim + 1
    if wrap_dim(dim1, nd) == wrap_dim(dim2, nd):   # checked first, as PyTorch
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input._data.shape[-1]
    m = n + builtins.abs(offset)
    z = _make(xp.zeros(input._data.shape[:-1] + (m, m), input._data.dtype))
    i = xp.arange(n)
    idx = (Ellipsis, i, i + offset) if offset >= 0 else (Ellipsis, i - offset, i)
    out = IndexPut.apply(z, idx, input)
    nd = out._data.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return out if (d1, d2) == (nd - 2, nd - 1) else movedim(out, (nd - 2, nd - 1), (d1, d2))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    from ._util import wrap_dim
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    axis = wrap_dim(dim, input._data.ndim)
    x = input
    if n == 0:
        return input
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, input, append) if t is not None]
        x = cat([t if isinstance(t, Tensor) else _make(xp.asarray(t, input._data.dtype)) for t in parts], axis)
    for _ in range(n):
        k = x._data.shape[axis]
        if k == 0:   # nothing left to difference: the empty result stays
            break
        a, b = narrow(x, axis, 1, k - 1), narrow(x, axis, 0, k - 1)
        x = (a ^ b) if x._data.dtype.kind == "b" else a - b   # bools differ by xor, as PyTorch
    return x
