"""batch_norm as one differentiable node (PyTorch's NativeBatchNormBackward0) instead of about ten.

Per channel c over the M = N * (spatial size) values of x (NCHW-like, channel dim 1):

    training:  mean = sum(x) / M,  var = sum((x - mean)^2) / M           (biased; two passes, no float64)
    eval:      mean, var = running_mean, running_var
    y = (x - mean) * invstd * w + b,   invstd = 1 / sqrt(var + eps)

    backward (training): dx = (w * invstd / M) * (M g - sum(g) - xhat * sum(g * xhat))
    backward (eval):     dx = g * w * invstd
    dw = sum(g * xhat),  db = sum(g),  xhat = (x - mean) * invstd

Every per-channel sum is two BLAS matrix-vector products over the (N, C, L) view (L the spatial size):
(N, C, L) @ 1_L, then 1_N @ (N, C); OpenBLAS's several accumulators make them at least as accurate as a plain
float32 loop (PyTorch's CPU kernel accumulates in float32 too).  The forward keeps x - mean for the array
backward; with create_graph the same formulas run as tensor ops, so higher derivatives work.
"""
import sys as _sys

from ..._backend import xp
from ..._cpu import chunks, parallel_threads, run_parallel
from ..._tensor import _make
from ...autograd.function import Function
from ...autograd.grad_mode import state as _gs

from ._layer_norm import _ones   # cached ones vectors: BLAS row/column sums


def _view3(d):
    """(N, C, ...) -> (N, C, L), a view where possible"""
    N, C = d.shape[:2]
    return d.reshape(N, C, -1)


def channel_sums(a3):
    """per-channel sums of an (N, C, L) array, shape (C,)"""
    N, C, L = a3.shape
    dt = a3.dtype
    rows = a3.reshape(N, C) if L == 1 else a3 @ _ones(L, dt)          # (N, C)
    return _ones(N, dt) @ rows


def _update_running(running, stat, momentum):
    """running <- (1 - momentum) * running + momentum * stat (an array), in place, no graph"""
    if running is None:
        return
    r = running._data
    s = stat.reshape(r.shape).astype(r.dtype, copy=False)
    r *= (1.0 - momentum)
    r += momentum * s
    running._vc[0] += 1


def usable(x, w, b, rm, rv):
    """True when the fused node applies: float32/float64 data, stats and affine of the same dtype, non-empty."""
    d = x._data
    dt = d.dtype
    if (dt != xp.float32 and dt != xp.float64) or d.size == 0:
        return False
    tr = _sys.modules.get("numtorch.jit._trace")
    if tr is not None and tr._state["tracing"]:   # jit.trace / onnx.export record the composition's ops
        return False
    for t in (w, b, rm, rv):
        if t is not None and t._data.dtype != dt:
            return False
    return True


class BatchNormFn(Function):
    _builtin = True
    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, rm, rv, training, momentum, eps):
        d = x._data
        x3 = _view3(d)
        N, C, L = x3.shape
        M = N * L
        dt = d.dtype
        wd = None if w is None else w._data.reshape(C)
        bd = None if b is None else b._data.reshape(C)
        needs = bool(ctx.needs_input_grad)
        y = xp.empty((N, C, L), dt)
        invstd = xp.empty(C, dt)
        if training:
            inv_m = dt.type(1.0 / M)
            mean = xp.empty(C, dt)
            var = xp.empty(C, dt)
            xc = xp.empty((N, C, L), dt)

            def job(lo, hi):
                xs, c, yv = x3[:, lo:hi], xc[:, lo:hi], y[:, lo:hi]
                m = channel_sums(xs)
                m *= inv_m
                xp.subtract(xs, m[:, None], out=c)
                xp.square(c, out=yv)
                v = channel_sums(yv)
                v *= inv_m
                mean[lo:hi], var[lo:hi] = m, v
                inv = xp.sqrt(v + dt.type(eps))
                xp.reciprocal(inv, out=inv)
                invstd[lo:hi] = inv
                xp.multiply(c, (inv * wd[lo:hi] if wd is not None else inv)[:, None], out=yv)
                if bd is not None:
                    yv += bd[lo:hi, None]
            _by_channels(job, C, d.size)
            if rm is not None or rv is not None:
                # the unbiased variance goes into the running estimate, as PyTorch's
                _update_running(rm, mean, momentum)
                _update_running(rv, var * (M / (M - 1)), momentum)
            if needs:
                ctx.save_for_backward(x, w, b)
                ctx.xc = xc
        else:
            mean = rm._data.reshape(C).copy()
            xp.sqrt(rv._data.reshape(C) + dt.type(eps), out=invstd)
            xp.reciprocal(invstd, out=invstd)
            scale = invstd * wd if wd is not None else invstd
            shift = -mean * scale
            if bd is not None:
                shift += bd

            def job(lo, hi):
                # one affine: y = x * scale + shift
                yv = y[:, lo:hi]
                xp.multiply(x3[:, lo:hi], scale[lo:hi, None], out=yv)
                yv += shift[lo:hi, None]
            _by_channels(job, C, d.size)
            if needs:
                ctx.save_for_backward(x, w, b)
                ctx.xc = None
        if needs:
            ctx.mean, ctx.invstd, ctx.training, ctx.eps = mean, invstd, training, eps
        return y.reshape(d.shape)

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad[:3]
        if _gs.enabled or g._data.dtype != x._data.dtype:
            return _graph_backward(ctx, g, x, w, b, nx, nw, nb) + (None,) * 5
        gd = g._data
        shape = gd.shape
        g3 = _view3(gd)
        N, C, L = g3.shape
        M = N * L
        dt = gd.dtype
        invstd = ctx.invstd
        xc = ctx.xc
        if xc is None and (nw and w is not None):
            xc = _view3(x._data) - ctx.mean[:, None]
        want_g = nb or (nx and ctx.training)
        want_gxc = (nw and w is not None) or (nx and ctx.training)
        sum_g = xp.empty(C, dt) if want_g else None
        sum_gxc = xp.empty(C, dt) if want_gxc else None
        out = xp.empty((N, C, L), dt) if nx else None
        a = None
        if nx:
            a = invstd * w._data.reshape(C) if w is not None else invstd
        inv_m = dt.type(1.0 / M)

        def job(lo, hi):
            gs = g3[:, lo:hi]
            P = None
            if want_g:
                sum_g[lo:hi] = channel_sums(gs)
            if want_gxc:
                P = gs * xc[:, lo:hi]
                sum_gxc[lo:hi] = channel_sums(P)
            if nx:
                o = out[:, lo:hi]
                al = a[lo:hi]
                xp.multiply(gs, al[:, None], out=o)
                if ctx.training:
                    iv = invstd[lo:hi]
                    k = sum_gxc[lo:hi] * (iv * iv) * inv_m * al        # xc coefficient
                    c = sum_g[lo:hi] * inv_m * al                       # constant term
                    xp.multiply(xc[:, lo:hi], k[:, None], out=P)
                    P += c[:, None]
                    o -= P
        _by_channels(job, C, gd.size)
        dx = dw = db = None
        if nw and w is not None:
            dw = _make((sum_gxc * invstd).reshape(w._data.shape))
        if nb and b is not None:
            db = _make(sum_g.reshape(b._data.shape))
        if nx:
            dx = _make(out.reshape(shape))
        return dx, dw, db, None, None, None, None, None


def _by_channels(job, C, size):
    """job(lo, hi) over channel ranges: every per-channel statistic and elementwise pass is independent across
    channels, so with numtorch.get_num_threads() > 1 the ranges run on concurrent threads (NumPy's ufuncs and
    BLAS release the GIL), as PyTorch spreads its batch-norm kernels over its threads."""
    # work ~ 32 x size: a forward or backward makes 4-6 passes over the data; resnet18's smallest batch norm
    # (16x512x7x7, ~1 ms) is still worth two pieces (a thread handoff costs 40-70 us)
    run_parallel(job, chunks(C, parallel_threads(C, 32 * size)))


def _graph_backward(ctx, g, x, w, b, nx, nw, nb):
    """The same gradients as tensor operations (create_graph: differentiable again)."""
    nd = x.ndim
    C = x.shape[1]
    axes = (0,) + tuple(range(2, nd))
    shape = (1, C) + (1,) * (nd - 2)
    dx = dw = db = None
    if ctx.training:
        xc = x - x.mean(axes, keepdim=True)
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        xhat = xc * invstd
        if nx:
            gw = g * w.reshape(shape) if w is not None else g
            dx = (gw - gw.mean(axes, keepdim=True) - xhat * (gw * xhat).mean(axes, keepdim=True)) * invstd
    else:
        invstd = _make(ctx.invstd.reshape(shape))
        xhat = (x - _make(ctx.mean.reshape(shape))) * invstd
        if nx:
            dx = g * (invstd * w.reshape(shape) if w is not None else invstd)
    if nw and w is not None:
        dw = (g * xhat).sum(axes).reshape(w.shape)
    if nb and b is not None:
        db = g.sum(axes).reshape(b.shape)
    return dx, dw, db
