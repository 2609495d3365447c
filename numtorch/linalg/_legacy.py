"""The older top-level spellings (``torch.det``, ``torch.svd``, ``torch.cholesky_solve``, ...) and their
Tensor methods, each a thin wrapper of the ``torch.linalg`` function with the old argument order and returns;
the deprecated ones warn once per process with PyTorch's text."""
import warnings

from .._backend import xp
from .._tensor import _make, register_methods
from .. import return_types as _rt
from ._common import check_float, check_matrix, finish, type_name
from . import _solve, _decomp, _matfun

_warned = set()


def _warn_once(key, text):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(text, UserWarning, stacklevel=3)


def det(input):
    """det A (torch.linalg.det)."""
    return _solve.det(input)


def logdet(input):
    """log det A: nan where det A < 0, -inf where it is 0 (from slogdet); complex A: log|det A| + i arg det A."""
    check_float(input, "linalg.slogdet")
    sign, logabs = _solve.slogdet(input)
    if input._data.dtype.kind == "c":   # the complex log: log|det| + i arg(det); a zero det gives -inf + nan i as torch
        from .._ops.pointwise_binary import where
        r = logabs + 1j * sign.angle()
        zero = sign._data == 0
        return where(_make(zero), _make(xp.asarray(complex(-xp.inf, xp.nan), r._data.dtype)), r) if zero.any() else r
    from .._ops.pointwise_binary import where
    return where(_make(sign._data < 0), _make(xp.asarray(xp.nan, logabs._data.dtype)), logabs)


def slogdet(input, *, out=None):
    """(sign, logabsdet) as torch.return_types.slogdet."""
    s, l = _solve.slogdet(input)
    return finish(_rt.slogdet._from(s, l), out)


def inverse(input, *, out=None):
    """A^-1 (torch.linalg.inv)."""
    return _solve.inv(input, out=out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """(U, S, V) with A = U diag(S) V^H (V, not Vh); some=False gives square U and V; compute_uv=False gives
    zero-filled U (m x m) and V (n x n)."""
    check_float(input, "linalg.svd")
    check_matrix(input, "linalg.svd")
    if not compute_uv:
        m, n = input._data.shape[-2:]
        b = input._data.shape[:-2]
        S = _decomp.svdvals(input)
        dt = input._data.dtype
        r = _rt.svd._from(_make(xp.zeros(b + (m, m), dt)), S, _make(xp.zeros(b + (n, n), dt)))
    else:
        U, S, Vh = _decomp.svd(input, full_matrices=not some)
        r = _rt.svd._from(U, S, Vh.mH)
    return finish(r, out)


def cholesky(input, upper=False, *, out=None):
    """Deprecated torch.cholesky: L (or U = L^T when upper)."""
    _warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
               "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)"
               "\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
               "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.")
    return _solve.cholesky(input, upper=upper, out=out)


def cholesky_solve(B, L, upper=False, *, out=None):
    """X with (L L^H) X = B (or (U^H U) X = B when upper), L from cholesky (^H is ^T for real L). The gradient reaches every entry of
    the factor (PyTorch's formula: -(gB X^T + X gB^T) L), so it is taken through A = L L^T."""
    check_float(B, "linalg.cholesky_solve")
    if B._data.dtype != L._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(B._data)} and A "
                           f"of type {type_name(L._data)} instead.")
    A = L.mH @ L if upper else L @ L.mH
    return finish(_solve.solve(A, B), out)


def cholesky_inverse(L, upper=False, *, out=None):
    """(L L^H)^-1 (or (U^H U)^-1 when upper) from a Cholesky factor (gradient through A = L L^T, as torch)."""
    check_float(L, "cholesky_inverse")
    check_matrix(L, "cholesky_inverse", True)
    A = L.mH @ L if upper else L @ L.mH
    return finish(_solve.inv(A), out)


def qr(input, some=True, *, out=None):
    """Deprecated torch.qr: (Q, R), reduced when ``some`` else complete."""
    _warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
               "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
               "Q, R = torch.qr(A, some)\nshould be replaced with\n"
               "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    Q, R = _decomp.qr(input, "reduced" if some else "complete")
    return finish(_rt.qr._from(Q, R), out)


def lu(A, pivot=True, get_infos=False, out=None):
    """Deprecated torch.lu: (LU, pivots), with the per-matrix info when ``get_infos`` (else a zero pivot raises)."""
    _warn_once("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will "
               "be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced "
               "with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
               "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
               "torch.linalg.lu_factor_ex(A, compute_pivots)")
    LU, piv, info = _solve.lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    r = _rt._lu_with_info._from(LU, piv, info) if get_infos else (LU, piv)
    return finish(r, out) if out is not None else r


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Deprecated torch.lu_solve(B, LU, pivots) = torch.linalg.lu_solve(LU, pivots, B)."""
    _warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
               "future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
               "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    return _solve.lu_solve(LU_data, LU_pivots, b, out=out)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Deprecated: (X, copy of A) with T X = b, T = A's upper/lower triangle (transposed when asked)."""
    _warn_once("triangular_solve", "torch.triangular_solve is deprecated in favor of "
               "torch.linalg.solve_triangularand will be removed in a future PyTorch release.\n"
               "torch.linalg.solve_triangular has its arguments reversed and does not return a copy of one of the "
               "inputs.\nX = torch.triangular_solve(B, A).solution\nshould be replaced with\n"
               "X = torch.linalg.solve_triangular(A, B).")
    T = A.mT if transpose else A
    X = _solve.solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    return finish(_rt.triangular_solve._from(X, A.clone()), out)


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse with singular values <= rcond * s_max dropped."""
    return _decomp.pinv(input, rtol=rcond)


def matrix_power(input, n):
    return _matfun.matrix_power(input, n)


def matrix_exp(input):
    return _matfun.matrix_exp(input)


def orgqr(input, tau):
    """The first n columns of the product of geqrf's Householder reflectors (householder_product)."""
    return _matfun.householder_product(input, tau)


geqrf = _matfun.geqrf
ormqr = _matfun.ormqr
lu_unpack = _solve.lu_unpack

TOP_LEVEL = ["det", "logdet", "slogdet", "inverse", "svd", "cholesky", "cholesky_solve", "cholesky_inverse", "qr",
             "lu", "lu_solve", "lu_unpack", "triangular_solve", "pinverse", "matrix_power", "matrix_exp", "geqrf",
             "orgqr", "ormqr"]

register_methods({name: globals()[name] for name in TOP_LEVEL if name not in ("lu_unpack",)})
