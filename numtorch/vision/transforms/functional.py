"""Image transforms as functions (``torchvision.transforms.functional``).

Three image kinds are accepted:

* a numtorch ``Tensor`` image ``[..., C, H, W]`` (what ``to_tensor`` returns);
* a NumPy array ``H x W`` or ``H x W x C`` (the layout of decoded image files);
* a ``PIL.Image`` (when Pillow is installed), handled with Pillow's own operations.

Each function returns the same kind it was given.
"""
import math
import numbers

from ..._backend import xp as _xp, is_array as _is_array
from ..._tensor import Tensor as _Tensor, _make
from ... import _dtype as _D

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "normalize", "hflip", "vflip",
           "crop", "center_crop", "pad", "resize", "convert_image_dtype", "get_image_size", "get_dimensions",
           "rgb_to_grayscale"]


class InterpolationMode:
    """Interpolation names as torchvision spells them (``InterpolationMode.BILINEAR == "bilinear"``)."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _pil():
    try:
        from PIL import Image
        return Image
    except ImportError:
        return None


def _is_pil(img):
    Image = _pil()
    return Image is not None and isinstance(img, Image.Image)


def _check_kind(img):
    if isinstance(img, _Tensor) or _is_array(img) or _is_pil(img):
        return
    raise TypeError(f"img should be PIL Image, NumPy array or Tensor. Got {type(img)}")


def get_image_size(img):
    """``[width, height]``."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_dimensions(img):
    """``[channels, height, width]``."""
    _check_kind(img)
    if isinstance(img, _Tensor):
        a = img._data
        if a.ndim < 2:
            raise TypeError(f"Tensor is not a torch image (ndim {a.ndim})")
        return [1 if a.ndim == 2 else a.shape[-3], a.shape[-2], a.shape[-1]]
    if _is_array(img):
        return [1 if img.ndim == 2 else img.shape[2], img.shape[0], img.shape[1]]
    return [len(img.getbands()), img.height, img.width]


# --------------------------------------------------------------------------- conversions
def to_tensor(pic):
    """PIL Image or ``H x W [x C]`` array -> ``C x H x W`` tensor; uint8 data is scaled to [0, 1] as
    ``float32(x) / 255`` (other dtypes keep their values, as torchvision does)."""
    if _is_pil(pic):
        if pic.mode == "1":
            arr = 255 * _xp.array(pic, dtype=_xp.uint8)
        else:
            arr = _xp.array(pic, copy=True)
            if pic.mode == "I;16":
                arr = arr.astype(_xp.int16) if arr.dtype != _xp.int16 else arr
    elif _is_array(pic):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    chw = _xp.ascontiguousarray(arr.transpose(2, 0, 1))
    if chw.dtype == _xp.uint8:
        f = _xp.dtype(_D.get_default_dtype().np).type
        return _make(chw.astype(f) / f(255))   # float32 division, bit-identical to torch's div(255)
    return _make(chw if chw.base is not pic else chw.copy())


def pil_to_tensor(pic):
    """PIL Image -> ``C x H x W`` tensor of the image's own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = _xp.array(pic, copy=True)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return _make(_xp.ascontiguousarray(arr.transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """``C x H x W`` tensor (floats in [0, 1] are scaled by 255) or ``H x W [x C]`` array -> PIL Image."""
    Image = _pil()
    if Image is None:
        raise ImportError("to_pil_image needs Pillow: pip install pillow")
    if isinstance(pic, _Tensor):
        a = pic._data
        if a.ndim == 2:
            a = a[None]
        a = a.transpose(1, 2, 0)
        if a.dtype.kind in "fV" and mode != "F":
            a = (a * 255).astype(_xp.uint8)
    else:
        a = pic
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    return Image.fromarray(_xp.ascontiguousarray(a), mode=mode) if mode else Image.fromarray(_xp.ascontiguousarray(a))


def convert_image_dtype(image, dtype=None):
    """Convert a tensor image's dtype, rescaling values: ints are in ``[0, max]``, floats in ``[0, 1]``."""
    if not isinstance(image, _Tensor):
        raise TypeError("Input img should be Tensor Image")
    if dtype is None:
        dtype = _D.float32
    a = image._data
    out = _D.to_numpy_dtype(dtype)
    if a.dtype == out:
        return image
    if a.dtype.kind in "fV":
        if _xp.dtype(out).kind in "fV":
            return _make(a.astype(out))
        if (a.dtype == _xp.float32 and out in (_xp.int32, _xp.int64)) or (a.dtype == _xp.float64 and out == _xp.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        # scale by max + 1 - eps so that 1.0 maps to max and the bins stay equal in width
        eps = 1e-3
        max_val = float(_xp.iinfo(out).max)
        return _make((a * a.dtype.type(max_val + 1.0 - eps)).astype(out))
    in_max = int(_xp.iinfo(a.dtype).max)
    if _xp.dtype(out).kind in "fV":
        return _make(a.astype(out) / _xp.dtype(out).type(in_max))
    out_max = int(_xp.iinfo(out).max)
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return _make((a // factor).astype(out))
    factor = (out_max + 1) // (in_max + 1)
    return _make(a.astype(out) * _xp.dtype(out).type(factor))


def normalize(tensor, mean, std, inplace=False):
    """``(x - mean[c]) / std[c]`` per channel, computed in the tensor's float dtype."""
    if not isinstance(tensor, _Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    a = tensor._data
    if a.dtype.kind not in "fV":
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if a.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    m = _xp.asarray(mean._data if isinstance(mean, _Tensor) else mean, dtype=a.dtype)
    s = _xp.asarray(std._data if isinstance(std, _Tensor) else std, dtype=a.dtype)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if m.ndim == 1:
        m = m[:, None, None]
    if s.ndim == 1:
        s = s[:, None, None]
    if inplace:
        _xp.subtract(a, m, out=a)
        _xp.divide(a, s, out=a)
        tensor._vc[0] += 1
        return tensor
    return _make((a - m) / s)


def rgb_to_grayscale(img, num_output_channels=1):
    """ITU-R 601-2 luma: ``0.2989 R + 0.587 G + 0.114 B``."""
    if _is_pil(img):
        g = img.convert("L")
        return g if num_output_channels == 1 else g.convert("RGB")
    if isinstance(img, _Tensor):
        a = img._data
        l = 0.2989 * a[..., 0, :, :] + 0.587 * a[..., 1, :, :] + 0.114 * a[..., 2, :, :]
        l = l.astype(a.dtype)[..., None, :, :]
        return _make(_xp.repeat(l, num_output_channels, axis=-3) if num_output_channels > 1 else l)
    a = img
    l = (0.2989 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]).astype(a.dtype)
    return l if num_output_channels == 1 else _xp.repeat(l[..., None], num_output_channels, axis=-1)


# --------------------------------------------------------------------------- geometry
def _hw_axes(img):
    """The (height, width) axes of an array image or tensor image."""
    if isinstance(img, _Tensor):
        return img._data.ndim - 2, img._data.ndim - 1
    return 0, 1


def _wrap(img, arr):
    return _make(_xp.ascontiguousarray(arr)) if isinstance(img, _Tensor) else _xp.ascontiguousarray(arr)


def _raw(img):
    return img._data if isinstance(img, _Tensor) else img


def hflip(img):
    """Mirror left-right."""
    _check_kind(img)
    if _is_pil(img):
        return img.transpose(_pil().FLIP_LEFT_RIGHT)
    return _wrap(img, _xp.flip(_raw(img), axis=_hw_axes(img)[1]))


def vflip(img):
    """Mirror top-bottom."""
    _check_kind(img)
    if _is_pil(img):
        return img.transpose(_pil().FLIP_TOP_BOTTOM)
    return _wrap(img, _xp.flip(_raw(img), axis=_hw_axes(img)[0]))


def crop(img, top, left, height, width):
    """The ``height x width`` window at ``(top, left)``; parts outside the image are zero-filled."""
    _check_kind(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    a = _raw(img)
    ha, wa = _hw_axes(img)
    H, W = a.shape[ha], a.shape[wa]
    if left < 0 or top < 0 or top + height > H or left + width > W:
        pads = [max(-left, 0), max(-top, 0), max(left + width - W, 0), max(top + height - H, 0)]
        img = pad(img, pads, fill=0)
        a = _raw(img)
        top, left = max(top, 0), max(left, 0)
    sl = [slice(None)] * a.ndim
    sl[ha] = slice(top, top + height)
    sl[wa] = slice(left, left + width)
    return _wrap(img, a[tuple(sl)])


def center_crop(img, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, H, W = get_dimensions(img)
    th, tw = output_size
    if tw > W or th > H:
        img = pad(img, [(tw - W) // 2 if tw > W else 0, (th - H) // 2 if th > H else 0,
                        (tw - W + 1) // 2 if tw > W else 0, (th - H + 1) // 2 if th > H else 0], fill=0)
        _, H, W = get_dimensions(img)
        if tw == W and th == H:
            return img
    top = int(round((H - th) / 2.0))
    left = int(round((W - tw) / 2.0))
    return crop(img, top, left, th, tw)


def _parse_padding(padding):
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = list(padding)
    if len(padding) == 1:
        return padding[0], padding[0], padding[0], padding[0]
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return tuple(padding)
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` is an int, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``;
    ``padding_mode`` is constant (with ``fill``), edge, reflect (no edge repeat) or symmetric."""
    _check_kind(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_padding(padding)
    if _is_pil(img):
        Image = _pil()
        a = _xp.asarray(img)
        out = pad(a, (left, top, right, bottom), fill, padding_mode)
        res = Image.fromarray(out, mode=img.mode)
        if img.mode == "P":
            res.putpalette(img.getpalette())
        return res
    a = _raw(img)
    ha, wa = _hw_axes(img)
    widths = [(0, 0)] * a.ndim
    widths[ha] = (top, bottom)
    widths[wa] = (left, right)
    if padding_mode == "constant":
        if isinstance(fill, (tuple, list)) and a.ndim == 3 and not isinstance(img, _Tensor):
            out = _xp.stack([_xp.pad(a[..., c], widths[:2], constant_values=fill[c]) for c in range(a.shape[2])],
                           axis=-1)
        else:
            out = _xp.pad(a, widths, mode="constant", constant_values=fill)
    else:
        out = _xp.pad(a, widths, mode=padding_mode)
    return _wrap(img, out)


def _resize_axis(a, axis, out_len, mode):
    """Resample one axis: nearest uses floor((i) * in / out); bilinear is half-pixel centred
    (``align_corners=False``), the same grid as ``F.interpolate``."""
    n = a.shape[axis]
    if n == out_len:
        return a
    scale = n / out_len
    if mode in ("nearest",):
        idx = _xp.minimum(_xp.floor(_xp.arange(out_len) * scale).astype(_xp.int64), n - 1)
        return _xp.take(a, idx, axis=axis)
    if mode == "nearest-exact":
        idx = _xp.minimum(_xp.floor((_xp.arange(out_len) + 0.5) * scale).astype(_xp.int64), n - 1)
        return _xp.take(a, idx, axis=axis)
    src = (_xp.arange(out_len) + 0.5) * scale - 0.5
    src = _xp.maximum(src, 0.0)
    i0 = _xp.minimum(_xp.floor(src).astype(_xp.int64), n - 1)
    i1 = _xp.minimum(i0 + 1, n - 1)
    w1 = (src - i0)
    shape = [1] * a.ndim
    shape[axis] = out_len
    w1 = w1.reshape(shape)
    lo = _xp.take(a, i0, axis=axis).astype(_xp.float64)
    hi = _xp.take(a, i1, axis=axis).astype(_xp.float64)
    return lo * (1.0 - w1) + hi * w1


def _output_size(h, w, size, max_size=None):
    if isinstance(size, numbers.Number) or (isinstance(size, (list, tuple)) and len(size) == 1):
        s = int(size if isinstance(size, numbers.Number) else size[0])
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = s, int(s * long / short)
        if max_size is not None:
            if max_size <= s:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for "
                                 f"the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (``(h, w)``, or an int: the smaller edge, keeping the aspect ratio).

    PIL images use Pillow's resampling. Arrays and tensors use nearest or bilinear sampling on the
    half-pixel grid of ``F.interpolate(align_corners=False)`` without an antialias filter (so
    downscaling matches ``antialias=False``); integer images are rounded back to their dtype."""
    _check_kind(img)
    interpolation = getattr(interpolation, "value", interpolation)
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if _is_pil(img):
        Image = _pil()
        modes = {"nearest": Image.NEAREST, "nearest-exact": Image.NEAREST, "bilinear": Image.BILINEAR,
                 "bicubic": Image.BICUBIC, "box": Image.BOX, "hamming": Image.HAMMING, "lanczos": Image.LANCZOS}
        return img.resize((ow, oh), modes[interpolation])
    if interpolation not in ("nearest", "nearest-exact", "bilinear"):
        raise ValueError(f"interpolation {interpolation!r} is supported for PIL images only; arrays and tensors "
                         f"take 'nearest' or 'bilinear'")
    a = _raw(img)
    ha, wa = _hw_axes(img)
    out = _resize_axis(_resize_axis(a, ha, oh, interpolation), wa, ow, interpolation)
    if out.dtype != a.dtype:
        if a.dtype.kind in "iu":
            info = _xp.iinfo(a.dtype)
            out = _xp.clip(_xp.round(out), info.min, info.max)
        out = out.astype(a.dtype)
    return _wrap(img, out)
