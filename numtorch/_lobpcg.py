"""``torch.lobpcg``: the k largest (or smallest) eigenpairs of the symmetric generalized problem A X = B X E by
the locally optimal block preconditioned conjugate gradient method (Knyazev 2001).

Each iteration B-orthonormalizes the search space S = [X, W, P] (Ritz vectors X, preconditioned residuals
W = iK (A X - B X E), previous directions P), solves the small projected problem (S^T A S) C = C T with
``eigh`` and keeps the n extreme Ritz pairs; it stops once the first k pairs satisfy PyTorch's backward-stable
criterion ||r_i|| / (||x_i|| (||A|| + |e_i| ||B||)) < tol (Duersch et al. 2018, sec. 4.3). A and B may be
dense or 2-D sparse COO (their products with the basis go through the COO entries); a ``tracker`` sees the state
after every update (the ``LOBPCG`` worker, PyTorch's attribute names).

The gradient with respect to A (B = I, as PyTorch) is the exact symmetric-eigenproblem derivative of the
returned pairs: dA = U diag(gE) U^T + sum_i (e_i I - A)^+ gU_i u_i^T, the pseudo-inverse taken over A's full
eigendecomposition (PyTorch solves the same Sylvester equation on span(U)'s complement); it is written in
tensor ops, so higher-order gradients work."""
from ._backend import xp
from .autograd.function import Function
from ._tensor import Tensor, _make
from . import _dtype as D

__all__ = ["lobpcg"]

_FEPS = {"float32": 1.2e-07, "float64": 2.23e-16}


def _b_orthonormalize(M, mB, eps):
    BM = M if mB is None else mB(M)
    G = M.T @ BM
    G = 0.5 * (G + G.T)
    w, V = xp.linalg.eigh(G)
    keep = w > eps * max(float(w[-1]), 0.0) * 10 * M.shape[0]
    if not keep.any():
        return M[:, :0], BM[:, :0]
    scale = V[:, keep] / xp.sqrt(w[keep])
    return M @ scale, BM @ scale


def _count_converged(rerr, tol):
    """The length of the leading run of converged pairs (later ones do not count, as PyTorch's)."""
    bad = xp.flatnonzero(~(rerr < tol))
    return int(bad[0]) if bad.size else int(rerr.shape[0])


class LOBPCG:
    """The iteration state PyTorch's ``tracker`` receives each step, under its worker's attribute names:
    ``iparams``/``fparams``/``bparams`` (the parameters), ``ivars`` (``istep``, ``iterations_left``,
    ``converged_count``, ``converged_end``), ``fvars`` (``X_norm``, ``A_norm``, ``B_norm``), ``bvars`` (a tracker
    setting ``bvars["force_stop"] = True`` ends the iteration), ``tvars`` (``rerr``), the inputs ``A``, ``B``,
    ``iK`` and the current ``X``, ``E``, ``R`` and search basis ``S`` (fresh tensors each step).

    The iteration itself is numtorch's (not PyTorch's ortho scheme step for step), so the number of updates and the
    intermediate states differ slightly; PyTorch's ``ortho_*`` entries of ``ivars``/``fvars`` do not exist here, and
    after the first update ``E`` holds the Ritz values of the start X where PyTorch's worker still holds zeros
    (so a tracker forcing a stop there gets those Ritz values, PyTorch zeros)."""

    def __init__(self, A, B, iK, iparams, fparams, bparams, method, tracker):
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        self.tvars, self.ivars, self.fvars, self.bvars = {}, {"istep": 0}, {"_": 0.0}, {"_": False}
        self.X = self.E = self.R = self.S = None

    def __str__(self):
        lines = ["LOBPCG:"] + [f"  {name}={getattr(self, name)}" for name in
                                ("iparams", "fparams", "bparams", "ivars", "fvars", "bvars", "tvars", "A", "B",
                                 "iK", "X", "E")]
        return "\n".join(lines) + "\n"

    def _publish(self, X, theta, R, S, rerr, count, ns):
        self.X, self.E, self.R, self.S = _make(X), _make(theta), _make(R), _make(S)
        self.tvars["rerr"] = _make(rerr)
        self.ivars["converged_count"] = count
        self.ivars["converged_end"] = ns

    def stop_iteration(self):
        return (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                or self.ivars["converged_count"] >= self.iparams["k"])


def _matmul_fn(M):
    """M @ X for a dense array or a 2-D sparse COO tensor (its entries summed, duplicates included)."""
    if M is None:
        return lambda X: X
    if getattr(M, "is_sparse", False):
        rows, cols = M._idx[0], M._idx[1]
        vals = M._data
        m = M.shape[0]

        def spmm(X):
            out = xp.zeros((m, X.shape[1]), xp.result_type(vals, X))
            xp.add.at(out, rows, vals[:, None] * X[cols])
            return out.astype(X.dtype, copy=False)
        return spmm
    return lambda X: M @ X


def _run(A, B, X, iK, n, k, niter, tol, largest, worker=None):
    """One problem: A (m, m) dense or sparse, B (m, m) or None, X (m, n) start; returns (E[:k], X[:, :k]).
    Steps as PyTorch's worker: the first update is the Rayleigh-Ritz of X, each later one a LOBPCG step; the
    tracker (``worker``) sees the state after every update."""
    mA, mB = _matmul_fn(A), (None if B is None else _matmul_fn(B))
    eps = xp.finfo(X.dtype).eps
    # the norms of the criterion, from the start X (as PyTorch's first update)
    nx = float(xp.linalg.norm(X))
    A_norm = float(xp.linalg.norm(mA(X))) / nx
    B_norm = float(xp.linalg.norm(X if mB is None else mB(X))) / nx
    X, BX = _b_orthonormalize(X, mB, eps)
    if X.shape[1] < n:   # a rank-deficient start: complete it with deterministic directions
        extra = xp.eye(X.shape[0], dtype=X.dtype)[:, :n]
        extra = extra - X @ (BX.T @ extra)
        Xe, BXe = _b_orthonormalize(extra, mB, eps)
        X, BX = xp.concatenate([X, Xe[:, :n - X.shape[1]]], 1), xp.concatenate([BX, BXe[:, :n - X.shape[1]]], 1)
    AX = mA(X)
    T = X.T @ AX
    theta, C = xp.linalg.eigh(0.5 * (T + T.T))
    order = xp.argsort(-theta if largest else theta, kind="stable")
    theta, C = theta[order], C[:, order]
    X, BX, AX = X @ C, BX @ C, AX @ C
    P = None
    S = X

    def residual():
        R = AX - BX * theta
        rerr = xp.linalg.norm(R, axis=0) / (xp.linalg.norm(X, axis=0) * (A_norm + xp.abs(theta) * B_norm))
        return R, rerr

    R, rerr = residual()
    count = _count_converged(rerr, tol)
    iterations_left, istep = niter - 1, 1
    if worker is not None:
        worker.fvars.update(X_norm=nx, A_norm=A_norm, B_norm=B_norm)
        worker.ivars.update(istep=istep, iterations_left=iterations_left)
        worker._publish(X, theta, R, S, rerr, count, S.shape[1])
        worker.tracker(worker)
    while True:
        if worker is not None:
            if worker.stop_iteration():
                break
        elif iterations_left == 0 or count >= k:
            break
        W = R[:, rerr >= tol]                      # converged columns need no new direction
        if iK is not None:
            W = iK @ W
        parts = [W] if P is None else [W, P]
        Z = xp.concatenate(parts, 1)
        for _ in range(2):
            Z = Z - X @ (BX.T @ Z)
        Z, BZ = _b_orthonormalize(Z, mB, eps)
        if Z.shape[1] == 0:
            break
        for _ in range(2):                         # re-orthogonalize: the scaling above can amplify X's part
            Z = Z - X @ (BX.T @ (Z))
        Z, BZ = _b_orthonormalize(Z, mB, eps)
        S = xp.concatenate([X, Z], 1)
        BS = xp.concatenate([BX, BZ], 1)
        AS = xp.concatenate([AX, mA(Z)], 1)
        T = S.T @ AS
        T = 0.5 * (T + T.T)
        G = S.T @ BS
        G = 0.5 * (G + G.T)
        # S is B-orthonormal up to round-off; Cholesky of its Gram matrix removes that round-off
        L = xp.linalg.cholesky(G)
        Li = xp.linalg.inv(L)
        w, V = xp.linalg.eigh(Li @ T @ Li.T)
        C = Li.T @ V
        order = xp.argsort(-w if largest else w, kind="stable")[:n]
        theta, C = w[order], C[:, order]
        nX = X.shape[1]
        P = Z @ C[nX:]
        X, BX, AX = S @ C, BS @ C, AS @ C
        R, rerr = residual()
        count = _count_converged(rerr, tol)
        iterations_left, istep = iterations_left - 1, istep + 1
        if worker is not None:
            worker.ivars.update(istep=istep, iterations_left=iterations_left)
            worker._publish(X, theta, R, S, rerr, count, S.shape[1])
            worker.tracker(worker)
    return theta[:k], X[:, :k]


class _LOBPCG(Function):
    """(E, U) = lobpcg(A); backward: dA = U diag(gE) U^T + V (K * (V^T gU)) U^T with A = V diag(L) V^T and
    K_ji = 1 / (e_i - L_j), 0 where L_j is e_i's own eigenvalue."""
    node_name = "LOBPCGAutogradFunctionBackward"

    @staticmethod
    def forward(ctx, A, B, args):
        ctx.set_materialize_grads(False)
        E, U = _forward(A._data, None if B is None else B._data, *args)
        ctx.has_B = B is not None
        Et, Ut = _make(E), _make(U)
        ctx.save_for_backward(A, Et, Ut)
        return Et, Ut

    @staticmethod
    def backward(ctx, gE, gU):
        if ctx.has_B:
            raise ValueError("lobpcg.backward does not support backward with B != I yet.")
        A, E, U = ctx.saved_tensors
        res = None
        if gE is not None:
            res = (U * gE.unsqueeze(-2)) @ U.mT
        if gU is not None:
            from .linalg import eigh
            from ._ops.pointwise_binary import where
            L, V = eigh(A)
            # which of A's eigenvalues is e_i's own: the column of V that U_i lies along
            own = xp.abs(xp.swapaxes(V._data, -1, -2) @ U._data).argmax(-2)       # (..., k)
            mask = xp.arange(L._data.shape[-1])[:, None] == own[..., None, :]     # (..., m, k)
            diff = E.unsqueeze(-2) - L.unsqueeze(-1)
            K = where(_make(mask), 0.0 * diff, 1.0 / where(_make(mask), diff * 0 + 1, diff))
            g = V @ ((K * (V.mT @ gU)) @ U.mT)
            res = g if res is None else res + g
        return res, None, None


class _LOBPCGSparse(Function):
    """lobpcg of a sparse A or B in the graph: PyTorch computes the forward and refuses the backward."""
    node_name = "LOBPCGAutogradFunctionBackward"

    @staticmethod
    def forward(ctx, A, B, args):
        return tuple(_make(v) for v in _forward(A, B, *args))

    @staticmethod
    def backward(ctx, gE, gU):
        raise ValueError("lobpcg.backward does not support sparse input yet. Note that lobpcg.forward does though.")


def _forward(A, B, dtype, k, X, n, iK, niter, tol, largest, track=None):
    """A, B: arrays (..., m, m) or 2-D sparse COO tensors; ``track``: (tracker, method, iparams, fparams, bparams,
    A, B, iK as given) when a tracker was passed."""
    sparse = getattr(A, "is_sparse", False) or getattr(B, "is_sparse", False)
    m = A.shape[-1]
    batch = tuple(A.shape[:-2])
    if sparse and batch:
        raise RuntimeError("reshape is not implemented for sparse tensors")
    N = int(xp.prod(batch)) if batch else 1
    adt = A._data.dtype if sparse else A.dtype
    if sparse:   # one problem: the sparse operand as it is, the other one's array
        arr = lambda M: M if M is None or getattr(M, "is_sparse", False) else M._data  # noqa: E731
        bA, bB = [arr(A)], [arr(B)]
    else:
        bA = A.reshape((N, m, m))
        bB = B.reshape((N, m, m)) if B is not None else None
    bX = (X.reshape((N,) + X.shape[-2:]) if batch else X[None]) if X is not None else None
    E = xp.empty((N, k), adt)
    U = xp.empty((N, m, k), adt)
    for i in range(N):
        if bX is None:
            from ._creation import randn
            X_ = randn((m, n), dtype=dtype)._data
        else:
            X_ = bX[i]
        if X_.shape != (m, n):
            raise AssertionError(f"X{'_' if batch else ''} shape mismatch: got {_size(X_.shape)}, "
                                 f"expected {(m, n)}")
        worker = None
        if track is not None:
            tracker, method, iparams, fparams, bparams, At, Bt, iKt = track
            if batch:
                iparams["batch_index"] = i
                At, Bt = _make(bA[i]), (None if B is None else _make(bB[i]))
            worker = LOBPCG(At, Bt, iKt, iparams, fparams, bparams, method, tracker)
        E[i], U[i] = _run(bA[i], None if B is None else bB[i], X_.astype(adt), iK, n, k, niter, tol, largest,
                          worker)
    return E.reshape(batch + (k,)), U.reshape(batch + (m, k))


def _size(shape):
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def _to_dtype(M, dtype):
    if M is None or M.dtype == dtype:
        return M
    if getattr(M, "is_sparse", False):
        from ._sparse import SparseCOOTensor
        return SparseCOOTensor(M._idx, M._data.astype(dtype.np), M.shape, M.is_coalesced())
    return M.to(dtype)


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): the k largest (``largest=False``: smallest) eigenvalues E and B-orthonormal eigenvectors X of
    the symmetric generalized problem A X = B X diag(E); A, B dense (..., m, m) or 2-D sparse COO, B symmetric
    positive definite. ``n`` (>= k) vectors are iterated, at most ``niter`` updates (default 1000), to relative
    residual ``tol`` (default sqrt(eps)); ``iK`` is a preconditioner applied to the residuals. ``tracker(worker)``
    is called after every update with the iteration state (``LOBPCG``; ``worker.bvars["force_stop"] = True``
    stops it)."""
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {_size(A.shape)}")
    if B is not None and tuple(A.shape) != tuple(B.shape):
        raise AssertionError(f"A and B must have same shape, got {_size(A.shape)} vs {_size(B.shape)}")
    dtype = A.dtype if A.dtype.is_floating_point else D.float32
    A = _to_dtype(A, dtype)
    if tol is None:
        if str(dtype).split(".")[-1] not in _FEPS:
            raise KeyError(dtype)
        tol = _FEPS[str(dtype).split(".")[-1]] ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller "
                         f"than 3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for key in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(key, tol)
        bparams.setdefault("ortho_use_drop", False)
    Xd = None if X is None else X._data
    iKd = None if iK is None else iK._data.astype(A._data.dtype)
    B = _to_dtype(B, dtype)
    track = None if tracker is None else (tracker, method, iparams, fparams, bparams, A, B, iK)
    args = (dtype, k, Xd, n, iKd, iparams["niter"], fparams["tol"], bparams["largest"], track)
    sparse = getattr(A, "is_sparse", False) or getattr(B, "is_sparse", False)
    from .autograd.grad_mode import is_grad_enabled
    if is_grad_enabled() and (A.requires_grad or (B is not None and B.requires_grad)):
        if sparse:
            return _LOBPCGSparse.apply(A, B, args)
        # A's gradient is made symmetric (as PyTorch does) by differentiating through (A + A^T) / 2
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if B is not None else None
        return _LOBPCG.apply(A_sym, B_sym, args)
    if sparse:
        E, U = _forward(A, B, *args)
    else:
        E, U = _forward(A._data, None if B is None else B._data, *args)
    return _make(E), _make(U)
