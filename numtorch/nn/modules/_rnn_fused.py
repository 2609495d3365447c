"""Fused recurrent layers: one autograd node per layer and direction over the whole sequence.

``RNNBase.forward`` calls ``rnn_layer(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)``
once per layer and direction.  Its forward runs a NumPy loop over time and saves
the gate activations; its backward is a NumPy back-propagation-through-time loop.
Both do the input projection (forward: x W_ih^T for all T steps; backward:
dX and dW_ih, dW_hh) as single GEMMs outside the loop, so a step costs one small
GEMM and a handful of vectorized element-wise calls instead of ~15 graph nodes.

Equations (PyTorch's, gate order i,f,g,o for LSTM and r,z,n for GRU):

    LSTM: i,f,o = sigmoid(.), g = tanh(.);  c' = f*c + i*g;  h' = o*tanh(c')
    GRU:  r,z = sigmoid(.);  n = tanh(x W_in^T + b_in + r*(h W_hn^T + b_hn));  h' = (1-z)*n + z*h
    RNN:  h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)   (or relu)

Internally the LSTM weight rows are permuted to (o, i, f, g) so that the three
sigmoid gates are contiguous in the forward and the three gates scaled by dc are
contiguous in the backward; gradients are permuted back to PyTorch's order.  The
LSTM forward evaluates all four gates with one exp pass: sigmoid(z) = 1/(1 + e^-z) and
tanh(z) = 2/(1 + e^-2z) - 1, the factors -1 and -2 folded exactly into the weights
(absolute error of a gate within ~1 float32 ulp of 1, as PyTorch's own fused kernels).

Packed batches (``batch_sizes``): at step t only the first batch_sizes[t] rows are stepped
(sequences are sorted by decreasing length), the other rows keep their state; the same
loops with row slices, forward and backward.

Double backward (``create_graph=True``): PyTorch's CPU LSTM supports it, so this
does too.  When the backward runs with graph recording on, it returns the
first-order gradients through ``_RNNLayerGrad``, whose own backward differentiates
the composite (step-by-step tensor-op) formulation of the same layer.  Third and
higher orders raise a RuntimeError.
"""
from ..._backend import xp, errstate
from ..._cpu import mm
from ..._dtype import scalar_name
from ...autograd.function import Function
from ...autograd.grad_mode import state as _gs
from ... import _ops as ops
from ..._tensor import _make

_LSTM_PERM = [3, 0, 1, 2]  # our gate block k holds PyTorch's block _LSTM_PERM[k]: (o, i, f, g)


def _sigmoid_(a):
    """In-place logistic 1/(1+e^-a); e^-a overflowing to inf gives exactly 0 (errstate set by caller)."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)


def _perm_rows(w, nb):
    """Rows of a (4H, ...) LSTM weight/bias reordered block-wise to (o, i, f, g)."""
    h = w.shape[0] // nb
    return w.reshape((nb, h) + w.shape[1:])[_LSTM_PERM].reshape(w.shape)


def _unperm_rows(g, nb):
    out = xp.empty_like(g)
    h = g.shape[0] // nb
    out.reshape((nb, h) + g.shape[1:])[_LSTM_PERM] = g.reshape((nb, h) + g.shape[1:])
    return out


def _prev_states(seq, first, reverse, bs=None):
    """The state entering each time step: seq[t-1] (seq[t+1] when reversed), ``first`` at the start.

    Packed batches (``bs``: active rows per step, decreasing): a row is active at t-1 whenever it is at t,
    so the forward direction needs nothing more; reversed, a row whose sequence ends at t starts from ``first``.
    """
    out = xp.empty_like(seq)
    if reverse:
        out[:-1] = seq[1:]
        out[-1] = first
        if bs is not None:
            nxt = xp.append(bs[1:], 0)
            starts = xp.arange(seq.shape[1])[None, :] >= nxt[:, None]       # (T, N): row starts at step t
            out = xp.where(starts[..., None], first[None], out)
    else:
        out[1:] = seq[:-1]
        out[0] = first
    return out


def _steps(T, reverse, bs, N):
    """(t, active rows) in processing order; a packed batch has bs[t] active rows at step t."""
    order = range(T - 1, -1, -1) if reverse else range(T)
    if bs is None:
        return [(t, N) for t in order]
    return [(t, int(bs[t])) for t in order]


def _in_proj(X, Wih, bias):
    T, N, Ii = X.shape
    gi = mm(X.reshape(T * N, Ii), Wih.T)      # large: split over numtorch's threads
    if bias is not None:
        gi += bias
    return gi.reshape(T, N, -1)


def _new(shape, dtype, bs):
    # packed batches: rows outside a step's active set stay exactly zero (outputs are padding, gradients vanish)
    return xp.empty(shape, dtype) if bs is None else xp.zeros(shape, dtype)


# ------------------------------------------------------------------------------------------ LSTM
def _lstm_fwd(X, h0, c0, Wih, Whh, bih, bhh, reverse, bs=None):
    T, N, _ = X.shape
    H = Whh.shape[1]
    H3 = 3 * H
    Wih_p, Whh_p = _perm_rows(Wih, 4), _perm_rows(Whh, 4)
    # one exp over the whole gate row gives every gate: the rows of the sigmoid gates (o, i, f) are scaled
    # by -1 and those of g by -2 (exact: powers of two), so r = 1/(1 + e^z') is sigmoid(z) for o, i, f and
    # (1 + tanh(z))/2 for g; e^z' overflowing to inf gives exactly 0
    scale = xp.full((4 * H, 1), -1.0, X.dtype)
    scale[H3:] = -2.0
    bias = None if bih is None else _perm_rows(bih + bhh, 4) * scale[:, 0]
    A = _in_proj(X, Wih_p * scale, bias)     # becomes the gate activations (o, i, f, g) in place
    WhhT = xp.ascontiguousarray((Whh_p * scale).T)   # row-major B operand: the per-step GEMM runs faster
    Y = _new((T, N, H), X.dtype, bs)
    Cs = _new((T, N, H), X.dtype, bs)
    TC = _new((T, N, H), X.dtype, bs)
    tmp = xp.empty((N, 4 * H), X.dtype)
    ig = xp.empty((N, H), X.dtype)
    hb, cb = h0.copy(), c0.copy()          # the running states (rows of finished sequences keep their last)
    with errstate(over="ignore"):
        for t, n in _steps(T, reverse, bs, N):
            a = A[t, :n]
            tn = tmp[:n]
            h, c = hb[:n], cb[:n]
            xp.matmul(h, WhhT, out=tn)
            a += tn
            xp.exp(a, out=a)
            a += 1
            xp.reciprocal(a, out=a)
            g = a[:, H3:]
            g *= 2
            g -= 1
            ct = Cs[t, :n]
            ign = ig[:n]
            xp.multiply(a[:, 2 * H:H3], c, out=ct)   # f * c
            xp.multiply(a[:, H:2 * H], g, out=ign)   # i * g
            ct += ign
            tc = TC[t, :n]
            xp.tanh(ct, out=tc)
            yt = Y[t, :n]
            xp.multiply(a[:, :H], tc, out=yt)       # o * tanh(c)
            if bs is None:
                hb, cb = yt, ct                      # all rows step: the outputs are the states
            else:
                h[...] = yt
                c[...] = ct
    saved = (X, h0, c0, Wih_p, Whh_p, A, Cs, TC, _prev_states(Y, h0, reverse, bs), reverse, bs)
    return Y, hb.copy(), cb.copy(), saved


def _lstm_bwd(saved, dY, dhT, dcT, needs):
    X, h0, c0, Wih_p, Whh_p, A, Cs, TC, Hprev, reverse, bs = saved
    T, N, H = Hprev.shape
    o, i, f, g = A[..., :H], A[..., H:2 * H], A[..., 2 * H:3 * H], A[..., 3 * H:]
    Cprev = _prev_states(Cs, c0, reverse, bs)
    # the factors that do not depend on the recursion, for all steps at once:
    # dpre_o = dh * M_o, dpre_{i,f,g} = dc * M_{i,f,g}, dc += dh * K
    M = xp.empty_like(A)
    xp.multiply(o * (1 - o), TC, out=M[..., :H])
    xp.multiply(i * (1 - i), g, out=M[..., H:2 * H])
    xp.multiply(f * (1 - f), Cprev, out=M[..., 2 * H:3 * H])
    xp.multiply(1 - g * g, i, out=M[..., 3 * H:])
    K = o * (1 - TC * TC)
    M4 = M.reshape(T, N, 4, H)
    dG = _new(A.shape, A.dtype, bs)
    dG4 = dG.reshape(T, N, 4, H)
    dh = dhT.astype(A.dtype, copy=True)
    dc = dcT.astype(A.dtype, copy=True)
    tmp = xp.empty((N, H), A.dtype)
    for t, n in reversed(_steps(T, reverse, bs, N)):
        dhn, dcn, tn = dh[:n], dc[:n], tmp[:n]
        dhn += dY[t, :n]
        xp.multiply(dhn, K[t, :n], out=tn)
        dcn += tn
        xp.multiply(M[t, :n, :H], dhn, out=dG[t, :n, :H])
        xp.multiply(M4[t, :n, 1:], dcn[:, None, :], out=dG4[t, :n, 1:])
        dcn *= f[t, :n]
        xp.matmul(dG[t, :n], Whh_p, out=dhn)
    return _finish(X, h0, Wih_p, Whh_p, dG, dG, Hprev, dh, dc, needs, 4)


def _finish(X, h0, Wih_p, Whh_p, dGi, dGh, Hprev, dh0, dc0, needs, nperm):
    """The per-layer GEMMs after the time loop: dX, dW_ih, dW_hh, biases (rows back in PyTorch order)."""
    T, N, I_ = X.shape
    G = dGi.shape[-1]
    gi = dGi.reshape(T * N, G)
    gh = dGh.reshape(T * N, G)
    fix = (lambda a: _unperm_rows(a, 4)) if nperm == 4 else (lambda a: a)
    dX = mm(gi, Wih_p).reshape(T, N, I_) if needs[0] else None
    dWih = fix(mm(gi.T, X.reshape(T * N, I_))) if needs[3] else None
    dWhh = fix(mm(gh.T, Hprev.reshape(T * N, -1))) if needs[4] else None
    dbih = fix(gi.sum(0)) if needs[5] else None
    dbhh = (dbih if gh is gi and dbih is not None else fix(gh.sum(0))) if needs[6] else None
    return [dX, dh0 if needs[1] else None, dc0 if needs[2] else None, dWih, dWhh, dbih, dbhh]


# ------------------------------------------------------------------------------------------- GRU
def _gru_fwd(X, h0, Wih, Whh, bih, bhh, reverse, bs=None):
    T, N, _ = X.shape
    H = Whh.shape[1]
    H2 = 2 * H
    bias = None
    if bih is not None:
        bias = bih.copy()
        bias[:H2] += bhh[:H2]          # b_hr, b_hz fold into the input projection; b_hn stays inside r*(.)
    A = _in_proj(X, Wih, bias)          # becomes (r, z, n) activations in place
    WhhT = xp.ascontiguousarray(Whh.T)
    GHN = _new((T, N, H), X.dtype, bs)  # h W_hn^T + b_hn, needed for dr
    Y = _new((T, N, H), X.dtype, bs)
    gh_buf = xp.empty((N, 3 * H), X.dtype)
    bhn = None if bhh is None else bhh[H2:]
    hb = h0.copy()
    with errstate(over="ignore"):
        for t, nn in _steps(T, reverse, bs, N):
            a = A[t, :nn]
            h = hb[:nn]
            gh = gh_buf[:nn]
            xp.matmul(h, WhhT, out=gh)
            rz = a[:, :H2]
            rz += gh[:, :H2]
            _sigmoid_(rz)
            ghn = GHN[t, :nn]
            if bhn is None:
                ghn[...] = gh[:, H2:]
            else:
                xp.add(gh[:, H2:], bhn, out=ghn)
            n = a[:, H2:]
            xp.multiply(a[:, :H], ghn, out=gh[:, H2:])
            n += gh[:, H2:]
            xp.tanh(n, out=n)
            y = Y[t, :nn]
            xp.subtract(h, n, out=y)
            y *= a[:, H:H2]
            y += n
            h[...] = y
    return Y, hb, (X, h0, Wih, Whh, A, GHN, _prev_states(Y, h0, reverse, bs), reverse, bs)


def _gru_bwd(saved, dY, dhT, needs):
    X, h0, Wih, Whh, A, GHN, Hprev, reverse, bs = saved
    T, N, H = Hprev.shape
    r, z, n = A[..., :H], A[..., H:2 * H], A[..., 2 * H:]
    Pz = (Hprev - n) * (z * (1 - z))      # dz_pre = dh * Pz
    Q = (1 - z) * (1 - n * n)             # dn_pre = dh * Q
    R = GHN * (r * (1 - r))               # dr_pre = dn_pre * R
    dGi = _new(A.shape, A.dtype, bs)
    dGh = _new(A.shape, A.dtype, bs)
    dh = dhT.astype(A.dtype, copy=True)
    tmp = xp.empty((N, H), A.dtype)
    for t, nn in reversed(_steps(T, reverse, bs, N)):
        dhn, tn = dh[:nn], tmp[:nn]
        dhn += dY[t, :nn]
        gi, gh = dGi[t, :nn], dGh[t, :nn]
        dn = gi[:, 2 * H:]
        xp.multiply(dhn, Q[t, :nn], out=dn)
        xp.multiply(dhn, Pz[t, :nn], out=gi[:, H:2 * H])
        xp.multiply(dn, R[t, :nn], out=gi[:, :H])
        gh[:, :2 * H] = gi[:, :2 * H]
        xp.multiply(dn, r[t, :nn], out=gh[:, 2 * H:])
        xp.multiply(dhn, z[t, :nn], out=tn)
        xp.matmul(gh, Whh, out=dhn)
        dhn += tn
    return _finish(X, h0, Wih, Whh, dGi, dGh, Hprev, dh, None, needs, 3)


# ------------------------------------------------------------------------------------------- RNN
def _rnn_fwd(X, h0, Wih, Whh, bih, bhh, reverse, relu, bs=None):
    T, N, _ = X.shape
    A = _in_proj(X, Wih, None if bih is None else bih + bhh)   # becomes the outputs h_t in place
    if bs is not None:
        A[xp.arange(N)[None, :] >= bs[:, None]] = 0            # padding rows of the outputs
    WhhT = xp.ascontiguousarray(Whh.T)
    tmp = xp.empty((N, Whh.shape[0]), X.dtype)
    hb = h0.copy()
    for t, n in _steps(T, reverse, bs, N):
        a = A[t, :n]
        tn = tmp[:n]
        h = hb[:n]
        xp.matmul(h, WhhT, out=tn)
        a += tn
        if relu:
            xp.maximum(a, 0, out=a)
        else:
            xp.tanh(a, out=a)
        h[...] = a
    D = (A > 0).astype(A.dtype) if relu else 1 - A * A     # d h_t / d pre-activation
    return A, hb, (X, h0, Wih, Whh, D, _prev_states(A, h0, reverse, bs), reverse, bs)


def _rnn_bwd(saved, dY, dhT, needs):
    X, h0, Wih, Whh, D, Hprev, reverse, bs = saved
    T, N, _ = D.shape
    dG = _new(D.shape, D.dtype, bs)
    dh = dhT.astype(D.dtype, copy=True)
    for t, n in reversed(_steps(T, reverse, bs, N)):
        dhn = dh[:n]
        dhn += dY[t, :n]
        da = dG[t, :n]
        xp.multiply(dhn, D[t, :n], out=da)
        xp.matmul(da, Whh, out=dhn)
    return _finish(X, h0, Wih, Whh, dG, dG, Hprev, dh, None, needs, 1)


# ------------------------------------------------------------------------------- autograd glue
def _arr(t):
    return None if t is None else t._data


def _forward_arrays(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, bs):
    X = x._data
    args = (_arr(w_ih), _arr(w_hh), _arr(b_ih), _arr(b_hh), reverse)
    if mode == "LSTM":
        return _lstm_fwd(X, h0._data, c0._data, *args, bs=bs)
    if mode == "GRU":
        Y, hT, saved = _gru_fwd(X, h0._data, *args, bs=bs)
    else:
        Y, hT, saved = _rnn_fwd(X, h0._data, *args, mode == "RNN_RELU", bs=bs)
    return Y, hT, None, saved


def _backward_arrays(mode, saved, gy, gh, gc, needs):
    if mode == "LSTM":
        return _lstm_bwd(saved, gy, gh, gc, needs)
    if mode == "GRU":
        return _gru_bwd(saved, gy, gh, needs)
    return _rnn_bwd(saved, gy, gh, needs)


class _RNNLayer(Function):
    """One recurrent layer, one direction, all time steps: (x, h0, c0, weights) -> (y, h_T, c_T)."""

    _builtin = True
    node_name = "RnnLayerBackward0"

    @staticmethod
    def forward(ctx, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, bs=None):
        Y, hT, cT, saved = _forward_arrays(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, bs)
        ctx.mode, ctx.reverse, ctx.arrays, ctx.bs = mode, reverse, saved, bs
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        return (Y, hT, cT) if mode == "LSTM" else (Y, hT)

    @staticmethod
    def backward(ctx, gy, gh, gc=None):
        inputs = ctx.saved_tensors          # version check: an in-place change of an input is an error
        needs = ctx.needs_input_grad[1:8]
        if _gs.enabled:
            # create_graph: gradients that are themselves differentiable (see module docstring)
            outs = _RNNLayerGrad.apply(ctx.mode, ctx.reverse, needs, ctx.bs, *inputs, gy, gh, gc)
            return (None,) + tuple(outs) + (None, None)
        grads = _backward_arrays(ctx.mode, ctx.arrays, gy._data, gh._data, None if gc is None else gc._data, needs)
        return (None,) + tuple(None if g is None else _make(g) for g in grads) + (None, None)


def _composite(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, bs=None):
    """The same layer written with differentiable tensor ops (used to differentiate the gradients)."""
    from .rnn import _lstm_step, _gru_step, _rnn_step, _masked_state
    gi_all = ops.matmul(x, w_ih.t())
    if b_ih is not None:
        gi_all = gi_all + b_ih
    gis = gi_all.unbind(0)
    T = x.shape[0]
    ys = [None] * T
    h, c = h0, c0
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        if mode == "LSTM":
            hn, cn = _lstm_step(gis[t], h, c, w_hh, b_hh, None)
        elif mode == "GRU":
            hn, cn = _gru_step(gis[t], h, w_hh, b_hh), None
        else:
            hn, cn = _rnn_step(gis[t], h, w_hh, b_hh, mode == "RNN_RELU"), None
        h, c, ys[t] = _masked_state(hn, cn, h, c, bs, t)
    y = ops.stack(ys, 0)
    return (y, h, c) if mode == "LSTM" else (y, h)


class _RNNLayerGrad(Function):
    """First-order gradients of ``_RNNLayer`` as a differentiable node (for ``create_graph=True``).

    forward: the NumPy BPTT.  backward: the vector-Jacobian product of those gradients, taken
    through the composite tensor-op formulation on detached copies of the inputs.
    """

    @staticmethod
    def forward(ctx, mode, reverse, needs, bs, x, h0, c0, w_ih, w_hh, b_ih, b_hh, gy, gh, gc):
        ctx.mode, ctx.reverse, ctx.needs, ctx.bs = mode, reverse, needs, bs
        ctx.set_materialize_grads(False)   # outputs that are None (inputs not needing grad) get no gradient
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, gy, gh, gc)
        _, _, _, saved = _forward_arrays(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, bs)
        grads = _backward_arrays(mode, saved, gy._data, gh._data, None if gc is None else gc._data, needs)
        return tuple(grads)

    @staticmethod
    def backward(ctx, *ggs):
        if _gs.enabled:
            raise RuntimeError("derivatives of third and higher order through a fused RNN layer "
                               "(nn.RNN / nn.LSTM / nn.GRU) are not implemented")
        from ...autograd import grad as _grad
        saved = ctx.saved_tensors
        leaves = [None if t is None else t.detach().requires_grad_(t._data.dtype.kind in "fV") for t in saved]
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, gy, gh, gc = leaves
        _gs.enabled = True
        try:
            outs = _composite(ctx.mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, ctx.reverse, ctx.bs)
            gouts = (gy, gh, gc)[:len(outs)]
            ins = [(k, t) for k, t in enumerate(leaves[:7]) if t is not None and ctx.needs[k]]
            firsts = _grad(list(outs), [t for _, t in ins], list(gouts), create_graph=True, allow_unused=True)
            pairs = [(f, ggs[k]) for (k, _), f in zip(ins, firsts) if f is not None and ggs[k] is not None]
            wrt = [t for t in leaves if t is not None and t.requires_grad]
            if not pairs:
                return (None,) * 4 + (None,) * len(leaves)
            seconds = _grad([p[0] for p in pairs], wrt, [p[1] for p in pairs], allow_unused=True)
        finally:
            _gs.enabled = False
        it = iter(seconds)
        res = [next(it) if t is not None and t.requires_grad else None for t in leaves]
        return (None, None, None, None) + tuple(res)


def rnn_layer(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, batch_sizes=None):
    """(y (T, N, H), h_T, c_T or None) for one layer and direction; x is (T, N, I), h0/c0 are (N, H).

    ``batch_sizes`` (a packed batch, rows sorted by decreasing length): only the first batch_sizes[t] rows
    are stepped at time t; the others keep their state, and their outputs are zero."""
    wdt = w_ih._data.dtype
    for t in (x, h0, c0):
        if t is not None and t._data.dtype != wdt:
            # PyTorch's message from the matrix product its kernels run (NumPy would silently promote)
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                               f"{scalar_name(t._data.dtype)} and {scalar_name(wdt)}")
    out = _RNNLayer.apply(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, batch_sizes)
    return out if mode == "LSTM" else (out[0], out[1], None)
