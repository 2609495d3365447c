"""Indexing: t[...], t[...] = v, gather/scatter, index_select, masked_fill."""
import builtins
from .._backend import xp, is_array
from .. import _dtype as D
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make
from ._util import wrap_dim, data, as_view, check_scalar_fits


def _np_index(idx):
    """Turn a Python/Tensor index into one NumPy understands (tensor indices become arrays)."""
    if isinstance(idx, tuple):
        return tuple(_np_index1(i) for i in idx)
    return _np_index1(idx)


def _np_index1(i):
    if isinstance(i, Tensor):
        d = i._data
        if d.dtype.kind in "fV" or d.dtype.kind == "u" and d.dtype.itemsize > 1:   # uint16/32/64 neither
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if d.ndim == 0 and d.dtype.kind in "iu":
            return int(d)
        return d
    if isinstance(i, list):
        a = xp.asarray(i)
        if a.dtype.kind in "fV":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a
    return i


def _is_advanced(idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    return any(is_array(i) for i in items)


def _check_bounds(d, idx):
    items = idx if isinstance(idx, tuple) else (idx,)
    # integer indices out of range raise IndexError with PyTorch's words
    dim = 0
    for pos, i in enumerate(items):
        if i is None:
            continue
        if i is Ellipsis:
            dim = d.ndim - sum(1 for j in items if j is not None and j is not Ellipsis and
                               not (is_array(j) and j.dtype == bool and j.ndim > 1)) + dim + 1 - 1
            continue
        if isinstance(i, int) and not isinstance(i, bool):
            if dim >= d.ndim:
                raise IndexError(f"too many indices for tensor of dimension {d.ndim}")
            n = d.shape[dim]
            if not -n <= i < n:
                # PyTorch names the index's position in the index tuple (x[..., None, 5]: "dimension 2")
                raise IndexError(f"index {i} is out of bounds for dimension {pos} with size {n}")
        dim += 1


class GetItem(Function):
    """t[idx]; backward puts the gradient back in place (summing repeated indices)"""
    _builtin = True
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, a, idx):
        d = a._data
        ctx.shape, ctx.dtype, ctx.idx = d.shape, d.dtype, idx
        try:
            r = d[idx]
        except IndexError as e:
            msg = str(e)
            if "out of bounds" in msg:
                raise IndexError(msg.replace("axis", "dimension")) from None
            raise
        if not is_array(r):
            # integers on every dim give a NumPy scalar (a copy); with a trailing Ellipsis a 0-d view
            r = d[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
        return r

    @staticmethod
    def backward(ctx, g):
        return IndexPutGrad.apply(g, ctx.shape, ctx.idx), None


class Select(GetItem):
    node_name = "SelectBackward0"
    _is_view = True


class Slice(GetItem):
    node_name = "SliceBackward0"
    _is_view = True


class Unsqueeze(GetItem):
    node_name = "UnsqueezeBackward0"
    _is_view = True


class Alias(GetItem):
    node_name = "AliasBackward0"
    _is_view = True


def _basic_node(shape, idx):
    """The node PyTorch ends a basic index with: it applies the items left to right (None ->
    unsqueeze, int -> select, a slice that is not the whole dim -> slice) and names the last one."""
    n_used = sum(1 for i in idx if i is not None and i is not Ellipsis)
    last, dim = Alias, 0
    for i in idx:
        if i is None:
            last = Unsqueeze
        elif i is Ellipsis:
            dim = len(shape) - n_used  # the items after the Ellipsis take the last dims
        elif isinstance(i, slice):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            n = shape[dim]
            start, stop, step = i.indices(n)
            if not (start == 0 and stop == n and step == 1):
                last = Slice
            dim += 1
            n_used -= 1
        else:
            last = Select
            dim += 1
            n_used -= 1
    return last


class IndexPutGrad(Function):
    """zeros(shape) with g added at idx: the adjoint of GetItem"""
    _builtin = True

    @staticmethod
    def forward(ctx, g, shape, idx):
        ctx.idx = idx
        out = xp.zeros(shape, g._data.dtype)
        if _is_advanced(idx):
            xp.add.at(out, idx, g._data)
        else:
            out[idx] = g._data
        return out

    @staticmethod
    def backward(ctx, gg):
        return getitem(gg, ctx.idx, _raw=True), None, None


def getitem(t, idx, _raw=False):
    if not _raw:
        idx = _np_index(idx)
        if isinstance(idx, int):
            n = t._data.shape[0] if t._data.ndim else None
            if n is None:
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                 "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
            if not -n <= idx < n:
                raise IndexError(f"index {idx} is out of bounds for dimension 0 with size {n}")
            return as_view(Select, t, idx)
    if _is_advanced(idx):
        return GetItem.apply(t, idx)
    if isinstance(idx, tuple):
        _check_bounds(t._data, idx)
        return as_view(_basic_node(t._data.shape, idx), t, idx)
    if idx is None:
        return as_view(Unsqueeze, t, idx)
    if idx is Ellipsis:
        return as_view(Alias, t, idx)
    return as_view(Slice, t, idx)


class IndexPut(Function):
    """out = a with out[idx] = v (v broadcast); grads: a gets g with idx zeroed, v gets g[idx] summed"""
    _builtin = True
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, idx, v, accumulate=False):
        out = a._data.copy()
        vd = data(v)
        if accumulate:
            xp.add.at(out, idx, vd)
        else:
            out[idx] = vd
        ctx.idx, ctx.accumulate = idx, accumulate
        ctx.vshape = v._data.shape if isinstance(v, Tensor) else None
        ctx.vdtype = v._data.dtype if isinstance(v, Tensor) else None
        return out

    @staticmethod
    def backward(ctx, g):
        ga = gv = None
        if ctx.needs_input_grad[0]:
            ga = g if ctx.accumulate else IndexPut.apply(g, ctx.idx, 0.0)
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            from ._util import sum_to
            gv = getitem(g, ctx.idx, _raw=True)
            if ctx.vshape is not None:
                gv = sum_to(gv, ctx.vshape)
                if gv._data.dtype != ctx.vdtype:
                    gv = gv.to(D.from_numpy_dtype(ctx.vdtype))
        return ga, None, gv, None


class CopySlices(IndexPut):
    """``t[basic index] = v`` (PyTorch's node for writing into a view of a tensor)"""
    node_name = "CopySlices"


def setitem(t, idx, value):
    idx = _np_index(idx)
    if value.__class__ in (builtins.int, builtins.float):   # PyTorch converts a number before it indexes
        check_scalar_fits(value, t._data.dtype)
    if isinstance(idx, tuple):
        _check_bounds(t._data, idx)
    if _gs.enabled and (t.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        t._check_inplace()
        if isinstance(value, Tensor) and value._data.dtype != t._data.dtype:
            value = value.to(t.dtype)
        new = (IndexPut if _is_advanced(idx) else CopySlices).apply(_snapshot(t), idx, value)
        _rebase(t, new)
        return
    v = data(value)
    if t._data.dtype.kind != "c" and (getattr(v, "dtype", None) is not None and v.dtype.kind == "c" or
                                      isinstance(v, builtins.complex)):
        from .complex import real_part_for
        v = real_part_for(t, v)
    v = check_scalar_fits(v, t._data.dtype)
    try:
        t._data[idx] = v
    except IndexError:
        # PyTorch's index kernel checks advanced indices per element written: none into an empty selection,
        # unless an index targets a dim of size 0
        if t._data.size or _advanced_on_empty_dim(t._data.shape, idx):
            raise
        return
    except ValueError as e:
        if "read-only" in str(e):   # an expanded (broadcast) tensor: nothing to write is no error
            if t._data[idx].size == 0:
                return
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the operation.") \
                from None
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(xp.shape(v))} cannot be broadcast to "
                           f"indexing result of shape {list(t._data[idx].shape)}") from None
    t._vc[0] += 1


def _advanced_on_empty_dim(shape, idx):
    """Whether an integer-array component of ``idx`` indexes a dim of size 0 of ``shape``."""
    items = idx if isinstance(idx, tuple) else (idx,)
    used = sum(getattr(i, "ndim", 1) if is_array(i) and i.dtype == bool else 1 for i in items
               if i is not None and i is not Ellipsis)
    dim = 0
    for i in items:
        if i is None:
            continue
        if i is Ellipsis:
            dim += len(shape) - used
            continue
        if is_array(i) and i.dtype == bool:
            dim += i.ndim
            continue
        if (is_array(i) or isinstance(i, list)) and dim < len(shape) and shape[dim] == 0:
            return True
        dim += 1
    return False


def _snapshot(t):
    """A stand-in for ``t`` before an in-place change: same graph position, private data."""
    s = _make(t._data.copy(), t.requires_grad, t.grad_fn, t._out_nr)
    if t.grad_fn is None and t.requires_grad:
        s._acc = t._acc
    return s


class ViewWrite(Function):
    """base with the elements of one of its views replaced by ``new`` (``pos``: the flat base positions
    of the view's elements); grads: base gets g with those positions zeroed, new gets g there"""
    _builtin = True
    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, new, pos):
        ctx.pos, ctx.shape = pos, base._data.shape
        out = base._data.copy()
        out.reshape(-1)[pos.reshape(-1)] = new._data.reshape(-1)
        return out

    @staticmethod
    def backward(ctx, g):
        flat = g.reshape(-1)
        p = ctx.pos.reshape(-1)
        gb = IndexPut.apply(flat, p, 0.0).reshape(ctx.shape) if ctx.needs_input_grad[0] else None
        gn = GetItem.apply(flat, p).reshape(ctx.pos.shape) if ctx.needs_input_grad[1] else None
        return gb, gn, None


def _view_inplace_error(t):
    """PyTorch's refusal of an in-place change (while recording) of a view of a leaf that requires grad, or of
    a view of one output of a function returning several views (split, chunk, unbind): the message, or None."""
    src = t.__dict__.get("_expanded_from")   # numtorch's expand is a read-only broadcast, PyTorch's a view
    if src is not None:
        if src.requires_grad and src.grad_fn is None:
            return "a view of a leaf Variable that requires grad is being used in an in-place operation."
        return _view_inplace_error(src)
    v = t.__dict__.get("_view")
    while v is not None:
        cls, args, nr = v
        base = args[0]
        if nr is not None:
            name = getattr(cls, "node_name", None) or cls.__name__
            name = name.split("Backward")[0] if "Backward" in name else name
            return (f"Output {nr} of {name} is a view and is being modified inplace. This view is the output of a "
                    f"function that returns multiple views. Such functions do not allow the output views to be "
                    f"modified inplace. You should replace the inplace operation by an out-of-place one.")
        if base.requires_grad and base.grad_fn is None:
            return "a view of a leaf Variable that requires grad is being used in an in-place operation."
        v = base.__dict__.get("_view")
    return None


def _rebase_view(t, new, view):
    """An in-place change of a view: the base takes the change into its history (CopySlices) and
    ``t`` becomes the same view of the updated base."""
    cls, args, nr = view
    base = args[0]
    msg = _view_inplace_error(t)
    if msg is not None:
        raise RuntimeError(msg)
    write_back = getattr(cls, "_write_back", None)
    if write_back is not None:   # views that reinterpret the dtype (Tensor.real, view_as_real, ...)
        new_base = write_back(_snapshot(base), new, *args[1:])
    else:
        prev = _gs.enabled
        _gs.enabled = False
        try:
            ids = _make(xp.arange(base._data.size).reshape(base._data.shape))
            pos = cls.apply(ids, *args[1:])
            pos = (pos[nr] if nr is not None else pos)._data
        finally:
            _gs.enabled = prev
        new_base = ViewWrite.apply(_snapshot(base), new, pos)
    _rebase(base, new_base)   # writes t's memory too; recurses when the base is itself a view
    r = cls.apply(base, *args[1:])
    r = r[nr] if nr is not None else r
    t.grad_fn, t._out_nr, t.requires_grad = r.grad_fn, r._out_nr, True


def _rebase(t, new):
    """Make ``t`` the result of an in-place op: its data changes in place, its history becomes ``new``'s."""
    view = t.__dict__.get("_view") if new.grad_fn is not None else None
    if new.grad_fn is not None and "_expanded_from" in t.__dict__:
        msg = _view_inplace_error(t)
        if msg is not None:
            raise RuntimeError(msg)
    if view is not None and new._data.shape == t._data.shape and new._data.dtype == t._data.dtype:
        return _rebase_view(t, new, view)
    if t._data.dtype != new._data.dtype:
        raise RuntimeError(f"result type {D.scalar_name(new._data.dtype)} can't be cast "
                           f"to the desired output type {D.scalar_name(t._data.dtype)}")
    if new._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                           f"{list(new._data.shape)}")
    try:
        t._data[...] = new._data
    except ValueError as e:   # an expanded (read-only broadcast) tensor: PyTorch refuses with a RuntimeError
        if "read-only" not in str(e):
            raise
        if t._data.size:
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location. Please clone() the tensor before performing the "
                               "operation.") from None
    t._vc[0] += 1
    if new.grad_fn is not None:
        t.grad_fn = new.grad_fn
        t._out_nr = new._out_nr
        t.requires_grad = True
        if new.grad_fn._out is not None:
            new.grad_fn._out.vc = t._vc
            new.grad_fn._out.version = t._vc[0]


class IndexScatter(Function):
    """zeros(shape) with g placed at ``idx`` along ``axis`` (take_along_axis's adjoint)"""
    _builtin = True

    @staticmethod
    def forward(ctx, g, shape, axis, idx):
        ctx.axis, ctx.idx = axis, idx
        out = xp.zeros(shape, g._data.dtype)
        xp.put_along_axis(out, idx, g._data, axis)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _make(xp.take_along_axis(gg._data, ctx.idx, ctx.axis)) if not gg.requires_grad else \
            gather(gg, ctx.axis, _make(ctx.idx)), None, None, None


class SelectScatter(Function):
    """zeros(shape) with g at one index along axis"""
    _builtin = True

    @staticmethod
    def forward(ctx, g, shape, axis, index):
        ctx.axis, ctx.index = axis, index
        out = xp.zeros(shape, g._data.dtype)
        sl = [slice(None)] * len(shape)
        sl[axis] = index
        out[tuple(sl)] = g._data
        return out

    @staticmethod
    def backward(ctx, gg):
        from .views import select
        return select(gg, ctx.axis, ctx.index), None, None, None


def _check_index(index, size, name="index", axis=0):
    d = index._data
    if d.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index")
    if d.size and (d.min() < 0 or d.max() >= size):   # PyTorch's gather/scatter/index_select take no negatives
        if name in ("index_select", "index_add"):
            if size == 0:
                raise RuntimeError(f"{name}(): self indexing axis dim should be positive")
            raise IndexError("index out of range in self")
        bad = int(d[(d < 0) | (d >= size)].reshape(-1)[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {axis} with size {size}")


def _check_scatter_shapes(input, axis, index, src):
    ish, sh = index._data.shape, input._data.shape
    ssh = src._data.shape if isinstance(src, Tensor) else None
    if len(ish) == len(sh) and all(ish[d] <= sh[d] for d in range(len(sh)) if d != axis) and \
            (ssh is None or (len(ssh) == len(ish) and all(i <= s for i, s in zip(ish, ssh)))):
        return
    tail = f" and to be no larger size than src {list(ssh)}" if ssh is not None else ""
    raise RuntimeError(f"Expected index {list(ish)} to be no larger than self {list(sh)} apart from dimension "
                       f"{axis}{tail}")


class Gather(Function):
    """out[i][j] = a[i][index[i][j]] along dim; backward scatter-adds"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, index):
        d, idx = a._data, index._data
        ctx.shape, ctx.axis, ctx.index = d.shape, axis, idx
        # only the dimensions other than ``axis`` are bounded by the input's (the index may be longer along it)
        bad = [k for k, (i, s) in enumerate(zip(idx.shape, d.shape)) if k != axis and i > s]
        if not bad:
            src = d[tuple(slice(0, n) if k != axis else slice(None) for k, n in enumerate(idx.shape))]
            return xp.take_along_axis(src, idx, axis)
        raise RuntimeError(f"Size does not match at dimension {bad[0]} expected index {list(idx.shape)} to be no "
                           f"larger than self {list(d.shape)} apart from dimension {axis}")

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(_make(xp.zeros(ctx.shape, g._data.dtype)), ctx.axis, _make(ctx.index), g), None, None


def gather(input, dim, index, *, sparse_grad=False):
    if input._data.ndim == 0 and index._data.ndim <= 1:  # a 0-d input acts as a one-element vector
        wrap_dim(dim, 0)
        return gather(input.reshape(1), 0, index.reshape(-1)).reshape(index._data.shape)
    if index._data.size == 0 and index._data.ndim:  # PyTorch returns an empty result without shape checks
        wrap_dim(dim, input._data.ndim)
        return input.reshape(-1)[0:0].reshape(index._data.shape).clone()   # a new tensor, not a view of input
    axis = wrap_dim(dim, input._data.ndim)
    if index._data.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    _check_index(index, input._data.shape[axis] if input._data.ndim else 1, "gather", axis)
    return Gather.apply(input, axis, index)


def _scatter_index(shape, axis, idx):
    grids = list(xp.indices(idx.shape, sparse=True))
    grids[axis] = idx
    return tuple(grids)


class ScatterAdd(Function):
    """out = a; out[index[i][j]][j] += src[i][j] along dim; grads: a -> g, src -> gather(g)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, index, src):
        out = a._data.copy()
        idx = index._data
        ctx.axis, ctx.index = axis, idx
        s = src._data[tuple(slice(0, n) for n in idx.shape)] if isinstance(src, Tensor) else src
        xp.add.at(out, _scatter_index(out.shape, axis, idx), s)
        return out

    @staticmethod
    def backward(ctx, g):
        gs = gather(g, ctx.axis, _make(ctx.index)) if ctx.needs_input_grad[3] else None
        return g, None, None, gs


class Scatter(Function):
    """out = a; out[index[i][j]][j] = src[i][j] along dim; grads: a -> g with scattered spots zeroed"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, index, src, reduce=None):
        out = a._data.copy()
        idx = index._data
        ctx.axis, ctx.index = axis, idx
        s = src._data[tuple(slice(0, n) for n in idx.shape)] if isinstance(src, Tensor) else src
        where = _scatter_index(out.shape, axis, idx)
        if reduce is None:
            out[where] = s
        elif reduce in ("add", "sum"):
            xp.add.at(out, where, s)
        elif reduce in ("multiply", "prod"):
            xp.multiply.at(out, where, s)
        else:
            raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
        return out

    @staticmethod
    def backward(ctx, g):
        ga = Scatter.apply(g, ctx.axis, _make(ctx.index), 0.0) if ctx.needs_input_grad[0] else None
        gs = gather(g, ctx.axis, _make(ctx.index)) if len(ctx.needs_input_grad) > 3 and ctx.needs_input_grad[3] else None
        return ga, None, None, gs, None


def _scalar_case(fn, input, dim, index, *rest, **kw):
    """A 0-d input (and 0-d index / source) behaves as a one-element vector, as in PyTorch."""
    wrap_dim(dim, 0)
    rest = tuple(r.reshape(1) if isinstance(r, Tensor) and r._data.ndim == 0 else r for r in rest)
    return fn(input.reshape(1), 0, index.reshape(-1), *rest, **kw).reshape(())


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    if input._data.ndim == 0:
        return _scalar_case(scatter, input, dim, index, src, reduce=reduce)
    axis = wrap_dim(dim, input._data.ndim)
    _check_scatter_shapes(input, axis, index, src)
    _check_index(index, input._data.shape[axis], "scatter", axis)
    cls = Scatter if isinstance(src, Tensor) else ScatterValue
    return cls.apply(input, axis, index, src, reduce) if reduce else cls.apply(input, axis, index, src)


class ScatterValue(Scatter):
    """scatter of a scalar value"""
    node_name = "ScatterBackward1"


def scatter_add(input, dim, index, src):
    if input._data.ndim == 0:
        return _scalar_case(scatter_add, input, dim, index, src)
    axis = wrap_dim(dim, input._data.ndim)
    _check_scatter_shapes(input, axis, index, src)
    _check_index(index, input._data.shape[axis], "scatter_add", axis)
    return ScatterAdd.apply(input, axis, index, src)


def scatter_(input, dim, index, src=None, *, value=None, reduce=None):
    from .inplace import inplace_assign
    return inplace_assign(input, scatter(input, dim, index, src, value=value, reduce=reduce))


def scatter_add_(input, dim, index, src):
    from .inplace import inplace_assign
    return inplace_assign(input, scatter_add(input, dim, index, src))


class IndexSelect(Function):
    """rows of ``a`` picked by ``index`` along dim; backward index-adds"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, index):
        ctx.shape, ctx.axis, ctx.index = a._data.shape, axis, index._data
        return xp.take(a._data, index._data, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(_make(xp.zeros(ctx.shape, g._data.dtype)), ctx.axis, _make(ctx.index), g), None, None


def index_select(input, dim, index):
    if input._data.ndim == 0:
        return _scalar_case(index_select, input, dim, index)
    axis = wrap_dim(dim, input._data.ndim)
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input._data.ndim == 1 and input._data.shape[0] == 0 and index._data.size:   # PyTorch's 1-D kernel
        raise IndexError("index out of range in self")
    _check_index(index, input._data.shape[axis] if input._data.ndim else 1, "index_select")
    return IndexSelect.apply(input, axis, _make(index._data.reshape(-1)))


class IndexAdd(Function):
    """out = a; out.index_add_(dim, index, alpha * src)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, index, src, alpha=1):
        out = a._data.copy()
        ctx.axis, ctx.index, ctx.alpha = axis, index._data, alpha
        moved = xp.moveaxis(out, axis, 0)
        s = src._data
        if alpha != 1:
            # an integral self takes int(alpha) and wraps like C (uint8 with alpha = -1)
            # (a bool self takes bool(alpha): any nonzero alpha ORs the source in)
            s = (s & bool(alpha)) if s.dtype.kind == "b" else \
                (s.astype(xp.int64) * int(alpha)).astype(s.dtype) if s.dtype.kind in "iu" else s * alpha
        xp.add.at(moved, index._data, xp.moveaxis(s, axis, 0))
        return out

    @staticmethod
    def backward(ctx, g):
        gs = None
        if ctx.needs_input_grad[3]:
            gs = index_select(g, ctx.axis, _make(ctx.index))
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
        return g, None, None, gs, None


def _index_op_checks(name, input, dim, index, source=None):
    """PyTorch's checks of index_add/index_copy/index_fill, in its order: dim, a 0-d self, dtypes."""
    axis = wrap_dim(dim, input._data.ndim)
    if name == "index_add" and isinstance(source, Tensor) and source._data.dtype != input._data.dtype:
        a, b = D.scalar_name(input._data.dtype), D.scalar_name(source._data.dtype)
        raise RuntimeError(f"index_add_(): self ({a}) and source ({b}) must have the same scalar type")
    if input._data.ndim == 0 and index._data.size != 1:
        if name == "index_copy":
            raise IndexError(f"index_copy_(): When source is scalar, index should have one element "
                             f"(got {index._data.size})")
        if name == "index_add":
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if name == "index_copy" and isinstance(source, Tensor) and source._data.dtype != input._data.dtype:
        a, b = D.scalar_name(input._data.dtype), D.scalar_name(source._data.dtype)
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) {a} "
                           f"and (source) {b}")
    return axis


def index_add(input, dim, index, source, *, alpha=1):
    _index_op_checks("index_add", input, dim, index, source)
    if input._data.ndim == 0:
        return _scalar_case(index_add, input, dim, index, source, alpha=alpha)
    return IndexAdd.apply(input, wrap_dim(dim, input._data.ndim), index, source, alpha)


def index_fill(input, dim, index, value):
    _index_op_checks("index_fill", input, dim, index)
    value = check_scalar_fits(value, input._data.dtype)
    if input._data.ndim == 0:
        return _scalar_case(index_fill, input, dim, index, value)
    axis = wrap_dim(dim, input._data.ndim)
    idx = [slice(None)] * input._data.ndim
    # each position is filled once however often it is listed: the value's gradient counts it once
    idx[axis] = xp.unique(index._data.reshape(-1) % builtins.max(input._data.shape[axis], 1))
    return IndexPut.apply(input, tuple(idx), value)


def index_copy(input, dim, index, source):
    _index_op_checks("index_copy", input, dim, index, source)
    if input._data.ndim == 0:
        return _scalar_case(index_copy, input, dim, index, source)
    axis = wrap_dim(dim, input._data.ndim)
    idx = [slice(None)] * input._data.ndim
    idx[axis] = index._data
    return IndexPut.apply(input, tuple(idx), source)


def index_put(input, indices, values, accumulate=False):
    idx = tuple(_np_index1(i) for i in indices)
    return IndexPut.apply(input, idx, values, accumulate)


class MaskedFill(Function):
    """where(mask, value, a); the gradient is zero under the mask"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, mask, value):
        m = mask._data
        if m.dtype != bool:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{D.from_numpy_dtype(m.dtype)}")
        ctx.mask = m
        ctx.shape = a._data.shape
        v = value._data if isinstance(value, Tensor) else value
        v = check_scalar_fits(v, a._data.dtype)
        out = xp.where(m, xp.asarray(v, dtype=a._data.dtype), a._data)
        ctx.vshape = value._data.shape if isinstance(value, Tensor) else None
        return out if out.shape == a._data.shape else out

    @staticmethod
    def backward(ctx, g):
        from ._util import sum_to
        from .pointwise_binary import where
        m = _make(ctx.mask)
        ga = sum_to(where(m, 0.0, g), ctx.shape) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.vshape is not None and ctx.needs_input_grad[2]:
            gv = sum_to(where(m, g, 0.0), ()).reshape(ctx.vshape)
        return ga, None, gv


def masked_fill(input, mask, value):
    if isinstance(value, Tensor) and value._data.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    return MaskedFill.apply(input, mask, value)


def masked_fill_(input, mask, value):
    from .inplace import inplace_assign
    return inplace_assign(input, masked_fill(input, mask, value))


def masked_select(input, mask):
    from .views import expand
    shape = xp.broadcast_shapes(input._data.shape, mask._data.shape)
    x = expand(input, shape)
    return GetItem.apply(x, xp.broadcast_to(mask._data, shape))


def masked_scatter(input, mask, source):
    shape = xp.broadcast_shapes(input._data.shape, mask._data.shape)  # the out-of-place op broadcasts both
    if shape != input._data.shape:
        input = input.expand(*shape)
    m = xp.broadcast_to(mask._data, shape)
    n = int(m.sum())
    from .views import reshape
    src = reshape(source, (-1,))[:n]
    return IndexPut.apply(input, m, src)


def take(input, index):
    from .views import reshape
    flat = reshape(input, (-1,))
    return GetItem.apply(flat, index._data)


def take_along_dim(input, indices, dim=None):
    if dim is None:   # PyTorch gathers from the flattened input (a negative index is out of bounds, RuntimeError)
        from .views import reshape
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    # PyTorch broadcasts input and indices in every dim except ``dim``
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = dim + nd if dim < 0 else dim
    si, sx = list(indices._data.shape), list(input._data.shape)
    if len(si) == nd and nd:
        si[d] = sx[d] = 1
        b = list(xp.broadcast_shapes(tuple(si), tuple(sx)))
        bx, bi = list(b), list(b)
        bx[d], bi[d] = input._data.shape[d], indices._data.shape[d]
        if tuple(bx) != input._data.shape:
            input = input.expand(*bx)
        if tuple(bi) != indices._data.shape:
            indices = indices.expand(*bi)
    n = input._data.shape[d]
    if indices._data.size and indices._data.min() < 0:   # take_along_dim wraps negative indices, gather does not
        ii = indices._data
        if ii.min() >= -n:
            indices = _make(xp.where(ii < 0, ii + n, ii))
    return gather(input, dim, indices)


def nonzero(input, *, as_tuple=False):
    if input._data.dtype.kind == "u":   # uint16/32/64 (and so where(cond) of one): no kernel in PyTorch
        from ._unsigned import refuse_kernel
        refuse_kernel("nonzero_count_cpu", input._data)
    if not input._data.ndim:  # NumPy refuses nonzero on 0-d arrays; PyTorch treats it as one element
        n = int(bool(input._data))
        return (_make(xp.zeros(n, xp.int64)),) if as_tuple else _make(xp.zeros((n, 0), xp.int64))
    nz = xp.nonzero(input._data)
    if as_tuple:
        return tuple(_make(i.astype(xp.int64)) for i in nz)
    return _make(xp.stack(nz, axis=1).astype(xp.int64))


def argwhere(input):
    return nonzero(input)
