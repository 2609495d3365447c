"""Views: results that share the input's storage in PyTorch (view, reshape, expand, permute/transpose,
squeeze/unsqueeze, narrow/select, split/chunk/unbind, diagonal, unfold, atleast_nd)."""
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
    if nd == 0:  # a 0-d tensor accepts dims as if it were 1-d (0 and -1), as PyTorch
        wrap_dim(start_dim, 0), wrap_dim(end_dim, 0)
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


def ravel(input):
    """ravel(x) = x.contiguous().view(-1): a view of a contiguous x, else a flat copy -- also where reshape
    could view (a uniform stride such as x[..., ::2]), as PyTorch's ravel"""
    if not input.is_contiguous():
        input = input.contiguous()
    return reshape(input, (-1,))


def unflatten(input, dim, sizes):
    shp = input._data.shape
    if not shp:   # dims 0/-1 reach the kernel, which has no dim to split; others are out of range
        wrap_dim(dim, 0)
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
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
    if shape == d.shape and not (input.requires_grad and input.grad_fn is None):
        return input   # (of a leaf that requires grad: a view of it, whose in-place changes are refused)
    r = Expand.apply(input, shape)
    if r.requires_grad:   # PyTorch's expand is a view: in-place changes of it are refused as of a view of a leaf
        r.__dict__["_expanded_from"] = input
    return r


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def broadcast_tensors(*tensors):
    shape = xp.broadcast_shapes(*[t._data.shape for t in tensors])
    # a tensor already of the common shape comes back itself, as PyTorch (no expand node on a leaf)
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


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
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)   # a 0-d tensor takes dims -1 and 0 only
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
    if nd == 0:   # dims 0 / -1 are accepted and nothing moves
        for d in (source if isinstance(source, (tuple, list)) else [source]):
            wrap_dim(d, 0)
        for d in (destination if isinstance(destination, (tuple, list)) else [destination]):
            wrap_dim(d, 0)
        return input.view(())
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
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, nd)
    n = input._data.shape[axis]
    if isinstance(start, Tensor):
        start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return as_view(Narrow, input, axis, start, length)


def split(tensor, split_size_or_sections, dim=0):
    nd = tensor._data.ndim
    if nd == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
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
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
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


def unfold(input, dimension, size, step):
    """``Tensor.unfold``: windows of ``size`` every ``step`` along ``dimension``, as a new last dim."""
    nd = input._data.ndim
    axis = wrap_dim(dimension, nd) if nd else 0
    n = input._data.shape[axis] if nd else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    starts = xp.arange(0, n - size + 1, step)
    idx = starts[:, None] + xp.arange(size)[None, :]
    if nd == 0:
        return input.reshape(1)
    x = movedim(input, axis, -1)
    w = x[(Ellipsis, _make(idx))]           # (..., windows, size)
    return movedim(w, -2, axis)


class Diagonal(Function):
    """the (offset, dim1, dim2) diagonal as a new last dim: a view whose stride is stride1 + stride2 (writes to it
    reach the input, as PyTorch's); backward writes g into the diagonal of zeros"""
    _builtin = True
    _is_view = True
    node_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        d = a._data
        ctx.shape, ctx.geom = d.shape, (offset, d1, d2)
        i0, j0 = builtins.max(-offset, 0), builtins.max(offset, 0)
        k = builtins.max(builtins.min(d.shape[d1] - i0, d.shape[d2] - j0), 0)
        keep = [ax for ax in range(d.ndim) if ax not in (d1, d2)]
        shape = tuple(d.shape[ax] for ax in keep) + (k,)
        strides = tuple(d.strides[ax] for ax in keep) + (d.strides[d1] + d.strides[d2],)
        if k:
            idx = [slice(None)] * d.ndim
            idx[d1], idx[d2] = slice(i0, None), slice(j0, None)
            d = d[tuple(idx)]   # starts at the diagonal's first element
        return xp.lib.stride_tricks.as_strided(d, shape, strides, writeable=d.flags.writeable)

    @staticmethod
    def backward(ctx, g):
        from .scatter_ops import diagonal_scatter
        return diagonal_scatter(_make(xp.zeros(ctx.shape, g._data.dtype)), g, *ctx.geom), None, None, None


class DiagonalCopy(Diagonal):
    """the diagonal in fresh memory (torch.diag of a matrix): Diagonal's values and gradient, not a view"""
    _is_view = False
    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, offset, d1, d2):
        return Diagonal.forward(ctx, a, offset, d1, d2).copy()


def diagonal(input, offset=0, dim1=0, dim2=1):
    nd = input._data.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return as_view(Diagonal, input, offset, d1, d2)


# the backwards of narrow/split/unbind build copies (zero padding, cat, stack)
from .copies import PadConst, cat, stack  # noqa: E402  (copies imports this module)
