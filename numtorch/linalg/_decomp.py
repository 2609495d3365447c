"""QR, symmetric eigendecomposition, SVD and what is built on them (pinv, lstsq, matrix_rank, svdvals).

Forwards call NumPy's LAPACK (geqrf/orgqr, syevd, gesdd: the routines PyTorch's CPU kernels call, so signs of
Q, R, eigenvectors and singular vectors agree with PyTorch's except where LAPACK builds differ); backwards are
PyTorch's formulas written in tensor ops, so second-order gradients work."""
from .._backend import xp
from ..autograd.function import Function
from .._tensor import Tensor, _make
from .._ops.copies import diag_embed, cat
from .._ops.pointwise_binary import where
from .. import return_types as _rt
from ._common import check_float, check_matrix, check_square, check_same_dtype, finish
from ._solve import solve_triangular


def _save_outputs(ctx, *arrays):
    """Outputs as tensors saved for backward (Function.apply turns these saves into output records)."""
    ts = tuple(_make(a) for a in arrays)
    ctx.save_for_backward(*ts)
    return ts


# ---------------------------------------------------------------------------------------------- QR
class QR(Function):
    """A = Q R. For m >= n: dA = (gQ + Q S(N)) R^-T with N = gR R^T - Q^T gQ and S(N) the symmetric matrix
    with N's upper triangle; for m < n, A = [A1 A2]: A1 as the square case with gQ + A2 gR2^T, dA2 = Q gR2."""
    _builtin = True
    _complex_aware = True   # ^T read as ^H: the formula holds for complex inputs in PyTorch's convention
    node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode = mode
        ctx.set_materialize_grads(False)
        if mode == "r":
            r = xp.linalg.qr(a._data, mode="r") if a._data.size else \
                xp.zeros(a._data.shape[:-2] + (min(a._data.shape[-2:]), a._data.shape[-1]), a._data.dtype)
            q = xp.empty((0,), a._data.dtype)
            return _save_outputs(ctx, q, xp.asarray(r))
        q, r = xp.linalg.qr(a._data, mode=mode)
        return _save_outputs(ctx, q, r)

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                               "through linalg.qr.")
        m, n = Q._data.shape[-2], R._data.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and "
                               "nrows > ncols.")
        if m >= n:
            return _qr_square_grad(gQ, gR, Q, R), None
        R1, R2 = R[..., :, :m], R[..., :, m:]
        A2 = Q @ R2
        gR1 = gR[..., :, :m] if gR is not None else None
        gQ1 = gQ
        if gR is not None:
            gR2 = gR[..., :, m:]
            gQ1 = A2 @ gR2.mH if gQ is None else gQ + A2 @ gR2.mH
        gA1 = _qr_square_grad(gQ1, gR1, Q, R1)
        gA2 = Q @ gR[..., :, m:] if gR is not None else (Q @ R2) * 0
        return cat([gA1, gA2], -1), None


def _qr_square_grad(gQ, gR, Q, R):
    if gR is not None:
        N = gR @ R.mH
        if gQ is not None:
            N = N - Q.mH @ gQ
    else:
        N = -(Q.mH @ gQ)
    S = N.triu() + N.triu(1).mH
    if N._data.dtype.kind == "c":  # S = triu(N) + triu(N)^H with the diagonal's real part halved: Re(N_ii)
        S = S - diag_embed(N.diagonal(0, -2, -1).imag * 1j)
    G = Q @ S if gQ is None else gQ + Q @ S
    return solve_triangular(R.mH, G, upper=False, left=False)


def qr(A, mode="reduced", *, out=None):
    """(Q, R) with A = Q R, Q orthonormal columns, R upper; mode 'reduced' (k = min(m, n) columns),
    'complete' (Q m x m) or 'r' (R only, Q empty)."""
    check_float(A, "linalg.qr")
    check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    Q, R = QR.apply(A, mode)
    return finish(_rt.linalg_qr._from(Q, R), out)


# ---------------------------------------------------------------------------------------------- eigh
class Eigh(Function):
    """A = V diag(L) V^T; dA = V (skew(V^T gV) / E + diag(gL)) V^T with skew(X) = (X - X^T) / 2 and
    E_ij = L_j - L_i (PyTorch's linalg_eig_backward, Hermitian case: repeated eigenvalues give inf/nan)."""
    _builtin = True
    _complex_aware = True   # ^T read as ^H (Hermitian A)
    node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, a, uplo):
        ctx.set_materialize_grads(False)
        w, v = xp.linalg.eigh(a._data, UPLO=uplo)
        return _save_outputs(ctx, w, v)

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        if gV is None:
            if gL is None:
                return None, None
            return (V * gL.unsqueeze(-2)) @ V.mH, None
        X = V.mH @ gV
        if X._data.dtype.kind == "c":
            _check_phase_invariant(X, "linalg_eigh_backward")
        X = 0.5 * (X - X.mH)
        E = L.unsqueeze(-2) - L.unsqueeze(-1)
        n = L._data.shape[-1]
        E = E + _make(xp.eye(n, dtype=L._data.dtype))   # the diagonal of E is 0: make it 1 (X's is 0)
        inner = X / E
        if gL is not None:
            inner = inner + diag_embed(gL)
        return V @ (inner @ V.mH), None


def _check_phase_invariant(VhgV, fname):
    """PyTorch's check that a loss of complex eigenvectors does not depend on their phases: Im diag(V^H gV) = 0."""
    if not xp.allclose(VhgV._data.diagonal(0, -2, -1).imag, 0, rtol=1e-2, atol=1e-2):
        raise RuntimeError(f"{fname}: The eigenvectors in the complex case are specified up to multiplication by "
                           f"e^{{i phi}}. The specified loss function depends on this quantity, so it is ill-defined.")


def _uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eigh(A, UPLO="L", *, out=None):
    """(eigenvalues ascending, eigenvectors as columns) of the symmetric matrices whose lower (UPLO='L') or
    upper triangle is given."""
    check_square(A, "linalg.eigh")
    L, V = Eigh.apply(A, _uplo(UPLO))
    return finish(_rt.linalg_eigh._from(L, V), out)


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending) of symmetric A; d/dA = V diag(g) V^T."""
    check_square(A, "linalg.eigvalsh")
    return finish(Eigh.apply(A, _uplo(UPLO))[0], out)


# ---------------------------------------------------------------------------------------------- SVD
class SVD(Function):
    """A = U diag(S) Vh (k = min(m, n) singular triplets are differentiated; full_matrices' extra columns
    are not, as PyTorch). dA = U [(skew(U^T gU)/E) S + S (skew(V^T gV)/E) + diag(gS)] Vh
    + (I - U U^T) gU S^-1 Vh + U S^-1 gV^T (I - V V^T), skew(X) = X - X^T, E_ij = S_j^2 - S_i^2
    (PyTorch's svd_backward: repeated singular values give inf/nan when U or V is differentiated)."""
    _builtin = True
    _complex_aware = True   # ^T read as ^H, plus the complex diagonal term
    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a, full):
        ctx.set_materialize_grads(False)
        d = a._data
        m, n = d.shape[-2:]
        if d.size == 0:
            k = min(m, n)
            u = xp.broadcast_to(xp.eye(m, m if full else k, dtype=d.dtype), d.shape[:-2] + (m, m if full else k))
            vh = xp.broadcast_to(xp.eye(n if full else k, n, dtype=d.dtype), d.shape[:-2] + (n if full else k, n))
            real = xp.finfo(d.dtype).dtype   # S is real also for complex A
            return _save_outputs(ctx, u.copy(), xp.zeros(d.shape[:-2] + (k,), real), vh.copy())
        u, s, vh = xp.linalg.svd(d, full_matrices=full)
        return _save_outputs(ctx, u, s, vh)

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = S._data.shape[-1]
        m, n = U._data.shape[-2], Vh._data.shape[-1]
        if U._data.shape[-1] != k:
            U = U[..., :, :k]
            gU = gU[..., :, :k] if gU is not None else None
        if Vh._data.shape[-2] != k:
            Vh = Vh[..., :k, :]
            gVh = gVh[..., :k, :] if gVh is not None else None
        if gU is None and gVh is None:
            if gS is None:
                return None, None
            return (U * gS.unsqueeze(-2)) @ Vh, None
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _make(xp.eye(k, dtype=S._data.dtype))
        inner = None
        if gU is not None:
            X = U.mH @ gU
            inner = ((X - X.mH) / E) * S.unsqueeze(-2)
        if gVh is not None:
            Y = Vh @ gVh.mH          # V^T gV
            t = S.unsqueeze(-1) * ((Y - Y.mH) / E)
            inner = t if inner is None else inner + t
        if U._data.dtype.kind == "c":
            inner = _svd_complex_diagonal(inner, X if gU is not None else None, Y if gVh is not None else None, S, k)
        if gS is not None:
            inner = inner + diag_embed(gS)
        gA = U @ inner
        if m > k and gU is not None:
            gUS = gU / S.unsqueeze(-2)
            gA = gA + gUS - U @ (U.mH @ gUS)
        gA = gA @ Vh
        if n > k and gVh is not None:
            gVS = gVh / S.unsqueeze(-1)       # S^-1 gV^T
            gA = gA + U @ (gVS - (gVS @ Vh.mH) @ Vh)
        return gA, None


def _svd_complex_diagonal(inner, X, Y, S, k):
    """Complex SVD: the skew-Hermitian parts' diagonals (2i Im X_ii S_i above, from E's unit diagonal) are
    replaced by i Im((U^H gU)_ii) / S_i, as PyTorch's svd_backward, after its check
    that the loss does not depend on the singular vectors' phases (Im diag(U^H gU) = -Im diag(V^H gV))."""
    from .._ops.complex import imag
    eye = _make(xp.eye(k, dtype=S._data.dtype))
    inner = inner * (1 - eye)
    imU = imag(X.diagonal(0, -2, -1)) if X is not None else None
    imV = imag(Y.diagonal(0, -2, -1)) if Y is not None else None
    a = imU._data if imU is not None else 0
    b = imV._data if imV is not None else 0
    if not xp.allclose(a, -b, rtol=1e-2, atol=1e-2):
        raise RuntimeError("svd_backward: The singular vectors in the complex case are specified up to multiplication "
                           "by e^{i phi}. The specified loss function depends on this phase term, making it "
                           "ill-defined.")
    if imU is not None:
        inner = inner + diag_embed(imU / S) * 1j
    return inner


def svd(A, full_matrices=True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending; full_matrices gives U m x m and Vh n x n."""
    check_float(A, "linalg.svd")
    check_matrix(A, "linalg.svd")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    U, S, Vh = SVD.apply(A, bool(full_matrices))
    return finish(_rt.linalg_svd._from(U, S, Vh), out)


def svdvals(A, *, driver=None, out=None):
    """The singular values, descending; d/dA = U diag(g) Vh."""
    check_float(A, "linalg.svdvals")
    check_matrix(A, "linalg.svdvals")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    return finish(SVD.apply(A, False)[1], out)


# ---------------------------------------------------------------------------------------------- pinv
def _tolerances(atol, rtol, m, n, dtype):
    """PyTorch's defaults: rtol = eps * max(m, n) when neither is given, 0 when only atol (> 0) is given."""
    if rtol is None:
        if atol is None or (not isinstance(atol, Tensor) and atol <= 0):
            rtol = float(xp.finfo(dtype).eps) * max(m, n)
        else:
            rtol = 0.0
    if atol is None:
        atol = 0.0
    tol = lambda v: v._data.astype(dtype)[..., None] if isinstance(v, Tensor) else xp.asarray(v, dtype)  # noqa
    return tol(atol), tol(rtol)


def _ct(x):
    """The conjugate transpose of the last two axes of an array (a plain transpose for real ones)."""
    x = xp.swapaxes(x, -1, -2)
    return x.conj() if x.dtype.kind == "c" else x


class Pinv(Function):
    """A^+ from the SVD (or eigh when hermitian), singular values <= max(atol, rtol * s_max) dropped.
    Backward (Golub and Pereyra, PyTorch's pinv_backward), for m <= n with K = g^T A^+:
    dA = -(A^+ K)^T + K A^+^T - A A^+ K A^+^T + A^+^T A^+ (g^T - K A); the transposed form for m > n."""
    _builtin = True
    _complex_aware = True   # ^T read as ^H
    _save_output = True
    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        ctx.save_for_backward(a)
        d = a._data
        m, n = d.shape[-2:]
        if d.size == 0:
            return xp.zeros(d.shape[:-2] + (n, m), d.dtype)
        at, rt = _tolerances(atol, rtol, m, n, d.real.dtype)
        if hermitian:
            w, v = xp.linalg.eigh(d)
            aw = xp.abs(w)
            w = w.astype(d.dtype, copy=False)
            thr = xp.maximum(at, rt * aw.max(-1, keepdims=True))
            with xp.errstate(divide="ignore"):
                inv_w = xp.where(aw > thr, 1 / xp.where(aw > thr, w, 1), 0).astype(d.dtype)
            return (v * inv_w[..., None, :]) @ _ct(v)
        u, s, vh = xp.linalg.svd(d, full_matrices=False)
        thr = xp.maximum(at, rt * s[..., :1])
        inv_s = xp.where(s > thr, 1 / xp.where(s > thr, s, 1), 0).astype(d.dtype)
        return (_ct(vh) * inv_s[..., None, :]) @ _ct(u)

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        P = ctx.saved_output
        m, n = A._data.shape[-2:]
        Pt, gt = P.mH, g.mH
        if m <= n:
            K = gt @ P
            KPt = K @ Pt
            gA = -(P @ K).mH + KPt - (A @ P) @ KPt + (Pt @ P) @ (gt - K @ A)
        else:
            K = P @ gt
            PtK = Pt @ K
            gA = -(K @ P).mH + ((gt - A @ K) @ P) @ Pt + PtK - (PtK @ P) @ A
        return gA, None, None, None


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The Moore-Penrose pseudo-inverse: V diag(1/s) U^T over the singular values s > max(atol, rtol * s_max)
    (the older positional ``rcond`` is rtol)."""
    if rcond is not None:
        rtol = rcond
        atol = 0.0 if atol is None else atol
    check_float(A, "linalg.pinv")
    check_matrix(A, "linalg.pinv")
    if hermitian:
        check_square(A, "linalg.pinv")
    return finish(Pinv.apply(A, atol, rtol, bool(hermitian)), out)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The number of singular values (|eigenvalues| when hermitian) > max(atol, rtol * largest) (the older
    positional ``tol`` is atol with rtol = 0)."""
    if isinstance(A, Tensor) and A._data.dtype.kind not in "fcV":   # integers: as float16/bfloat16 (check_float)
        raise RuntimeError("This function doesn't handle types other than float and double")
    check_float(A, "linalg.matrix_rank")
    check_matrix(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0
    d = A._data
    m, n = d.shape[-2:]
    if d.size == 0:
        return finish(_make(xp.zeros(d.shape[:-2], xp.int64)), out)
    s = xp.abs(xp.linalg.eigvalsh(d)) if hermitian else xp.linalg.svd(d, compute_uv=False)
    at, rt = _tolerances(atol, rtol, m, n, d.real.dtype)   # singular values of complex A are real
    thr = xp.maximum(at, rt * s.max(-1, keepdims=True))
    return finish(_make(xp.asarray((s > thr).sum(-1).astype(xp.int64))), out)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values) of min ||A X - B||: X = A^+ B with singular values
    <= rcond * s_max dropped (rcond defaults to eps * max(m, n)); residuals (the squared column norms of
    A X - B) when m > n and A has full rank (not for gelsy), rank (not for gels), singular values (gelsd, gelss).
    The gradient is PyTorch's: through the pseudo-inverse."""
    fname = "torch.linalg.lstsq"
    check_float(A, fname)
    check_float(B, fname, "other")
    check_same_dtype(A, B, fname)
    check_matrix(A, fname, what="input")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(f"{fname}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B._data.ndim == A._data.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    m, n = A._data.shape[-2:]
    if Bm._data.shape[-2] != m:
        raise RuntimeError(f"{fname}: input.size(-2) should match other.size(-2)")
    dt = A._data.dtype
    if rcond is None:
        rcond = float(xp.finfo(dt).eps) * max(m, n)
    X = Pinv.apply(A, 0.0, rcond if driver != "gels" else 0.0, False) @ Bm
    rdt = A._data.real.dtype   # singular values are real for complex A
    s = xp.linalg.svd(A._data, compute_uv=False) if A._data.size else xp.zeros(A._data.shape[:-2] + (0,), rdt)
    rank = (s > rcond * s[..., :1]).sum(-1).astype(xp.int64) if s.shape[-1] else xp.zeros(s.shape[:-1], xp.int64)
    full_rank = driver == "gels" or bool((rank == min(m, n)).all())
    if m > n and driver != "gelsy" and full_rank:
        R = A @ X - Bm
        res = (R * R).sum(-2) if dt.kind != "c" else (R.real * R.real + R.imag * R.imag).sum(-2)
    else:   # not computed: empty, but in the graph as torch's
        res = X.reshape(-1)[:0]
        if dt.kind == "c":   # real, as torch's
            res = res.abs()
    if vector:
        X = X.squeeze(-1)
    rank_t = _make(xp.asarray(rank)) if driver != "gels" else _make(xp.empty((0,), xp.int64))
    sv = _make(xp.asarray(s)) if driver in ("gelsd", "gelss") else _make(xp.empty((0,), rdt))
    return _rt.linalg_lstsq._from(X, res, rank_t, sv)


__all__ = []
del where
