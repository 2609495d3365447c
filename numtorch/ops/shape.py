"""Shape operations: views, joins, splits, flips and padding."""
import builtins

from .._backend import xp
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make, Size
from ._util import wrap_dim, shape_arg, as_view


def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


class View(Function):
    """reshape without copying when the layout allows; backward reshapes back"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        d = a._data
        ctx.shape = d.shape
        return d.reshape(_infer_shape(shape, d.size))

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.shape), None


class Reshape(View):
    node_name = "ViewBackward0"
    _is_view = False


class UnsafeView(View):
    node_name = "UnsafeViewBackward0"
    _is_view = False


def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)) and shape[0] is not None \
            and not hasattr(shape[0], "__index__"):
        # view(dtype)
        from .. import _dtype as D
        return _make(input._data.view(D.to_numpy_dtype(shape[0])))
    shape = shape_arg(shape)
    d = input._data
    if not d.flags.c_contiguous and d.size > 1:
        try:
            d.view().shape = _infer_shape(shape, d.size)
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") \
                from None
    return as_view(View, input, shape)


def reshape(input, *shape):
    """A view when the layout allows (ViewBackward0), else a copy (UnsafeViewBackward0), as PyTorch."""
    shape = shape_arg(shape)
    d = input._data
    if d.flags.c_contiguous or tuple(shape) == d.shape:
        return as_view(View, input, shape)
    try:
        d.view().shape = _infer_shape(shape, d.size)
    except AttributeError:
        return UnsafeView.apply(input, shape)
    return as_view(View, input, shape)


def view_as(input, other):
    return view(input, other.shape)


def reshape_as(input, other):
    return reshape(input, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    n = 1
    for k in shp[s:e + 1]:
        n *= k
    return reshape(input, shp[:s] + (n,) + shp[e + 1:])


def unflatten(input, dim, sizes):
    shp = input._data.shape
    d = wrap_dim(dim, len(shp))
    sizes = tuple(sizes)
    if -1 in sizes:
        sizes = _infer_shape(sizes, shp[d])
    elif _prod(sizes) != shp[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({shp[d]}) in the input tensor")
    return reshape(input, shp[:d] + sizes + shp[d + 1:])


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


class Expand(Function):
    """broadcast to a larger shape (a view); backward sums back"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        d = a._data
        ctx.shape = d.shape
        return xp.broadcast_to(d, shape)

    @staticmethod
    def backward(ctx, g):
        from ._util import sum_to
        return sum_to(g, ctx.shape), None


def expand(input, *sizes):
    sizes = shape_arg(sizes)
    d = input._data
    if len(sizes) < d.ndim:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(d.shape)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({d.ndim})")
    lead = len(sizes) - d.ndim
    shape = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing "
                                   f"dimension {i}")
            shape.append(s)
        else:
            cur = d.shape[i - lead]
            if s == -1:
                s = cur
            if cur != s and cur != 1:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(d.shape)}")
            shape.append(s)
    shape = tuple(shape)
    if shape == d.shape:
        return input
    return Expand.apply(input, shape)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def broadcast_tensors(*tensors):
    shape = xp.broadcast_shapes(*[t._data.shape for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes):
    return Size(xp.broadcast_shapes(*shapes))


class Permute(Function):
    """reorder dims (a view); backward applies the inverse permutation"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return a._data.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        inv = tuple(inv)
        if not _gs.enabled and g.__class__ is Tensor:
            # permute(g, inv) without a graph to record: the same view (shared version counter,
            # view record), minus a Function application
            r = _make(g._data.transpose(inv))
            r._vc = g._vc
            r._view = (Permute, (g, inv), None)
            return r, None
        return permute(g, inv), None


class Transpose(Permute):
    pass


class T(Permute):
    node_name = "TBackward0"


def permute(input, *dims):
    dims = shape_arg(dims) if dims and isinstance(dims[0], (tuple, list)) else tuple(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return as_view(Permute, input, dims)


def transpose(input, dim0, dim1):
    nd = input._data.ndim
    if nd == 0:
        return input
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return as_view(Transpose, input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    if nd < 2:
        return input
    return as_view(T, input, (1, 0))


def adjoint(input):
    return transpose(input, -2, -1)


def movedim(input, source, destination):
    nd = input._data.ndim
    src = [wrap_dim(s, nd) for s in (source if isinstance(source, (tuple, list)) else [source])]
    dst = [wrap_dim(s, nd) for s in (destination if isinstance(destination, (tuple, list)) else [destination])]
    order = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, tuple(order))


moveaxis = movedim


class Squeeze(Function):
    """drop size-1 dims (a view)"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, axes):
        ctx.shape = a._data.shape
        return a._data.reshape(tuple(s for i, s in enumerate(a._data.shape) if i not in axes))

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


def squeeze(input, dim=None):
    shp = input._data.shape
    if dim is None:
        return as_view(Squeeze, input, tuple(i for i, s in enumerate(shp) if s == 1))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(wrap_dim(d, len(shp)) for d in dims)
    axes = tuple(a for a in axes if len(shp) and shp[a] == 1)
    return as_view(SqueezeDim, input, axes)


class Unsqueeze(Function):
    """insert a size-1 dim (a view)"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, axis):
        ctx.axis = axis
        return xp.expand_dims(a._data, axis)

    @staticmethod
    def backward(ctx, g):
        return squeeze(g, ctx.axis), None


def unsqueeze(input, dim):
    return as_view(Unsqueeze, input, wrap_dim(dim, input._data.ndim + 1))


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
        if not arrs:
            return ts[0]._data.copy()
        dt = arrs[0].dtype
        for a in arrs[1:]:
            if a.dtype != dt:
                from .. import _dtype as D
                dt = D.promote(D.from_numpy_dtype(dt), D.from_numpy_dtype(a.dtype)).np
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


def _dt(npd):
    from .. import _dtype as D
    return D.from_numpy_dtype(npd)


def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
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
    r = Cat.apply(axis, *tensors)
    if out is not None:
        out._data = r._data
        return out
    return r


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
    return Stack.apply(axis, *tensors)


class Stack(Function):
    """stack along a new dim; backward unbinds the gradient"""
    _builtin = True

    @staticmethod
    def forward(ctx, axis, *ts):
        ctx.axis = axis
        return xp.stack([t._data for t in ts], axis=axis)

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(unbind(g, ctx.axis))


def hstack(tensors):
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t._data.ndim > 1 else unsqueeze(t, 0) for t in tensors], 0)


class Narrow(Function):
    """a contiguous slice along one dim (a view); backward pads with zeros"""
    _builtin = True
    _is_view = True
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, a, axis, start, length):
        ctx.shape, ctx.axis, ctx.start = a._data.shape, axis, start
        idx = [slice(None)] * a._data.ndim
        idx[axis] = slice(start, start + length)
        return a._data[tuple(idx)]

    @staticmethod
    def backward(ctx, g):
        shp = ctx.shape
        before = ctx.start
        after = shp[ctx.axis] - before - g._data.shape[ctx.axis]
        pads = [(0, 0)] * len(shp)
        pads[ctx.axis] = (before, after)
        return PadConst.apply(g, tuple(pads), 0.0), None, None, None


def narrow(input, dim, start, length):
    nd = input._data.ndim
    axis = wrap_dim(dim, nd)
    n = input._data.shape[axis]
    if isinstance(start, Tensor):
        start = int(start)
    if start < 0:
        start += n
    if start < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return as_view(Narrow, input, axis, start, length)


def split(tensor, split_size_or_sections, dim=0):
    nd = tensor._data.ndim
    axis = wrap_dim(dim, nd)
    n = tensor._data.shape[axis]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        sizes = [s] * (n // s) + ([n % s] if n % s else []) if s > 0 else [n]
        if n == 0:
            sizes = [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {dim}), but got split_sizes={sizes}")
    cls = Split if isinstance(split_size_or_sections, int) else SplitWithSizes
    out = as_view(cls, tensor, axis, tuple(sizes))
    return out if isinstance(out, tuple) else (out,)


class Split(Function):
    """consecutive pieces along a dim (views); backward concatenates the pieces' gradients"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, axis, sizes):
        ctx.axis = axis
        d = a._data
        idx = [slice(None)] * d.ndim
        out, start = [], 0
        for n in sizes:
            idx[axis] = slice(start, start + n)
            out.append(d[tuple(idx)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx, *gs):
        return cat(gs, ctx.axis), None, None


class SplitWithSizes(Split):
    node_name = "SplitWithSizesBackward0"


def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[wrap_dim(dim, input._data.ndim)]
    if n == 0:  # PyTorch gives ``chunks`` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, -(-n // chunks), dim)


def _narrow_all(input, axis, sizes):
    out, start = [], 0
    for n in sizes:
        out.append(narrow(input, axis, start, n))
        start += n
    return tuple(out)


def tensor_split(input, indices_or_sections, dim=0):
    axis = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[axis]
    if isinstance(indices_or_sections, Tensor):  # a 0-d tensor: sections; a 1-d tensor: indices
        v = indices_or_sections._data
        indices_or_sections = int(v) if v.ndim == 0 else [int(i) for i in v]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        base, extra = divmod(n, k)
        sizes = [base + 1] * extra + [base] * (k - extra)
    else:
        idx = [0] + [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections] + [n]
        sizes = [builtins.max(b - a, 0) for a, b in zip(idx[:-1], idx[1:])]
    return _narrow_all(input, axis, sizes)


class Select(Function):
    """one index along a dim (a view); backward scatters into zeros"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, axis, index):
        ctx.shape, ctx.axis, ctx.index = a._data.shape, axis, index
        idx = [slice(None)] * a._data.ndim
        idx[axis] = index
        idx.append(Ellipsis)  # keeps a 0-d result a view instead of a NumPy scalar copy
        return a._data[tuple(idx)]

    @staticmethod
    def backward(ctx, g):
        from .index import SelectScatter
        return SelectScatter.apply(g, ctx.shape, ctx.axis, ctx.index), None, None


def select(input, dim, index):
    axis = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[axis]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at "
                         f"dimension {dim}")
    return as_view(Select, input, axis, index % n)


class Unbind(Function):
    """all slices along a dim at once (views, as PyTorch's); backward stacks the gradients"""
    _builtin = True
    _is_view = True

    @staticmethod
    def forward(ctx, a, axis):
        ctx.axis, ctx.shape, ctx.dtype = axis, a._data.shape, a._data.dtype
        d = a._data
        lead = (slice(None),) * axis
        return tuple(d[lead + (i, Ellipsis)] for i in range(d.shape[axis]))

    @staticmethod
    def backward(ctx, *gs):
        return stack(gs, ctx.axis), None


def unbind(input, dim=0):
    axis = wrap_dim(dim, input._data.ndim)
    if input._data.shape[axis] == 0:
        return ()
    r = as_view(Unbind, input, axis)
    return r if isinstance(r, tuple) else (r,)


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


def atleast_1d(*tensors):
    """A 0-d tensor as shape (1,); several tensors (or one list of them) give a tuple."""
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        t = tensors[0]
        return reshape(t, (1,)) if t._data.ndim == 0 else t
    seq = tensors[0] if len(tensors) == 1 else tensors
    return tuple(atleast_1d(t) for t in seq)


def atleast_2d(*tensors):
    """Tensors with fewer than 2 dims get leading size-1 dims."""
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        t = tensors[0]
        return reshape(t, (1,) * (2 - t._data.ndim) + t._data.shape) if t._data.ndim < 2 else t
    seq = tensors[0] if len(tensors) == 1 else tensors
    return tuple(atleast_2d(t) for t in seq)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Last dim of ``input`` placed on the ``offset`` diagonal of new (dim1, dim2) planes (zeros elsewhere)."""
    from .index import IndexPut
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
