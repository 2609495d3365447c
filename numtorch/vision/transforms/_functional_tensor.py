"""Tensor-image kernels on NumPy arrays ``[..., C, H, W]`` (the arithmetic of torchvision's tensor backend).

Every kernel takes and returns a raw array; ``functional`` wraps tensors around them. Floating point work
runs in the image's own float dtype (float32 for integer images, as torchvision casts them), so results
agree with torchvision to float32 rounding; integer images are rounded (or truncated, where torchvision
truncates) back to their dtype.
"""
from ..._backend import xp

_INT_MAX = {"uint8": 255, "int8": 127, "int16": 32767, "uint16": 65535, "int32": 2147483647,
            "int64": 9223372036854775807}


def max_value(dtype):
    """The value range's top: 1 for floats, the dtype's maximum for integers."""
    return _INT_MAX.get(xp.dtype(dtype).name, 1)


def is_float(a):
    return a.dtype.kind == "f" or a.dtype.kind == "V"


def work_dtype(a):
    """The float dtype torchvision computes in: the image's own float dtype, float32 for integer images."""
    return a.dtype if a.dtype.kind == "f" else xp.dtype(xp.float32)


def assert_image(a):
    if a.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def dims(a):
    assert_image(a)
    return [1 if a.ndim == 2 else a.shape[-3], a.shape[-2], a.shape[-1]]


def assert_channels(a, permitted):
    c = dims(a)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def assert_3d(a):
    if a.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {a.ndim}")


def cast_out(out, dtype):
    """Back to an integer dtype by rounding half to even (``torch.round``), else a plain cast."""
    if xp.dtype(dtype).kind in "iu":
        out = xp.round(out)
    return out.astype(dtype, copy=False)


# --------------------------------------------------------------------------- dtype conversion
def convert_image_dtype(a, out):
    """Rescale between value ranges: integers span ``[0, max]``, floats ``[0, 1]``."""
    out = xp.dtype(out)
    if a.dtype == out:
        return a
    if is_float(a):
        if out.kind in "fV":
            return a.astype(out)
        if (a.dtype == xp.float32 and out in (xp.int32, xp.int64)) or (a.dtype == xp.float64 and out == xp.int64):
            return None  # the caller raises with torch dtype names
        # max + 1 - eps: 1.0 maps to max and every integer bin gets the same width
        return (a * a.dtype.type(float(max_value(out)) + 1.0 - 1e-3)).astype(out)
    in_max = max_value(a.dtype)
    if out.kind in "fV":
        return a.astype(out) / out.type(in_max)
    out_max = max_value(out)
    if in_max > out_max:
        return (a // ((in_max + 1) // (out_max + 1))).astype(out)
    return a.astype(out) * out.type((out_max + 1) // (in_max + 1))


# --------------------------------------------------------------------------- color
def rgb_to_grayscale(a, num_output_channels=1):
    """ITU-R 601-2 luma ``0.2989 R + 0.587 G + 0.114 B``, truncated back to integer dtypes."""
    assert_3d(a)
    assert_channels(a, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if a.shape[-3] == 3:
        ft = work_dtype(a)
        f = a.astype(ft, copy=False)
        lum = ft.type(0.2989) * f[..., 0, :, :] + ft.type(0.587) * f[..., 1, :, :] + ft.type(0.114) * f[..., 2, :, :]
        lum = lum.astype(a.dtype)[..., None, :, :]
    else:
        lum = a.copy()
    if num_output_channels == 3:
        return xp.broadcast_to(lum, lum.shape[:-3] + (3,) + lum.shape[-2:]).copy()
    return lum


def blend(a1, a2, ratio):
    """``clamp(ratio * a1 + (1 - ratio) * a2, 0, max)`` in float, truncated to ``a1``'s dtype."""
    ratio = float(ratio)
    ft = work_dtype(a1)
    out = ft.type(ratio) * a1.astype(ft, copy=False) + ft.type(1.0 - ratio) * xp.asarray(a2).astype(ft, copy=False)
    return xp.clip(out, 0, max_value(a1.dtype)).astype(a1.dtype)


def adjust_brightness(a, factor):
    if factor < 0:
        raise ValueError(f"brightness_factor ({factor}) is not non-negative.")
    assert_image(a)
    assert_channels(a, [1, 3])
    return blend(a, xp.zeros((), a.dtype), factor)


def _mean_chw(a):
    """Mean over the last three axes, accumulated in float64 and rounded once to the work dtype."""
    ft = work_dtype(a)
    return a.astype(xp.float64).mean(axis=(-3, -2, -1), keepdims=True).astype(ft)


def adjust_contrast(a, factor):
    if factor < 0:
        raise ValueError(f"contrast_factor ({factor}) is not non-negative.")
    assert_image(a)
    assert_channels(a, [3, 1])
    gray = rgb_to_grayscale(a) if dims(a)[0] == 3 else a
    return blend(a, _mean_chw(gray.astype(work_dtype(a), copy=False)), factor)


def adjust_saturation(a, factor):
    if factor < 0:
        raise ValueError(f"saturation_factor ({factor}) is not non-negative.")
    assert_image(a)
    assert_channels(a, [1, 3])
    if dims(a)[0] == 1:
        return a
    return blend(a, rgb_to_grayscale(a), factor)


def _rgb2hsv(f):
    r, g, b = f[..., 0, :, :], f[..., 1, :, :], f[..., 2, :, :]
    maxc = f.max(axis=-3)
    minc = f.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    one = f.dtype.type(1)
    s = cr / xp.where(eqc, one, maxc)
    crd = xp.where(eqc, one, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    # the hue sector is decided by which channel holds the maximum (red first, then green)
    h = xp.where(maxc == r, bc - gc, xp.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc)).astype(f.dtype)
    h = xp.fmod(h / f.dtype.type(6.0) + one, one)
    return h, s, maxc


def _hsv2rgb(h, s, v):
    ft = h.dtype.type
    i = xp.floor(h * ft(6.0))
    fr = h * ft(6.0) - i
    i = i.astype(xp.int32) % 6
    p = xp.clip(v * (ft(1.0) - s), 0.0, 1.0)
    q = xp.clip(v * (ft(1.0) - s * fr), 0.0, 1.0)
    t = xp.clip(v * (ft(1.0) - s * (ft(1.0) - fr)), 0.0, 1.0)
    r = xp.choose(i, [v, q, p, p, t, v])
    g = xp.choose(i, [t, v, v, q, p, p])
    b = xp.choose(i, [p, p, t, v, v, q])
    return xp.stack((r, g, b), axis=-3)


def adjust_hue(a, factor):
    if not (-0.5 <= factor <= 0.5):
        raise ValueError(f"hue_factor ({factor}) is not in [-0.5, 0.5].")
    assert_image(a)
    assert_channels(a, [1, 3])
    if dims(a)[0] == 1:
        return a
    f = convert_image_dtype(a, xp.float32)
    h, s, v = _rgb2hsv(f)
    h = xp.fmod(h + xp.float32(factor), xp.float32(1.0))
    h = xp.where(h < 0, h + xp.float32(1.0), h)  # Python-style modulo, as torch's ``%``
    return convert_image_dtype(_hsv2rgb(h, s, v), a.dtype)


def adjust_gamma(a, gamma, gain=1):
    assert_channels(a, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    f = a if is_float(a) else convert_image_dtype(a, xp.float32)
    out = xp.clip(f.dtype.type(gain) * f ** f.dtype.type(gamma), 0, 1).astype(f.dtype)
    return convert_image_dtype(out, a.dtype)


def invert(a):
    assert_image(a)
    assert_3d(a)
    assert_channels(a, [1, 3])
    return (a.dtype.type(max_value(a.dtype)) - a).astype(a.dtype)


def posterize(a, bits):
    assert_image(a)
    assert_3d(a)
    if a.dtype != xp.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {_tname(a.dtype)}")
    assert_channels(a, [1, 3])
    return a & xp.uint8((0xFF << (8 - bits)) & 0xFF)


def solarize(a, threshold):
    assert_image(a)
    assert_3d(a)
    assert_channels(a, [1, 3])
    if threshold > max_value(a.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    # torch compares in the promoted dtype: a Python float meets an integer image as float32
    if isinstance(threshold, float) or is_float(a):
        t = work_dtype(a).type(threshold)
        return xp.where(a.astype(work_dtype(a), copy=False) >= t, invert(a), a)
    return xp.where(a >= threshold, invert(a), a)


def _conv_valid(f, k2d):
    """Depthwise 'valid' 2-D correlation of ``f [..., H, W]`` with a small kernel, summed in float64."""
    kh, kw = k2d.shape
    H, W = f.shape[-2] - kh + 1, f.shape[-1] - kw + 1
    acc = xp.zeros(f.shape[:-2] + (H, W), xp.float64)
    for u in range(kh):          # the kernel is 3x3 here: nine shifted, weighted views
        for v in range(kw):
            acc += float(k2d[u, v]) * f[..., u:u + H, v:v + W]
    return acc


def adjust_sharpness(a, factor):
    if factor < 0:
        raise ValueError(f"sharpness_factor ({factor}) is not non-negative.")
    assert_image(a)
    assert_channels(a, [1, 3])
    if a.shape[-1] <= 2 or a.shape[-2] <= 2:
        return a
    ft = work_dtype(a)
    k = xp.ones((3, 3), ft)
    k[1, 1] = 5.0
    k = k / k.sum(dtype=ft)
    smooth = _conv_valid(a.astype(ft), k).astype(ft)
    smooth = cast_out(smooth, a.dtype)
    degenerate = a.copy()
    degenerate[..., 1:-1, 1:-1] = smooth
    return blend(a, degenerate, factor)


def autocontrast(a):
    assert_image(a)
    assert_3d(a)
    assert_channels(a, [1, 3])
    bound = max_value(a.dtype)
    ft = work_dtype(a)
    lo = a.min(axis=(-2, -1), keepdims=True).astype(ft)
    hi = a.max(axis=(-2, -1), keepdims=True).astype(ft)
    with xp.errstate(divide="ignore", invalid="ignore"):
        # torch evaluates ``bound / t`` as ``t.reciprocal() * bound``
        scale = (ft.type(1) / (hi - lo)) * ft.type(bound)
    flat = ~xp.isfinite(scale)
    lo = xp.where(flat, ft.type(0), lo)
    scale = xp.where(flat, ft.type(1), scale)
    return xp.clip((a.astype(ft) - lo) * scale, 0, bound).astype(a.dtype)


def equalize(a):
    assert_image(a)
    if not (3 <= a.ndim <= 4):
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {a.ndim}")
    if a.dtype != xp.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {_tname(a.dtype)}")
    assert_channels(a, [1, 3])
    flat = a.reshape(-1, a.shape[-2] * a.shape[-1])
    n = flat.shape[0]
    # one 256-bin histogram per channel, all at once
    hist = xp.zeros((n, 256), xp.int64)
    xp.add.at(hist, (xp.repeat(xp.arange(n), flat.shape[1]), flat.reshape(-1).astype(xp.int64)), 1)
    # PIL's rule: the step is the pixel count outside the last occupied bin, over 255
    last = 255 - xp.argmax(hist[:, ::-1] > 0, axis=1)
    step = (hist.sum(1) - hist[xp.arange(n), last]) // 255
    safe = xp.where(step == 0, 1, step)
    lut = (xp.cumsum(hist, 1) + (step // 2)[:, None]) // safe[:, None]
    lut = xp.clip(xp.concatenate([xp.zeros((n, 1), xp.int64), lut[:, :-1]], 1), 0, 255)
    out = xp.take_along_axis(lut, flat.astype(xp.int64), 1).astype(xp.uint8)
    out = xp.where((step == 0)[:, None], flat, out)
    return out.reshape(a.shape)


def _tname(dtype):
    return "torch." + xp.dtype(dtype).name


# --------------------------------------------------------------------------- geometry
def crop(a, top, left, height, width):
    assert_image(a)
    _, h, w = dims(a)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(a[..., max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)], ltrb, 0, "constant")
    return a[..., top:bottom, left:right]


def parse_padding(padding):
    """``[left, top, right, bottom]`` from an int or a 1-, 2- or 4-sequence."""
    if isinstance(padding, int):
        return [padding] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return padding


def pad(a, padding, fill=0, padding_mode="constant"):
    """Pad ``[left, top, right, bottom]``; negative amounts crop first (as torch's pad)."""
    left, top, right, bottom = parse_padding(padding)
    # negative padding removes rows/columns
    H, W = a.shape[-2], a.shape[-1]
    a = a[..., max(-top, 0):H - max(-bottom, 0), max(-left, 0):W - max(-right, 0)]
    widths = [(0, 0)] * (a.ndim - 2) + [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    if padding_mode == "constant":
        fill = 0 if fill is None else fill
        return xp.pad(a, widths, mode="constant", constant_values=xp.asarray(float(fill)).astype(a.dtype))
    return xp.pad(a, widths, mode={"edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}[padding_mode])


def _aa_filter(mode):
    if mode == "bilinear":
        return 2, lambda x: xp.clip(1.0 - xp.abs(x), 0.0, None)

    def cubic(x, A=-0.5):
        x = xp.abs(x)
        return xp.where(x < 1, ((A + 2) * x - (A + 3)) * x * x + 1,
                        xp.where(x < 2, (((x - 5) * x + 8) * x - 4) * A, 0.0))
    return 4, cubic


def _aa_taps(n_in, n_out, mode, dtype, antialias=True):
    """The resampling taps of ``interpolate(..., antialias=True)``: ``idx, w`` of shape ``(n_out, K)``.

    Output pixel ``i`` is centred at ``c = s (i + 0.5)`` in input coordinates (``s = n_in / n_out``); when
    downscaling the filter is stretched by ``s`` (support ``s * size / 2``), so every input pixel under the
    output pixel contributes. Input pixels ``[int(c - support + 0.5), int(c + support + 0.5))`` are weighted
    by ``filter((j - c + 0.5) / max(s, 1))`` and each row is normalised to sum to one. (``antialias=False``
    keeps the filter unstretched: torch's uint8 kernels compute plain bilinear that way.)
    """
    size, filt = _aa_filter(mode)
    ft = xp.float32 if dtype == xp.float32 else xp.float64
    s = ft(n_in) / ft(n_out)
    wide = s >= 1.0 and antialias
    support = ft(size * 0.5) * s if wide else ft(size * 0.5)
    inv = ft(1.0) / s if wide else ft(1.0)
    c = s * (xp.arange(n_out, dtype=ft) + ft(0.5))
    lo = xp.maximum((c - support + ft(0.5)).astype(xp.int64), 0)
    hi = xp.minimum((c + support + ft(0.5)).astype(xp.int64), n_in)
    K = max(int((hi - lo).max()), 1)
    j = lo[:, None] + xp.arange(K)[None, :]
    w = filt(((j - c[:, None] + ft(0.5)) * inv).astype(ft)).astype(ft)
    w = xp.where(j < hi[:, None], w, ft(0))
    tot = w.sum(1, keepdims=True)
    w = xp.where(tot != 0, w / xp.where(tot != 0, tot, ft(1)), ft(0)).astype(ft)
    return xp.minimum(j, n_in - 1), w


def _taps(W):
    """A resampling matrix as per-output windows: ``idx, w`` of shape ``(n_out, K)`` (each row's nonzero
    weights sit in one contiguous window of the input; unused slots get weight 0)."""
    n_out, n_in = W.shape
    nz = W != 0
    lo = xp.where(nz.any(1), nz.argmax(1), 0)
    hi = xp.where(nz.any(1), n_in - nz[:, ::-1].argmax(1), 1)
    K = int((hi - lo).max())
    idx = lo[:, None] + xp.arange(K)[None, :]
    valid = idx < n_in
    idx = xp.minimum(idx, n_in - 1)
    w = xp.where(valid, W[xp.arange(n_out)[:, None], idx], 0).astype(W.dtype)
    return idx, w


def _apply_taps(f, idx, w, axis):
    """``sum_k w[:, k] * f.take(idx[:, k], axis)``, tap by tap in window order (torch's summation order)."""
    shape = [1] * f.ndim
    shape[axis] = idx.shape[0]
    out = None
    for k in range(idx.shape[1]):
        term = xp.take(f, idx[:, k], axis=axis) * w[:, k].reshape(shape)
        out = term if out is None else out + term
    return out


def _uint8_pass(a, taps, axis):
    """One separable pass of torch's uint8 kernel: weights rounded to int16 at the largest precision ``p``
    that keeps them below 2^15, ``(sum(pixel * w_int) + 2^(p-1)) >> p`` clamped to [0, 255]."""
    idx, w = taps
    w_max = w.max()
    p = 0
    while p < 22 and int(0.5 + w_max * (1 << (p + 1))) < (1 << 15):
        p += 1
    wq = xp.trunc(w * (1 << p) + xp.where(w < 0, -0.5, 0.5)).astype(xp.int32)
    # |sum| <= 255 * sum|w_int| ~ 255 * 2^22 < 2^31: int32 is exact
    acc = _apply_taps(a.astype(xp.int32), idx, wq, axis) + xp.int32(1 << (p - 1))
    return xp.clip(acc >> p, 0, 255).astype(xp.uint8)


def resize_uint8(a, size, interpolation="bilinear", antialias=True):
    """torch's native uint8 bilinear / bicubic resampling (what torchvision v2 uses for uint8 images on CPU):
    a horizontal then a vertical pass, each rounded back to uint8. Bicubic without antialias keeps its
    A = -0.75 kernel with edge-clamped taps."""
    def weights(n_in, n_out):
        if interpolation == "bicubic" and not antialias:
            return _taps(_linear_weights(n_in, n_out, "bicubic", xp.float64))
        return _aa_taps(n_in, n_out, interpolation, xp.float64, antialias)
    oh, ow = size
    out = a
    if ow != a.shape[-1]:
        out = _uint8_pass(out, weights(a.shape[-1], ow), a.ndim - 1)
    if oh != a.shape[-2]:
        out = _uint8_pass(out, weights(a.shape[-2], oh), a.ndim - 2)
    return out


def _linear_weights(n_in, n_out, mode, dtype):
    """``(n_out, n_in)`` matrix of ``interpolate(..., antialias=False, align_corners=False)``: bilinear
    (two taps, source index clamped at 0) or bicubic (four taps, ``A = -0.75``, indices clamped to the edge)."""
    ft = xp.float32 if dtype == xp.float32 else xp.float64
    s = ft(n_in) / ft(n_out)
    src = s * (xp.arange(n_out, dtype=ft) + ft(0.5)) - ft(0.5)
    W = xp.zeros((n_out, n_in), xp.float64)
    rows = xp.arange(n_out)
    if mode == "bilinear":
        src = xp.maximum(src, ft(0))
        i0 = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
        i1 = xp.minimum(i0 + 1, n_in - 1)
        l1 = (src - i0.astype(ft)).astype(ft)
        xp.add.at(W, (rows, i0), (ft(1) - l1).astype(xp.float64))
        xp.add.at(W, (rows, i1), l1.astype(xp.float64))
        return W.astype(ft)
    x0 = xp.floor(src)
    t = (src - x0).astype(xp.float64)
    A = -0.75

    def near(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def far(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    coeffs = [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]
    for k, cf in enumerate(coeffs):
        idx = xp.clip(x0.astype(xp.int64) - 1 + k, 0, n_in - 1)
        xp.add.at(W, (rows, idx), cf)
    return W.astype(ft)


def _nearest_index(n_in, n_out, exact):
    if n_in == n_out:
        return xp.arange(n_out)
    s = xp.float32(n_in) / xp.float32(n_out)   # torch computes the scale and the source index in float32
    i = xp.arange(n_out, dtype=xp.float32)
    src = xp.floor((i + xp.float32(0.5)) * s) if exact else xp.floor(i * s)
    return xp.minimum(src.astype(xp.int64), n_in - 1)


def resize(a, size, interpolation="bilinear", antialias=True):
    """Resize the last two axes to ``size = [h, w]`` as ``interpolate`` does (integer images round back)."""
    assert_image(a)
    oh, ow = size
    H, W = a.shape[-2], a.shape[-1]
    if interpolation in ("nearest", "nearest-exact"):
        exact = interpolation == "nearest-exact"
        return a[..., _nearest_index(H, oh, exact)[:, None], _nearest_index(W, ow, exact)[None, :]]
    if interpolation not in ("bilinear", "bicubic"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")
    ft = a.dtype if a.dtype in (xp.float32, xp.float64) else xp.dtype(xp.float32)
    f = a.astype(ft, copy=False)
    def taps(n_in, n_out):
        if antialias:
            return _aa_taps(n_in, n_out, interpolation, ft)
        return _taps(_linear_weights(n_in, n_out, interpolation, ft).astype(ft))
    # separable: along the width, then the height, each a few weighted taps per output pixel
    out = f
    if ow != W:
        out = _apply_taps(out, *taps(W, ow), a.ndim - 1)
    if oh != H:
        out = _apply_taps(out, *taps(H, oh), a.ndim - 2)
    if interpolation == "bicubic" and a.dtype == xp.uint8:
        out = xp.clip(out, 0, 255)
    return cast_out(out, a.dtype)


def _grid_sample(img, grid, mode):
    """``grid_sample(img, grid, mode, padding_mode='zeros', align_corners=False)`` for ``img [N, C, H, W]``
    and one grid ``[1, oh, ow, 2]`` (x, y in [-1, 1]) shared by the batch."""
    N, C, H, W = img.shape
    oh, ow = grid.shape[1], grid.shape[2]
    ft = grid.dtype.type
    ix = ((grid[0, ..., 0] + ft(1)) * ft(W / 2) - ft(0.5)).ravel()    # the unnormalisation of torch's CPU kernel
    iy = ((grid[0, ..., 1] + ft(1)) * ft(H / 2) - ft(0.5)).ravel()
    flat = img.reshape(N * C, H * W)

    def tap(yy, xx):
        # one gather of every channel at the (y, x) pixels; outside the image reads zero
        ok = (xx >= 0) & (xx < W) & (yy >= 0) & (yy < H)
        v = flat[:, xp.clip(yy, 0, H - 1) * W + xp.clip(xx, 0, W - 1)]
        return xp.where(ok, v, flat.dtype.type(0))

    if mode == "nearest":
        out = tap(xp.rint(iy).astype(xp.int64), xp.rint(ix).astype(xp.int64))
    else:
        x0 = xp.floor(ix)
        y0 = xp.floor(iy)
        wx1, wy1 = ix - x0, iy - y0
        wx0, wy0 = x0 + ft(1) - ix, y0 + ft(1) - iy
        x0i, y0i = x0.astype(xp.int64), y0.astype(xp.int64)
        out = (tap(y0i, x0i) * (wy0 * wx0) + tap(y0i, x0i + 1) * (wy0 * wx1)
               + tap(y0i + 1, x0i) * (wy1 * wx0) + tap(y0i + 1, x0i + 1) * (wy1 * wx1))
    return out.reshape(N, C, oh, ow).astype(img.dtype, copy=False)


def apply_grid(a, grid, mode, fill):
    """Sample ``a`` at ``grid``; outside the image ``fill`` (per channel) is blended in through a ones mask."""
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    shape = a.shape
    batch = a.reshape((-1,) + shape[-3:]) if a.ndim >= 3 else a.reshape((1, 1) + shape)
    f = batch.astype(grid.dtype, copy=False)
    if fill is not None:
        f = xp.concatenate([f, xp.ones(f.shape[:1] + (1,) + f.shape[2:], f.dtype)], axis=1)
    out = _grid_sample(f, grid, mode)
    if fill is not None:
        mask = out[:, -1:]
        out = out[:, :-1]
        fv = xp.asarray(fill if isinstance(fill, (list, tuple)) else [float(fill)], dtype=out.dtype)[None, :, None,
                                                                                                    None]
        if mode == "nearest":
            out = xp.where(mask < 0.5, xp.broadcast_to(fv, out.shape), out)
        else:
            out = out * mask + (out.dtype.type(1) - mask) * fv
    out = out.reshape(shape[:-2] + out.shape[-2:])
    return cast_out(out, a.dtype)


def _check_grid_inputs(a, fill):
    assert_image(a)
    c = dims(a)[0]
    if fill is not None and isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != c:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number of channels of "
                         f"the image ({len(fill)} != {c})")


def affine_grid(theta, w, h, ow, oh, dtype):
    """Output pixel centres (relative to the output's centre) mapped by ``theta`` and normalised by the
    input's half size: the sampling grid of an affine warp about the image centre."""
    xs = xp.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow, dtype=xp.float32).astype(dtype)
    ys = xp.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh, dtype=xp.float32).astype(dtype)
    t = xp.asarray(theta, dtype).reshape(2, 3)
    sc = xp.asarray([0.5 * w, 0.5 * h], dtype)
    t = (t / sc[:, None]).astype(dtype)
    gx = xs[None, :] * t[0, 0] + ys[:, None] * t[0, 1] + t[0, 2]
    gy = xs[None, :] * t[1, 0] + ys[:, None] * t[1, 1] + t[1, 2]
    return xp.stack([gx, gy], -1)[None].astype(dtype)


def affine(a, matrix, interpolation="nearest", fill=None):
    _check_grid_inputs(a, fill)
    ft = work_dtype(a)
    grid = affine_grid(matrix, a.shape[-1], a.shape[-2], a.shape[-1], a.shape[-2], ft)
    return apply_grid(a, grid, interpolation, fill)


def affine_output_size(matrix, w, h):
    """Width and height of the box holding the rotated corners (``rotate(expand=True)``)."""
    pts = xp.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, -0.5 * h, 1.0]], xp.float32)
    theta = xp.asarray(matrix, xp.float32).reshape(2, 3)
    new = pts @ theta.T
    lo = new.min(0) + xp.array([w * 0.5, h * 0.5], xp.float32)
    hi = new.max(0) + xp.array([w * 0.5, h * 0.5], xp.float32)
    tol = xp.float32(1e-4)   # drop float noise below 1e-4 before ceil/floor
    cmax = xp.ceil(xp.trunc(hi / tol) * tol)
    cmin = xp.floor(xp.trunc(lo / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate(a, matrix, interpolation="nearest", expand=False, fill=None):
    _check_grid_inputs(a, fill)
    w, h = a.shape[-1], a.shape[-2]
    ow, oh = affine_output_size(matrix, w, h) if expand else (w, h)
    grid = affine_grid(matrix, w, h, ow, oh, work_dtype(a))
    return apply_grid(a, grid, interpolation, fill)


def perspective(a, coeffs, interpolation="bilinear", fill=None):
    _check_grid_inputs(a, fill)
    ow, oh = a.shape[-1], a.shape[-2]
    dt = work_dtype(a)
    c = [dt.type(v) for v in coeffs]
    xs = xp.linspace(0.5, ow - 0.5, ow, dtype=xp.float32).astype(dt)[None, :]
    ys = xp.linspace(0.5, oh - 0.5, oh, dtype=xp.float32).astype(dt)[:, None]
    # torchvision's order of operations (coefficients pre-divided by the half size, products summed left to
    # right), so that nearest-neighbour results (masks) agree pixel for pixel
    sx, sy = dt.type(0.5 * ow), dt.type(0.5 * oh)
    den = (xs * c[6] + ys * c[7]) + dt.type(1)
    gx = (xs * (c[0] / sx) + ys * (c[1] / sx)) + (c[2] / sx)
    gy = (xs * (c[3] / sy) + ys * (c[4] / sy)) + (c[5] / sy)
    grid = xp.stack([gx / den - dt.type(1), gy / den - dt.type(1)], -1)[None].astype(dt)
    return apply_grid(a, grid, interpolation, fill)


def gaussian_kernel1d(ksize, sigma, dtype):
    half = (ksize - 1) * 0.5
    x = xp.linspace(-half, half, ksize).astype(dtype)
    pdf = xp.exp(dtype.type(-0.5) * (x / dtype.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dtype)


def gaussian_blur(a, kernel_size, sigma):
    """Separable Gaussian blur with reflect padding (kernel ``exp(-x^2 / 2 sigma^2)``, normalised)."""
    assert_image(a)
    ft = work_dtype(a)
    kx = gaussian_kernel1d(kernel_size[0], sigma[0], ft).astype(xp.float64)
    ky = gaussian_kernel1d(kernel_size[1], sigma[1], ft).astype(xp.float64)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    for p, n, d in ((px, a.shape[-1], a.ndim - 1), (py, a.shape[-2], a.ndim - 2)):
        if p >= n:   # torch's reflect padding refuses to reflect more than once
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({p}, {p}) at dimension {d} of input {list(a.shape)}")
    f = a.astype(xp.float64)
    f = xp.pad(f, [(0, 0)] * (a.ndim - 2) + [(py, py), (px, px)], mode="reflect")
    H, W = a.shape[-2], a.shape[-1]
    acc = xp.zeros(f.shape[:-1] + (W,), xp.float64)
    for v in range(kernel_size[0]):
        acc += kx[v] * f[..., v:v + W]
    out = xp.zeros(a.shape[:-2] + (H, W), xp.float64)
    for u in range(kernel_size[1]):
        out += ky[u] * acc[..., u:u + H, :]
    return cast_out(out.astype(ft), a.dtype)


def erase(a, i, j, h, w, v, inplace=False):
    assert_image(a)
    out = a if inplace else a.copy()
    out[..., i:i + h, j:j + w] = v
    return out


def elastic_transform(a, displacement, interpolation="bilinear", fill=None):
    H, W = a.shape[-2], a.shape[-1]
    ys = xp.linspace((-H + 1) / H, (H - 1) / H, H, dtype=xp.float32)
    xs = xp.linspace((-W + 1) / W, (W - 1) / W, W, dtype=xp.float32)
    ident = xp.stack(xp.broadcast_arrays(xs[None, :], ys[:, None]), -1)[None]
    # the image is sampled in the grid's dtype (float32 for a float32 displacement), as torchvision does
    grid = ident + displacement
    return apply_grid(a, grid, interpolation, fill)
