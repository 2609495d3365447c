"""Image transforms as functions (``torchvision.transforms.functional``).

Three image kinds are accepted:

* a numtorch ``Tensor`` image ``[..., C, H, W]``: NumPy kernels with torchvision's tensor arithmetic
  (``_functional_tensor``);
* a ``PIL.Image``: Pillow's own operations, as torchvision calls them (``_functional_pil``), so the result is
  bit-identical to torchvision's;
* a NumPy array ``H x W`` or ``H x W x C`` (numtorch's extension, for decoded image files) where a tensor
  image would do: it goes through the tensor kernels and comes back in its own layout.

Each function returns the kind it was given. Results are new tensors outside the autograd graph.
"""
import math as _math
import numbers as _numbers
import warnings as _warnings
from enum import Enum as _Enum

from ..._backend import xp as _xp, is_array as _is_array
from ..._tensor import Tensor as _Tensor, _make
from ... import _dtype as _D
from . import _functional_tensor as _F_t, _functional_pil as _F_pil

__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
           "adjust_saturation", "adjust_sharpness", "affine", "autocontrast", "center_crop", "convert_image_dtype",
           "crop", "elastic_transform", "equalize", "erase", "five_crop", "gaussian_blur", "get_dimensions",
           "get_image_num_channels", "get_image_size", "hflip", "invert", "normalize", "pad", "perspective",
           "pil_modes_mapping", "pil_to_tensor", "posterize", "resize", "resized_crop", "rgb_to_grayscale", "rotate",
           "solarize", "ten_crop", "to_grayscale", "to_pil_image", "to_tensor", "vflip"]


class InterpolationMode(_Enum):
    """Interpolation modes (values are ``F.interpolate``'s / Pillow's names)."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _interpolation_modes_from_int(i):
    return {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
            4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}[i]


# Pillow's resampling constants
pil_modes_mapping = {InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
                     InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
                     InterpolationMode.LANCZOS: 1}


def _interp(interpolation, warn=False):
    """An ``InterpolationMode`` from the enum, a Pillow integer constant, or (numtorch) its string value."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, bool):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    if isinstance(interpolation, int):
        if warn:
            _warnings.warn("Argument interpolation should be of type InterpolationMode instead of int. "
                          "Please, use InterpolationMode enum.")
        return _interpolation_modes_from_int(interpolation)
    if isinstance(interpolation, str):
        try:
            return InterpolationMode(interpolation)
        except ValueError:
            pass
    raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant")


def _is_pil_image(img):
    return _F_pil.is_pil(img)


# --------------------------------------------------------------------------- dispatch
def _apply(img, tensor_fn, pil_fn=None):
    """Run ``tensor_fn`` on a tensor's (or an ``H x W [x C]`` array's) data, ``pil_fn`` on a PIL image."""
    if isinstance(img, _Tensor):
        return _make(_xp.ascontiguousarray(tensor_fn(img._data)))
    if _is_array(img):
        chw = img[None] if img.ndim == 2 else _xp.moveaxis(img, -1, -3)
        out = tensor_fn(chw)
        return _xp.ascontiguousarray(out[0] if img.ndim == 2 and out.shape[0] == 1 else _xp.moveaxis(out, -3, -1))
    if pil_fn is not None and _F_pil.is_pil(img):
        return pil_fn(img)
    if pil_fn is None:
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _tensor_only(img, what="img should be Tensor Image"):
    if not isinstance(img, _Tensor):
        raise TypeError(f"{what}. Got {type(img)}")
    return img._data


def get_dimensions(img):
    """``[channels, height, width]``."""
    if isinstance(img, _Tensor):
        return _F_t.dims(img._data)
    if _is_array(img):
        return [1 if img.ndim == 2 else img.shape[2], img.shape[0], img.shape[1]]
    return _F_pil.get_dimensions(img)


def get_image_size(img):
    """``[width, height]``."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    if isinstance(img, _Tensor):
        a = img._data
        if a.ndim == 2:
            return 1
        if a.ndim > 2:
            return a.shape[-3]
        raise TypeError(f"Input ndim should be 2 or more. Got {a.ndim}")
    return get_dimensions(img)[0]


# --------------------------------------------------------------------------- conversions
def to_tensor(pic):
    """PIL Image or ``H x W [x C]`` array -> ``C x H x W`` tensor; uint8 data becomes ``float(x) / 255`` in the
    default dtype (other dtypes keep their values)."""
    if not (_F_pil.is_pil(pic) or _is_array(pic)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if _is_array(pic) and pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    f = _xp.dtype(_D.get_default_dtype().np)
    if _is_array(pic):
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        nptype = {"I": _xp.int32, "I;16": _xp.int16, "F": _xp.float32}.get(pic.mode, _xp.uint8)
        arr = _xp.array(pic, nptype, copy=True)
        if pic.mode == "1":
            arr = 255 * arr
        arr = arr.reshape(pic.size[1], pic.size[0], _F_pil.num_channels(pic))
    chw = _xp.ascontiguousarray(arr.transpose(2, 0, 1))
    if chw.dtype == _xp.uint8:
        return _make(chw.astype(f) / f.type(255))   # in the float dtype: bit-identical to torch's div(255)
    return _make(chw if chw.base is not pic and chw is not pic else chw.copy())


def pil_to_tensor(pic):
    """PIL Image -> ``C x H x W`` tensor of the image's own dtype (no scaling)."""
    if not _F_pil.is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = _xp.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], _F_pil.num_channels(pic))
    return _make(_xp.ascontiguousarray(arr.transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """``C x H x W`` tensor or ``H x W x C`` array -> PIL Image; floats (unless ``mode='F'``) become
    ``uint8(x * 255)``; the mode follows from channels and dtype as in torchvision."""
    if isinstance(pic, _Tensor):
        a = pic._data
        if a.ndim == 3:
            a = a.transpose(1, 2, 0)
        npimg = _xp.asarray(a)
    elif _is_array(pic):
        npimg = pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if npimg.ndim == 2:
        npimg = npimg[:, :, None]
    if npimg.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {npimg.ndim} dimensions.")
    if npimg.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
    if npimg.dtype.kind == "f" and mode != "F":
        npimg = (npimg * 255).astype(_xp.uint8)
    if npimg.shape[2] == 1:
        npimg = npimg[:, :, 0]
        expected = {"uint8": "L", "int16": "I;16", "int32": "I", "float32": "F"}.get(npimg.dtype.name)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {_xp.dtype}. Should be {expected}")
        mode = expected
    elif npimg.shape[2] == 2:
        if mode is not None and mode not in ["LA"]:
            raise ValueError("Only modes ['LA'] are supported for 2D inputs")
        if mode is None and npimg.dtype == _xp.uint8:
            mode = "LA"
    elif npimg.shape[2] == 4:
        if mode is not None and mode not in ["RGBA", "CMYK", "RGBX"]:
            raise ValueError("Only modes ['RGBA', 'CMYK', 'RGBX'] are supported for 4D inputs")
        if mode is None and npimg.dtype == _xp.uint8:
            mode = "RGBA"
    else:
        if mode is not None and mode not in ["RGB", "YCbCr", "HSV"]:
            raise ValueError("Only modes ['RGB', 'YCbCr', 'HSV'] are supported for 3D inputs")
        if mode is None and npimg.dtype == _xp.uint8:
            mode = "RGB"
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return _F_pil.fromarray(npimg, mode)


def convert_image_dtype(image, dtype=None):
    """Convert a tensor image's dtype, rescaling values: ints span ``[0, max]``, floats ``[0, 1]``
    (float -> int multiplies by ``max + 1 - 1e-3`` and truncates)."""
    if not isinstance(image, _Tensor):
        raise TypeError("Input img should be Tensor Image")
    dtype = _D.float32 if dtype is None else dtype
    out = _F_t.convert_image_dtype(image._data, _D.to_numpy_dtype(dtype))
    if out is None:
        raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
    return image if out is image._data else _make(out)


def normalize(tensor, mean, std, inplace=False):
    """``(x - mean[c]) / std[c]`` per channel, computed in the tensor's float dtype."""
    if not isinstance(tensor, _Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    a = tensor._data
    _F_t.assert_image(a)
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


# --------------------------------------------------------------------------- geometry
def _compute_resized_output_size(image_size, size, max_size=None, allow_size_none=False):
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if not allow_size_none:
            raise ValueError("This should never happen!!")
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        new_short, new_long = int(max_size * short / long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    elif len(size) == 1:
        requested = size if isinstance(size, int) else size[0]
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                                 f"smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (``(h, w)``, or an int: the smaller edge, keeping the aspect ratio).

    PIL images use Pillow's resampling (always antialiased). Tensors use ``interpolate``'s grids; with
    ``antialias=True`` (the default) bilinear and bicubic downscaling widen the triangle / cubic (a = -0.5)
    filter by the scale factor and normalise each output pixel's weights, as torch's ``antialias=True``."""
    interpolation = _interp(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             f"tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, i.e. "
                             "size should be an int or a sequence of length 1 in torchscript mode.")
    _, h, w = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    out_size = _compute_resized_output_size((h, w), size, max_size)
    if [h, w] == out_size:
        return img
    if _F_pil.is_pil(img):
        if antialias is False:
            _warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return _F_pil.resize(img, out_size, pil_modes_mapping[interpolation])
    aa = bool(antialias) and interpolation.value in ("bilinear", "bicubic")
    return _apply(img, lambda a: _F_t.resize(a, out_size, interpolation.value, aa))


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` is an int, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``;
    ``padding_mode`` is constant (with ``fill``), edge, reflect (no edge repeat) or symmetric."""
    if _F_pil.is_pil(img):
        return _F_pil.pad(img, padding, fill, padding_mode)
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if _is_array(img) and isinstance(fill, (tuple, list)) and padding_mode == "constant":
        # numtorch's arrays: one fill value per channel (as for PIL images)
        chans = [pad(img[..., c], padding, fill[c], padding_mode) for c in range(img.shape[-1])]
        return _xp.stack(chans, -1)
    if isinstance(fill, (tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    return _apply(img, lambda a: _F_t.pad(a, padding, fill, padding_mode))


def crop(img, top, left, height, width):
    """The ``height x width`` window at ``(top, left)``; parts outside the image are zero-filled."""
    return _apply(img, lambda a: _F_t.crop(a, top, left, height, width),
                  lambda p: _F_pil.crop(p, top, left, height, width))


def center_crop(img, output_size):
    """The central ``output_size`` window (zero-padded first when the image is smaller)."""
    if isinstance(output_size, _numbers.Number):
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
    return crop(img, int(round((H - th) / 2.0)), int(round((W - tw) / 2.0)), th, tw)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """``crop`` then ``resize``."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    return _apply(img, lambda a: _xp.flip(a, -1), _F_pil.hflip)


def vflip(img):
    """Mirror top-bottom."""
    return _apply(img, lambda a: _xp.flip(a, -2), _F_pil.vflip)


def _crop_size(size):
    if isinstance(size, _numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the central crop."""
    size = _crop_size(size)
    _, H, W = get_dimensions(img)
    ch, cw = size
    if cw > W or ch > H:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(H, W)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, W - cw, ch, cw), crop(img, H - ch, 0, ch, cw),
            crop(img, H - ch, W - cw, ch, cw), center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip=False):
    """``five_crop`` of the image and of its (horizontal, or vertical) mirror."""
    size = _crop_size(size)
    return five_crop(img, size) + five_crop(vflip(img) if vertical_flip else hflip(img), size)


def _get_perspective_coeffs(startpoints, endpoints):
    """The 8 coefficients mapping output (end) points to input (start) points:
    ``x = (a x' + b y' + c) / (g x' + h y' + 1)``, ``y = (d x' + e y' + f) / (g x' + h y' + 1)``."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
                         f"{len(endpoints)} endpoints.")
    A = _xp.zeros((8, 8), _xp.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        A[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        A[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
    b = _xp.asarray(startpoints, _xp.float64).reshape(8)
    sol = _xp.linalg.lstsq(A, b, rcond=None)[0]
    return sol.astype(_xp.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so that ``startpoints`` (4 corners ``[x, y]``) land on ``endpoints``."""
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _interp(interpolation)
    if _F_pil.is_pil(img):
        return _F_pil.perspective(img, coeffs, pil_modes_mapping[interpolation], fill)
    return _apply(img, lambda a: _F_t.perspective(a, coeffs, interpolation.value, fill), None)


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 matrix (6 numbers) of ``T C R S Sh C^-1`` (or its inverse, the output -> input map), angles in
    degrees: R rotates by ``angle``, Sh shears by ``shear = (sx, sy)``, S scales, T translates."""
    rot = _math.radians(angle)
    sx, sy = _math.radians(shear[0]), _math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = _math.cos(rot - sy) / _math.cos(sy)
    b = -_math.cos(rot - sy) * _math.tan(sx) / _math.cos(sy) - _math.sin(rot)
    c = _math.sin(rot - sy) / _math.cos(sy)
    d = -_math.sin(rot - sy) * _math.tan(sx) / _math.cos(sy) + _math.cos(rot)
    if inverted:
        m = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in [a, b, 0.0, c, d, 0.0]]
        m[2] += m[0] * -cx + m[1] * -cy
        m[5] += m[3] * -cx + m[4] * -cy
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (default: the image centre)."""
    interpolation = _interp(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if _F_pil.is_pil(img):
        return _F_pil.rotate(img, angle, pil_modes_mapping[interpolation], expand, center, fill)
    center_f = [0.0, 0.0]
    if center is not None:
        _, h, w = get_dimensions(img)
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return _apply(img, lambda a: _F_t.rotate(a, matrix, interpolation.value, expand, fill), None)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Affine warp keeping the centre fixed: rotate by ``angle`` (clockwise, degrees), shear, scale, then
    translate by ``translate`` pixels."""
    interpolation = _interp(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (_numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    if isinstance(shear, _numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, h, w = get_dimensions(img)
    if _F_pil.is_pil(img):
        if center is None:
            center = [w * 0.5, h * 0.5]
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        return _F_pil.affine(img, matrix, pil_modes_mapping[interpolation], fill)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    matrix = _get_inverse_affine_matrix(center_f, angle, [1.0 * t for t in translate], scale, shear)
    return _apply(img, lambda a: _F_t.affine(a, matrix, interpolation.value, fill), None)


def to_grayscale(img, num_output_channels=1):
    """PIL image of any mode -> grayscale ("L", or "RGB" with three equal bands)."""
    if _F_pil.is_pil(img):
        return _F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels=1):
    """ITU-R 601-2 luma: ``0.2989 R + 0.587 G + 0.114 B``."""
    if _F_pil.is_pil(img):
        return _F_pil.to_grayscale(img, num_output_channels)
    if _is_array(img):   # numtorch's H x W x C arrays
        return _apply(img, lambda a: _F_t.rgb_to_grayscale(a if a.ndim >= 3 else a[None], num_output_channels))
    return _apply(img, lambda a: _F_t.rgb_to_grayscale(a, num_output_channels))


def erase(img, i, j, h, w, v, inplace=False):
    """Set the ``h x w`` window at ``(i, j)`` to ``v`` (a tensor broadcast over it)."""
    a = _tensor_only(img)
    vv = v._data if isinstance(v, _Tensor) else _xp.asarray(v)
    if inplace:
        _F_t.erase(a, i, j, h, w, vv, inplace=True)
        img._vc[0] += 1
        return img
    return _make(_F_t.erase(a, i, j, h, w, vv))


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a normalised Gaussian kernel (``sigma`` defaults to ``0.3 ((k - 1) / 2 - 1) + 0.8``), reflect
    padding at the borders."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    return _via_tensor(img, lambda a: _F_t.gaussian_blur(a, kernel_size, sigma))


def _via_tensor(img, fn):
    """torchvision runs some PIL operations through its tensor kernel: PIL -> tensor -> PIL (same mode)."""
    if _F_pil.is_pil(img):
        return to_pil_image(_make(fn(pil_to_tensor(img)._data)), mode=img.mode)
    if isinstance(img, _Tensor):
        return _make(_xp.ascontiguousarray(fn(img._data)))
    raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def adjust_brightness(img, brightness_factor):
    """``clamp(factor * img, 0, max)``."""
    return _apply(img, lambda a: _F_t.adjust_brightness(a, brightness_factor),
                  lambda p: _F_pil.adjust_brightness(p, brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean of the grayscale image: ``factor * img + (1 - factor) * mean``."""
    return _apply(img, lambda a: _F_t.adjust_contrast(a, contrast_factor),
                  lambda p: _F_pil.adjust_contrast(p, contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image: ``factor * img + (1 - factor) * gray``."""
    return _apply(img, lambda a: _F_t.adjust_saturation(a, saturation_factor),
                  lambda p: _F_pil.adjust_saturation(p, saturation_factor))


def adjust_hue(img, hue_factor):
    """Shift the hue (HSV) by ``hue_factor`` turns, in ``[-0.5, 0.5]``."""
    return _apply(img, lambda a: _F_t.adjust_hue(a, hue_factor), lambda p: _F_pil.adjust_hue(p, hue_factor))


def adjust_gamma(img, gamma, gain=1):
    """``gain * img ** gamma`` on the [0, 1] scale."""
    return _apply(img, lambda a: _F_t.adjust_gamma(a, gamma, gain), lambda p: _F_pil.adjust_gamma(p, gamma, gain))


def adjust_sharpness(img, sharpness_factor):
    """Blend with a 3x3 smoothed copy (kernel ``[[1,1,1],[1,5,1],[1,1,1]] / 13``, borders kept)."""
    return _apply(img, lambda a: _F_t.adjust_sharpness(a, sharpness_factor),
                  lambda p: _F_pil.adjust_sharpness(p, sharpness_factor))


def invert(img):
    """``max - img``."""
    return _apply(img, _F_t.invert, _F_pil.invert)


def posterize(img, bits):
    """Keep the top ``bits`` bits of each uint8 channel value."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    return _apply(img, lambda a: _F_t.posterize(a, bits), lambda p: _F_pil.posterize(p, bits))


def solarize(img, threshold):
    """Invert the values ``>= threshold``."""
    return _apply(img, lambda a: _F_t.solarize(a, threshold), lambda p: _F_pil.solarize(p, threshold))


def autocontrast(img):
    """Stretch each channel so its minimum maps to 0 and its maximum to the top of the range."""
    return _apply(img, _F_t.autocontrast, _F_pil.autocontrast)


def equalize(img):
    """Histogram equalisation per channel (uint8; Pillow's lookup-table rule)."""
    return _apply(img, _F_t.equalize, _F_pil.equalize)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Sample the image at the identity grid plus ``displacement`` (``[1, H, W, 2]``, in normalised units)."""
    interpolation = _interp(interpolation, warn=True)
    if not isinstance(displacement, _Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    if not (isinstance(img, _Tensor) or _F_pil.is_pil(img)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    _, h, w = get_dimensions(img)
    shape = (1, h, w, 2)
    if tuple(displacement.shape) != shape:
        raise ValueError(f"Argument displacement shape should be {shape}, but given {displacement.shape}")
    d = displacement._data
    return _via_tensor(img, lambda a: _F_t.elastic_transform(a, d, interpolation.value, fill))
