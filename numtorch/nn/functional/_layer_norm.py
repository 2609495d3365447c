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


def _lead_sum(a, k):
    """Sum over every dim but the last k (to a weight's shape)."""
    lead = a.ndim - k
    return a.sum(axis=tuple(range(lead))) if lead else a


class LayerNormFn(Function):
    _builtin = True
    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        d = x._data
        axes = tuple(range(d.ndim - k, d.ndim))
        xc = d - d.mean(axis=axes, keepdims=True)
        var = xp.mean(xp.square(xc), axis=axes, keepdims=True)
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

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad[:3]
        k = ctx.k
        if _gs.enabled:
            return _graph_backward(ctx, g, x, w, b, nx, nw, nb)
        gd, xhat, rstd = g._data, ctx.xhat, ctx.rstd
        axes = tuple(range(gd.ndim - k, gd.ndim))
        dx = dw = db = None
        if nx:
            gw = gd * w._data if w is not None else gd.copy()
            m2 = xp.mean(gw * xhat, axis=axes, keepdims=True)
            gw -= gw.mean(axis=axes, keepdims=True)
            t = xhat * m2
            gw -= t
            gw *= rstd
            dx = _make(gw)
        if nw and w is not None:
            dw = _make(_lead_sum(gd * xhat, k))
        if nb and b is not None:
            db = _make(_lead_sum(gd, k))
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
