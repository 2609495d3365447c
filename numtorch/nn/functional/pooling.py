"""Pooling: max/avg (1-D, 2-D), adaptive avg/max, lp pooling.

Max pooling with kernel == stride and no padding/dilation is a reshape
(N, C, Ho, k, Wo, k) and a max; the general case takes strided windows of the
(-inf)-padded input and an argmax.  The backward routes each output gradient to
the input position of its window's maximum (the first one on ties, as PyTorch);
that routing and its adjoint are two Functions so double backward works.

Average pooling sums one strided slice per kernel offset (a loop over kernel
positions only) and divides by PyTorch's divisor (count_include_pad,
ceil_mode, divisor_override); its backward is the adjoint, the same loop.
1-D pooling runs as 2-D pooling over a height-1 image.

3-D pooling is separable (a max / sum over a box is one over (h, w) windows, then one over
depth windows; PyTorch's divisors are products of per-axis ones), so it runs as the 2-D pooling
over N*D images followed by a 2-D pooling with a (kd, 1) kernel over the (D, Ho*Wo) image (no
transposes); the max's flat indices d*H*W + h*W + w are composed from the two stages' indices.  Gradients of every order come
from the two stages.
"""
import math

from ..._backend import xp
from ..._cpu import chunks, parallel_threads, run_parallel
from ...autograd.function import Function
from ..._tensor import Tensor, _make
from ... import _ops as ops
from ._no_complex import refuse as _refuse

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool1d_with_indices", "lp_pool1d", "lp_pool2d",
           "max_unpool1d", "max_unpool2d", "max_pool3d", "max_pool3d_with_indices", "avg_pool3d",
           "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "max_unpool3d", "lp_pool3d"]

_as_strided = xp.lib.stride_tricks.as_strided


def _tup(v, n, default=None):
    if v is None:
        return default
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * n
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _out_len(L, k, s, p, d, ceil_mode):
    """PyTorch's pooling output length (ceil_mode drops a window starting inside the right padding)."""
    num = L + 2 * p - d * (k - 1) - 1
    o = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= L + p:
        o -= 1
    return o


class _Routing:
    """Where each output element of a max pool came from: flat index into each (n, c) plane of the input."""

    __slots__ = ("idx", "in_shape", "unique")

    def __init__(self, idx, in_shape, unique):
        self.idx, self.in_shape, self.unique = idx, in_shape, unique

    def scatter(self, g):
        N, C = self.in_shape[:2]
        HW = int(math.prod(self.in_shape[2:]))
        gi = g.reshape(N, C, -1)
        ii = self.idx.reshape(N, C, -1)
        if self.unique:
            out = xp.zeros((N, C, HW), g.dtype)
            xp.put_along_axis(out, ii, gi, axis=2)
        else:
            # overlapping windows may pick the same element: sum with one bincount
            base = (xp.arange(N * C, dtype=xp.int64) * HW).reshape(N, C, 1)
            out = xp.bincount((ii + base).ravel(), weights=gi.ravel(), minlength=N * C * HW).astype(g.dtype)
        return out.reshape(self.in_shape)

    def gather(self, gg):
        N, C = self.in_shape[:2]
        r = xp.take_along_axis(gg.reshape(N, C, -1), self.idx.reshape(N, C, -1), axis=2)
        return r.reshape(self.idx.shape)


class _BlockRouting:
    """kernel == stride max pool: one boolean mask per kernel offset marking the block's (first) maximum."""

    __slots__ = ("masks", "in_shape", "k", "ho", "wo")

    def __init__(self, masks, in_shape, k, ho, wo):
        self.masks, self.in_shape, self.k, self.ho, self.wo = masks, in_shape, k, ho, wo

    def scatter(self, g):
        N, C, H, W = self.in_shape
        kh, kw = self.k
        Ho, Wo = self.ho, self.wo
        exact = H == Ho * kh and W == Wo * kw
        out = (xp.empty if exact else xp.zeros)((N, C, H, W), g.dtype)

        def job(lo, hi):
            for (i, j), m in self.masks:
                xp.multiply(g[lo:hi], m[lo:hi], out=out[lo:hi, :, i:Ho * kh:kh, j:Wo * kw:kw])
        run_parallel(job, chunks(N, parallel_threads(N, 10 * out.size)))
        return out

    def gather(self, gg):
        kh, kw = self.k
        Ho, Wo = self.ho, self.wo
        out = None
        for (i, j), m in self.masks:
            sel = gg[:, :, i:Ho * kh:kh, j:Wo * kw:kw] * m
            out = sel if out is None else out + sel
        return out


def _repeat_last(z, k):
    """z repeated k times along its last axis (each element k times in a row)."""
    if k == 2 and z.dtype.itemsize == 4 and z.flags.c_contiguous:
        # a pair of equal 32-bit words is one 64-bit multiply away: (w, w) = w * (2^32 + 1)
        u = z.view(xp.uint32).astype(xp.uint64)
        u *= xp.uint64(0x100000001)
        return u.view(z.dtype)
    return xp.repeat(z, k, axis=-1)


class _RowRouting:
    """kernel == stride max pool without ties: per kernel row i, a mask over the block rows marking maxima.

    Rows of the input are contiguous, so the comparisons and the scatter run on whole rows (SIMD) against
    the output repeated kw times along the row, instead of on kh*kw stride-kw sub-grids.
    """

    __slots__ = ("eqs", "in_shape", "k", "ho", "wo")

    def __init__(self, eqs, in_shape, k, ho, wo):
        self.eqs, self.in_shape, self.k, self.ho, self.wo = eqs, in_shape, k, ho, wo

    def scatter(self, g):
        N, C, H, W = self.in_shape
        kh, kw = self.k
        Ho, Wo = self.ho, self.wo
        out = (xp.empty if H == Ho * kh and W == Wo * kw else xp.zeros)((N, C, H, W), g.dtype)

        def job(lo, hi):
            ug = _repeat_last(xp.ascontiguousarray(g[lo:hi]), kw)
            for i, eq in enumerate(self.eqs):
                xp.multiply(ug, eq[lo:hi], out=out[lo:hi, :, i:Ho * kh:kh, :Wo * kw])
        run_parallel(job, chunks(N, parallel_threads(N, 10 * out.size)))
        return out

    def gather(self, gg):
        kh, kw = self.k
        Ho, Wo = self.ho, self.wo
        tot = None
        for i, eq in enumerate(self.eqs):
            sel = gg[:, :, i:Ho * kh:kh, :Wo * kw] * eq
            tot = sel if tot is None else tot + sel
        return tot.reshape(tot.shape[:3] + (Wo, kw)).sum(-1)


def _row_routing(a, out, k, Ho, Wo):
    """_RowRouting for a tie-free pooling (every block's maximum unique, no NaN), else None."""
    kh, kw = k
    N = a.shape[0]
    eqs = [xp.empty(out.shape[:3] + (Wo * kw,), bool) for _ in range(kh)]

    def job(lo, hi):
        uo = _repeat_last(out[lo:hi], kw)
        for i, eq in enumerate(eqs):
            xp.equal(a[lo:hi, :, i:Ho * kh:kh, :Wo * kw], uo, out=eq[lo:hi])
    run_parallel(job, chunks(N, parallel_threads(N, 10 * a.size)))
    # one hit per block exactly: no ties (which PyTorch gives to the first offset) and no NaN (NaN != NaN)
    if sum(int(xp.count_nonzero(eq)) for eq in eqs) != out.size:
        return None
    return _RowRouting(eqs, a.shape, k, Ho, Wo)


class _RouteScatter(Function):
    """input gradient of max pooling: each output grad goes to its argmax"""
    _builtin = True
    node_name = "MaxPool2DWithIndicesBackwardBackward0"

    @staticmethod
    def forward(ctx, g, r):
        ctx.r = r
        return r.scatter(g._data)

    @staticmethod
    def backward(ctx, gg):
        return _RouteGather.apply(gg, ctx.r), None


class _RouteGather(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, gg, r):
        ctx.r = r
        return r.gather(gg._data)

    @staticmethod
    def backward(ctx, g):
        return _RouteScatter.apply(g, ctx.r), None


def _argmax_last_nan(win):
    """argmax over the last axis; a window holding NaN picks its last NaN, as PyTorch's max pooling"""
    am = win.argmax(-1)
    if win.dtype.kind in "fV":
        nanw = xp.isnan(win)
        anyn = nanw.any(-1)
        if anyn.any():
            last = win.shape[-1] - 1 - nanw[..., ::-1].argmax(-1)
            am = xp.where(anyn, last, am)
    return am


# the overlapping (or padded) max pooling's fast path; tests/nn/test_pool_window_max.py sets it False to run the
# reference (strided windows and argmax) and pins the two together
_fast_windows = [True]


def _routing(am, geom):
    """_Routing from each window's argmax ``am`` (offset i * kw + j in the window)."""
    N, C, H, W, k, s, p, d, Ho, Wo = geom
    ki, kj = am // k[1], am % k[1]
    hh = xp.arange(Ho).reshape(Ho, 1) * s[0] - p[0] + ki * d[0]
    ww = xp.arange(Wo).reshape(1, Wo) * s[1] - p[1] + kj * d[1]
    overlap = s[0] < (k[0] - 1) * d[0] + 1 or s[1] < (k[1] - 1) * d[1] + 1
    return _Routing(hh * W + ww, (N, C, H, W), not overlap)


def _window_views(padded, k, s, d, Ho, Wo):
    """One strided (N, C, Ho, Wo) view of ``padded`` per kernel offset, in the window's row-major order."""
    return [padded[:, :, i * d[0]:i * d[0] + (Ho - 1) * s[0] + 1:s[0], j * d[1]:j * d[1] + (Wo - 1) * s[1] + 1:s[1]]
            for i in range(k[0]) for j in range(k[1])]


def _window_max(views):
    """max over the windows: maximum(new, acc) keeps acc on equality (the earliest offset, as PyTorch's
    ``val > max``: -0 before +0 stays -0) and propagates NaN."""
    out = xp.maximum(views[1], views[0]) if len(views) > 1 else views[0].copy()
    for v in views[2:]:
        xp.maximum(v, out, out=out)
    return out


def _window_argmax(views, out):
    """``_argmax_last_nan`` of the windows, from their maximum ``out``: the first offset equal to it; a window
    holding NaN (its maximum is NaN) its last NaN."""
    am = xp.zeros(out.shape, xp.intp)
    free = xp.ones(out.shape, bool)
    hit = xp.empty(out.shape, bool)
    for o, v in enumerate(views):
        xp.equal(v, out, out=hit)
        hit &= free
        if o:
            xp.copyto(am, o, where=hit)
        free ^= hit
    nan = xp.isnan(out)
    if nan.any():
        for o in range(len(views) - 1, -1, -1):
            h = nan & xp.isnan(views[o])
            xp.copyto(am, o, where=h)
            nan &= ~h
    return am


def _first_equal(views, ref):
    """uint8 index of the first view equal to ``ref`` (each position has one: ``ref`` is one of them): the number
    of leading views that differ, summed from byte masks (one float comparison per view but the last)"""
    ne = xp.not_equal(views[0], ref)
    idx = ne.view(xp.uint8).copy()
    if len(views) > 2:
        hit = xp.empty_like(ne)
        for v in views[1:-1]:
            xp.not_equal(v, ref, out=hit)
            ne &= hit
            idx += ne.view(xp.uint8)
    return idx


def _sep_views(a, k, s, d, n, axis):
    """The k strided views of ``a`` along ``axis`` (2 or 3) that a window offset along that axis reads."""
    sl = [slice(None)] * 4
    out = []
    for t in range(k):
        sl[axis] = slice(t * d, t * d + (n - 1) * s + 1, s)
        out.append(a[tuple(sl)])
    return out


class _SepRouting:
    """Max pooling's routing held separably (NaN-free windows): ``RJ`` (N, C, Hn, Wo) the first column offset of
    each row segment's maximum, ``I`` (N, C, Ho, Wo) the first row offset whose row maximum is the window's.
    The row-major first maximum of a window is row I's first maximum, so this is PyTorch's tie rule, and the
    scatter is two separable passes of k strided adds instead of a scatter over flat indices."""

    __slots__ = ("I", "RJ", "in_shape", "pshape", "geom")

    def __init__(self, I, RJ, in_shape, pshape, geom):
        self.I, self.RJ, self.in_shape, self.pshape, self.geom = I, RJ, in_shape, pshape, geom

    def scatter(self, g):
        N, C, H, W = self.in_shape
        k, s, p, d, Ho, Wo, Hn = self.geom
        Wp = self.pshape[3]
        gx = xp.zeros((N, C, H, W), g.dtype)
        r1 = min(Hn, p[0] + H)          # padded rows [p0, r1) are input rows (rows past Hn are in no window)

        def job(lo, hi):
            gR = xp.zeros((hi - lo, C, Hn, Wo), g.dtype)
            I, RJ = self.I[lo:hi], self.RJ[lo:hi]
            for i, v in enumerate(_sep_views(gR, k[0], s[0], d[0], Ho, 2)):
                v += xp.multiply(g[lo:hi], I == i)
            # along the row: offset j lands on padded column wo*s + j*d, i.e. in phase (j*d) % s at index
            # wo + (j*d) // s; each phase accumulates contiguously, then its input columns are written strided
            # into the (unpadded) gradient once
            acc = {}
            for j in range(k[1]):
                sh, q = divmod(j * d[1], s[1])
                if q not in acc:
                    acc[q] = xp.zeros((hi - lo, C, Hn, len(range(q, Wp, s[1]))), g.dtype)
                acc[q][..., sh:sh + Wo] += xp.multiply(gR, RJ == j)
            for q, a in acc.items():
                c0 = (q - p[1]) % s[1]          # the first input column in this phase
                cols = range(c0, W, s[1])
                if len(cols):
                    m0 = (c0 + p[1] - q) // s[1]
                    gx[lo:hi, :, :r1 - p[0], c0::s[1]] = a[:, :, p[0]:r1, m0:m0 + len(cols)]
        run_parallel(job, chunks(N, parallel_threads(N, 10 * gx.size)))
        return gx

    def gather(self, gg):
        N, C, H, W = self.in_shape
        k, s, p, d, Ho, Wo, Hn = self.geom
        gp = xp.zeros((N,) + self.pshape[1:], gg.dtype)
        gp[:, :, p[0]:p[0] + H, p[1]:p[1] + W] = gg
        gR = sum(xp.where(self.RJ == j, v, 0) for j, v in enumerate(_sep_views(gp[:, :, :Hn], k[1], s[1], d[1], Wo, 3)))
        return sum(xp.where(self.I == i, v, 0) for i, v in enumerate(_sep_views(gR, k[0], s[0], d[0], Ho, 2)))


def _sep_max(padded, k, s, d, Ho, Wo, Hn, keep_rows):
    """Max over the windows separably: per padded row the max over the kw column offsets (R, (N, C, Hn, Wo)),
    then the max of R over the kh row offsets; 2(k-1) passes instead of k*k-1.  ``maximum(new, acc)`` keeps the
    earlier value on equality (-0 before +0, as PyTorch), NaN propagates.  Returns (out, R or None)."""
    N, C = padded.shape[:2]
    out = xp.empty((N, C, Ho, Wo), padded.dtype)
    R = xp.empty((N, C, Hn, Wo), padded.dtype) if keep_rows else None

    def job(lo, hi):
        r = _window_max(_sep_views(padded[lo:hi, :, :Hn], k[1], s[1], d[1], Wo, 3))
        if R is not None:
            R[lo:hi] = r
        o = out[lo:hi]
        vs = _sep_views(r, k[0], s[0], d[0], Ho, 2)
        xp.copyto(o, vs[0])
        for v in vs[1:]:
            xp.maximum(v, o, out=o)
    run_parallel(job, chunks(N, parallel_threads(N, 10 * padded.size)))
    return out, R


def _sep_routing(padded, R, out, geom, in_shape):
    """_SepRouting from the padded input, its row maxima R and the pooled maxima (NaN-free), batch pieces in
    parallel"""
    k, s, p, d, Ho, Wo, Hn = geom
    N = padded.shape[0]
    I = xp.empty(out.shape, xp.uint8)
    RJ = xp.empty(R.shape, xp.uint8)

    def job(lo, hi):
        RJ[lo:hi] = _first_equal(_sep_views(padded[lo:hi, :, :Hn], k[1], s[1], d[1], Wo, 3), R[lo:hi])
        I[lo:hi] = _first_equal(_sep_views(R[lo:hi], k[0], s[0], d[0], Ho, 2), out[lo:hi])
    run_parallel(job, chunks(N, parallel_threads(N, 10 * padded.size)))
    return _SepRouting(I, RJ, in_shape, padded.shape, geom)


class _MaxPool(Function):
    _builtin = True
    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, k, s, p, d, ceil_mode, want_idx, nd):
        a = x._data
        if nd == 1:
            a = a.reshape(a.shape[:-1] + (1, a.shape[-1]))
        N, C, H, W = a.shape
        Ho = _out_len(H, k[0], s[0], p[0], d[0], ceil_mode)
        Wo = _out_len(W, k[1], s[1], p[1], d[1], ceil_mode)
        if Ho <= 0 or Wo <= 0:
            raise RuntimeError(f"Given input size: ({C}x{H}x{W}). Calculated output size: ({C}x{Ho}x{Wo}). "
                               f"Output size is too small")
        if k == s and p == (0, 0) and d == (1, 1) and Ho * k[0] <= H and Wo * k[1] <= W and not want_idx:
            # non-overlapping blocks: a reshape and one max reduction
            # non-overlapping blocks: elementwise maximum of the k*k strided sub-grids (NaN propagates)
            kh, kw = k
            out = xp.empty((N, C, Ho, Wo), a.dtype)

            def job(lo, hi):
                # rows first (contiguous, SIMD), then the kw strided columns of the half-reduced rows
                rows = a[lo:hi, :, 0:Ho * kh:kh, :Wo * kw]
                if kh > 1:
                    rows = xp.maximum(rows, a[lo:hi, :, 1:Ho * kh:kh, :Wo * kw])
                    for i in range(2, kh):
                        xp.maximum(rows, a[lo:hi, :, i:Ho * kh:kh, :Wo * kw], out=rows)
                o = out[lo:hi]
                if kw == 1:
                    xp.copyto(o, rows)
                else:
                    xp.maximum(rows[..., 0::kw], rows[..., 1::kw], out=o)
                    for j in range(2, kw):
                        xp.maximum(o, rows[..., j::kw], out=o)
            # batch pieces on concurrent threads when numtorch.get_num_threads() > 1 (ufuncs drop the GIL)
            run_parallel(job, chunks(N, parallel_threads(N, 10 * a.size)))
            ctx.lazy = (x, out, (N, C, H, W), k, Ho, Wo)
            ctx.r = None
        else:
            ph, pw = p
            Hn = (Ho - 1) * s[0] + d[0] * (k[0] - 1) + 1
            Wn = (Wo - 1) * s[1] + d[1] * (k[1] - 1) + 1
            fill = -xp.inf if a.dtype.kind in "fV" else xp.iinfo(a.dtype).min
            padded = xp.empty((N, C, max(Hn, H + ph), max(Wn, W + pw)), a.dtype)

            def pad_job(lo, hi):
                pv = padded[lo:hi]
                pv.fill(fill)
                pv[:, :, ph:ph + H, pw:pw + W] = a[lo:hi]
            # batch pieces on concurrent threads (get_num_threads() > 1): two passes over the largest map
            run_parallel(pad_job, chunks(N, parallel_threads(N, 10 * padded.size)))
            geom = (N, C, H, W, k, s, p, d, Ho, Wo)
            ctx.lazy = None
            if _fast_windows[0] and (a.dtype == xp.float32 or a.dtype == xp.float64):
                # the maximum as k*k elementwise passes over strided views; the argmax (only a backward or
                # return_indices needs it) from the maximum, later
                if want_idx:
                    views = _window_views(padded, k, s, d, Ho, Wo)
                    out = _window_max(views)
                    ctx.r = _routing(_window_argmax(views, out), geom)
                else:
                    # separable maxima; the row maxima are kept for a backward (argmax found from them, lazily)
                    rec = bool(ctx.needs_input_grad and ctx.needs_input_grad[0])
                    out, R = _sep_max(padded, k, s, d, Ho, Wo, Hn, rec)
                    ctx.r, ctx.lazy_win = None, ((padded, out, geom, R) if rec else None)
            else:
                st = padded.strides
                win = _as_strided(padded, (N, C, Ho, Wo, k[0], k[1]),
                                  (st[0], st[1], st[2] * s[0], st[3] * s[1], st[2] * d[0], st[3] * d[1]),
                                  writeable=False).reshape(N, C, Ho, Wo, k[0] * k[1])
                am = _argmax_last_nan(win)
                out = xp.take_along_axis(win, am[..., None], -1)[..., 0]
                ctx.r = _routing(am, geom)
        ctx.nd, ctx.shape = nd, x._data.shape
        out = xp.ascontiguousarray(out)
        if nd == 1:
            out = out.reshape(out.shape[:2] + out.shape[3:])
        if want_idx:
            idx = ctx.r.idx
            if nd == 1:
                idx = idx.reshape(idx.shape[:2] + idx.shape[3:])
            return out, idx.astype(xp.int64)
        return out

    @staticmethod
    def backward(ctx, g, gi=None):
        r = ctx.r
        if r is None and getattr(ctx, "lazy_win", None) is not None:
            padded, out, geom, R = ctx.lazy_win
            ctx.lazy_win = None
            N, C, H, W, k, s, p, d, Ho, Wo = geom
            if xp.isnan(out).any():   # a NaN window routes to its last NaN: the windows' argmax
                r = _routing(_window_argmax(_window_views(padded, k, s, d, Ho, Wo), out), geom)
            else:
                r = _sep_routing(padded, R, out, (k, s, p, d, Ho, Wo, R.shape[2]), (N, C, H, W))
            ctx.r = r
        if r is None:
            x, out, shape4, k, Ho, Wo = ctx.lazy
            ctx.lazy = None
            a = x._data.reshape(shape4)
            r = ctx.r = _row_routing(a, out, k, Ho, Wo)
        if r is None:
            # the winner of each block is the first offset equal to the max (PyTorch's tie rule)
            nan = xp.isnan(out) if a.dtype.kind in "fV" else None
            if nan is not None and not nan.any():
                nan = None
            masks = [((i, j), xp.empty(out.shape, bool)) for i in range(k[0]) for j in range(k[1])]

            def job(lo, hi):
                taken = None
                ob = out[lo:hi]
                for (i, j), m in masks:
                    hit = m[lo:hi]
                    xp.equal(a[lo:hi, :, i:Ho * k[0]:k[0], j:Wo * k[1]:k[1]], ob, out=hit)
                    if taken is None:
                        taken = hit.copy()
                    else:
                        hit &= ~taken
                        taken |= hit
            N = shape4[0]
            run_parallel(job, chunks(N, parallel_threads(N, 10 * a.size)))
            if nan is not None:
                # a NaN window routes to its LAST NaN (PyTorch: `val > max || isnan(val)` keeps updating)
                taken = xp.zeros(out.shape, bool)
                for (i, j), hit in reversed(masks):
                    h = nan & xp.isnan(a[:, :, i:Ho * k[0]:k[0], j:Wo * k[1]:k[1]]) & ~taken
                    taken |= h
                    hit |= h
            r = ctx.r = _BlockRouting(masks, shape4, k, Ho, Wo)
        g4 = g.reshape(r.in_shape[:2] + (-1, g.shape[-1])) if ctx.nd == 1 else g
        gx = _RouteScatter.apply(g4, r)
        if ctx.nd == 1:
            gx = gx.reshape(ctx.shape)
        return gx, None, None, None, None, None, None, None


def _check_pool(k, s, p, d, nd, name):
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{name}: kernel_size must be greater than zero, but got {k}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"{name}: stride must be greater than zero, but got {s}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{name}: dilation must be greater than zero, but got {d}")
    if any(pp > kk // 2 for pp, kk in zip(p, k)):
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, but got pad={p[0] if nd == 1 else p}, "
                           f"kernel_size={k[-1] if nd == 1 else k} and dilation={d[-1] if nd == 1 else d}")


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, name):
    k = _tup(kernel_size, nd)
    s = _tup(stride, nd) if stride is not None and (not isinstance(stride, (list, tuple)) or len(stride)) else k
    p = _tup(padding, nd)
    d = _tup(dilation, nd)
    _check_pool(k, s, p, d, nd, name)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but got {list(input.shape)}")
    if input.dtype.is_complex:
        from ...autograd.grad_mode import state
        # PyTorch's 1-D inference path (no indices, nothing to record) has its own kernel name
        one_d = nd == 1 and not return_indices and not (state.enabled and input.requires_grad)
        _refuse("max_pool1d_impl" if one_d else "max_pool2d", input)
    batched = input.ndim == nd + 2
    if not batched:
        input = input.unsqueeze(0)
    if nd == 1:
        k, s, p, d = (1,) + k, (1,) + s, (0,) + p, (1,) + d
    res = _MaxPool.apply(input, k, s, p, d, bool(ceil_mode), bool(return_indices), nd)
    if return_indices:
        out, idx = res
        return (out, idx) if batched else (out.squeeze(0), idx.squeeze(0))
    return res if batched else res.squeeze(0)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """y[n,c,l] = max_k x_pad[n, c, l*s + k*d]"""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """y[n,c,h,w] = max_{i,j} x_pad[n, c, h*sh + i*dh, w*sw + j*dw] (padding is -inf)"""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# --------------------------------------------------------------------------- average pooling
class _AvgGeom:
    __slots__ = ("k", "s", "p", "Ho", "Wo", "div", "shape")


def _avg_sum(a, g):
    """sum over each window of the zero-padded input, one strided slice per kernel offset"""
    N, C, H, W = a.shape
    (kh, kw), (sh, sw), (ph, pw) = g.k, g.s, g.p
    Ho, Wo = g.Ho, g.Wo
    Hn = max((Ho - 1) * sh + kh, H + 2 * ph)
    Wn = max((Wo - 1) * sw + kw, W + 2 * pw)
    if ph or pw or Hn != H or Wn != W:
        padded = xp.zeros((N, C, Hn, Wn), a.dtype)
        padded[:, :, ph:ph + H, pw:pw + W] = a
    else:
        padded = a
    if g.k == g.s and Ho * kh == Hn and Wo * kw == Wn:
        return padded.reshape(N, C, Ho, kh, Wo, kw).sum(axis=(3, 5), dtype=a.dtype)
    out = xp.zeros((N, C, Ho, Wo), a.dtype)
    for i in range(kh):
        for j in range(kw):
            out += padded[:, :, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw]
    return out


def _avg_sum_t(go, g):
    """adjoint of _avg_sum: spread each window's value back over the window"""
    N, C, H, W = g.shape
    (kh, kw), (sh, sw), (ph, pw) = g.k, g.s, g.p
    Ho, Wo = g.Ho, g.Wo
    Hn = max((Ho - 1) * sh + kh, H + 2 * ph)
    Wn = max((Wo - 1) * sw + kw, W + 2 * pw)
    padded = xp.zeros((N, C, Hn, Wn), go.dtype)
    for i in range(kh):
        for j in range(kw):
            padded[:, :, i:i + sh * (Ho - 1) + 1:sh, j:j + sw * (Wo - 1) + 1:sw] += go
    return xp.ascontiguousarray(padded[:, :, ph:ph + H, pw:pw + W])


class _AvgPool(Function):
    _builtin = True
    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, g):
        ctx.g = g
        a = x._data.reshape(g.shape)
        out = _avg_sum(a, g)
        out /= g.div
        return out.reshape(x._data.shape[:-1 if len(x._data.shape) == 3 else -2] + (
            (g.Wo,) if len(x._data.shape) == 3 else (g.Ho, g.Wo)))

    @staticmethod
    def backward(ctx, go):
        return _AvgPoolT.apply(go, ctx.g), None


class _AvgPoolT(Function):
    _builtin = True
    node_name = "AvgPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, go, g):
        ctx.g = g
        N, C, H, W = g.shape
        gd = go._data.reshape(N, C, g.Ho, g.Wo) / g.div
        out = _avg_sum_t(gd.astype(go._data.dtype, copy=False), g)
        return out.reshape(go._data.shape[:2] + ((W,) if go._data.ndim == 3 else (H, W)))

    @staticmethod
    def backward(ctx, gg):
        return _AvgPool.apply(gg, ctx.g), None


def _avg_divisor(L, k, s, p, O, count_include_pad):
    start = xp.arange(O) * s - p
    end = xp.minimum(start + k, L + p)
    incl = end - start
    cs, ce = xp.maximum(start, 0), xp.minimum(end, L)
    return incl if count_include_pad else (ce - cs)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd, name):
    k = _tup(kernel_size, nd)
    s = _tup(stride, nd) if stride is not None and (not isinstance(stride, (list, tuple)) or len(stride)) else k
    p = _tup(padding, nd)
    if any(pp > kk // 2 for pp, kk in zip(p, k)):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[-1]}, "
                           f"kernel_size={k[-1]} and dilation=1" if nd == 1 else
                           "pad should be smaller than or equal to half of kernel size")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D input, but got {list(input.shape)}")
    if input.dtype.is_complex:
        _refuse('avg_pool2d', input)
    batched = input.ndim == nd + 2
    if not batched:
        input = input.unsqueeze(0)
    if nd == 1:
        k, s, p = (1,) + k, (1,) + s, (0,) + p
    N, C = input.shape[:2]
    H, W = (1, input.shape[2]) if nd == 1 else tuple(input.shape[2:])
    g = _AvgGeom()
    g.k, g.s, g.p, g.shape = k, s, p, (N, C, H, W)
    g.Ho = _out_len(H, k[0], s[0], p[0], 1, ceil_mode)
    g.Wo = _out_len(W, k[1], s[1], p[1], 1, ceil_mode)
    if g.Ho <= 0 or g.Wo <= 0:
        raise RuntimeError(f"Given input size: ({C}x{H}x{W}). Calculated output size: ({C}x{g.Ho}x{g.Wo}). "
                           f"Output size is too small")
    if divisor_override:
        div = xp.asarray(float(divisor_override))
    else:
        dh = _avg_divisor(H, k[0], s[0], p[0], g.Ho, count_include_pad)
        dw = _avg_divisor(W, k[1], s[1], p[1], g.Wo, count_include_pad)
        div = (dh.reshape(-1, 1) * dw.reshape(1, -1))
    g.div = div.astype(input._data.dtype)
    out = _AvgPool.apply(input, g)
    return out if batched else out.squeeze(0)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """y[n,c,l] = mean of the window (divisor: window size, padding counted if count_include_pad)"""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """y[n,c,h,w] = sum of the window / divisor (window size, or divisor_override)"""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2,
                     "avg_pool2d")


# --------------------------------------------------------------------------- adaptive pooling
def _bins(L, O):
    """PyTorch's adaptive bins: start = floor(i*L/O), end = ceil((i+1)*L/O)"""
    i = xp.arange(O)
    return (i * L) // O, -((-(i + 1) * L) // O)


def _avg_matrix(L, O, dtype):
    st, en = _bins(L, O)
    pos = xp.arange(L)
    m = ((pos >= st[:, None]) & (pos < en[:, None])).astype(dtype)
    return m / (en - st)[:, None].astype(dtype)


def _adaptive_avg(input, output_size, nd):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"adaptive_avg_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    if input.dtype.is_complex:
        _refuse('adaptive_avg_pool2d', input)
    sizes = input.shape[-nd:]
    os_ = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    os_ = tuple(sizes[i] if o is None else int(o) for i, o in enumerate(os_))
    if len(os_) != nd:
        raise ValueError(f"adaptive_avg_pool{nd}d: output_size must be {nd}")
    dt = input._data.dtype
    if all(o == 1 for o in os_):
        return input.mean(dim=tuple(range(-nd, 0)), keepdim=True)
    # separable averaging: y = P_h x P_w^T, each P a (out, in) bin-averaging matrix
    out = ops.matmul(input, _make(_avg_matrix(sizes[-1], os_[-1], dt).T.copy()))
    if nd == 2:
        out = ops.matmul(_make(_avg_matrix(sizes[0], os_[0], dt)), out)
    return out


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg(input, output_size, 1)


def adaptive_avg_pool2d(input, output_size):
    """y[.., i, j] = mean of x over rows floor(i*H/Ho)..ceil((i+1)*H/Ho) and the same for columns"""
    return _adaptive_avg(input, output_size, 2)


class _AdaptiveMax(Function):
    _builtin = True
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, os_, nd):
        a = x._data
        shape4 = a.shape[:2] + ((1,) + a.shape[2:] if nd == 1 else a.shape[2:])
        a = a.reshape(shape4)
        N, C, H, W = shape4
        Ho, Wo = os_
        hs, he = _bins(H, Ho)
        ws, we = _bins(W, Wo)
        kh, kw = int((he - hs).max()), int((we - ws).max())
        # window index tables, short windows padded by repeating their first element (never changes a max)
        hi = hs[:, None] + xp.arange(kh)[None, :]
        hi = xp.where(hi < he[:, None], hi, hs[:, None])
        wi = ws[:, None] + xp.arange(kw)[None, :]
        wi = xp.where(wi < we[:, None], wi, ws[:, None])
        flat = (hi[:, None, :, None] * W + wi[None, :, None, :]).reshape(Ho, Wo, kh * kw)
        win = a.reshape(N, C, H * W)[:, :, flat]
        am = win.argmax(-1)
        out = xp.take_along_axis(win, am[..., None], -1)[..., 0]
        idx = xp.take_along_axis(xp.broadcast_to(flat, (N, C) + flat.shape), am[..., None], -1)[..., 0]
        ctx.r = _Routing(idx, shape4, False)
        ctx.nd, ctx.shape = nd, x._data.shape
        if nd == 1:
            out, idx = out.reshape(N, C, Wo), idx.reshape(N, C, Wo)
        return out, idx.astype(xp.int64)

    @staticmethod
    def backward(ctx, g, gi=None):
        g4 = g.reshape(ctx.r.idx.shape) if ctx.nd == 1 else g
        gx = _RouteScatter.apply(g4, ctx.r)
        return (gx.reshape(ctx.shape) if ctx.nd == 1 else gx), None, None


def _adaptive_max(input, output_size, return_indices, nd):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"adaptive_max_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    if input.dtype.is_complex:
        _refuse('adaptive_max_pool2d', input)
    batched = input.ndim == nd + 2
    if not batched:
        input = input.unsqueeze(0)
    sizes = input.shape[2:]
    os_ = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    os_ = tuple(sizes[i] if o is None else int(o) for i, o in enumerate(os_))
    out, idx = _AdaptiveMax.apply(input, ((1,) + os_) if nd == 1 else os_, nd)
    if not batched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """y[.., i, j] = max of x over PyTorch's adaptive bin (i, j)"""
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(input, output_size, True, 1)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return _adaptive_max(input, output_size, True, 2)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over window of x^p)^(1/p), computed as (avg * k)^(1/p) as PyTorch"""
    k = _tup(kernel_size, 1)[0]
    out = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(k).pow(1.0 / norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    kh, kw = _tup(kernel_size, 2)
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def _max_unpool(input, indices, out_spatial):
    if input.dtype.is_complex:
        _refuse("max_unpool%dd" % max(len(out_spatial), 2), input)
    N, C = input.shape[:2] if input.ndim > len(out_spatial) + 1 else (1, input.shape[0])
    flat = int(math.prod(out_spatial))
    x = input.reshape(N, C, -1)
    from ... import _creation
    z = _creation.zeros(N, C, flat, dtype=input.dtype)
    out = ops.scatter(z, 2, indices.reshape(N, C, -1), x)
    return out.reshape(tuple(input.shape[:-len(out_spatial)]) + tuple(out_spatial))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _tup(kernel_size, 1)
    s = _tup(stride, 1) if stride is not None else k
    p = _tup(padding, 1)
    L = (input.shape[-1] - 1) * s[0] - 2 * p[0] + k[0] if output_size is None else tuple(output_size)[-1]
    return _max_unpool(input, indices, (L,))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    k = _tup(kernel_size, 2)
    s = _tup(stride, 2) if stride is not None else k
    p = _tup(padding, 2)
    if output_size is None:
        sz = tuple((input.shape[-2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(2))
    else:
        sz = tuple(output_size)[-2:]
    return _max_unpool(input, indices, sz)


# --------------------------------------------------------------------------- 3-D pooling (separable)
def _pool3_args(input, kernel_size, stride, padding, dilation, name):
    k = _tup(kernel_size, 3)
    s = _tup(stride, 3) if stride is not None and (not isinstance(stride, (list, tuple)) or len(stride)) else k
    p = _tup(padding, 3)
    d = _tup(dilation, 3)
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{name}: kernel_size must be greater than zero, but got {k}")
    if any(pp > (dd * (kk - 1) + 1) // 2 for pp, kk, dd in zip(p, k, d)):
        i = next(i for i in range(3) if p[i] > (d[i] * (k[i] - 1) + 1) // 2)
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                           f"kernel_size={k[i]} and dilation={d[i]}")
    # an empty batch is allowed; an empty channel or spatial dim is not
    if input.ndim not in (4, 5) or any(v == 0 for v in input.shape[input.ndim - 4:]):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    return k, s, p, d


def _compose_indices(i_plane, i_depth, HW_out, H, W):
    """flat (d, h, w) indices.  i_depth: the depth stage's flat index d*HW_out + p into its (D, Ho*Wo) image;
    i_plane (N, C, D, Ho*Wo): the plane stage's h*W + w at every depth."""
    d = i_depth // HW_out
    return d * (H * W) + ops.gather(i_plane, 2, d)


def _named(t, node):
    from ._loss._common import _named_as
    return _named_as(t, node)


def _check_out3(C, D, H, W, Do, Ho, Wo):
    if Do <= 0 or Ho <= 0 or Wo <= 0:
        raise RuntimeError(f"Given input size: ({C}x{D}x{H}x{W}). Calculated output size: ({C}x{Do}x{Ho}x{Wo}). "
                           f"Output size is too small")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """y[n,c,d,h,w] = max over the (dilated) window at (d*sd - pd, h*sh - ph, w*sw - pw) (padding is -inf)"""
    k, s, p, d = _pool3_args(input, kernel_size, stride, padding, dilation, "max_pool3d")
    if input.dtype.is_complex:
        _refuse('max_pool3d', input)
    batched = input.ndim == 5
    x = input if batched else input.unsqueeze(0)
    N, C, D, H, W = x.shape
    Do = _out_len(D, k[0], s[0], p[0], d[0], ceil_mode)
    Ho = _out_len(H, k[1], s[1], p[1], d[1], ceil_mode)
    Wo = _out_len(W, k[2], s[2], p[2], d[2], ceil_mode)
    _check_out3(C, D, H, W, Do, Ho, Wo)
    r1 = max_pool2d(x.reshape(N, C * D, H, W), k[1:], s[1:], p[1:], d[1:], ceil_mode, return_indices)
    y1 = r1[0] if return_indices else r1
    r2 = max_pool2d(y1.reshape(N, C, D, Ho * Wo), (k[0], 1), (s[0], 1), (p[0], 0), (d[0], 1), ceil_mode,
                    return_indices)
    out = (r2[0] if return_indices else r2).reshape(N, C, Do, Ho, Wo)
    if not batched:
        out = out.squeeze(0)
    out = _named(out, "MaxPool3DWithIndicesBackward0")
    if return_indices:
        idx = _compose_indices(r1[1].reshape(N, C, D, Ho * Wo), r2[1], Ho * Wo, H, W).reshape(N, C, Do, Ho, Wo)
        return out, (idx if batched else idx.squeeze(0))
    return out


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """y[n,c,d,h,w] = sum of the window / divisor (window volume, or divisor_override)"""
    k, s, p, _ = _pool3_args(input, kernel_size, stride, padding, 1, "avg_pool3d")
    if input.dtype.is_complex:
        _refuse('avg_pool3d_out_frame', input)
    batched = input.ndim == 5
    x = input if batched else input.unsqueeze(0)
    N, C, D, H, W = x.shape
    Do = _out_len(D, k[0], s[0], p[0], 1, ceil_mode)
    Ho = _out_len(H, k[1], s[1], p[1], 1, ceil_mode)
    Wo = _out_len(W, k[2], s[2], p[2], 1, ceil_mode)
    _check_out3(C, D, H, W, Do, Ho, Wo)
    ov = 1 if divisor_override else None       # with an override both stages only sum
    y1 = avg_pool2d(x.reshape(N, C * D, H, W), k[1:], s[1:], p[1:], ceil_mode, count_include_pad, ov)
    y2 = avg_pool2d(y1.reshape(N, C, D, Ho * Wo), (k[0], 1), (s[0], 1), (p[0], 0), ceil_mode, count_include_pad,
                    ov)
    out = y2.reshape(N, C, Do, Ho, Wo)
    if divisor_override:
        out = out / float(divisor_override)
    return _named(out if batched else out.squeeze(0), "AvgPool3DBackward0")


def _adaptive3_sizes(input, output_size, name):
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{name}(): Expected 4D or 5D tensor, but got{':' if 'max' in name else ''} "
                           f"{list(input.shape)}")
    sizes = tuple(input.shape[-3:])
    os_ = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 3
    if len(os_) != 3:
        raise ValueError(f"{name}: internal error: output_size.size() must be 3")
    return tuple(sizes[i] if o is None else int(o) for i, o in enumerate(os_))


def adaptive_avg_pool3d(input, output_size):
    """y[.., i, j, l] = mean of x over PyTorch's adaptive bin (i, j, l): separable bin-averaging matrices"""
    os_ = _adaptive3_sizes(input, output_size, "adaptive_avg_pool3d")
    if input.dtype.is_complex:
        _refuse('adaptive_avg_pool3d_cpu', input)
    if all(o == 1 for o in os_):
        return input.mean(dim=(-3, -2, -1), keepdim=True)
    lead = tuple(input.shape[:-3])
    D, H, W = input.shape[-3:]
    M = 1
    for v in lead:
        M *= v
    y = adaptive_avg_pool2d(input.reshape((M, D, H, W)), os_[1:])           # (M, D, Ho, Wo)
    P = _make(_avg_matrix(D, os_[0], input._data.dtype))
    y = ops.matmul(P, y.reshape(M, D, os_[1] * os_[2]))                      # (M, Do, Ho*Wo)
    return _named(y.reshape(lead + os_), "AdaptiveAvgPool3DBackward0")


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """y[.., i, j, l] = max of x over PyTorch's adaptive bin (i, j, l)"""
    os_ = _adaptive3_sizes(input, output_size, "adaptive_max_pool3d")
    if input.dtype.is_complex:
        _refuse('adaptive_max_pool3d_cpu', input)
    batched = input.ndim == 5
    x = input if batched else input.unsqueeze(0)
    N, C, D, H, W = x.shape
    Do, Ho, Wo = os_
    y1, i1 = adaptive_max_pool2d(x.reshape(N, C * D, H, W), os_[1:], True)
    y2, i2 = adaptive_max_pool2d(y1.reshape(N, C, D, Ho * Wo), (Do, Ho * Wo), True)
    out = y2.reshape(N, C, Do, Ho, Wo)
    if not batched:
        out = out.squeeze(0)
    out = _named(out, "AdaptiveMaxPool3DBackward0")
    if return_indices:
        idx = _compose_indices(i1.reshape(N, C, D, Ho * Wo), i2, Ho * Wo, H, W).reshape(N, C, Do, Ho, Wo)
        return out, (idx if batched else idx.squeeze(0))
    return out


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool3d(input, output_size, True)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d: x scattered to the flat positions in ``indices``, zeros elsewhere"""
    k = _tup(kernel_size, 3)
    s = _tup(stride, 3) if stride is not None else k
    p = _tup(padding, 3)
    if output_size is None:
        sz = tuple((input.shape[-3 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(3))
    else:
        sz = tuple(output_size)[-3:]
    return _named(_max_unpool(input, indices, sz), "MaxUnpool3DBackward0")


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over the window of x^p)^(1/p), computed as (avg * volume)^(1/p) as PyTorch"""
    kd, kh, kw = _tup(kernel_size, 3)
    out = avg_pool3d(input.pow(norm_type), (kd, kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kd * kh * kw).pow(1.0 / norm_type)
