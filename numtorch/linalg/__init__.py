"""``torch.linalg``: norms and products (here), solvers, inverses, determinants, Cholesky and LU (``_solve``),
QR / eigh / SVD and what is built on them (``_decomp``), matrix functions (``_matfun``), LDL^T (``_ldl``).

Every function is batched over leading dims; backwards are written in tensor ops (second-order gradients work).
``eig`` and ``eigvals`` (``_eig``) return complex tensors; every function takes complex64/complex128 inputs with
PyTorch's values and gradients (conjugate-Wirtinger convention; tests/complex/test_complex_linalg*.py): ^T reads as
^H where PyTorch's does (vecdot conjugates x, lu_solve's ``adjoint`` and ormqr's ``transpose`` are the conjugate
transpose, ldl_factor's ``hermitian=True`` is LAPACK hetrf), and complex LU / LDL pivots compare |re| + |im| as
LAPACK's.

Differences from PyTorch worth knowing:

- signs: NumPy's LAPACK (OpenBLAS) and PyTorch's (MKL) run the same routines (geqrf/orgqr, syevd, gesdd, getrf,
  sytrf), so Q/R of ``qr``, LU and pivots, LD and pivots agree; singular vectors and eigenvectors may come out with
  the opposite sign (and the completion columns of ``svd(full_matrices=True)`` in another basis), which is equally
  valid; gauge-invariant quantities (U diag(s) Vh, V diag(w) V^T, projectors) agree;
- ``lstsq`` solves through the pseudo-inverse for every driver (PyTorch's gelsy uses a pivoted QR): the same
  solution for full-rank inputs; the rank, residuals and singular values follow each driver's rules;
- ``inv_ex`` / ``solve_ex`` results for singular matrices hold the substitution's inf/nan, not LAPACK's exact
  values; ``cholesky_ex`` leaves LAPACK potf2's partial factor;
- functions composed of other ops (lu, lstsq, householder_product, lu_solve, cond, vander, ...) show the last
  op's ``grad_fn`` rather than PyTorch's dedicated node name; their gradients are PyTorch's.
"""
from .._ops.matmul import matmul
from .._ops.views import diagonal as _diagonal
from .._ops.matrix import cross as _cross
from .._ops.reduce import norm as _norm, amax as _amax, amin as _amin, sum as _sum
from .._ops.arith import abs as _abs

from ._common import LinAlgError, check_float as _check_float, type_name as _type_name
from ._solve import inv, inv_ex, solve, solve_ex, solve_triangular, det, slogdet, cholesky, cholesky_ex, lu, \
    lu_factor, lu_factor_ex, lu_solve
from ._decomp import qr, eigh, eigvalsh, svd, svdvals, pinv, matrix_rank, lstsq
from ._eig import eig, eigvals
from ._matfun import matrix_power, matrix_exp, householder_product, tensorinv, tensorsolve, vander, cond
from ._ldl import ldl_factor, ldl_factor_ex, ldl_solve

__all__ = ["matmul", "vecdot", "multi_dot", "cross", "diagonal", "vector_norm", "matrix_norm", "norm", "LinAlgError",
           "inv", "inv_ex", "solve", "solve_ex", "solve_triangular", "det", "slogdet", "cholesky", "cholesky_ex", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "qr", "eigh", "eigvalsh", "eig", "eigvals", "svd", "svdvals", "pinv", "matrix_rank",
           "lstsq", "matrix_power", "matrix_exp", "householder_product", "tensorinv", "tensorsolve",
           "vander", "cond", "ldl_factor", "ldl_factor_ex", "ldl_solve"]


def vecdot(x, y, *, dim=-1):
    """sum(conj(x) * y) over ``dim`` (x and y broadcast; the conjugate only for complex x)."""
    _check_float(x, "linalg.vecdot")
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{_type_name(x._data)} and y of type {_type_name(y._data)} instead")
    if x._data.dtype.kind == "c":
        x = x.conj()
    return _sum(x * y, dim)


def multi_dot(tensors, *, out=None):
    """A_1 @ A_2 @ ... @ A_n; the first may be 1-D (a row vector) and the last 1-D (a column vector)."""
    tensors = list(tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, n - 1) else (2,)
        if t.ndim not in allowed:
            which = "first" if i == 0 else "last" if i == n - 1 else None
            if which:
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    r = tensors[0]
    for t in tensors[1:]:
        r = matmul(r, t)
    if out is not None:
        out.copy_(r)
        return out
    return r


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and "
                           f"{other.shape[dim]}")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input._data)} but found {_type_name(other._data)}")
    return _cross(input, other, dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The ``offset`` diagonal of the matrices in dims (dim1, dim2), as a last dim."""
    return _diagonal(A, offset, dim1, dim2)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """(sum |x|^ord)^(1/ord) over ``dim`` (all elements when None); max |x| for ord=inf, min |x| for -inf,
    the count of non-zeros for ord=0."""
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, but got {ord!r}")
    r = _norm(x, ord, dim, keepdim, dtype)
    if out is not None:
        out.copy_(r)
        return out
    return r


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norms over the two dims ``dim``: 'fro' sqrt(sum A^2), 'nuc' the sum of singular values,
    2 / -2 the largest / smallest singular value, 1 / -1 the max / min absolute column sum, inf / -inf the
    max / min absolute row sum."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    nd = A.ndim
    d0, d1 = (d % nd for d in dim)
    if ord == "fro":
        r = _norm(A, 2, (d0, d1), keepdim)
    elif ord in ("nuc", 2, -2):
        # from svdvals, as PyTorch: its backward is a tensor-op formula, so second-order gradients work
        x = A.movedim((d0, d1), (nd - 2, nd - 1)) if (d0, d1) != (nd - 2, nd - 1) else A
        s = svdvals(x)
        r = _sum(s, -1) if ord == "nuc" else (_amax if ord > 0 else _amin)(s, -1)
        if keepdim:
            for ax in sorted((d0, d1)):
                r = r.unsqueeze(ax)
    elif ord in (1, -1, float("inf"), float("-inf")):
        summed, picked = (d0, d1) if ord in (1, -1) else (d1, d0)  # column sums for 1, row sums for inf
        red = _amax if ord > 0 else _amin
        r = red(_sum(_abs(A), summed, keepdim=True), picked, keepdim=True)
        if not keepdim:
            r = r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if out is not None:
        out.copy_(r)
        return out
    return r


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector norm (1-D input, an int ``dim``, or ord None over all elements) or a matrix norm
    (2-D input or a 2-tuple ``dim``), as ``torch.linalg.norm`` chooses."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dtype is not None:
            A = A.to(dtype)
        r = _norm(A, 2, dim, keepdim)
    elif (dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2):
        r = matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    elif (dim is not None and len(dim) == 1) or (dim is None and A.ndim == 1):
        r = vector_norm(A, ord, dim, keepdim, dtype=dtype)
    else:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    if out is not None:
        out.copy_(r)
        return out
    return r


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.linalg.{name}'")
