"""``linalg.eig`` / ``linalg.eigvals``: eigen-decomposition of general square matrices (complex results)."""
from .._backend import xp
from ..autograd.function import Function
from .._tensor import _make
from .._ops.copies import diag_embed
from .. import return_types as _rt
from ._common import check_square, finish


class Eig(Function):
    """A V = V diag(L) (LAPACK geev, eigenvectors of unit norm). In PyTorch's convention
    gA = V^-H (diag(gL) + (V^H gV - V^H V Re(diag(V^H gV))) / conj(E)) V^H, E_ij = L_j - L_i off the diagonal
    (PyTorch's linalg_eig_backward; a real A takes the real part). Repeated eigenvalues give inf/nan."""
    _builtin = True
    _complex_aware = True
    node_name = "LinalgEigBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.set_materialize_grads(False)
        d = a._data
        cd = xp.complex64 if d.dtype in (xp.float32, xp.complex64) else xp.complex128
        with xp.errstate(all="ignore"):
            w, v = xp.linalg.eig(d)
        ts = (_make(w.astype(cd)), _make(v.astype(cd)))
        ctx.save_for_backward(*ts)
        return ts

    @staticmethod
    def backward(ctx, gL, gV):
        from ._solve import solve
        from .._ops.complex import conj, real
        L, V = ctx.saved_tensors
        if gL is None and gV is None:
            return None
        n = L._data.shape[-1]
        eye = _make(xp.eye(n, dtype=L._data.dtype))
        Vh = V.mH
        if gV is None:
            inner = diag_embed(gL)
        else:
            VhgV = Vh @ gV
            from ._decomp import _check_phase_invariant
            _check_phase_invariant(VhgV, "linalg_eig_backward")
            diag_re = real(VhgV).diagonal(0, -2, -1)
            VhgV = VhgV - Vh @ (V * diag_re.unsqueeze(-2))
            Lc = conj(L)
            E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1) + eye   # (the diagonal is replaced below)
            inner = (VhgV / E) * (1 - eye)
            if gL is not None:
                inner = inner + diag_embed(gL)
        return solve(Vh, inner @ Vh)


def eig(A, *, out=None):
    """(eigenvalues, eigenvectors as columns) of square matrices, complex (complex64 for float32 input)."""
    check_square(A, "linalg.eig")
    L, V = Eig.apply(A)
    return finish(_rt.linalg_eig._from(L, V), out)


def eigvals(A, *, out=None):
    """The eigenvalues of square matrices, complex."""
    check_square(A, "linalg.eig")
    return finish(Eig.apply(A)[0], out)
