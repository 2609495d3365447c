"""Writing into parts of a copy: diagonal/select/slice_scatter, scatter_reduce, index_reduce, put, renorm,
and the ``*_copy`` spellings of views (a view's values in fresh memory)."""
from .._backend import xp
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import wrap_dim, write_out


# --- x_scatter: out = input, with one view of it replaced by src -------------------------------------

def _diag_spot(shape, offset, d1, d2):
    """The index of the (offset, d1, d2) diagonal in an array of shape, diagonal last (as diagonal())."""
    n = len(shape)
    rows = shape[d1] - max(-offset, 0)
    cols = shape[d2] - max(offset, 0)
    L = max(min(rows, cols), 0)
    i = xp.arange(L) + max(-offset, 0)
    j = xp.arange(L) + max(offset, 0)
    rest = [k for k in range(n) if k not in (d1, d2)]
    idx = [None] * n
    for p, k in enumerate(rest):
        sh = [1] * (len(rest) + 1)
        sh[p] = shape[k]
        idx[k] = xp.arange(shape[k]).reshape(sh)
    idx[d1] = i.reshape([1] * len(rest) + [L])
    idx[d2] = j.reshape([1] * len(rest) + [L])
    return tuple(idx)


class _ViewScatter(Function):
    """out = input with out[spot] = src; d/dinput = g with the spot zeroed, d/dsrc = g[spot]"""
    _builtin = True

    @staticmethod
    def forward(ctx, input, src, spot, view):
        out = input._data.copy()
        want = out[spot].shape
        if tuple(src._data.shape) != tuple(want):
            raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                               f"{list(src._data.shape)}, slice size = {list(want)}")
        out[spot] = src._data
        ctx.spot, ctx.view = spot, view
        return out

    @staticmethod
    def backward(ctx, g):
        gi = gs = None
        if ctx.needs_input_grad[0]:
            gi = _ViewScatter.apply(g, ctx.view(g) * 0, ctx.spot, ctx.view)
        if ctx.needs_input_grad[1]:
            gs = ctx.view(g)
        return gi, gs, None, None


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with its (offset, dim1, dim2) diagonal replaced by src."""
    n = input.dim()
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    spot = _diag_spot(tuple(input.shape), offset, d1, d2)
    return _ViewScatter.apply(input, src, spot, lambda t: t.diagonal(offset, d1, d2))


def select_scatter(input, src, dim, index):
    """input with input.select(dim, index) replaced by src."""
    n = input.dim()
    d = wrap_dim(dim, n)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size {list(input.shape)} "
                         f"at dimension {d}")
    i = index % size
    spot = (slice(None),) * d + (i,)
    return _ViewScatter.apply(input, src, spot, lambda t: t.select(d, i))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with input[..., start:end:step, ...] (along dim) replaced by src."""
    d = wrap_dim(dim, input.dim())
    spot = (slice(None),) * d + (slice(start, end, step),)
    return _ViewScatter.apply(input, src, spot, lambda t: t[spot])


# --- scatter_reduce / index_reduce ------------------------------------------------------------------

_UFUNC = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -xp.inf if reduce == "amax" else xp.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = xp.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _spots(shape, axis, idx):
    grids = list(xp.indices(idx.shape, sparse=True))
    grids[axis] = idx
    return tuple(grids)


class ScatterReduce(Function):
    """out = input; out[index[i][j]][j] (op)= src[i][j] along dim, op in sum/prod/mean/amax/amin; with
    include_self=False the scattered spots start from the op's identity. Gradients as PyTorch's:
    mean divides by the count, prod by the factor (zeros handled exactly), amax/amin share equally among
    the elements that attain the result."""
    _builtin = True

    @staticmethod
    def forward(ctx, input, axis, index, src, reduce, include_self):
        d = input._data
        idx = index._data
        s = src._data[tuple(slice(0, n) for n in idx.shape)]
        out = d.copy()
        where = _spots(d.shape, axis, idx)
        if not include_self:
            out[where] = _identity(reduce, d.dtype)
        _UFUNC[reduce].at(out, where, s)
        if reduce == "mean":
            cnt = xp.ones(d.shape, xp.int64) if include_self else xp.zeros(d.shape, xp.int64)
            xp.add.at(cnt, where, 1)
            cnt = xp.maximum(cnt, 1)
            out = out / cnt if d.dtype.kind in "fc" else out // cnt
            out = out.astype(d.dtype)
        ctx.axis, ctx.reduce, ctx.include_self = axis, reduce, include_self
        ctx.save_for_backward(input, index, src)
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, g):
        from .index import gather, scatter_add, scatter
        from .pointwise_binary import where as _where
        input, index, src = ctx.saved_tensors
        from .._grad_mode import is_grad_enabled
        axis, reduce, inc = ctx.axis, ctx.reduce, ctx.include_self
        # recomputed as an op when the backward itself is recorded (prod's gradient depends on the result)
        result = ScatterReduce.apply(input, axis, index, src, reduce, inc) if is_grad_enabled() and \
            reduce == "prod" else _make(ctx.out)
        s = src[tuple(slice(0, n) for n in index.shape)] if tuple(src.shape) != tuple(index.shape) else src
        if reduce == "sum":
            gi, gs = g, gather(g, axis, index)
        elif reduce == "mean":
            n = (input * 0 + 1) if inc else input * 0
            n = scatter_add(n.detach(), axis, index, (s * 0 + 1).detach())
            n = _where(n == 0, 1.0, n)
            gi = g / n
            gs = gather(g, axis, index) / gather(n, axis, index)
        elif reduce == "prod":
            masked_self = _where(input == 0, 1.0, input)
            masked_self_result = scatter_reduce(masked_self, axis, index, s, "prod", include_self=inc)
            gi = g * masked_self_result / masked_self
            src_zero = s == 0
            nzeros = gather(scatter_add(input.detach() * 0, axis, index, src_zero.to(input.dtype)), axis, index)
            single = src_zero & (nzeros == 1)
            masked_src = _where(single, 1.0, s)
            masked_src_result = scatter_reduce(input, axis, index, masked_src, "prod", include_self=inc)
            gs = _where(single, gather(g * masked_src_result, axis, index),
                        gather(g * result, axis, index) / _where(src_zero, 1.0, s))
        else:
            value = gather(result, axis, index)
            self_is = (input == result).to(g.dtype)
            src_is = (s == value).to(g.dtype)
            n = scatter_add(self_is, axis, index, src_is)
            dist = g / n
            gi = self_is * dist
            gs = src_is * gather(dist, axis, index)
        if not inc:
            gi = scatter(gi, axis, index, 0.0)
        gsrc = None
        if ctx.needs_input_grad[3]:
            gsrc = gs
            if tuple(src.shape) != tuple(index.shape):
                from .copies import pad
                gsrc = pad(gs, [p for k in reversed(range(src.dim())) for p in (0, src.shape[k] - index.shape[k])])
        return (gi if ctx.needs_input_grad[0] else None), None, None, gsrc, None, None


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce src into input at index along dim with reduce in 'sum', 'prod', 'mean', 'amax', 'amin'."""
    from .index import _check_scatter_shapes, _check_index
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)   # PyTorch takes the old names too
    if reduce not in _UFUNC:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce in ("amax", "amin"):   # complex numbers have no order
        from .complex import refuse_kernel
        refuse_kernel(f"scatter_gather_tensor_cpu_reduce_{reduce}", input, src)
    wrap_dim(dim, input.dim())   # the dim is checked first, as PyTorch
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if index.dtype.is_floating_point or index.dtype.name != "int64":
        raise RuntimeError("scatter_reduce(): Expected dtype int64 for index")
    if input.dim() == 0:
        r = scatter_reduce(input.reshape(1), 0, index.reshape(-1), src.reshape(-1), reduce,
                           include_self=include_self)
        return write_out(r.reshape(()), out)
    axis = wrap_dim(dim, input.dim())
    _check_scatter_shapes(input, axis, index, src)
    _check_index(index, input.shape[axis], "scatter_reduce", axis)
    if reduce == "mean" and input.dtype.name == "bool":
        raise NotImplementedError("\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    return write_out(ScatterReduce.apply(input, axis, index, src, reduce, include_self), out)


_index_reduce_warned = False


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce the slices of source into input's slices named by the 1-d index along dim ('prod', 'mean',
    'amax', 'amin'): scatter_reduce with the index spread over source's shape."""
    global _index_reduce_warned
    if not _index_reduce_warned:
        import warnings
        warnings.warn("index_reduce() is in beta and the API may change at any time.")
        _index_reduce_warned = True
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                           f"{reduce}.")
    from .complex import refuse_kernel
    refuse_kernel("index_func_", input, source)   # PyTorch's index_reduce kernel has no complex instance
    if index.dim() > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    axis = wrap_dim(dim, max(input.dim(), 1))
    if source.dim() and index.numel() != source.shape[axis]:
        raise IndexError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                         f"source.size(dim) ({source.shape[axis]})")
    shape = [1] * source.dim()
    if source.dim():
        shape[axis] = -1
    full = index.reshape(shape).expand(*source.shape) if source.dim() else index.reshape(())
    return scatter_reduce(input, axis, full.contiguous(), source, reduce, include_self=include_self, out=out)


def put(input, index, source, accumulate=False):
    """input (as if flattened) with out[index[k]] = source[k] (+= when accumulate)."""
    flat = input.reshape(-1)
    i = index.reshape(-1)
    n = flat.shape[0]
    idd = i._data
    if idd.size and ((idd < -n) | (idd >= n)).any():
        bad = int(idd[(idd < -n) | (idd >= n)][0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    if source.numel() != i.numel():
        raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {i.numel()}")
    return flat.index_put((i,), source.reshape(-1), accumulate).reshape(input.shape)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along dim whose p-norm exceeds maxnorm is scaled to norm maxnorm (factor
    maxnorm / (norm + 1e-7), real also for complex input: the norm is of |x|); the others are unchanged."""
    from .pointwise_binary import where
    from ..linalg import vector_norm
    if not (input.dtype.is_floating_point or input.dtype.is_complex):   # PyTorch's check, from its vector_norm
        from .._dtype import scalar_name
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{scalar_name(input._data.dtype)}")
    if p <= 0:
        raise RuntimeError(f"renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    n = input.dim()
    if n <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {n} dimensions")
    d = wrap_dim(dim, n)
    others = [k for k in range(n) if k != d]
    norm = vector_norm(input, p, others, keepdim=True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return write_out(input * factor, out)


# --- *_copy: the values of a view, in fresh memory --------------------------------------------------

def _copying(name):
    def fn(input, *args, out=None, **kwargs):
        r = getattr(Tensor, name)(input, *args, **kwargs)
        if isinstance(r, (tuple, list)):
            return type(r)(x.clone() for x in r)
        return write_out(r.clone(), out)
    fn.__name__ = fn.__qualname__ = name + "_copy"
    fn.__doc__ = f"torch.{name}, materialized (a new tensor, not a view)."
    return fn


_VIEWS = ["diagonal", "expand", "narrow", "permute", "select", "split", "split_with_sizes", "squeeze", "t",
          "transpose", "unbind", "unfold", "unsqueeze", "view", "detach"]
_g = globals()
for _n in _VIEWS:
    _g[_n + "_copy"] = _copying(_n)


def alias_copy(input, *, out=None):
    """A copy of input (the alias of a tensor, materialized)."""
    return write_out(input.clone(), out)


def narrow_copy(input, dim, start, length, *, out=None):
    """input.narrow(dim, start, length) in fresh memory."""
    return write_out(input.narrow(dim, start, length).clone(), out)


__all__ = ["diagonal_scatter", "select_scatter", "slice_scatter", "scatter_reduce", "index_reduce", "put",
           "renorm", "alias_copy"] + [n + "_copy" for n in _VIEWS]
