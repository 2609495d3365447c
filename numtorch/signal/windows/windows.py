"""The window functions of ``torch.signal.windows``, composed from differentiable numtorch ops.

Each window is sampled on ``linspace`` points in the requested dtype (float32 or float64), so
``requires_grad=True`` gives a window whose graph runs back to those points, as in PyTorch.
A periodic window (``sym=False``) of length M is the symmetric window of length M + 1 without its last point.
"""
import math as _math
from collections.abc import Iterable as _Iterable

import numtorch as _nt

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and layout != _nt.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_nt.float32, _nt.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _empty(dtype, device, requires_grad):
    return _nt.empty((0,), dtype=dtype, device=device, requires_grad=requires_grad)


def _points(start, end, M, dtype, device, requires_grad):
    return _nt.linspace(start, end, M, dtype=dtype, device=device, requires_grad=requires_grad)


def _span(M, sym):
    """N in the window formulas: M - 1 points apart when symmetric, M when periodic (length-1 windows: 0)."""
    return M if not sym and M > 1 else M - 1


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=_nt.strided, device=None,
                requires_grad=False):
    """w[n] = exp(-|n - c| / tau), c = N / 2 unless given"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _empty(dtype, device, requires_grad)
    if center is None:
        center = _span(M, sym) / 2.0
    k = _points(-center / tau, (-center + (M - 1)) / tau, M, dtype, device, requires_grad)
    return _nt.exp(-_nt.abs(k))


def cosine(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = sin(pi (n + 1/2) / M) (M + 1 in place of M when periodic)"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("cosine", M, dtype, layout)
    if M == 0:
        return _empty(dtype, device, requires_grad)
    c = _math.pi / (M + 1 if not sym and M > 1 else M)
    k = _points(0.5 * c, (0.5 + (M - 1)) * c, M, dtype, device, requires_grad)
    return _nt.sin(k)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = exp(-(n - N/2)^2 / (2 std^2))"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _empty(dtype, device, requires_grad)
    start = -_span(M, sym) / 2.0
    c = 1 / (std * _math.sqrt(2))
    k = _points(start * c, (start + (M - 1)) * c, M, dtype, device, requires_grad)
    return _nt.exp(-k ** 2)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = I0(sqrt(beta^2 - k_n^2)) / I0(beta), k_n running from -beta to beta over N steps"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M == 0:
        return _empty(dtype, device, requires_grad)
    if M == 1:
        return _nt.ones((1,), dtype=dtype, device=device, requires_grad=requires_grad)
    b = _nt.tensor(beta, dtype=dtype, device=device)
    step = 2.0 * b / (M if not sym else M - 1)
    end = _nt.minimum(b, -b + (M - 1) * step)   # float rounding must not carry the last point past beta
    k = _points(-b, end, M, dtype, device, requires_grad)
    return _nt.i0(_nt.sqrt(b * b - _nt.pow(k, 2))) / _nt.i0(b)


def general_cosine(M, *, a, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = sum_i (-1)^i a_i cos(2 pi i n / N)"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("general_cosine", M, dtype, layout)
    if M == 0:
        return _empty(dtype, device, requires_grad)
    if M == 1:
        return _nt.ones((1,), dtype=dtype, device=device, requires_grad=requires_grad)
    if not isinstance(a, _Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    c = 2 * _math.pi / (M if not sym else M - 1)
    k = _points(0, (M - 1) * c, M, dtype, device, requires_grad)
    coef = _nt.tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype, device=device,
                      requires_grad=requires_grad)
    i = _nt.arange(coef.shape[0], dtype=dtype, device=device, requires_grad=requires_grad)
    return (coef.unsqueeze(-1) * _nt.cos(i.unsqueeze(-1) * k)).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = alpha - (1 - alpha) cos(2 pi n / N)"""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """general_hamming with alpha = 0.54"""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """general_hamming with alpha = 0.5"""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """general_cosine with a = [0.42, 0.5, 0.08]"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """w[n] = 1 - |2n / N - 1|"""
    dtype = _nt.get_default_dtype() if dtype is None else dtype
    _checks("bartlett", M, dtype, layout)
    if M == 0:
        return _empty(dtype, device, requires_grad)
    if M == 1:
        return _nt.ones((1,), dtype=dtype, device=device, requires_grad=requires_grad)
    c = 2 / (M if not sym else M - 1)
    k = _points(-1, -1 + (M - 1) * c, M, dtype, device, requires_grad)
    return 1 - _nt.abs(k)


def nuttall(M, *, sym=True, dtype=None, layout=_nt.strided, device=None, requires_grad=False):
    """general_cosine with Nuttall's minimum 4-term coefficients"""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)
