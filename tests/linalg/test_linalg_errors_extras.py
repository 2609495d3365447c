"""``numtorch.linalg`` against ``torch.linalg``: error classes and messages, ``info`` of the ``*_ex`` functions,
lstsq drivers, Householder products, tensorinv/tensorsolve, vander, lu_solve, singular inputs, empty matrices,
and the older top-level spellings (torch.svd, torch.cholesky_solve, torch.triangular_solve, ...) with their
Tensor methods."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close
from test_linalg_decomp import compare, general, spd, rect_distinct


def _both(fn_t, fn_n, *arrays, dtype=torch.float64):
    ts = [torch.from_numpy(np.asarray(a)) if not isinstance(a, torch.Tensor) else a for a in arrays]
    ts = [t.to(dtype) if t.dtype.is_floating_point else t for t in ts]
    ns = [to_nt(t) for t in ts]
    return fn_t(*ts), fn_n(*ns)


def _raises_like(fn_t, fn_n, *arrays, dtype=torch.float64):
    ts = [torch.from_numpy(np.asarray(a)) for a in arrays]
    ts = [t.to(dtype) if t.dtype.is_floating_point and dtype is not None else t for t in ts]
    ns = [to_nt(t) for t in ts]
    with pytest.raises(Exception) as et:
        fn_t(*ts)
    with pytest.raises(Exception) as en:
        fn_n(*ns)
    if isinstance(et.value, torch.linalg.LinAlgError):
        assert isinstance(en.value, nt.linalg.LinAlgError), repr(en.value)
    else:
        assert type(en.value) is type(et.value), (repr(en.value), repr(et.value))
    assert str(en.value) == str(et.value)


SING = np.array([[1., 2.], [2., 4.]])
SING_B = np.stack([np.eye(2), SING])
NOT_PD = np.stack([np.eye(3), -np.eye(3), np.diag([1., 1., -1.])])
INT = np.ones((2, 2), np.int64)
RECT23 = np.ones((2, 3))
VEC = np.ones(3)

L_T, L_N = torch.linalg, nt.linalg

ERRORS = [
    ("inv singular", lambda L: L.inv, [SING]),
    ("inv singular batch", lambda L: L.inv, [SING_B]),
    ("inv int", lambda L: L.inv, [INT]),
    ("inv rect", lambda L: L.inv, [RECT23]),
    ("inv 1d", lambda L: L.inv, [VEC]),
    ("inv_ex check_errors", lambda L: (lambda A: L.inv_ex(A, check_errors=True)), [SING_B]),
    ("det int", lambda L: L.det, [INT]),
    ("det rect", lambda L: L.det, [RECT23]),
    ("slogdet rect", lambda L: L.slogdet, [RECT23]),
    ("solve singular", lambda L: L.solve, [SING, np.ones(2)]),
    ("solve singular batch", lambda L: L.solve, [SING_B, np.ones((2, 2, 1))]),
    ("solve int", lambda L: L.solve, [INT, np.ones(2)]),
    ("solve shapes", lambda L: L.solve, [np.eye(2), np.ones((3, 2))]),
    ("solve batch shapes", lambda L: L.solve, [np.ones((3, 2, 2)), np.ones((4, 3, 2))]),
    ("solve_triangular 1d B", lambda L: (lambda A, B: L.solve_triangular(A, B, upper=True)), [np.eye(2), np.ones(2)]),
    ("solve_triangular shapes", lambda L: (lambda A, B: L.solve_triangular(A, B, upper=True)),
     [np.eye(2), np.ones((3, 2))]),
    ("cholesky not pd", lambda L: L.cholesky, [-np.eye(3)]),
    ("cholesky not pd batch", lambda L: L.cholesky, [NOT_PD]),
    ("cholesky_ex check", lambda L: (lambda A: L.cholesky_ex(A, check_errors=True)), [NOT_PD]),
    ("cholesky rect", lambda L: L.cholesky, [RECT23]),
    ("lu_factor singular", lambda L: L.lu_factor, [SING_B]),
    ("lu_factor no pivot", lambda L: (lambda A: L.lu_factor(A, pivot=False)), [np.eye(2)]),
    ("qr int", lambda L: L.qr, [INT]),
    ("qr 1d", lambda L: L.qr, [VEC]),
    ("qr mode", lambda L: (lambda A: L.qr(A, mode="x")), [np.eye(2)]),
    ("eigh rect", lambda L: L.eigh, [RECT23]),
    ("eigh UPLO", lambda L: (lambda A: L.eigh(A, UPLO="x")), [np.eye(2)]),
    ("svd int", lambda L: L.svd, [INT]),
    ("lstsq driver", lambda L: (lambda A, B: L.lstsq(A, B, driver="foo")), [np.eye(2), np.ones((2, 1))]),
    ("householder wide", lambda L: L.householder_product, [np.ones((3, 4)), np.ones(2)]),
    ("householder tau", lambda L: L.householder_product, [np.ones((4, 3)), np.ones(4)]),
    ("tensorinv ind", lambda L: (lambda A: L.tensorinv(A, ind=0)), [np.ones((2, 3, 6))]),
    ("tensorinv shape", lambda L: (lambda A: L.tensorinv(A, ind=1)), [np.ones((2, 3, 4))]),
    ("vander N", lambda L: (lambda x: L.vander(x, N=1)), [np.ones(3)]),
    ("vander 0d", lambda L: L.vander, [np.array(2.)]),
    ("matrix_power rect", lambda L: (lambda A: L.matrix_power(A, 2)), [RECT23]),
    ("matrix_power int inverse", lambda L: (lambda A: L.matrix_power(A, -1)), [INT]),
    ("matrix_exp rect", lambda L: L.matrix_exp, [RECT23]),
    ("cond rect p", lambda L: (lambda A: L.cond(A, 1)), [RECT23]),
]

OLD_ERRORS = [
    ("ormqr 0d", [np.ones(()), np.ones(()), np.ones(())]),
    ("ormqr tau", [np.ones((3, 2)), np.ones(3), np.ones((3, 3))]),
    ("ormqr other rows", [np.ones((3, 2)), np.ones(2), np.ones((4, 3))]),
    ("ormqr other 1d", [np.ones((3, 2)), np.ones(2), np.ones(3)]),
    ("ormqr tau batch", [np.ones((2, 3, 2)), np.ones((3, 2)), np.ones((2, 3, 3))]),
]


@pytest.mark.parametrize("name,arrays", OLD_ERRORS, ids=[e[0] for e in OLD_ERRORS])
def test_old_spelling_errors_match_torch(name, arrays):
    _raises_like(torch.ormqr, nt.ormqr, *arrays)
    _raises_like(torch.ormqr, nt.ormqr, np.ones((3, 2)), np.ones(2, np.float32), np.ones((3, 3)), dtype=None)


@pytest.mark.parametrize("name,mk,arrays", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, mk, arrays):
    _raises_like(mk(L_T), mk(L_N), *arrays)


LOWP = ["inv", "inv_ex", "det", "slogdet", "cholesky", "cholesky_ex", "qr", "eigh", "eigvalsh", "svd", "svdvals",
        "pinv", "matrix_rank", "lu_factor", "lu", "cond", "solve", "lstsq", "solve_triangular", "householder_product"]


@pytest.mark.parametrize("fn", LOWP)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_low_precision_dtypes(fn, dtype):
    def call(lib, A):
        f = getattr(lib.linalg, fn)
        if fn in ("solve", "lstsq"):
            return f(A, A)
        if fn == "solve_triangular":
            return f(A, A, upper=True)
        if fn == "householder_product":
            return f(A, A[0])
        return f(A)
    with pytest.raises(Exception) as et:
        call(torch, torch.eye(2, dtype=getattr(torch, dtype)))
    with pytest.raises(Exception) as en:
        call(nt, nt.eye(2, dtype=getattr(nt, dtype)))
    assert type(en.value) is type(et.value) and str(en.value) == str(et.value)


def test_dtype_mismatch():
    _raises_like(torch.linalg.solve, nt.linalg.solve, np.eye(2), np.ones(2, np.float32), dtype=None)
    _raises_like(torch.linalg.lstsq, nt.linalg.lstsq, np.eye(2), np.ones((2, 3), np.float32), dtype=None)


def test_linalg_error_is_a_runtime_error():
    assert issubclass(nt.linalg.LinAlgError, RuntimeError)
    with pytest.raises(RuntimeError):
        nt.linalg.inv(nt.zeros(2, 2))


@pytest.mark.parametrize("mode,shape", [("complete", (4, 2)), ("r", (3, 3))])
def test_qr_backward_errors(mode, shape):
    def run(lib, A):
        Q, R = lib.linalg.qr(A, mode=mode)
        (R.sum() + (Q.sum() if Q.numel() else 0)).backward()
    a = rect_distinct((), *shape)
    t = torch.from_numpy(a).requires_grad_(True)
    with pytest.raises(RuntimeError) as et:
        run(torch, t)
    with pytest.raises(RuntimeError) as en:
        run(nt, to_nt(t))
    assert str(en.value) == str(et.value)


# ------------------------------------------------------------------------------------------- *_ex and info
@pytest.mark.parametrize("fn", ["inv_ex", "cholesky_ex", "lu_factor_ex", "solve_ex"])
def test_ex_info(fn):
    A = NOT_PD if fn == "cholesky_ex" else np.stack([np.eye(2), SING, np.zeros((2, 2))])
    args = [A] + ([np.ones((A.shape[0], 2, 1))] if fn == "solve_ex" else [])
    rt, rn = _both(getattr(torch.linalg, fn), getattr(nt.linalg, fn), *args)
    assert type(rn).__name__ == type(rt).__name__ and rn._fields == tuple(rt._fields) if hasattr(rt, "_fields") \
        else True
    assert_close(rn.info, rt.info)
    ok = (rt.info == 0).numpy()
    first = rt[0].detach().numpy()[ok]
    np.testing.assert_allclose(rn[0]._data[ok], first, rtol=1e-12, atol=1e-12)


def test_cholesky_ex_partial_factor_and_lu_factor_ex_values():
    rt, rn = _both(torch.linalg.cholesky_ex, nt.linalg.cholesky_ex, np.stack([SING + 0.0, spd((), 2)]))
    assert_close(rn.L, rt.L)
    rt, rn = _both(torch.linalg.lu_factor_ex, nt.linalg.lu_factor_ex, np.stack([SING, np.eye(2), general((), 2)]))
    for a, b in zip(rn, rt):
        assert_close(a, b)


def test_singular_det_and_slogdet():
    A = np.stack([SING, np.zeros((2, 2)), general((), 2), np.diag([1., 2., 0.])[:2, :2] * 0 + SING.T])
    compare(torch.linalg.det, nt.linalg.det, [A], order=1)
    rt, rn = _both(torch.linalg.slogdet, nt.linalg.slogdet, A)
    for a, b in zip(rn, rt):
        assert_close(a, b)
    rt, rn = _both(torch.logdet, nt.logdet, np.stack([SING, -np.eye(2), np.diag([2., 3.])]))
    assert_close(rn, rt)


def test_empty_matrices():
    for fn in ("inv", "det", "svdvals", "pinv"):
        compare(getattr(torch.linalg, fn), getattr(nt.linalg, fn), [np.zeros((2, 0, 0))], order=0)
    rt, rn = _both(lambda a: tuple(torch.linalg.svd(a)), lambda a: tuple(nt.linalg.svd(a)), np.zeros((2, 0, 3)))
    for a, b in zip(rn, rt):
        assert_close(a, b)
    rt, rn = _both(lambda a: tuple(torch.linalg.qr(a)), lambda a: tuple(nt.linalg.qr(a)), np.zeros((0, 3)))
    for a, b in zip(rn, rt):
        assert_close(a, b)


def test_qr_factors_equal_torch():
    """Both call LAPACK geqrf/orgqr (Householder with R's diagonal -sign(a) * norm): Q and R agree as they are."""
    for shape in [(4, 3), (3, 5), (2, 3, 3)]:
        for mode in ("reduced", "complete", "r"):
            rt, rn = _both(lambda a: tuple(torch.linalg.qr(a, mode=mode)), lambda a: tuple(nt.linalg.qr(a, mode=mode)),
                           rect_distinct(shape[:-2], *shape[-2:]))
            for a, b in zip(rn, rt):
                assert_close(a, b, 1e-10, 1e-12)


def test_svd_eigh_agree_up_to_signs():
    """NumPy's LAPACK (OpenBLAS) and torch's (MKL) may pick opposite signs for singular vectors and eigenvectors;
    each column agrees up to a sign (the same sign for u_i and v_i)."""
    A = rect_distinct((3,), 5, 4)
    Ut, St, Vht = torch.linalg.svd(torch.from_numpy(A))
    Un, Sn, Vhn = nt.linalg.svd(nt.from_numpy(A), full_matrices=False)
    assert_close(Sn, St)
    s = np.sign(np.sum(Un._data * Ut.numpy()[..., :4], -2))
    np.testing.assert_allclose(Un._data * s[..., None, :], Ut.numpy()[..., :4], atol=1e-10)
    np.testing.assert_allclose(Vhn._data * s[..., :, None], Vht.numpy(), atol=1e-10)
    S = A[..., :4, :] + np.swapaxes(A[..., :4, :], -1, -2)
    Lt, Vt = torch.linalg.eigh(torch.from_numpy(S))
    Ln, Vn = nt.linalg.eigh(nt.from_numpy(S))
    assert_close(Ln, Lt)
    s = np.sign(np.sum(Vn._data * Vt.numpy(), -2))
    np.testing.assert_allclose(Vn._data * s[..., None, :], Vt.numpy(), atol=1e-10)


# ------------------------------------------------------------------------------------------- other functions
@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((2, 5, 3), (2, 5, 2)), ((3, 3), (3, 1)), ((4, 3), (4,)),
                                    ((2, 4), (2, 3))])
def test_lstsq(driver, shapes):
    sa, sb = shapes
    A = rect_distinct(sa[:-2], *sa[-2:])
    B = np.random.default_rng(1).standard_normal(sb)
    rt, rn = _both(lambda a, b: torch.linalg.lstsq(a, b, driver=driver),
                   lambda a, b: nt.linalg.lstsq(a, b, driver=driver), A, B)
    assert type(rn).__name__ == "linalg_lstsq"
    for a, b in zip(rn, rt):
        assert_close(a, b, 1e-8, 1e-10)
    compare(lambda a, b: tuple(torch.linalg.lstsq(a, b, driver=driver)[:2]),
            lambda a, b: tuple(nt.linalg.lstsq(a, b, driver=driver)[:2]), [A, B], order=2)


def test_lstsq_float32():
    A, B = rect_distinct((2,), 5, 3), np.random.default_rng(1).standard_normal((2, 5, 2))
    compare(lambda a, b: torch.linalg.lstsq(a, b).solution, lambda a, b: nt.linalg.lstsq(a, b).solution, [A, B],
            torch.float32, order=1, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shape,k", [((4, 3), 3), ((4, 3), 2), ((2, 5, 5), 4), ((3, 1), 1)])
def test_householder_product(shape, k):
    g = np.random.default_rng(2)
    compare(torch.linalg.householder_product, nt.linalg.householder_product,
            [g.standard_normal(shape), g.uniform(0.5, 1.5, shape[:-2] + (k,))], order=2)


def test_geqrf_orgqr_ormqr():
    A = rect_distinct((2,), 5, 3)
    rt, rn = _both(torch.geqrf, nt.geqrf, A)
    for a, b in zip(rn, rt):
        assert_close(a, b, 1e-10, 1e-12)
    C = np.random.default_rng(3).standard_normal((2, 5, 4))
    for left in (True, False):
        for tr in (True, False):
            CC = C if left else np.swapaxes(C, -1, -2)
            compare(lambda a, t, c: torch.ormqr(a, t, c, left, tr), lambda a, t, c: nt.ormqr(a, t, c, left, tr),
                    [rt[0].numpy(), rt[1].numpy(), CC], order=1)
    compare(torch.orgqr, nt.orgqr, [rt[0].numpy(), rt[1].numpy()], order=1)


def test_tensorinv_tensorsolve():
    g = np.random.default_rng(4)
    A = general((), 6).reshape(6, 2, 3)
    compare(lambda a: torch.linalg.tensorinv(a, ind=1), lambda a: nt.linalg.tensorinv(a, ind=1), [A], order=2)
    A2 = general((), 6).reshape(2, 3, 6)
    compare(torch.linalg.tensorsolve, nt.linalg.tensorsolve, [A2, g.standard_normal((2, 3))], order=2)
    A3 = general((), 6).reshape(6, 2, 3)
    compare(lambda a, b: torch.linalg.tensorsolve(a, b, dims=(0,)), lambda a, b: nt.linalg.tensorsolve(a, b, dims=(0,)),
            [A3, g.standard_normal((2, 3))], order=2)


def test_vander():
    g = np.random.default_rng(5)
    compare(torch.linalg.vander, nt.linalg.vander, [g.standard_normal((2, 4))], order=2)
    compare(lambda x: torch.linalg.vander(x, N=6), lambda x: nt.linalg.vander(x, N=6), [g.standard_normal(3)], order=2)
    rt, rn = _both(torch.linalg.vander, nt.linalg.vander, np.arange(4))
    assert_close(rn, rt)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve(left, adjoint):
    A = general((2,), 3)
    B = np.random.default_rng(6).standard_normal((2, 3, 3))
    compare(lambda a, b: torch.linalg.lu_solve(*torch.linalg.lu_factor(a), b, left=left, adjoint=adjoint),
            lambda a, b: nt.linalg.lu_solve(*nt.linalg.lu_factor(a), b, left=left, adjoint=adjoint), [A, B], order=2)


def test_pinv_tolerances_and_matrix_rank():
    A = rect_distinct((2,), 4, 3)
    compare(lambda a: torch.linalg.pinv(a, atol=2.0), lambda a: nt.linalg.pinv(a, atol=2.0), [A], order=1)
    compare(lambda a: torch.linalg.pinv(a, rtol=torch.tensor([0.5, 0.1], dtype=a.dtype)),
            lambda a: nt.linalg.pinv(a, rtol=nt.tensor([0.5, 0.1], dtype=a.dtype)), [A], order=1)
    compare(lambda a: torch.linalg.pinv(a, 0.5), lambda a: nt.linalg.pinv(a, 0.5), [A], order=1)
    low = np.ones((2, 4, 3))
    rt, rn = _both(lambda a: torch.linalg.matrix_rank(a, 0.5), lambda a: nt.linalg.matrix_rank(a, 0.5), A)
    assert_close(rn, rt)
    for kw in [{}, {"atol": 2.0}, {"rtol": 0.5}, {"hermitian": True}]:
        arr = low if not kw.get("hermitian") else spd((2,), 3)
        rt, rn = _both(lambda a: torch.linalg.matrix_rank(a, **kw), lambda a: nt.linalg.matrix_rank(a, **kw), arr)
        assert_close(rn, rt)


def test_matrix_power_special():
    A = general((2,), 3)
    for n in (0, 1, 2, -1):
        compare(lambda a: torch.linalg.matrix_power(a, n), lambda a: nt.linalg.matrix_power(a, n), [A], order=1)
    rt, rn = _both(lambda a: torch.linalg.matrix_power(a, 3), lambda a: nt.linalg.matrix_power(a, 3),
                   np.arange(4).reshape(2, 2))
    assert_close(rn, rt)


def test_matrix_exp_large_norm():
    A = 4 * np.random.default_rng(7).standard_normal((3, 4, 4))
    compare(torch.linalg.matrix_exp, nt.linalg.matrix_exp, [A], order=1, rtol=1e-9, atol=1e-9)


def test_out_argument():
    A = general((), 3)
    out_t, out_n = torch.empty(3, 3, dtype=torch.float64), nt.empty(3, 3, dtype=nt.float64)
    torch.linalg.inv(torch.from_numpy(A), out=out_t)
    r = nt.linalg.inv(nt.from_numpy(A), out=out_n)
    assert r is out_n
    assert_close(out_n, out_t)


# ------------------------------------------------------------------------------------------- old spellings
@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
def test_old_spellings_values_and_grads():
    A, P = general((2,), 3), spd((2,), 3)
    B = np.random.default_rng(8).standard_normal((2, 3, 2))
    compare(torch.det, nt.det, [A])
    compare(torch.inverse, nt.inverse, [A])
    compare(lambda a: tuple(torch.slogdet(a)), lambda a: tuple(nt.slogdet(a)), [A])
    compare(lambda a: torch.pinverse(a), lambda a: nt.pinverse(a), [rect_distinct((), 4, 3)])
    compare(lambda a: torch.matrix_power(a, 2), lambda a: nt.matrix_power(a, 2), [A])
    compare(torch.matrix_exp, nt.matrix_exp, [A], order=1)
    for upper in (False, True):
        compare(lambda b, p: torch.cholesky_solve(b, torch.linalg.cholesky(p, upper=upper), upper),
                lambda b, p: nt.cholesky_solve(b, nt.linalg.cholesky(p, upper=upper), upper), [B, P])
        compare(lambda p: torch.cholesky_inverse(torch.linalg.cholesky(p, upper=upper), upper),
                lambda p: nt.cholesky_inverse(nt.linalg.cholesky(p, upper=upper), upper), [P])
        for transpose in (False, True):
            for unit in (False, True):
                compare(lambda b, a: tuple(torch.triangular_solve(b, a, upper, transpose, unit)),
                        lambda b, a: tuple(nt.triangular_solve(b, a, upper, transpose, unit)), [B, A])
    rt, rn = _both(lambda a: torch.svd(a, compute_uv=False), lambda a: nt.svd(a, compute_uv=False),
                   rect_distinct((), 4, 3))
    for a, b in zip(rn, rt):
        assert_close(a, b)
    for some in (True, False):
        def gauge(lib, some=some):
            def f(a):
                U, S, V = lib.svd(a, some=some)
                assert tuple(V.shape[-2:]) == ((3, 3) if some else (3, 3)) and tuple(U.shape[-1:]) == \
                    ((3,) if some else (4,))
                return S, (U[..., :3] * S) @ V.mT
            return f
        compare(gauge(torch), gauge(nt), [rect_distinct((), 4, 3)])


def test_old_spellings_lu_qr_and_warnings():
    A = general((2,), 3)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        rt, rn = _both(lambda a: torch.lu(a, get_infos=True), lambda a: nt.lu(a, get_infos=True), A)
        rt2, rn2 = _both(torch.lu, nt.lu, A)
        rt3, rn3 = _both(torch.qr, nt.qr, rect_distinct((), 4, 3))
    assert type(rn).__name__ == type(rt).__name__ == "_lu_with_info" and len(rn2) == len(rt2) == 2
    assert type(rn3).__name__ == "qr"
    for a, b in list(zip(rn, rt)) + list(zip(rn3, rt3)):
        assert_close(a, b, 1e-10, 1e-12)
    msgs = [str(w.message) for w in rec]
    assert any(m.startswith("torch.lu is deprecated") for m in msgs)
    assert any(m.startswith("torch.qr is deprecated") for m in msgs)
    B = np.random.default_rng(9).standard_normal((2, 3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda b, a: torch.lu_solve(b, *torch.linalg.lu_factor(a)),
                lambda b, a: nt.lu_solve(b, *nt.linalg.lu_factor(a)), [B, A])
    rt, rn = _both(lambda a: torch.lu_unpack(*torch.linalg.lu_factor(a)), lambda a: nt.lu_unpack(*nt.linalg.lu_factor(a)),
                   A)
    for a, b in zip(rn, rt):
        assert_close(a, b, 1e-10, 1e-12)


def test_tensor_methods_exist_where_torch_has_them():
    names = ["det", "logdet", "slogdet", "inverse", "svd", "cholesky", "cholesky_solve", "cholesky_inverse", "qr",
             "lu", "lu_solve", "triangular_solve", "pinverse", "matrix_power", "matrix_exp", "geqrf", "orgqr",
             "ormqr"]
    for n in names:
        assert hasattr(torch.Tensor, n) and hasattr(nt.Tensor, n), n
        assert hasattr(nt, n)
    A = general((), 3)
    t, n = torch.from_numpy(A), nt.from_numpy(A)
    assert_close(n.det(), t.det())
    assert_close(n.matrix_power(-2), t.matrix_power(-2))
    assert_close(n.inverse(), t.inverse())


# ------------------------------------------------------------------------------------------- LDL^T
def _symmetric_indefinite(batch, n, seed, small_diag):
    a = np.random.default_rng(seed).standard_normal(batch + (n, n))
    a = a + np.swapaxes(a, -1, -2)
    if small_diag:   # forces 2x2 pivot blocks and interchanges
        a[..., np.arange(n), np.arange(n)] *= 0.01
    return a


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch,n,small", [((), 1, False), ((), 3, True), ((2,), 4, False), ((2, 3), 5, True),
                                           ((3,), 7, True)])
def test_ldl_factor_and_solve(dtype, batch, n, small):
    A = _symmetric_indefinite(batch, n, n, small)
    rt, rn = _both(torch.linalg.ldl_factor_ex, nt.linalg.ldl_factor_ex, A, dtype=dtype)
    tol = 1e-4 if dtype == torch.float32 else 1e-10
    assert_close(rn.pivots, rt.pivots)
    assert_close(rn.info, rt.info)
    assert_close(rn.LD, rt.LD, tol, tol)
    B = np.random.default_rng(1).standard_normal(batch + (n, 2))
    xt = torch.linalg.ldl_solve(rt.LD, rt.pivots, torch.from_numpy(B).to(dtype))
    xn = nt.linalg.ldl_solve(rn.LD, rn.pivots, to_nt(torch.from_numpy(B).to(dtype)))
    assert_close(xn, xt, tol * 10, tol * 10)
    LDt, pt = torch.linalg.ldl_factor(torch.from_numpy(A).to(dtype))
    LDn, pn = nt.linalg.ldl_factor(to_nt(torch.from_numpy(A).to(dtype)))
    assert_close(LDn, LDt, tol, tol)
    assert_close(pn, pt)


def test_ldl_errors_and_no_gradient():
    _raises_like(torch.linalg.ldl_factor, nt.linalg.ldl_factor, RECT23)
    _raises_like(lambda LD, p, B: torch.linalg.ldl_solve(LD, p, B), lambda LD, p, B: nt.linalg.ldl_solve(LD, p, B),
                 np.eye(4), np.arange(1, 5, dtype=np.int32), np.ones((3, 1)))
    for lib in (torch, nt):   # a zero pivot block: torch's message ends with the LAPACK code
        with pytest.raises(RuntimeError, match=r"torch.linalg.ldl_factor: Unknown error code: 1\.$"):
            lib.linalg.ldl_factor(lib.zeros(2, 2))
        A = lib.eye(3, dtype=lib.float64).requires_grad_(True)
        with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
            lib.linalg.ldl_factor(A).LD.sum().backward()
        LD, piv = lib.linalg.ldl_factor(lib.eye(3, dtype=lib.float64) * 2)
        B = lib.ones(3, 1, dtype=lib.float64).requires_grad_(True)
        with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_solve is not implemented"):
            lib.linalg.ldl_solve(LD, piv, B).sum().backward()
