"""Reductions: sum, mean, var/std, prod, max/min, logsumexp, norm, cumsum, softmax."""
import builtins
from collections import namedtuple

from .._backend import xp, errstate
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import dims_tuple, wrap_dim, reduced_axes, zeros_of, sum_to
from ._util import write_out as _out
from .. import return_types as _rt
from ..autograd.grad_mode import state as _gs

values_indices = namedtuple("values_indices", ["values", "indices"])


class _MinMax(namedtuple("_MinMax", ["values", "indices"])):
    pass


class SumTo(Function):
    """Sum a broadcast tensor back to ``shape``; backward expands."""
    _builtin = True
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a._data.shape
        lead, axes = reduced_axes(a._data.shape, shape)
        r = a._data.sum(axis=axes, keepdims=True) if axes else a._data
        return r.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        from .views import expand
        return expand(g, ctx.shape), None


def _expand_back(g, shape, axes, keepdim):
    """Broadcast a reduced gradient back over the reduced ``axes``."""
    from .views import expand, reshape
    if not keepdim and axes is not None:
        ks = list(shape)
        for a in axes:
            ks[a] = 1
        g = reshape(g, tuple(ks))
    return expand(g, shape)


def _sum_dtype(d, dtype):
    if dtype is not None:
        return D.to_numpy_dtype(dtype)
    if d.kind in "biu":
        return xp.int64
    return None


class Sum(Function):
    """sum over dims; backward broadcasts the gradient back"""
    _builtin = True

    @staticmethod
    @xp.errstate(all="ignore")   # inf + -inf is nan without a NumPy warning, as in PyTorch
    def forward(ctx, a, axes, keepdim, dtype):
        ctx.shape, ctx.axes, ctx.keepdim = a._data.shape, axes, keepdim
        ctx.in_dtype = a.dtype
        d = a._data
        if d.dtype.kind == "V" and dtype is None:  # bfloat16: accumulate in float32, round once (as torch)
            return xp.asarray(d.sum(axis=axes, keepdims=keepdim, dtype=xp.float32)).astype(d.dtype)
        return xp.asarray(d.sum(axis=axes, keepdims=keepdim, dtype=_sum_dtype(d.dtype, dtype)))

    @staticmethod
    def backward(ctx, g):
        # with dtype= the gradient comes back in the input's dtype (as PyTorch's engine casts it)
        return _expand_back(g, ctx.shape, ctx.axes, ctx.keepdim).to(ctx.in_dtype), None, None, None


class SumDim(Sum):
    node_name = "SumBackward1"


def _no_grad_to_integer(input, dtype):
    """PyTorch refuses a differentiable reduction into an integer dtype= (the result could not carry a grad)."""
    if dtype is not None and _gs.enabled and input.requires_grad and not (
            dtype.is_floating_point or getattr(dtype, "is_complex", False)):
        raise RuntimeError(f"Autograd not support dtype: {D.scalar_name(D.to_numpy_dtype(dtype))}")


def _float_dtype_arg(name, input, dtype):
    """mean/nanmean: an explicit dtype must be floating (or complex); without one, so must the input."""
    if dtype is not None:
        if not (dtype.is_floating_point or getattr(dtype, "is_complex", False)):
            raise RuntimeError(f"{name}(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {D.scalar_name(D.to_numpy_dtype(dtype))}")
    elif input._data.dtype.kind not in "fVc":
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {D.scalar_name(input._data.dtype)}")


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is not None and dtype in D.UNSIGNED_WIDE:   # PyTorch has no sum kernel into uint16/32/64
        raise NotImplementedError(f"\"sum_cpu\" not implemented for '{D.SCALAR_NAMES[dtype.name]}'")
    if dtype is not None and input._data.dtype.kind == "c" and not D.to_numpy_dtype(dtype).kind == "c":
        from .complex import real
        input = real(input)   # a real accumulation type drops the imaginary parts, silently as PyTorch
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    axes = dims_tuple(dim, input._data.ndim)
    _no_grad_to_integer(input, dtype)
    if axes is None:
        return _out(Sum.apply(input, None, False, dtype), out)
    return _out(SumDim.apply(input, axes, keepdim, dtype), out)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    from .pointwise_binary import where
    from .compare import isnan
    # a zero constant, not ``input * 0`` (nan * 0 is nan); the nan positions get a zero gradient
    return sum(where(isnan(input), _make(xp.zeros((), input._data.dtype)), input), dim, keepdim, dtype=dtype)


class Mean(Function):
    """mean over dims; backward spreads grad / n"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axes, keepdim, dtype):
        d = a._data
        ctx.in_dtype = a.dtype
        if dtype is not None:
            d = d.astype(D.to_numpy_dtype(dtype))
        elif d.dtype.kind not in "fVc":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {D.from_numpy_dtype(d.dtype).name.capitalize()}")
        ctx.shape, ctx.axes, ctx.keepdim = d.shape, axes, keepdim
        n = d.size if axes is None else _prod([d.shape[i] for i in axes])
        ctx.n = n
        if d.dtype.kind == "V" and n:  # bfloat16: accumulate in float32, round once (as torch)
            return xp.asarray(d.mean(axis=axes, keepdims=keepdim, dtype=xp.float32)).astype(d.dtype)
        return xp.asarray(d.mean(axis=axes, keepdims=keepdim)) if n else \
            xp.full(_reduced_shape(d.shape, axes, keepdim), xp.nan, d.dtype)

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g / ctx.n, ctx.shape, ctx.axes, ctx.keepdim).to(ctx.in_dtype), None, None, None


class MeanDim(Mean):
    node_name = "MeanBackward1"


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def _reduced_shape(shape, axes, keepdim):
    if axes is None:
        return (1,) * len(shape) if keepdim else ()
    return tuple(1 if i in axes else s for i, s in enumerate(shape)) if keepdim else \
        tuple(s for i, s in enumerate(shape) if i not in axes)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    _float_dtype_arg("mean", input, dtype)
    if dtype is not None and input._data.dtype.kind == "c" and not D.to_numpy_dtype(dtype).kind == "c":
        from .complex import real
        input = real(input)
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    axes = dims_tuple(dim, input._data.ndim)
    if axes is None:
        return _out(Mean.apply(input, None, False, dtype), out)
    return _out(MeanDim.apply(input, axes, keepdim, dtype), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    from .compare import isnan
    if input._data.dtype.kind not in "fV":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                           f"{D.scalar_name(input._data.dtype)}")
    _float_dtype_arg("nanmean", input, dtype)
    n = sum((~isnan(input)).to(dtype or input.dtype), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / n


def _var_args(input, dim, unbiased, correction, name="var"):
    if isinstance(dim, bool):  # var(x, False): the old ``unbiased`` positional
        unbiased, dim = dim, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input._data.dtype.kind not in "fVc":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = dims_tuple(dim, input._data.ndim)
    n = input._data.size if axes is None else _prod([input._data.shape[i] for i in axes])
    if n - correction <= 0:
        import warnings
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return axes, correction, n


def _centered(a, axes):
    """a - mean(a) over ``axes`` (kept as dims), with tensor ops so it differentiates again."""
    return a - mean(a, axes, keepdim=True)


class Var(Function):
    """var = sum((x - mean)^2) / (N - correction); d/dx = 2 (x - mean) / (N - correction)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim, n, _sqrt=False):
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim, ctx.denom = axes, keepdim, builtins.max(n - correction, 0)
        d = a._data
        # accumulated in float64 as PyTorch's CPU kernel (a variance beyond float32 still gives a finite std),
        # rounded once into the input's dtype
        ad = d.astype(xp.float64) if d.dtype.kind == "V" or d.dtype.kind == "f" and d.dtype.itemsize < 8 else d
        if d.dtype == xp.float32 and d.size and n == d.size:
            # a full reduction takes PyTorch's two-pass kernel: the mean in float32 (a sum that overflows gives an
            # inf/NaN result, as PyTorch), the squared deviations from it in float64
            with errstate(over="ignore", invalid="ignore"):
                dev = ad - xp.float64(d.mean(dtype=xp.float32))
        else:
            dev = ad - ad.mean(axis=axes, keepdims=True) if d.size else ad
        if d.dtype.kind == "c":   # complex: the mean of |x - mean|^2, a real number
            dev = xp.abs(dev)
        with errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = xp.true_divide((dev * dev).sum(axis=axes, keepdims=keepdim), ctx.denom)
            if _sqrt:
                r = xp.sqrt(r)
            # the input's dtype; complex gives its real dtype
            return xp.asarray(r.astype(xp.abs(d[:0]).dtype if d.dtype.kind == "c" else d.dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        scale = 2.0 / ctx.denom if ctx.denom else float("inf")
        gb = _expand_back(g, a._data.shape, ctx.axes, ctx.keepdim)
        return gb * _centered(a, ctx.axes) * scale, None, None, None, None


class Std(Var):
    """std = sqrt(var); d/dx = (x - mean) / ((N - correction) std), 0 where std is 0 (as PyTorch)"""
    _save_output = True

    @staticmethod
    def forward(ctx, a, axes, correction, keepdim, n):
        return Var.forward(ctx, a, axes, correction, keepdim, n, True)

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        (a,) = ctx.saved_tensors
        out = ctx.saved_output
        shape = a._data.shape
        ob = _expand_back(out, shape, ctx.axes, ctx.keepdim)
        # PyTorch's grouping: var's gradient of g / (2 std) (2 std overflows to inf, and the gradient to 0)
        gb = where(ob == 0, ob * 0, _expand_back(g, shape, ctx.axes, ctx.keepdim) / (ob * 2))
        scale = 2.0 / ctx.denom if ctx.denom else float("inf")
        return gb * _centered(a, ctx.axes) * scale, None, None, None, None


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default; ``unbiased=False`` means 0)."""
    axes, c, n = _var_args(input, dim, unbiased, correction)
    return Var.apply(input, axes, c, keepdim if axes is not None else keepdim, n)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation: sqrt(var(input, dim, correction))."""
    axes, c, n = _var_args(input, dim, unbiased, correction, "std")
    return Std.apply(input, axes, c, keepdim, n)


def _mean_like_var(input, dim, keepdim):
    # the mean reduced exactly as var/std are: all dims when dim is None, keepdim honoured either way
    if dim is None:
        dim = tuple(range(input._data.ndim))
    return mean(input, dim, keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var_mean(x, False): the old ``unbiased`` positional
        unbiased, dim = dim, None
    return var(input, dim, unbiased, keepdim, correction=correction), _mean_like_var(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    return std(input, dim, unbiased, keepdim, correction=correction), _mean_like_var(input, dim, keepdim)


class Prod(Function):
    """product over a dim; d/dx_i = prod_{j != i} x_j (exact with zeros)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, axis, keepdim):
        ctx.save_for_backward(a)
        ctx.axis, ctx.keepdim = axis, keepdim
        d = a._data
        if (d.dtype.kind == "V" or d.dtype.kind == "f" and d.dtype.itemsize == 2) and d.size:
            # PyTorch multiplies half types in their own precision, in order (NumPy's reduce would widen to
            # float32): partial products round, and overflow or underflow, as PyTorch's
            with errstate(over="ignore", under="ignore"):
                r = xp.take(xp.multiply.accumulate(d.reshape(-1) if axis is None else d, axis=axis or 0), [-1],
                            axis=axis or 0)
            return r.reshape(()) if axis is None else r if keepdim else r.squeeze(axis)
        return xp.asarray(d.prod(axis=axis, keepdims=keepdim, dtype=xp.int64 if d.dtype.kind in "biu" else None))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        axis = ctx.axis
        from .views import reshape
        from .copies import flip
        x = a if axis is not None else reshape(a, (-1,))
        ax = axis if axis is not None else 0
        # exclusive products from the left and from the right avoid dividing by zero
        ones_shape = list(x.shape)
        ones_shape[ax] = 1
        one = _make(xp.ones(ones_shape, x._data.dtype))
        from .copies import cat
        from .views import narrow
        n = x.shape[ax]
        left = cumprod(cat([one, narrow(x, ax, 0, n - 1)], ax), ax)
        rx = flip(x, (ax,))
        right = flip(cumprod(cat([one, narrow(rx, ax, 0, n - 1)], ax), ax), (ax,))
        gx = _expand_back(g, x.shape, (ax,), ctx.keepdim if axis is not None else False) * left * right
        return reshape(gx, a.shape), None, None


class ProdDim(Prod):
    node_name = "ProdBackward1"


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is not None:
        wrap_dim(dim, input._data.ndim)
    _no_grad_to_integer(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Prod.apply(input, None, False)
    axis = wrap_dim(dim, input._data.ndim)
    return ProdDim.apply(input, axis if input._data.ndim else None, keepdim)


class CumSum(Function):
    """cumulative sum; backward is the reversed cumulative sum"""
    _builtin = True
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, a, axis):
        ctx.axis = axis
        d = a._data
        if d.ndim == 0:   # integers and bools accumulate in int64, as for any shape
            return d.astype(xp.int64) if d.dtype.kind in "biu" else d.copy()
        if d.dtype.kind in "fV" and d.dtype.itemsize == 2:   # half types accumulate in float32, as PyTorch
            return D.cast(xp.cumsum(d.astype(xp.float32), axis=axis) + 0, d.dtype)
        r = xp.cumsum(d, axis=axis, dtype=xp.int64 if d.dtype.kind in "biu" else None)
        if r.dtype.kind == "f":
            r += 0   # PyTorch accumulates from +0, so a leading -0 (or a run of them) sums to +0
        return r

    @staticmethod
    def backward(ctx, g):
        from .copies import flip
        if g.ndim == 0:
            return g, None
        return flip(cumsum(flip(g, (ctx.axis,)), ctx.axis), (ctx.axis,)), None


def _no_bool_cum(name, dtype):
    """PyTorch's cumulative kernels have no bool output (a bool input without dtype= gives int64)."""
    if dtype is not None and D.to_numpy_dtype(dtype).kind == "b":
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")


def cumsum(input, dim, *, dtype=None):
    wrap_dim(dim, input._data.ndim)
    _no_bool_cum("cumsum", dtype)
    _no_grad_to_integer(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    return CumSum.apply(input, wrap_dim(dim, input._data.ndim))


class CumProd(Function):
    """cumulative product; gradient via sum of suffix(g * out) / x (inputs without zeros)"""
    _builtin = True
    node_name = "CumprodBackward0"
    _save_output = True

    @staticmethod
    def forward(ctx, a, axis):
        ctx.axis = axis
        ctx.save_for_backward(a)
        d = a._data
        # integers and bools accumulate in int64, as PyTorch (NumPy would give uint64 for uint8)
        dt = xp.int64 if d.dtype.kind in "biu" else d.dtype
        if d.ndim and d.dtype.kind in "fV" and d.dtype.itemsize == 2:
            # half types: the running product in float32, each output rounded once (PyTorch's accumulate type):
            # an output may be inf in float16 while the product goes on finite
            with errstate(over="ignore", invalid="ignore"):
                return D.cast(xp.cumprod(d.astype(xp.float32), axis=axis), d.dtype)
        return d.astype(dt) if d.ndim == 0 else xp.cumprod(d, axis=axis, dtype=dt)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        out = ctx.saved_output
        from .copies import flip
        ax = ctx.axis
        if g.ndim == 0:
            return g, None
        if not (a._data == 0).any():
            s = flip(cumsum(flip(g * out, (ax,)), ax), (ax,))
            return s / a, None
        # with zeros: grad_i = (prod_{j<i} x_j) * S_i, S_i = g_i + x_{i+1} S_{i+1} (no division)
        from .views import select, narrow
        from .copies import stack, cat
        n = a._data.shape[ax]
        shp = list(a._data.shape)
        shp[ax] = 1
        left = cat([_make(xp.ones(shp, a._data.dtype)), narrow(out, ax, 0, n - 1)], ax) if n > 1 else \
            _make(xp.ones(shp, a._data.dtype))
        acc = [None] * n
        acc[n - 1] = select(g, ax, n - 1)
        for i in range(n - 2, -1, -1):
            acc[i] = select(g, ax, i) + select(a, ax, i + 1) * acc[i + 1]
        return left * stack(acc, ax), None


def cumprod(input, dim, *, dtype=None):
    wrap_dim(dim, input._data.ndim)
    _no_bool_cum("cumprod", dtype)
    _no_grad_to_integer(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    return CumProd.apply(input, wrap_dim(dim, input._data.ndim))


class _Extreme(Function):
    """max/min over all elements; the gradient is shared evenly among ties (as PyTorch)"""
    _builtin = True
    np_fn = None

    @classmethod
    def forward(cls, ctx, a, axes, keepdim):
        d = a._data
        if d.size == 0 and axes is not None:
            for ax in axes:
                if d.shape[ax] == 0:
                    raise IndexError(f"{cls.__name__[:4].lower()}(): Expected reduction dim {ax} to have "
                                     "non-zero size.")
        elif d.size == 0:
            raise RuntimeError(f"{cls.__name__.lower()}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        r = xp.asarray(cls.np_fn(d, axis=axes, keepdims=keepdim))
        ctx.r = r
        return r

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        shape = a._data.shape
        r = ctx.r if ctx.keepdim or ctx.axes is None else xp.expand_dims(ctx.r, ctx.axes)
        mask = (a._data == r)
        if ctx.axes is None:
            mask = mask.reshape(shape)
        cnt = mask.sum(axis=ctx.axes, keepdims=True)
        w = _make((mask / cnt).astype(a._data.dtype))
        return _expand_back(g, shape, ctx.axes, ctx.keepdim) * w, None, None


class Max(_Extreme):
    np_fn = staticmethod(xp.max)


class Min(_Extreme):
    np_fn = staticmethod(xp.min)


class Amax(_Extreme):
    np_fn = staticmethod(xp.max)


class Amin(_Extreme):
    np_fn = staticmethod(xp.min)


class _ExtremeDim(Function):
    """max/min along one dim with indices; the gradient goes to the chosen index"""
    _builtin = True
    arg_fn = None

    @classmethod
    def forward(cls, ctx, a, axis, keepdim):
        d = a._data
        if d.ndim == 0:
            idx = xp.zeros((), xp.int64)
            ctx.shape, ctx.axis, ctx.keepdim, ctx.idx = d.shape, axis, keepdim, idx
            return d.copy(), idx
        if d.shape[axis] == 0:
            raise IndexError(f"{cls.__name__[:3].lower()}(): Expected reduction dim {axis} to have non-zero size.")
        nan = xp.isnan(d) if d.dtype.kind in "fV" else None
        if nan is not None and nan.any():
            # NaN propagates and is the chosen element (its first occurrence), as in PyTorch, also after an inf
            idx = xp.where(nan.any(axis=axis), xp.argmax(nan, axis=axis), cls.arg_fn(d, axis=axis))
        else:
            idx = cls.arg_fn(d, axis=axis)
        idx = xp.expand_dims(idx, axis)
        vals = xp.take_along_axis(d, idx, axis)
        if not keepdim:
            vals, idx = vals.squeeze(axis), idx.squeeze(axis)
        ctx.shape, ctx.axis, ctx.keepdim, ctx.idx = d.shape, axis, keepdim, idx
        return vals, idx.astype(xp.int64)

    @staticmethod
    def backward(ctx, g, gi=None):
        from .index import IndexScatter
        if len(ctx.shape) == 0:
            return g, None, None
        idx = ctx.idx if ctx.keepdim else xp.expand_dims(ctx.idx, ctx.axis)
        if not ctx.keepdim:
            from .views import unsqueeze
            g = unsqueeze(g, ctx.axis)
        return IndexScatter.apply(g, ctx.shape, ctx.axis, idx), None, None


class MaxDim(_ExtremeDim):
    node_name = "MaxBackward0"
    arg_fn = staticmethod(xp.argmax)


class MinDim(_ExtremeDim):
    node_name = "MinBackward0"
    arg_fn = staticmethod(xp.argmin)


class MaxAll(Max):
    node_name = "MaxBackward1"


class MinAll(Min):
    node_name = "MinBackward1"


def max(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .pointwise_binary import maximum
        return maximum(input, dim, out=out)
    if dim is None:
        return _out(MaxAll.apply(input, None, False), out)
    v, i = MaxDim.apply(input, wrap_dim(dim, input._data.ndim), keepdim)
    if out is not None:   # (values, indices)
        v, i = _out(v, out[0]), _out(i, out[1])
    return _rt.max._from(v, i)


def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        from .pointwise_binary import minimum
        return minimum(input, dim, out=out)
    if dim is None:
        return _out(MinAll.apply(input, None, False), out)
    v, i = MinDim.apply(input, wrap_dim(dim, input._data.ndim), keepdim)
    if out is not None:   # (values, indices)
        v, i = _out(v, out[0]), _out(i, out[1])
    return _rt.min._from(v, i)


def amax(input, dim=(), keepdim=False):
    axes = dims_tuple(dim, input._data.ndim) if dim != () else None
    return Amax.apply(input, axes, keepdim)


def amin(input, dim=(), keepdim=False):
    axes = dims_tuple(dim, input._data.ndim) if dim != () else None
    return Amin.apply(input, axes, keepdim)


def aminmax(input, *, dim=None, keepdim=False):
    return _rt.aminmax._from(amin(input, () if dim is None else dim, keepdim), amax(input, () if dim is None else dim, keepdim))


def argmax(input, dim=None, keepdim=False):
    d = input._data
    if d.dtype.kind == "b":
        raise RuntimeError("argmax(): does not support bool input")
    if dim is None:
        if d.size == 0:
            raise IndexError("argmax(): Expected reduction dim to be specified for input.numel() == 0.")
        r = xp.asarray(xp.argmax(d.reshape(-1)))
        return _make(r.reshape((1,) * d.ndim) if keepdim else r.astype(xp.int64))
    return max(input.detach(), dim, keepdim).indices


def argmin(input, dim=None, keepdim=False):
    d = input._data
    if d.dtype.kind == "b":
        raise RuntimeError("argmin(): does not support bool input")
    if dim is None:
        if d.size == 0:
            raise IndexError("argmin(): Expected reduction dim to be specified for input.numel() == 0.")
        r = xp.asarray(xp.argmin(d.reshape(-1)))
        return _make(r.reshape((1,) * d.ndim) if keepdim else r.astype(xp.int64))
    return min(input.detach(), dim, keepdim).indices


class LogSumExp(Function):
    """log(sum(exp(x))) = m + log(sum(exp(x - m))); gradient softmax(x) * g"""
    _builtin = True
    node_name = "LogsumexpBackward0"
    _save_output = True

    @staticmethod
    def forward(ctx, a, axes, keepdim):
        d = a._data
        if d.dtype.kind not in "fV":
            d = d.astype(D.get_default_dtype().np) if d.dtype.kind != "c" else d
        ctx.save_for_backward(a)
        ctx.axes, ctx.keepdim = axes, keepdim
        # complex: the shift is the largest real part, as PyTorch's (exp(z - m) keeps the phase of z)
        m = xp.max(d if d.dtype.kind != "c" else d.real, axis=axes, keepdims=True) if d.size else \
            xp.zeros((1,) * d.ndim, d.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        with errstate(divide="ignore"):
            r = xp.log(xp.sum(xp.exp(d - m), axis=axes, keepdims=True)) + m
        return r if keepdim else r.squeeze(axes)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        out = ctx.saved_output
        shape = a._data.shape
        from .unary import exp
        return _expand_back(g, shape, ctx.axes, ctx.keepdim) * exp(a - _expand_back(out, shape, ctx.axes, ctx.keepdim)), \
            None, None


def logsumexp(input, dim, keepdim=False):
    axes = dims_tuple(dim, input._data.ndim)
    return LogSumExp.apply(input, axes if axes is not None else tuple(range(input._data.ndim)), keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm over ``dim`` (all elements by default): (sum |x|^p)^(1/p); max |x| for p=inf."""
    if dtype is not None:
        input = input.to(dtype)
    if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        return _nuclear_norm(input, dim, keepdim)
    if input._data.dtype.kind not in "fV":
        if input._data.dtype.kind != "c":
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                               f"{D.scalar_name(input._data.dtype)}")
        from .arith import abs as _abs
        input = _abs(input)   # the norm of the moduli; abs's gradient carries the phase back
    axes = dims_tuple(dim, input._data.ndim)
    if axes is None and dim is not None and dim != () and dim != [] and input._data.ndim == 0:
        axes = ()   # a 0-d input reduced along dim 0/-1: PyTorch's general kernel, not the one-element shortcut
    return VectorNorm.apply(input, float(p), axes, keepdim)


class NuclearNorm(Function):
    """||A||_* = sum of the singular values of the matrices in the last two dims; d/dA = U V^T (thin SVD)."""
    _builtin = True
    node_name = "LinalgMatrixNormBackward0"

    @staticmethod
    def forward(ctx, a):
        u, sv, vh = xp.linalg.svd(a._data, full_matrices=False)
        ctx.uv = (u @ vh).astype(a._data.dtype)
        return sv.sum(-1).astype(a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        return g.unsqueeze(-1).unsqueeze(-1) * _make(ctx.uv)


def _nuclear_norm(input, dim, keepdim):
    from .views import movedim
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    d = (-2, -1) if dim is None else tuple(dim)
    d0, d1 = wrap_dim(d[0], nd), wrap_dim(d[1], nd)
    if input._data.dtype.kind == "c":   # the complex SVD path of linalg gives a real result and U V^H
        from ..linalg import matrix_norm
        return matrix_norm(input, "nuc", dim=(d0, d1), keepdim=keepdim)
    x = movedim(input, (d0, d1), (nd - 2, nd - 1)) if (d0, d1) != (nd - 2, nd - 1) else input
    out = NuclearNorm.apply(x)
    if keepdim:
        for ax in sorted((d0, d1)):
            out = out.unsqueeze(ax)
    return out


class VectorNorm(Function):
    """||x||_p; d/dx = x |x|^(p-2) / ||x||^(p-1) (x / ||x|| for p = 2, sign(x) for p = 1, the
    arg-max entries shared evenly for p = +-inf); 0 where the norm is 0, as PyTorch."""
    _builtin = True
    _save_output = True
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, p, axes, keepdim):
        ctx.save_for_backward(a)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        d = a._data
        per = d.size if axes is None else int(xp.prod([d.shape[ax] for ax in axes]))
        if per == 1 and p not in (0, xp.inf, -xp.inf) and not (d.ndim == 0 and axes is not None):
            # one element per result: |x|, as PyTorch (x * x may overflow); a 0-d input reduced along dim=0/-1
            # takes PyTorch's general kernel, where (-1e308)^2 overflows (normalize(x, dim=-1) is then -0.)
            r = xp.abs(d)
            return xp.asarray(r.reshape(()) if axes is None and not keepdim else
                              r if keepdim else xp.squeeze(r, axis=axes))
        if p == 2:   # half precision accumulates in float32, as PyTorch (its squares overflow float16)
            w = d.astype(xp.float32) if d.dtype.kind in "fV" and d.dtype.itemsize < 4 else d
            with errstate(over="ignore"):   # squares beyond the dtype: inf, silently as PyTorch
                return xp.asarray(xp.sqrt(xp.sum(w * w, axis=axes, keepdims=keepdim))).astype(d.dtype, copy=False)
        ad = xp.abs(d)
        if p == xp.inf or p == -xp.inf:
            if d.size == 0:   # only an empty reduced dim has no identity (PyTorch's message lacks the space)
                empty = [ax for ax in (range(d.ndim) if axes is None else axes) if d.shape[ax] == 0]
                pn = "inf" if p > 0 else "-inf"
                if axes is None or d.ndim == 0:
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {pn} norm on an empty tensor because "
                                       "the operation does not have an identity")
                if empty:
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {pn} norm on the dimension "
                                       f"{empty[0]}because this dimension is empty and the operation does not "
                                       "have an identity")
                r = xp.zeros(xp.sum(ad, axis=axes, keepdims=keepdim).shape, d.dtype)
                return r
            return xp.asarray((xp.max if p > 0 else xp.min)(ad, axis=axes, keepdims=keepdim))
        if p == 0:
            return xp.asarray(xp.sum(ad != 0, axis=axes, keepdims=keepdim).astype(d.dtype))
        if p == 1:
            return xp.asarray(xp.sum(ad, axis=axes, keepdims=keepdim))
        if ad.dtype.kind in "fV" and ad.dtype.itemsize < 4:   # half types accumulate in float32, as PyTorch
            ad = ad.astype(xp.float32)
        with errstate(divide="ignore", over="ignore"):
            return xp.asarray(xp.sum(ad ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)).astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        from .unary import sign
        from .arith import abs as _abs
        (a,) = ctx.saved_tensors
        p, shape = ctx.p, a._data.shape
        gb = _expand_back(g, shape, ctx.axes, ctx.keepdim)
        if p == 0:
            return a * 0, None, None, None
        if p == 1:
            return gb * sign(a), None, None, None
        nb = _expand_back(ctx.saved_output, shape, ctx.axes, ctx.keepdim)
        if p == xp.inf or p == -xp.inf:
            mask = xp.abs(a._data) == nb._data
            cnt = mask.sum(axis=ctx.axes, keepdims=True)
            w = _make((mask / cnt).astype(a._data.dtype))
            return gb * sign(a) * w, None, None, None
        if p == 2:
            return where(nb == 0, a * 0, gb * a / nb), None, None, None
        r = a * _abs(a) ** (p - 2) / nb ** (p - 1)
        return where(nb == 0, a * 0, gb * r), None, None, None


class Softmax(Function):
    """softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max); grad y * (g - sum(g * y))"""
    _builtin = True
    _save_output = True

    @staticmethod
    @errstate(invalid="ignore", divide="ignore")   # a row of -inf gives NaN silently, as PyTorch
    def forward(ctx, a, axis):
        ctx.axis = axis
        d = a._data
        if d.size == 0:
            return xp.ones_like(d)
        if d.ndim == 0:  # one element: 1, or NaN for a NaN/inf input (inf - inf), as PyTorch
            return xp.exp(d - d)
        e = d - d.max(axis=axis, keepdims=True)
        xp.exp(e, out=e)
        e /= e.sum(axis=axis, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, g):
        y = ctx.saved_output
        gy = g * y
        return gy - y * sum(gy, ctx.axis, keepdim=True), None


class LogSoftmax(Function):
    """log_softmax(x) = x - logsumexp(x); grad g - softmax(x) * sum(g)"""
    _builtin = True
    _save_output = True

    @staticmethod
    @errstate(invalid="ignore", divide="ignore")   # a row of -inf gives NaN silently, as PyTorch
    def forward(ctx, a, axis):
        ctx.axis = axis
        d = a._data
        if d.size == 0:
            return xp.zeros_like(d)
        if d.ndim == 0:  # one element: 0, or NaN for a NaN/inf input (inf - inf), as PyTorch
            return d - d
        m = d.max(axis=axis, keepdims=True)
        s = d - m
        e = xp.exp(s)
        se = e.sum(axis=axis, keepdims=True)
        # log of the float32 sum taken in double: matches PyTorch's correctly rounded vectorised log
        s -= xp.log(se.astype(xp.float64)).astype(s.dtype) if s.dtype == xp.float32 else xp.log(se)
        if ctx.needs_input_grad and e.dtype == s.dtype:
            # softmax = e / se: kept for a first-order backward, which then needs no second exp pass
            ctx.e, ctx.se = e, se
        return s

    @staticmethod
    def backward(ctx, g):
        from .unary import exp
        y = ctx.saved_output
        e = None if _gs.enabled else ctx.__dict__.pop("e", None)   # (a retained graph's second backward: None)
        if e is None or g.__class__ is not Tensor or g._data.dtype != e.dtype:
            return g - exp(y) * sum(g, ctx.axis, keepdim=True), None
        # the same formula on arrays (no graph to record): g - (e / se) * sum(g), in place over e
        gd = g._data
        gsum = gd.sum(axis=ctx.axis, keepdims=True)
        gsum /= ctx.se
        e *= gsum
        xp.subtract(gd, e, out=e)
        return _make(e), None


def _softmax_input(input, dtype, dim, name="softmax"):
    if dtype is not None and dtype.is_floating_point:
        input = input.to(dtype)
    elif (dtype is not None or input._data.dtype.kind not in "fV") and input._data.size:
        nd = input._data.ndim
        last = dim is None or nd == 0 or wrap_dim(dim, nd) == nd - 1
        dt = dtype.np if dtype is not None else input._data.dtype
        raise NotImplementedError(f'"{name}_{"lastdim_" if last else ""}kernel_impl" not implemented for '
                                  f"'{D.scalar_name(dt)}'")
    elif dtype is not None:
        input = input.to(dtype)
    return input


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is not None:   # a bad dim is reported before a bad dtype, as PyTorch
        wrap_dim(dim, input._data.ndim)
    input = _softmax_input(input, dtype, dim)
    if dim is None:
        dim = _implicit_dim("softmax", input._data.ndim, _stacklevel)
    return Softmax.apply(input, wrap_dim(dim, input._data.ndim))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is not None:
        wrap_dim(dim, input._data.ndim)
    input = _softmax_input(input, dtype, dim, "log_softmax")
    if dim is None:
        dim = _implicit_dim("log_softmax", input._data.ndim, _stacklevel)
    return LogSoftmax.apply(input, wrap_dim(dim, input._data.ndim))


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _implicit_dim("softmin", input._data.ndim, _stacklevel)
    return softmax(-input, dim, dtype=dtype)


def _implicit_dim(name, ndim, stacklevel):
    import warnings
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def count_nonzero(input, dim=None):
    return _make(xp.asarray(xp.count_nonzero(input._data, axis=dim), dtype=xp.int64))


def sum_to_size(input, *size):
    from ._util import shape_arg
    return sum_to(input, shape_arg(size))
