"""numtorch.lobpcg against torch.lobpcg and numpy.linalg.eigh: eigenvalues, eigenvector residuals, gradients
with respect to A, argument checks (classes and messages)."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch


def _spd(m, dtype, seed, spectrum=None):
    """A symmetric matrix with a well-separated spectrum (1..m unless given)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((m, m)))
    w = np.arange(1.0, m + 1) if spectrum is None else spectrum
    return ((Q * w) @ Q.T).astype(dtype)


def _tols(dtype):
    return (2e-4, 1e-4) if dtype == np.float32 else (1e-9, 1e-9)


def _check_pairs(a, b, E, X, k, largest, dtype):
    """E are A's k extreme generalized eigenvalues (numpy oracle), X satisfies A X = B X E, X^T B X = I."""
    rtol, atol = _tols(dtype)
    a64 = a.astype(np.float64)
    b64 = np.eye(a.shape[0]) if b is None else b.astype(np.float64)
    L = np.linalg.cholesky(b64)
    Li = np.linalg.inv(L)
    ref = np.linalg.eigvalsh(Li @ a64 @ Li.T)
    ref = ref[::-1][:k] if largest else ref[:k]
    np.testing.assert_allclose(E, ref, rtol=rtol, atol=atol)
    res = a64 @ X - (b64 @ X) * E
    scale = np.abs(a64).max() * (1 if dtype == np.float64 else 1)
    assert np.abs(res).max() / scale < (3e-3 if dtype == np.float32 else 1e-6)
    np.testing.assert_allclose(X.T @ b64 @ X, np.eye(k), atol=(1e-4 if dtype == np.float32 else 1e-10))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("largest", [True, False, None])
def test_values_against_torch_and_eigh(dtype, largest):
    a = _spd(24, dtype, 1)
    k = 3
    kw = {} if largest is None else {"largest": largest}
    E, X = nt.lobpcg(nt.tensor(a), k=k, **kw)
    tE, tX = torch.lobpcg(torch.tensor(a), k=k, **kw)
    assert E.dtype == nt.float32 if dtype == np.float32 else E.dtype == nt.float64
    assert str(tE.dtype).split(".")[-1] == str(E.dtype).split(".")[-1]
    assert tuple(E.shape) == tuple(tE.shape) and tuple(X.shape) == tuple(tX.shape)
    rtol, atol = _tols(dtype)
    np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=rtol * 5, atol=atol * 5)
    _check_pairs(a, None, E.numpy().astype(np.float64), X.numpy().astype(np.float64), k,
                 largest is not False, dtype)


def test_default_k_is_one():
    a = _spd(12, np.float64, 2)
    E, X = nt.lobpcg(nt.tensor(a))
    tE, tX = torch.lobpcg(torch.tensor(a))
    assert tuple(E.shape) == tuple(tE.shape) == (1,) and tuple(X.shape) == tuple(tX.shape) == (12, 1)
    np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("largest", [True, False])
def test_generalized_with_B(dtype, largest):
    a = _spd(21, dtype, 3)
    b = _spd(21, dtype, 4, spectrum=np.linspace(1.0, 3.0, 21))
    E, X = nt.lobpcg(nt.tensor(a), k=2, B=nt.tensor(b), largest=largest)
    tE, _ = torch.lobpcg(torch.tensor(a), k=2, B=torch.tensor(b), largest=largest)
    rtol, atol = _tols(dtype)
    np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=rtol * 5, atol=atol * 5)
    _check_pairs(a, b, E.numpy().astype(np.float64), X.numpy().astype(np.float64), 2, largest, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_initial_X_sets_n(dtype):
    a = _spd(30, dtype, 5)
    x0 = np.random.default_rng(6).standard_normal((30, 4)).astype(dtype)
    E, X = nt.lobpcg(nt.tensor(a), k=2, X=nt.tensor(x0))
    tE, tX = torch.lobpcg(torch.tensor(a), k=2, X=torch.tensor(x0))
    assert tuple(E.shape) == tuple(tE.shape) == (2,) and tuple(X.shape) == tuple(tX.shape) == (30, 2)
    _check_pairs(a, None, E.numpy().astype(np.float64), X.numpy().astype(np.float64), 2, True, dtype)
    # k defaults to X's columns
    E, X = nt.lobpcg(nt.tensor(a), X=nt.tensor(x0), largest=False)
    tE, tX = torch.lobpcg(torch.tensor(a), X=torch.tensor(x0), largest=False)
    assert tuple(E.shape) == tuple(tE.shape) == (4,) and tuple(X.shape) == tuple(tX.shape)
    _check_pairs(a, None, E.numpy().astype(np.float64), X.numpy().astype(np.float64), 4, False, dtype)


def test_n_larger_than_k_and_preconditioner():
    a = _spd(30, np.float64, 7)
    iK = np.linalg.inv(a + np.eye(30))   # a (good) preconditioner for the smallest eigenpairs
    E, X = nt.lobpcg(nt.tensor(a), k=2, n=5, iK=nt.tensor(iK), largest=False)
    tE, tX = torch.lobpcg(torch.tensor(a), k=2, n=5, iK=torch.tensor(iK), largest=False)
    assert tuple(E.shape) == tuple(tE.shape) and tuple(X.shape) == tuple(tX.shape)
    _check_pairs(a, None, E.numpy(), X.numpy(), 2, False, np.float64)
    E2, _ = nt.lobpcg(nt.tensor(a), k=2, n=5, method="basic", largest=False)
    np.testing.assert_allclose(E2.numpy(), tE.numpy(), rtol=1e-9)


def test_batched():
    a = np.stack([_spd(15, np.float64, s) for s in range(6)]).reshape(2, 3, 15, 15)
    E, X = nt.lobpcg(nt.tensor(a), k=2)
    tE, tX = torch.lobpcg(torch.tensor(a), k=2)
    assert tuple(E.shape) == tuple(tE.shape) == (2, 3, 2) and tuple(X.shape) == tuple(tX.shape) == (2, 3, 15, 2)
    np.testing.assert_allclose(E.numpy(), tE.numpy(), rtol=1e-9)
    for i in range(2):
        for j in range(3):
            _check_pairs(a[i, j], None, E.numpy()[i, j], X.numpy()[i, j], 2, True, np.float64)


def _loss(lib, E, X, m):
    """Sign-invariant in the eigenvectors (they are defined up to sign)."""
    w = lib.arange(m, dtype=E.dtype)[:, None] / m
    return (E * lib.arange(1, E.shape[-1] + 1, dtype=E.dtype)).sum() + (X ** 2 * w).sum() \
        + ((X[..., :, :1] * X[..., :, 1:2]) ** 2).sum()


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k", [2, 3])
def test_gradient_against_torch(largest, k):
    m = 14
    a = _spd(m, np.float64, 8)
    a = a + 0.1 * np.random.default_rng(9).standard_normal((m, m))   # unsymmetric part: grads symmetrized
    sym = (a + a.T) / 2
    # keep the spectrum well separated after the perturbation
    assert np.diff(np.linalg.eigvalsh(sym)).min() > 0.3
    nt.manual_seed(0)
    torch.manual_seed(0)
    At = nt.tensor(a, requires_grad=True)
    E, X = nt.lobpcg(At, k=k, largest=largest)
    _loss(nt, E, X, m).backward()
    Tt = torch.tensor(a, requires_grad=True)
    tE, tX = torch.lobpcg(Tt, k=k, largest=largest)
    _loss(torch, tE, tX, m).backward()
    np.testing.assert_allclose(At.grad.numpy(), Tt.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(At.grad.numpy(), At.grad.numpy().T, atol=1e-12)


def test_gradient_against_full_eigh():
    """The same loss through numtorch's differentiable linalg.eigh on the full matrix (an exact oracle)."""
    m, k = 12, 2
    a = _spd(m, np.float64, 10)
    At = nt.tensor(a, requires_grad=True)
    E, X = nt.lobpcg(At, k=k)
    _loss(nt, E, X, m).backward()
    Bt = nt.tensor(a, requires_grad=True)
    L, V = nt.linalg.eigh((Bt + Bt.mT) / 2)
    _loss(nt, L.flip(-1)[:k], V.flip(-1)[:, :k], m).backward()
    np.testing.assert_allclose(At.grad.numpy(), Bt.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_gradient_eigenvalues_only_float32():
    """d(sum of the top-k eigenvalues)/dA = U U^T; float32 stops at tol = sqrt(eps), so the vectors (and this
    gradient) carry errors of about 1e-3, in torch as in numtorch."""
    a = _spd(12, np.float32, 11)
    _, V = np.linalg.eigh(a.astype(np.float64))
    exact = V[:, -2:] @ V[:, -2:].T
    nt.manual_seed(0)
    torch.manual_seed(0)
    At = nt.tensor(a, requires_grad=True)
    E, _ = nt.lobpcg(At, k=2)
    E.sum().backward()
    Tt = torch.tensor(a, requires_grad=True)
    tE, _ = torch.lobpcg(Tt, k=2)
    tE.sum().backward()
    assert At.grad.dtype == nt.float32
    np.testing.assert_allclose(At.grad.numpy(), exact, atol=5e-3)
    np.testing.assert_allclose(Tt.grad.numpy(), exact, atol=5e-3)
    np.testing.assert_allclose(At.grad.numpy(), Tt.grad.numpy(), atol=5e-3)


def test_backward_with_B_raises_like_torch():
    a = _spd(12, np.float64, 12)
    b = np.eye(12) * 2.0
    Tt = torch.tensor(a, requires_grad=True)
    tE, _ = torch.lobpcg(Tt, k=1, B=torch.tensor(b))
    with pytest.raises(ValueError) as te:
        tE.sum().backward()
    At = nt.tensor(a, requires_grad=True)
    E, _ = nt.lobpcg(At, k=1, B=nt.tensor(b))
    np.testing.assert_allclose(E.detach().numpy(), tE.detach().numpy(), rtol=1e-9)
    with pytest.raises(ValueError) as ne:
        E.sum().backward()
    assert str(ne.value) == str(te.value)


def _errors(lib, case):
    f64 = lib.float64
    A = lib.eye(10, dtype=f64) * lib.arange(1, 11, dtype=f64)
    if case == "k_too_large":
        return lib.lobpcg(A, k=4)
    if case == "n_too_large":
        return lib.lobpcg(A, k=1, n=4)
    if case == "X_too_wide":
        return lib.lobpcg(A, X=lib.ones(10, 4, dtype=f64))
    if case == "X_rows":
        return lib.lobpcg(A, X=lib.ones(9, 2, dtype=f64))
    if case == "X_3d":
        return lib.lobpcg(A, X=lib.ones(1, 10, 2, dtype=f64))
    if case == "B_shape":
        return lib.lobpcg(A, B=lib.eye(9, dtype=f64))
    if case == "not_square":
        return lib.lobpcg(lib.ones(9, 8, dtype=f64))


@pytest.mark.parametrize("case", ["k_too_large", "n_too_large", "X_too_wide", "X_rows", "X_3d", "B_shape",
                                  "not_square"])
def test_errors_match_torch(case):
    with pytest.raises(Exception) as te:
        _errors(torch, case)
    with pytest.raises(Exception) as ne:
        _errors(nt, case)
    assert type(ne.value) is type(te.value)
    assert str(ne.value) == str(te.value)


def test_second_order_gradient_against_torch():
    """The backward is written in tensor ops: a gradient of the gradient agrees with torch's."""
    m = 10
    a = _spd(m, np.float64, 13)
    w = np.random.default_rng(14).standard_normal((m, m))

    def run(lib):
        lib.manual_seed(0)
        A = lib.tensor(a, requires_grad=True)
        E, X = lib.lobpcg(A, k=2)
        g, = lib.autograd.grad(E.sum() + (X ** 2 * lib.tensor(w[:, :2])).sum(), A, create_graph=True)
        (g * lib.tensor(w)).sum().backward()
        return g.detach().numpy(), A.grad.numpy()

    g1, h1 = run(nt)
    g2, h2 = run(torch)
    np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h1, h2, rtol=1e-5, atol=1e-6)
