"""Matrix functions and products built on the solvers: matrix_power, matrix_exp, Householder products,
tensorinv/tensorsolve, vander, cond."""
import math

from .._backend import xp
from ..autograd.function import Function
from .._tensor import Tensor, _make
from .._ops.copies import cat
from .._ops.pointwise_binary import where
from .. import return_types as _rt
from ._common import check_float, check_matrix, check_square, finish, type_name
from ._solve import inv, inv_ex, solve
from ._decomp import svdvals


def matrix_power(A, n, *, out=None):
    """A^n by repeated squaring (n < 0: (A^-1)^|n|, n = 0: the identity)."""
    check_matrix(A, "linalg.matrix_power", True)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
    if n == 0:
        eye = xp.broadcast_to(xp.eye(A._data.shape[-1], dtype=A._data.dtype), A._data.shape)
        return finish(_make(eye.copy()) if not A.requires_grad else A * 0 + _make(eye), out)
    if n < 0:
        A = inv(A)
        n = -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    if result is A:
        result = A.clone()
    return finish(result, out)


# ---------------------------------------------------------------------------------------------- exp
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm_np(a):
    """exp(A) by scaling and squaring with the [13/13] Pade approximant (Higham 2005), each matrix of the batch
    scaled by its own power of two; computed in float64 (complex128 for complex inputs)."""
    dt = a.dtype
    a = a.astype(xp.complex128 if dt.kind == "c" else xp.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.astype(dt)
    norm1 = xp.abs(a).sum(-2).max(-1)
    with xp.errstate(divide="ignore"):
        s = xp.maximum(0, xp.ceil(xp.log2(norm1 / _THETA13))).astype(xp.int64)
    s = xp.where(xp.isfinite(norm1), s, 0)
    a = a / (2.0 ** s)[..., None, None]
    b = _PADE13
    ident = xp.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
    with xp.errstate(all="ignore"):
        r = xp.linalg.solve(v - u, v + u)
        for i in range(int(s.max()) if s.size else 0):
            r = xp.where((i < s)[..., None, None], r @ r, r)
    return r.astype(dt)   # float16 / bfloat16 too: computed in float64, rounded once


class MatrixExp(Function):
    """exp(A) = sum A^k / k!; dA = the top-right block of exp([[A^T, g], [0, A^T]]) (the block-triangular
    identity for the Frechet derivative's adjoint), itself differentiable."""
    _builtin = True
    node_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm_np(a._data)

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        n = A._data.shape[-1]
        At = A.mT
        z = At * 0
        top = cat([At, g], -1)
        bottom = cat([z, At], -1)
        big = MatrixExp.apply(cat([top, bottom], -2))
        return big[..., :n, n:]


def matrix_exp(A):
    """exp(A) of the square matrices in the last two dims."""
    if A._data.dtype.kind not in "fVc":
        check_float(A, "linalg.matrix_exp")
    check_matrix(A, "linalg.matrix_exp", True)
    return MatrixExp.apply(A)


# ---------------------------------------------------------------------------------------------- Householder
def _reflectors(A):
    """V with the Householder vectors as columns: 1 on the diagonal, A's entries below it, 0 above."""
    m, n = A._data.shape[-2:]
    return A.tril(-1) + _make(xp.eye(m, n, dtype=A._data.dtype))


def _apply_reflectors(V, tau, C, left, trans):
    """Q C, Q^H C, C Q or C Q^H with Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H (k = len(tau); H_i^H takes
    conj(tau_i); ^H is ^T for real inputs, as LAPACK's ormqr / unmqr)."""
    k = tau._data.shape[-1]
    forward_order = (left and trans) or (not left and not trans)
    order = range(k) if forward_order else range(k - 1, -1, -1)
    if trans and tau._data.dtype.kind == "c":
        tau = tau.conj()
    for i in order:
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        if left:
            C = C - (v * t) @ (v.mH @ C)
        else:
            C = C - ((C @ v) * t) @ v.mH
    return C


def householder_product(A, tau, *, out=None):
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^H with v_i column i of A below the
    diagonal (1 on it); differentiable in A and tau."""
    fname = "torch.linalg.householder_product"
    check_matrix(A, fname.replace("torch.", ""))
    if tau._data.ndim < 1:
        raise RuntimeError(f"{fname}: input must have at least 1 dimension.")
    m, n = A._data.shape[-2:]
    if m < n:
        raise RuntimeError(f"{fname}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if n < tau._data.shape[-1]:
        raise RuntimeError(f"{fname}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if A._data.dtype != tau._data.dtype:
        raise RuntimeError(f"{fname}: tau dtype {type_name(tau._data)} does not match input dtype "
                           f"{type_name(A._data)}")
    check_float(A, fname)
    eye = _make(xp.broadcast_to(xp.eye(m, n, dtype=A._data.dtype), A._data.shape[:-2] + (m, n)).copy())
    if tau._data.shape[-1] == 0 or A._data.size == 0:   # no reflector: the identity, still part of the graph
        return finish(eye + A * 0 + (tau.sum(-1) * 0).unsqueeze(-1).unsqueeze(-1), out)
    return finish(_apply_reflectors(_reflectors(A), tau, eye, True, False), out)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    """Q C, Q^H C, C Q or C Q^H (``transpose``; Q^T for real input) with Q the product of geqrf's Householder
    reflectors."""
    fname = "torch.ormqr"
    check_float(input, fname)
    if input._data.ndim < 2:
        raise RuntimeError(f"{fname}: input must have at least 2 dimensions.")
    if other._data.ndim < 2:
        raise RuntimeError(f"{fname}: other must have at least 2 dimensions.")
    if input._data.dtype != tau._data.dtype:
        raise RuntimeError(f"{fname}: Expected input and tau to have the same dtype, but input has dtype"
                           f"{type_name(input._data)} and tau has dtype {type_name(tau._data)}")
    if tau._data.shape[:-1] != input._data.shape[:-2]:
        raise RuntimeError(f"{fname}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau._data.shape[:-1])}")
    rows = other._data.shape[-2] if left else other._data.shape[-1]
    if rows != input._data.shape[-2]:
        which = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"{fname}: {which} must be equal to input.shape[-2]")
    if tau._data.shape[-1] > min(rows, input._data.shape[-1]):
        raise RuntimeError(f"{fname}: tau.shape[-1] must be equal to min(other.shape[-2], input.shape[-1])")
    return finish(_apply_reflectors(_reflectors(input), tau, other, left, transpose), out)


class _Geqrf(Function):
    """geqrf in the graph (as PyTorch's GeqrfBackward0), whose derivative PyTorch does not implement."""
    _builtin = True
    node_name = "GeqrfBackward0"

    @staticmethod
    def forward(ctx, a):
        d = a._data
        m, n = d.shape[-2:]
        if d.size == 0:
            return d.copy(), xp.zeros(d.shape[:-2] + (min(m, n),), d.dtype)
        h, tau = xp.linalg.qr(d, mode="raw")
        return xp.ascontiguousarray(xp.swapaxes(h, -1, -2)).astype(d.dtype), tau.astype(d.dtype)

    @staticmethod
    def backward(ctx, ga, gtau):
        raise RuntimeError("the derivative for 'geqrf' is not implemented.")


def geqrf(input, *, out=None):
    """(a, tau): LAPACK geqrf's packed QR (R on and above the diagonal, the reflectors below)."""
    check_float(input, "torch.geqrf")
    check_matrix(input, "torch.geqrf")
    from .._grad_mode import is_grad_enabled
    if input._data.dtype.kind == "c" and input.requires_grad and is_grad_enabled():
        raise RuntimeError("geqrf does not support automatic differentiation for outputs with complex dtype.")
    a, tau = _Geqrf.apply(input)
    return finish(_rt.geqrf._from(a, tau), out)


# ---------------------------------------------------------------------------------------------- tensors
def tensorinv(A, ind=2, *, out=None):
    """The inverse of A seen as a linear map from its last dims (shape[ind:]) to its first (shape[:ind])."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    sh = tuple(A._data.shape)
    rows, cols = math.prod(sh[:ind]), math.prod(sh[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return finish(inv(A.reshape(rows, cols)).reshape(sh[ind:] + sh[:ind]), out)


def tensorsolve(A, B, dims=None, *, out=None):
    """X with tensordot(A, X, X.ndim) = B (``dims`` of A moved to the end first)."""
    if dims is not None:
        nd = A._data.ndim
        dims = [d % nd for d in dims]
        A = A.permute(*([d for d in range(nd) if d not in dims] + dims))
    sh = tuple(A._data.shape)
    res_shape = sh[B._data.ndim:]
    rows = math.prod(B._data.shape)
    cols = math.prod(res_shape)
    if math.prod(sh[:B._data.ndim]) != rows or rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {math.prod(sh[:B._data.ndim])}")
    return finish(solve(A.reshape(rows, cols), B.reshape(rows)).reshape(res_shape), out)


def vander(x, N=None):
    """The Vandermonde matrix of the last dim of x: columns x^0, x^1, ..., x^(N-1) (N = x.shape[-1])."""
    if x._data.ndim == 0:   # a scalar is a 1-vector
        x = x.reshape(1)
    if N is None:
        N = x._data.shape[-1]
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    if x._data.dtype.kind == "b":
        x = x.long()
    xs = x.unsqueeze(-1)
    powers = cat([xs * 0 + 1, xs.expand(*x._data.shape, N - 1)], -1)
    return powers.cumprod(-1)


def cond(A, p=None, *, out=None):
    """The condition number: s_max / s_min for p None or 2 (s_min / s_max for -2), else
    norm(A, p) * norm(A^-1, p) (square A; inf where A is singular)."""
    from . import matrix_norm
    check_float(A, "linalg.svd" if p in (None, 2, -2, "nuc") else "linalg.inv")   # the kernel PyTorch reaches
    if p in (None, 2, -2):
        check_matrix(A, "linalg.cond")
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return finish(r, out)
    if p not in ("fro", "nuc", float("inf"), float("-inf"), 1, -1):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    check_matrix(A, f"linalg.cond(ord={p})", True)
    Ainv, info = inv_ex(A)
    bad = _make(info._data > 0)
    if info._data.any():
        eye = _make(xp.eye(A._data.shape[-1], dtype=A._data.dtype))
        Ainv = inv(where(bad.unsqueeze(-1).unsqueeze(-1), eye, A))
    r = matrix_norm(A, p) * matrix_norm(Ainv, p)
    if info._data.any():
        r = where(bad, _make(xp.asarray(xp.inf, A._data.real.dtype)), r)
    return finish(r, out)


__all__ = []
del Tensor
