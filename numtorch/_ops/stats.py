"""Order statistics and counting: quantile, nanquantile, nanmedian, mode, histogram, unique_consecutive,
isin, unravel_index."""
import math as _math

from .._backend import xp
from .. import _dtype as D
from .._tensor import Tensor, _make
from ._util import wrap_dim, write_out, to_tensor


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    """Sort, then interpolate between the two order statistics around rank q (n - 1), n counting the
    non-NaN values when ignore_nan; a slice with a NaN (or, ignoring NaNs, with no number) gives NaN.
    The values come from differentiable sort/gather/lerp, so the gradient flows to the chosen elements."""
    from .compare import sort
    from .index import gather
    from .pointwise_binary import where
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    qt = to_tensor(float(q) if scalar_q else q, input)
    if not scalar_q:
        if qt.dim() > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if qt.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    qd = qt._data.astype(input._data.dtype).reshape(-1)
    if ((qd < 0) | (qd > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        x = input.reshape(-1)
        axis = 0
        out_shape = [1] * input.dim() if keepdim else []
    else:
        axis = wrap_dim(dim, max(input.dim(), 1))
        x = input if input.dim() else input.reshape(1)
        out_shape = list(x.shape)
        if keepdim:
            out_shape[axis] = 1
        else:
            out_shape.pop(axis)
        if input.dim() == 0:
            out_shape = []
    if x.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    x = x.movedim(axis, -1)
    s = sort(x, -1).values                      # NaN sorts last
    n = s.shape[-1]
    nan = xp.isnan(x._data)
    cnt = ((n - nan.sum(-1)) if ignore_nan else xp.full(nan.shape[:-1], n))[..., None]     # (..., 1)
    # rank = q (count - 1), as a tensor when q carries a gradient (d out / d q = (above - below)(count - 1))
    q_grad = not scalar_q and qt.requires_grad
    rank_t = qt.reshape(-1).to(s.dtype) * _make((cnt - 1).astype(s._data.dtype)) if q_grad else None
    rank = qd.astype(xp.float64) * (cnt - 1)                                 # (..., nq)
    if interpolation == "lower":
        rank = xp.floor(rank)
    elif interpolation == "higher":
        rank = xp.ceil(rank)
    elif interpolation == "nearest":
        rank = xp.round(rank)                                                  # half to even, as torch.round
    # a slice holding a NaN (ignoring NaNs: holding nothing else) reads its last sorted entry, the NaN
    bad = nan.any(-1, keepdims=True) if not ignore_nan else (rank < 0)
    rank = xp.where(bad, n - 1, rank)
    lo = xp.floor(rank).astype(xp.int64)
    hi = xp.ceil(rank).astype(xp.int64)
    lo_v = gather(s, -1, _make(lo))
    hi_v = gather(s, -1, _make(hi))
    if interpolation == "midpoint":
        r = lo_v + (hi_v - lo_v) * 0.5
    elif interpolation == "linear":
        w = rank_t - _make(lo.astype(s._data.dtype)) if q_grad else _make((rank - lo).astype(s._data.dtype))
        if q_grad:
            w = where(_make(xp.broadcast_to(bad, rank.shape)), 0.0, w)
        r = lo_v + (hi_v - lo_v) * w
    else:
        r = lo_v
    r = r.movedim(-1, 0)                                                       # (nq, ...)
    if scalar_q:
        return r.reshape(out_shape)
    return r.reshape([qd.size] + out_shape)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles along dim (flattened when dim is None); NaN where a slice holds a NaN."""
    return write_out(_quantile("quantile", input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile ignoring NaNs (NaN only for an all-NaN slice)."""
    return write_out(_quantile("nanquantile", input, q, dim, keepdim, interpolation, True), out)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The lower median of the non-NaN values; with dim, (values, indices)."""
    from .compare import sort
    from .index import gather
    from ..return_types import nanmedian as _rt
    d = input._data
    if dim is not None:
        axis = wrap_dim(dim, d.ndim)
        if d.ndim and d.shape[axis] == 0:
            raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    if d.dtype.kind == "b":
        raise NotImplementedError(f"\"{'median_cpu' if dim is None else 'median_out'}\" not implemented for 'Bool'")
    if dim is None:
        flat = input.reshape(-1)
        if d.size == 0:
            if d.dtype.kind in "fV":
                return flat.sum() * float("nan")
            return _make(xp.zeros((), d.dtype))   # PyTorch's value here is arbitrary
        from .compare import _median_all
        return _median_all(input, True)
    if d.ndim == 0:
        return _rt._from(input.clone(), _make(xp.zeros((), xp.int64)))
    axis = wrap_dim(dim, d.ndim)
    if d.shape[axis] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {axis} to have non-zero size.")
    v, i = sort(input, axis, stable=True)
    cnt = d.shape[axis] - (xp.isnan(d).sum(axis) if d.dtype.kind == "f" else 0)
    k = xp.expand_dims(xp.maximum((cnt - 1) // 2, 0), axis).astype(xp.int64)
    vals = gather(v, axis, _make(k))
    inds = _make(xp.take_along_axis(i._data, k, axis))
    if not keepdim:
        vals, inds = vals.squeeze(axis), inds.squeeze(axis)
    r = _rt._from(vals, inds)
    return r if out is None else _rt._from(write_out(r[0], out[0]), write_out(r[1], out[1]))


def mode(input, dim=-1, keepdim=False, *, out=None):
    """(values, indices): the most frequent value along dim (the smallest among equally frequent ones) and
    the last index where it occurs."""
    from .index import gather
    from ..return_types import mode as _rt
    from .complex import refuse_kernel
    refuse_kernel("mode_cpu", input)   # complex numbers have no order
    d = input._data
    if d.ndim == 0:
        return _rt._from(input.clone(), _make(xp.zeros((), xp.int64)))
    axis = wrap_dim(dim, d.ndim)
    n = d.shape[axis]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {axis} to have non-zero size.")
    a = xp.moveaxis(d, axis, -1)
    order = xp.argsort(a, axis=-1, kind="stable")
    s = xp.take_along_axis(a, order, -1)
    pos = xp.arange(n)
    start = xp.ones(s.shape, bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    run_start = xp.maximum.accumulate(xp.where(start, pos, 0), axis=-1)
    count = pos - run_start + 1                        # length of the run so far
    best = count.max(-1, keepdims=True)
    # the first run (smallest value) reaching the highest count; its last element is the last occurrence
    end = xp.argmax(count == best, axis=-1)[..., None]
    idx = xp.take_along_axis(order, end, -1).astype(xp.int64)
    idx = xp.moveaxis(idx, -1, axis)
    it = _make(idx)
    vals = gather(input, axis, it)
    if not keepdim:
        vals, it = vals.squeeze(axis), it.squeeze(axis)
    r = _rt._from(vals, it)
    return r if out is None else _rt._from(write_out(r[0], out[0]), write_out(r[1], out[1]))


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    """(hist, bin_edges): counts (or summed weights) in bins given by a count with a range, or by edges;
    the last bin includes its right edge; density divides by the total and the bin widths."""
    from ..return_types import histogram as _rt
    from .complex import refuse_kernel
    refuse_kernel("histogramdd", input)
    d = input._data
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"torch.histogram: input tensor and bins tensors should have the same dtype, but "
                           f"got input {input.dtype.name} and bins float") if isinstance(bins, Tensor) else \
            RuntimeError("\"histogram_cpu\" not implemented for '" + input.dtype.name.capitalize() + "'")
    x = d.reshape(-1)
    w = None if weight is None else weight._data.reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins._data
        if edges.ndim != 1 or edges.size < 1:
            raise RuntimeError("torch.histogram(): bins tensor should have one dimension")
        nb = edges.size - 1
        idx = xp.searchsorted(edges, x, side="right") - 1
        idx = xp.where(x == edges[-1], nb - 1, idx)
        ok = (x >= edges[0]) & (x <= edges[-1])
    else:
        nb = int(bins)
        if nb <= 0:
            raise RuntimeError("torch.histogram(): bins must be > 0, but got " + str(nb) + " for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif x.size:
            fin = x[xp.isfinite(x)]
            lo, hi = (float(fin.min()), float(fin.max())) if fin.size else (0.0, 0.0)
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {lo} max {hi}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        dt = d.dtype
        edges = xp.linspace(lo, hi, nb + 1).astype(dt)
        lo_t, hi_t = dt.type(lo), dt.type(hi)
        with xp.errstate(invalid="ignore", divide="ignore"):
            pos = ((x - lo_t) * dt.type(nb) / (hi_t - lo_t))
        ok = (x >= lo_t) & (x <= hi_t)
        pos = xp.where(ok, pos, 0).astype(xp.int64)
        pos = xp.minimum(pos, nb - 1)
        # the linear estimate can land one bin off at an edge: settle it against the edges themselves
        pos = xp.where(x < edges[pos], pos - 1, pos)
        pos = xp.where((pos < nb - 1) & (x >= edges[xp.minimum(pos + 1, nb)]), pos + 1, pos)
        idx = xp.clip(pos, 0, nb - 1)
    hist = xp.zeros(nb, d.dtype)
    xp.add.at(hist, idx[ok], 1 if w is None else w[ok])
    if density:
        widths = xp.diff(edges)
        total = hist.sum()
        hist = hist / (total * widths)
    r = _rt._from(_make(hist.astype(d.dtype)), _make(xp.asarray(edges, d.dtype)))
    return r if out is None else _rt._from(write_out(r[0], out[0]), write_out(r[1], out[1]))


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along dim) to one."""
    from .complex import refuse_kernel
    refuse_kernel("unique", input)
    d = input._data
    if dim is None:
        x = d.reshape(-1)
        n = x.size
        start = xp.ones(n, bool)
        if n:
            start[1:] = x[1:] != x[:-1]
        vals = _make(x[start])
        inv_shape = d.shape
    else:
        axis = wrap_dim(dim, d.ndim)
        a = xp.moveaxis(d, axis, 0)
        n = a.shape[0]
        start = xp.ones(n, bool)
        if n:
            start[1:] = (a[1:] != a[:-1]).reshape(n - 1, -1).any(1)
        vals = _make(xp.moveaxis(a[start], 0, axis))
        inv_shape = (n,)
    res = [vals]
    if return_inverse:
        res.append(_make((xp.cumsum(start) - 1).astype(xp.int64).reshape(inv_shape)))
    if return_counts:
        starts = xp.flatnonzero(start)
        res.append(_make(xp.diff(xp.append(starts, n)).astype(xp.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Elementwise membership of elements in test_elements (either may be a scalar)."""
    e = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    from .complex import refuse, _complex_name
    refuse(f"Unsupported input type encountered for isin(): {_complex_name(e, t)}", e, t)
    return _make(xp.isin(e, t.reshape(-1), assume_unique=assume_unique, invert=invert))


def unravel_index(indices, shape):
    """The coordinates, one int64 tensor per dimension, of flat indices into a tensor of shape."""
    if not isinstance(indices, Tensor):
        indices = to_tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype == D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    total = _math.prod(shape)
    i = indices._data.astype(xp.int64)
    i = i % total if total else i       # out-of-range indices wrap around, as PyTorch's arithmetic does
    if not shape:
        return ()
    return tuple(_make(c.astype(xp.int64)) for c in xp.unravel_index(i, shape))

def hash_tensor(input, dim=None, *, keepdim=False, mode=0, out=None):
    """The xor of the elements' 64-bit patterns (floats widened to float64, integers and bools to int64), read
    as uint64, over ``dim`` (all dimensions when None or empty): PyTorch's mode 0, the only one it has."""
    from ._util import dims_tuple
    a = input._data
    axes = dims_tuple(dim, a.ndim)   # PyTorch's order of checks: dims, sizes, mode, then the dtype
    if axes is None:
        if a.size == 0:
            raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
    else:
        for d in axes:
            if a.shape[d] == 0:
                raise IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    if a.dtype.kind == "c" or a.dtype.kind == "u" and a.dtype.itemsize > 1:
        raise NotImplementedError(f"\"xor_sum_cpu\" not implemented for '{D.scalar_name(a.dtype)}'")
    bits = (a.astype(xp.float64) if a.dtype.kind in "fV" else a.astype(xp.int64)).view(xp.uint64)
    r = xp.bitwise_xor.reduce(bits, axis=axes, keepdims=bool(keepdim))
    return write_out(_make(xp.asarray(r, dtype=xp.uint64)), out)


__all__ = ["quantile", "nanquantile", "nanmedian", "mode", "histogram", "unique_consecutive", "isin",
           "unravel_index", "hash_tensor"]
