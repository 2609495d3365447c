"""layer_norm as one differentiable node (PyTorch's NativeLayerNormBackward0) instead of a dozen.

    y = (x - mean) * rstd * w + b,  rstd = 1 / sqrt(var + eps)   (mean, biased var over the normalized dims)
    dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)),  gw = g * w;  dw = sum(g * xhat),  db = sum(g)

The forward keeps xhat and rstd for the array backward; with create_graph the same formulas run as tensor
ops on a recomputed xhat, so higher derivatives work.
"""
from ..._backend import xp
from ..._tensor import _make
from ...autograd.function import Function
from ...autograd.grad_mode import state as _gs


_sum = xp.add.reduce


def _count(shape, k):
    n = 1
    for s in shape[len(shape) - k:]:
        n *= s
    return n


def _lead_sum(a, k):
    """Sum over every dim but the last k (to a weight's shape)."""
    lead = a.ndim - k
    return a.sum(axis=tuple(range(lead))) if lead else a


def rows_forward(d, wd, bd, n, eps):
    """(y, xhat, rstd) for a float32/64 array ``d`` normalized over its last ``n`` elements (``wd``/``bd`` arrays
    of n elements or None). LayerNormFn's forward, and ``layer_norm``'s when nothing is recorded."""
    # rows of n normalized elements: the row sums as BLAS matrix-vector products (several times faster
    # than NumPy's reduction along a short last axis)
    d2 = d.reshape(-1, n)
    ones = _ones(n, d.dtype)
    inv_n = d.dtype.type(1.0 / n)
    mean = d2 @ ones
    mean *= inv_n
    xc = d2 - mean[:, None]
    sq = xp.square(xc)
    var = sq @ ones
    var *= inv_n
    var += var.dtype.type(eps)
    rstd = xp.sqrt(var, out=var)
    xp.reciprocal(rstd, out=rstd)
    xc *= rstd[:, None]                        # xhat
    if wd is not None:
        y = xp.multiply(xc, wd.reshape(n), out=sq)
        if bd is not None:
            y += bd.reshape(n)
    elif bd is not None:
        y = xp.add(xc, bd.reshape(n), out=sq)
    else:
        y = xc.copy()
    return y.reshape(d.shape), xc, rstd


class LayerNormFn(Function):
    _builtin = True
    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        d = x._data
        n = _count(d.shape, k)
        if n == 0 or d.size == 0 or (d.dtype != xp.float32 and d.dtype != xp.float64):
            return _forward_nd(ctx, x, w, b, k, eps)
        y, xc, rstd = rows_forward(d, None if w is None else w._data, None if b is None else b._data, n, eps)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, w, b)
            ctx.xhat, ctx.rstd, ctx.k, ctx.eps, ctx.rows = xc, rstd, k, eps, True
        return y

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad[:3]
        k = ctx.k
        if _gs.enabled:
            return _graph_backward(ctx, g, x, w, b, nx, nw, nb)
        if getattr(ctx, "rows", False) and g._data.dtype == ctx.xhat.dtype:
            return _rows_backward(ctx, g._data, w, b, nx, nw, nb)
        gd, xhat, rstd = g._data, ctx.xhat, ctx.rstd
        axes = tuple(range(gd.ndim - k, gd.ndim))
        dx = dw = db = None
        if nx:
            inv_n = gd.dtype.type(1.0 / max(_count(gd.shape, k), 1))
            gw = gd * w._data if w is not None else gd.copy()
            m2 = _sum(gw * xhat, axis=axes, keepdims=True)
            m2 *= inv_n
            m1 = _sum(gw, axis=axes, keepdims=True)
            m1 *= inv_n
            gw -= m1
            t = xhat * m2
            gw -= t
            gw *= rstd
            dx = _make(gw)
        if nw and w is not None:
            dw = _make(_lead_sum(gd * xhat, k))
        if nb and b is not None:
            db = _make(_lead_sum(gd, k))
        return dx, dw, db, None, None


_ones_cache = {}


def _ones(n, dtype):
    o = _ones_cache.get((n, dtype))
    if o is None:
        o = _ones_cache[(n, dtype)] = xp.ones(n, dtype)
    return o


def _forward_nd(ctx, x, w, b, k, eps):
    """The forward on the n-d array (empty inputs, half precision: NumPy's float16 products would also
    accumulate in float16)."""
    d = x._data
    axes = tuple(range(d.ndim - k, d.ndim))
    inv_n = d.dtype.type(1.0 / max(_count(d.shape, k), 1))
    mean = _sum(d, axis=axes, keepdims=True)
    mean *= inv_n
    xc = d - mean
    var = _sum(xp.square(xc), axis=axes, keepdims=True)
    var *= inv_n
    var += var.dtype.type(eps)
    rstd = xp.sqrt(var, out=var)
    xp.reciprocal(rstd, out=rstd)
    xc *= rstd                        # xhat
    if w is not None:
        y = xc * w._data
        if b is not None:
            y += b._data
    elif b is not None:
        y = xc + b._data
    else:
        y = xc.copy()
    if ctx.needs_input_grad:
        ctx.save_for_backward(x, w, b)
        ctx.xhat, ctx.rstd, ctx.k, ctx.eps = xc, rstd, k, eps
    return y


def _rows_backward(ctx, gd, w, b, nx, nw, nb):
    """The array backward on the forward's (rows, n) layout; every sum over rows or over a row is a BLAS
    matrix-vector product: with P = g * xhat, dw = 1^T P, db = 1^T g, mean(g w) = g w / n and
    mean(g w xhat) = P w / n (no g * w * xhat pass)."""
    xhat, rstd = ctx.xhat, ctx.rstd
    R, n = xhat.shape
    shape = gd.shape
    g2 = gd.reshape(R, n)
    dt = xhat.dtype
    wd = None if w is None else w._data.reshape(n)
    P = g2 * xhat if (nx or (nw and w is not None)) else None
    dx = dw = db = None
    if nw and w is not None:
        dw = _make((_ones(R, dt) @ P).reshape(w._data.shape))
    if nb and b is not None:
        db = _make((_ones(R, dt) @ g2).reshape(b._data.shape))
    if nx:
        inv_n = dt.type(1.0 / n)
        ones = _ones(n, dt)
        m1 = g2 @ (wd if wd is not None else ones)
        m2 = P @ (wd if wd is not None else ones)
        m1 *= inv_n
        m2 *= inv_n
        gw = g2 * wd if wd is not None else g2.copy()
        gw -= m1[:, None]
        xp.multiply(xhat, m2[:, None], out=P)
        gw -= P
        gw *= rstd[:, None]
        dx = _make(gw.reshape(shape))
    return dx, dw, db, None, None


def _graph_backward(ctx, g, x, w, b, nx, nw, nb):
    dims = tuple(range(-ctx.k, 0))
    xc = x - x.mean(dims, keepdim=True)
    rstd = ((xc * xc).mean(dims, keepdim=True) + ctx.eps).rsqrt()
    xhat = xc * rstd
    dx = dw = db = None
    if nx:
        gw = g * w if w is not None else g
        dx = (gw - gw.mean(dims, keepdim=True) - xhat * (gw * xhat).mean(dims, keepdim=True)) * rstd
    if nw and w is not None:
        dw = (g * xhat).sum_to_size(w.shape)
    if nb and b is not None:
        db = g.sum_to_size(b.shape)
    return dx, dw, db, None, None
