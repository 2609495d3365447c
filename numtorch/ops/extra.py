"""Less common operations of PyTorch's namespace: atan2, logaddexp, nan_to_num, erfinv, median,
unfold, tril/triu_indices, finfo/iinfo, dist, range, and the ``new_*`` constructors."""
import builtins
import math

from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import operands, sum_to, wrap_dim
from .arith import _out, _fit, _meta


class Atan2(Function):
    """atan2(a, b): the angle of (b, a); d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a, b)
        if ad.dtype.kind != "f":
            ad = ad.astype(D.get_default_dtype().np)
        return xp.arctan2(ad, bd).astype(ad.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r = g / (a * a + b * b)
        na, nb = ctx.needs_input_grad
        return (_fit(r * b, ctx.ma) if na else None), (_fit(-r * a, ctx.mb) if nb else None)


def atan2(input, other, *, out=None):
    return _out(Atan2.apply(input, other), out)


arctan2 = atan2


class LogAddExp(Function):
    """log(e^a + e^b) = max + log1p(e^-|a - b|); d/da = sigmoid(a - b)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a, b)
        return xp.logaddexp(ad, bd)

    @staticmethod
    def backward(ctx, g):
        from .unary import sigmoid
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (_fit(g * sigmoid(a - b), ctx.ma) if na else None), (_fit(g * sigmoid(b - a), ctx.mb) if nb else None)


def logaddexp(input, other):
    return LogAddExp.apply(input, other)


class NanToNum(Function):
    """NaN -> nan, +inf -> posinf, -inf -> neginf (the dtype's extremes by default); the gradient
    passes only where the input was finite"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        d = a._data
        ctx.mask = xp.isfinite(d)
        if d.dtype.kind != "f":
            return d.copy()
        return xp.nan_to_num(d, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        return g * _make(ctx.mask.astype(g._data.dtype)), None, None, None


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    return _out(NanToNum.apply(input, nan, posinf, neginf), out)


class Erfinv(Function):
    """erfinv(y): Giles' approximation refined by two Newton steps on erf(x) = y (float64);
    derivative sqrt(pi)/2 exp(x^2)"""
    _builtin = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        from .unary import _erf_impl
        d = a._data
        dt = d.dtype if d.dtype.kind == "f" else D.get_default_dtype().np
        y = d.astype(xp.float64)
        with xp.errstate(all="ignore"):
            w = -xp.log((1.0 - y) * (1.0 + y))
            small = w < 5.0
            ws = w - 2.5
            p1 = 2.81022636e-08
            for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                      -0.00417768164, 0.246640727, 1.50140941):
                p1 = c + p1 * ws
            wb = xp.sqrt(w) - 3.0
            p2 = -0.000200214257
            for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                      0.00943887047, 1.00167406, 2.83297682):
                p2 = c + p2 * wb
            x = xp.where(small, p1, p2) * y
            for _ in range(2):
                err = _erf_impl(x, False) - y
                x = x - err / (1.1283791670955126 * xp.exp(-x * x))
            x = xp.where(y == 1.0, xp.inf, xp.where(y == -1.0, -xp.inf, x))
            x = xp.where(xp.abs(y) > 1.0, xp.nan, x)
        return x.astype(dt)

    @staticmethod
    def backward(ctx, g):
        from .unary import exp
        y = ctx.saved_output
        return g * (0.886226925452758 * exp(y * y))


def erfinv(input, *, out=None):
    return _out(Erfinv.apply(input), out)


def median(input, dim=None, keepdim=False):
    """The lower of the two middle values (as PyTorch); with ``dim``, (values, indices)."""
    from .compare import sort
    from .shape import reshape, select, unsqueeze
    from ..return_types import median as _median_rt
    if dim is None:
        flat = reshape(input, (-1,))
        if flat._data.size == 0:
            return _make(xp.asarray(xp.nan, input._data.dtype))
        v, _ = sort(flat)
        if input._data.dtype.kind == "f" and xp.isnan(flat._data).any():
            return select(v, 0, flat._data.size - 1)  # NaN sorts last and wins, as in PyTorch
        return select(v, 0, (flat._data.size - 1) // 2)
    axis = wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return _median_rt._from(input.clone(), _make(xp.zeros((), xp.int64)))
    v, i = sort(input, axis, stable=True)
    k = (input._data.shape[axis] - 1) // 2
    d = input._data
    if d.dtype.kind == "f":
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


def unfold(input, dimension, size, step):
    """``Tensor.unfold``: windows of ``size`` every ``step`` along ``dimension``, as a new last dim."""
    from .shape import movedim
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


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = xp.tril_indices(row, offset, col)
    return _make(xp.stack([r, c]).astype(D.to_numpy_dtype(dtype) if dtype is not None else xp.int64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    r, c = xp.triu_indices(row, offset, col)
    return _make(xp.stack([r, c]).astype(D.to_numpy_dtype(dtype) if dtype is not None else xp.int64))


def dist(input, other, p=2):
    """||input - other||_p"""
    from .reduce import norm
    return norm(input - other, p)


def sum_to_size(input, *size):
    from ._util import shape_arg
    return sum_to(input, shape_arg(size))


class finfo:
    """``torch.finfo``: machine limits of a floating dtype (Python floats, as PyTorch)."""

    def __init__(self, type=None):
        dt = type if type is not None else D.get_default_dtype()
        if dt._kind != 2:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        f = xp.finfo(dt.np)
        self.dtype = dt.name
        self.bits = int(f.bits)
        self.eps = float(f.eps)
        self.max = float(f.max)
        self.min = float(f.min)
        self.tiny = self.smallest_normal = float(f.tiny)
        self.resolution = 10.0 ** -int(f.precision)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo``: limits of an integer dtype."""

    def __init__(self, type):
        if type._kind not in (0, 1):
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        i = xp.iinfo(type.np) if type.np != xp.bool_ else None
        self.dtype = type.name
        self.bits = int(i.bits) if i else 8
        self.max = int(i.max) if i else 1
        self.min = int(i.min) if i else 0

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def range_(start=0, end=None, step=1, *, dtype=None, requires_grad=False):
    """Deprecated ``torch.range``: like arange but the end is included; float by default."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    npd = D.to_numpy_dtype(dtype) if dtype is not None else D.get_default_dtype().np
    t = _make((start + xp.arange(builtins.max(n, 0), dtype=xp.float64) * step).astype(npd))
    return t.requires_grad_() if requires_grad else t


# ------------------------------------------------------------------ Tensor.new_* constructors
def _new_kw(self, dtype):
    return D.to_numpy_dtype(dtype) if dtype is not None else self._data.dtype


def _finish(t, requires_grad):
    return t.requires_grad_() if requires_grad else t


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.zeros(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.ones(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    from ._util import shape_arg
    return _finish(_make(xp.zeros(shape_arg(size), _new_kw(self, dtype))), requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    return _finish(_make(xp.full(tuple(size), fill_value, _new_kw(self, dtype))), requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
    src = data._data if isinstance(data, Tensor) else data
    return _finish(_make(xp.array(src, dtype=_new_kw(self, dtype), copy=True)), requires_grad)


def tensor_where(self, condition, y):
    """``x.where(cond, y)`` is ``where(cond, x, y)``."""
    from .misc import where
    return where(condition, self, y)


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (all dims of equal size, or a tall 2-D matrix with ``wrap``)."""
    d = self._data
    if d.ndim < 2 or (d.ndim > 2 and len(set(d.shape)) != 1):
        raise RuntimeError("all dimensions of input must be of equal length")
    n = builtins.min(d.shape)
    i = xp.arange(n)
    idx = (i,) * d.ndim
    if wrap and d.ndim == 2 and d.shape[0] > d.shape[1] + 1:
        step = d.shape[1] + 1
        flat = xp.arange(0, d.shape[0] * d.shape[1], step)
        idx = (flat // d.shape[1], flat % d.shape[1])
    from .index import setitem
    setitem(self, tuple(_make(j) for j in idx), fill_value)
    return self
