"""LDL^T of symmetric matrices with Bunch-Kaufman pivoting (LAPACK sytf2, lower triangle: the LD and pivots
PyTorch returns) and the solve from it (sytrs); complex Hermitian input with ``hermitian=True`` takes hetf2 / hetrs
(A = L D L^H), complex symmetric input sytf2 / sytrs with complex arithmetic. Neither is differentiable in PyTorch: backward raises as there."""
import math

from .._backend import xp
from ..autograd.function import Function
from .._tensor import _make
from .. import return_types as _rt
from ._common import check_float, check_matrix, finish, first_bad, type_name

_ALPHA = (1 + math.sqrt(17)) / 8   # the Bunch-Kaufman growth bound


def _cabs1(x):
    """|re| + |im|: the magnitude LAPACK's complex pivot searches compare (|x| for real values)."""
    return xp.abs(x.real) + xp.abs(x.imag)


def _sytf2(a, herm=False):
    """In place on one n x n matrix (its lower triangle): returns (pivots 1-based, info). ``herm``: LAPACK hetf2
    (A = L D L^H of a Hermitian matrix, real diagonal read), else sytf2 (A = L D L^T, complex symmetric too)."""
    n = a.shape[0]
    ipiv = xp.zeros(n, xp.int32)
    info = 0
    k = 0
    cj = xp.conj if herm else (lambda v: v)
    re = (lambda v: v.real) if herm else (lambda v: v)
    while k < n:
        kstep = 1
        absakk = float(abs(a[k, k].real) if herm else _cabs1(a[k, k]))
        if k < n - 1:
            imax = k + 1 + int(xp.argmax(_cabs1(a[k + 1:, k])))
            colmax = float(_cabs1(a[imax, k]))
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or math.isnan(absakk):
            if info == 0:
                info = k + 1
            kp = k
            if herm:
                a[k, k] = a[k, k].real
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                jmax = k + int(xp.argmax(_cabs1(a[imax, k:imax])))
                rowmax = float(_cabs1(a[imax, jmax]))
                if imax < n - 1:
                    jmax = imax + 1 + int(xp.argmax(_cabs1(a[imax + 1:, imax])))
                    rowmax = max(rowmax, float(_cabs1(a[jmax, imax])))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif float(abs(a[imax, imax].real) if herm else _cabs1(a[imax, imax])) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp = imax
                    kstep = 2
            kk = k + kstep - 1
            if kp != kk:   # swap rows and columns kk and kp of the trailing lower triangle
                if kp < n - 1:
                    t = a[kp + 1:, kk].copy()
                    a[kp + 1:, kk] = a[kp + 1:, kp]
                    a[kp + 1:, kp] = t
                t = cj(a[kk + 1:kp, kk].copy())
                a[kk + 1:kp, kk] = cj(a[kp, kk + 1:kp])
                a[kp, kk + 1:kp] = t
                if herm:
                    a[kp, kk] = xp.conj(a[kp, kk])
                a[kk, kk], a[kp, kp] = re(a[kp, kp]), re(a[kk, kk])
                if kstep == 2:
                    if herm:
                        a[k, k] = a[k, k].real
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            elif herm:
                a[k, k] = a[k, k].real
                if kstep == 2:
                    a[k + 1, k + 1] = a[k + 1, k + 1].real
            if kstep == 1:
                if k < n - 1:
                    d11 = 1.0 / re(a[k, k])
                    x = a[k + 1:, k].copy()
                    a[k + 1:, k + 1:] -= xp.tril(d11 * xp.outer(x, cj(x)))
                    if herm:   # zher keeps the diagonal real
                        idx = xp.arange(k + 1, n)
                        a[idx, idx] = a[idx, idx].real
                    a[k + 1:, k] *= d11
            elif k < n - 2:
                if herm:
                    d = abs(a[k + 1, k])
                    d11 = a[k + 1, k + 1].real / d
                    d22 = a[k, k].real / d
                    tt = 1.0 / (d11 * d22 - 1.0)
                    d21 = a[k + 1, k] / d
                    d = tt / d
                    ck, ck1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                    wk = d * (d11 * ck - d21 * ck1)
                    wkp1 = d * (d22 * ck1 - xp.conj(d21) * ck)
                    a[k + 2:, k + 2:] -= xp.tril(xp.outer(ck, xp.conj(wk)) + xp.outer(ck1, xp.conj(wkp1)))
                    idx = xp.arange(k + 2, n)
                    a[idx, idx] = a[idx, idx].real
                else:
                    d21 = a[k + 1, k]
                    d11 = a[k + 1, k + 1] / d21
                    d22 = a[k, k] / d21
                    t = 1.0 / (d11 * d22 - 1.0)
                    d21 = t / d21
                    ck, ck1 = a[k + 2:, k].copy(), a[k + 2:, k + 1].copy()
                    wk = d21 * (d11 * ck - ck1)
                    wkp1 = d21 * (d22 * ck1 - ck)
                    a[k + 2:, k + 2:] -= xp.tril(xp.outer(ck, wk) + xp.outer(ck1, wkp1))
                a[k + 2:, k] = wk
                a[k + 2:, k + 1] = wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return ipiv, info


def _sytrs(ld, ipiv, b, herm=False):
    """X with A X = B from one sytf2 factorization (lower); hetrs (A = L D L^H) when ``herm``."""
    n = ld.shape[0]
    b = b.copy()
    cj = xp.conj if herm else (lambda v: v)
    k = 0
    while k < n:                                  # L D Y = P^T B
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= xp.outer(ld[k + 1:, k], b[k])
            b[k] /= ld[k, k].real if herm else ld[k, k]
            k += 1
        else:
            kp = -ipiv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            if k < n - 2:
                b[k + 2:] -= xp.outer(ld[k + 2:, k], b[k]) + xp.outer(ld[k + 2:, k + 1], b[k + 1])
            akm1k = ld[k + 1, k]
            akm1, ak = ld[k, k] / cj(akm1k), ld[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1, bk = b[k] / cj(akm1k), b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:                                 # L^T P^T X = Y (L^H when herm)
        if ipiv[k] > 0:
            b[k] -= cj(ld[k + 1:, k]) @ b[k + 1:]
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= cj(ld[k + 1:, k]) @ b[k + 1:]
            b[k - 1] -= cj(ld[k + 1:, k - 1]) @ b[k + 1:]
            kp = -ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


class _LDLFactor(Function):
    _builtin = True
    node_name = "LinalgLdlFactorExBackward0"

    @staticmethod
    def forward(ctx, a, herm):
        d = a._data
        n = d.shape[-1]
        if d.size == 0:
            return d.copy(), xp.zeros(d.shape[:-1], xp.int32), xp.zeros(d.shape[:-2], xp.int32)
        flat = xp.tril(d.reshape((-1, n, n))).astype(d.dtype, copy=True)
        piv = xp.zeros((flat.shape[0], n), xp.int32)
        info = xp.zeros(flat.shape[0], xp.int32)
        with xp.errstate(all="ignore"):
            for i in range(flat.shape[0]):
                piv[i], info[i] = _sytf2(flat[i], herm)
        return flat.reshape(d.shape), piv.reshape(d.shape[:-1]), info.reshape(d.shape[:-2])

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented")


class _LDLSolve(Function):
    _builtin = True
    node_name = "LinalgLdlSolveBackward0"

    @staticmethod
    def forward(ctx, LD, pivots, B, herm):
        ld, piv, b = LD._data, pivots._data, B._data
        batch = xp.broadcast_shapes(ld.shape[:-2], piv.shape[:-1], b.shape[:-2])
        n = ld.shape[-1]
        if ld.size == 0 or b.size == 0:
            return xp.zeros(batch + b.shape[-2:], ld.dtype)
        ld = xp.broadcast_to(ld, batch + ld.shape[-2:]).reshape((-1, n, n))
        piv = xp.broadcast_to(piv, batch + piv.shape[-1:]).reshape((-1, n))
        bb = xp.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
        out = xp.empty(bb.shape, ld.dtype)
        with xp.errstate(all="ignore"):
            for i in range(bb.shape[0]):
                out[i] = _sytrs(ld[i], piv[i], bb[i], herm)
        return out.reshape(batch + b.shape[-2:])

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented")


def _ldl_impl(A, fname, check_errors, hermitian):
    check_float(A, "torch.linalg.ldl_factor_ex")
    check_matrix(A, "torch.linalg.ldl_factor_ex", True)
    # LAPACK hetrf for complex Hermitian input; real input: sytrf either way, as PyTorch
    LD, piv, info = _LDLFactor.apply(A, bool(hermitian) and A._data.dtype.kind == "c")
    if check_errors and info._data.any():
        raise RuntimeError(f"{fname}: Unknown error code: {first_bad(info._data)}.")
    return LD, piv, info


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """(LD, pivots, info): A = P L D L^T P^T with D 1x1/2x2 blocks (Bunch-Kaufman), packed as LAPACK sytrf
    (lower triangle); pivots > 0 a 1x1 block swapped with that row, a negative pair a 2x2 block."""
    LD, piv, info = _ldl_impl(A, "torch.linalg.ldl_factor_ex", check_errors, hermitian)
    return finish(_rt.linalg_ldl_factor_ex._from(LD, piv, info), out)


def ldl_factor(A, *, hermitian=False, out=None):
    """(LD, pivots) of ldl_factor_ex; a zero pivot block raises (PyTorch's 'Unknown error code')."""
    LD, piv, info = _ldl_impl(A, "torch.linalg.ldl_factor", True, hermitian)
    return finish(_rt.linalg_ldl_factor._from(LD, piv), out)


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """X with A X = B from A's ldl_factor."""
    fname = "torch.linalg.ldl_solve"
    check_float(LD, fname)
    check_matrix(LD, fname, True, what="LD")
    check_matrix(B, fname, what="B")
    n = LD._data.shape[-1]
    if B._data.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {fname}: each A matrix is {n} by {n} but each b matrix is "
                           f"{B._data.shape[-2]} by {B._data.shape[-1]}")
    if LD._data.dtype != B._data.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(B._data)} and A "
                           f"of type {type_name(LD._data)} instead.")
    return finish(_LDLSolve.apply(LD, pivots, B, bool(hermitian) and LD._data.dtype.kind == "c"), out)


__all__ = []
