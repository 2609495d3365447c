"""The exact GELU's normal CDF in float32 at NumPy speed, with the double-precision reference beside it.

Phi(x) = 1 - h(x) for x >= 0 and h(x) for x < 0, where h(x) = erfc(w) / 2 with w = |x| / sqrt(2), and
erfc(w) = exp(-w^2) * erfcx(w). The scaled function erfcx is smooth and bounded on [0, inf), so one
polynomial in t = 1 / (1 + p w) covers the whole line: erfcx(w) ~ t * P(t), P of degree 8, p = 0.375,
fitted here (iteratively reweighted least squares towards the minimax fit) to a relative error of
1.1e-8 for w in [0, 9.5] (beyond, erfc(w)/2 < 1e-40 is below float32's normal range and exp underflows
to 0). Evaluated in float32 (t's rounding dominates), |Phi - Phi_float64| <= 2.2e-7 (3.7 * 2^-24) over the
whole line; the error of h is relative (<= 6e-7 for |x| < 4, growing as 2^-24 x^2/2 from exp's argument),
so Phi stays accurate in the far negative tail where x * Phi(x) is tiny. PyTorch's vectorized float erf
(Abramowitz-Stegun 7.1.26) is accurate to 1.5e-7 absolute and returns 0 for GELU below x = -5.5. No branches, no boolean indexing or masked copies: about twenty-five in-place passes, one exp, one reciprocal.
exp(-x^2/2) is a by-product, so the backward (Phi(x) + x * exp(-x^2/2) / sqrt(2 pi)) costs four passes.
``tests/nn/test_transformer_gelu.py`` pins this against :func:`gelu_reference` over the float32 range.
"""
from ..._backend import xp, errstate
from ..._cpu import get_num_threads, run_parallel, chunks

_f32 = xp.float32
# 0.5 * P's coefficients, constant term first (the 1/2 of h folded in)
_H = tuple(_f32(c) for c in (0.10580720752477646, 0.10531676560640335, 0.10271509736776352,
                              0.06051994115114212, 0.13742096722126007, -0.11553660035133362,
                              0.21694545447826385, -0.14403697848320007, 0.030848156660795212))
_P_OVER_SQRT2 = _f32(0.2651650309562683)   # p / sqrt(2): t = 1 / (1 + p |x| / sqrt(2))
_ONE = _f32(1.0)
_ZERO = _f32(0.0)
_MTWO = _f32(-2.0)
_MHALF = _f32(-0.5)
_INV_SQRT_2PI = _f32(0.3989422804014327)
_SQRT1_2 = 0.7071067811865476


def _block(x, y, phi, e):
    """Fill y = x Phi(x), phi = Phi(x), e = exp(-x^2/2) for one flat float32 block (y is scratch until the end;
    run under _blocks' errstate)."""
    xp.multiply(x, x, out=e)
    e *= _MHALF
    xp.exp(e, out=e)
    t = xp.abs(x, out=y)
    t *= _P_OVER_SQRT2
    t += _ONE
    xp.reciprocal(t, out=t)
    h = xp.multiply(t, _H[8], out=phi)
    for c in _H[7::-1]:        # Horner, in place
        h += c
        h *= t
    h *= e                     # h = erfc(|x|/sqrt2) / 2
    # Phi = h + [x >= 0] (1 - 2h): h exactly for x < 0, 1 - h for x >= 0 (a masked copy is 10x slower)
    u = xp.multiply(h, _MTWO, out=y)
    u += _ONE
    u *= xp.greater_equal(x, _ZERO)
    h += u
    xp.multiply(x, h, out=y)


_PAR_MIN = 1 << 16   # elements per thread below which a second thread does not pay (handoff ~tens of us)
# the ~25 passes run over cache-sized pieces: four float32 arrays of 16k elements (256 KiB) stay in L2
# between passes, where whole arrays of a training batch (1.5 MiB each) would stream from L3 every pass
_CHUNK = 1 << 14


@errstate(over="ignore", invalid="ignore")   # (x*x of |x| > 1.8e19 is inf: exp(-inf) = 0, as wanted)
def _blocks(x, y, phi, e):
    """``_block`` over pieces of at most _CHUNK elements (the same numbers: every pass is elementwise)."""
    n = x.size
    if n <= 2 * _CHUNK:
        _block(x, y, phi, e)
        return
    for lo in range(0, n, _CHUNK):
        hi = lo + _CHUNK
        _block(x[lo:hi], y[lo:hi], phi[lo:hi], e[lo:hi])


def gelu32(x):
    """x * Phi(x) for float32 x; returns (y, Phi(x), exp(-x^2/2)) (the last two for the backward).
    Large arrays are split over numtorch's threads (NumPy releases the GIL in each pass)."""
    xc = x if x.flags.c_contiguous else x.copy(order="C")   # (ascontiguousarray would make 0-d 1-d)
    y, phi, e = xp.empty_like(xc), xp.empty_like(xc), xp.empty_like(xc)
    fx, fy, fp, fe = xc.reshape(-1), y.reshape(-1), phi.reshape(-1), e.reshape(-1)
    n = fx.size
    nt = min(get_num_threads(), n // _PAR_MIN)
    if nt > 1:
        run_parallel(lambda lo, hi: _blocks(fx[lo:hi], fy[lo:hi], fp[lo:hi], fe[lo:hi]), chunks(n, nt))
    else:
        _blocks(fx, fy, fp, fe)
    return y, phi, e


def phi_gauss32(x):
    """(Phi(x), exp(-x^2/2)) for a float32 array x, both new float32 arrays."""
    _, phi, e = gelu32(x)
    return phi, e


def gelu32_backward(g, x, phi, e):
    """g * (Phi(x) + x exp(-x^2/2) / sqrt(2 pi)) from the forward's by-products."""
    d = xp.multiply(x, e)
    d *= _INV_SQRT_2PI
    d += phi
    d *= g
    return d


def gelu_reference(x):
    """x * Phi(x) with erf in double precision (Cody's rational approximations), in x's dtype."""
    from ..._ops.unary import erf_np   # (the plain path; float64 and the non-float32 dtypes use it)
    x64 = x.astype(xp.float64)
    return (x64 * 0.5 * (1.0 + erf_np(x64 * _SQRT1_2))).astype(x.dtype)
