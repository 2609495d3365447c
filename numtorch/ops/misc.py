"""where, maximum/minimum, clamp, dtype casts, clone, and the in-place plumbing."""
import builtins

from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make
from ._util import operands, sum_to, data, to_tensor, zeros_of


class Where(Function):
    """cond ? a : b; each branch's gradient is masked by the condition"""
    _builtin = True

    @staticmethod
    def forward(ctx, cond, a, b):
        c = cond._data if isinstance(cond, Tensor) else xp.asarray(cond)
        if c.dtype != bool:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{D.from_numpy_dtype(c.dtype).name.capitalize()}")
        ad, bd = operands(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else (a, b)
        ctx.c = c
        ctx.ma = (a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
        ctx.mb = (b._data.shape, b._data.dtype) if isinstance(b, Tensor) else None
        return xp.where(c, ad, bd)

    @staticmethod
    def backward(ctx, g):
        c = _make(ctx.c)
        ga = gb = None
        # a scalar 0, never g * 0: an inf/nan gradient in the unselected branch must not leak through
        if ctx.needs_input_grad[1]:
            ga = _fit(where(c, g, 0.0), ctx.ma)
        if ctx.needs_input_grad[2]:
            gb = _fit(where(c, 0.0, g), ctx.mb)
        return None, ga, gb


def _fit(g, meta):
    g = sum_to(g, meta[0])
    if g._data.dtype != meta[1]:
        g = g.to(D.from_numpy_dtype(meta[1]))
    return g


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        from .index import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = to_tensor(input)
    return Where.apply(condition, input, other)


class _MaxMin(Function):
    """elementwise maximum/minimum; ties split the gradient in half (as PyTorch)"""
    _builtin = True
    np_fn = None

    @classmethod
    def forward(cls, ctx, a, b):
        ad, bd = operands(a, b)
        ctx.save_for_backward(a, b)
        ctx.ma, ctx.mb = (a._data.shape, a._data.dtype), (b._data.shape, b._data.dtype)
        return cls.np_fn(ad, bd)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        ad, bd = a._data, b._data
        # PyTorch's masks: each side keeps its gradient unless it lost the comparison (so with a NaN both
        # sides keep it); ties share it half and half
        lose_a, lose_b = ((ad < bd), (ad > bd)) if cls.np_fn is xp.maximum else ((ad > bd), (ad < bd))
        half = xp.where(ad == bd, 0.5, 1.0)
        ga = gb = None
        # the loser is masked out (not multiplied by 0), so an inf/nan gradient does not leak, as PyTorch
        gh = g * _make(half.astype(g._data.dtype)) if (ad == bd).any() else g
        if ctx.needs_input_grad[0]:
            ga = _fit(where(_make(lose_a), 0.0, gh), ctx.ma)
        if ctx.needs_input_grad[1]:
            gb = _fit(where(_make(lose_b), 0.0, gh), ctx.mb)
        return ga, gb


class Maximum(_MaxMin):
    np_fn = staticmethod(xp.maximum)


class Minimum(_MaxMin):
    np_fn = staticmethod(xp.minimum)


def maximum(input, other, *, out=None):
    return Maximum.apply(input, to_tensor(other, input))


def minimum(input, other, *, out=None):
    return Minimum.apply(input, to_tensor(other, input))


def _nan_ignoring(extreme, input, other):
    # fmax/fmin: a NaN loses to a number (NaN only where both are NaN); maximum/minimum propagate NaN
    other = to_tensor(other, input)
    r = extreme(input, other)
    nan_o, nan_i = xp.isnan(other._data), xp.isnan(input._data)
    if nan_o.any():
        r = where(_make(nan_o), input, r)
    if nan_i.any():
        r = where(_make(nan_i), other, r)
    return r


def fmax(input, other, *, out=None):
    """max(a, b), ignoring a NaN operand"""
    return _nan_ignoring(maximum, input, other)


def fmin(input, other, *, out=None):
    """min(a, b), ignoring a NaN operand"""
    return _nan_ignoring(minimum, input, other)


class Clamp(Function):
    """clamp(a, lo, hi); gradient passes where lo <= a <= hi (bounds included, as PyTorch)"""
    _builtin = True
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        d = a._data
        if d.dtype.kind != "f":  # the bounds promote like Python scalars (int -> float, bool -> int)
            if isinstance(lo, float) or isinstance(hi, float):
                d = d.astype(D.get_default_dtype().np)
            elif d.dtype.kind == "b" and any(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
                d = d.astype(xp.int64)
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        r = d
        if lo is not None:
            r = xp.maximum(r, xp.asarray(lo, dtype=d.dtype) if d.dtype.kind == "f" or isinstance(lo, int) else lo)
        if hi is not None:
            r = xp.minimum(r, xp.asarray(hi, dtype=d.dtype) if d.dtype.kind == "f" or isinstance(hi, int) else hi)
        if lo is not None and hi is not None and lo > hi:
            r = xp.full_like(d, hi)
        if r is d:
            r = d.copy()
        # NaN stays NaN
        if d.dtype.kind == "f":
            r = xp.where(xp.isnan(d), d, r)
        return r

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = a._data
        m = xp.ones(d.shape, bool)
        if ctx.lo is not None:
            m &= d >= ctx.lo
        if ctx.hi is not None:
            m &= d <= ctx.hi
        return where(_make(m), g, 0.0), None, None


class ClampTensor(Function):
    """clamp with tensor bounds: written as maximum/minimum"""
    _builtin = True


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        r = input
        if min is not None:
            r = where(r < min, to_tensor(min, input).to(input.dtype).expand_as(r) if isinstance(min, Tensor) else
                      min, r) if False else _clamp_t(r, min, True)
        if max is not None:
            r = _clamp_t(r, max, False)
        return r
    r = Clamp.apply(input, min, max)
    if out is not None:
        out._data = r._data
        return out
    return r


def _clamp_t(x, bound, lower):
    b = to_tensor(bound, x)
    keep = (x >= b) if lower else (x <= b)
    return where(keep | x.isnan(), x, b.to(x.dtype) if isinstance(b, Tensor) else b)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


class ToDtype(Function):
    """cast to another dtype; the gradient is cast back"""
    _builtin = True
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a._data.dtype
        return a._data.astype(dtype.np)

    @staticmethod
    def backward(ctx, g):
        if ctx.dtype.kind != "f":
            return None, None
        return ToDtype.apply(g, D.from_numpy_dtype(ctx.dtype)), None


def to_dtype(input, dtype):
    if not isinstance(dtype, D.dtype):
        dtype = D.from_numpy_dtype(D.to_numpy_dtype(dtype))
    return ToDtype.apply(input, dtype)


class Clone(Function):
    """a copy that stays in the graph"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    return Clone.apply(input)


class Contiguous(Clone):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return xp.ascontiguousarray(a._data)


def contiguous(input):
    return Contiguous.apply(input)


class CopyFrom(Function):
    """``dst.copy_(src)``: src broadcast to dst's shape and cast to its dtype; the old dst gets no gradient"""
    _builtin = True
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        ctx.src_shape, ctx.src_dtype = src._data.shape, src._data.dtype
        try:
            return xp.broadcast_to(src._data, dst._data.shape).astype(dst._data.dtype, copy=True)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({dst._data.shape[-1] if dst._data.ndim else 1}) must match "
                               f"the size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) at "
                               f"non-singleton dimension {dst._data.ndim - 1}") from None

    @staticmethod
    def backward(ctx, g):
        gd = zeros_of(g) if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[1]:
            gs = sum_to(g, ctx.src_shape)
            if gs._data.dtype != ctx.src_dtype:
                gs = gs.to(D.from_numpy_dtype(ctx.src_dtype))
        return gd, gs


class Fill(Function):
    """``t.fill_(v)``: every element becomes v; t's old values get no gradient, a tensor v gets sum(g)"""
    _builtin = True
    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        v = value._data if isinstance(value, Tensor) else value
        return xp.full(a._data.shape, v, a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        ga = zeros_of(g) if ctx.needs_input_grad[0] else None
        gv = g.sum() if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1] else None
        return ga, gv


class FillTensor(Fill):
    node_name = "FillBackward3"


class Zero(Fill):
    node_name = "ZeroBackward0"


def inplace_assign(t, new):
    """Finish an in-place op: write ``new`` into ``t``'s storage and give ``t`` ``new``'s history."""
    from .index import _rebase
    if _gs.enabled and t.requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    _rebase(t, new)
    return t


def inplace(t, fn, *args, **kwargs):
    """``t.op_(...)``: compute ``fn(t, ...)`` and store the result in ``t``'s own memory.

    Without autograd this is one NumPy op writing in place; with autograd the op
    runs on a snapshot of ``t`` (so its saved values stay valid) and ``t`` takes
    over the result's place in the graph.
    """
    if _gs.enabled and (t.requires_grad or builtins.any(isinstance(a, Tensor) and a.requires_grad for a in args)):
        if t.requires_grad and t.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        from .index import _snapshot
        new = fn(_snapshot(t), *args, **kwargs)
        return inplace_assign(t, new)
    new = fn(_make(t._data), *args, **kwargs)
    nd = new._data
    td = t._data
    if nd.dtype != td.dtype:
        if not xp.can_cast(nd.dtype, td.dtype, "same_kind") or (nd.dtype.kind == "f" and td.dtype.kind in "biu"):
            raise RuntimeError(f"result type {D.from_numpy_dtype(nd.dtype).name.capitalize()} can't be cast to the "
                               f"desired output type {D.from_numpy_dtype(td.dtype).name.capitalize()}")
    if nd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(nd.shape)}")
    td[...] = nd
    t._vc[0] += 1
    return t


def full_like(input, fill_value, *, dtype=None, requires_grad=False):
    d = input._data
    npd = D.to_numpy_dtype(dtype) if dtype is not None else d.dtype
    t = _make(xp.full(d.shape, fill_value, npd))
    t.requires_grad = requires_grad
    return t


def eye_like_mask(n, dtype):
    return _make(xp.eye(n, dtype=dtype))


def lerp(input, end, weight):
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 / tensor2


def diff(input, n=1, dim=-1, prepend=None, append=None):
    from .shape import narrow, cat
    from ._util import wrap_dim
    axis = wrap_dim(dim, input._data.ndim)
    x = input
    if n == 0:
        return input
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, input, append) if t is not None]
        x = cat([t if isinstance(t, Tensor) else _make(xp.asarray(t, input._data.dtype)) for t in parts], axis)
    for _ in range(n):
        k = x._data.shape[axis]
        x = narrow(x, axis, 1, k - 1) - narrow(x, axis, 0, k - 1)
    return x


def trace(input):
    if input._data.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(input._data.ndim))
    from .index import getitem
    n = builtins.min(input._data.shape)
    i = xp.arange(n)
    from .reduce import sum as _sum
    return _sum(getitem(input, (i, i), _raw=True))


def diagonal(input, offset=0, dim1=0, dim2=1):
    from .shape import movedim
    from .index import getitem
    x = movedim(input, (dim1, dim2), (-2, -1))
    n0, n1 = x._data.shape[-2:]
    if offset >= 0:
        k = builtins.max(builtins.min(n0, n1 - offset), 0)
        i, j = xp.arange(k), xp.arange(k) + offset
    else:
        k = builtins.max(builtins.min(n0 + offset, n1), 0)
        i, j = xp.arange(k) - offset, xp.arange(k)
    return getitem(x, (Ellipsis, i, j), _raw=True)


def diag(input, diagonal=0):
    if input._data.ndim == 1:
        n = input._data.shape[0] + builtins.abs(diagonal)
        from .index import IndexPut
        z = _make(xp.zeros((n, n), input._data.dtype))
        i = xp.arange(input._data.shape[0])
        idx = (i, i + diagonal) if diagonal >= 0 else (i - diagonal, i)
        return IndexPut.apply(z, idx, input)
    return globals()["diagonal"](input, diagonal)


def cross(input, other, dim=None):
    from .shape import unbind, stack
    axis = -1 if dim is None else dim
    a1, a2, a3 = unbind(input, axis)
    b1, b2, b3 = unbind(other, axis)
    return stack([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], axis)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    # compute_mode picks PyTorch's algorithm (matmul expansion or direct differences); both give the distance,
    # numtorch always takes the direct differences (exact, no cancellation)
    from .shape import unsqueeze
    from .reduce import norm
    diffs = unsqueeze(x1, -2) - unsqueeze(x2, -3)
    return norm(diffs, p, dim=-1)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the rows (variables) over the columns (observations), with optional integer frequency
    weights and observation weights w: avg = sum(x w) / sum(w); cov = (x - avg) w (x - avg)^T / norm,
    norm = sum(w) - correction * (sum(w * aweights) / sum(w) if aweights else 1), clamped at 0."""
    x = input.reshape(1, -1) if input._data.ndim < 2 else input
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        nobs = x.shape[1]
        avg = x.mean(1, keepdim=True)
        norm = nobs - correction
    else:
        wsum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / wsum
        norm = clamp_min(wsum - (correction * (w * aweights).sum() / wsum if aweights is not None else correction), 0)
    if not isinstance(norm, Tensor):
        norm = builtins.max(norm, 0)
    xc = x - avg
    c = ((xc * w if w is not None else xc) @ xc.mT) / norm
    return c.squeeze()  # as PyTorch: one variable gives a 0-d result


def corrcoef(input):
    from .misc import clamp
    c = cov(input)
    if c._data.ndim == 0:  # a single variable: c / c (1, or nan for a constant)
        return c / c
    d = c.diagonal().sqrt()
    return clamp(c / d.unsqueeze(1) / d.unsqueeze(0), -1, 1)


def polar(abs, angle):
    raise NotImplementedError("complex tensors are not supported")
