"""Complex inputs to the linalg functions that used to refuse them (matrix_rank, cond, matrix_exp, the LU family,
LDL, renorm, householder_product / geqrf / ormqr, vecdot, the older top-level spellings ...) against real torch in
the same process: values, dtypes, shapes, and first-order gradients (torch.autograd.grad of the same real loss,
plus numtorch's gradcheck in complex128), batched shapes and edge values."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

TOL = {"complex64": 2e-4, "complex128": 1e-9}


@pytest.fixture(autouse=True)
def _keep_warn_once_state():
    """torch.lu / torch.qr / ... warn once per process: calls here leave that state as they found it, so the
    tests of the warnings (tests/linalg) see their first call whatever ran before."""
    from numtorch.linalg import _legacy
    saved = set(_legacy._warned)
    yield
    _legacy._warned.clear()
    _legacy._warned.update(saved)


def _cplx(shape, seed, scale=1.0):
    r = np.random.default_rng(seed)
    return (r.standard_normal(shape) + 1j * r.standard_normal(shape)) * scale


def _herm(shape, seed):
    a = _cplx(shape, seed)
    return a + a.conj().swapaxes(-1, -2)


def _spd(shape, seed):
    a = _cplx(shape, seed)
    return a @ a.conj().swapaxes(-1, -2) + shape[-1] * np.eye(shape[-1])


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [x for v in r for x in _flat(v)]
    return [r]


def _close(n, t, tol):
    if not isinstance(t, torch.Tensor):
        assert n == t
        return
    t = t.detach().resolve_conj().resolve_neg()
    assert str(n.dtype).replace("numtorch", "torch") == str(t.dtype), (n.dtype, t.dtype)
    assert tuple(n.shape) == tuple(t.shape), (n.shape, t.shape)
    a, b = n.detach().numpy(), t.numpy()
    if b.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


def _loss(T, outs, ws):
    """A real loss of every floating output: sum Re(y * w) with fixed complex weights."""
    total = 0
    for y, w in zip(outs, ws):
        if w is None:
            continue
        wt = T.tensor(w) if y.dtype.is_complex else T.tensor(w.real)
        total = total + ((y * wt).real if y.dtype.is_complex else y * wt).sum()
    return total


def check(fn, arrays, dtype="complex128", grad=True, tol=None, seed=0):
    """fn(T, *tensors) for T = torch and numtorch: every output compared, then the gradients of one real loss."""
    tol = TOL[dtype] if tol is None else tol
    tin = [torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=grad) if isinstance(a, np.ndarray) else a
           for a in arrays]
    nin = [nt.tensor(a, dtype=getattr(nt, dtype), requires_grad=grad) if isinstance(a, np.ndarray) else a
           for a in arrays]
    yt, yn = _flat(fn(torch, *tin)), _flat(fn(nt, *nin))
    assert len(yt) == len(yn)
    for n, t in zip(yn, yt):
        _close(n, t, tol)
    if not grad:
        return yn
    rng = np.random.default_rng(seed + 100)
    ws = [_cplx(tuple(y.shape), rng.integers(1 << 30)) if isinstance(y, torch.Tensor) and y.requires_grad else None
          for y in yt]
    lt, ln = _loss(torch, yt, ws), _loss(nt, yn, ws)
    xt = [x for x in tin if isinstance(x, torch.Tensor)]
    xn = [x for x in nin if isinstance(x, nt.Tensor)]
    gt = torch.autograd.grad(lt, xt, allow_unused=True)
    gn = nt.autograd.grad(ln, xn, allow_unused=True)
    for n, t in zip(gn, gt):
        if t is None:
            assert n is None or not n.detach().numpy().any()
        else:
            _close(n, t, tol * 10)
    return yn


def gradcheck(fn, arrays):
    """numtorch's own finite-difference check of fn (complex128, every array input)."""
    xs = [nt.tensor(a, dtype=nt.complex128, requires_grad=True) for a in arrays]
    assert nt.autograd.gradcheck(lambda *x: tuple(y for y in _flat(fn(nt, *x)) if y.dtype.is_floating_point
                                                  or y.dtype.is_complex), xs, atol=1e-6, rtol=1e-4)


DTYPES = ["complex64", "complex128"]
SQ = [(3, 3), (2, 4, 4), (1, 2, 3, 3)]


# ------------------------------------------------------------------------------ matrix_rank, cond, matrix_exp
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hermitian", [False, True])
def test_matrix_rank(dtype, hermitian):
    a = _cplx((3, 4, 2), 1)
    low = a @ _cplx((3, 2, 4), 2)                      # rank 2 of 4
    full = _cplx((3, 4, 4), 3)
    for m in (low, full, np.zeros((2, 4, 4))):
        if hermitian:
            m = m + m.conj().swapaxes(-1, -2)
        check(lambda T, x: T.linalg.matrix_rank(x, hermitian=hermitian), [m], dtype, grad=False)
        check(lambda T, x: T.linalg.matrix_rank(x, atol=1.0, rtol=0.1, hermitian=hermitian), [m], dtype, grad=False)
    check(lambda T, x: T.linalg.matrix_rank(x), [_cplx((2, 3, 5), 4)], dtype, grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, float("inf"), float("-inf")])
def test_cond(dtype, p):
    # torch's own backward of the inverse-based orders fails (an in-place write to the saved inverse): those
    # gradients are checked by finite differences instead
    svd_based = p in (None, 2, -2, "nuc")
    check(lambda T, x: T.linalg.cond(x, p), [_cplx((2, 3, 3), 5)], dtype, grad=svd_based)
    if not svd_based and dtype == "complex128":
        gradcheck(lambda T, x: T.linalg.cond(x, p), [_cplx((2, 3, 3), 5)])
    if p in (None, 2, -2):
        check(lambda T, x: T.linalg.cond(x, p), [_cplx((2, 3, 5), 6)], dtype)


def test_cond_singular_complex():
    s = _cplx((2, 3, 3), 7)
    s[1, :, 1] = 0                                     # a singular matrix in the batch: inf for the inverse norms
    check(lambda T, x: T.linalg.cond(x, "fro"), [s], grad=False)
    check(lambda T, x: T.linalg.cond(x, 1), [s], grad=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQ, ids=str)
def test_matrix_exp(dtype, shape):
    check(lambda T, x: T.linalg.matrix_exp(x), [_cplx(shape, 8)], dtype)
    check(lambda T, x: T.matrix_exp(x), [_cplx(shape, 9, scale=4.0)], dtype)   # squarings
    check(lambda T, x: x.matrix_exp(), [np.zeros(shape, complex)], dtype)


def test_matrix_exp_gradcheck_and_second_order():
    a = _cplx((2, 3, 3), 10)
    gradcheck(lambda T, x: T.linalg.matrix_exp(x), [a])
    xt = torch.tensor(a, requires_grad=True)
    xn = nt.tensor(a, requires_grad=True)
    gt, = torch.autograd.grad(torch.linalg.matrix_exp(xt).abs().sum(), xt, create_graph=True)
    gn, = nt.autograd.grad(nt.linalg.matrix_exp(xn).abs().sum(), xn, create_graph=True)
    _close(gn, gt, 1e-9)
    _close(nt.autograd.grad((gn.abs() ** 2).sum(), xn)[0], torch.autograd.grad((gt.abs() ** 2).sum(), xt)[0], 1e-8)


# ------------------------------------------------------------------------------ LU
LU_SHAPES = [(3, 3), (2, 4, 4), (2, 3, 5), (2, 5, 3), (1, 2, 4, 2)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", LU_SHAPES, ids=str)
def test_lu_family(dtype, shape):
    a = [_cplx(shape, 11)]
    check(lambda T, x: tuple(T.linalg.lu(x)), a, dtype)
    check(lambda T, x: tuple(T.linalg.lu_factor_ex(x)), a, dtype)
    check(lambda T, x: T.lu_unpack(*T.linalg.lu_factor(x)), a, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda T, x: tuple(T.lu(x, get_infos=True)), a, dtype)
        check(lambda T, x: tuple(x.lu()), a, dtype)


def test_lu_pivots_by_abs_re_plus_abs_im():
    # LAPACK's i*amax compares |re| + |im|: row 0 (2.0) beats row 1 (1.5) though |z| = 1.41 < 1.5
    c = np.array([[1.0 + 1.0j, 1.0], [1.5 + 0j, 2.0j]])
    a = np.array([[0.9 - 0.9j, 1.0, 2j], [-1.7 + 0j, 3.0 - 1j, 1], [0.2, 1j, 1 + 1j]])
    for m in (a, c):
        check(lambda T, x: tuple(T.linalg.lu_factor(x)), [m])


def test_lu_singular_and_gradcheck():
    s = _cplx((2, 3, 3), 12)
    s[0, :, 1] = 0
    check(lambda T, x: tuple(T.linalg.lu_factor_ex(x)), [s], grad=False)
    with pytest.raises(RuntimeError, match="U\\[2,2\\] is zero"):
        nt.linalg.lu_factor(nt.tensor(s))
    for shape in ((3, 3), (2, 4), (4, 2)):
        gradcheck(lambda T, x: tuple(T.linalg.lu(x))[1:], [_cplx(shape, 13)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve(dtype, left, adjoint):
    a, b = _cplx((2, 3, 3), 14), _cplx((2, 3, 2) if left else (2, 2, 3), 15)
    check(lambda T, x, y: T.linalg.lu_solve(*T.linalg.lu_factor(x), y, left=left, adjoint=adjoint), [a, b], dtype)
    check(lambda T, x, y: T.linalg.lu_solve(*T.linalg.lu_factor(x), y, left=left, adjoint=adjoint),
          [a[0], b], dtype)                                            # the factor broadcast over B's batch
    if dtype == "complex128":
        gradcheck(lambda T, x, y: T.linalg.lu_solve(*T.linalg.lu_factor(x), y, left=left, adjoint=adjoint), [a, b])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if left and not adjoint:
            check(lambda T, x, y: T.lu_solve(y, *T.linalg.lu_factor(x)), [a, b], dtype)


# ------------------------------------------------------------------------------ LDL
def _sym(shape, seed):
    a = _cplx(shape, seed)
    return a + a.swapaxes(-1, -2)


def _bk_cases(make):
    """Matrices whose Bunch-Kaufman steps take 1x1 pivots, row swaps and 2x2 blocks."""
    out = [make((5, 5), 20), make((3, 4, 4), 21)]
    z = make((6, 6), 22)
    idx = np.arange(6)
    z[idx, idx] *= 0.01          # tiny diagonal: 2x2 blocks and interchanges
    out.append(z)
    w = make((4, 4), 23)
    w[0, 0] = 0                  # a zero (1,1) entry
    out.append(w)
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hermitian", [False, True])
def test_ldl_factor_and_solve(dtype, hermitian):
    make = _herm if hermitian else _sym
    for k, a in enumerate(_bk_cases(make)):
        b = _cplx(a.shape[:-1] + (2,), 30 + k)
        check(lambda T, x: tuple(T.linalg.ldl_factor_ex(x, hermitian=hermitian)), [a], dtype, grad=False)
        check(lambda T, x: tuple(T.linalg.ldl_factor(x, hermitian=hermitian)), [a], dtype, grad=False)
        x = check(lambda T, x, y: T.linalg.ldl_solve(*T.linalg.ldl_factor(x, hermitian=hermitian), y,
                                                     hermitian=hermitian), [a, b], dtype, grad=False)[0]
        np.testing.assert_allclose(a @ x.numpy(), b, rtol=TOL[dtype] * 100, atol=TOL[dtype] * 100)


def test_ldl_hermitian_reads_the_real_diagonal_and_mixed_flags():
    a = _herm((4, 4), 24)
    a[np.arange(4), np.arange(4)] += 0.5j        # an imaginary part on the diagonal is ignored by hetrf
    check(lambda T, x: tuple(T.linalg.ldl_factor(x, hermitian=True)), [a], grad=False)
    b = _cplx((4, 3), 25)
    for hf, hs in ((True, False), (False, True)):
        check(lambda T, x, y: T.linalg.ldl_solve(*T.linalg.ldl_factor(x, hermitian=hf), y, hermitian=hs), [a, b],
              grad=False)
    # real values held in a complex tensor
    r = _herm((4, 4), 26).real
    check(lambda T, x: tuple(T.linalg.ldl_factor(x, hermitian=True)), [r], "complex128", grad=False)


def test_ldl_not_differentiable_as_torch():
    a = _herm((3, 3), 27)
    for T in (torch, nt):
        x = T.tensor(a, requires_grad=True)
        with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
            T.linalg.ldl_factor(x, hermitian=True)[0].abs().sum().backward()


# ------------------------------------------------------------------------------ renorm
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [1, 2, 3.5, float("inf")])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_renorm(dtype, p, dim):
    a = _cplx((3, 4, 2), 40)
    a[1] *= 0.05                                      # slices below maxnorm stay as they are
    # torch 2.13's complex64 gradient of the inf-norm case is NaN wherever a slice is rescaled (its complex128 one
    # is finite and checked): there only the values are compared
    grad = not (dtype == "complex64" and p == float("inf"))
    check(lambda T, x: T.renorm(x, p, dim, 1.5), [a], dtype, grad=grad)
    check(lambda T, x: x.renorm(p, dim, 0.0), [a], dtype, grad=grad)
    if dtype == "complex128" and p != float("inf"):
        gradcheck(lambda T, x: T.renorm(x, p, dim, 1.5), [a])


# ------------------------------------------------------------------------------ the rest of torch.linalg on complex
A3, A4x3, B32 = _cplx((2, 3, 3), 50), _cplx((2, 4, 3), 51), _cplx((2, 3, 2), 52)
OTHERS = {
    "det": (lambda T, x: T.linalg.det(x), [A3]),
    "inv": (lambda T, x: T.linalg.inv(x), [A3]),
    "inv_ex": (lambda T, x: tuple(T.linalg.inv_ex(x)), [A3]),
    "solve": (lambda T, x, y: T.linalg.solve(x, y), [A3, _cplx((2, 3), 53)]),
    "solve_right": (lambda T, x, y: T.linalg.solve(x, y, left=False), [A3, _cplx((2, 4, 3), 53)]),
    "solve_ex": (lambda T, x, y: tuple(T.linalg.solve_ex(x, y)), [A3, B32]),
    "matrix_power_-3": (lambda T, x: T.linalg.matrix_power(x, -3), [A3]),
    "matrix_power_0": (lambda T, x: T.linalg.matrix_power(x, 0), [A3]),
    "matrix_power_5": (lambda T, x: x.matrix_power(5), [A3]),
    "householder_product": (lambda T, x, t: T.linalg.householder_product(x, t), [A4x3, _cplx((2, 2), 54)]),
    "orgqr": (lambda T, x, t: T.orgqr(x, t), [A4x3, _cplx((2, 3), 54)]),
    "ormqr": (lambda T, x, t, c: T.ormqr(x, t, c), [A4x3, _cplx((2, 3), 54), _cplx((2, 4, 2), 55)]),
    "ormqr_t": (lambda T, x, t, c: T.ormqr(x, t, c, transpose=True), [A4x3, _cplx((2, 3), 54), _cplx((2, 4, 2), 55)]),
    "ormqr_right": (lambda T, x, t, c: T.ormqr(x, t, c, left=False), [A4x3, _cplx((2, 3), 54), _cplx((2, 2, 4), 55)]),
    "ormqr_right_t": (lambda T, x, t, c: x.ormqr(t, c, left=False, transpose=True),
                      [A4x3, _cplx((2, 3), 54), _cplx((2, 2, 4), 55)]),
    "vecdot": (lambda T, x, y: T.linalg.vecdot(x, y), [_cplx((2, 3), 56), _cplx((2, 3), 57)]),
    "vecdot_dim0_bcast": (lambda T, x, y: T.linalg.vecdot(x, y, dim=0), [_cplx((2, 3), 56), _cplx((2, 1), 57)]),
    "multi_dot": (lambda T, x, y, z: T.linalg.multi_dot([x, y, z]), [_cplx((3,), 58), _cplx((3, 4), 59), _cplx((4,), 60)]),
    "cross": (lambda T, x, y: T.linalg.cross(x, y), [_cplx((2, 3), 61), _cplx((2, 3), 62)]),
    "tensorinv": (lambda T, x: T.linalg.tensorinv(x, 2), [_cplx((2, 3, 6), 63)]),
    "tensorsolve": (lambda T, x, y: T.linalg.tensorsolve(x, y), [_cplx((2, 3, 6), 63), _cplx((2, 3), 64)]),
    "vander": (lambda T, x: T.linalg.vander(x, N=4), [_cplx((2, 3), 65)]),
    "diagonal": (lambda T, x: T.linalg.diagonal(x, offset=1), [A3]),
    "svdvals": (lambda T, x: T.linalg.svdvals(x), [A4x3]),
    "eigvalsh": (lambda T, x: T.linalg.eigvalsh(x), [_herm((2, 3, 3), 66)]),
    "eigvalsh_U": (lambda T, x: T.linalg.eigvalsh(x, UPLO="U"), [A3]),
    "norm": (lambda T, x: T.linalg.norm(x), [A3]),
    "norm_fro": (lambda T, x: T.linalg.norm(x, "fro"), [A3[0]]),
    "norm_nuc_dims": (lambda T, x: T.linalg.norm(x, "nuc", dim=(0, 2)), [A3]),
    "norm_2_keepdim": (lambda T, x: T.linalg.norm(x, 2, dim=(1, 2), keepdim=True), [A3]),
    "norm_inf": (lambda T, x: T.linalg.norm(x, float("inf")), [A3[0]]),
    "norm_vec3": (lambda T, x: T.linalg.norm(x, 3, dim=1), [A3]),
    "norm_dtype": (lambda T, x: T.linalg.norm(x, dtype=T.complex128), [A3]),
    "vector_norm_half": (lambda T, x: T.linalg.vector_norm(x, 0.5), [A3]),
    "vector_norm_-inf": (lambda T, x: T.linalg.vector_norm(x, float("-inf"), dim=(0, 1)), [A3]),
    "vector_norm_0": (lambda T, x: T.linalg.vector_norm(x, 0), [A3]),
    "vector_norm_dtype": (lambda T, x: T.linalg.vector_norm(x, 2, dtype=T.complex128), [A3]),
    "matrix_norm_-1": (lambda T, x: T.linalg.matrix_norm(x, -1), [A3]),
    "matrix_norm_dtype": (lambda T, x: T.linalg.matrix_norm(x, dtype=T.complex128), [A3]),
    "logdet": (lambda T, x: T.logdet(x), [A3]),
    "slogdet_old": (lambda T, x: tuple(T.slogdet(x)), [A3]),
    "svd_old": (lambda T, x: (lambda u, s, v: (s, (u * s.unsqueeze(-2)) @ v.mH, v.abs()))(*T.svd(x)), [A4x3]),
    "svd_old_full": (lambda T, x: T.svd(x, some=False)[2][..., :, :3].abs(), [A4x3.swapaxes(-1, -2)]),
    "cholesky_solve": (lambda T, x, y: T.cholesky_solve(y, T.linalg.cholesky(x)), [_spd((2, 3, 3), 67), B32]),
    "cholesky_solve_upper": (lambda T, x, y: T.cholesky_solve(y, T.linalg.cholesky(x, upper=True), upper=True),
                             [_spd((2, 3, 3), 67), B32]),
    "cholesky_inverse": (lambda T, x: T.cholesky_inverse(T.linalg.cholesky(x)), [_spd((2, 3, 3), 67)]),
    "cholesky_solve_factor": (lambda T, x, y: T.cholesky_solve(y, x),
                              [np.tril(_cplx((3, 3), 69), -1) + np.diag([2., 3, 1]), _cplx((3, 2), 70)]),
    "cholesky_inverse_upper": (lambda T, x: x.cholesky_inverse(upper=True), [np.triu(_cplx((3, 3), 68), 1) + np.diag([3., 2, 4])]),
    "cholesky_old_upper": (lambda T, x: T.cholesky(x, upper=True), [_spd((3, 3), 67)]),
    "triangular_solve": (lambda T, x, y: tuple(T.triangular_solve(y, x)), [A3, B32]),
    "triangular_solve_t": (lambda T, x, y: tuple(T.triangular_solve(y, x, upper=False, transpose=True)), [A3, B32]),
    "pinverse": (lambda T, x: T.pinverse(x), [A4x3]),
    "qr_old": (lambda T, x: T.qr(x)[1], [A4x3]),
    "inverse": (lambda T, x: T.inverse(x), [A3]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(OTHERS))
def test_other_linalg_complex(name, dtype):
    fn, arrays = OTHERS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(fn, arrays, dtype)


@pytest.mark.parametrize("name", ["householder_product", "ormqr_t", "ormqr_right", "vecdot", "logdet",
                                  "cholesky_solve_factor", "cholesky_inverse_upper", "matrix_power_-3", "tensorsolve"])
def test_other_linalg_complex_gradcheck(name):
    # (functions of a Cholesky factor: their input is the factor, as finite differences of cholesky(A) leave the
    # Hermitian matrices)
    fn, arrays = OTHERS[name]
    gradcheck(fn, arrays)


def test_singular_complex_det_slogdet_logdet():
    s = _cplx((3, 3, 3), 71)
    s[1, :, 1] = 0
    s[2, 0] = 0
    check(lambda T, x: T.linalg.det(x), [s])
    check(lambda T, x: tuple(T.linalg.slogdet(x)), [s], grad=False)
    check(lambda T, x: T.logdet(x), [s], grad=False)              # -inf + nan i where det = 0, as torch


def test_geqrf_complex_values_and_autograd_refusal():
    check(lambda T, x: tuple(T.geqrf(x)), [A4x3], grad=False)
    for T in (torch, nt):
        with pytest.raises(RuntimeError, match="geqrf does not support automatic differentiation for outputs "
                                               "with complex dtype"):
            T.geqrf(T.tensor(A4x3, requires_grad=True))
        r = T.geqrf(T.tensor(A4x3.real, requires_grad=True))
        assert r[0].grad_fn.name() == "GeqrfBackward0"
        with pytest.raises(RuntimeError, match="the derivative for 'geqrf' is not implemented"):
            r[0].sum().backward()


# ------------------------------------------------------------------------------ complex logcumsumexp (vectorized)
def _lcse_pair(x, dim):
    t = torch.logcumsumexp(torch.tensor(x), dim)
    n = nt.logcumsumexp(nt.tensor(x), dim)
    assert repr(n.dtype).replace("numtorch", "torch") == repr(t.dtype)
    return n.numpy(), t.numpy()


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("scale", [1.0, 30.0, 250.0, 5000.0])
@pytest.mark.parametrize("shape,dim", [((2000,), 0), ((7, 300), 1), ((300, 7), 0), ((3, 40, 5), -2)])
def test_logcumsumexp_complex_matches_torch(dtype, scale, shape, dim):
    # spreads of the real part beyond e^+-700 split the cumulative sum into rescaled blocks
    r = np.random.default_rng(int(scale) + len(shape))
    x = (r.standard_normal(shape) * scale + 1j * r.standard_normal(shape) * 4).astype(dtype)
    n, t = _lcse_pair(x, dim)
    tol = 1e-5 if dtype == np.complex64 else 1e-11
    # torch's complex log1p returns NaN for subnormal arguments, which its kernel meets where a term lies 708..745
    # below the running sum (the NaN then runs to the end); numtorch stays finite there. So: torch's values where
    # they are finite, and everywhere the recursion r_i = logaddexp(x_i, r_(i-1)) stepped with numtorch's
    # logaddexp (itself checked against torch's in test_complex_linalg_more.py)
    ok = np.isfinite(t)
    assert ok[(slice(None),) * (dim % x.ndim) + (slice(0, 2),)].all()
    np.testing.assert_allclose(n[ok], t[ok], rtol=tol, atol=tol)
    xt = nt.tensor(x.astype(np.complex128)).movedim(dim, 0)
    r = nt.logaddexp(xt[0], nt.tensor(-np.inf + 0j))
    ref = [r]
    for v in xt[1:]:
        r = nt.logaddexp(v, r)
        ref.append(r)
    ref = nt.stack(ref).movedim(0, dim).numpy().astype(t.dtype)
    np.testing.assert_allclose(n, ref, rtol=tol, atol=tol)


def test_logcumsumexp_complex_monotone_ramps_and_specials():
    ramp = np.arange(300) * 1000.0 + 1j * np.arange(300)      # every step a new block
    for x in (ramp, ramp[::-1].copy(), -ramp):
        n, t = _lcse_pair(x, 0)
        np.testing.assert_allclose(n, t, rtol=1e-12, atol=1e-12)
    r = np.random.default_rng(3)
    x = r.standard_normal((4, 50)) + 1j * r.standard_normal((4, 50)) * 5
    x[0, [0, 1, 7, 30]] = -np.inf + 1j * np.array([1, 2, 3, 4])   # leading and inner -inf: -inf+0j, then no change
    x[1, 20] = np.inf + 1j                                          # +inf and NaN rows step through logaddexp
    x[2, 5] = np.nan
    x[3, :] = -np.inf
    n, t = _lcse_pair(x, 1)
    np.testing.assert_allclose(n, t, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert np.array_equal(np.signbit(n.imag), np.signbit(t.imag))
    # ties of real parts with imaginary parts more than pi apart: the branch of the operand PyTorch keeps
    x = np.array([3j, -3j, 3j, 1 + 3j, 1 - 3j, 1 + 3j, 5j, -6 + 0j, 7 - 1j])
    n, t = _lcse_pair(x, 0)
    np.testing.assert_allclose(n, t, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ errors of mixed and wrong dtypes
_C, _R = _cplx((3, 3), 80), np.random.default_rng(81).standard_normal((3, 2))
ERRORS = {
    "lu_solve_mixed": lambda T: T.linalg.lu_solve(*T.linalg.lu_factor(T.tensor(_C)), T.tensor(_R)),
    "lu_solve_f32_f64": lambda T: T.linalg.lu_solve(*T.linalg.lu_factor(T.eye(3)), T.tensor(_R)),
    "ldl_solve_mixed": lambda T: T.linalg.ldl_solve(*T.linalg.ldl_factor(T.tensor(_C)), T.tensor(_R)),
    "ldl_solve_f32_f64": lambda T: T.linalg.ldl_solve(*T.linalg.ldl_factor(T.eye(3)), T.tensor(_R)),
    "vecdot_mixed": lambda T: T.linalg.vecdot(T.tensor(_C), T.tensor(_C.real)),
    "vecdot_int": lambda T: T.linalg.vecdot(T.ones(2, dtype=T.int64), T.ones(2, dtype=T.int64)),
    "cross_mixed": lambda T: T.linalg.cross(T.tensor(_C), T.tensor(_C.real)),
    "cholesky_solve_mixed": lambda T: T.cholesky_solve(T.tensor(_R), T.tensor(_C)),
    "cond_int": lambda T: T.linalg.cond(T.ones(2, 2, dtype=T.int64)),
    "cond_fro_int": lambda T: T.linalg.cond(T.ones(2, 2, dtype=T.int64), "fro"),
    "cond_fro_half": lambda T: T.linalg.cond(T.ones(2, 2, dtype=T.float16), "fro"),
    "matrix_rank_int": lambda T: T.linalg.matrix_rank(T.ones(2, 2, dtype=T.int64), hermitian=True),
    "renorm_int": lambda T: T.renorm(T.ones(2, 2, dtype=T.int32), 2, 0, 1),
    "renorm_bool": lambda T: T.ones(2, 2, dtype=T.bool).renorm(2, 0, 1),
    "householder_mixed": lambda T: T.linalg.householder_product(T.tensor(_C), T.tensor(_R[:, 0])),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_torch(name):
    with pytest.raises(Exception) as te:
        ERRORS[name](torch)
    with pytest.raises(Exception) as ne:
        ERRORS[name](nt)
    assert type(ne.value) is type(te.value)
    assert str(ne.value) == str(te.value).split(" (Triggered")[0]


# ------------------------------------------------------------------------------ second order
SECOND = {
    "lu": (lambda T, x: T.linalg.lu(x)[1:], [_cplx((2, 3, 3), 90)]),
    "lu_solve_adjoint": (lambda T, x, y: T.linalg.lu_solve(*T.linalg.lu_factor(x), y, adjoint=True),
                         [_cplx((3, 3), 91), _cplx((3, 2), 92)]),
    "cond": (lambda T, x: T.linalg.cond(x), [_cplx((2, 3, 3), 93)]),
    "renorm": (lambda T, x: T.renorm(x, 2, 0, 1.0), [_cplx((3, 4), 94)]),
    "householder_product": (lambda T, x, t: T.linalg.householder_product(x, t), [_cplx((4, 3), 95), _cplx((3,), 96)]),
    "vecdot": (lambda T, x, y: T.linalg.vecdot(x, y), [_cplx((2, 3), 97), _cplx((2, 3), 98)]),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_order_against_torch(name):
    """The gradient of |first gradient|^2, through the backward formulas (tensor ops)."""
    fn, arrays = SECOND[name]
    grads = {}
    for T in (torch, nt):
        xs = [T.tensor(a, requires_grad=True) for a in arrays]
        outs = _flat(fn(T, *xs))
        loss = sum((y.abs() ** 2).sum() if y.dtype.is_complex else (y ** 2).sum() for y in outs)
        g = T.autograd.grad(loss, xs, create_graph=True)
        s = sum((gi.abs() ** 2).sum() for gi in g)
        grads[T] = [t.detach() for t in g] + list(T.autograd.grad(s, xs))
    for n, t in zip(grads[nt], grads[torch]):
        _close(n, t, 1e-8)
