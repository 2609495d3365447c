"""``torch.fft``: discrete Fourier transforms, with PyTorch's arguments, dtypes, errors and gradients.

X[k] = sum_n x[n] exp(-2 pi i k n / N) (``fft``), scaled by ``norm``: "backward" (default) leaves the forward
transforms unscaled and divides the inverse ones by N, "forward" the other way round, "ortho" divides both by
sqrt(N).  float32 (and integer inputs, through the default dtype) compute in single precision to complex64,
float64 to complex128; half precision is refused as on PyTorch's CPU.  The transforms are the linear
``Function``s of ``_spectral`` (backward = the adjoint transform), so gradients of every order work.
"""
import math as _math
import numbers as _numbers

from .._backend import xp as _xp
from .. import _dtype as _D
from .._tensor import Tensor, _make as _make, _wrap_dim as _wrap_dim_raw
from .._ops._util import write_out as _write_out
from . import _spectral as _S
from ..autograd.grad_mode import is_grad_enabled as _is_grad_enabled

# torch.fft's own list: hfft2, ihfft2, hfftn and ihfftn are public there but kept out of its star-import
__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift", "Tensor"]

_NORMS = (None, "backward", "forward", "ortho")


# ------------------------------------------------------------------ argument handling

def _type_name(v):
    return type(v).__name__


def _check_types(fname, n, dim, norm, sizes_arg):
    """The Python-binding type checks (TypeError ``fft_fft(): argument 'n' must be int, not float``)."""
    if sizes_arg:
        if n is not None and not isinstance(n, (tuple, list, _numbers.Integral, Tensor)):
            raise TypeError(f"fft_{fname}(): argument 's' must be tuple of ints, not {_type_name(n)}")
        if dim is not None and not isinstance(dim, (tuple, list, _numbers.Integral)):
            raise TypeError(f"fft_{fname}(): argument 'dim' must be tuple of ints, not {_type_name(dim)}")
    else:
        if n is not None and (isinstance(n, bool) or not isinstance(n, _numbers.Integral)):
            raise TypeError(f"fft_{fname}(): argument 'n' must be int, not {_type_name(n)}")
        if isinstance(dim, bool) or not isinstance(dim, _numbers.Integral):
            raise TypeError(f"fft_{fname}(): argument 'dim' must be int, not {_type_name(dim)}")
    if norm is not None and not isinstance(norm, str):
        raise TypeError(f"fft_{fname}(): argument 'norm' must be str, not {_type_name(norm)}")
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _scale(norm, n, forward):
    if norm == "ortho":
        return 1 / _math.sqrt(n)
    by_n = (norm == "forward") if forward else (norm in (None, "backward"))
    return 1 / n if by_n else 1


def _wrap(d, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    return _wrap_dim_raw(int(d), ndim)


def _is_complex(x):
    return x._data.dtype.kind == "c"


def _promote(x, require_complex=False):
    """PyTorch's FFT input promotion: integers and bool to the default float dtype; half precision refused."""
    k = x._data.dtype
    if k.kind == "c":
        return x
    if k.kind in "biu":
        x = x.to(_D.get_default_dtype())
        k = x._data.dtype
    if k not in (_xp.dtype(_xp.float32), _xp.dtype(_xp.float64)):
        raise RuntimeError(f"Unsupported dtype {_D.scalar_name(k)}")
    return x


def _as_tensor(x, api):
    if not isinstance(x, Tensor):
        raise TypeError(f"fft_{api}(): argument 'input' (position 1) must be Tensor, not {_type_name(x)}")
    return x


def _out(fname, r, out, complex_out):
    if out is None:
        return r
    od = out._data.dtype
    if complex_out and od.kind != "c":
        raise RuntimeError(f"{fname} expects a complex output tensor, but got {_D.scalar_name(od)}")
    if not complex_out and od.kind != "f":
        raise RuntimeError(f"{fname} expects a floating point output tensor, but got {_D.scalar_name(od)}")
    fn = r.grad_fn
    if fn is not None and _is_grad_enabled():
        kind = fn.name().replace("Backward0", "").replace("Fft", "").lower()   # FftR2CBackward0 -> r2c
        raise RuntimeError(f"_fft_{kind}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    return _write_out(r, out)


def _shape_and_dims(x, s, dim):
    """torch's canonical (shape, dims) of an n-dimensional transform (s entries of -1 keep the input size)."""
    ndim = x.dim()
    sizes = x.shape
    if isinstance(s, Tensor):
        s = s.tolist()
    if dim is not None:
        if isinstance(dim, _numbers.Integral):
            dim = (dim,)
        dims = tuple(_wrap(d, ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        if isinstance(s, _numbers.Integral):
            s = (s,)
        if dim is not None and len(dim) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
        if dim is None:
            dims = tuple(range(ndim - len(s), ndim))
        shape = tuple(int(n) if n != -1 else sizes[d] for n, d in zip(s, dims))
    elif dim is None:
        dims = tuple(range(ndim))
        shape = tuple(sizes)
    else:
        shape = tuple(sizes[d] for d in dims)
    for n in shape:
        if n <= 0:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return shape, dims


def _prod(xs):
    p = 1
    for v in xs:
        p *= v
    return p


# ------------------------------------------------------------------ one-dimensional transforms

def _one_dim(fname, input, n, dim, norm):
    input = _as_tensor(input, fname)
    _check_types(fname, n, dim, norm, False)
    d = _wrap(dim, input.dim())
    size = n if n is not None else input.shape[d]
    return input, d, size


def _c2c_or_r2c(fname, input, n, dim, norm, out, forward):
    input, d, size = _one_dim(fname, input, n, dim, norm)
    x = _promote(input)
    if size < 1:
        raise RuntimeError(f"Invalid number of data points ({size}) specified")
    sc = _scale(norm, size, forward)
    sign = -1 if forward else 1
    if _is_complex(x):
        r = _S.c2c(x, (d,), (size,), sc, sign)
    else:
        r = _S.r2c(x, (d,), (size,), sc, sign, False)
    return _out(fname, r, out, True)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """X[k] = sum_j x[j] exp(-2 pi i jk / n) along ``dim`` (input cropped or zero-padded to ``n``)"""
    return _c2c_or_r2c("fft", input, n, dim, norm, out, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """x[j] = (1/n) sum_k X[k] exp(2 pi i jk / n) along ``dim``"""
    return _c2c_or_r2c("ifft", input, n, dim, norm, out, False)


def _r2c_1d(fname, input, n, dim, norm, out, forward):
    input, d, size = _one_dim(fname, input, n, dim, norm)
    if _is_complex(input):
        raise RuntimeError(f"{fname} expects a real input tensor, but got {_D.scalar_name(input._data.dtype)}")
    x = _promote(input)
    if size < 1:
        raise RuntimeError(f"Invalid number of data points ({size}) specified")
    r = _S.r2c(x, (d,), (size,), _scale(norm, size, forward), -1 if forward else 1, True)
    return _out(fname, r, out, True)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """the first n//2 + 1 bins of ``fft`` of a real signal (the rest are their conjugates)"""
    return _r2c_1d("rfft", input, n, dim, norm, out, True)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """the first n//2 + 1 bins of ``ifft`` of a real signal: conj(rfft(x)) / n"""
    return _r2c_1d("ihfft", input, n, dim, norm, out, False)


def _c2r_1d(fname, input, n, dim, norm, out, forward):
    input, d, _ = _one_dim(fname, input, n, dim, norm)
    x = _promote(input)
    last = n if n is not None else 2 * (input.shape[d] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    pre = (last // 2 + 1,) if n is not None else None
    r = _S.c2r(x, (d,), pre, _scale(norm, last, forward), -1 if forward else 1, last)
    return _out(fname, r, out, False)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """the real signal of length n (default 2 (m - 1)) whose one-sided spectrum is ``input`` (m bins)"""
    return _c2r_1d("irfft", input, n, dim, norm, out, False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """``fft`` of a Hermitian-symmetric signal given by its first half: irfft(conj(x)) * n"""
    return _c2r_1d("hfft", input, n, dim, norm, out, True)


# ------------------------------------------------------------------ n-dimensional transforms

def _c2c_nd(fname, api, input, s, dim, norm, out, forward):
    input = _as_tensor(input, api)
    _check_types(api, s, dim, norm, True)
    shape, dims = _shape_and_dims(input, s, dim)
    x = _promote(input)
    sc = _scale(norm, _prod(shape), forward)
    sign = -1 if forward else 1
    if _is_complex(x):
        r = _S.c2c(x, dims, shape, sc, sign)
    else:
        r = _S.r2c(x, dims, shape, sc, sign, False)
    return _out(fname, r, out, True)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """``fft`` over every dimension in ``dim`` (default: all, or the last len(s))"""
    return _c2c_nd("fftn", "fftn", input, s, dim, norm, out, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """``ifft`` over every dimension in ``dim``"""
    return _c2c_nd("fftn", "ifftn", input, s, dim, norm, out, False)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``fftn`` over the last two dimensions"""
    return _c2c_nd("fftn", "fft2", input, s, dim, norm, out, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``ifftn`` over the last two dimensions"""
    return _c2c_nd("fftn", "ifft2", input, s, dim, norm, out, False)


def _r2c_nd(fname, api, input, s, dim, norm, out, forward):
    input = _as_tensor(input, api)
    _check_types(api, s, dim, norm, True)
    if _is_complex(input):
        name = _D.scalar_name(input._data.dtype)
        raise RuntimeError(f"rfftn expects a real-valued input tensor, but got {name}" if forward else
                           f"Only supports floating-point dtypes, but found: {name}")
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")
    x = _promote(input)
    r = _S.r2c(x, dims, shape, _scale(norm, _prod(shape), forward), -1 if forward else 1, True)
    return _out(fname, r, out, True)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``fftn`` of a real input, the last dimension one-sided (n//2 + 1 bins)"""
    return _r2c_nd("rfftn", "rfftn", input, s, dim, norm, out, True)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``rfftn`` over the last two dimensions"""
    return _r2c_nd("rfftn", "rfft2", input, s, dim, norm, out, True)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``ifftn`` of a real input, the last dimension one-sided: conj(rfftn(x)) / prod(s)"""
    return _r2c_nd("ihfftn", "ihfftn", input, s, dim, norm, out, False)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``ihfftn`` over the last two dimensions"""
    return _r2c_nd("ihfftn", "ihfft2", input, s, dim, norm, out, False)


def _c2r_nd(fname, api, input, s, dim, norm, out, forward):
    input = _as_tensor(input, api)
    _check_types(api, s, dim, norm, True)
    shape, dims = _shape_and_dims(input, s, dim)
    if not dims:
        raise RuntimeError(f"{fname} must transform at least one axis")
    if isinstance(s, Tensor):
        s = s.tolist()
    if isinstance(s, _numbers.Integral):
        s = (s,)
    last = 2 * (input.shape[dims[-1]] - 1) if s is None or s[-1] == -1 else shape[-1]
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    x = _promote(input)
    pre = tuple(shape[:-1]) + (last // 2 + 1,)
    n = _prod(shape[:-1]) * last
    r = _S.c2r(x, dims, pre, _scale(norm, n, forward), -1 if forward else 1, last)
    return _out(fname, r, out, False)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """the inverse of ``rfftn``: a real output, the last dimension of length s[-1] (default 2 (m - 1))"""
    return _c2r_nd("irfftn", "irfftn", input, s, dim, norm, out, False)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``irfftn`` over the last two dimensions"""
    return _c2r_nd("irfftn", "irfft2", input, s, dim, norm, out, False)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """``fftn`` of a Hermitian-symmetric input given by its one-sided half: irfftn(conj(x)) * prod(s)"""
    return _c2r_nd("hfftn", "hfftn", input, s, dim, norm, out, True)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """``hfftn`` over the last two dimensions"""
    return _c2r_nd("hfftn", "hfft2", input, s, dim, norm, out, True)


# ------------------------------------------------------------------ frequencies and shifts

def _freq(fname, n, d, out, dtype, device, requires_grad, count, wrap):
    from .._creation import _finish
    from .. import _devices as _dv
    if device is not None or _dv._default[0] is not None:
        _dv.check(device)
    if isinstance(n, bool) or not isinstance(n, _numbers.Integral):
        raise TypeError(f"fft_{fname}(): argument 'n' (position 1) must be int, not {_type_name(n)}")
    npd = (out._data.dtype if out is not None else _D.get_default_dtype().np) if dtype is None \
        else _D.to_numpy_dtype(dtype)
    if npd.kind == "c":
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_D.scalar_name(npd)}'")
    if npd.kind not in "fV":
        raise RuntimeError(f"{fname} requires a floating point or complex dtype")
    m = count(n)
    if m < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {m}: [{m}]")
    k = _xp.arange(m, dtype=npd)
    if wrap:
        k[(n + 1) // 2:] -= npd.type(n)   # the negative frequencies, after the positive ones
    with _xp.errstate(divide="ignore", invalid="ignore"):
        r = k * npd.type(1.0 / (n * d) if n * d != 0 else _math.inf)
    if out is not None:
        return _write_out(_make(r), out)
    return _finish(r, requires_grad)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """[0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (d n): the sample frequencies of ``fft``"""
    return _freq("fftfreq", n, d, out, dtype, device, requires_grad, lambda n: n, True)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """[0, 1, ..., n//2] / (d n): the sample frequencies of ``rfft``"""
    return _freq("rfftfreq", n, d, out, dtype, device, requires_grad, lambda n: (abs(n) // 2) * (1 if n >= 0 else -1) + 1, False)   # C++ n / 2 truncates


def _shift(input, dim, inverse):
    from .._ops.copies import roll
    if dim is None:
        dims = list(range(input.dim()))
    elif isinstance(dim, _numbers.Integral):
        dims = [dim]
    else:
        dims = list(dim)
    dims = [_wrap_dim_raw(d, input.dim()) for d in dims]
    if not dims:
        raise RuntimeError("`shifts` required")
    shifts = [(input.shape[d] + 1) // 2 if inverse else input.shape[d] // 2 for d in dims]
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    """rolls the zero frequency to the centre: shift by n // 2 along each of ``dim`` (default all)"""
    return _shift(input, dim, False)


def ifftshift(input, dim=None):
    """the inverse of ``fftshift``: shift by (n + 1) // 2"""
    return _shift(input, dim, True)


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.fft.{name}'")
