"""``torch.stft`` and ``torch.istft`` (and their Tensor methods), composed from differentiable ops.

stft:  X[b, f, m] = sum_k w[k] x[b, m hop + k] exp(-2 pi i f k / n_fft)  (w zero-padded to n_fft, centred),
       over a signal reflect-padded by n_fft // 2 on each side when ``center``; ``normalized`` divides by sqrt(n_fft).
istft: the least-squares inverse: inverse FFT of every frame, times w, overlap-added, divided by the
       overlap-added w^2 (the window envelope, which must not vanish: PyTorch's NOLA check).

Framing and overlap-add are an adjoint pair of linear ``Function``s here (``_Frames``/``_OverlapAdd``), so they work on
real and complex frames alike and give gradients of every order.
"""
import warnings

from .._backend import xp
from .. import _dtype as D
from .._tensor import Tensor, register_methods
from ..autograd.function import Function
from . import _spectral as S

_warned = set()


def _warn_once(key, msg):
    # PyTorch's TORCH_WARN_ONCE: once per process
    if key not in _warned:
        _warned.add(key)
        warnings.warn(msg, UserWarning, stacklevel=3)


class _Frames(Function):
    """frames[..., m, k] = x[..., m hop + k]; backward: overlap-add"""
    _builtin = True
    _complex_aware = True   # adjoint pairs: the backward already is PyTorch's complex gradient

    @staticmethod
    def forward(ctx, x, n, hop, n_frames):
        a = x._data
        ctx.spec = (n, hop, a.shape[-1])
        idx = xp.arange(n_frames)[:, None] * hop + xp.arange(n)[None, :]
        return a[..., idx]

    @staticmethod
    def backward(ctx, g):
        n, hop, length = ctx.spec
        return _OverlapAdd.apply(g, hop, length), None, None, None


class _OverlapAdd(Function):
    """y[..., t] = sum over frames m of frames[..., m, t - m hop]; backward: framing"""
    _builtin = True
    _complex_aware = True   # adjoint pairs: the backward already is PyTorch's complex gradient

    @staticmethod
    def forward(ctx, f, hop, length):
        a = f._data
        n_frames, n = a.shape[-2], a.shape[-1]
        ctx.spec = (n, hop, n_frames)
        y = xp.zeros(a.shape[:-2] + (max(length, n_frames * hop + n),), dtype=a.dtype)   # room for every piece
        # one strided add per hop-sized piece of the frame: a loop of ceil(n / hop) steps, not one per frame
        for j in range(0, n, hop):
            piece = a[..., :, j:j + hop]
            w = piece.shape[-1]
            if w == hop:
                y[..., j:j + n_frames * hop] += piece.reshape(a.shape[:-2] + (n_frames * hop,))
            else:
                view = y[..., j:j + n_frames * hop].reshape(a.shape[:-2] + (n_frames, hop))
                view[..., :w] += piece
        return y[..., :length]

    @staticmethod
    def backward(ctx, g):
        n, hop, n_frames = ctx.spec
        if g.shape[-1] < (n_frames - 1) * hop + n:
            from ..nn.functional import pad
            g = pad(g, (0, (n_frames - 1) * hop + n - g.shape[-1]))
        return _Frames.apply(g, n, hop, n_frames), None, None


class _ViewAsReal(Function):
    """complex z -> real (..., 2) of (Re z, Im z); backward: _ViewAsComplex"""
    _builtin = True
    _complex_aware = True   # adjoint pairs: the backward already is PyTorch's complex gradient

    @staticmethod
    def forward(ctx, z):
        return xp.stack([z._data.real, z._data.imag], axis=-1)

    @staticmethod
    def backward(ctx, g):
        return _ViewAsComplex.apply(g)


class _ViewAsComplex(Function):
    """real (..., 2) -> complex; backward: _ViewAsReal"""
    _builtin = True
    _complex_aware = True   # adjoint pairs: the backward already is PyTorch's complex gradient

    @staticmethod
    def forward(ctx, r):
        a = r._data
        return (a[..., 0] + 1j * a[..., 1]).astype(S._C[a.dtype])

    @staticmethod
    def backward(ctx, g):
        return _ViewAsReal.apply(g)


def _cx(t):
    return t._data.dtype.kind == "c"


def _mul(a, b):
    """a * b for real or complex operands, written with real ops through the view-as-real pair (complex
    arithmetic's autograd belongs to the complex core; this keeps stft/istft's gradients independent of it)"""
    if not _cx(a) and not _cx(b):
        return a * b
    if not _cx(b):
        return _ViewAsComplex.apply(_ViewAsReal.apply(a) * b.unsqueeze(-1))
    if not _cx(a):
        return _ViewAsComplex.apply(a.unsqueeze(-1) * _ViewAsReal.apply(b))
    from .._ops.copies import stack
    ar, br = _ViewAsReal.apply(a), _ViewAsReal.apply(b)
    re = ar[..., 0] * br[..., 0] - ar[..., 1] * br[..., 1]
    im = ar[..., 0] * br[..., 1] + ar[..., 1] * br[..., 0]
    return _ViewAsComplex.apply(stack([re, im], -1))


def _div_real(a, r):
    """a / r for a real or complex ``a`` and a real ``r``"""
    return _ViewAsComplex.apply(_ViewAsReal.apply(a) / r.unsqueeze(-1)) if _cx(a) else a / r


def _legacy(t):
    return f"torch.{D.scalar_name(t._data.dtype)}Tensor"


def _opt(v):
    return "None" if v is None else str(int(v))


def _padded_window(window, win_length, n_fft, dtype):
    from .. import _creation as C
    if window is None:
        window = C.ones(win_length, dtype=dtype)
    if win_length < n_fft:
        from ..nn.functional import pad
        left = (n_fft - win_length) // 2
        window = pad(window, (left, n_fft - win_length - left))
    return window


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """short-time Fourier transform: (B?, n_fft // 2 + 1 or n_fft, n_frames) complex frames (see the module doc)"""
    from ..nn.functional import pad
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        nd = input.dim()
        p = int(n_fft // 2)
        input = pad(input.reshape([1] * (3 - nd) + list(input.shape)), [p, p], pad_mode)
        input = input.reshape(input.shape[3 - nd:] if nd < 3 else input.shape)
    if isinstance(n_fft, bool) or not isinstance(n_fft, int):
        got = ", ".join("Tensor" if isinstance(v, Tensor) else type(v).__name__ for v in
                        (input, n_fft, hop_length, win_length, window, normalized, onesided, return_complex,
                         align_to_window))
        raise TypeError(f"stft() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        " * (Tensor input, int n_fft, int hop_length = None, int win_length = None, Tensor window = "
                        "None, bool normalized = False, bool onesided = None, bool return_complex = None, "
                        "bool align_to_window = None)")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    win_complex = window is not None and window._data.dtype.kind == "c"
    if window is None:
        _warn_once("stft-window", "A window was not provided. A rectangular window will be applied,which is known "
                   "to cause spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                   "explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    rc = return_complex if return_complex is not None else (input._data.dtype.kind == "c" or win_complex)
    if not rc:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        _warn_once("stft-rc", "stft with return_complex=False is deprecated. In a future pytorch release, stft will "
                   "return complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you "
                   "can still call torch.view_as_real on the complex output to recover the old return format.")
    shape = list(input.shape)
    wdesc = "None" if window is None else f"{_legacy(window)}{{{list(window.shape)}}}"
    repr_ = (f"stft({_legacy(input)}{shape}, n_fft={n_fft}, hop_length={hop}, win_length={win}, window={wdesc}, "
             f"normalized={int(bool(normalized))}, onesided={_opt(onesided)}, return_complex={int(bool(rc))}, "
             f"align_to_window={_opt(align_to_window)}) ")
    if input.dim() not in (1, 2):
        raise RuntimeError(f"{repr_}: expected a 1D or 2D tensor")
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"{repr_}: expected a tensor of floating point or complex values")
    length = shape[-1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(f"{repr_}: expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{repr_}: expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        raise RuntimeError(f"{repr_}: expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(f"{repr_}: expected a 1D window tensor of size equal to win_length={win}, but got "
                           f"window with size {list(window.shape)}")
    complex_fft = input._data.dtype.kind == "c" or win_complex
    one = (not complex_fft) if onesided is None else onesided
    if one and complex_fft:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if input._data.dtype not in S._C:
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {D.scalar_name(input._data.dtype)}")
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if align_to_window:
        # the window (centred in the n_fft frame) covers samples m hop ... m hop + win_length
        left = (n_fft - win) // 2
        x = pad(x, (left, n_fft - win - left))
        n_frames = 1 + (length - win) // hop
    else:
        n_frames = 1 + (length - n_fft) // hop
    frames = _Frames.apply(x, n_fft, hop, n_frames)                    # (B, n_frames, n_fft)
    if window is not None or win < n_fft:
        frames = _mul(frames, _padded_window(window, win, n_fft, D.from_numpy_dtype(S._R[input._data.dtype])))
    scale = 1 / (n_fft ** 0.5) if normalized else 1
    if complex_fft:
        spec = S.c2c(frames, (2,), None, scale, -1)
    else:
        spec = S.r2c(frames, (2,), None, scale, -1, one)
    spec = spec.transpose(1, 2)
    if input.dim() == 1:
        spec = spec.squeeze(0)
    return spec if rc else _ViewAsReal.apply(spec)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """inverse of ``stft``: overlap-added inverse FFTs of the frames, divided by the window envelope"""
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if input._data.dtype.kind != "c":
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    if window is None:
        _warn_once("istft-window", "A window was not provided. A rectangular window will be applied.Please provide "
                   "the same window used by stft to make the inversion lossless.To suppress this warning and use "
                   "a rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    shape = list(input.shape)
    wdesc = "None" if window is None else f"{_legacy(window)}{{{list(window.shape)}}}"
    repr_ = (f"istft(CPU{D.scalar_name(input._data.dtype)}Type{shape}, n_fft={n_fft}, hop_length={hop}, "
             f"win_length={win}, window={wdesc}, center={int(bool(center))}, normalized={int(bool(normalized))}, "
             f"onesided={_opt(onesided)}, length={'None' if length is None else length}, "
             f"return_complex={int(bool(return_complex))}) ")
    nd = input.dim() + 1
    if nd < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got -3)")
    n_frames, fft_size = shape[-1], shape[-2]
    expected_len = n_fft + hop * (n_frames - 1)
    if input.numel() == 0:
        raise RuntimeError(f"{repr_}: input tensor cannot be empty.")
    if nd not in (3, 4):
        raise RuntimeError(f"{repr_}: expected a tensor with 3 or 4 dimensions, but got {nd}")
    one = (fft_size != n_fft) if onesided is None else onesided
    if one and n_fft // 2 + 1 != fft_size:
        raise RuntimeError(f"{repr_}: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    if not one and n_fft != fft_size:
        raise RuntimeError(f"{repr_}: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        raise RuntimeError(f"{repr_}: expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{repr_}: expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(f"{repr_}: Invalid window shape. window has to be 1D and length of `win_length`")
    real_dtype = D.from_numpy_dtype(S._R[input._data.dtype])
    w = _padded_window(window, win, n_fft, real_dtype)
    x = input if input.dim() == 3 else input.unsqueeze(0)
    x = x.transpose(1, 2)                                                   # (B, n_frames, fft_size)
    scale = 1 / (n_fft ** 0.5) if normalized else 1 / n_fft
    if return_complex:
        if one:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = S.c2c(x, (2,), None, scale, +1)
    else:
        if window is not None and window._data.dtype.kind == "c":
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not one:
            x = x[..., :n_fft // 2 + 1]
        frames = S.c2r(x, (2,), None, scale, +1, n_fft)
    y = _OverlapAdd.apply(_mul(frames, w), hop, expected_len)                   # (B, expected_len)
    env = _OverlapAdd.apply((w * w).expand(1, n_frames, n_fft), hop, expected_len)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected_len - n_fft // 2 if center else expected_len)
    y = y[:, start:min(end, expected_len)]
    env = env[:, start:min(end, expected_len)]
    if env.numel() == 0 or bool((env.abs().detach() < 1e-11).any()):
        raise RuntimeError(f"{repr_}window overlap add min: 1")
    y = _div_real(y, env)
    if input.dim() == 2:
        y = y.squeeze(0)
    if end > expected_len:
        _warn_once("istft-length", "The length of signal is shorter than the length parameter. Result is being "
                   "padded with zeros in the tail. Please check your center and hop_length settings.")
        from ..nn.functional import pad
        y = pad(y, (0, end - expected_len))
    return y


register_methods({"stft": stft, "istft": istft})
