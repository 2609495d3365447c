"""The special functions as float64 NumPy kernels (no SciPy): each takes and returns float64 arrays.

Methods, chosen so that every kernel is a fixed number of vectorized passes:
- log-gamma: Stirling's series after shifting the argument to >= 10 (reflection below 1/2), and the Taylor
  series of log Gamma(1 + e) in zeta values near 1 and 2, where the function has its roots;
- digamma: the asymptotic series after the same shift (reflection below 0);
- Hurwitz zeta (and so polygamma): Euler-Maclaurin summation;
- regularized incomplete gamma: the power series for x < a + 1, Lentz's continued fraction otherwise;
- Bessel J0/J1 for |x| <= 25: the periodic trapezoidal rule on Bessel's integral, as one FFT giving every
  J_n at once; Y0/Y1 there from Neumann's series in those J_2k; beyond 25, Hankel's asymptotic series;
- modified Bessel I0/I1: the power series for |x| <= 30, the asymptotic series beyond; K0/K1: the power
  series for x <= 2, the trapezoidal rule on exp(x) K(x) = int exp(-x (cosh t - 1)) cosh(nu t) dt beyond;
- erfcx from Cody's rational approximations of exp(x^2) erfc(x); ndtri by Newton steps on log_ndtr.
At +-inf the kernels return what PyTorch returns, NaN included (I0, I1, J, Y, Ai), not the limits.
"""
import math

from .._backend import xp
from .._ops.unary import _erf_impl, _erfcx_tail

EULER = 0.57721566490153286061
LOG_2PI_HALF = 0.91893853320467274178   # log(2 pi) / 2
_ERRS = dict(all="ignore")


def _zeta_int(k):
    """zeta(k) for an integer k >= 2 in float64 (direct sum with an Euler-Maclaurin tail; at import)."""
    n = 1000
    s = math.fsum(j ** -k for j in range(1, n))
    return s + n ** (1 - k) / (k - 1) + 0.5 * n ** -k + k * n ** (-k - 1) / 12 - \
        k * (k + 1) * (k + 2) * n ** (-k - 3) / 720


_ZETA = [0.0, 0.0] + [_zeta_int(k) for k in range(2, 64)]
# Bernoulli numbers B_2k, k = 1.. (for Stirling, digamma and Euler-Maclaurin)
_B2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330,
        854513 / 138, -236364091 / 2730, 8553103 / 6]


def sinpi(x):
    """sin(pi x) with the argument reduced exactly (x - 2 round(x / 2))."""
    r = x - 2.0 * xp.round(x / 2.0)
    return xp.sin(xp.pi * r)


def cospi(x):
    r = x - 2.0 * xp.round(x / 2.0)
    return xp.cos(xp.pi * r)


def _shift_up(z, to=10.0, steps=12):
    """(z + n, product z (z + 1) ... (z + n - 1)) with n the smallest shift making z + n >= to."""
    prod = xp.ones_like(z)
    zz = z.copy()
    for _ in range(steps):
        m = zz < to
        if not m.any():
            break
        prod = xp.where(m, prod * zz, prod)
        zz = xp.where(m, zz + 1.0, zz)
    return zz, prod


def _stirling_lgamma(z):
    zi = 1.0 / z
    zi2 = zi * zi
    s = 0.0
    for k in range(len(_B2K[:8]) - 1, -1, -1):
        s = s * zi2 + _B2K[k] / ((2 * k + 2) * (2 * k + 1))
    return (z - 0.5) * xp.log(z) - z + LOG_2PI_HALF + s * zi


def _lgamma1p_series(e):
    """log Gamma(1 + e) = -gamma e + sum_{k>=2} (-1)^k zeta(k) e^k / k, for |e| <= 0.5."""
    s = xp.zeros_like(e)
    for k in range(60, 1, -1):
        s = (s + (-1) ** k * _ZETA[k] / k) * e
    return (s - EULER) * e


def lgamma(x):
    """log |Gamma(x)|."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        neg = x < 0.5
        z = xp.where(neg, 1.0 - x, x)          # z >= 0.5
        zz, prod = _shift_up(z)
        r = _stirling_lgamma(zz) - xp.log(prod)
        # below 10: log Gamma(n + e) = log Gamma(1 + e) + log((1 + e)(2 + e)...(n - 1 + e)), e = z - round(z),
        # the first term from its Taylor series: no cancellation near the roots at 1 and 2
        low = z < 10.0
        if low.any():
            n = xp.where(low, xp.maximum(xp.floor(z + 0.5), 1.0), 1.0)
            e = xp.where(low, z - n, 0.0)
            logs = xp.where(n == 2, xp.log1p(e), 0.0)
            p = xp.ones_like(z)
            for k in range(1, 10):
                p = xp.where((k < n) & (n > 2), p * (k + e), p)
            logs = logs + xp.log(p)
            r = xp.where(low, _lgamma1p_series(e) + logs, r)
        if neg.any():
            refl = math.log(math.pi) - xp.log(xp.abs(sinpi(x))) - r
            r = xp.where(neg, refl, r)
        r = xp.where((x <= 0) & (x == xp.floor(x)), xp.inf, r)
        r = xp.where(xp.isinf(x), xp.inf, r)
        return xp.where(xp.isnan(x), xp.nan, r)


def digamma(x):
    """psi(x) = d/dx log Gamma(x); +-inf at 0 (sign opposite to the zero's), NaN at the negative integers."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        neg = x < 0
        z = xp.where(neg, 1.0 - x, x)
        acc = xp.zeros_like(z)
        zz = z.copy()
        for _ in range(12):
            m = zz < 10.0
            if not m.any():
                break
            acc = xp.where(m, acc + 1.0 / zz, acc)
            zz = xp.where(m, zz + 1.0, zz)
        zi2 = 1.0 / (zz * zz)
        s = 0.0
        for k in range(7, -1, -1):
            s = s * zi2 + _B2K[k] / (2 * k + 2)
        r = xp.log(zz) - 0.5 / zz - s * zi2 - acc
        if neg.any():
            r = xp.where(neg, r - xp.pi * cospi(x) / sinpi(x), r)
        r = xp.where(x == 0, xp.copysign(xp.inf, -x), r)
        r = xp.where((x < 0) & (x == xp.floor(x)), xp.nan, r)
        r = xp.where(x == xp.inf, xp.inf, r)
        r = xp.where(x == -xp.inf, xp.nan, r)
        return xp.where(xp.isnan(x), xp.nan, r)


def zeta(s, q):
    """Hurwitz zeta sum_{k>=0} (k + q)^-s: Euler-Maclaurin after summing until q + N >= max(9, s)."""
    s = xp.asarray(s, xp.float64)
    q = xp.asarray(q, xp.float64)
    s, q = xp.broadcast_arrays(s, q)
    with xp.errstate(**_ERRS):
        need = xp.clip(xp.ceil(xp.maximum(9.0, xp.minimum(s, 100.0)) - q), 0, 200)
        total = xp.zeros(s.shape)
        a = q.copy()
        nmax = int(need.max()) if need.size else 0
        for k in range(nmax):
            m = k < need
            total = xp.where(m, total + xp.power(a, -s), total)
            a = xp.where(m, a + 1.0, a)
        # the tail from a: integral, half the first term, then the Bernoulli corrections
        r = total + xp.power(a, 1.0 - s) / (s - 1.0) + 0.5 * xp.power(a, -s)
        fac = s * xp.power(a, -s - 1.0)            # s a^(-s-1) = d/da of -a^-s
        ai2 = 1.0 / (a * a)
        for j in range(1, 13):
            r = r + _B2K[j - 1] / math.factorial(2 * j) * fac
            fac = fac * (s + 2 * j - 1) * (s + 2 * j) * ai2
        r = xp.where(s == 1, xp.inf, r)
        r = xp.where(s < 1, xp.nan, r)
        qbad = q <= 0
        r = xp.where(qbad & (q == xp.floor(q)), xp.inf, r)
        r = xp.where(qbad & (q != xp.floor(q)) & (s != xp.floor(s)), xp.nan, r)
        return xp.where(xp.isnan(s) | xp.isnan(q), xp.nan, r)


def polygamma(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1; digamma for n = 0."""
    if n == 0:
        return digamma(x)
    x = xp.asarray(x, xp.float64)
    return (-1.0) ** (n + 1) * math.gamma(n + 1) * zeta(float(n + 1), x)


def _log_prefactor(a, x):
    """log(x^a e^-x / Gamma(a))."""
    return a * xp.log(x) - x - lgamma(a)


def gammainc(a, x):
    """Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a)."""
    return _inc_gamma(a, x, upper=False)


def gammaincc(a, x):
    """Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x)."""
    return _inc_gamma(a, x, upper=True)


def _inc_gamma(a, x, upper):
    a = xp.asarray(a, xp.float64)
    x = xp.asarray(x, xp.float64)
    a, x = xp.broadcast_arrays(a, x)
    with xp.errstate(**_ERRS):
        pre = xp.exp(_log_prefactor(a, x))
        use_series = x < a + 1.0
        # series: P = pre / a * sum_n x^n / ((a+1)...(a+n))
        term = xp.ones(a.shape)
        ssum = xp.ones(a.shape)
        ap = a.copy()
        for _ in range(2000):
            ap = ap + 1.0
            term = term * x / ap
            ssum = ssum + term
            if not (xp.abs(term) > 1e-17 * xp.abs(ssum))[use_series].any():
                break
        p_series = pre * ssum / a
        # continued fraction for Q (modified Lentz)
        tiny = 1e-300
        b = x + 1.0 - a
        c = xp.full(a.shape, 1.0 / tiny)
        d = 1.0 / xp.where(b == 0, tiny, b)
        h = d.copy()
        for i in range(1, 2000):
            an = -i * (i - a)
            b = b + 2.0
            d = an * d + b
            d = xp.where(xp.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = xp.where(xp.abs(c) < tiny, tiny, c)
            d = 1.0 / d
            delta = d * c
            h = h * delta
            if not (xp.abs(delta - 1.0) > 1e-16)[~use_series].any():
                break
        q_cf = pre * h
        p = xp.where(use_series, p_series, 1.0 - q_cf)
        q = xp.where(use_series, 1.0 - p_series, q_cf)
        r = q if upper else p
        # edges, as PyTorch: x = 0, a = 0, infinities, negative arguments
        r = xp.where(x == 0, 1.0 if upper else 0.0, r)
        r = xp.where((a == 0) & (x > 0), 0.0 if upper else 1.0, r)
        r = xp.where(xp.isinf(x) & (x > 0), 0.0 if upper else 1.0, r)
        r = xp.where(xp.isinf(a) & (a > 0) & xp.isfinite(x), 1.0 if upper else 0.0, r)
        r = xp.where((a < 0) | (x < 0) | ((a == 0) & (x == 0)), xp.nan, r)
        return xp.where(xp.isnan(a) | xp.isnan(x), xp.nan, r)


# --- error function family ------------------------------------------------------------------------

def erfcx(x):
    """exp(x^2) erfc(x): Cody's tail approximation for x >= 0.5 (no exponential involved), the product
    below; for x < 0, 2 exp(x^2) - erfcx(-x)."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        ax = xp.abs(x)
        out = xp.where(ax < 0.5, xp.exp(x * x) * _erf_impl(xp.clip(x, -0.5, 0.5), True), 0.0)
        big = ax >= 0.5
        if big.any():
            out = xp.where(big, _erfcx_tail(xp.where(big, ax, 1.0)), out)
        neg = (x < 0) & big
        out = xp.where(neg, 2.0 * xp.exp(x * x) - out, out)
        out = xp.where(x == xp.inf, 0.0, out)
        out = xp.where(x == -xp.inf, xp.inf, out)
        return xp.where(xp.isnan(x), xp.nan, out)


def _exp_neg_half_sq(x):
    """exp(-x^2 / 2) without the rounding of x^2: x = hi + lo with hi a multiple of 1/16 (hi^2 exact)."""
    x = xp.minimum(xp.abs(x), 40.0)
    hi = xp.trunc(x * 16.0) / 16.0
    return xp.exp(-0.5 * hi * hi) * xp.exp(-0.5 * (x - hi) * (x + hi))


def ndtr(x):
    """Standard normal CDF: erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2 below -1 (the exponential formed without
    rounding x^2, so the lower tail keeps full relative precision), erfc(-x / sqrt 2) / 2 above."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        direct = 0.5 * _erf_impl(-x * 0.7071067811865476, True)
        low = x < -1.0
        if low.any():
            xl = xp.where(low, x, -1.0)
            tail = 0.5 * erfcx(-xl * 0.7071067811865476) * _exp_neg_half_sq(xl)
            direct = xp.where(low, tail, direct)
        return xp.where(x == -xp.inf, 0.0, direct)


def log_ndtr(x):
    """log of the normal CDF: log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 below 0 (no underflow),
    log1p(-ndtr(-x)) above."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        lo = xp.log(0.5 * erfcx(-x * 0.7071067811865476)) - 0.5 * x * x
        hi = xp.log1p(-ndtr(-x))
        r = xp.where(x < 0, lo, hi)
        r = xp.where(x == -xp.inf, -xp.inf, r)
        return xp.where(xp.isnan(x), xp.nan, r)


def ndtri(p):
    """Inverse normal CDF: a rational first guess (|error| < 5e-4) refined by Newton steps on
    log ndtr(x) = log p (lower half; the upper half by symmetry)."""
    p = xp.asarray(p, xp.float64)
    with xp.errstate(**_ERRS):
        lower = p < 0.5
        q = xp.where(lower, p, 1.0 - p)            # q in (0, 0.5]
        t = xp.sqrt(-2.0 * xp.log(q))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
              (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3))
        logq = xp.log(q)
        for _ in range(4):
            ln = log_ndtr(x)
            # f = log ndtr(x) - log q, f' = pdf / cdf = exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi)
            fp = xp.exp(-0.5 * x * x - ln - LOG_2PI_HALF)
            step = (ln - logq) / fp
            x = x - xp.where(xp.isfinite(step), step, 0.0)
        # the last step against the complement near 1/2, where 1 - p was rounded
        r = xp.where(lower, x, -x)
        r = xp.where(p == 0, -xp.inf, r)
        r = xp.where(p == 1, xp.inf, r)
        r = xp.where(p == 0.5, 0.0, r)
        return xp.where((p < 0) | (p > 1) | xp.isnan(p), xp.nan, r)


# --- Bessel functions -----------------------------------------------------------------------------

_NJ = 128      # trapezoid nodes on Bessel's integral: J_n exact to rounding for |x| <= 25 and n < 64
_J_LIMIT = 25.0


def _hankel(nu, x, terms=20):
    """P, Q of Hankel's expansion: J = sqrt(2/(pi x)) (P cos chi - Q sin chi), Y = ... (P sin + Q cos)."""
    mu = 4.0 * nu * nu
    P = xp.ones_like(x)
    Q = xp.zeros_like(x)
    a = xp.ones_like(x)                    # a_k(nu) / x^k, built term by term
    for k in range(1, 2 * terms):
        a = a * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        if k % 2:
            Q = Q + (-1) ** ((k - 1) // 2) * a
        else:
            P = P + (-1) ** (k // 2) * a
    return P, Q


def _bessel_large(order, x):
    """(J, Y) of order 0 or 1 for x > 25 from Hankel's series; cos/sin(x - phase) from cos x and sin x
    (no rounding of x - phase)."""
    P, Q = _hankel(order, x)
    c, s = xp.cos(x), xp.sin(x)
    r2 = 0.7071067811865476
    if order == 0:       # chi = x - pi/4
        cc, sc = (c + s) * r2, (s - c) * r2
    else:                # chi = x - 3 pi/4
        cc, sc = (s - c) * r2, -(s + c) * r2
    amp = xp.sqrt(2.0 / (xp.pi * x))
    return amp * (P * cc - Q * sc), amp * (P * sc + Q * cc)


def _bessel_j_all(x):
    """J_n(x), n = 0 .. _NJ/2 - 1, for |x| <= 25 (shape x.shape + (_NJ/2,)): the N-point trapezoidal rule on
    J_n(x) = (1/2pi) int_0^2pi cos(n t - x sin t) dt is one DFT of exp(i x sin t)."""
    t = 2.0 * xp.pi * xp.arange(_NJ) / _NJ
    e = xp.exp(1j * x[..., None] * xp.sin(t))
    return (xp.fft.fft(e, axis=-1).real / _NJ)[..., : _NJ // 2]


def _chunked(fn, x, n=8192):
    """fn over a flat array in blocks (bounded temporary memory for the per-element node arrays)."""
    flat = x.reshape(-1)
    outs = [fn(flat[i:i + n]) for i in range(0, max(flat.size, 1), n)] if flat.size else [fn(flat)]
    if isinstance(outs[0], tuple):
        return tuple(xp.concatenate([o[k] for o in outs]).reshape(x.shape) for k in range(len(outs[0])))
    return xp.concatenate(outs).reshape(x.shape)


def _jy_small(x):
    """(J0, J1, Y0, Y1) for 0 < x <= 25: J_n from the DFT, Y0 and Y1 from Neumann's series."""
    J = _bessel_j_all(x)
    j0, j1 = J[..., 0], J[..., 1]
    k = xp.arange(1, _NJ // 4 - 1)
    sgn = (-1.0) ** k
    with xp.errstate(**_ERRS):
        lg = xp.log(x / 2.0) + EULER
        y0 = (2 / xp.pi) * lg * j0 - (4 / xp.pi) * (sgn * J[..., 2 * k] / k).sum(-1)
        y1 = -(2 / xp.pi) * (j0 / x - lg * j1) + (4 / xp.pi) * (sgn * (J[..., 2 * k - 1] - J[..., 2 * k + 1])
                                                                 / (2 * k)).sum(-1)
    return j0, j1, y0, y1


def _jy(x):
    """(J0, J1, Y0, Y1) for x >= 0 (Y NaN/-inf handled by the callers)."""
    x = xp.asarray(x, xp.float64)

    def block(v):
        small = v <= _J_LIMIT
        out = [xp.empty_like(v) for _ in range(4)]
        if small.any():
            for o, r in zip(out, _jy_small(v[small])):
                o[small] = r
        if (~small).any():
            vb = v[~small]
            jb0, yb0 = _bessel_large(0, vb)
            jb1, yb1 = _bessel_large(1, vb)
            for o, r in zip(out, (jb0, jb1, yb0, yb1)):
                o[~small] = r
        return tuple(out)
    return _chunked(block, x)


def bessel_j0(x):
    x = xp.asarray(x, xp.float64)
    ax = xp.abs(x)
    r = _jy(xp.where(xp.isfinite(ax), ax, 1.0))[0]
    r = xp.where(xp.isinf(ax), xp.nan, r)      # PyTorch's value at +-inf
    return xp.where(xp.isnan(x), xp.nan, r)


def bessel_j1(x):
    x = xp.asarray(x, xp.float64)
    ax = xp.abs(x)
    r = _jy(xp.where(xp.isfinite(ax), ax, 1.0))[1] * xp.sign(x)
    r = xp.where(xp.isinf(ax), xp.nan, r)      # PyTorch's value at +-inf
    return xp.where(xp.isnan(x), xp.nan, r)


def _bessel_y(x, k):
    x = xp.asarray(x, xp.float64)
    ok = (x > 0) & xp.isfinite(x)
    r = _jy(xp.where(ok, x, 1.0))[k]
    r = xp.where(x == 0, -xp.inf, r)
    return xp.where((x < 0) | xp.isnan(x) | xp.isinf(x), xp.nan, r)   # NaN at +inf, as PyTorch


def bessel_y0(x):
    return _bessel_y(x, 2)


def bessel_y1(x):
    return _bessel_y(x, 3)


def _i_series(x, order, terms=90):
    """I_order(x) = (x/2)^order sum_k (x^2/4)^k / (k! (k + order)!) (all terms positive)."""
    q = x * x / 4.0
    term = xp.ones_like(x) / math.factorial(order)
    s = term.copy()
    for k in range(1, terms):
        term = term * q / (k * (k + order))
        s = s + term
    return s * (x / 2.0) ** order


def _i_scaled_large(x, order, terms=20):
    """exp(-x) I_order(x) for x > 30: (1/sqrt(2 pi x)) sum_k (-1)^k a_k(order) / x^k."""
    mu = 4.0 * order * order
    a = xp.ones_like(x)
    s = xp.ones_like(x)
    for k in range(1, terms):
        a = a * -(mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        s = s + a
    return s / xp.sqrt(2.0 * xp.pi * x)


def _i(x, order, scaled):
    x = xp.asarray(x, xp.float64)
    ax = xp.abs(x)
    with xp.errstate(**_ERRS):
        small = ax <= 30.0
        r = xp.empty_like(ax)
        if small.any():
            v = _i_series(ax[small], order)
            r[small] = v * xp.exp(-ax[small]) if scaled else v
        if (~small).any():
            v = _i_scaled_large(ax[~small], order)
            r[~small] = v if scaled else v * xp.exp(ax[~small])
        r = xp.where(xp.isinf(ax), 0.0 if scaled else xp.nan, r)   # PyTorch's I(+-inf) is NaN
        if order == 1:
            r = r * xp.sign(x)
        return xp.where(xp.isnan(x), xp.nan, r)


def i0(x):
    return _i(x, 0, False)


def i0e(x):
    return _i(x, 0, True)


def i1(x):
    return _i(x, 1, False)


def i1e(x):
    return _i(x, 1, True)


def _k_series(x, order):
    """K0/K1 for 0 < x <= 2 from the ascending series (A&S 9.6.13 / 9.6.11)."""
    q = x * x / 4.0
    lg = xp.log(x / 2.0)
    if order == 0:
        term = xp.ones_like(x)
        h = 0.0
        s = -EULER * term
        for k in range(1, 40):
            term = term * q / (k * k)
            h += 1.0 / k
            s = s + term * (h - EULER)
        return -lg * _i_series(x, 0) + s
    term = xp.ones_like(x)          # (x^2/4)^k / (k! (k+1)!)
    hk, hk1 = 0.0, 1.0              # H_k, H_{k+1}
    s = term * (2 * -EULER + hk + hk1)
    for k in range(1, 40):
        term = term * q / (k * (k + 1))
        hk += 1.0 / k
        hk1 += 1.0 / (k + 1)
        s = s + term * (2 * -EULER + hk + hk1)
    return 1.0 / x + lg * _i_series(x, 1) - (x / 4.0) * s


def _k_scaled_quad(x, nu, m=40):
    """exp(x) K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt by the trapezoidal rule (x >= ~1):
    the trapezoid error is about exp(x (1 - cos d) - 2 pi d / h) for any strip half-width d < pi/2: d = 1.5 and
    h = 2 pi 1.5 / (45 + x (1 - cos 1.5)) keep it below exp(-40) for x <= 40; beyond, d = 2 pi / (h x) and
    h = sqrt(0.45 / x) (error exp(-2 pi^2 / (h^2 x)))."""
    h = xp.where(x > 40.0, xp.sqrt(0.45 / x), 9.42 / (45.0 + 0.93 * x))
    j = xp.arange(m)
    t = h[..., None] * j
    sh = xp.sinh(t / 2.0)
    f = xp.exp(-x[..., None] * (2.0 * sh * sh)) * xp.cosh(nu * t)     # cosh t - 1 = 2 sinh^2(t/2), no cancellation
    f[..., 0] *= 0.5
    return h * f.sum(-1)


def _k(x, order, scaled):
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        small = (x > 0) & (x <= 2.0)
        big = x > 2.0
        r = xp.full(x.shape, xp.nan)
        if small.any():
            v = _k_series(x[small], order)
            r[small] = v * xp.exp(x[small]) if scaled else v
        if big.any():
            fin = big & xp.isfinite(x)
            v = _chunked(lambda u: _k_scaled_quad(u, float(order)), x[fin])
            r[fin] = v if scaled else v * xp.exp(-x[fin])
        r = xp.where(x == xp.inf, 0.0, r)
        r = xp.where(x == 0, xp.inf, r)
        return xp.where((x < 0) | xp.isnan(x), xp.nan, r)


def k0(x):
    return _k(x, 0, False)


def k1(x):
    return _k(x, 1, False)


def k0e(x):
    return _k(x, 0, True)


def k1e(x):
    return _k(x, 1, True)


def spherical_j0(x):
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        r = xp.sin(x) / x
        r = xp.where(x == 0, 1.0, r)
        r = xp.where(xp.isinf(x), 0.0, r)
        return xp.where(xp.isnan(x), xp.nan, r)


def airy_ai(x):
    """Ai(x): the Maclaurin series for -8 <= x <= 1, Ai(x) = sqrt(x/3) K_{1/3}(z) / pi with
    z = 2/3 x^{3/2} above (the K integral by the trapezoidal rule), the asymptotic series below -8."""
    x = xp.asarray(x, xp.float64)
    with xp.errstate(**_ERRS):
        r = xp.full(x.shape, xp.nan)
        mid = (x >= -8.0) & (x <= 1.0)
        if mid.any():
            v = x[mid]
            c1 = 0.355028053887817239260
            c2 = 0.258819403792806798405
            f = xp.ones_like(v)
            g = v.copy()
            tf, tg = f.copy(), g.copy()
            v3 = v ** 3
            for k in range(1, 60):
                tf = tf * v3 / ((3 * k - 1) * (3 * k))
                tg = tg * v3 / ((3 * k) * (3 * k + 1))
                f = f + tf
                g = g + tg
            r[mid] = c1 * f - c2 * g
        hi = (x > 1.0) & xp.isfinite(x)
        if hi.any():
            v = x[hi]
            z = 2.0 / 3.0 * v ** 1.5
            r[hi] = xp.sqrt(v / 3.0) / xp.pi * _chunked(lambda u: _k_scaled_quad(u, 1.0 / 3.0, 80), z) * \
                xp.exp(-z)
        lo = (x < -8.0) & xp.isfinite(x)
        if lo.any():
            v = -x[lo]
            z = 2.0 / 3.0 * v ** 1.5
            # Ai(-v) ~ v^(-1/4)/sqrt(pi) [sin(z + pi/4) S_even - cos(z + pi/4) S_odd], u_k coefficients
            u = [1.0]
            for k in range(1, 24):
                u.append(u[-1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k))
            se = xp.zeros_like(z)
            so = xp.zeros_like(z)
            for k, uk in enumerate(u):
                term = uk / z ** k
                if k % 2 == 0:
                    se = se + (-1) ** (k // 2) * term
                else:
                    so = so + (-1) ** (k // 2) * term
            ph = z + xp.pi / 4
            r[lo] = (xp.sin(ph) * se - xp.cos(ph) * so) / (xp.sqrt(xp.pi) * v ** 0.25)
        return xp.where(xp.isinf(x), xp.nan, r)     # NaN at +-inf, as PyTorch


# --- orthogonal polynomials -----------------------------------------------------------------------

def _recurrence(x, n, p0, p1, step):
    """p_n(x) for integer n >= 0 (broadcast), by p_{k+1} = step(k, x, p_k, p_{k-1})."""
    x, n = xp.broadcast_arrays(x, n)
    out = xp.where(n == 0, p0(x), p1(x))
    nmax = int(n.max()) if n.size else 0
    a, b = p0(x), p1(x)
    for k in range(1, nmax):
        a, b = b, step(k, x, b, a)
        out = xp.where(n == k + 1, b, out)
    return out


def chebyshev(kind, x, n):
    """Chebyshev T/U/V/W of degree n (0 for n < 0); cos/sin forms for n > 6 inside (-1, 1), as PyTorch."""
    x = xp.asarray(x, xp.float64)
    n = xp.asarray(n).astype(xp.int64)
    x, n = xp.broadcast_arrays(x, n)
    first = {"t": lambda v: v, "u": lambda v: 2 * v, "v": lambda v: 2 * v - 1, "w": lambda v: 2 * v + 1}[kind]
    with xp.errstate(**_ERRS):
        r = _recurrence(x, xp.maximum(n, 0), xp.ones_like, first, lambda k, v, b, a: 2 * v * b - a)
        inside = (n > 6) & (xp.abs(x) < 1)
        if inside.any():
            th = xp.arccos(x)
            nn = n.astype(xp.float64)
            trig = {"t": lambda: xp.cos(nn * th),
                    "u": lambda: xp.where(xp.sin(th) != 0, xp.sin((nn + 1) * th) / xp.sin(th), (nn + 1) * xp.cos(
                        (nn + 1) * th) / xp.cos(th)),
                    "v": lambda: xp.where(xp.cos(th / 2) != 0, xp.cos((nn + 0.5) * th) / xp.cos(th / 2), 0.0),
                    "w": lambda: xp.where(xp.sin(th / 2) != 0, xp.sin((nn + 0.5) * th) / xp.sin(th / 2), 0.0)}
            r = xp.where(inside, trig[kind](), r)
        at1 = xp.abs(x) == 1
        if at1.any():
            nn = n.astype(xp.float64)
            pos = x > 0
            ends = {"t": xp.where(pos, 1.0, (-1.0) ** nn),
                    "u": xp.where(pos, nn + 1, (-1.0) ** nn * (nn + 1)),
                    "v": xp.where(pos, 1.0, (-1.0) ** nn * (2 * nn + 1)),
                    "w": xp.where(pos, 2 * nn + 1, (-1.0) ** nn)}[kind]
            r = xp.where(at1, ends, r)
        return xp.where(n < 0, 0.0, r)


def hermite_h(x, n):
    x = xp.asarray(x, xp.float64)
    n = xp.asarray(n).astype(xp.int64)
    r = _recurrence(x, xp.maximum(n, 0), xp.ones_like, lambda v: 2 * v, lambda k, v, b, a: 2 * v * b - 2 * k * a)
    return xp.where(n < 0, 0.0, r)


def hermite_he(x, n):
    x = xp.asarray(x, xp.float64)
    n = xp.asarray(n).astype(xp.int64)
    r = _recurrence(x, xp.maximum(n, 0), xp.ones_like, lambda v: v, lambda k, v, b, a: v * b - k * a)
    return xp.where(n < 0, 0.0, r)


def laguerre_l(x, n):
    x = xp.asarray(x, xp.float64)
    n = xp.asarray(n).astype(xp.int64)
    r = _recurrence(x, xp.maximum(n, 0), xp.ones_like, lambda v: 1 - v,
                    lambda k, v, b, a: ((2 * k + 1 - v) * b - k * a) / (k + 1))
    r = xp.where(xp.broadcast_to(x == 0, r.shape), 1.0, r)
    return xp.where(n < 0, 0.0, r)


def legendre_p(x, n):
    x = xp.asarray(x, xp.float64)
    n = xp.asarray(n).astype(xp.int64)
    r = _recurrence(x, xp.maximum(n, 0), xp.ones_like, lambda v: v,
                    lambda k, v, b, a: ((2 * k + 1) * v * b - k * a) / (k + 1))
    return xp.where(n < 0, 0.0, r)
