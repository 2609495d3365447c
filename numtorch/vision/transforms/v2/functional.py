"""``torchvision.transforms.v2.functional`` for images: each function accepts a PIL image, a plain tensor or a
``tv_tensors.Image`` / ``Video`` and returns the same kind (tv_tensors are re-wrapped). The arithmetic is
``transforms.functional``'s; v2's own conventions (``to_dtype`` scaling by a reciprocal, string
interpolation names) are followed where they differ."""
from ...._backend import xp as _xp, is_array as _is_array
from ...._tensor import Tensor as _Tensor, _make
from .... import _dtype as _D
from ... import tv_tensors as _tvt
from .. import functional as _F, _functional_tensor as _F_t, _functional_pil as _F_pil
from ..functional import InterpolationMode

__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
           "adjust_saturation", "adjust_sharpness", "affine", "autocontrast", "center_crop", "convert_image_dtype",
           "crop", "elastic", "elastic_transform", "equalize", "erase", "five_crop", "gaussian_blur",
           "get_dimensions", "get_image_num_channels", "get_image_size", "get_num_channels", "get_size",
           "grayscale_to_rgb", "hflip", "horizontal_flip", "invert", "is_pure_tensor", "normalize", "pad",
           "perspective", "pil_to_tensor", "posterize", "resize", "resized_crop", "rgb_to_grayscale", "rotate",
           "solarize", "ten_crop", "to_dtype", "to_grayscale", "to_image", "to_pil_image", "to_tensor",
           "vertical_flip", "vflip"]

pil_to_tensor = _F.pil_to_tensor
to_pil_image = _F.to_pil_image
to_tensor = _F.to_tensor
convert_image_dtype = _F.convert_image_dtype
to_grayscale = _F.to_grayscale


def is_pure_tensor(inpt):
    """A Tensor that is not a tv_tensor."""
    return isinstance(inpt, _Tensor) and not isinstance(inpt, _tvt.TVTensor)


def _interp(interpolation):
    return _F._interp(interpolation)


def _rewrap(inpt, out):
    if isinstance(inpt, _tvt.TVTensor) and isinstance(out, _Tensor):
        return _tvt.wrap(out, like=inpt)
    if isinstance(inpt, _tvt.TVTensor) and isinstance(out, tuple):
        return tuple(_tvt.wrap(o, like=inpt) for o in out)
    return out


def _image_op(fn):
    def op(inpt, *args, **kwargs):
        return _rewrap(inpt, fn(inpt, *args, **kwargs))
    op.__name__ = fn.__name__
    op.__doc__ = fn.__doc__
    return op


def get_dimensions(inpt):
    return _F.get_dimensions(inpt)


def get_num_channels(inpt):
    return _F.get_dimensions(inpt)[0]


get_image_num_channels = get_num_channels


def get_size(inpt):
    """``[height, width]``."""
    _, h, w = _F.get_dimensions(inpt)
    return [h, w]


def get_image_size(inpt):
    """``[width, height]``."""
    _, h, w = _F.get_dimensions(inpt)
    return [w, h]


def to_image(inpt):
    """PIL image, NumPy ``H x W x C`` array or ``... C x H x W`` tensor -> ``tv_tensors.Image`` (no scaling)."""
    if _is_array(inpt):
        a = _xp.atleast_3d(inpt)
        out = _make(_xp.ascontiguousarray(a.transpose(2, 0, 1)))
    elif _F_pil.is_pil(inpt):
        out = _F.pil_to_tensor(inpt)
    elif isinstance(inpt, _Tensor):
        out = inpt
    else:
        raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got {type(inpt)} "
                        f"instead.")
    return _tvt.Image(out)


def to_dtype(inpt, dtype=None, scale=False):
    """Cast to ``dtype``; with ``scale`` the value range is converted too (ints ``[0, max]``, floats
    ``[0, 1]``; int -> float multiplies by ``1 / max``, int -> int shifts by the bit-width difference)."""
    dtype = _D.float32 if dtype is None else dtype
    a = inpt._data
    out = _D.to_numpy_dtype(dtype)
    if a.dtype == out:
        return inpt
    if not scale:
        return _rewrap(inpt, inpt.to(dtype))
    fin, fout = a.dtype.kind in "fV", _xp.dtype(out).kind in "fV"
    if fin:
        if fout:
            return _rewrap(inpt, _make(a.astype(out)))
        if (a.dtype == _xp.float32 and out in (_xp.int32, _xp.int64)) or (a.dtype == _xp.float64 and out == _xp.int64):
            raise RuntimeError(f"The conversion from {inpt.dtype} to {dtype} cannot be performed safely.")
        return _rewrap(inpt, _make((a * a.dtype.type(_F_t.max_value(out) + 1.0 - 1e-3)).astype(out)))
    if fout:
        return _rewrap(inpt, _make(a.astype(out) * _xp.dtype(out).type(1.0 / _F_t.max_value(a.dtype))))
    bits = {"uint8": 8, "int8": 7, "int16": 15, "uint16": 16, "int32": 31, "int64": 63}
    bi, bo = bits[a.dtype.name], bits[_xp.dtype(out).name]
    if bi > bo:
        return _rewrap(inpt, _make((a >> (bi - bo)).astype(out)))
    return _rewrap(inpt, _make(a.astype(out) << (bo - bi)))


def normalize(inpt, mean, std, inplace=False):
    """``(x - mean[c]) / std[c]``."""
    if _F_pil.is_pil(inpt):
        raise TypeError("normalize() does not support PIL images.")
    return _rewrap(inpt, _F.normalize(inpt, mean, std, inplace))


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """As ``transforms.functional.resize`` (``size=None`` with ``max_size`` bounds the longer edge)."""
    interpolation = _interp(interpolation)
    if size is None:
        _, h, w = _F.get_dimensions(inpt)
        size = _F._compute_resized_output_size((h, w), None, max_size, allow_size_none=True)
        max_size = None
    return _rewrap(inpt, _F.resize(inpt, size, interpolation, max_size, antialias))


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    return _rewrap(inpt, _F.resized_crop(inpt, top, left, height, width, size, _interp(interpolation), antialias))


def _pad(inpt, padding, fill=None, padding_mode="constant"):
    return _F.pad(inpt, padding, 0 if fill is None else fill, padding_mode)


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    return _rewrap(inpt, _F.rotate(inpt, angle, _interp(interpolation), expand, center, fill))


def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    return _rewrap(inpt, _F.affine(inpt, angle, translate, scale, shear, _interp(interpolation), fill, center))


def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None,
                coefficients=None):
    if coefficients is not None:
        raise NotImplementedError("numtorch's v2 perspective takes startpoints/endpoints, not coefficients")
    return _rewrap(inpt, _F.perspective(inpt, startpoints, endpoints, _interp(interpolation), fill))


def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    return _rewrap(inpt, _F.elastic_transform(inpt, displacement, _interp(interpolation), fill))


elastic_transform = elastic


def erase(inpt, i, j, h, w, v, inplace=False):
    if _F_pil.is_pil(inpt):
        raise TypeError("erase() does not support PIL images.")
    return _rewrap(inpt, _F.erase(inpt, i, j, h, w, v, inplace))


def grayscale_to_rgb(inpt):
    """A 1-channel image repeated to 3 channels (3-channel images pass through)."""
    if _F_pil.is_pil(inpt):
        return inpt.convert("RGB")
    if _F.get_dimensions(inpt)[0] == 3:
        return inpt
    return _rewrap(inpt, _make(_xp.ascontiguousarray(_xp.repeat(inpt._data, 3, axis=-3))))


horizontal_flip = _image_op(_F.hflip)
vertical_flip = _image_op(_F.vflip)
hflip, vflip = horizontal_flip, vertical_flip
crop = _image_op(_F.crop)
center_crop = _image_op(_F.center_crop)
pad = _image_op(_pad)
five_crop = _image_op(_F.five_crop)
ten_crop = _image_op(_F.ten_crop)
gaussian_blur = _image_op(_F.gaussian_blur)
adjust_brightness = _image_op(_F.adjust_brightness)
adjust_contrast = _image_op(_F.adjust_contrast)
adjust_saturation = _image_op(_F.adjust_saturation)
adjust_hue = _image_op(_F.adjust_hue)
adjust_gamma = _image_op(_F.adjust_gamma)
adjust_sharpness = _image_op(_F.adjust_sharpness)
autocontrast = _image_op(_F.autocontrast)
equalize = _image_op(_F.equalize)
invert = _image_op(_F.invert)
posterize = _image_op(_F.posterize)
solarize = _image_op(_F.solarize)
rgb_to_grayscale = _image_op(_F.rgb_to_grayscale)
