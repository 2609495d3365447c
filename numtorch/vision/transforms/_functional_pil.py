"""PIL-image kernels: Pillow does the work (the operations torchvision's PIL backend calls), so results are
Pillow's own, bit for bit. Pillow is optional (``pip install numtorch[images]``) and imported lazily."""
import numbers

from ..._backend import xp


def Image():
    try:
        from PIL import Image as _Image
    except ImportError:  # pragma: no cover - Pillow is in the test extra
        raise ImportError("PIL images need Pillow: pip install numtorch[images]") from None
    return _Image


def is_pil(img):
    try:
        from PIL import Image as _Image
    except ImportError:
        return False
    return isinstance(img, _Image.Image)


def _check(img):
    if not is_pil(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def num_channels(img):
    return len(img.getbands())


def get_dimensions(img):
    if is_pil(img):
        return [num_channels(img), img.height, img.width]
    raise TypeError(f"Unexpected type {type(img)}")


def hflip(img):
    _check(img)
    return img.transpose(Image().FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(Image().FLIP_TOP_BOTTOM)


def _enhance(name, img, factor):
    _check(img)
    from PIL import ImageEnhance
    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, f):
    return _enhance("Brightness", img, f)


def adjust_contrast(img, f):
    return _enhance("Contrast", img, f)


def adjust_saturation(img, f):
    return _enhance("Color", img, f)


def adjust_sharpness(img, f):
    return _enhance("Sharpness", img, f)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    mode = img.mode
    if mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    hh = xp.array(h, dtype=xp.uint8)
    hh += xp.int32(hue_factor * 255).astype(xp.uint8)   # uint8 wrap-around is the hue's circle
    I = Image()
    return I.merge("HSV", (fromarray(hh, "L"), s, v)).convert(mode)


def adjust_gamma(img, gamma, gain=1.0):
    _check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    mode = img.mode
    lut = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
    return img.convert("RGB").point(lut).convert(mode)


def parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill argument: one value per band, integers unless the image is float ("F")."""
    n = num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and n > 1:
        fill = tuple([fill] * n)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * n
        elif len(fill) != n:
            raise ValueError("The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {n})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    from PIL import ImageOps
    if padding_mode == "constant":
        opts = parse_fill(fill, img, name="fill")
        if img.mode == "P":
            palette = img.getpalette()
            out = ImageOps.expand(img, border=padding, **opts)
            out.putpalette(palette)
            return out
        return ImageOps.expand(img, border=padding, **opts)
    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)
    cut = [max(-v, 0) for v in p]
    if any(cut):
        img = img.crop((cut[0], cut[1], img.width - cut[2], img.height - cut[3]))
    left, top, right, bottom = [max(v, 0) for v in p]
    a = xp.asarray(img)
    widths = [(top, bottom), (left, right)] + [(0, 0)] * (a.ndim - 2)
    out = Image().fromarray(xp.pad(a, widths, mode=padding_mode))
    if img.mode == "P":
        out.putpalette(img.getpalette())
    return out


def crop(img, top, left, height, width):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation):
    _check(img)
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix, interpolation, fill=None):
    _check(img)
    return img.transform(img.size, Image().AFFINE, matrix, interpolation, **parse_fill(fill, img))


def rotate(img, angle, interpolation, expand=False, center=None, fill=None):
    _check(img)
    return img.rotate(angle, interpolation, expand, center, **parse_fill(fill, img))


def perspective(img, coeffs, interpolation, fill=None):
    _check(img)
    return img.transform(img.size, Image().PERSPECTIVE, coeffs, interpolation, **parse_fill(fill, img))


def to_grayscale(img, num_output_channels):
    _check(img)
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        g = xp.array(img.convert("L"), dtype=xp.uint8)
        return fromarray(xp.dstack([g, g, g]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


def _ops(name, img, *args):
    _check(img)
    from PIL import ImageOps
    return getattr(ImageOps, name)(img, *args)


def invert(img):
    return _ops("invert", img)


def posterize(img, bits):
    return _ops("posterize", img, bits)


def solarize(img, threshold):
    return _ops("solarize", img, threshold)


def autocontrast(img):
    return _ops("autocontrast", img)


def equalize(img):
    return _ops("equalize", img)


def fromarray(arr, mode):
    """An image of ``mode`` read from the raw bytes of ``arr`` (Pillow >= 11.3 no longer lets
    ``fromarray`` reinterpret data in a given mode; ``frombuffer`` still does)."""
    arr = xp.ascontiguousarray(arr)
    return Image().frombuffer(mode, (arr.shape[1], arr.shape[0]), arr.tobytes(), "raw", mode, 0, 1)
