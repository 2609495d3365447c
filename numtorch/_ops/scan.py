"""Cumulative scans beyond cumsum/cumprod: cummax, cummin, logcumsumexp."""
from .._backend import xp
from ..autograd.function import Function
from .._tensor import _make
from ._util import wrap_dim, write_out


def _cum_extreme(name, ufunc, input, dim):
    from .index import gather
    from .. import return_types as R
    d = input._data
    if d.ndim == 0:
        if dim not in (-1, 0):
            raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
        return getattr(R, name)._from(input.clone(), _make(xp.zeros((), xp.int64)))
    if d.size == 0:   # PyTorch returns an empty result before it looks at dim
        return getattr(R, name)._from(input.clone(), _make(xp.zeros(d.shape, xp.int64)))
    axis = wrap_dim(dim, d.ndim)
    run = ufunc.accumulate(d, axis=axis) if d.dtype != bool else \
        (xp.logical_or if ufunc is xp.maximum else xp.logical_and).accumulate(d, axis=axis)
    shape = [1] * d.ndim
    shape[axis] = d.shape[axis]
    pos = xp.arange(d.shape[axis]).reshape(shape)
    # the index moves to every element that equals the running extreme (ties: the last one, as PyTorch),
    # and to every NaN (once a NaN is met the running value stays NaN and only later NaNs move it)
    hit = d == run
    if d.dtype.kind == "f":
        hit = hit | xp.isnan(d)
    idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=axis).astype(xp.int64)
    it = _make(idx)
    return getattr(R, name)._from(gather(input, axis, it), it)


def cummax(input, dim, *, out=None):
    """(values, indices): the running maximum along dim and where it was attained (last index on ties)."""
    r = _cum_extreme("cummax", xp.maximum, input, dim)
    return r if out is None else type(r)._from(write_out(r[0], out[0]), write_out(r[1], out[1]))


def cummin(input, dim, *, out=None):
    """(values, indices): the running minimum along dim and where it was attained (last index on ties)."""
    r = _cum_extreme("cummin", xp.minimum, input, dim)
    return r if out is None else type(r)._from(write_out(r[0], out[0]), write_out(r[1], out[1]))


class LogCumSumExp(Function):
    """y_i = log(sum_{j <= i} e^{x_j}), accumulated with logaddexp (exact for any spread of values).

    d y_j / d x_i = e^{x_i - y_j} for j >= i; the backward sums that over j in log space, the positive and
    the negative parts of the incoming gradient separately, so nothing overflows."""
    _builtin = True

    @staticmethod
    def forward(ctx, x, axis):
        d = x._data
        ctx.axis = axis
        ctx.save_for_backward(x)
        if d.dtype.kind == "c":
            from .complex import cx_logcumsumexp
            ctx.y = y = cx_logcumsumexp(d, axis) if d.ndim else d.copy()
            return y
        if d.dtype.kind not in "fV":
            d = d.astype(xp.float32)
        # accumulated in float64 for float32 input, as PyTorch's CPU kernel does (its accumulate type)
        acc = d.astype(xp.float64) if d.dtype.itemsize < 8 else d
        # + 0: the kernel's first step is logaddexp(-inf, x0), which turns -0 into +0
        y = (xp.logaddexp.accumulate(acc, axis=axis) + 0.0 if d.ndim else acc.copy()).astype(d.dtype)
        ctx.axis = axis
        ctx.save_for_backward(x)
        ctx.y = y
        return y

    @staticmethod
    def backward(ctx, g):
        from .pointwise_binary import where
        from .copies import flip
        from .._grad_mode import is_grad_enabled
        (x,) = ctx.saved_tensors
        # recomputed as an op when the backward itself is recorded (double backward needs d y / d x)
        y = logcumsumexp(x, ctx.axis) if is_grad_enabled() else _make(ctx.y)
        if x.dim() == 0:
            return g, None
        axis = ctx.axis
        if x._data.dtype.kind == "c":
            return _complex_grad(x, y, g, axis), None

        def rev_lcse(t):
            return flip(logcumsumexp(flip(t, [axis]), axis), [axis])
        lowest = float(xp.finfo(g._data.dtype).min)
        log_abs = g.abs().log()
        pos = rev_lcse(where(g > 0, log_abs, lowest) - y)
        neg = rev_lcse(where(g < 0, log_abs, lowest) - y)
        return (pos + x).exp() - (neg + x).exp(), None


def _complex_grad(x, y, g, axis):
    """sum_{j >= i} g_j e^{x_i - y_j} (the real formula: the engine conjugates it for complex inputs), as
    e^{x_i - c} * reverse-cumsum(g e^{c - y}) with c the largest real part of y along the axis, so that the
    exponentials stay in range for inputs of moderate spread."""
    from .copies import flip
    from .complex import real
    from .reduce import amax
    c = amax(real(y).detach(), axis, keepdim=True)
    return (x - c).exp() * flip(flip(g * (c - y).exp(), [axis]).cumsum(axis), [axis])


def logcumsumexp(input, dim, *, out=None):
    axis = wrap_dim(dim, input.dim())
    if not input.dtype.is_floating_point and not input.dtype.is_complex:
        from .._dtype import scalar_name
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{scalar_name(input._data.dtype)}'")
    axis = axis if input.dim() else 0
    return write_out(LogCumSumExp.apply(input, axis), out)


__all__ = ["cummax", "cummin", "logcumsumexp"]
