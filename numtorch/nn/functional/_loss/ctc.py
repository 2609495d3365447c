"""Connectionist temporal classification (CTC) loss."""
import math
import numbers
from typing import NamedTuple

from ...._backend import xp, errstate
from .... import _dtype as D, _ops as ops
from ...._tensor import Tensor, _make
from ....autograd.function import Function
from ....autograd.grad_mode import state as _gs
from .. import _reduction as _R
from .._no_complex import refuse as _refuse

__all__ = ["ctc_loss"]


def _lengths(x):
    """input_lengths / target_lengths given as a Tensor, a sequence or an int -> int64 array."""
    if isinstance(x, Tensor):
        return x._data.reshape(-1).astype(xp.int64)
    if isinstance(x, numbers.Integral):
        return xp.asarray([x], xp.int64)
    return xp.asarray(list(x), dtype=xp.int64).reshape(-1)


_NEG = -1e30   # "log 0" in the log-space recursions: finite, so no inf - inf and NumPy's fast exp path
_K = 16        # the scaled recursions are rescaled every _K steps: in between their mass grows at most 3^_K
_ZMIN = 1e-200  # scaled results are trusted while sum_s alpha beta' >= _ZMIN at every frame (see _ctc_scaled)
_SMIN = 1e-30   # ... and no rescaling divides by less than this


def _lse3(buf, out_add):
    """log(exp(buf[0]) + exp(buf[1]) + exp(buf[2])) + out_add for a (3, N, L) stack; buf is consumed."""
    m = xp.maximum(xp.maximum(buf[0], buf[1]), buf[2])
    buf -= m
    # terms 1e-43 below the largest change nothing; clamping them keeps exp off its slow underflow path
    xp.maximum(buf, -100.0, out=buf)
    xp.exp(buf, out=buf)
    s = buf[0] + buf[1]
    s += buf[2]
    xp.log(s, out=s)
    s += m
    s += out_add
    return s


def _ctc_ext(tgt, blank):
    """Extended targets l' = (blank, l1, blank, ..., lS, blank) (N, 2S + 1) and the s-2 skip mask: a skip
    lands on a non-blank label different from l'_{s-2}."""
    N, S = tgt.shape
    L = 2 * S + 1
    ext = xp.full((N, L), blank, xp.int64)
    ext[:, 1::2] = tgt
    skip = xp.zeros((N, L), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


class _ScaledState(NamedTuple):
    """What _ctc_scaled leaves for _ctc_scaled_grad."""
    A: object       # (T, 2 N W) alpha of the forward rows, beta' (after emission) of the reversed ones
    B: object       # (T, 2 N W) the same before the emission (B[t] * P[t] = A[t])
    src: object     # (T, N C + 1) float64 exp(lp - m), then a zero column
    m: float        # the shift: the largest log-prob
    tt: object      # (T, N) frame of the reversed problem per sample, None when every T_n = T
    shape: tuple    # (T, N, C, L, W): frames, batch, classes, extended length, row width (L + 2)
    lp: object      # the log-probs as given (float32 or float64)


class _LogState(NamedTuple):
    """What _ctc_log leaves for _ctc_log_grad (for the samples it ran on)."""
    lp: object          # (T, n, C) float64 log-probs
    em: object          # (T, n, L) log-probs of the extended labels, log 0 clamped to _NEG
    ext: object         # (n, L) extended targets
    skip_add: object    # (n, L) 0 where the s-2 skip is allowed, _NEG elsewhere
    inside: object      # (n, L) positions of each sample's own extended target
    alpha: object       # (T, n, L + 2) log alpha after two sentinel columns
    il: object
    tl: object
    nll: object         # (n,) inf where no alignment exists


def _ctc_scaled(lp_in, ext, skip, il, tl):
    """CTC in the probability domain with rescaling (Graves et al. 2006), alpha and beta in one loop.

    With P[t, n, s] = exp(lp[t, n, l'_s] - m) (m: the largest log-prob, so P <= 1), zero past l'_{2S_n}:
      alpha[t, s] = (alpha[t-1, s] + alpha[t-1, s-1] + skip_s alpha[t-1, s-2]) * P[t, s]
    in float64, rescaled by its sum every _K steps (log scales summed to c[t]); log p =
    log(alpha[T_n-1, 2S_n] + alpha[T_n-1, 2S_n-1]) + c[T_n-1] + T_n m. beta is the same recursion on each
    sample's time- and label-reversed problem (reversed extended targets, mirrored skips), run as more
    rows of the same loop; its values before the emission are beta'[t, s] (the paths after (t, s)).
    Layout: rows stored flat, each sample's L positions after two zero columns, so s-1 and s-2 are
    contiguous shifted views (zero emissions keep those columns zero). The reversed rows are the forward
    rows mirrored: flat index j there holds what forward index M + 1 - j holds (M: the flat length), so
    sample n's reversed row is row 2N - 1 - n and its emissions one reversed copy.
    Exactness: between rescalings alpha, beta' <= 2 * 3^(_K+1), so an underflow leaves an absolute error
    <= ~1e-299 / min(1, scale) in an entry, which moves p (and the gradient) by at most that times
    max(alpha, beta') / Z[t], Z[t] = sum_s alpha beta' = p up to the scales at t; p underflows only down,
    so the computed p bounds Z from below. A sample is kept (ok) when that bound is >= _ZMIN at each of
    its frames and its scales are >= _SMIN. Returns nll (N,), ok (N,) and the _ScaledState for the gradient.
    """
    T, N, C = lp_in.shape
    L = ext.shape[1]
    W = L + 2
    NW = N * W
    M = 2 * NW
    NC = N * C
    ar = xp.arange(N)
    top, lo = float(lp_in.max()), float(lp_in.min())
    m = top if top > _NEG else 0.0          # all -inf: P = 0, no alignment (the fallback says inf)
    src = xp.empty((T, NC + 1))             # float64 exp(lp - m), then a zero column
    with errstate(invalid="ignore", over="ignore", under="ignore"):
        if lp_in.dtype == xp.float32 and lo - m > -80.0:
            # float32 exp (vectorised, float64's is not): no underflow, error ~ the input's own rounding
            src[:, :NC] = xp.exp(lp_in - xp.float32(m)).reshape(T, NC)
        else:
            src[:, :NC] = xp.exp(lp_in.astype(xp.float64) - m).reshape(T, NC)
    src[:, NC] = 0.0
    uniform = bool((il == T).all())
    col = xp.full((N, W), NC)
    col[:, 2:] = xp.where(xp.arange(L)[None, :] <= 2 * tl[:, None], (ar * C)[:, None] + ext, NC)
    col = col.reshape(-1)
    P = xp.empty((T, M))
    xp.take(src, col, axis=1, out=P[:, :NW])
    if uniform:
        rev = P[::-1, :NW]
        tt = None
    else:       # frame t' of the reversed problem is frame T_n - 1 - t' (clipped: later ones are never read)
        tt = xp.maximum(il[None, :] - 1 - xp.arange(T)[:, None], 0)
        rsrc = xp.empty((T, NC + 1))
        rsrc[:, :NC] = src[:, :NC].reshape(T, N, C)[tt, ar[None, :]].reshape(T, NC)
        rsrc[:, NC] = 0.0
        rev = xp.take(rsrc, col, axis=1)
    P[:, NW:NW + 2] = 0.0
    P[:, NW + 2:] = rev[:, NW - 1:1:-1]
    sk = xp.zeros(M)
    skf = sk[:NW].reshape(N, W)
    skf[:, 2:] = skip
    sk[NW + 4:] = sk[NW - 1:3:-1]                  # reversed: s+2 -> s is allowed where the skip onto s+2 is
    pos = ar[tl > 0]
    A = xp.empty((T, M))
    B = xp.empty((T, M))                           # before the emission
    B[0] = 0.0
    B[0, xp.concatenate([ar * W + 2, pos * W + 3])] = 1.0          # blank or first label
    end = xp.concatenate([ar * W + 2 + 2 * tl, pos * W + 1 + 2 * tl[pos]])
    B[0, M + 1 - end] = 1.0                                         # reversed: last blank or last label
    xp.multiply(B[0], P[0], out=A[0])
    A[:, :2] = 0.0
    F0, F1, F2, P0, B0 = A[:, 2:], A[:, 1:-1], A[:, :-2], P[:, 2:], B[:, 2:]
    Av = A.reshape(T, 2 * N, W)
    scl = xp.ones((T, 2 * N, 1))
    tmp = xp.empty(M - 2)
    add, mul, div, red = xp.add, xp.multiply, xp.divide, xp.add.reduce
    with errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for t in range(1, T):
            b = B0[t]
            add(F0[t - 1], F1[t - 1], out=b)
            mul(F2[t - 1], sk[2:], out=tmp)
            add(b, tmp, out=b)
            mul(b, P0[t], out=F0[t])
            if t % _K == 0:
                a = Av[t]
                s = scl[t]
                red(a, axis=1, keepdims=True, out=s)
                xp.maximum(s, 1e-300, out=s)       # mass that died: 0, not 0/0 (nan would reach other rows)
                div(a, s, out=a)
        last = xp.maximum(il, 1) - 1
        eF = A[last, ar * W + 2 + 2 * tl] + A[last, ar * W + 1 + 2 * tl]   # column 1 is zero when S_n = 0
        sc = xp.log(scl[_K::_K, :, 0])             # (T // _K, 2N); reversed rows in reverse sample order
        cs = xp.zeros((T + 1, 2 * N))              # row t + 1: log scales summed over steps <= t
        cs[_K + 1::_K] = sc
        xp.cumsum(cs, axis=0, out=cs)
        cF, cR = cs[:, :N], cs[:, :N - 1:-1]
        lz = xp.log(eF) + cF[il, ar]
        # log Z[t] >= log p - T_n m - c_F[t] - c_R[T_n - 2 - t]: p less the scales of alpha[t] and beta'[t]
        zb = lz - cF[1:] - (cR[T - 1::-1] if uniform else cR[il[None, :] - 1 - xp.arange(T)[:, None], ar])
        small = sc < math.log(_SMIN)
    if not uniform:
        zb[xp.arange(T)[:, None] >= il[None, :]] = 0.0
        small &= xp.arange(_K, T, _K)[:, None] < xp.concatenate([il, il[::-1]])[None, :]
    ok = (zb.min(axis=0) >= math.log(_ZMIN)) & ~small[:, :N].any(axis=0) & ~small[:, :N - 1:-1].any(axis=0)
    ok &= il > 0
    nll = -(lz + m * il)
    return nll, ok, _ScaledState(A, B, src, m, tt, (T, N, C, L, W), lp_in)


def _ctc_scaled_grad(state, ext):
    """d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} alpha beta' / Z[t] from _ctc_scaled's state
    (meaningful for t < T_n; the caller masks the rest)."""
    A, B, src, m, tt = state.A, state.B, state.src, state.m, state.tt
    T, N, C, L, W = state.shape
    NW = N * W
    M = 2 * NW
    g = xp.empty((T, NW))                          # alpha beta' in the forward layout
    g[:, :2] = 0.0
    if tt is None:
        xp.multiply(A[:, 2:NW], B[::-1, M - 1:NW + 1:-1], out=g[:, 2:])
    else:
        i = xp.arange(2, NW)
        xp.multiply(A[:, 2:NW], B[tt[:, i // W], M + 1 - i], out=g[:, 2:])
    # class sums and Z[t] (the last column) as one batched matmul with a one-hot (N, W, C + 1)
    oh = xp.zeros((N, W, C + 1))
    oh[xp.arange(N)[:, None], xp.arange(2, W)[None, :], ext] = 1.0
    oh[:, 2:, C] = 1.0
    acc = xp.matmul(g.reshape(T, N, W).transpose(1, 0, 2), oh)     # (N, T, C + 1)
    with errstate(divide="ignore", invalid="ignore", over="ignore"):
        acc[:, :, :C] /= acc[:, :, C:]
        ex = src[:, :N * C].reshape(T, N, C) * math.exp(m) if m <= 0 else xp.exp(state.lp.astype(xp.float64))
    return ex - acc[:, :, :C].transpose(1, 0, 2)


def _ctc_log(lp, ext, skip, il, tl):
    """Log-space alpha of the samples the scaled recursion cannot take (float64, log 0 -> -1e30):
      alpha[t, s] = lp[t, l'_s] + logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if skip_s),
    nll = -logsumexp(alpha[T_n - 1, 2S_n], alpha[T_n - 1, 2S_n - 1]) (inf when no alignment exists).
    Returns nll and the _LogState _ctc_log_grad needs."""
    T, N, C = lp.shape
    L = ext.shape[1]
    ar = xp.arange(N)
    # emissions of every extended label at every time: (T, N, L), log 0 clamped to the sentinel
    em = xp.maximum(lp[:, ar[:, None], ext], _NEG)
    skip_add = xp.where(skip, 0.0, _NEG)
    inside = xp.arange(L)[None, :] < (2 * tl + 1)[:, None]     # positions of each sample's own l'
    alpha = xp.full((T, N, L + 2), _NEG)              # two sentinel columns in front: s-1, s-2 by slicing
    if T:
        a0 = xp.full((N, L), _NEG)
        a0[:, 0] = em[0, :, 0]
        if L > 1:
            a0[:, 1] = xp.where(tl > 0, em[0, :, 1], _NEG)
        alpha[0, :, 2:] = xp.where(inside, a0, _NEG)
    buf = xp.empty((3, N, L))
    for t in range(1, T):
        prev = alpha[t - 1]
        buf[0] = prev[:, 2:]
        buf[1] = prev[:, 1:-1]
        xp.add(prev[:, :-2], skip_add, out=buf[2])
        alpha[t, :, 2:] = _lse3(buf, em[t])
    last = alpha[xp.maximum(il - 1, 0), ar, 2:] if T else xp.full((N, L), _NEG)
    e1 = last[ar, 2 * tl]
    e2 = xp.where(tl > 0, last[ar, xp.maximum(2 * tl - 1, 0)], _NEG)
    nll = -xp.logaddexp(e1, e2)
    nll = xp.where(nll > -0.1 * _NEG, xp.inf, nll)      # sentinel-sized: no alignment exists
    return nll, _LogState(lp, em, ext, skip_add, inside, alpha, il, tl, nll)


def _ctc_log_grad(state):
    """d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} exp(alpha + beta - lp[t, c] + nll) with beta
    the same recursion backwards in time from each sample's last frame (alpha and beta both include
    lp[t, l'_s]); meaningful for t < T_n and finite nll (the caller masks the rest)."""
    lp, em, ext, skip_add, inside, alpha, il, tl, nll = state      # a _LogState
    T, N, C = lp.shape
    L = ext.shape[1]
    ar = xp.arange(N)
    # skip onto s+2 from s is allowed where the s+2 skip is allowed
    skip_next = xp.full((N, L), _NEG)
    skip_next[:, :-2] = skip_add[:, 2:]
    valid_t = xp.arange(T)[:, None] < il[None, :]
    # emissions masked to each sample's own frames and label positions: beta is log 0 elsewhere
    emm = xp.where(valid_t[:, :, None] & inside[None], em, _NEG)
    # beta at a sample's last frame: 0 (before its emission) at the last blank and last label
    start = xp.full((T, N, L), _NEG)
    has = il > 0
    start[il[has] - 1, ar[has], 2 * tl[has]] = 0.0
    two = has & (tl > 0)
    start[il[two] - 1, ar[two], 2 * tl[two] - 1] = 0.0
    beta = xp.full((T, N, L + 2), _NEG)   # two sentinel columns behind: s+1, s+2 by slicing
    buf = xp.empty((3, N, L))
    if T:
        beta[T - 1, :, :-2] = start[T - 1] + emm[T - 1]
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1]
        buf[0] = nxt[:, :-2]
        buf[1] = nxt[:, 1:-1]
        xp.add(nxt[:, 2:], skip_next, out=buf[2])
        r = _lse3(buf, 0.0)
        # a sample whose last frame is t has nothing after it (r ~ log 0): max() puts its start in
        xp.maximum(r, start[t], out=r)
        r += emm[t]
        beta[t, :, :-2] = r
    # alpha beta' / p = exp(alpha + beta - lp + nll) <= 1 per position: no overflow, underflow only if negligible
    fin = xp.where(xp.isinf(nll), 0.0, nll)
    e = alpha[:, :, 2:] + beta[:, :, :-2]                  # (T, N, L)
    e -= em
    e += fin[None, :, None]
    xp.exp(e, out=e)
    return xp.exp(lp) - _ctc_classes(e.transpose(1, 0, 2), ext, C).transpose(1, 0, 2)


def _ctc_classes(e, ext, C):
    """(N, T, L) per extended-label position -> (N, T, C) per class: sum over s with l'_s = c, as one
    batched matmul with a one-hot (N, L, C)."""
    N, L = ext.shape
    oh = xp.zeros((N, L, C))
    oh[xp.arange(N)[:, None], xp.arange(L)[None, :], ext] = 1.0
    return xp.matmul(e, oh)


class _CtcLoss(Function):
    """Connectionist temporal classification: per-sample -log p(target | log_probs).

    Over the extended targets l' = (blank, l1, blank, l2, ..., blank) (length 2S + 1), p sums all
    alignments: paths through l' that move 0, 1 or 2 (onto a non-blank label different from l'_{s-2})
    positions per frame. Computed in float64 by the scaled probability-domain recursions
    (_ctc_scaled, ~4 NumPy calls per frame for alpha and beta together); a sample whose scaled
    recursion may have lost precision to underflow (emissions hundreds of nats apart), or has no
    alignment, is recomputed by the log-space recursions (_ctc_log, _ctc_log_grad).
    Gradient (PyTorch's convention, which is the gradient through log_softmax's input when lp are
    log-probabilities): d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} gamma[t, s] for t < T_n,
    0 after; nan (as PyTorch) where lp = -inf, and for an infinite loss unless zero_infinity.
    The textbook recursion in plain Tensor ops: _ctc_loss_reference.
    """
    _builtin = True
    node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, log_probs, tgt, il, tl, blank, zero_infinity):
        lp_in = log_probs._data
        dt = lp_in.dtype
        T, N, C = lp_in.shape
        ext, skip = _ctc_ext(tgt, blank)
        if T and N:
            nll, ok, sst = _ctc_scaled(lp_in, ext, skip, il, tl)
        else:
            nll, ok, sst = xp.zeros(N), xp.zeros(N, bool), None
        # no frames: one (empty) alignment of an empty target, none otherwise
        zero = il == 0
        nll[zero] = xp.where(tl[zero] == 0, 0.0, xp.inf)
        redo = xp.flatnonzero(~ok & ~zero)
        st = None
        if redo.size:
            lp = lp_in.astype(xp.float64)
            nll[redo], st = _ctc_log(lp[:, redo], ext[redo], skip[redo], il[redo], tl[redo])
        ctx.save_for_backward(log_probs)
        ctx.ext, ctx.scaled, ctx.redo, ctx.logst = ext, sst, redo, st
        ctx.il, ctx.nll, ctx.zero_infinity = il, nll, zero_infinity
        out = nll
        if zero_infinity:
            out = xp.where(xp.isinf(nll), 0.0, nll)
        return out.astype(dt)

    @staticmethod
    def backward(ctx, g):
        redo, il, nll = ctx.redo, ctx.il, ctx.nll
        lpd = ctx.saved_tensors[0]._data
        T, N, C = lpd.shape
        dt = lpd.dtype
        grad = _ctc_scaled_grad(ctx.scaled, ctx.ext) if ctx.scaled is not None else xp.zeros((T, N, C))
        if redo.size:
            grad[:, redo] = _ctc_log_grad(ctx.logst)
        if lpd.size and lpd.min() == -xp.inf:     # exp(-inf) - 0 * exp(inf), as PyTorch: nan
            grad[xp.isneginf(lpd)] = xp.nan
        bad = xp.isinf(nll)
        if bad.any():
            grad[:, bad] = 0.0 if ctx.zero_infinity else xp.nan
        if not (il == T).all():
            grad[xp.arange(T)[:, None] >= il[None, :]] = 0.0
        if _gs.enabled:   # create_graph: a node that refuses double backward (as PyTorch) instead of
            G = _make(grad.astype(dt))                                                        # a silent 0
            return _CtcGradNode.apply(ctx.saved_tensors[0], g, G), None, None, None, None, None
        grad *= g._data.reshape(1, N, 1)
        return _make(grad.astype(dt)), None, None, None, None, None


class _CtcGradNode(Function):
    """d nll / d log_probs * g (the CTC gradient); its own derivative is not implemented, as in PyTorch."""
    _builtin = True
    node_name = "CtcLossBackwardBackward0"

    @staticmethod
    def forward(ctx, log_probs, g, G):
        return G._data * g._data.reshape(1, -1, 1)

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """CTC loss of (T, N, C) (or unbatched (T, C)) log-probabilities.

    ``targets``: padded (N, S) or all targets concatenated (sum(target_lengths),). 'mean' divides
    each sample's loss by its target length (at least 1), then averages over the batch; with
    ``zero_infinity`` impossible alignments (infinite loss) give 0 and a zero gradient.
    """
    reduction = _R.check(reduction)
    log_probs, tgt, il, tl, unbatched = _ctc_args(log_probs, targets, input_lengths, target_lengths, blank)
    if log_probs.dtype.is_complex:
        _refuse('ctc_loss_cpu', log_probs)
    return _ctc_reduce(_CtcLoss.apply(log_probs, tgt, il, tl, blank, zero_infinity), tl, reduction, unbatched)


def _ctc_args(log_probs, targets, input_lengths, target_lengths, blank):
    """PyTorch's checks of ctc_loss's arguments; returns (T, N, C) log_probs, padded targets (N, max S_n)
    (blank past each length), input and target lengths as int64 arrays, and whether the input was unbatched."""
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        if targets.dim() == 1:
            targets = targets.unsqueeze(0)
    if log_probs.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.dim()}-D")
    T, N, C = log_probs.shape
    il = _lengths(input_lengths)
    tl = _lengths(target_lengths)
    if not (0 <= blank < C):
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    if (il > T).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {int(il.max())} "
                           f"(while checking arguments for ctc_loss_allocate_outputs)")
    if (il < 0).any() or (tl < 0).any():
        raise RuntimeError("input_lengths and target_lengths must be non-negative")
    td = targets._data.astype(xp.int64)
    if targets.dim() == 2 and not unbatched or (unbatched and td.ndim == 2):
        S = td.shape[1]
        if tl.size and tl.max() > S:
            raise RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension 1, but got size "
                               f"{S} for argument #2 'targets' (while checking arguments for "
                               f"ctc_loss_allocate_outputs)")
        Smax = int(tl.max()) if tl.size else 0
        tgt = td[:, :Smax]
    else:
        flat = td.reshape(-1)
        if flat.shape[0] < tl.sum():
            raise RuntimeError(f"Expected tensor to have size at least {int(tl.sum())} at dimension 0, but got "
                               f"size {flat.shape[0]} for argument #2 'targets'")
        Smax = int(tl.max()) if tl.size else 0
        offs = xp.concatenate([[0], xp.cumsum(tl)[:-1]]).astype(xp.int64)
        idx = offs[:, None] + xp.arange(Smax)[None, :]
        ok = xp.arange(Smax)[None, :] < tl[:, None]
        tgt = xp.where(ok, flat[xp.where(ok, idx, 0)] if flat.size else 0, blank)
    # entries past a sample's length are never read; keep them in range for the gathers
    tgt = xp.where(xp.arange(tgt.shape[1])[None, :] < tl[:, None], tgt, blank).astype(xp.int64)
    if tgt.size and ((tgt < 0) | (tgt >= C)).any():
        raise RuntimeError("target index out of range")
    return log_probs, tgt, il, tl, unbatched


def _ctc_reduce(nll, tl, reduction, unbatched):
    """Per-sample losses (N,) reduced; 'mean' divides each by its target length (at least 1) first."""
    if unbatched:
        nll = nll.reshape(())
    if reduction == "mean":
        den = _make(xp.maximum(tl, 1).astype(nll._data.dtype))
        if unbatched:
            den = den.reshape(())
        return (nll / den).mean()
    return _R.apply_reduction(nll, reduction)


# --------------------------------------------------------------------------- plain reference
def _ctc_loss_reference(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
                        zero_infinity=False):
    """ctc_loss as Tensor ops (autograd gives its gradient): the textbook log-space forward recursion
    over the extended targets l' = (blank, l1, blank, ..., lS, blank), in float64,
      alpha[0, s] = lp[0, l'_s] for s < 2, log 0 elsewhere
      alpha[t, s] = lp[t, l'_s] + logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if skip_s)
      nll = -logsumexp(alpha[T_n - 1, 2 S_n], alpha[T_n - 1, 2 S_n - 1] if S_n > 0)
    (skip_s: l'_s is a label other than l'_{s-2}). log 0 is the finite _NEG, so an unreachable state
    passes a zero gradient rather than 0 * nan. A sample with no alignment (nll ~ -_NEG), or no frames
    and a non-empty target, has nll = inf (0 with zero_infinity) and no gradient.
    Autograd's d nll / d lp is -gamma; _CtcLoss returns PyTorch's exp(lp) - gamma for t < T_n, which is
    the same gradient once taken through log_softmax's input."""
    reduction = _R.check(reduction)
    log_probs, tgt, il, tl, unbatched = _ctc_args(log_probs, targets, input_lengths, target_lengths, blank)
    T, N, C = log_probs.shape
    ext, skip = _ctc_ext(tgt, blank)
    L = ext.shape[1]
    lp = log_probs.to(D.float64)
    ar = xp.arange(N)
    # the losses that are constants: no frames, or no alignment (known once alpha is computed)
    fixed = xp.where((il == 0) & (tl == 0), 0.0, 0.0 if zero_infinity else xp.inf)
    if T == 0:
        nll = lp.sum((0, 2)) * 0 + _make(fixed)      # every il is 0: constants, kept on lp's graph
    else:
        em = lp[:, ar[:, None], ext]                   # (T, N, L): lp[t, n, l'_s]
        log0 = _make(xp.full((N, 2), _NEG))
        skip_add = _make(xp.where(skip, 0.0, _NEG))
        alpha = ops.cat([em[0, :, :2], _make(xp.full((N, max(L - 2, 0)), _NEG))], 1)
        alphas = [alpha]
        for t in range(1, T):
            prev = ops.cat([log0, alpha], 1)           # two log-0 columns in front: s-1, s-2 by slicing
            alpha = em[t] + ops.logsumexp(ops.stack([prev[:, 2:], prev[:, 1:-1], prev[:, :-2] + skip_add]), 0)
            alphas.append(alpha)
        last = ops.stack(alphas)[xp.maximum(il - 1, 0), ar]                   # (N, L) at each T_n - 1
        e1 = last.gather(1, _make(2 * tl[:, None]))
        e2 = last.gather(1, _make(xp.maximum(2 * tl - 1, 0)[:, None])) + _make(xp.where(tl > 0, 0.0, _NEG)[:, None])
        nll = -ops.logsumexp(ops.cat([e1, e2], 1), 1)
        nll = ops.where(_make((il == 0) | (nll._data > -0.1 * _NEG)), _make(fixed), nll)
    return _ctc_reduce(nll.to(log_probs.dtype), tl, reduction, unbatched)
