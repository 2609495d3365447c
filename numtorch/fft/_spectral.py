"""The differentiable discrete Fourier transforms behind ``torch.fft`` and ``torch.stft``.

Every transform here is linear, so one ``Function`` per kind of map serves all of them, and the backward of each is
its adjoint (for the real inner product <u, v> = Re(sum conj(u) v), which is what PyTorch's complex gradients use):

    kind       forward (unscaled, along ``dims``)                     adjoint
    c2c        F_sign x                                               c2c with -sign
    r2c        real x -> F_sign x (onesided: the first n//2+1 bins)   r2c_adj: Re(F_-sign zero-pad(g))
    r2c_adj    Re(F_-sign zero-pad(g))                                r2c
    c2r        Hermitian x (n//2+1 bins) -> real signal of length n   c2r_adj: bins 1..n-n//2-1 of rfft(g) doubled
    c2r_adj    D rfft(g)                                              c2r

``sign`` is the exponent's sign (-1: fft, rfft, hfft; +1: ifft, irfft, ihfft); for r2c with sign +1 the result is
conjugated (ihfft = conj(rfft) / n) and c2r with sign -1 conjugates its input (hfft = irfft(conj x) * n).  Each
Function first crops or zero-pads its input along ``dims`` to ``pre`` (torch's ``n``/``s``), multiplies by ``scale``
(1, 1/n or 1/sqrt(n) from ``norm``), then crops or pads to ``post`` (used by the adjoints); the backward applies the
adjoint of that whole chain, so gradients of every order are these same Functions.  The forward computes in NumPy
(``numpy.fft``, in single precision for float32/complex64).
"""
from .._backend import xp
from ..autograd.function import Function

_C = {xp.dtype(xp.float32): xp.dtype(xp.complex64), xp.dtype(xp.float64): xp.dtype(xp.complex128),
      xp.dtype(xp.complex64): xp.dtype(xp.complex64), xp.dtype(xp.complex128): xp.dtype(xp.complex128)}
_R = {xp.dtype(xp.complex64): xp.dtype(xp.float32), xp.dtype(xp.complex128): xp.dtype(xp.float64),
      xp.dtype(xp.float32): xp.dtype(xp.float32), xp.dtype(xp.float64): xp.dtype(xp.float64)}


def resize(a, dims, sizes):
    """Crop or zero-pad ``a`` along ``dims`` to ``sizes`` (None: unchanged)."""
    if sizes is None:
        return a
    idx = [slice(None)] * a.ndim
    pad = [(0, 0)] * a.ndim
    crop = grow = False
    for d, s in zip(dims, sizes):
        if a.shape[d] > s:
            idx[d] = slice(0, s)
            crop = True
        elif a.shape[d] < s:
            pad[d] = (0, s - a.shape[d])
            grow = True
    if crop:
        a = a[tuple(idx)]
    if grow:
        a = xp.pad(a, pad)
    return a


def _c2c(a, dims, sign):
    if a.size == 0 or not dims:   # (an empty dims tuple transforms nothing: a fresh complex copy)
        return a.astype(_C[a.dtype])
    return xp.fft.fftn(a, axes=dims) if sign < 0 else xp.fft.ifftn(a, axes=dims, norm="forward")


def _r2c(a, dims, sign, onesided):
    if onesided:
        shape = list(a.shape)
        shape[dims[-1]] = shape[dims[-1]] // 2 + 1
        y = xp.fft.rfftn(a, axes=dims) if a.size else xp.zeros(shape, _C[a.dtype])
        return xp.conj(y) if sign > 0 else y
    return _c2c(a, dims, sign).astype(_C[a.dtype], copy=False)


def _r2c_adj(g, dims, sign, onesided, n_last):
    if sign > 0:
        g = xp.conj(g)
    if onesided:
        g = resize(g, dims[-1:], (n_last,))
    return _c2c(g, dims, +1).real.copy()   # (a C-contiguous copy that keeps 0-d shapes)


def _c2r(a, dims, sign, n_last):
    a = a.astype(_C[a.dtype], copy=False)
    if sign < 0:
        a = xp.conj(a)
    shape = [a.shape[d] for d in dims[:-1]] + [n_last]
    if a.size == 0:
        out = list(a.shape)
        out[dims[-1]] = n_last
        return xp.zeros(out, _R[a.dtype])
    return xp.fft.irfftn(a, s=shape, axes=dims, norm="forward")


def _c2r_adj(g, dims, sign, n_last, real_x):
    last = dims[-1]
    y = xp.fft.rfftn(g, axes=dims) if g.size else _r2c(g, dims, -1, True)
    # each bin strictly between DC and Nyquist stands for itself and its conjugate mirror
    extra = n_last - (n_last // 2 + 1)
    if extra > 0:
        idx = [slice(None)] * y.ndim
        idx[last] = slice(1, 1 + extra)
        y[tuple(idx)] *= 2
    if real_x:
        return y.real.copy()
    return xp.conj(y) if sign < 0 else y


class _Linear(Function):
    """A crop/pad, one unscaled DFT of the kind above, a scale and a crop/pad (see the module docstring)."""
    _builtin = True
    _complex_aware = True   # the adjoint transform is already PyTorch's complex gradient
    kind = None

    @classmethod
    def forward(cls, ctx, x, dims, pre, scale, sign, onesided, n_last, post, real_x):
        a = x._data
        in_sizes = tuple(a.shape[d] for d in dims)
        a = resize(a, dims, pre)
        k = cls.kind
        if k == "c2c":
            y = _c2c(a.astype(_C[a.dtype], copy=False), dims, sign)
        elif k == "r2c":
            n_last = a.shape[dims[-1]] if dims else 0   # (fftn over no dims: a complex copy)
            y = _r2c(a, dims, sign, onesided)
        elif k == "r2c_adj":
            y = _r2c_adj(a, dims, sign, onesided, n_last)
        elif k == "c2r":
            y = _c2r(a, dims, sign, n_last)
        else:
            y = _c2r_adj(a, dims, sign, n_last, real_x)
        if scale != 1:
            y = y * _R[y.dtype].type(scale)
        mid = tuple(y.shape[d] for d in dims)
        ctx.spec = (dims, mid, scale, sign, onesided, n_last, in_sizes, real_x)
        return resize(y, dims, post)

    @classmethod
    def backward(cls, ctx, g):
        dims, mid, scale, sign, onesided, n_last, in_sizes, real_x = ctx.spec
        adj = _ADJOINT[cls.kind]
        sgn = -sign if cls.kind == "c2c" else sign
        return (adj.apply(g, dims, mid, scale, sgn, onesided, n_last, in_sizes, real_x),
                None, None, None, None, None, None, None, None)


class FftC2C(_Linear):
    kind = "c2c"


class FftR2C(_Linear):
    kind = "r2c"


class FftC2R(_Linear):
    kind = "c2r"


class FftR2CAdjoint(_Linear):
    kind = "r2c_adj"


class FftC2RAdjoint(_Linear):
    kind = "c2r_adj"


_ADJOINT = {"c2c": FftC2C, "r2c": FftR2CAdjoint, "r2c_adj": FftR2C, "c2r": FftC2RAdjoint, "c2r_adj": FftC2R}


def c2c(x, dims, pre, scale, sign):
    return FftC2C.apply(x, dims, pre, scale, sign, False, 0, None, False)


def r2c(x, dims, pre, scale, sign, onesided):
    return FftR2C.apply(x, dims, pre, scale, sign, onesided, 0, None, False)


def c2r(x, dims, pre, scale, sign, n_last):
    real_x = x._data.dtype.kind != "c"
    return FftC2R.apply(x, dims, pre, scale, sign, False, n_last, None, real_x)
