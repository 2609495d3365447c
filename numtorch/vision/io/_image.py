"""Image files as tensors, decoded and encoded by Pillow.

Decoded images are ``(C, H, W)`` uint8 (a 16-bit greyscale image: uint16, as torchvision; 32-bit ones raise); ``C`` follows the file (1 grey, 2 grey +
alpha, 3 RGB, 4 RGBA; palette images are expanded to RGB(A)) unless ``mode`` asks for a conversion.
"""
import io as _io
import os
from enum import Enum

from ..._backend import xp
from ..._tensor import Tensor, _make

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "decode_gif", "decode_webp", "encode_jpeg",
           "encode_png", "read_file", "read_image", "write_file", "write_jpeg", "write_png"]


class ImageReadMode(Enum):
    """Conversion applied while decoding: UNCHANGED, GRAY, GRAY_ALPHA, RGB, RGB_ALPHA (alias RGBA)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


def _pil():
    try:
        from PIL import Image, ImageOps
    except ImportError:
        raise ImportError("numtorch.vision.io decodes and encodes images with Pillow: pip install numtorch[images] "
                          "(or pip install pillow)") from None
    return Image, ImageOps


def _mode(mode):
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f"mode should be an ImageReadMode or a str, got {type(mode)}")
    return mode


# ---------------------------------------------------------------------------------------------------- files
def read_file(path):
    """The bytes of a file as a 1-D uint8 tensor."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    return _make(xp.frombuffer(data, dtype=xp.uint8).copy())


def write_file(filename, data):
    """Write a 1-D uint8 tensor's bytes to ``filename``."""
    a = data._data
    if a.dtype != xp.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if a.ndim != 1:
        raise RuntimeError("Input data should be a 1-dimensional tensor")
    with open(os.fspath(filename), "wb") as f:
        f.write(a.tobytes())


# ---------------------------------------------------------------------------------------------------- decoding
def _bytes(input):
    if not isinstance(input, Tensor):
        raise TypeError(f"Expected a tensor of encoded bytes, got {type(input)}")
    a = input._data
    if a.dtype != xp.uint8:
        raise RuntimeError(f"Expected a torch.uint8 tensor, got {input.dtype}")
    if a.ndim != 1 or a.size == 0:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    return a.tobytes()


def _to_tensor(img, mode, apply_exif_orientation):
    """A Pillow image as ``(C, H, W)``, converted to ``mode``."""
    Image, ImageOps = _pil()
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (img.mode == "P" and "transparency" in img.info)
    if mode == ImageReadMode.UNCHANGED:
        if img.mode in ("I;16", "I;16B", "I;16L"):   # 16-bit greyscale: uint16 in [0, 65535], as torchvision
            return _make(xp.ascontiguousarray(xp.asarray(img).astype(xp.uint16)[None]))
        if img.mode in ("I", "F"):
            raise RuntimeError(f"decoding a 32-bit image (Pillow mode {img.mode}) is not supported by numtorch "
                               f"(torchvision decodes 8- and 16-bit images); pass mode=ImageReadMode.GRAY for 8 bits")
        if img.mode == "1":
            img = img.convert("L")
        elif img.mode == "P":
            img = img.convert("RGBA" if has_alpha else "RGB")
        elif img.mode in ("CMYK", "YCbCr", "HSV", "LAB"):
            img = img.convert("RGB")
        elif img.mode == "PA":
            img = img.convert("RGBA")
        elif img.mode not in ("L", "LA", "RGB", "RGBA"):
            img = img.convert("RGBA" if has_alpha else "RGB")
    else:
        target = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
                  ImageReadMode.RGB_ALPHA: "RGBA"}[mode]
        if img.mode != target:
            img = img.convert(target)
    arr = xp.asarray(img)
    arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
    return _make(xp.ascontiguousarray(arr))


def _open(data, kind=None):
    Image = _pil()[0]
    try:
        img = Image.open(_io.BytesIO(data))
        img.load()
    except Exception as e:
        raise RuntimeError(f"Could not decode the {kind or 'image'} data: {e}") from None
    if kind is not None and img.format != kind.upper():
        raise RuntimeError(f"Expected a {kind.upper()} image, got a {img.format} image")
    return img


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode an encoded image (a uint8 tensor of its bytes, or a path) into ``(C, H, W)``."""
    if not isinstance(input, Tensor):
        input = read_file(str(input))
    return _to_tensor(_open(_bytes(input)), _mode(mode), apply_exif_orientation)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """``decode_image(read_file(path))``."""
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG bytes into ``(C, H, W)`` uint8 (16-bit PNGs raise unless converted by ``mode``)."""
    return _to_tensor(_open(_bytes(input), "png"), _mode(mode), apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """Decode JPEG bytes (or a list of them) into ``(C, H, W)`` uint8 tensor(s); CPU only."""
    if str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(f"decode_jpeg: numtorch decodes on the CPU only, got device={device!r}")
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    return _to_tensor(_open(_bytes(input), "jpeg"), _mode(mode), apply_exif_orientation)


def decode_gif(input):
    """Decode a GIF into ``(C, H, W)`` (one frame) or ``(N, C, H, W)`` (animated), RGB uint8."""
    img = _open(_bytes(input), "gif")
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(_to_tensor(img.convert("RGB"), ImageReadMode.UNCHANGED, False)._data)
    return _make(frames[0] if len(frames) == 1 else xp.stack(frames))


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    """Decode WebP bytes into ``(C, H, W)`` uint8 (RGB, or RGBA with ``mode=RGB_ALPHA`` / an alpha channel)."""
    mode = _mode(mode)
    if mode not in (ImageReadMode.UNCHANGED, ImageReadMode.RGB, ImageReadMode.RGB_ALPHA):
        raise RuntimeError(f"Unsupported mode {mode} for WebP decoding")
    return _to_tensor(_open(_bytes(input), "webp"), mode, False)


# ---------------------------------------------------------------------------------------------------- encoding
def _image_from(input, what):
    Image = _pil()[0]
    a = input._data
    if a.dtype != xp.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, got {a.ndim} dims")
    c = a.shape[0]
    modes = {1: "L", 3: "RGB"} if what == "jpeg" else {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}
    if c not in modes:
        raise RuntimeError(f"The number of channels should be {' or '.join(str(k) for k in modes)}, got: {c}")
    hwc = xp.ascontiguousarray(a[0] if c == 1 else a.transpose(1, 2, 0))
    return Image.fromarray(hwc, mode=modes[c]) if c != 1 else Image.fromarray(hwc)


def encode_png(input, compression_level=6):
    """PNG bytes (1-D uint8 tensor) of a ``(C, H, W)`` uint8 image, C in 1..4; ``compression_level`` 0..9."""
    if compression_level < 0 or compression_level > 9:
        raise RuntimeError(f"Compression level should be between 0 and 9, got {compression_level}")
    buf = _io.BytesIO()
    _image_from(input, "png").save(buf, format="PNG", compress_level=compression_level)
    return _make(xp.frombuffer(buf.getvalue(), dtype=xp.uint8).copy())


def encode_jpeg(input, quality=75):
    """JPEG bytes (1-D uint8 tensor) of a ``(C, H, W)`` uint8 image (C = 1 or 3), or a list of them."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is passed")
        return [encode_jpeg(t, quality) for t in input]
    buf = _io.BytesIO()
    _image_from(input, "jpeg").save(buf, format="JPEG", quality=quality)
    return _make(xp.frombuffer(buf.getvalue(), dtype=xp.uint8).copy())


def write_png(input, filename, compression_level=6):
    """``write_file(filename, encode_png(input, compression_level))``."""
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input, filename, quality=75):
    """``write_file(filename, encode_jpeg(input, quality))``."""
    write_file(filename, encode_jpeg(input, quality))
