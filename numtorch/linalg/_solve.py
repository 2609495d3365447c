"""Inverses, determinants, linear solvers, Cholesky and LU: NumPy/LAPACK forwards, backwards in tensor ops
(so gradients of gradients work), PyTorch's checks, ``info`` codes and LinAlgError messages."""
from .._backend import xp
from ..autograd.function import Function
from .._tensor import _make
from .._ops._util import sum_to
from .._ops.copies import cat
from .._ops.pointwise_binary import where
from .. import return_types as _rt
from ._common import LinAlgError, check_float, check_matrix, check_square, batch_prefix, first_bad, lu_np, \
    pivots_to_perm, perm_matrix, finish, type_name


def _eye_like(A):
    n = A._data.shape[-1]
    return _make(xp.eye(n, dtype=A._data.dtype))


# ---------------------------------------------------------------------------------------------- inv
class Inv(Function):
    """X = A^-1; dA = -X^T g X^T."""
    _builtin = True
    _save_output = True
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        return _inv_np(a._data, "linalg.inv", True)[0]

    @staticmethod
    def backward(ctx, g):
        X = ctx.saved_output
        Xt = X.mT
        return -(Xt @ (g @ Xt))


def _inv_np(a, fname, check):
    """(inverse, info); raises LinAlgError for a singular matrix when ``check``."""
    if a.shape[-1] == 0:
        return xp.empty_like(a), xp.zeros(a.shape[:-2], xp.int32)
    try:
        return xp.linalg.inv(a), xp.zeros(a.shape[:-2], xp.int32)
    except xp.linalg.LinAlgError:
        pass
    lu, piv, info = lu_np(a)
    if check:
        raise LinAlgError(f"{fname}: {batch_prefix(info)}The diagonal element {first_bad(info)} is zero, the "
                          f"inversion could not be completed because the input matrix is singular.")
    ok = info == 0
    res = xp.empty_like(a)
    if ok.any():
        res[ok] = xp.linalg.inv(a[ok])
    with xp.errstate(all="ignore"):  # singular: the triangular solve divides by the zero pivot, as LAPACK
        eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
        bad = ~ok
        res[bad] = _lu_solve_np(lu[bad], piv[bad], eye[bad])
    return res, info


def _lu_solve_np(lu, piv, b):
    """Solve (P L U) X = B from a packed LU by substitution (used only where LAPACK's solve refused)."""
    n = lu.shape[-1]
    perm = pivots_to_perm(piv, n)
    x = xp.take_along_axis(b, perm[..., None], axis=-2).astype(lu.dtype)
    for i in range(n):                      # unit lower
        x[..., i, :] -= (lu[..., i, :i, None] * x[..., :i, :]).sum(-2)
    for i in range(n - 1, -1, -1):          # upper
        x[..., i, :] = (x[..., i, :] - (lu[..., i, i + 1:, None] * x[..., i + 1:, :]).sum(-2)) / lu[..., i, i, None]
    return x


def inv(A, *, out=None):
    """A^-1 of the square matrices in the last two dims."""
    check_square(A, "linalg.inv")
    return finish(Inv.apply(A), out)


def inv_ex(A, *, check_errors=False, out=None):
    """(A^-1, info) without raising for a singular matrix (info = the 1-based index of U's first zero pivot)."""
    check_square(A, "linalg.inv_ex")
    inv_np, info = _inv_np(A._data, "linalg.inv_ex", check_errors)
    if info.any():
        r = _make(inv_np)
    else:
        r = Inv.apply(A)
    return finish(_rt.linalg_inv_ex._from(r, _make(info)), out)


# ---------------------------------------------------------------------------------------------- solve
class Solve(Function):
    """X = A^-1 B (batch dims broadcast); dB = A^-T g, dA = -dB X^T."""
    _builtin = True
    _save_output = True
    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, fname):
        ctx.save_for_backward(a)
        ctx.shapes = a._data.shape, b._data.shape
        return _solve_np(a._data, b._data, fname, True)[0]

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        X = ctx.saved_output
        sa, sb = ctx.shapes
        gB = solve(A.mT, g)
        gA = -(gB @ X.mT) if ctx.needs_input_grad[0] else None
        return (sum_to(gA, sa) if gA is not None else None), sum_to(gB, sb), None


def _solve_np(a, b, fname, check):
    batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = xp.broadcast_to(a, batch + a.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    if a.shape[-1] == 0 or b.shape[-1] == 0:
        return xp.zeros(b.shape, a.dtype), xp.zeros(batch, xp.int32)
    try:
        return xp.linalg.solve(a, b), xp.zeros(batch, xp.int32)
    except xp.linalg.LinAlgError:
        pass
    lu, piv, info = lu_np(a)
    if check:
        raise LinAlgError(f"{fname}: {batch_prefix(info)}The solver failed because the input matrix is singular.")
    with xp.errstate(all="ignore"):
        return _lu_solve_np(lu, piv, b), info


def _solve_args(A, B, fname, left):
    check_float(A, fname)
    check_matrix(A, fname, True)
    check_float(B, fname)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{fname}: Expected A and B to have the same dtype, but found A of type "
                           f"{type_name(A._data)} and B of type {type_name(B._data)} instead")
    vector = B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])
    if vector:
        B = B.unsqueeze(-1)
    n = A._data.shape[-1]
    rows = B._data.shape[-2] if left else B._data.shape[-1]
    try:
        xp.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
        ok = rows == n
    except ValueError:
        ok = False
    if not ok:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B._data.shape[-2]}x{B._data.shape[-1]})")
    return B, vector


def solve(A, B, *, left=True, out=None):
    """X with A X = B (left=True) or X A = B; B may be a (batch of) vector(s)."""
    B, vector = _solve_args(A, B, "linalg.solve", left)
    if left:
        X = Solve.apply(A, B, "torch.linalg.solve")
    else:
        X = Solve.apply(A.mT, B.mT, "torch.linalg.solve").mT
    if vector:
        X = X.squeeze(-1)
    return finish(X, out)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(X, info): solve without raising for a singular A (info as in inv_ex)."""
    B2, vector = _solve_args(A, B, "linalg.solve_ex", left)
    a, b = (A._data, B2._data) if left else (xp.swapaxes(A._data, -1, -2), xp.swapaxes(B2._data, -1, -2))
    x, info = _solve_np(a, b, "torch.linalg.solve_ex", check_errors)
    if info.any():
        X = _make(x if left else xp.swapaxes(x, -1, -2))
        if vector:
            X = X.squeeze(-1)
    else:
        X = solve(A, B, left=left)
    return finish(_rt.linalg_solve_ex._from(X, _make(info)), out)


# ---------------------------------------------------------------------------------------------- triangular
def _tri(a, upper, unit):
    t = xp.triu(a) if upper else xp.tril(a)
    if unit:
        t = t.copy()
        idx = xp.arange(a.shape[-1])
        t[..., idx, idx] = 1
    return t


class SolveTriangular(Function):
    """X = T^-1 B with T the upper/lower (unit-)triangle of A; dB = T^-T g, dA = triangle of (-dB X^T)."""
    _builtin = True
    _save_output = True
    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, a, b, upper, unit):
        ctx.save_for_backward(a)
        ctx.upper, ctx.unit, ctx.shapes = upper, unit, (a._data.shape, b._data.shape)
        t = _tri(a._data, upper, unit)
        batch = xp.broadcast_shapes(t.shape[:-2], b._data.shape[:-2])
        t = xp.broadcast_to(t, batch + t.shape[-2:])
        bb = xp.broadcast_to(b._data, batch + b._data.shape[-2:])
        if t.shape[-1] == 0 or bb.shape[-1] == 0:
            return xp.zeros(bb.shape, t.dtype)
        try:
            return xp.linalg.solve(t, bb)
        except xp.linalg.LinAlgError:   # a zero on the diagonal: substitution gives LAPACK's inf/nan
            with xp.errstate(all="ignore"):
                return _tri_subst(t, bb, upper)

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        X = ctx.saved_output
        sa, sb = ctx.shapes
        gB = solve_triangular(A.mT, g, upper=not ctx.upper, unitriangular=ctx.unit)
        gA = None
        if ctx.needs_input_grad[0]:
            gA = -(gB @ X.mT)
            k = 1 if ctx.unit else 0
            gA = sum_to(gA.triu(k) if ctx.upper else gA.tril(-k), sa)
        return gA, sum_to(gB, sb), None, None


def _tri_subst(t, b, upper):
    n = t.shape[-1]
    x = xp.array(b, dtype=t.dtype, copy=True)
    order = range(n - 1, -1, -1) if upper else range(n)
    for i in order:
        lo, hi = (i + 1, n) if upper else (0, i)
        x[..., i, :] = (x[..., i, :] - (t[..., i, lo:hi, None] * x[..., lo:hi, :]).sum(-2)) / t[..., i, i, None]
    return x


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with T X = B (left) or X T = B, T the upper or lower triangle of A (unit diagonal if asked)."""
    fname = "linalg.solve_triangular"
    check_float(A, fname)
    check_float(B, fname)
    check_matrix(A, fname, True)
    check_matrix(B, fname, what="B")
    n = A._data.shape[-1]
    rows = B._data.shape[-2] if left else B._data.shape[-1]
    try:
        xp.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
        ok = rows == n
    except ValueError:
        ok = False
    if not ok:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B._data.shape[-2]}x{B._data.shape[-1]})")
    if A._data.dtype != B._data.dtype:
        dt = xp.result_type(A._data.dtype, B._data.dtype)
        A, B = A.to(A.dtype if A._data.dtype == dt else B.dtype), B.to(A.dtype if A._data.dtype == dt else B.dtype)
    if left:
        X = SolveTriangular.apply(A, B, upper, unitriangular)
    else:
        X = SolveTriangular.apply(A.mT, B.mT, not upper, unitriangular).mT
    return finish(X, out)


# ---------------------------------------------------------------------------------------------- det
class Det(Function):
    """det A; dA = g det(A) A^-T. Where A is singular (det A = 0) the gradient is 0, as PyTorch 2.x's
    (which multiplies by det A = 0 rather than forming the cofactor matrix)."""
    _builtin = True
    _save_output = True
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        if a._data.shape[-1] == 0:
            return xp.ones(a._data.shape[:-2], a._data.dtype)
        with xp.errstate(over="ignore"):   # a determinant beyond the dtype's range is inf, silently as torch
            return xp.asarray(xp.linalg.det(a._data))

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        d = ctx.saved_output
        gd = (g * d).unsqueeze(-1).unsqueeze(-1)
        singular = d._data == 0
        if not singular.any():
            return gd * inv(A).mT
        mask = _make(singular[..., None, None])
        safe = where(mask, _eye_like(A), A)
        return where(mask, gd * 0, gd * inv(safe).mT)


def det(A, *, out=None):
    """det A of the square matrices in the last two dims."""
    check_square(A, "linalg.det")
    return finish(Det.apply(A), out)


class Slogdet(Function):
    """(sign det A, log|det A|); d log|det A| / dA = A^-T (a real sign has no gradient). Complex A: sign is
    the phase det/|det|, d log|det| = Re tr(A^-1 dA), d sign = i sign Im tr(A^-1 dA), so
    gA = (g_logabsdet - i Im(conj(g_sign) sign)) A^-H."""
    _builtin = True
    _complex_aware = True
    node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        if a._data.shape[-1] == 0:
            sh = a._data.shape[:-2]
            s, l = xp.ones(sh, a._data.dtype), xp.zeros(sh, a._data.real.dtype)
        else:
            s, l = xp.linalg.slogdet(a._data)
        ctx.sign = s
        return xp.asarray(s), xp.asarray(l)   # sign has no gradient (real), but is part of the graph as torch

    @staticmethod
    def backward(ctx, gs, gl):
        A, = ctx.saved_tensors
        if A._data.dtype.kind != "c":
            return gl.unsqueeze(-1).unsqueeze(-1) * inv(A).mT
        from .._ops.complex import imag
        c = gl.to(A.dtype) if gl is not None else _make(xp.zeros(A._data.shape[:-2], A._data.dtype))
        if gs is not None:
            from .._grad_mode import is_grad_enabled
            # recomputed as an op when the backward is recorded, so second-order gradients see d sign / dA
            sign = Slogdet.apply(A)[0] if is_grad_enabled() else _make(xp.asarray(ctx.sign))
            c = c - 1j * imag(gs.conj() * sign)
        return c.unsqueeze(-1).unsqueeze(-1) * inv(A).mH


def slogdet(A, *, out=None):
    """(sign, logabsdet) with det A = sign * exp(logabsdet); (0, -inf) for a singular A."""
    check_square(A, "linalg.slogdet")
    s, l = Slogdet.apply(A)
    return finish(_rt.linalg_slogdet._from(s, l), out)


# ---------------------------------------------------------------------------------------------- cholesky
class Cholesky(Function):
    """L with A = L L^T (lower triangle of A read); dA = L^-T Phi(L^T g) L^-1 with Phi(X) the lower
    triangle of X, diagonal halved, mirrored to be symmetric (PyTorch's cholesky_backward)."""
    _builtin = True
    _complex_aware = True   # ^T read as ^H (Hermitian A = L L^H)
    _save_output = True
    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, fname, upper=False):
        # upper (complex inputs only): U = L^H with L from A^H's lower triangle, differentiated as PyTorch's
        # (its formula applied to L = U^H, gL = gU^H, without transposing the result back)
        ctx.upper = upper
        L, info = _chol_np(xp.swapaxes(a._data, -1, -2).conj() if upper else a._data)
        if upper and not info.any():
            return xp.swapaxes(L, -1, -2).conj()
        if info.any():
            raise LinAlgError(f"{fname}: {batch_prefix(info)}The factorization could not be completed because "
                              f"the input is not positive-definite (the leading minor of order {first_bad(info)} "
                              f"is not positive-definite).")
        return L

    @staticmethod
    def backward(ctx, g):
        L = ctx.saved_output
        if ctx.upper:
            L, g = L.mH, g.mH
        phi = (L.mH @ g).tril()
        phi = 0.5 * (phi + phi.tril(-1).mH)
        gA = solve_triangular(L.mH, phi, upper=True)
        return solve_triangular(L, gA, upper=False, left=False), None, None


def _chol_np(a):
    """(L, info): info = order of the first leading minor that is not positive-definite (0 when all are)."""
    batch = a.shape[:-2]
    try:
        return xp.linalg.cholesky(a), xp.zeros(batch, xp.int32)
    except xp.linalg.LinAlgError:
        pass
    n = a.shape[-1]
    flat = a.reshape((-1, n, n))
    L = xp.zeros_like(flat)
    info = xp.zeros(flat.shape[0], xp.int32)
    for b in range(flat.shape[0]):
        try:
            L[b] = xp.linalg.cholesky(flat[b])
            continue
        except xp.linalg.LinAlgError:
            pass
        lo, hi = 0, n   # the largest k whose leading minor factors (monotone in k)
        while lo < hi:
            k = (lo + hi + 1) // 2
            try:
                xp.linalg.cholesky(flat[b, :k, :k])
                lo = k
            except xp.linalg.LinAlgError:
                hi = k - 1
        info[b] = lo + 1
        # what LAPACK's potf2 leaves: columns < lo factored, the failing pivot's value a_jj - |L[j, :j]|^2
        # on the diagonal, the rest of A's lower triangle untouched
        L[b] = xp.tril(flat[b])
        if lo:
            L11 = xp.linalg.cholesky(flat[b, :lo, :lo])
            L[b, :lo, :lo] = L11
            L[b, lo:, :lo] = xp.linalg.solve(L11, flat[b, lo:, :lo].T).T
            L[b, lo, lo] = flat[b, lo, lo] - L[b, lo, :lo] @ L[b, lo, :lo]
    return L.reshape(a.shape), info.reshape(batch)


def cholesky(A, *, upper=False, out=None):
    """L (lower, A = L L^T) or U = L^T (upper=True, reading the upper triangle) of symmetric positive-definite A."""
    check_square(A, "linalg.cholesky")
    if upper:
        if A._data.dtype.kind == "c":
            return finish(Cholesky.apply(A, "linalg.cholesky", True), out)
        return finish(Cholesky.apply(A.mT, "linalg.cholesky").mT, out)
    return finish(Cholesky.apply(A, "linalg.cholesky"), out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info) without raising for a non-positive-definite A (info = order of the failing leading minor)."""
    check_square(A, "linalg.cholesky_ex")
    a = xp.swapaxes(A._data, -1, -2).conj() if upper else A._data
    L, info = _chol_np(a)
    if info.any():
        if check_errors:
            Cholesky.apply(A, "linalg.cholesky_ex", bool(upper))
        r = _make(xp.swapaxes(L, -1, -2).conj() if upper else L)
    else:
        r = cholesky(A, upper=upper)
    return finish(_rt.linalg_cholesky_ex._from(r, _make(info)), out)


# ---------------------------------------------------------------------------------------------- LU
class LUFactor(Function):
    """(LU packed, pivots) of A = P L U; the gradient of the packed LU is the gradients of its L part (strictly
    lower) and U part (upper), pulled back through A = P L U (square, wide and tall cases)."""
    _builtin = True
    _save_output = True
    node_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, a):
        lu, piv, info = lu_np(a._data)
        ctx.piv = piv
        ctx.mark_non_differentiable(piv, info)
        return lu, piv, info

    @staticmethod
    def backward(ctx, g, gp, gi):
        LU = ctx.saved_output
        m, n = LU._data.shape[-2:]
        k = min(m, n)
        P, L, U = _unpack(LU, ctx.piv)
        gL = g[..., :, :k].tril(-1)
        gU = g[..., :k, :].triu()
        return _lu_backward(gL, gU, P, L, U)


def _lu_backward(gL, gU, P, L, U):
    m, n = L._data.shape[-2], U._data.shape[-1]
    k = min(m, n)
    if m <= n:   # L square: gA1 = L^-T [tril_-1(L^T gL - gU2 U2^T) + triu(gU1 U1^T)] U1^-T, gA2 = L^-T gU2
        U1, gU1 = U[..., :, :k], gU[..., :, :k]
        inner = (L.mT @ gL)
        if n > k:
            inner = inner - gU[..., :, k:] @ U[..., :, k:].mT
        inner = inner.tril(-1) + (gU1 @ U1.mT).triu()
        gA = solve_triangular(U1.mT, inner, upper=False, left=False)
        if n > k:
            gA = cat([gA, gU[..., :, k:]], -1)
        gA = solve_triangular(L.mT, gA, upper=True, unitriangular=True)
    else:        # U square: gA1 = L1^-T [tril_-1(L1^T gL1) + triu(gU U^T - L2^T gL2)] U^-T, gA2 = gL2 U^-T
        L1, gL1, L2, gL2 = L[..., :k, :], gL[..., :k, :], L[..., k:, :], gL[..., k:, :]
        inner = (L1.mT @ gL1).tril(-1) + (gU @ U.mT - L2.mT @ gL2).triu()
        gA1 = solve_triangular(L1.mT, inner, upper=True, unitriangular=True)
        gA = solve_triangular(U.mT, cat([gA1, gL2], -2), upper=False, left=False)
    return P @ gA


def _unpack(LU, piv):
    m, n = LU._data.shape[-2:]
    k = min(m, n)
    dt = LU._data.dtype
    perm = pivots_to_perm(piv, m)
    P = _make(perm_matrix(perm, dt))
    L = LU[..., :, :k].tril(-1) + _make(xp.eye(m, k, dtype=dt))
    U = LU[..., :k, :].triu()
    return P, L, U


def _lu_factor_impl(A, fname, pivot):
    check_float(A, fname)
    check_matrix(A, fname)
    if not pivot:
        raise RuntimeError(f"{fname}: LU without pivoting is not implemented on the CPU")
    return LUFactor.apply(A)


def lu_factor(A, *, pivot=True, out=None):
    """(LU, pivots): A = P L U packed into one matrix (L unit lower below the diagonal), LAPACK's 1-based pivots."""
    LU, piv, info = _lu_factor_impl(A, "linalg.lu_factor", pivot)
    if info._data.any():
        i = first_bad(info._data)
        raise RuntimeError(f"torch.linalg.lu_factor: {batch_prefix(info._data)}U[{i},{i}] is zero and using it on "
                           f"lu_solve would result in a division by zero. If you still want to perform the "
                           f"factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return finish(_rt.linalg_lu_factor._from(LU, piv), out)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """(LU, pivots, info) of lu_factor; info is the 1-based index of U's first zero pivot (0 when none)."""
    LU, piv, info = _lu_factor_impl(A, "linalg.lu_factor_ex", pivot)
    if check_errors and info._data.any():
        raise LinAlgError(f"linalg.lu_factor_ex: {batch_prefix(info._data)}The factorization could not be "
                          f"completed because the input is singular.")
    return finish(_rt.linalg_lu_factor_ex._from(LU, piv, info), out)


def lu(A, *, pivot=True, out=None):
    """(P, L, U) with A = P L U: P a permutation, L unit lower (m x k), U upper (k x n), k = min(m, n)."""
    LU, piv, info = _lu_factor_impl(A, "linalg.lu", pivot)
    P, L, U = _unpack(LU, piv._data)
    return finish(_rt.linalg_lu._from(P, L, U), out)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) from lu_factor's packed LU and pivots."""
    dt = LU_data._data.dtype
    P, L, U = _unpack(LU_data, LU_pivots._data)
    if not unpack_data:
        L = _make(xp.empty((0,), dt))
        U = _make(xp.empty((0,), dt))
    if not unpack_pivots:
        P = _make(xp.empty((0,), dt))
    return finish(_rt.lu_unpack._from(P, L, U), out)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (left) or X A = B, A^T in place of A when ``adjoint``, from A's lu_factor."""
    fname = "linalg.lu_solve"
    check_float(LU, fname)
    check_matrix(LU, fname, True, what="LU")
    check_float(B, fname)
    check_matrix(B, fname, what="B")
    if LU._data.dtype != B._data.dtype:
        raise RuntimeError(f"{fname}: Expected LU and B to have the same dtype, but found LU of type "
                           f"{type_name(LU._data)} and B of type {type_name(B._data)} instead")
    n = LU._data.shape[-1]
    if (B._data.shape[-2] if left else B._data.shape[-1]) != n:
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B._data.shape[-2]}x{B._data.shape[-1]})")
    P, L, U = _unpack(LU, pivots._data)
    if not left:   # X A = B  <=>  A^H X^H = B^H (and X A^H = B <=> A X^H = B^H)
        return finish(lu_solve(LU, pivots, B.mH, left=True, adjoint=not adjoint).mH, out)
    if not adjoint:   # X = U^-1 L^-1 P^T B
        Y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
        X = solve_triangular(U, Y, upper=True)
    else:             # A^H = U^H L^H P^T: X = P L^-H U^-H B (the conjugate transpose for complex A, as PyTorch)
        Y = solve_triangular(U.mH, B, upper=False)
        X = P @ solve_triangular(L.mH, Y, upper=True, unitriangular=True)
    return finish(X, out)


__all__ = []
