"""``torch.hann_window``, ``hamming_window``, ``blackman_window``, ``bartlett_window``, ``kaiser_window``.

ATen's window factories: the window is computed in NumPy in the requested dtype (float32 steps in float32, as
ATen's arange + in-place scalar ops) and returned as a leaf (``requires_grad`` only marks it).  A periodic window
of length N is the first N points of the symmetric window of length N + 1.
"""
import math

from ._backend import xp
from . import _dtype as D
from . import _devices as _dv
from ._tensor import _make

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]

# c10's spelling of each dtype in TensorOptions' printout
_C_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _options(fname, dtype, layout, requires_grad):
    if dtype is None:
        # only hann_window reports the options as given; the others fill in the default dtype first
        d = _C_NAMES.get(str(D.get_default_dtype()).replace("torch.", ""), "float")
        d += " (default)" if fname == "hann_window" else ""
    else:
        d = _C_NAMES.get(str(dtype).replace("torch.", ""), str(dtype))
    lay = "Sparse" if layout is not None and "sparse" in str(layout) else "Strided (default)"
    return (f"TensorOptions(dtype={d}, device=cpu, layout={lay}, requires_grad=false (default), pinned_memory=false, "
            f"memory_format=(nullopt))")


def _int_arg(fname, name, pos, v):
    if isinstance(v, bool) or not isinstance(v, int):
        if hasattr(v, "__index__") and not isinstance(v, bool):
            return int(v.__index__())
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")
    return v


def _check(fname, window_length, periodic, dtype, layout, device, requires_grad):
    """ATen's window_function_checks; returns the NumPy dtype."""
    window_length = _int_arg(fname, "window_length", 1, window_length)
    if not isinstance(periodic, bool):
        raise TypeError(f"{fname}(): argument 'periodic' (position 2) must be bool, not {type(periodic).__name__}")
    if device is not None or _dv._default[0] is not None:
        _dv.check(device)
    if layout is not None and "sparse" in str(layout):
        raise RuntimeError(f"{fname} is not implemented for sparse types, got: "
                           f"{_options(fname, dtype, layout, requires_grad)}")
    npd = D.get_default_dtype().np if dtype is None else D.to_numpy_dtype(dtype)
    if npd.kind == "c":
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{D.scalar_name(npd)}'")
    if npd.kind not in "fV":
        raise RuntimeError(f"{fname} expects floating point dtypes, got: "
                           f"{_options(fname, dtype, layout, requires_grad)}")
    if window_length < 0:
        raise RuntimeError(f"{fname} requires non-negative window_length, got window_length={window_length}")
    return window_length, npd


def _window(fname, body, window_length, periodic, dtype, layout, device, requires_grad):
    n, npd = _check(fname, window_length, periodic, dtype, layout, device, requires_grad)
    if n <= 1:
        arr = xp.ones(n, dtype=npd)
    else:
        L = n + 1 if periodic else n
        # every step rounds to the window's dtype, as ATen's in-place steps (NumPy's half ops round each result)
        arr = body(xp.arange(L, dtype=npd), L, npd)[:n].astype(npd)
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _hamming_body(alpha, beta):
    def body(k, L, cd):
        # ATen: arange * (2 pi / (L - 1)), cos, * -beta, + alpha, each step in the window's dtype
        w = xp.cos(k * cd.type(2 * math.pi / (L - 1)))
        return w * cd.type(-beta) + cd.type(alpha)
    return body


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """w[n] = 0.5 - 0.5 cos(2 pi n / (N - 1)); N = window_length (+ 1 when periodic)"""
    return _window("hann_window", _hamming_body(0.5, 0.5), window_length, periodic, dtype, layout, device,
                   requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """w[n] = alpha - beta cos(2 pi n / (N - 1)); N = window_length (+ 1 when periodic)"""
    for name, pos, v in (("alpha", 3, alpha), ("beta", 4, beta)):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"hamming_window(): argument '{name}' (position {pos}) must be float, not "
                            f"{type(v).__name__}")
    return _window("hamming_window", _hamming_body(float(alpha), float(beta)), window_length, periodic, dtype,
                   layout, device, requires_grad)


def _blackman_body(k, L, cd):
    # ATen: t = arange * (pi / (L - 1)); 0.08 cos(4t) - 0.5 cos(2t) + 0.42
    t = k * cd.type(math.pi / (L - 1))
    return (xp.cos(t * cd.type(4)) * cd.type(0.08) - xp.cos(t * cd.type(2)) * cd.type(0.5)) + cd.type(0.42)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """w[n] = 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))"""
    return _window("blackman_window", _blackman_body, window_length, periodic, dtype, layout, device,
                   requires_grad)


def _bartlett_body(k, L, cd):
    # ATen: arange * (2 / (L - 1)); the second half (from index (L - 1) // 2 + 1) becomes 2 - w
    w = k * cd.type(2.0 / (L - 1))
    first = ((L - 1) >> 1) + 1
    w[first:] = cd.type(2) - w[first:]
    return w


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """w[n] = 1 - |2n / (N - 1) - 1|"""
    return _window("bartlett_window", _bartlett_body, window_length, periodic, dtype, layout, device,
                   requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """w[n] = I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta), a = (N - 1) / 2"""
    if isinstance(beta, bool) or not isinstance(beta, (int, float)):
        raise TypeError(f"kaiser_window(): argument 'beta' (position 3) must be float, not {type(beta).__name__}")
    from .special import _kernels as K

    def body(k, L, cd):
        # ATen's kernel works in the dtype's "opmath" type: float32 for the half-precision dtypes
        cd = xp.dtype(xp.float64) if cd == xp.float64 else xp.dtype(xp.float32)
        k = k.astype(cd)
        a = cd.type((L - 1) / 2.0)
        r = cd.type(beta) * xp.sqrt(xp.abs(cd.type(1) - ((k - a) / a) ** 2))
        return (K.i0(r.astype(xp.float64)) / K.i0(xp.float64(cd.type(beta)))).astype(cd)
    return _window("kaiser_window", body, window_length, periodic, dtype, layout, device, requires_grad)
