"""torch.special against PyTorch (values in float32/float64, dtypes, first and second derivatives where
PyTorch has them) and against mpmath at 50 digits (accuracy in float64, independent of PyTorch)."""
import math

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

mp = pytest.importorskip("mpmath", reason="mpmath gives the high-precision references: pip install -e .[test]")
R = np.random.default_rng(11)

WIDE = np.concatenate([np.linspace(-12, 12, 97), [-0.0, 0.0, 1e-8, -1e-8, 0.5, 1.0, 2.0, 1e3, -1e3,
                                                   np.inf, -np.inf, np.nan]])
POS = np.concatenate([np.geomspace(1e-6, 1e3, 80), [0.0, 1.0, 2.0, 1.4616321449683623, np.inf, np.nan]])
UNIT = np.concatenate([np.linspace(0, 1, 41), [1e-300, 1e-20, 1 - 1e-12, -0.1, 1.1, np.nan]])
BESSEL = np.concatenate([np.linspace(-40, 40, 161), [24.99, 25.01, 29.9, 30.1, 300.0, 1e4, 0.0, np.inf, -np.inf,
                                                      np.nan]])

# name -> (torch function, numtorch function, grid, float32 rtol)
UNARY = {
    "gammaln": (WIDE, 1e-5), "digamma": (WIDE, 2e-5), "psi": (POS, 1e-5), "erfcx": (WIDE, 1e-5),
    "ndtr": (WIDE, 1e-6), "log_ndtr": (np.concatenate([WIDE, [-40.0, -1e4]]), 1e-5), "ndtri": (UNIT, 1e-5),
    "entr": (np.concatenate([POS, [-1.0]]), 1e-5), "sinc": (WIDE, 1e-5), "i0": (BESSEL, 1e-5),
    "i0e": (BESSEL, 1e-5), "i1": (BESSEL, 1e-5), "i1e": (BESSEL, 1e-5), "bessel_j0": (BESSEL, 1e-4),
    "bessel_j1": (BESSEL, 1e-4), "bessel_y0": (BESSEL, 1e-4), "bessel_y1": (BESSEL, 1e-4),
    "modified_bessel_i0": (BESSEL, 1e-5), "modified_bessel_i1": (BESSEL, 1e-5),
    "modified_bessel_k0": (BESSEL, 1e-5), "modified_bessel_k1": (BESSEL, 1e-5),
    "scaled_modified_bessel_k0": (BESSEL, 1e-5), "scaled_modified_bessel_k1": (BESSEL, 1e-5),
    "spherical_bessel_j0": (BESSEL, 1e-5), "airy_ai": (np.linspace(-30, 30, 121), 1e-4),
    "erf": (WIDE, 1e-6), "erfc": (WIDE, 1e-6), "erfinv": (np.linspace(-1, 1, 41), 1e-5),
    "exp2": (WIDE, 1e-6), "expm1": (WIDE, 1e-6), "log1p": (POS, 1e-6), "expit": (WIDE, 1e-6),
    "logit": (UNIT, 1e-6), "round": (WIDE * 1.3, 0),
}


def _f64_tol(name):
    # float64: PyTorch's J0/J1/Y0/Y1 are off by up to ~2e-7 between 5 and 8 (and ~1e-9 up to 25) and its airy_ai by ~2e-7 near -2.5
    # (measured against mpmath: numtorch's stay within 1e-16 there, see test_accuracy_against_mpmath), so
    # those are compared with an absolute tolerance of that size
    if name.startswith("bessel"):
        return dict(rtol=1e-12, atol=5e-7)
    if name == "airy_ai":
        return dict(rtol=1e-12, atol=5e-7)
    # PyTorch's ndtr is 0 below about -8 (numtorch keeps the tail: ndtr(-12) = 1.8e-33), its sinc is not exactly 0
    # at the integers (sin(pi n) rounded), and digamma crosses zero at 1.46163...: absolute tolerances there
    return dict(rtol=1e-12, atol={"ndtr": 1e-16, "sinc": 2e-16, "psi": 1e-15, "digamma": 1e-15}.get(name, 1e-300))


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_values(name, dtype):
    grid, rtol32 = UNARY[name]
    a = grid.astype(dtype)
    want = getattr(torch.special, name)(torch.tensor(a))
    got = getattr(nt.special, name)(nt.tensor(a))
    if dtype == "float64":
        assert_close(got, want, **_f64_tol(name))
    else:
        # (PyTorch evaluates float32 inputs in float32, numtorch in float64 then rounds: at 1e4 the Bessel
        # functions' phases differ by a float32 ulp of the argument)
        # (PyTorch's float32 ndtr is 1 + erf in float32: 0 below about -5.5, its float32 sinc carries sin's float32 rounding)
        assert_close(got, want, rtol=rtol32, atol=5e-6 if name.startswith(("bessel", "airy")) else
                     {"ndtr": 1e-7, "psi": 5e-8, "digamma": 5e-8, "sinc": 2e-7}.get(name, 1e-30))


@pytest.mark.parametrize("name", ["gammaln", "digamma", "i0", "sinc", "entr", "ndtr"])
def test_integer_input_gives_default_float(name):
    a = np.arange(1, 6)
    assert_close(getattr(nt.special, name)(nt.tensor(a)), getattr(torch.special, name)(torch.tensor(a)),
                 rtol=1e-6)


DIFF = ["gammaln", "digamma", "erfcx", "ndtr", "log_ndtr", "ndtri", "entr", "sinc", "i0", "i0e", "i1", "i1e"]


def _smooth_points(name):
    if name == "ndtri":
        return R.uniform(0.05, 0.95, 9)
    if name in ("gammaln", "digamma"):
        return np.concatenate([R.uniform(0.2, 8, 6), R.uniform(-3.9, -0.1, 3)])
    if name == "entr":
        return R.uniform(0.1, 3, 9)
    return np.concatenate([R.uniform(-6, 6, 8), [0.0]]) if name in ("i1", "i1e", "i0") else R.uniform(-5, 5, 9)


@pytest.mark.parametrize("name", DIFF)
def test_first_and_second_derivatives(name):
    a = _smooth_points(name)
    t = torch.tensor(a, requires_grad=True)
    n = nt.tensor(a, requires_grad=True)
    ft, fn = getattr(torch.special, name), getattr(nt.special, name)
    gt, = torch.autograd.grad(ft(t).sum(), t, create_graph=True)
    gn, = nt.autograd.grad(fn(n).sum(), n, create_graph=True)
    # digamma's derivatives are polygamma(1/2, x): PyTorch's are accurate to ~1e-9 there (numtorch's to 1e-15,
    # see test_polygamma_against_mpmath)
    tol = dict(rtol=1e-8, atol=1e-10) if name in ("gammaln", "digamma") else dict(rtol=1e-10, atol=1e-12)
    assert_close(gn, gt, **tol)
    ggt, = torch.autograd.grad(gt.sum(), t)
    ggn, = nt.autograd.grad(gn.sum(), n)
    assert_close(ggn, ggt, **(dict(rtol=1e-8, atol=1e-10) if name in ("gammaln", "digamma") else
                              dict(rtol=1e-9, atol=1e-11)))


def test_sinc_derivative_at_zero_is_zero():
    # d/dx sinc(x) = 0 at 0; PyTorch 2.13 evaluates its formula there and returns NaN
    n = nt.tensor([0.0], dtype=nt.float64, requires_grad=True)
    g, = nt.autograd.grad(nt.special.sinc(n).sum(), n, create_graph=True)
    assert g.item() == 0.0
    assert nt.autograd.gradcheck(nt.special.sinc, (nt.tensor([0.0, 1e-3, 0.7], dtype=nt.float64,
                                                             requires_grad=True),))


def test_polygamma_against_mpmath():
    mp.mp.dps = 40
    # (at negative x the Euler-Maclaurin sums cancel: ~1e-11 relative there, as in PyTorch's own zeta)
    x = np.array([0.3, 1.3, 4.0, 17.5, 1e3])
    for k in (1, 2, 3, 6):
        got = nt.special.polygamma(k, nt.tensor(x)).numpy()
        ref = np.array([float(mp.psi(k, v)) for v in x])
        np.testing.assert_allclose(got, ref, rtol=1e-13)


def test_polygamma_and_multigammaln():
    x = R.uniform(0.3, 6, 7)
    for k in range(0, 5):
        t = torch.tensor(x, requires_grad=True)
        n = nt.tensor(x, requires_grad=True)
        # (PyTorch's polygamma is accurate to ~1e-9: numtorch's to 1e-13, test_polygamma_against_mpmath)
        assert_close(nt.special.polygamma(k, n), torch.special.polygamma(k, t), rtol=1e-8)
        assert_close(nt.autograd.grad(nt.special.polygamma(k, n).sum(), n)[0],
                     torch.autograd.grad(torch.special.polygamma(k, t).sum(), t)[0], rtol=1e-8)
    for p in (1, 2, 4):
        a = x + 2
        t = torch.tensor(a, requires_grad=True)
        n = nt.tensor(a, requires_grad=True)
        assert_close(nt.special.multigammaln(n, p), torch.special.multigammaln(t, p), rtol=1e-12)
        assert_close(nt.autograd.grad(nt.mvlgamma(n, p).sum(), n)[0],
                     torch.autograd.grad(torch.mvlgamma(t, p).sum(), t)[0], rtol=1e-8)
    # PyTorch 2.13 no longer checks x > (p - 1) / 2: both return the formula's value
    assert_close(nt.special.multigammaln(nt.tensor([0.2], dtype=nt.float64), 3),
                 torch.special.multigammaln(torch.tensor([0.2], dtype=torch.float64), 3), rtol=1e-12)
    for m in (torch, nt):
        with pytest.raises(RuntimeError):
            m.special.polygamma(-1, m.tensor([1.0]))


def test_zeta_and_incomplete_gamma():
    s = np.array([1.5, 2.0, 3.3, 7.0, 1.0, 0.5, 2.0, 3.0])
    q = np.array([0.5, 1.0, 2.5, 0.1, 1.0, 1.0, -1.0, -1.5])
    assert_close(nt.special.zeta(nt.tensor(s), nt.tensor(q)), torch.special.zeta(torch.tensor(s), torch.tensor(q)),
                 rtol=1e-12)
    assert_close(nt.special.zeta(2.0, nt.tensor(q)), torch.special.zeta(2.0, torch.tensor(q)), rtol=1e-12)
    qt = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    qn = nt.tensor([0.5, 2.0], dtype=nt.float64, requires_grad=True)
    assert_close(nt.autograd.grad(nt.special.zeta(3.0, qn).sum(), qn)[0],
                 torch.autograd.grad(torch.special.zeta(3.0, qt).sum(), qt)[0], rtol=1e-12)
    a = np.array([0.1, 0.5, 1.0, 3.0, 10.0, 50.0, 200.0, 0.0, 2.0, -1.0])
    x = np.array([0.05, 2.0, 1.0, 2.5, 12.0, 45.0, 230.0, 1.0, 0.0, 1.0])
    for fn in ("gammainc", "gammaincc"):
        # (PyTorch's series is off by ~1e-9 relative at a = 50: checked against mpmath below)
        assert_close(getattr(nt.special, fn)(nt.tensor(a), nt.tensor(x)),
                     getattr(torch.special, fn)(torch.tensor(a), torch.tensor(x)), rtol=1e-8, atol=1e-15)
        xt = torch.tensor(x[:7], requires_grad=True)
        xn = nt.tensor(x[:7], requires_grad=True)
        assert_close(nt.autograd.grad(getattr(nt.special, fn)(nt.tensor(a[:7]), xn).sum(), xn)[0],
                     torch.autograd.grad(getattr(torch.special, fn)(torch.tensor(a[:7]), xt).sum(), xt)[0],
                     rtol=1e-10)
    assert_close(nt.igamma(nt.tensor(a[:4]), nt.tensor(x[:4])), torch.igamma(torch.tensor(a[:4]), torch.tensor(x[:4])),
                 rtol=1e-11)
    mp.mp.dps = 40
    got = nt.special.gammainc(nt.tensor(a[:7]), nt.tensor(x[:7])).numpy()
    ref = np.array([float(mp.gammainc(av, 0, xv, regularized=True)) for av, xv in zip(a[:7], x[:7])])
    np.testing.assert_allclose(got, ref, rtol=2e-13)


def test_xlog1py_and_gradients():
    x = np.array([0.0, 0.0, 1.5, -2.0, 3.0])
    y = np.array([0.5, np.nan, -0.5, 2.0, 0.0])
    t1, t2 = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    n1, n2 = nt.tensor(x, requires_grad=True), nt.tensor(y, requires_grad=True)
    assert_close(nt.special.xlog1py(n1, n2), torch.special.xlog1py(t1, t2))
    gt = torch.autograd.grad(torch.special.xlog1py(t1, t2)[[0, 2, 3, 4]].sum(), (t1, t2))
    gn = nt.autograd.grad(nt.special.xlog1py(n1, n2)[[0, 2, 3, 4]].sum(), (n1, n2))
    for a, b in zip(gn, gt):
        assert_close(a, b)
    assert_close(nt.special.xlog1py(2.0, nt.tensor(y)), torch.special.xlog1py(2.0, torch.tensor(y)))


POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
         "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("name", POLYS)
def test_polynomials(name):
    x = np.concatenate([np.linspace(-1.5, 1.5, 13), [-1.0, 1.0, 0.0]])[:, None]
    n = np.array([-1, 0, 1, 2, 3, 5, 7, 10])[None, :]
    want = getattr(torch.special, name)(torch.tensor(x), torch.tensor(n))
    got = getattr(nt.special, name)(nt.tensor(x), nt.tensor(n))
    assert_close(got, want, rtol=1e-10, atol=1e-10)
    assert_close(getattr(nt.special, name)(nt.tensor(x, dtype=nt.float32), 4),
                 getattr(torch.special, name)(torch.tensor(x, dtype=torch.float32), 4), rtol=1e-5, atol=1e-5)


def test_shared_names_and_reductions():
    a = R.standard_normal((3, 4))
    for name in ("softmax", "log_softmax"):
        assert_close(getattr(nt.special, name)(nt.tensor(a), 1), getattr(torch.special, name)(torch.tensor(a), 1))
    assert_close(nt.special.logsumexp(nt.tensor(a), 0, keepdim=True),
                 torch.special.logsumexp(torch.tensor(a), 0, keepdim=True))
    assert_close(nt.special.round(nt.tensor(a), decimals=2), torch.special.round(torch.tensor(a), decimals=2))
    assert_close(nt.special.xlogy(nt.tensor(a).abs(), 2.0), torch.special.xlogy(torch.tensor(a).abs(), 2.0))


def test_top_level_spellings_and_methods():
    a = np.abs(R.standard_normal(5)) + 0.3
    t, n = torch.tensor(a), nt.tensor(a)
    for name in ("lgamma", "digamma", "i0", "sinc"):
        assert_close(getattr(nt, name)(n), getattr(torch, name)(t), rtol=1e-12)
        assert_close(getattr(n, name)(), getattr(t, name)(), rtol=1e-12)
        n2, t2 = n.clone(), t.clone()
        getattr(n2, name + "_")()
        getattr(t2, name + "_")()
        assert_close(n2, t2, rtol=1e-12)
    assert_close(n.polygamma(2), t.polygamma(2), rtol=1e-12)
    assert_close(nt.polygamma(2, n), torch.polygamma(2, t), rtol=1e-12)
    assert_close((n + 2).mvlgamma(3), (t + 2).mvlgamma(3), rtol=1e-12)
    assert_close(n.igammac(n + 1), t.igammac(t + 1), rtol=1e-12)


def _mp_ref(name, v):
    f = {"gammaln": lambda z: mp.log(abs(mp.gamma(z))), "digamma": mp.digamma, "erfcx": lambda z: mp.exp(z * z) *
         mp.erfc(z), "ndtr": lambda z: mp.ncdf(z), "log_ndtr": lambda z: mp.log(mp.ncdf(z)),
         "i0": lambda z: mp.besseli(0, z), "i1": lambda z: mp.besseli(1, z),
         "modified_bessel_k0": lambda z: mp.besselk(0, z), "modified_bessel_k1": lambda z: mp.besselk(1, z),
         "bessel_j0": lambda z: mp.besselj(0, z), "bessel_y1": lambda z: mp.bessely(1, z),
         "ndtri": lambda p: mp.findroot(lambda z: mp.ncdf(z) - p, float(nt.special.ndtri(nt.tensor([float(p)],
                                                                  dtype=nt.float64)).item()))}[name]
    return float(f(mp.mpf(float(v))))


@pytest.mark.parametrize("name,points,ulps", [
    ("gammaln", [0.3, 0.9, 1.1, 1.5, 2.5, 7.7, 33.3, 1e5], 16),
    ("gammaln", [-2.5, -7.3], 64),    # reflection: log(pi / |sin(pi x)|) - lgamma(1 - x) cancels
    ("digamma", [0.3, 0.9, 2.5, 7.7, 33.3, 1e5, -2.5], 16),
    ("erfcx", [-3.0, -0.3, 0.2, 0.7, 3.0, 8.0, 40.0, 1e4], 16),
    ("ndtr", [-30.0, -8.0, -1.0, 0.5, 3.0], 16),
    ("log_ndtr", [-300.0, -30.0, -3.0, 0.0, 2.0, 9.0], 16),
    ("ndtri", [1e-200, 1e-10, 0.01, 0.3, 0.7, 0.999], 16),
    ("i0", [0.1, 1.0, 10.0, 29.0, 31.0, 200.0], 16),
    ("i1", [0.1, 1.0, 10.0, 29.0, 31.0, 200.0], 16),
    ("modified_bessel_k0", [1e-5, 0.5, 2.0, 2.5, 10.0, 100.0, 600.0], 32),
    ("modified_bessel_k1", [1e-5, 0.5, 2.0, 2.5, 10.0, 100.0, 600.0], 32),
    ("bessel_j0", [0.5, 3.0, 10.0, 24.0, 26.0, 1000.0], 64),
    ("bessel_y1", [0.5, 3.0, 10.0, 24.0, 26.0, 1000.0], 64),
])
def test_accuracy_against_mpmath(name, points, ulps):
    """Error in units of the last place of the float64 result, against mpmath at 60 digits."""
    mp.mp.dps = 60
    got = getattr(nt.special, name)(nt.tensor(np.array(points))).numpy()
    for v, g in zip(points, got):
        ref = _mp_ref(name, v)
        err = abs(g - ref) / (np.spacing(abs(ref)) if ref != 0 else 1e-300)
        assert err <= ulps, f"{name}({v}) = {g!r}, reference {ref!r}: {err:.1f} ulps"


def test_public_names_match_torch():
    assert sorted(nt.special.__all__) == sorted(torch.special.__all__)
    for n in torch.special.__all__:
        assert callable(getattr(nt.special, n)), n
