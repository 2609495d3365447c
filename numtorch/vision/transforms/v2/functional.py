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
           "adjust_saturation", "adjust_sharpness", "affine", "autocontrast", "center_crop",
           "convert_image_dtype", "crop", "elastic", "elastic_transform", "equalize", "erase", "five_crop",
           "gaussian_blur", "gaussian_noise", "get_dimensions", "get_image_num_channels", "get_image_size",
           "get_num_channels", "get_size", "grayscale_to_rgb", "hflip", "horizontal_flip", "invert",
           "is_pure_tensor", "normalize", "pad", "permute_channels", "perspective", "pil_to_tensor",
           "posterize", "resize", "resized_crop", "rgb_to_grayscale", "rotate", "solarize", "ten_crop",
           "to_dtype", "to_grayscale", "to_image", "to_pil_image", "to_tensor", "vertical_flip", "vflip"]

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
    if isinstance(inpt, _Tensor) and inpt.ndim < 2:
        raise TypeError(f"Input tensor should have at least two dimensions, but got {inpt.ndim}")
    return _F.get_dimensions(inpt)


def get_num_channels(inpt):
    return _F.get_dimensions(inpt)[0]


get_image_num_channels = get_num_channels


def get_size(inpt):
    """``[height, width]``."""
    _, h, w = get_dimensions(inpt)
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


_BITS = {"uint8": 8, "int8": 7, "int16": 15, "uint16": 16, "int32": 31, "int64": 63}


def _to_dtype_array(a, out, scale=True):
    """The array form of ``to_dtype`` (``None`` when a float -> int cast cannot be done safely)."""
    out = _xp.dtype(out)
    if a.dtype == out:
        return a
    if not scale:
        return a.astype(out)
    fin, fout = a.dtype.kind in "fV", out.kind in "fV"
    if fin:
        if fout:
            return a.astype(out)
        if (a.dtype == _xp.float32 and out in (_xp.int32, _xp.int64)) or (a.dtype == _xp.float64 and out == _xp.int64):
            return None
        return (a * a.dtype.type(_F_t.max_value(out) + 1.0 - 1e-3)).astype(out)
    if fout:
        return a.astype(out) * out.type(1.0 / _F_t.max_value(a.dtype))
    bi, bo = _BITS[a.dtype.name], _BITS[out.name]
    if bi > bo:
        return (a >> (bi - bo)).astype(out)
    return a.astype(out) << (bo - bi)


def to_dtype(inpt, dtype=None, scale=False):
    """Cast to ``dtype``; with ``scale`` the value range is converted too (ints ``[0, max]``, floats
    ``[0, 1]``; int -> float multiplies by ``1 / max``, int -> int shifts by the bit-width difference)."""
    dtype = _D.float32 if dtype is None else dtype
    if not scale:
        return inpt if inpt._data.dtype == _D.to_numpy_dtype(dtype) else _rewrap(inpt, inpt.to(dtype))
    out = _to_dtype_array(inpt._data, _D.to_numpy_dtype(dtype), True)
    if out is None:
        raise RuntimeError(f"The conversion from {inpt.dtype} to {dtype} cannot be performed safely.")
    return inpt if out is inpt._data else _rewrap(inpt, _make(out))


def adjust_hue(inpt, hue_factor):
    """Shift the hue by ``hue_factor`` turns (v2: integer images pass through float32 by ``to_dtype``)."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")

    def k(a):
        _F_t.assert_channels(a, [1, 3])
        if a.shape[-3] == 1 or a.size == 0:
            return a
        f = _to_dtype_array(a, _xp.float32)
        h, s, v = _F_t._rgb2hsv(f)
        h = _xp.mod(h + _xp.float32(hue_factor), _xp.float32(1.0)).astype(_xp.float32)
        return _to_dtype_array(_F_t._hsv2rgb(h, s, v), a.dtype)
    return _tensor_kernel(inpt, k, lambda p: _F_pil.adjust_hue(p, hue_factor))


def adjust_gamma(inpt, gamma, gain=1):
    """``gain * x ** gamma`` on the [0, 1] scale (v2: integer images pass through float32 by ``to_dtype``)."""
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")

    def k(a):
        f = a if _F_t.is_float(a) else _to_dtype_array(a, _xp.float32)
        out = (f ** f.dtype.type(gamma)).astype(f.dtype)
        if gain != 1.0:
            out = _xp.clip(out * f.dtype.type(gain), 0.0, 1.0).astype(f.dtype)
        return _to_dtype_array(out, a.dtype)
    return _tensor_kernel(inpt, k, lambda p: _F_pil.adjust_gamma(p, gamma, gain))


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
    if (isinstance(inpt, _Tensor) and inpt._data.dtype == _xp.uint8
            and interpolation in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC)):
        # v2 resizes uint8 images with torch's native uint8 kernel (fixed-point weights, rounded per pass)
        _, h, w = _F.get_dimensions(inpt)
        out_size = _F._compute_resized_output_size((h, w), [size] if isinstance(size, int) else list(size), max_size)
        if out_size == [h, w]:
            return inpt
        return _rewrap(inpt, _make(_F_t.resize_uint8(inpt._data, out_size, interpolation.value, bool(antialias))))
    return _rewrap(inpt, _F.resize(inpt, size, interpolation, max_size, antialias))


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(inpt, top, left, height, width), size, interpolation, antialias=antialias)


def _pad(inpt, padding, fill=None, padding_mode="constant"):
    if isinstance(fill, (tuple, list)) and isinstance(inpt, _Tensor):
        if len(fill) == 1:
            fill = fill[0]
        else:
            # v2 takes one fill value per channel for tensors too: zero-pad, then paint the borders
            if padding_mode != "constant":
                raise ValueError(f"Padding mode '{padding_mode}' is not supported if fill is not scalar")
            out = _F.pad(inpt, padding, 0, padding_mode)._data.copy()
            left, top, right, bottom = _F_t.parse_padding(padding)
            f = _xp.asarray(fill).astype(out.dtype).reshape(-1, 1, 1)
            h, w = out.shape[-2:]
            if top > 0:
                out[..., :top, :] = f
            if bottom > 0:
                out[..., h - bottom:, :] = f
            if left > 0:
                out[..., :, :left] = f
            if right > 0:
                out[..., :, w - right:] = f
            return _make(out)
    return _F.pad(inpt, padding, 0 if fill is None else fill, padding_mode)


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    if isinstance(inpt, _Tensor) and center is None:
        # v2's exact path for quarter turns about the centre (a transpose, no resampling)
        a = angle % 360
        k = {0: 0, 180: 2}.get(a)
        if k is None and (expand or inpt.shape[-1] == inpt.shape[-2]):
            k = {90: 1, 270: 3}.get(a)
        if k is not None:
            return _rewrap(inpt, _make(_xp.ascontiguousarray(_xp.rot90(inpt._data, k, axes=(-2, -1)))))
    return _rewrap(inpt, _F.rotate(inpt, angle, _interp(interpolation), expand, center, fill))


def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    return _rewrap(inpt, _F.affine(inpt, angle, translate, scale, shear, _interp(interpolation), fill, center))


def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None,
                coefficients=None):
    interpolation = _interp(interpolation)
    if coefficients is None:
        if startpoints is None or endpoints is None:
            raise ValueError("The perspective transform requires either the coefficients or the start and end points")
        coefficients = _F._get_perspective_coeffs(startpoints, endpoints)
    elif startpoints is not None or endpoints is not None:
        raise ValueError("The startpoints/endpoints and the coefficients shouldn't be defined concurrently.")
    if _F_pil.is_pil(inpt):
        return _F_pil.perspective(inpt, coefficients, _F.pil_modes_mapping[interpolation], fill)
    return _tensor_kernel(inpt, lambda a: _F_t.perspective(a, coefficients, interpolation.value, fill), None)


def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    return _rewrap(inpt, _F.elastic_transform(inpt, displacement, _interp(interpolation), fill))


elastic_transform = elastic


def erase(inpt, i, j, h, w, v, inplace=False):
    if _F_pil.is_pil(inpt):
        raise TypeError("erase() does not support PIL images.")
    return _rewrap(inpt, _F.erase(inpt, i, j, h, w, v, inplace))


def gaussian_noise(inpt, mean=0.0, sigma=0.1, clip=True):
    """``x + mean + sigma * randn_like(x)`` (uint8: the noise is scaled by 255 and truncated to int16)."""
    import numtorch as _nt
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    if _F_pil.is_pil(inpt):
        raise TypeError("gaussian_noise() does not support PIL images.")
    a = inpt._data
    if a.dtype.kind == "f":
        out = a + (a.dtype.type(mean) + _nt.randn_like(_make(a))._data * a.dtype.type(sigma))
        return _rewrap(inpt, _make(_xp.clip(out, 0, 1) if clip else out))
    if a.dtype == _xp.uint8:
        noise = (_xp.float32(mean * 255) + _nt.randn(*a.shape)._data * _xp.float32(sigma * 255)).astype(_xp.int16)
        out = a.astype(_xp.int16) + noise
        return _rewrap(inpt, _make((_xp.clip(out, 0, 255) if clip else out).astype(_xp.uint8)))
    raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={inpt.dtype}")


def permute_channels(inpt, permutation):
    """The channels in the order ``permutation``."""
    if _F_pil.is_pil(inpt):
        return to_pil_image(permute_channels(pil_to_tensor(inpt), permutation))
    c = inpt.shape[-3]
    if len(permutation) != c:
        raise ValueError(f"Length of permutation does not match number of channels: {len(permutation)} != {c}")
    return _rewrap(inpt, _make(_xp.ascontiguousarray(inpt._data[..., list(permutation), :, :])))


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
invert = _image_op(_F.invert)


def _tensor_kernel(inpt, fn, pil_fn):
    """``fn`` on a tensor's array (re-wrapped as the input's kind), ``pil_fn`` on a PIL image."""
    if _F_pil.is_pil(inpt):
        return pil_fn(inpt)
    if not isinstance(inpt, _Tensor):
        raise TypeError(f"Expected a PIL image or a tensor, got {type(inpt)}")
    return _rewrap(inpt, _make(_xp.ascontiguousarray(fn(inpt._data))))


def adjust_sharpness(inpt, sharpness_factor):
    """v2's formula: the 3x3-smoothed interior moved towards the image, ``x + (1 - f) (blur - x)``."""
    def k(a):
        c, h, w = a.shape[-3:]
        if c not in (1, 3):
            raise TypeError(f"Input image tensor can have 1 or 3 channels, but found {c}")
        if sharpness_factor < 0:
            raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
        if a.size == 0 or h <= 2 or w <= 2:
            return a
        ft = _F_t.work_dtype(a)
        kern = _xp.array([[1 / 13] * 3, [1 / 13, 5 / 13, 1 / 13], [1 / 13] * 3], ft)
        out = a.astype(ft, copy=True)
        blur = _F_t._conv_valid(out, kern).astype(ft)
        if not _F_t.is_float(a):
            blur = _xp.round(blur)
        view = out[..., 1:-1, 1:-1]
        view += ft.type(1.0 - sharpness_factor) * (blur - view)
        out = _xp.clip(out, 0, _F_t.max_value(a.dtype))
        return out if _F_t.is_float(a) else out.astype(a.dtype)
    return _tensor_kernel(inpt, k, lambda p: _F_pil.adjust_sharpness(p, sharpness_factor))


def autocontrast(inpt):
    """v2's formula: ``(x - min) / ((max - min) / bound)`` per channel."""
    def k(a):
        _F_t.assert_channels(a, [1, 3])
        if a.size == 0:
            return a
        bound = _F_t.max_value(a.dtype)
        f = a.astype(_F_t.work_dtype(a), copy=False)
        lo = f.min(axis=(-2, -1), keepdims=True)
        hi = f.max(axis=(-2, -1), keepdims=True)
        eq = hi == lo
        inv_scale = (hi - lo) * f.dtype.type(1.0 / bound)
        lo = _xp.where(eq, f.dtype.type(0), lo)
        inv_scale = _xp.where(eq, f.dtype.type(1), inv_scale)
        return _xp.clip((f - lo) / inv_scale, 0, bound).astype(a.dtype)
    return _tensor_kernel(inpt, k, _F_pil.autocontrast)


def posterize(inpt, bits):
    """Keep ``bits`` bits: integer images are masked; float images snap to ``floor(x 2^bits) / 2^bits``."""
    if not isinstance(bits, int) or not 0 <= bits <= 8:
        raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits} instead.")

    def k(a):
        if _F_t.is_float(a):
            levels = 1 << bits
            return (_xp.clip(_xp.floor(a * a.dtype.type(levels)), 0, levels - 1) * a.dtype.type(1.0 / levels)
                    ).astype(a.dtype)
        nbits = {"uint8": 8, "int8": 7, "int16": 15, "uint16": 16, "int32": 31, "int64": 63}[a.dtype.name]
        if bits >= nbits:
            return a
        return a & a.dtype.type(((1 << bits) - 1) << (nbits - bits))
    return _tensor_kernel(inpt, k, lambda p: _F_pil.posterize(p, bits))


def equalize(inpt):
    """Histogram equalisation; non-uint8 images go through uint8 (``to_dtype(scale=True)``) and back."""
    if not isinstance(inpt, _Tensor):
        return _F.equalize(inpt)
    if inpt._data.dtype == _xp.uint8:
        return _rewrap(inpt, _make(_F_t.equalize(inpt._data)))
    u8 = _to_dtype_array(inpt._data, _xp.uint8)
    return _rewrap(inpt, _make(_to_dtype_array(_F_t.equalize(u8), inpt._data.dtype)))


def solarize(inpt, threshold):
    """Invert the values ``>= threshold``."""
    if isinstance(inpt, _Tensor) and threshold > _F_t.max_value(inpt._data.dtype):
        raise TypeError(f"Threshold should be less or equal the maximum value of the dtype, but got {threshold}")
    return _rewrap(inpt, _F.solarize(inpt, threshold))
rgb_to_grayscale = _image_op(_F.rgb_to_grayscale)


# --------------------------------------------------------------------------- boxes, keypoints, masks
# Every geometric functional dispatches on its input's kind: BoundingBoxes and KeyPoints go to the kernels of
# _boxes (which also update canvas_size), Mask to the image kernel with nearest interpolation (a 2-D mask gains a
# channel axis for it), custom tv_tensor kinds to kernels given to register_kernel, everything else to the image
# code above.
from . import _boxes as _B  # noqa: E402

_KERNELS = {}


def register_kernel(functional, tv_tensor_cls):
    """Decorator registering ``kernel(inpt, *args, **kwargs)`` as ``functional``'s implementation for a custom
    tv_tensor class."""
    import sys
    if isinstance(functional, str):
        try:
            functional = getattr(sys.modules[__name__], functional)
        except AttributeError:
            raise ValueError(f"Could not find functional with name '{functional}' in "
                             f"torchvision.transforms.v2.functional.") from None
    elif not (callable(functional) and getattr(functional, "__module__", "").startswith(__name__)):
        raise ValueError(f"Kernels can only be registered on functionals from the "
                         f"torchvision.transforms.v2.functional namespace, but got {functional}.")
    if not (isinstance(tv_tensor_cls, type) and issubclass(tv_tensor_cls, _tvt.TVTensor)):
        raise ValueError(f"Kernels can only be registered for subclasses of torchvision.tv_tensors.TVTensor, "
                         f"but got {tv_tensor_cls}.")
    if tv_tensor_cls in (_tvt.TVTensor, _tvt.Image, _tvt.Video, _tvt.Mask, _tvt.BoundingBoxes, _tvt.KeyPoints):
        raise ValueError(f"Kernels cannot be registered for the builtin tv_tensor classes, but got {tv_tensor_cls}")
    registry = _KERNELS.setdefault(functional.__name__, {})
    if tv_tensor_cls in registry:
        raise ValueError(f"Functional {functional} already has a kernel registered for type {tv_tensor_cls}.")

    def decorator(kernel):
        registry[tv_tensor_cls] = kernel
        return kernel
    return decorator


def _custom_kernel(name, inpt):
    registry = _KERNELS.get(name)
    if registry and isinstance(inpt, _tvt.TVTensor):
        for cls in type(inpt).__mro__:
            if cls in registry:
                return registry[cls]
            if cls is _tvt.TVTensor:
                break
    return None


def _plain(t):
    return t.as_subclass(_Tensor) if isinstance(t, _tvt.TVTensor) else t


def _mask_kernel(mask, fn):
    """``fn`` (an image kernel on plain tensors) on a mask ``[..., H, W]``."""
    mask = _plain(mask)
    if mask.ndim < 3:
        return fn(mask.unsqueeze(0)).squeeze(0)
    return fn(mask)


def _wrap_like(out, like, **kwargs):
    return _tvt.wrap(out, like=like, **kwargs)


def _box_call(fn, inpt, *args, **kwargs):
    """A _boxes kernel on a BoundingBoxes tv_tensor -> BoundingBoxes (canvas_size updated when returned)."""
    out = fn(inpt._data, *args, **kwargs)
    if isinstance(out, tuple):
        return _tvt.wrap(_B._t(out[0]), like=inpt, canvas_size=tuple(out[1]))
    return _tvt.wrap(_B._t(out), like=inpt)


def _plain_kernel(fn):
    """The public pure-tensor kernel ``name_bounding_boxes`` / ``name_keypoints`` over a _boxes kernel."""
    def kernel(inpt, *args, **kwargs):
        out = fn(_B._arr(inpt), *args, **kwargs)
        if isinstance(out, tuple):
            return _B._t(out[0]), tuple(out[1])
        return _B._t(out)
    kernel.__name__ = fn.__name__
    kernel.__qualname__ = fn.__name__
    kernel.__doc__ = fn.__doc__
    return kernel


for _name in ("horizontal_flip_bounding_boxes", "vertical_flip_bounding_boxes", "horizontal_flip_keypoints",
              "vertical_flip_keypoints", "resize_bounding_boxes", "resize_keypoints", "crop_bounding_boxes",
              "crop_keypoints", "center_crop_bounding_boxes", "center_crop_keypoints", "resized_crop_bounding_boxes",
              "resized_crop_keypoints", "pad_bounding_boxes", "pad_keypoints", "affine_bounding_boxes",
              "affine_keypoints", "rotate_bounding_boxes", "rotate_keypoints", "perspective_bounding_boxes",
              "perspective_keypoints", "elastic_bounding_boxes", "elastic_keypoints"):
    globals()[_name] = _plain_kernel(getattr(_B, _name))
del _name

_horizontal_flip_image, _vertical_flip_image = horizontal_flip, vertical_flip
_resize_image, _crop_image, _center_crop_image, _resized_crop_image = resize, crop, center_crop, resized_crop
_pad_image, _rotate_image, _affine_image = pad, rotate, affine
_perspective_image, _elastic_image = perspective, elastic
_NEAREST = InterpolationMode.NEAREST


def _dispatch(name, inpt, image, boxes, keypoints, mask, args, kwargs):
    custom = _custom_kernel(name, inpt)
    if custom is not None:
        return custom(inpt, *args, **kwargs)
    if isinstance(inpt, _tvt.BoundingBoxes):
        return boxes()
    if isinstance(inpt, _tvt.KeyPoints):
        return keypoints()
    if isinstance(inpt, _tvt.Mask):
        return _wrap_like(_mask_kernel(inpt, mask), inpt)
    if isinstance(inpt, _tvt.TVTensor) and not isinstance(inpt, (_tvt.Image, _tvt.Video)):
        # a custom tv_tensor kind with no kernel registered: passed through, as torchvision's transforms do
        return inpt
    return image(inpt, *args, **kwargs)


def horizontal_flip(inpt):
    """Mirror left-right (boxes: ``x -> W - x``; keypoints: ``x -> W - 1 - x``)."""
    return _dispatch("horizontal_flip", inpt, _horizontal_flip_image,
                     lambda: _box_call(_B.horizontal_flip_bounding_boxes, inpt, inpt.format, inpt.canvas_size),
                     lambda: _wrap_like(_B._t(_B.horizontal_flip_keypoints(inpt._data, inpt.canvas_size)), inpt),
                     _horizontal_flip_image, (), {})


def vertical_flip(inpt):
    """Mirror top-bottom (boxes: ``y -> H - y``; keypoints: ``y -> H - 1 - y``)."""
    return _dispatch("vertical_flip", inpt, _vertical_flip_image,
                     lambda: _box_call(_B.vertical_flip_bounding_boxes, inpt, inpt.format, inpt.canvas_size),
                     lambda: _wrap_like(_B._t(_B.vertical_flip_keypoints(inpt._data, inpt.canvas_size)), inpt),
                     _vertical_flip_image, (), {})


hflip, vflip = horizontal_flip, vertical_flip


def _mask_interp(interpolation):
    interpolation = _interp(interpolation)
    return interpolation if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT) \
        else _NEAREST


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (``(h, w)``, or an int: the smaller edge); boxes and keypoints are scaled by
    ``new / old`` per axis, masks use nearest-neighbour interpolation."""
    return _dispatch(
        "resize", inpt, _resize_image,
        lambda: _box_call(_B.resize_bounding_boxes, inpt, inpt.canvas_size, size, max_size, inpt.format,
                          inpt.clamping_mode),
        lambda: _box_call(_B.resize_keypoints, inpt, size, inpt.canvas_size, max_size),
        lambda m: _resize_image(m, size, _mask_interp(interpolation), max_size),
        (size, interpolation, max_size, antialias), {})


def crop(inpt, top, left, height, width):
    """The ``height x width`` region at ``(top, left)`` (boxes and keypoints shifted by ``-(left, top)``)."""
    return _dispatch(
        "crop", inpt, _crop_image,
        lambda: _box_call(_B.crop_bounding_boxes, inpt, inpt.format, top, left, height, width, inpt.clamping_mode),
        lambda: _box_call(_B.crop_keypoints, inpt, top, left, height, width),
        lambda m: _crop_image(m, top, left, height, width), (top, left, height, width), {})


def center_crop(inpt, output_size):
    return _dispatch(
        "center_crop", inpt, _center_crop_image,
        lambda: _box_call(_B.center_crop_bounding_boxes, inpt, inpt.format, inpt.canvas_size, output_size,
                          inpt.clamping_mode),
        lambda: _box_call(_B.center_crop_keypoints, inpt, inpt.canvas_size, output_size),
        lambda m: _center_crop_image(m, output_size), (output_size,), {})


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    return _dispatch(
        "resized_crop", inpt, _resized_crop_image,
        lambda: _box_call(_B.resized_crop_bounding_boxes, inpt, inpt.format, top, left, height, width, size,
                          inpt.clamping_mode),
        lambda: _box_call(_B.resized_crop_keypoints, inpt, top, left, height, width, size),
        lambda m: _resized_crop_image(m, top, left, height, width, size, _mask_interp(interpolation)),
        (top, left, height, width, size, interpolation, antialias), {})


def pad(inpt, padding, fill=None, padding_mode="constant"):
    """Pad the borders (boxes and keypoints shifted by ``(left, top)``; only ``constant`` mode for them)."""
    return _dispatch(
        "pad", inpt, _pad_image,
        lambda: _box_call(_B.pad_bounding_boxes, inpt, inpt.format, inpt.canvas_size, padding, padding_mode,
                          inpt.clamping_mode),
        lambda: _box_call(_B.pad_keypoints, inpt, inpt.canvas_size, padding, padding_mode),
        lambda m: _pad_mask_kernel(m, padding, fill, padding_mode), (padding, fill, padding_mode), {})


def _pad_mask_kernel(m, padding, fill, padding_mode):
    if isinstance(fill, (tuple, list)):
        raise ValueError("Non-scalar fill value is not supported")
    return _pad_image(m, padding, 0 if fill is None else fill, padding_mode)


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise (boxes: the box around the rotated corners)."""
    return _dispatch(
        "rotate", inpt, _rotate_image,
        lambda: _box_call(_B.rotate_bounding_boxes, inpt, inpt.format, inpt.canvas_size, angle, expand, center,
                          inpt.clamping_mode),
        lambda: _box_call(_B.rotate_keypoints, inpt, inpt.canvas_size, angle, expand, center),
        lambda m: _rotate_image(m, angle, _NEAREST, expand, center, fill),
        (angle, interpolation, expand, center, fill), {})


def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Affine warp about ``center`` (boxes: the box around the warped corners)."""
    return _dispatch(
        "affine", inpt, _affine_image,
        lambda: _box_call(_B.affine_bounding_boxes, inpt, inpt.format, inpt.canvas_size, angle, translate, scale,
                          shear, center, inpt.clamping_mode),
        lambda: _box_call(_B.affine_keypoints, inpt, inpt.canvas_size, angle, translate, scale, shear, center),
        lambda m: _affine_image(m, angle, translate, scale, shear, _NEAREST, fill, center),
        (angle, translate, scale, shear, interpolation, fill, center), {})


def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None,
                coefficients=None):
    """Perspective warp (boxes: the box around the warped corners)."""
    return _dispatch(
        "perspective", inpt, _perspective_image,
        lambda: _box_call(_B.perspective_bounding_boxes, inpt, inpt.format, inpt.canvas_size, startpoints,
                          endpoints, coefficients, inpt.clamping_mode),
        lambda: _wrap_like(_B._t(_B.perspective_keypoints(inpt._data, inpt.canvas_size, startpoints, endpoints,
                                                          coefficients)), inpt),
        lambda m: _perspective_image(m, startpoints, endpoints, _NEAREST, fill, coefficients),
        (startpoints, endpoints, interpolation, fill, coefficients), {})


def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Elastic warp by ``displacement`` ``[1, H, W, 2]`` (boxes and keypoints moved by the approximate inverse
    grid ``identity - displacement``)."""
    return _dispatch(
        "elastic", inpt, _elastic_image,
        lambda: _box_call(_B.elastic_bounding_boxes, inpt, inpt.format, inpt.canvas_size, displacement,
                          inpt.clamping_mode),
        lambda: _box_call(_B.elastic_keypoints, inpt, inpt.canvas_size, displacement),
        lambda m: _elastic_image(m, displacement, _NEAREST, fill), (displacement, interpolation, fill), {})


elastic_transform = elastic


def horizontal_flip_mask(mask):
    return _mask_kernel(mask, _horizontal_flip_image)


def vertical_flip_mask(mask):
    return _mask_kernel(mask, _vertical_flip_image)


def resize_mask(mask, size, interpolation=InterpolationMode.BILINEAR, max_size=None):
    """Nearest-neighbour resize (any other interpolation is taken as NEAREST, as torchvision does)."""
    return _mask_kernel(mask, lambda m: _resize_image(m, size, _mask_interp(interpolation), max_size))


def crop_mask(mask, top, left, height, width):
    return _mask_kernel(mask, lambda m: _crop_image(m, top, left, height, width))


def center_crop_mask(mask, output_size):
    return _mask_kernel(mask, lambda m: _center_crop_image(m, output_size))


def resized_crop_mask(mask, top, left, height, width, size):
    return _mask_kernel(mask, lambda m: _resized_crop_image(m, top, left, height, width, size, _NEAREST))


def pad_mask(mask, padding, fill=None, padding_mode="constant"):
    return _mask_kernel(mask, lambda m: _pad_mask_kernel(m, padding, fill, padding_mode))


def rotate_mask(mask, angle, expand=False, center=None, fill=0):
    return _mask_kernel(mask, lambda m: _rotate_image(m, angle, _NEAREST, expand, center, fill))


def affine_mask(mask, angle, translate, scale, shear, fill=0, center=None):
    return _mask_kernel(mask, lambda m: _affine_image(m, angle, translate, scale, shear, _NEAREST, fill, center))


def perspective_mask(mask, startpoints, endpoints, fill=0, coefficients=None):
    return _mask_kernel(mask, lambda m: _perspective_image(m, startpoints, endpoints, _NEAREST, fill, coefficients))


def elastic_mask(mask, displacement, fill=0):
    return _mask_kernel(mask, lambda m: _elastic_image(m, displacement, _NEAREST, fill))


# --------------------------------------------------------------------------- box and keypoint metadata ops
def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Boxes re-expressed in ``new_format`` (pure tensors need ``old_format``)."""
    if new_format is None:
        raise TypeError("convert_bounding_box_format() missing 1 required argument: 'new_format'")
    if isinstance(old_format, str):
        old_format = _tvt.BoundingBoxFormat[old_format.upper()]
    if isinstance(new_format, str):
        new_format = _tvt.BoundingBoxFormat[new_format.upper()]
    if is_pure_tensor(inpt):
        if old_format is None:
            raise ValueError("For pure tensor inputs, `old_format` has to be passed.")
        out = _B._convert(inpt._data, old_format, new_format)
        if inplace and out.shape == inpt._data.shape:
            inpt._data[...] = out
            return inpt
        return _B._t(out)
    if isinstance(inpt, _tvt.BoundingBoxes):
        if old_format is not None:
            raise ValueError("For bounding box tv_tensor inputs, `old_format` must not be passed.")
        return _tvt.wrap(_B._t(_B._convert(inpt._data, inpt.format, new_format)), like=inpt, format=new_format)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Boxes clamped to ``[0, W] x [0, H]`` (``clamping_mode="auto"``: the boxes' own mode; ``None``: unchanged)."""
    if clamping_mode is not None and clamping_mode not in ("soft", "hard", "auto"):
        raise ValueError(f"clamping_mode must be soft, hard, auto or None, got {clamping_mode}")
    if is_pure_tensor(inpt):
        if format is None or canvas_size is None or (clamping_mode is not None and clamping_mode == "auto"):
            raise ValueError("For pure tensor inputs, `format`, `canvas_size` and `clamping_mode` have to be passed.")
        if isinstance(format, str):
            format = _tvt.BoundingBoxFormat[format.upper()]
        return _B._t(_B._clamp(inpt._data, format, canvas_size, clamping_mode))
    if isinstance(inpt, _tvt.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` must not be passed.")
        if clamping_mode == "auto":
            clamping_mode = inpt.clamping_mode
        return _tvt.wrap(_B._t(_B._clamp(inpt._data, inpt.format, inpt.canvas_size, clamping_mode)), like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def clamp_keypoints(inpt, canvas_size=None):
    """Keypoints clamped to ``[0, W - 1] x [0, H - 1]``."""
    if is_pure_tensor(inpt):
        if canvas_size is None:
            raise ValueError("For pure tensor inputs, `canvas_size` has to be passed.")
        return _B._t(_B._clamp_keypoints(inpt._data, canvas_size))
    if isinstance(inpt, _tvt.KeyPoints):
        if canvas_size is not None:
            raise ValueError("For keypoints tv_tensor inputs, `canvas_size` must not be passed.")
        return _tvt.wrap(_B._t(_B._clamp_keypoints(inpt._data, inpt.canvas_size)), like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a keypoints tv_tensor, but got {type(inpt)} instead.")


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0, min_area=1.0):
    """``(valid boxes, mask)``: drops boxes with a side < ``min_size``, area < ``min_area`` or a corner outside
    the canvas."""
    if is_pure_tensor(bounding_boxes):
        if format is None or canvas_size is None:
            raise ValueError("format and canvas_size cannot be None if bounding_boxes is a pure tensor. "
                             f"Got format={format} and canvas_size={canvas_size}.Set those to appropriate values or "
                             "pass bounding_boxes as a tv_tensors.BoundingBoxes object.")
        valid = _B._sanitize_boxes_valid(bounding_boxes._data, format, canvas_size, min_size, min_area)
        return _B._t(bounding_boxes._data[valid]), _B._t(valid)
    if not isinstance(bounding_boxes, _tvt.BoundingBoxes):
        raise ValueError("bounding_boxes must be a tv_tensors.BoundingBoxes instance or a pure tensor.")
    if format is not None or canvas_size is not None:
        raise ValueError("format and canvas_size must be None when bounding_boxes is a tv_tensors.BoundingBoxes "
                         f"instance. Got format={format} and canvas_size={canvas_size}. Leave those to None or pass "
                         "bounding_boxes as a pure tensor.")
    valid = _B._sanitize_boxes_valid(bounding_boxes._data, bounding_boxes.format, bounding_boxes.canvas_size,
                                     min_size, min_area)
    return _tvt.wrap(_B._t(bounding_boxes._data[valid]), like=bounding_boxes), _B._t(valid)


def sanitize_keypoints(key_points, canvas_size=None):
    """``(valid keypoints, mask)``: drops points (or whole groups ``[N, ..., 2]``) outside the canvas."""
    if is_pure_tensor(key_points):
        if canvas_size is None:
            raise ValueError("canvas_size cannot be None if key_points is a pure tensor. Set it to an appropriate "
                             "value or pass key_points as a tv_tensors.KeyPoints object.")
        valid = _B._sanitize_keypoints_valid(key_points._data, canvas_size)
        return _B._t(key_points._data[valid]), _B._t(valid)
    if not isinstance(key_points, _tvt.KeyPoints):
        raise ValueError("key_points must be a tv_tensors.KeyPoints instance or a pure tensor.")
    if canvas_size is not None:
        raise ValueError("canvas_size must be None when key_points is a tv_tensors.KeyPoints instance. Got "
                         f"canvas_size={canvas_size}. Leave it to None or pass key_points as a pure tensor.")
    valid = _B._sanitize_keypoints_valid(key_points._data, key_points.canvas_size)
    return _tvt.wrap(_B._t(key_points._data[valid]), like=key_points), _B._t(valid)


# --------------------------------------------------------------------------- sizes of every kind
_get_size_image = get_size


def get_size(inpt):
    """``[height, width]`` (boxes and keypoints: their ``canvas_size``)."""
    if isinstance(inpt, (_tvt.BoundingBoxes, _tvt.KeyPoints)):
        return list(inpt.canvas_size)
    if isinstance(inpt, _tvt.Mask):
        return list(inpt.shape[-2:])
    return _get_size_image(inpt)


def get_size_image(image):
    return _get_size_image(image)


def get_size_video(video):
    return _get_size_image(video)


def get_size_mask(mask):
    return list(mask.shape[-2:])


def get_size_bounding_boxes(bounding_box):
    return list(bounding_box.canvas_size)


def get_size_keypoints(keypoints):
    return list(keypoints.canvas_size)


def get_num_frames(inpt):
    """The number of frames ``T`` of a video ``[..., T, C, H, W]``."""
    if isinstance(inpt, _Tensor) and not isinstance(inpt, _tvt.TVTensor) or isinstance(inpt, _tvt.Video):
        return inpt.shape[-4]
    raise TypeError(f"Functional F.get_num_frames supports inputs of type Tensor and Video, but got {type(inpt)} "
                    f"instead.")


get_num_frames_video = get_num_frames


def uniform_temporal_subsample(inpt, num_samples):
    """``num_samples`` frames at ``linspace(0, T - 1, num_samples)`` (truncated) along the time axis ``-4``."""
    t_max = inpt.shape[-4] - 1
    idx = _xp.linspace(0, t_max, num_samples, dtype=_xp.float32).astype(_xp.int64)
    return _rewrap(inpt, _make(_xp.ascontiguousarray(_xp.take(inpt._data, idx, axis=-4))))


uniform_temporal_subsample_video = uniform_temporal_subsample


def jpeg(image, quality):
    """JPEG-compress at ``quality`` (1..100) and decode again, through Pillow's libjpeg (tensors: each
    ``[C, H, W]`` uint8 image in turn; torchvision uses its own libjpeg build for tensors, so bytes may differ)."""
    import io
    from PIL import Image as _PIL
    if isinstance(image, (_tvt.BoundingBoxes, _tvt.KeyPoints, _tvt.Mask)):
        raise TypeError(f"Functional F.jpeg supports inputs of type Tensor, Image, Video and PIL images, but got "
                        f"{type(image)} instead.")
    if _F_pil.is_pil(image):
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=quality)
        return _PIL.open(buf).copy()
    a = image._data
    if a.dtype != _xp.uint8:
        raise TypeError(f"Input tensor dtype should be uint8, got {image.dtype}.")
    if a.shape[-3] not in (1, 3):
        raise ValueError(f"The number of channels should be 1 or 3, got: {a.shape[-3]}")
    flat = a.reshape((-1,) + a.shape[-3:])
    out = _xp.empty_like(flat)
    for i in range(flat.shape[0]):
        hwc = _xp.ascontiguousarray(flat[i].transpose(1, 2, 0))
        pil = _PIL.fromarray(hwc[..., 0] if hwc.shape[-1] == 1 else hwc)
        buf = io.BytesIO()
        pil.save(buf, format="JPEG", quality=quality)
        dec = _xp.asarray(_PIL.open(buf))
        out[i] = dec[None] if dec.ndim == 2 else dec.transpose(2, 0, 1)
    return _rewrap(image, _make(out.reshape(a.shape)))


jpeg_image = jpeg_video = jpeg


# --------------------------------------------------------------------------- per-kind kernel names
# torchvision's ``<op>_image`` / ``<op>_video`` kernels take a plain tensor; the functionals above already do
# exactly that for tensors, so the kernel names are the same functions.
for _name in ("adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
              "adjust_sharpness", "affine", "autocontrast", "center_crop", "crop", "elastic", "equalize", "erase",
              "five_crop", "gaussian_blur", "gaussian_noise", "get_dimensions", "get_num_channels",
              "horizontal_flip", "invert", "normalize", "pad", "permute_channels", "perspective", "posterize",
              "resize", "resized_crop", "rotate", "solarize", "ten_crop", "to_dtype", "vertical_flip"):
    globals()[_name + "_image"] = globals()[_name]
    globals()[_name + "_video"] = globals()[_name]
del _name
grayscale_to_rgb_image = grayscale_to_rgb
rgb_to_grayscale_image = rgb_to_grayscale
get_size_image = get_size_image

__all__ = sorted(_k for _k, _v in globals().items() if not _k.startswith("_") and callable(_v))
