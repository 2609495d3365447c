"""linalg on complex tensors against real torch: eig / eigvals (values, dtypes, gauge-invariant gradients,
second order) and solve, inv, det (the other functions on complex inputs: test_complex_linalg_more.py and
test_complex_linalg_gaps.py)."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch

RNG = np.random.default_rng(11)
REAL = RNG.standard_normal((2, 4, 4))
CPLX = RNG.standard_normal((2, 4, 4)) + 1j * RNG.standard_normal((2, 4, 4))


def _pair(A, dtype=None):
    t = torch.tensor(A, requires_grad=True) if dtype is None else torch.tensor(A, dtype=getattr(torch, dtype),
                                                                              requires_grad=True)
    n = nt.tensor(A, requires_grad=True) if dtype is None else nt.tensor(A, dtype=getattr(nt, dtype),
                                                                       requires_grad=True)
    return t, n


@pytest.mark.parametrize("A", [REAL, CPLX, REAL[0]], ids=["real-batched", "complex-batched", "real-2d"])
@pytest.mark.parametrize("dtype", [None, "float32"])
def test_eig_values_and_vectors(A, dtype):
    if dtype == "float32" and A.dtype.kind == "c":
        dtype = "complex64"
    at, an = _pair(A, dtype)
    Lt, Vt = torch.linalg.eig(at)
    Ln, Vn = nt.linalg.eig(an)
    assert type(nt.linalg.eig(an)).__name__ == type(torch.linalg.eig(at)).__name__
    assert repr(Ln.dtype) == repr(Lt.dtype) and repr(Vn.dtype) == repr(Vt.dtype)
    tol = 1e-4 if dtype else 1e-10
    np.testing.assert_allclose(Ln.detach().numpy(), Lt.detach().numpy(), rtol=tol, atol=tol)
    # eigenvectors are defined up to a phase (OpenBLAS and MKL may pick opposite signs): compare the moduli and
    # the phase-free products v_i conj(v_j) within each column, and check A V = V diag(L)
    vn, vt = Vn.detach().numpy(), Vt.detach().numpy()
    np.testing.assert_allclose(np.abs(vn), np.abs(vt), rtol=tol, atol=tol)
    np.testing.assert_allclose(vn[..., :, None, :] * vn[..., None, :, :].conj(),
                               vt[..., :, None, :] * vt[..., None, :, :].conj(), rtol=tol, atol=tol)
    np.testing.assert_allclose(an.detach().numpy().astype(vn.dtype) @ vn, vn * Ln.detach().numpy()[..., None, :],
                               rtol=10 * tol, atol=10 * tol)
    np.testing.assert_allclose(nt.linalg.eigvals(an).detach().numpy(), torch.linalg.eigvals(at).detach().numpy(),
                               rtol=tol, atol=tol)
    assert Ln.grad_fn.name() == Lt.grad_fn.name()


LOSSES = {
    "values": lambda T, L, V: (L * L).real.sum() + L.imag.sum(),
    "vectors_gauge_invariant": lambda T, L, V: (V.abs() ** 2 * T.arange(4.0, dtype=torch.float64 if T is torch
                                                                         else nt.float64)).sum(),
    "both": lambda T, L, V: (L.abs() ** 3).sum() + ((V * V.conj()).real * L.real.unsqueeze(-2)).sum(),
}


@pytest.mark.parametrize("A", [REAL, CPLX], ids=["real", "complex"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_eig_gradients(A, loss):
    at, an = _pair(A)
    (gt,) = torch.autograd.grad(LOSSES[loss](torch, *torch.linalg.eig(at)), at, create_graph=True)
    (gn,) = nt.autograd.grad(LOSSES[loss](nt, *nt.linalg.eig(an)), an, create_graph=True)
    assert repr(gn.dtype) == repr(gt.dtype)
    np.testing.assert_allclose(gn.detach().numpy(), gt.detach().numpy(), rtol=1e-8, atol=1e-10)
    (ht,) = torch.autograd.grad(gt.abs().sum(), at)
    (hn,) = nt.autograd.grad(gn.abs().sum(), an)
    np.testing.assert_allclose(hn.numpy(), ht.numpy(), rtol=1e-6, atol=1e-8)


def test_eigvals_gradient():
    at, an = _pair(CPLX)
    (gt,) = torch.autograd.grad((torch.linalg.eigvals(at) ** 3).imag.sum(), at)
    (gn,) = nt.autograd.grad((nt.linalg.eigvals(an) ** 3).imag.sum(), an)
    np.testing.assert_allclose(gn.numpy(), gt.numpy(), rtol=1e-8, atol=1e-10)


FUNCS = {"solve": lambda T, a, b: T.linalg.solve(a, b), "inv": lambda T, a, b: T.linalg.inv(a),
         "det": lambda T, a, b: T.linalg.det(a), "matmul_inv": lambda T, a, b: T.linalg.inv(a) @ b}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_complex_solve_inv_det(name):
    B = RNG.standard_normal((2, 4, 2)) + 1j * RNG.standard_normal((2, 4, 2))
    (at, an), (bt, bn) = _pair(CPLX), _pair(B)
    ot, on = FUNCS[name](torch, at, bt), FUNCS[name](nt, an, bn)
    np.testing.assert_allclose(on.detach().numpy(), ot.detach().numpy(), rtol=1e-10, atol=1e-12)
    u = RNG.standard_normal(tuple(ot.shape)) + 1j * RNG.standard_normal(tuple(ot.shape))
    gt = torch.autograd.grad(ot, [at, bt], torch.tensor(u), allow_unused=True)
    gn = nt.autograd.grad(on, [an, bn], nt.tensor(u), allow_unused=True)
    for a, b in zip(gt, gn):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-9, atol=1e-11)
