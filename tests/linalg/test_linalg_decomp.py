"""``numtorch.linalg`` solvers and decompositions against ``torch.linalg``: an OpInfo-style table (float32 and
float64, leading batch shapes (), (3,), (2, 3), square sizes 1..5 and rectangular shapes) comparing values,
first-order gradients and (float64) second-order gradients. Decompositions whose factors are defined up to signs
are compared through sign-normalised factors or gauge-invariant products, identically built in both libraries."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

BATCHES = [(), (3,), (2, 3)]
SIZES = [1, 2, 3, 5]


# ------------------------------------------------------------------------------------------- inputs
def _gen(seed):
    return np.random.default_rng(seed)


def general(batch, n, m=None, seed=0):
    """A well-conditioned random matrix: Gaussian entries plus a diagonal shift."""
    m = n if m is None else m
    a = _gen(seed).standard_normal(batch + (n, m))
    if n == m:
        a = a + 3 * np.eye(n)
    return a


def spd(batch, n, seed=0):
    x = _gen(seed).standard_normal(batch + (n, n))
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def sym(batch, n, seed=0):
    """Symmetric with well-separated eigenvalues (the eigenvector gradients divide by their gaps)."""
    q, _ = np.linalg.qr(_gen(seed).standard_normal(batch + (n, n)))
    w = np.arange(n) * 1.5 + _gen(seed + 1).uniform(-0.3, 0.3, batch + (n,))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def rect_distinct(batch, m, n, seed=0):
    """A rectangular matrix with well-separated singular values."""
    g = _gen(seed)
    k = min(m, n)
    u, _ = np.linalg.qr(g.standard_normal(batch + (m, k)))
    v, _ = np.linalg.qr(g.standard_normal(batch + (n, k)))
    s = 1 + 1.3 * np.arange(k)[::-1] + g.uniform(0, 0.2, batch + (k,))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def pair(a, dtype):
    t = torch.from_numpy(np.ascontiguousarray(a)).to(dtype).requires_grad_(True)
    return t, to_nt(t)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return list(out)
    return [out]


def _float_outs(outs):
    return [i for i, o in enumerate(outs) if o.dtype.is_floating_point and o.requires_grad]


def compare(fn_t, fn_n, arrays, dtype=torch.float64, order=2, rtol=None, atol=None):
    """Values, then gradients of sum(out * c) with random cotangents c, then (order 2) gradients of
    sum(first-order grads * v): all against torch."""
    if rtol is None:
        rtol, atol = (1e-4, 1e-5) if dtype == torch.float32 else (1e-7, 1e-9)
    pairs = [pair(a, dtype) for a in arrays]
    ts, ns = [p[0] for p in pairs], [p[1] for p in pairs]
    out_t, out_n = _flat(fn_t(*ts)), _flat(fn_n(*ns))
    assert len(out_t) == len(out_n)
    for a, b in zip(out_n, out_t):
        assert_close(a, b, rtol, atol)
    if order < 1:
        return
    idx = _float_outs(out_t)
    g = torch.Generator().manual_seed(3)
    cots = [torch.randn(out_t[i].shape, generator=g, dtype=dtype) for i in idx]
    lt = sum((out_t[i] * c).sum() for i, c in zip(idx, cots))
    ln = sum((out_n[i] * to_nt(c)).sum() for i, c in zip(idx, cots))
    gt = torch.autograd.grad(lt, ts, create_graph=order > 1)
    gn = nt.autograd.grad(ln, ns, create_graph=order > 1)
    for a, b in zip(gn, gt):
        assert_close(a, b, rtol * 10, atol * 10)
    if order < 2:
        return
    vs = [torch.randn(t.shape, generator=g, dtype=dtype) for t in ts]
    l2t = sum((a * v).sum() for a, v in zip(gt, vs))
    l2n = sum((a * to_nt(v)).sum() for a, v in zip(gn, vs))
    if not l2t.requires_grad:   # the first-order gradient is constant: the second order is zero
        assert not l2n.requires_grad or all(a is None or not np.any(a._data) for a in
                                            nt.autograd.grad(l2n, ns, allow_unused=True))
        return
    ggt = torch.autograd.grad(l2t, ts, allow_unused=True)
    ggn = nt.autograd.grad(l2n, ns, allow_unused=True)
    for a, b in zip(ggn, ggt):
        if b is None:
            assert a is None or not np.any(a._data)
        else:
            assert_close(a, b, rtol * 100, atol * 100)


# ------------------------------------------------------------------------------------------- gauges
def qr_canon(lib):
    def f(A, mode="reduced"):
        Q, R = lib.linalg.qr(A, mode=mode)
        k = min(A.shape[-2], A.shape[-1])
        s = lib.sign(R.diagonal(0, -2, -1)[..., :k]).detach()
        s = s + (s == 0).to(s.dtype)
        if mode == "complete":
            return R.abs() if False else (Q[..., :, :k] * s.unsqueeze(-2), R[..., :k, :] * s.unsqueeze(-1))
        return Q * s.unsqueeze(-2), R * s.unsqueeze(-1)
    return f


def eigh_canon(lib):
    def f(A, UPLO="L"):
        L, V = lib.linalg.eigh(A, UPLO=UPLO)
        w = lib.arange(1, A.shape[-1] + 1, dtype=A.dtype)
        return L, (V * w) @ V.mT
    return f


def svd_canon(lib, full=False):
    def f(A):
        U, S, Vh = lib.linalg.svd(A, full_matrices=full)
        k = S.shape[-1]
        w = lib.arange(1, k + 1, dtype=A.dtype)
        U, Vh = U[..., :, :k], Vh[..., :k, :]
        return S, (U * w) @ Vh, (U * w) @ U.mT, (Vh.mT * w) @ Vh
    return f


# ------------------------------------------------------------------------------------------- the table
def test_cond_norm_orders_values():
    # torch's own backward of cond(A, p) for p outside (None, 2, -2) fails (an in-place write to inv_ex's
    # output), so only values are compared
    for p in ("fro", "nuc", float("inf"), float("-inf"), 1, -1):
        for b in BATCHES:
            compare(lambda A: torch.linalg.cond(A, p), lambda A: nt.linalg.cond(A, p), [general(b, 3)], order=0)


def _square(maker):
    return [(maker, b, n) for b in BATCHES for n in SIZES]


OPS = {
    "inv": (lambda L: L.linalg.inv, _square(general), 1),
    "inv_ex": (lambda L: (lambda A: L.linalg.inv_ex(A)[0]), _square(general), 1),
    "det": (lambda L: L.linalg.det, _square(general), 1),
    "slogdet": (lambda L: L.linalg.slogdet, _square(general), 1),
    "solve": (lambda L: L.linalg.solve, _square(general), 2),
    "solve_right": (lambda L: (lambda A, B: L.linalg.solve(A, B, left=False)), _square(general), 3),
    "solve_ex": (lambda L: (lambda A, B: L.linalg.solve_ex(A, B)[0]), _square(general), 2),
    "solve_triangular_upper": (lambda L: (lambda A, B: L.linalg.solve_triangular(A, B, upper=True)),
                               _square(general), 2),
    "solve_triangular_lower_right_unit": (
        lambda L: (lambda A, B: L.linalg.solve_triangular(A, B, upper=False, left=False, unitriangular=True)),
        _square(general), 3),
    "cholesky": (lambda L: L.linalg.cholesky, _square(spd), 1),
    "cholesky_upper": (lambda L: (lambda A: L.linalg.cholesky(A, upper=True)), _square(spd), 1),
    "cholesky_ex": (lambda L: (lambda A: L.linalg.cholesky_ex(A)[0]), _square(spd), 1),
    "eigh": (eigh_canon, _square(sym), 1),
    "eigh_U": (lambda L: (lambda A: eigh_canon(L)(A, "U")), _square(sym), 1),
    "eigvalsh": (lambda L: L.linalg.eigvalsh, _square(sym), 1),
    "matrix_exp": (lambda L: L.linalg.matrix_exp, _square(general), 1),
    "matrix_power3": (lambda L: (lambda A: L.linalg.matrix_power(A, 3)), _square(general), 1),
    "matrix_power-2": (lambda L: (lambda A: L.linalg.matrix_power(A, -2)), _square(general), 1),
    "pinv_hermitian": (lambda L: (lambda A: L.linalg.pinv(A, hermitian=True)), _square(spd), 1),
    "cond": (lambda L: L.linalg.cond, _square(lambda b, n: rect_distinct(b, n, n)), 1),
    "lu_factor": (lambda L: (lambda A: L.linalg.lu_factor(A)[0]), _square(general), 1),
    "lu": (lambda L: (lambda A: L.linalg.lu(A)[1:]), _square(general), 1),
}

RECT = [(b, m, n) for b in BATCHES for (m, n) in [(4, 2), (2, 4), (3, 3), (5, 1), (1, 4)]]

RECT_OPS = {
    "qr": qr_canon,
    "svd": svd_canon,
    "svdvals": lambda L: L.linalg.svdvals,
    "pinv": lambda L: L.linalg.pinv,
    "lu_rect": lambda L: (lambda A: L.linalg.lu(A)[1:]),
    "lu_factor_rect": lambda L: (lambda A: L.linalg.lu_factor(A)[0]),
    "svd_full": lambda L: svd_canon(L, True),
    "cond_rect": lambda L: L.linalg.cond,
    "matrix_norm_nuc": lambda L: (lambda A: L.linalg.matrix_norm(A, "nuc")),
    "matrix_norm_2": lambda L: (lambda A: L.linalg.matrix_norm(A, 2)),
    "matrix_norm_-2_keepdim": lambda L: (lambda A: L.linalg.matrix_norm(A, -2, keepdim=True)),
}


def _cases():
    for name, (mk, inputs, n_args) in OPS.items():
        for maker, b, n in inputs:
            yield pytest.param(name, maker, b, n, n_args, id=f"{name}-{b}-{n}")


def _args(maker, b, n, n_args):
    a = maker(b, n)
    if n_args == 1:
        return [a]
    return [a, _gen(5).standard_normal(b + ((n, 2) if n_args == 2 else (2, n)))]


@pytest.mark.parametrize("name,maker,b,n,n_args", list(_cases()))
def test_square_ops_float64_second_order(name, maker, b, n, n_args):
    mk = OPS[name][0]
    compare(mk(torch), mk(nt), _args(maker, b, n, n_args), torch.float64, order=2)


@pytest.mark.parametrize("name,maker,b,n,n_args", [c for c in _cases() if c.values[3] in (2, 3)])
def test_square_ops_float32(name, maker, b, n, n_args):
    mk = OPS[name][0]
    compare(mk(torch), mk(nt), _args(maker, b, n, n_args), torch.float32, order=1, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name", list(RECT_OPS))
@pytest.mark.parametrize("b,m,n", RECT, ids=[f"{b}-{m}x{n}" for b, m, n in RECT])
def test_rect_ops(name, b, m, n):
    mk = RECT_OPS[name]
    compare(mk(torch), mk(nt), [rect_distinct(b, m, n)], torch.float64, order=2)


@pytest.mark.parametrize("name", list(RECT_OPS))
def test_rect_ops_float32(name):
    mk = RECT_OPS[name]
    compare(mk(torch), mk(nt), [rect_distinct((2,), 4, 3)], torch.float32, order=1, rtol=2e-4, atol=2e-5)
