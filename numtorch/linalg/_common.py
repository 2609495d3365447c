"""Shared pieces of ``numtorch.linalg``: the error class, PyTorch's input checks and messages, and the LU
factorization with partial pivoting (LAPACK getrf's pivots and ``info``), vectorized over the batch."""
from .._backend import xp
from .. import _dtype as D
from .._tensor import Tensor, _make
from .._ops._util import write_out


class LinAlgError(RuntimeError):
    """Raised for a singular or non-positive-definite input, as ``torch.linalg.LinAlgError`` (a RuntimeError)."""


LinAlgError.__module__ = "torch._C"
LinAlgError.__qualname__ = LinAlgError.__name__ = "_LinAlgError"


def type_name(arr):
    return D.scalar_name(arr.dtype)


def check_float(A, fname, what="input"):
    if not isinstance(A, Tensor):
        raise TypeError(f"{fname}(): argument '{'A' if what == 'input' else what}' must be Tensor, not "
                        f"{type(A).__name__}")
    if A._data.dtype.kind == "c":   # every function takes complex64/complex128, as PyTorch's (tests/complex)
        return
    if A._data.dtype.kind not in "fV" or A._data.dtype.itemsize < 4:
        got = type_name(A._data)
        if A._data.dtype.kind in "fV":  # float16 / bfloat16: LAPACK has no kernels for them
            _low_precision(A, fname, got)
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as {what}. Got {got}")


# the kernel PyTorch names when a float16/bfloat16 input reaches it (NotImplementedError), by function
_KERNELS = {"linalg.det": "lu_cpu", "linalg.lu_factor": "lu_cpu", "linalg.lu_factor_ex": "lu_cpu", "linalg.lu": "lu_cpu",
            "linalg.solve": "lu_cpu", "linalg.solve_ex": "lu_cpu", "linalg.lu_solve": "lu_cpu",
            "linalg.cholesky": "cholesky_cpu", "linalg.cholesky_ex": "cholesky_cpu", "linalg.qr": "geqrf_cpu",
            "linalg.eigh": "linalg_eigh_cpu", "linalg.eigvalsh": "linalg_eigh_cpu", "linalg.svd": "linalg_svd_cpu",
            "linalg.svdvals": "linalg_svd_cpu", "linalg.cond": "linalg_svd_cpu",
            "linalg.solve_triangular": "triangular_solve_cpu", "torch.linalg.householder_product": "orgqr_cpu"}


def _low_precision(A, fname, got):
    if fname in _KERNELS:
        raise NotImplementedError(f'"{_KERNELS[fname]}" not implemented for \'{got}\'')
    if fname == "linalg.pinv":
        raise RuntimeError(f"linalg.pinv({got}{{{list(A._data.shape)}}}): expected a tensor with 2 or more dimensions "
                           f"of float, double, cfloat or cdouble types")
    if fname in ("linalg.matrix_rank", "torch.linalg.lstsq"):
        raise RuntimeError("This function doesn't handle types other than float and double")
    raise RuntimeError(f"{fname.replace('inv_ex', 'inv')}: Low precision dtypes not supported. Got {got}")


def check_matrix(A, fname, square=False, what="A"):
    if A._data.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {what} must have at least 2 dimensions.")
    if square and A._data.shape[-1] != A._data.shape[-2]:
        m, n = A._data.shape[-2:]
        raise RuntimeError(f"{fname}: {what} must be batches of square matrices, but they are {m} by {n} matrices")


def check_square(A, fname, what="input"):
    check_float(A, fname, what)
    check_matrix(A, fname, True)


def check_same_dtype(A, B, fname, a="input", b="other"):
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{fname}: Expected {a} and {b} to have the same dtype, but got {a}'s dtype "
                           f"{type_name(A._data)} and {b}'s dtype {type_name(B._data)}")


def batch_prefix(info):
    """'' for one matrix, '(Batch element i): ' for the first failing one of a batch (``info`` per matrix)."""
    info = xp.asarray(info)
    if info.ndim == 0:
        return ""
    return f"(Batch element {int(xp.flatnonzero(info.reshape(-1))[0])}): "


def first_bad(info):
    flat = xp.asarray(info).reshape(-1)
    return int(flat[xp.flatnonzero(flat)[0]])


def lu_np(a):
    """LU with partial pivoting of the matrices in the last two dims (LAPACK getrf): returns the packed
    LU (unit-lower L below the diagonal, U on and above it), the 1-based int32 pivots (row i was swapped
    with row pivots[i]) and ``info`` (the 1-based index of the first zero pivot of U, 0 when none)."""
    a = xp.array(a, copy=True)
    batch = a.shape[:-2]
    m, n = a.shape[-2:]
    k = min(m, n)
    if a.size == 0:
        return a, xp.ones(batch + (k,), xp.int32) * xp.arange(1, k + 1, dtype=xp.int32), xp.zeros(batch, xp.int32)
    A = a.reshape((-1, m, n))
    nbat = A.shape[0]
    piv = xp.empty((nbat, k), xp.int32)
    info = xp.zeros(nbat, xp.int32)
    ar = xp.arange(nbat)
    cplx = A.dtype.kind == "c"
    # right-looking blocked LU (LAPACK getrf's order): an unblocked panel of _LU_BLOCK columns, its row swaps
    # applied to the other columns, then U12 = L11^-1 A12 and the trailing update A22 -= L21 U12 as matrix products
    for p0 in range(0, k, _LU_BLOCK):
        p1 = min(p0 + _LU_BLOCK, k)
        for j in range(p0, p1):
            # first maximum of |re| + |im| (|x| for real), as LAPACK's i*amax
            col = A[:, j:, j]
            p = j + xp.argmax(xp.abs(col.real) + xp.abs(col.imag) if cplx else xp.abs(col), axis=1)
            piv[:, j] = p + 1
            if (p != j).any():
                rj = A[ar, j, :].copy()
                A[ar, j, :] = A[ar, p, :]
                A[ar, p, :] = rj
            d = A[:, j, j]
            zero = d == 0
            info[(info == 0) & zero] = j + 1
            if j + 1 < m:
                # a zero pivot means the whole sub-column is zero: LAPACK skips the scaling
                A[:, j + 1:, j] *= xp.where(zero, 1, 1 / xp.where(zero, 1, d))[:, None]
                if j + 1 < p1:
                    A[:, j + 1:, j + 1:p1] -= A[:, j + 1:, j, None] * A[:, j, None, j + 1:p1]
        if p1 < n:
            L11 = xp.tril(A[:, p0:p1, p0:p1], -1) + xp.eye(p1 - p0, dtype=A.dtype)
            A[:, p0:p1, p1:] = xp.linalg.solve(L11, A[:, p0:p1, p1:])
            if p1 < m:
                A[:, p1:, p1:] -= A[:, p1:, p0:p1] @ A[:, p0:p1, p1:]
    return A.reshape(batch + (m, n)), piv.reshape(batch + (k,)), info.reshape(batch)


_LU_BLOCK = 16


def pivots_to_perm(piv, m):
    """The row permutation (as indices) that the LAPACK pivots apply: P^T A = L U with P[perm[i], i] = 1."""
    batch = piv.shape[:-1]
    if piv.size == 0:
        return xp.broadcast_to(xp.arange(m), batch + (m,)).copy()
    pv = piv.reshape((-1, piv.shape[-1])).astype(xp.int64) - 1
    nb = pv.shape[0]
    perm = xp.broadcast_to(xp.arange(m), (nb, m)).copy()
    ar = xp.arange(nb)
    for i in range(pv.shape[1]):
        t = perm[ar, i].copy()
        perm[ar, i] = perm[ar, pv[:, i]]
        perm[ar, pv[:, i]] = t
    return perm.reshape(batch + (m,))


def perm_matrix(perm, dtype):
    """P with P[perm[i], i] = 1 (so A = P L U when rows perm were moved to the top)."""
    m = perm.shape[-1]
    eye = xp.eye(m, dtype=dtype)
    # column i of P is e_{perm[i]}
    return xp.swapaxes(eye[perm], -1, -2)


def finish(r, out):
    if out is None:
        return r
    if isinstance(r, tuple):
        for o, v in zip(out, r):
            write_out(v, o)
        return type(r)._from(*out) if hasattr(type(r), "_from") else out
    return write_out(r, out)


def wrap(arr):
    return _make(xp.asarray(arr))
