"""Comparisons and other non-differentiable queries (results carry no gradient)."""
from builtins import max as builtins_max
from collections import namedtuple

from .._backend import xp, is_array
from .. import _dtype as D
from .._tensor import Tensor, _make, _bcast_error
from ._util import operands, data, wrap_dim, write_out


def _cmp(np_fn, kernel=None):
    def fn(input, other, *, out=None):
        ad, bd = operands(input, other, wrap=True)
        if kernel is not None and (getattr(ad, "dtype", None) is not None and ad.dtype.kind in "cu" or
                                   getattr(bd, "dtype", None) is not None and bd.dtype.kind in "cu" or
                                   isinstance(ad, complex) or isinstance(bd, complex)):
            from .complex import refuse_kernel
            from ._unsigned import refuse_kernel as refuse_unsigned
            refuse_kernel(kernel, ad, bd)
            refuse_unsigned(kernel, ad if is_array(ad) else bd)   # uint16/32/64: no order kernels
        try:
            r = np_fn(ad, bd)
        except ValueError as e:   # shapes that do not broadcast: PyTorch's RuntimeError
            raise _bcast_error(input, other, e) from None
        return write_out(_make(r if is_array(r) else xp.asarray(r)), out)
    fn.__name__ = np_fn.__name__
    return fn


eq = _cmp(xp.equal)
ne = _cmp(xp.not_equal)
lt = _cmp(xp.less, "lt_cpu")
le = _cmp(xp.less_equal, "le_cpu")
gt = _cmp(xp.greater, "gt_cpu")
ge = _cmp(xp.greater_equal, "ge_cpu")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(np_fn):
    name = np_fn.__name__

    def fn(input, other=None, *, out=None):
        if other is None:
            return write_out(_make(xp.asarray(np_fn(input._data))), out)
        if not isinstance(other, Tensor):   # PyTorch's binding takes tensors only
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        try:
            r = np_fn(data(input), data(other))
        except ValueError as e:
            raise _bcast_error(input, other, e) from None
        return write_out(_make(xp.asarray(r)), out)
    fn.__name__ = name
    return fn


def _bitwise(np_fn):
    name = np_fn.__name__

    def fn(input, other, *, out=None):
        ad, bd = operands(input, other, wrap=True)
        for d in (ad, bd):
            if is_array(d) and d.dtype.kind in "fcV":
                raise NotImplementedError(f'"{name}_cpu" not implemented for \'{D.scalar_name(d.dtype)}\'')
        try:
            r = np_fn(ad, bd)
        except ValueError as e:
            raise _bcast_error(input, other, e) from None
        return write_out(_make(r if is_array(r) else xp.asarray(r)), out)
    fn.__name__ = name
    return fn


logical_and = _logical(xp.logical_and)
logical_or = _logical(xp.logical_or)
logical_xor = _logical(xp.logical_xor)
logical_not = _logical(xp.logical_not)
bitwise_and = _bitwise(xp.bitwise_and)
bitwise_or = _bitwise(xp.bitwise_or)
bitwise_xor = _bitwise(xp.bitwise_xor)


def bitwise_not(input, *, out=None):
    from ._util import write_out
    if out is not None and out._data.dtype != input._data.dtype:   # a structured kernel: the exact dtype
        raise RuntimeError(f"Found dtype {D.scalar_name(out._data.dtype)} but expected "
                           f"{D.scalar_name(input._data.dtype)}")
    if input._data.dtype.kind in "fV":
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{D.scalar_name(input._data.dtype)}'")
    return write_out(_make(xp.invert(input._data)), out)


def isfinite(input):
    return _make(xp.asarray(xp.isfinite(input._data)))   # (a 0-d array, not a NumPy scalar)


def isnan(input):
    return _make(xp.asarray(xp.isnan(input._data)))


def isinf(input):
    return _make(xp.asarray(xp.isinf(input._data)))


def isposinf(input):
    return _make(xp.asarray(xp.isposinf(input._data)))


def isneginf(input):
    return _make(xp.asarray(xp.isneginf(input._data)))


def isreal(input):
    return _make(xp.ones(input._data.shape, bool))


def signbit(input):
    return _make(xp.asarray(xp.signbit(input._data)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    ad, bd = operands(input, other)
    return _make(xp.isclose(ad, bd, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    ad, bd = operands(input, other)
    return bool(xp.allclose(ad, bd, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other):
    return input._data.shape == other._data.shape and bool((input._data == other._data).all())


def _anyall_dtype(r, input):
    # PyTorch keeps uint8 for uint8 inputs (its pre-bool convention); bool otherwise
    return _make(r.astype(xp.uint8) if input._data.dtype == xp.uint8 else r)


def any(input, dim=None, keepdim=False):
    if dim is None:
        return _anyall_dtype(xp.asarray(input._data.any()), input)
    return _anyall_dtype(xp.asarray(input._data.any(axis=_axes(dim, input), keepdims=keepdim)), input)


def all(input, dim=None, keepdim=False):
    if dim is None:
        return _anyall_dtype(xp.asarray(input._data.all()), input)
    return _anyall_dtype(xp.asarray(input._data.all(axis=_axes(dim, input), keepdims=keepdim)), input)


def _axes(dim, t):
    if isinstance(dim, (tuple, list)):
        return tuple(wrap_dim(d, t._data.ndim) for d in dim)
    return wrap_dim(dim, t._data.ndim)


from .. import return_types as _rt  # noqa: E402
sort_result = _rt.sort._from
topk_result = _rt.topk._from


def sort(input, dim=-1, descending=False, stable=False):
    from .index import gather
    d = input._data
    if d.ndim == 0:
        wrap_dim(dim, 0)
        # a new node on the graph, as PyTorch's (an in-place change of it does not touch a leaf input)
        return sort_result(input.clone() if input.requires_grad else input, _make(xp.zeros((), xp.int64)))
    axis = wrap_dim(dim, d.ndim)
    # ~d reverses integer order without the overflow of -d (-0 is 0 in uint8, -min is min in int64)
    key = (~d if d.dtype.kind in "iu" else -d) if descending and d.dtype.kind != "b" else d
    nan = xp.isnan(d) if descending and d.dtype.kind in "fV" else None
    if nan is not None:
        key = xp.where(nan, -xp.inf, -d)
    if nan is not None and nan.any():
        # NaN sorts first (the largest), before +inf: one key cannot tell them apart, NaN's flag is the first key
        idx = xp.lexsort((key.astype(xp.float64), ~nan), axis=axis).astype(xp.int64)
    else:
        idx = xp.argsort(key, axis=axis, kind="stable").astype(xp.int64)
    if descending and d.dtype.kind == "b":
        idx = xp.argsort(~d, axis=axis, kind="stable").astype(xp.int64)
    it = _make(idx)
    return sort_result(gather(input, axis, it), it)


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input.detach(), dim, descending, stable).indices


def msort(input):
    return sort(input, 0).values


def _no_bool(input, msg):
    if input._data.dtype.kind == "b":
        raise (RuntimeError(msg) if "does not support" in msg else NotImplementedError(msg))


def topk(input, k, dim=-1, largest=True, sorted=True):
    d = input._data
    axis = wrap_dim(dim, d.ndim)   # PyTorch checks the dim and k before the dtype
    n = d.shape[axis] if d.ndim else 1
    if k > n or k < 0:
        raise RuntimeError("selected index k out of range")
    _no_bool(input, "topk does not support bool dtypes on CPU")
    from .views import narrow
    if d.ndim == 0:   # PyTorch returns the 0-d input itself for k = 0 as for k = 1
        return topk_result(input * 1, _make(xp.zeros((), xp.int64)))
    s = sort(input, axis, descending=largest)
    return topk_result(narrow(s.values, axis, 0, k), narrow(s.indices, axis, 0, k))


def kthvalue(input, k, dim=-1, keepdim=False):
    from .index import gather
    from .views import narrow, squeeze
    nd = input._data.ndim
    axis = wrap_dim(dim, nd)   # PyTorch checks the dim and k before the dtype
    n = input._data.shape[axis] if nd else 1
    if n == 0 and nd:
        raise IndexError(f"kthvalue(): Expected reduction dim {axis} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    if nd:   # a 0-d input is returned as it is, whatever its dtype
        _no_bool(input, "\"kthvalue_cpu\" not implemented for 'Bool'")
    if input._data.ndim == 0:  # a 0-d input is a one-element vector: k must be 1
        wrap_dim(dim, 0)
        if input._data.dtype.kind == "b":   # k == 1 here: the value itself
            return _rt.kthvalue._from(input.clone(), _make(xp.zeros((), xp.int64)))
        r = kthvalue(input.reshape(1), k, 0, False)
        return _rt.kthvalue._from(r.values.reshape(()), r.indices.reshape(()))
    s = sort(input, dim)
    axis = wrap_dim(dim, input._data.ndim)
    v, i = narrow(s.values, axis, k - 1, 1), narrow(s.indices, axis, k - 1, 1)
    if not keepdim:
        v, i = squeeze(v, axis), squeeze(i, axis)
    return _rt.kthvalue._from(v, i)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    r = xp.unique(input._data, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not (return_inverse or return_counts):
        return _make(r)
    out = [_make(r[0])]
    k = 1
    if return_inverse:
        inv = r[k].reshape(-1) if dim is not None else r[k].reshape(input._data.shape)  # per slice along dim
        out.append(_make(inv.astype(xp.int64)))
        k += 1
    if return_counts:
        out.append(_make(r[k].astype(xp.int64)))
    return tuple(out)


def bincount(input, weights=None, minlength=0):
    return _make(xp.bincount(input._data, None if weights is None else weights._data, minlength))


def histc(input, bins=100, min=0, max=0):
    """Counts in ``bins`` equal bins over [min, max] (the data's range when min == max); values outside (and
    NaN) are ignored. Float inputs only, as PyTorch's CPU kernel."""
    from ._util import check_scalar_fits
    d = input._data
    if max < min:
        raise RuntimeError("torch.histc: max must be larger than min")
    if d.dtype.kind == "b":
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    if d.dtype.kind in "iu":
        check_scalar_fits(min, d.dtype), check_scalar_fits(max, d.dtype)
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{D.scalar_name(d.dtype)}'")
    if min == max and d.size:
        with xp.errstate(invalid="ignore"):
            lo, hi = float(xp.min(d)), float(xp.max(d))
    else:
        lo, hi = float(min), float(max)
    if not (xp.isfinite(lo) and xp.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if lo == hi:  # PyTorch widens a degenerate range by one on each side
        lo, hi = lo - 1, hi + 1
    d = d[(d >= lo) & (d <= hi)]
    try:
        h, _ = xp.histogram(d, bins=bins, range=(lo, hi))
    except ValueError:   # bins narrower than the values' spacing (a huge value's widened range): PyTorch's formula
        if lo == hi:     # the widening was absorbed: the value sits in the middle of [v - 1, v + 1]
            pos = xp.full(d.shape, bins // 2, xp.int64)
        else:
            pos = xp.minimum(((d - lo) * bins / (hi - lo)).astype(xp.int64), bins - 1)
        h = xp.bincount(pos, minlength=bins)
    return _make(h.astype(d.dtype))


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    r = _searchsorted(sorted_sequence, values, right, side, sorter)
    return r.to(D.int32) if out_int32 else r


def _tensor_args(fname, args, number_at, sig):
    """PyTorch's argument parser: anything but a Tensor (or, at ``number_at``, a Python number) is a TypeError."""
    bad = [a for i, a in enumerate(args) if not (isinstance(a, Tensor) or i == number_at and isinstance(a, (int, float)))]
    if not bad:
        return
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    raise TypeError(f"{fname}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    f"{sig}")


def _searchsorted(sorted_sequence, values, right, side, sorter):
    _tensor_args("searchsorted", (sorted_sequence, values), 1,
                 " * (Tensor sorted_sequence, Tensor input, ...)\n * (Tensor sorted_sequence, Number self, ...)")
    if sorter is not None:  # gather the sequence into sorted order first
        from .index import gather
        sorted_sequence = gather(sorted_sequence, -1, sorter)
    side = side or ("right" if right else "left")
    s, v = sorted_sequence._data, data(values)
    _no_bool_search(s, v)
    if s.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if s.ndim > 1 and (xp.ndim(v) != s.ndim or xp.shape(v)[:-1] != s.shape[:-1]):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           f"dimensions of boundaries tensor and input value tensor must match, but we got "
                           f"boundaries tensor {list(s.shape)} and input value tensor {list(xp.shape(v))}")
    if s.ndim == 1:
        return _make(xp.asarray(xp.searchsorted(s, v, side=side)).astype(xp.int64))
    if xp.size(v) == 0 or s.shape[-1] == 0:  # nothing to search, or every value goes at position 0
        return _make(xp.zeros(xp.shape(v), xp.int64))
    out = xp.stack([xp.searchsorted(a, b, side=side) for a, b in zip(s.reshape(-1, s.shape[-1]),
                                                                    xp.asarray(v).reshape(-1, xp.shape(v)[-1]))])
    return _make(out.reshape(xp.shape(v)).astype(xp.int64))


def _no_bool_search(s, v):
    """PyTorch's search kernel has no bool instance: both operands bool (their common dtype) is refused."""
    if s.dtype.kind == "b" and getattr(v, "dtype", None) is not None and v.dtype.kind == "b" and v.size:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")


def bucketize(input, boundaries, *, out_int32=False, right=False):
    _tensor_args("bucketize", (input, boundaries), 0,
                 " * (Tensor input, Tensor boundaries, ...)\n * (Number self, Tensor boundaries, ...)")
    _no_bool_search(boundaries._data, data(input))
    r = xp.searchsorted(boundaries._data, data(input), side="left" if not right else "right")
    return _make(xp.asarray(r).astype(xp.int32 if out_int32 else xp.int64))


def is_nonzero(input):
    if input._data.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


def _median_all(input, nan_skip):
    """The lower median of all elements (NaN if any is NaN, or, with ``nan_skip``, of the non-NaN ones), with
    PyTorch's gradient: shared evenly among the elements equal to it (evenly_distribute_backward)."""
    from ..autograd.function import Function

    class _MedianAll(Function):
        _builtin = True
        node_name = "NanmedianBackward0" if nan_skip else "MedianBackward0"

        @staticmethod
        def forward(ctx, a):
            d = a._data
            flat = d.reshape(-1)
            s = xp.sort(flat.astype(xp.float32) if d.dtype.kind == "V" else flat, kind="stable")
            nan = xp.isnan(s) if d.dtype.kind in "fV" else xp.zeros(s.shape, bool)
            if nan_skip:
                k = builtins_max((s.size - int(nan.sum()) - 1) // 2, 0)
            else:
                k = s.size - 1 if nan.any() else (s.size - 1) // 2
            v = xp.asarray(s[k]).astype(d.dtype)
            mask = (d == v) | (xp.isnan(d) & bool(xp.isnan(v))) if d.dtype.kind in "fV" else (d == v)
            ctx.w = (mask / mask.sum()).astype(d.dtype)
            return v

        @staticmethod
        def backward(ctx, g):
            return g * _make(ctx.w)
    return _MedianAll.apply(input)


def median(input, dim=None, keepdim=False):
    """The lower of the two middle values (as PyTorch); with ``dim``, (values, indices)."""
    if dim is not None:
        ax = wrap_dim(dim, input._data.ndim)
        if input._data.ndim and input._data.shape[ax] == 0:
            raise IndexError(f"median(): Expected reduction dim {ax} to have non-zero size.")
    _no_bool(input, f"\"{'median_cpu' if dim is None else 'median_out'}\" not implemented for 'Bool'")
    from .views import reshape, select, unsqueeze
    from ..return_types import median as _median_rt
    if dim is None:
        flat = reshape(input, (-1,))
        if flat._data.size == 0:
            if input._data.dtype.kind in "fV":   # NaN, on the graph (PyTorch's result requires grad)
                return flat.sum() * float("nan")
            return _make(xp.asarray(xp.nan, input._data.dtype))
        return _median_all(input, False)   # a NaN wins, as in PyTorch
    axis = wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return _median_rt._from(input.clone(), _make(xp.zeros((), xp.int64)))
    v, i = sort(input, axis, stable=True)
    k = (input._data.shape[axis] - 1) // 2
    d = input._data
    if d.dtype.kind in "fV":
        nanrow = xp.isnan(d).any(axis=axis)
        if nanrow.any():
            # rows holding a NaN report it (the last sorted entry), as PyTorch does
            ks = xp.where(nanrow, input._data.shape[axis] - 1, k)
            idx = xp.expand_dims(ks, axis)
            from .index import gather
            vals = gather(v, axis, _make(idx))
            inds = _make(xp.take_along_axis(i._data, idx, axis))
            if not keepdim:
                vals, inds = vals.squeeze(axis), inds.squeeze(axis)
            return _median_rt._from(vals, inds)
    vals, inds = select(v, axis, k), select(i, axis, k)
    if keepdim:
        vals, inds = unsqueeze(vals, axis), unsqueeze(inds, axis)
    return _median_rt._from(vals, inds)
