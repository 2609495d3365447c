"""``torchvision.io`` (images): read/write files and decode/encode PNG and JPEG through Pillow (the ``images``
extra), as ``(C, H, W)`` uint8 tensors. Video and the AVIF/HEIC decoders are not provided."""
from ._image import (ImageReadMode, decode_image, decode_jpeg, decode_png, decode_gif, decode_webp, encode_jpeg,
                     encode_png, read_file, read_image, write_file, write_jpeg, write_png)

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "decode_gif", "decode_webp", "encode_jpeg",
           "encode_png", "read_file", "read_image", "write_file", "write_jpeg", "write_png"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"numtorch has no attribute 'torchvision.io.{name}'")
