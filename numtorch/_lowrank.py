"""``torch.svd_lowrank`` / ``torch.pca_lowrank``: randomized low-rank SVD (Halko, Martinsson & Tropp 2009,
algorithms 4.4 and 5.1), step for step as PyTorch's ``torch._lowrank`` so that a seeded run draws the same
Gaussian test matrix (numtorch's ``randn`` is PyTorch's stream) and returns the same factors.

Q = orth(A R), R ~ N(0, 1) of shape (n, q), refined by ``niter`` power iterations Q = orth(A orth(A^H Q));
then B = Q^H A = U_B S V^H and U = Q U_B. A wide A (m < n) is handled through A^H. Differentiable through
matmul, QR and SVD."""
from . import _creation as C
from . import _dtype as D

__all__ = ["svd_lowrank", "pca_lowrank"]


def _floating(A):
    return A.dtype if A.dtype.is_floating_point or A.dtype.is_complex else D.float32


def _matmul(A, B):
    if A is None:
        return None
    if getattr(A, "is_sparse", False):
        from . import sparse
        return sparse.mm(A, B)
    from ._ops import matmul
    return matmul(A, B)


def _approximate_basis(A, q, niter=2, M=None):
    from .linalg import qr
    niter = 2 if niter is None else niter
    R = C.randn(A.shape[-1], q, dtype=_floating(A))
    X = _matmul(A, R)
    if M is not None:
        X = X - _matmul(M, R)
    Q = qr(X).Q
    for _ in range(niter):
        X = _matmul(A.mH, Q)
        if M is not None:
            X = X - _matmul(M.mH, Q)
        Q = qr(X).Q
        X = _matmul(A, Q)
        if M is not None:
            X = X - _matmul(M, Q)
        Q = qr(X).Q
    return Q


def _svd_lowrank(A, q=6, niter=2, M=None):
    from .linalg import svd
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.size())
    if m < n:
        A = A.mH
        if M is not None:
            M = M.mH
    Q = _approximate_basis(A, q, niter=niter, M=M)
    B = _matmul(Q.mH, A)
    if M is not None:
        B = B - _matmul(Q.mH, M)
    U, S, Vh = svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if m < n:
        U, V = V, U
    return U, S, V


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A - M ~ U diag(S) V^H of rank ``q`` (``M`` defaults to zero)."""
    return _svd_lowrank(A, q=q, niter=niter, M=M)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of the rank-``q`` SVD of A minus its column means (when ``center``): the principal directions
    are the columns of V."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not (niter >= 0):
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter=niter, M=None)
    if getattr(A, "is_sparse", False):
        if len(A.shape) != 2:
            raise ValueError("pca_lowrank input is expected to be 2-dimensional tensor")
        c = A.to_dense().mean(dim=(-2,), keepdim=True)
        M = c.expand(m, n)
        return _svd_lowrank(A, q, niter=niter, M=M)
    c = A.mean(dim=(-2,), keepdim=True)
    return _svd_lowrank(A - c, q, niter=niter, M=None)
