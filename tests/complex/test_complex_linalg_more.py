"""Complex inputs to logsumexp / logaddexp / logcumsumexp against real torch: values (including PyTorch's
branch of the imaginary part and its special values), dtypes, and gradients in the conjugate-Wirtinger
convention, first and second order."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch

RNG = np.random.default_rng(5)
X = RNG.standard_normal((3, 5)) * 3 + 1j * RNG.standard_normal((3, 5)) * 3
Y = RNG.standard_normal((3, 5)) * 3 + 1j * RNG.standard_normal((3, 5)) * 3
W = RNG.standard_normal((3, 5))
# ties of real part, phases that leave (-pi, pi], infinities and NaN: PyTorch's special cases
SPECIAL_A = np.array([3j, 1 - 2j, -np.inf + 1j, np.inf + 2j, np.nan + 0j, 2 + 3j, -np.inf + 0j])
SPECIAL_B = np.array([-3j, 1 + 3j, -np.inf - 2j, np.inf - 1j, 1 + 1j, 2 - 3j, 0.5 + 0.5j])


def _pair(a, dtype, grad=True):
    return (torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=grad),
            nt.tensor(a, dtype=getattr(nt, dtype), requires_grad=grad))


def _close(n, t, dtype):
    t = t.detach().resolve_conj()
    assert repr(n.dtype) == repr(t.dtype)
    assert tuple(n.shape) == tuple(t.shape)
    tol = 2e-5 if dtype in ("complex64", "float32") else 1e-12
    np.testing.assert_allclose(n.detach().numpy(), t.numpy(), rtol=tol, atol=tol)


OPS = {
    "logsumexp0": lambda T, a, b: T.logsumexp(a, 0),
    "logsumexp_keep": lambda T, a, b: T.logsumexp(a, (0, 1), keepdim=True),
    "logaddexp": lambda T, a, b: T.logaddexp(a, b),
    "logcumsumexp0": lambda T, a, b: T.logcumsumexp(a, 0),
    "logcumsumexp1": lambda T, a, b: a.logcumsumexp(-1),
}


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_log_ops_values_and_gradients(op, dtype):
    at, an = _pair(X, dtype)
    bt, bn = _pair(Y, dtype)
    yt, yn = OPS[op](torch, at, bt), OPS[op](nt, an, bn)
    _close(yn, yt, dtype)
    # a real loss of the complex output: |y| weighted, plus its imaginary part
    lt = (yt.abs() * torch.tensor(W).mean()).sum() + yt.imag.sum()
    ln = (yn.abs() * nt.tensor(W).mean()).sum() + yn.imag.sum()
    gt = torch.autograd.grad(lt, (at, bt), allow_unused=True, create_graph=True)
    gn = nt.autograd.grad(ln, (an, bn), allow_unused=True, create_graph=True)
    for n, t in zip(gn, gt):
        assert (n is None) == (t is None)
        if t is not None:
            _close(n, t, dtype)
    # second order: the gradient of |grad|^2
    st = sum((g.abs() ** 2).sum() for g in gt if g is not None)
    sn = sum((g.abs() ** 2).sum() for g in gn if g is not None)
    for n, t in zip(nt.autograd.grad(sn, (an,)), torch.autograd.grad(st, (at,))):
        _close(n, t, dtype)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_logaddexp_special_values(dtype):
    at, an = _pair(SPECIAL_A, dtype, grad=False)
    bt, bn = _pair(SPECIAL_B, dtype, grad=False)
    for x, y in ((an, bn), (bn, an)):
        t = torch.logaddexp(*(torch.tensor(v.numpy()) for v in (x, y)))
        n = nt.logaddexp(x, y)
        np.testing.assert_allclose(n.numpy(), t.numpy(), rtol=1e-5, equal_nan=True)


def test_logcumsumexp_branch_and_specials():
    # the running imaginary part leaves (-pi, pi] as PyTorch's does; -inf entries keep the running value
    x = np.array([3j, -3j, 3j, 1 + 3j, -np.inf + 0j, 2 - 3j, np.inf + 1j])
    t, n = torch.logcumsumexp(torch.tensor(x), 0), nt.logcumsumexp(nt.tensor(x), 0)
    np.testing.assert_allclose(n.numpy(), t.numpy(), rtol=1e-12, equal_nan=True)
    t, n = torch.logcumsumexp(torch.tensor(x[:4]).reshape(2, 2), 1), nt.logcumsumexp(nt.tensor(x[:4]).reshape(2, 2), 1)
    np.testing.assert_allclose(n.numpy(), t.numpy(), rtol=1e-12)


@pytest.mark.parametrize("real_dtype", ["float32", "float64"])
def test_logaddexp_mixed_real_complex(real_dtype):
    cdt = "complex64" if real_dtype == "float32" else "complex128"
    # torch's own backward refuses a real input beside a complex one (its engine's dtype check), so only the
    # complex operand asks for a gradient here
    at, an = _pair(X.real, real_dtype, grad=False)
    bt, bn = _pair(Y, cdt)
    yt, yn = torch.logaddexp(at, bt), nt.logaddexp(an, bn)
    _close(yn, yt, cdt)
    (gt,) = torch.autograd.grad((yt.abs() ** 2).sum(), (bt,))
    (gn,) = nt.autograd.grad((yn.abs() ** 2).sum(), (bn,))
    _close(gn, gt, cdt)
    # a 0-dim complex64 tensor with a real tensor: the complex counterpart of the tensor's dtype
    _close(nt.logaddexp(an, nt.tensor(1 + 2j)), torch.logaddexp(at, torch.tensor(1 + 2j)), cdt)


# ------------------------------------------------------------------------------ linalg on complex inputs
def _cplx(shape, seed):
    r = np.random.default_rng(seed)
    return r.standard_normal(shape) + 1j * r.standard_normal(shape)


def _herm(shape, seed):
    a = _cplx(shape, seed)
    return a + a.conj().swapaxes(-1, -2)


SHAPES = [(2, 4, 3), (3, 3), (2, 3, 4)]


def _outs(r):
    return tuple(r) if isinstance(r, tuple) else (r,)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("fn", ["qr", "svd", "svdvals", "eigh", "eigvalsh"])
def test_linalg_complex_values(fn, shape, dtype):
    if fn in ("eigh", "eigvalsh"):
        if shape[-1] != shape[-2]:
            return
        A = _herm(shape, 1)
    else:
        A = _cplx(shape, 1)
    at, an = _pair(A, dtype, grad=False)
    for n, t in zip(_outs(getattr(nt.linalg, fn)(an)), _outs(getattr(torch.linalg, fn)(at))):
        _close(n, t, dtype)
    if fn in ("qr", "svd"):  # the other modes
        kw = {"mode": "complete"} if fn == "qr" else {"full_matrices": False}
        for n, t in zip(getattr(nt.linalg, fn)(an, **kw), getattr(torch.linalg, fn)(at, **kw)):
            _close(n, t, dtype)


def _f64(T):
    return torch.float64 if T is torch else nt.float64


# gauge-invariant losses (PyTorch's complex eigh/svd gradients are defined for these only)
GRAD_LOSSES = {
    "qr_R": ("qr", lambda T, a: (T.linalg.qr(a)[1].abs() ** 3).sum()),
    "qr_Q": ("qr", lambda T, a: (T.linalg.qr(a)[0].abs() ** 3).sum()),
    "qr_QR": ("qr", lambda T, a: (lambda Q, R: (Q.abs() ** 3).sum() + (R.abs() ** 3).sum()
                                  + (Q[..., :1, :1] * R[..., :1, :1]).abs().sum())(*T.linalg.qr(a))),
    "svdvals": ("svd", lambda T, a: (T.linalg.svdvals(a) ** 3).sum()),
    "svd_U": ("svd", lambda T, a: (T.linalg.svd(a, full_matrices=False)[0].abs() ** 3).sum()),
    "svd_Vh": ("svd", lambda T, a: (T.linalg.svd(a, full_matrices=False)[2].abs() ** 3).sum()),
    "svd_all": ("svd", lambda T, a: (lambda U, S, Vh: ((U @ T.diag_embed(S.to(U.dtype) ** 2) @ Vh).abs() ** 2).sum()
                                     + (U.abs() ** 2 * T.arange(U.shape[-1], dtype=_f64(T))).sum()
                                     + (Vh.abs() ** 3).sum())(*T.linalg.svd(a, full_matrices=False))),
    "eigvalsh": ("eigh", lambda T, a: (T.linalg.eigvalsh(a) ** 3).sum()),
    "eigh": ("eigh", lambda T, a: (lambda L, V: (V.abs() ** 2 * L.unsqueeze(-2)).sum() + (L ** 2).sum())(
        *T.linalg.eigh(a))),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("loss", sorted(GRAD_LOSSES))
def test_linalg_complex_gradients(loss, shape):
    kind, f = GRAD_LOSSES[loss]
    if kind == "eigh":
        if shape[-1] != shape[-2]:
            return
        A = _herm(shape, 2)
    else:
        A = _cplx(shape, 2)
    at, an = _pair(A, "complex128")
    (gt,) = torch.autograd.grad(f(torch, at), at)
    (gn,) = nt.autograd.grad(f(nt, an), an)
    _close(gn, gt, "complex128")


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
def test_solve_triangular_complex(upper, left):
    A = _cplx((2, 3, 3), 3) + 3 * np.eye(3)
    B = _cplx((2, 3, 3), 4)
    at, an = _pair(A, "complex128")
    bt, bn = _pair(B, "complex128")
    xt = torch.linalg.solve_triangular(at, bt, upper=upper, left=left)
    xn = nt.linalg.solve_triangular(an, bn, upper=upper, left=left)
    _close(xn, xt, "complex128")
    gt = torch.autograd.grad((xt.abs() ** 2).sum(), (at, bt))
    gn = nt.autograd.grad((xn.abs() ** 2).sum(), (an, bn))
    for n, t in zip(gn, gt):
        _close(n, t, "complex128")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_complex(upper, dtype):
    X = _cplx((2, 3, 3), 5)
    A = X @ X.conj().swapaxes(-1, -2) + np.eye(3)
    at, an = _pair(A, dtype)
    Lt, Ln = torch.linalg.cholesky(at, upper=upper), nt.linalg.cholesky(an, upper=upper)
    _close(Ln, Lt, dtype)
    for n, t in zip(nt.linalg.cholesky_ex(an, upper=upper), torch.linalg.cholesky_ex(at, upper=upper)):
        _close(n, t, dtype)
    w = RNG.standard_normal((2, 3, 3))
    (gt,) = torch.autograd.grad((Lt.abs() ** 3 * torch.tensor(w)).sum() + Lt.real.sum(), at)
    (gn,) = nt.autograd.grad((Ln.abs() ** 3 * nt.tensor(w)).sum() + Ln.real.sum(), an)
    _close(gn, gt, dtype)
    # not positive-definite: the same LinAlgError sentence
    bad = -np.eye(3, dtype=complex)
    with pytest.raises(torch.linalg.LinAlgError) as et:
        torch.linalg.cholesky(torch.tensor(bad), upper=upper)
    with pytest.raises(RuntimeError) as en:
        nt.linalg.cholesky(nt.tensor(bad), upper=upper)
    assert str(en.value) == str(et.value)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape,hermitian", [((2, 4, 3), False), ((2, 3, 4), False), ((3, 3), False),
                                             ((2, 3, 3), True)], ids=str)
def test_pinv_complex(shape, hermitian, dtype):
    A = _herm(shape, 6) if hermitian else _cplx(shape, 6)
    at, an = _pair(A, dtype)
    pt, pn = torch.linalg.pinv(at, hermitian=hermitian), nt.linalg.pinv(an, hermitian=hermitian)
    _close(pn, pt, dtype)
    (gt,) = torch.autograd.grad((pt.abs() ** 3).sum(), at)
    (gn,) = nt.autograd.grad((pn.abs() ** 3).sum(), an)
    tol = 1e-4 if dtype == "complex64" else 1e-11
    np.testing.assert_allclose(gn.numpy(), gt.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")], ids=str)
def test_matrix_norm_complex(ord, dtype):
    at, an = _pair(_cplx((2, 3, 4), 7), dtype)
    rt, rn = torch.linalg.matrix_norm(at, ord), nt.linalg.matrix_norm(an, ord)
    _close(rn, rt, "float32" if dtype == "complex64" else "float64")
    (gt,) = torch.autograd.grad((rt ** 2).sum(), at)
    (gn,) = nt.autograd.grad((rn ** 2).sum(), an)
    tol = 1e-4 if dtype == "complex64" else 1e-11
    np.testing.assert_allclose(gn.numpy(), gt.numpy(), rtol=tol, atol=tol)


SLOGDET_LOSSES = {
    "logabsdet": lambda T, s, l: l.sum(),
    "sign": lambda T, s, l: (s * T.tensor([1 + 2j, 3 - 1j])).real.sum(),
    "both": lambda T, s, l: (s.imag * l).sum() + (s.real ** 2).sum(),
}


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("loss", sorted(SLOGDET_LOSSES))
def test_slogdet_complex(loss, dtype):
    at, an = _pair(_cplx((2, 3, 3), 8), dtype)
    rt, rn = torch.linalg.slogdet(at), nt.linalg.slogdet(an)
    _close(rn[0], rt[0], dtype)
    _close(rn[1], rt[1], "float32" if dtype == "complex64" else "float64")
    (gt,) = torch.autograd.grad(SLOGDET_LOSSES[loss](torch, *rt), at)
    (gn,) = nt.autograd.grad(SLOGDET_LOSSES[loss](nt, *rn), an)
    _close(gn, gt, dtype)
    e = nt.linalg.slogdet(nt.zeros(2, 0, 0, dtype=getattr(nt, dtype)))
    et = torch.linalg.slogdet(torch.zeros(2, 0, 0, dtype=getattr(torch, dtype)))
    _close(e[0], et[0], dtype)
    _close(e[1], et[1], "float32" if dtype == "complex64" else "float64")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("driver", ["gelsy", "gels", "gelsd", "gelss"])
@pytest.mark.parametrize("shapes", [((2, 5, 3), (2, 5, 2)), ((2, 3, 5), (2, 3, 2)), ((4, 3), (4,))], ids=str)
def test_lstsq_complex(shapes, driver, dtype):
    at, an = _pair(_cplx(shapes[0], 9), dtype)
    bt, bn = _pair(_cplx(shapes[1], 10), dtype)
    rt = torch.linalg.lstsq(at, bt, driver=driver)
    rn = nt.linalg.lstsq(an, bn, driver=driver)
    assert type(rn).__name__ == type(rt).__name__
    for n, t in zip(rn, rt):
        _close(n, t, dtype if t.dtype.is_complex else ("float32" if dtype == "complex64" else "float64"))
    gt = torch.autograd.grad((rt[0].abs() ** 2).sum(), (at, bt))
    gn = nt.autograd.grad((rn[0].abs() ** 2).sum(), (an, bn))
    tol = 1e-4 if dtype == "complex64" else 1e-11
    for n, t in zip(gn, gt):
        np.testing.assert_allclose(n.numpy(), t.numpy(), rtol=tol, atol=tol)


# losses through both singular-vector factors (the phases cancel): the complex diagonal term of svd_backward
JOINT_SVD = {
    "U_Vh": lambda T, a: (lambda U, S, Vh: ((U @ Vh).real ** 2).sum() + (U @ Vh).imag.sum())(
        *T.linalg.svd(a, full_matrices=False)),
    "U_S_Vh": lambda T, a: (lambda U, S, Vh: ((U * S.unsqueeze(-2).to(U.dtype) ** 2) @ Vh).abs().sum())(
        *T.linalg.svd(a, full_matrices=False)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("loss", sorted(JOINT_SVD))
def test_svd_complex_joint_vectors(loss, shape):
    at, an = _pair(_cplx(shape, 12), "complex128")
    (gt,) = torch.autograd.grad(JOINT_SVD[loss](torch, at), at)
    (gn,) = nt.autograd.grad(JOINT_SVD[loss](nt, an), an)
    _close(gn, gt, "complex128")


# losses that depend on the vectors' arbitrary phases: PyTorch refuses them with these sentences
PHASE_DEPENDENT = {
    "svd_U": lambda T, a: T.linalg.svd(a)[0].real.sum(),
    "svd_Vh": lambda T, a: T.linalg.svd(a)[2].imag.sum(),
    "eigh": lambda T, a: T.linalg.eigh(a + a.mH)[1].real.sum(),
    "eig": lambda T, a: T.linalg.eig(a)[1].real.sum(),
}


@pytest.mark.parametrize("loss", sorted(PHASE_DEPENDENT))
def test_phase_dependent_losses_refused_as_torch(loss):
    at, an = _pair(_cplx((3, 3), 13), "complex128")
    with pytest.raises(RuntimeError) as et:
        torch.autograd.grad(PHASE_DEPENDENT[loss](torch, at), at)
    with pytest.raises(RuntimeError) as en:
        nt.autograd.grad(PHASE_DEPENDENT[loss](nt, an), an)
    assert str(en.value) == str(et.value)


_A2 = _cplx((3, 3), 14)
_H2 = _A2 @ _A2.conj().T + np.eye(3)
SECOND_ORDER = {
    "qr": (_A2, lambda T, a: (T.linalg.qr(a)[1].abs() ** 3).sum()),
    "svdvals": (_A2, lambda T, a: (T.linalg.svdvals(a) ** 3).sum()),
    "cholesky": (_H2, lambda T, a: (T.linalg.cholesky(a).abs() ** 3).sum()),
    "pinv": (_A2, lambda T, a: (T.linalg.pinv(a).abs() ** 3).sum()),
    "slogdet": (_A2, lambda T, a: (lambda s, l: 2 * l + (s * (1 + 2j)).real)(*T.linalg.slogdet(a))),
    "eigvalsh": (_H2, lambda T, a: (T.linalg.eigvalsh(a) ** 3).sum()),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_linalg_complex_second_order(name):
    M, f = SECOND_ORDER[name]
    at, an = _pair(M, "complex128")
    (gt,) = torch.autograd.grad(f(torch, at), at, create_graph=True)
    (gn,) = nt.autograd.grad(f(nt, an), an, create_graph=True)
    (ht,) = torch.autograd.grad((gt.abs() ** 2).sum(), at)
    (hn,) = nt.autograd.grad((gn.abs() ** 2).sum(), an)
    np.testing.assert_allclose(hn.numpy(), ht.numpy(), rtol=1e-7, atol=1e-8)
