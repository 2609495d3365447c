"""``torch.lobpcg``: the k largest (or smallest) eigenpairs of the symmetric generalized problem A X = B X E by
the locally optimal block preconditioned conjugate gradient method (Knyazev 2001).

Each iteration B-orthonormalizes the search space S = [X, W, P] (Ritz vectors X, preconditioned residuals
W = iK (A X - B X E), previous directions P), solves the small projected problem (S^T A S) C = C T with
``eigh`` and keeps the n extreme Ritz pairs; it stops once the first k pairs satisfy PyTorch's backward-stable
criterion ||r_i|| / (||x_i|| (||A|| + |e_i| ||B||)) < tol (Duersch et al. 2018, sec. 4.3). Dense A and B only.

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


def _b_orthonormalize(M, Bm, eps):
    BM = M if Bm is None else Bm @ M
    G = M.T @ BM
    G = 0.5 * (G + G.T)
    w, V = xp.linalg.eigh(G)
    keep = w > eps * max(float(w[-1]), 0.0) * 10 * M.shape[0]
    if not keep.any():
        return M[:, :0], BM[:, :0]
    scale = V[:, keep] / xp.sqrt(w[keep])
    return M @ scale, BM @ scale


def _run(A, B, X, iK, n, k, niter, tol, largest):
    """One problem: A (m, m), B (m, m) or None, X (m, n) start; returns (E[:k], X[:, :k])."""
    eps = xp.finfo(A.dtype).eps
    X, BX = _b_orthonormalize(X, B, eps)
    if X.shape[1] < n:   # a rank-deficient start: complete it with deterministic directions
        extra = xp.eye(A.shape[0], dtype=A.dtype)[:, :n]
        extra = extra - X @ (BX.T @ extra)
        Xe, BXe = _b_orthonormalize(extra, B, eps)
        X, BX = xp.concatenate([X, Xe[:, :n - X.shape[1]]], 1), xp.concatenate([BX, BXe[:, :n - X.shape[1]]], 1)
    AX = A @ X
    T = X.T @ AX
    theta, C = xp.linalg.eigh(0.5 * (T + T.T))
    order = xp.argsort(-theta if largest else theta, kind="stable")
    theta, C = theta[order], C[:, order]
    X, BX, AX = X @ C, BX @ C, AX @ C
    nx = float(xp.linalg.norm(X))
    A_norm = float(xp.linalg.norm(AX)) / nx
    B_norm = float(xp.linalg.norm(BX)) / nx
    P = None
    for _ in range(niter):
        R = AX - BX * theta
        rerr = xp.linalg.norm(R, axis=0) / (xp.linalg.norm(X, axis=0) * (A_norm + xp.abs(theta) * B_norm))
        if bool((rerr[:k] < tol).all()):
            break
        W = R[:, rerr >= tol]                      # converged columns need no new direction
        if iK is not None:
            W = iK @ W
        parts = [W] if P is None else [W, P]
        Z = xp.concatenate(parts, 1)
        for _ in range(2):
            Z = Z - X @ (BX.T @ Z)
        Z, BZ = _b_orthonormalize(Z, B, eps)
        if Z.shape[1] == 0:
            break
        for _ in range(2):                         # re-orthogonalize: the scaling above can amplify X's part
            Z = Z - X @ (BX.T @ (Z))
        Z, BZ = _b_orthonormalize(Z, B, eps)
        S = xp.concatenate([X, Z], 1)
        BS = xp.concatenate([BX, BZ], 1)
        AS = xp.concatenate([AX, A @ Z], 1)
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


def _forward(A, B, dtype, k, X, n, iK, niter, tol, largest):
    m = A.shape[-1]
    batch = A.shape[:-2]
    N = int(xp.prod(batch)) if batch else 1
    bA = A.reshape((N, m, m))
    bB = B.reshape((N, m, m)) if B is not None else None
    bX = (X.reshape((N,) + X.shape[-2:]) if batch else X[None]) if X is not None else None
    E = xp.empty((N, k), A.dtype)
    U = xp.empty((N, m, k), A.dtype)
    for i in range(N):
        if bX is None:
            from ._creation import randn
            X_ = randn((m, n), dtype=dtype)._data
        else:
            X_ = bX[i]
        if X_.shape != (m, n):
            raise AssertionError(f"X{'_' if batch else ''} shape mismatch: got {_size(X_.shape)}, "
                                 f"expected {(m, n)}")
        E[i], U[i] = _run(bA[i], None if bB is None else bB[i], X_.astype(A.dtype), iK, n, k, niter, tol,
                          largest)
    return E.reshape(batch + (k,)), U.reshape(batch + (m, k))


def _size(shape):
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): the k largest (``largest=False``: smallest) eigenvalues E and B-orthonormal eigenvectors X of
    the symmetric generalized problem A X = B X diag(E); A, B dense (..., m, m), B symmetric positive definite.
    ``n`` (>= k) vectors are iterated, at most ``niter`` times (default 1000), to relative residual ``tol``
    (default sqrt(eps)); ``iK`` is a preconditioner applied to the residuals."""
    if getattr(A, "is_sparse", False) or getattr(B, "is_sparse", False):
        raise NotImplementedError("numtorch.lobpcg supports dense A and B only (no sparse input)")
    if tracker is not None:
        raise NotImplementedError("numtorch.lobpcg does not support tracker: it has no LOBPCG worker object "
                                  "to pass to it")
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {_size(A.shape)}")
    if B is not None and tuple(A.shape) != tuple(B.shape):
        raise AssertionError(f"A and B must have same shape, got {_size(A.shape)} vs {_size(B.shape)}")
    dtype = A.dtype if A.dtype.is_floating_point else D.float32
    if A.dtype != dtype:
        A = A.to(dtype)
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
    iparams = {"niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if (method is None or method == "ortho"):
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
    Xd = None if X is None else X._data
    iKd = None if iK is None else iK._data.astype(A._data.dtype)
    args = (dtype, k, Xd, n, iKd, iparams["niter"], fparams["tol"], bparams["largest"])
    if B is not None and B.dtype != dtype:
        B = B.to(dtype)
    from .autograd.grad_mode import is_grad_enabled
    if is_grad_enabled() and (A.requires_grad or (B is not None and B.requires_grad)):
        # A's gradient is made symmetric (as PyTorch does) by differentiating through (A + A^T) / 2
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if B is not None else None
        return _LOBPCG.apply(A_sym, B_sym, args)
    E, U = _forward(A._data, None if B is None else B._data, *args)
    return _make(E), _make(U)
