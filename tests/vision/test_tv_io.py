"""numtorch.vision.io (Pillow-backed) against Pillow's own decoding: torchvision's compiled image decoders do not
load against this torch, so PNG must be pixel-exact to the file's content and JPEG equal to Pillow's decode."""
import io

import numpy as np
import pytest
from PIL import Image

import numtorch as nt
from numtorch.vision import io as tio


def _png_bytes(arr, mode=None, **kw):
    buf = io.BytesIO()
    (Image.fromarray(arr, mode=mode) if mode else Image.fromarray(arr)).save(buf, format="PNG", **kw)
    return buf.getvalue()


def _chw(a):
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_png_roundtrip_exact(tmp_path, channels):
    rng = np.random.default_rng(channels)
    hwc = rng.integers(0, 256, (7, 9, channels), dtype=np.uint8)
    arr = hwc[..., 0] if channels == 1 else hwc
    mode = {1: None, 2: "LA", 3: None, 4: None}[channels]
    path = tmp_path / "x.png"
    path.write_bytes(_png_bytes(arr, mode))
    img = tio.read_image(str(path))
    assert img.dtype == nt.uint8 and tuple(img.shape) == (channels, 7, 9)
    assert np.array_equal(img.numpy(), _chw(arr))
    data = tio.read_file(str(path))
    assert data.dtype == nt.uint8 and data.dim() == 1 and data.numpy().tobytes() == path.read_bytes()
    assert np.array_equal(tio.decode_png(data).numpy(), _chw(arr))
    assert np.array_equal(tio.decode_image(data).numpy(), _chw(arr))
    assert np.array_equal(tio.decode_image(str(path)).numpy(), _chw(arr))
    # our encoder: decodes back to the same pixels, with Pillow too
    enc = tio.encode_png(img, compression_level=9)
    assert enc.dtype == nt.uint8
    assert np.array_equal(tio.decode_png(enc).numpy(), _chw(arr))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(enc.numpy().tobytes()))), arr)
    tio.write_png(img, str(tmp_path / "y.png"), compression_level=0)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "y.png")), arr)


@pytest.mark.parametrize("mode,pil", [("GRAY", "L"), ("GRAY_ALPHA", "LA"), ("RGB", "RGB"), ("RGB_ALPHA", "RGBA"),
                                      ("RGBA", "RGBA")])
def test_decode_modes_match_pillow_conversion(mode, pil):
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, (5, 6, 4), dtype=np.uint8)
    for src in (rgba, rgba[..., :3], rgba[..., 0]):
        data = nt.tensor(np.frombuffer(_png_bytes(src), dtype=np.uint8).copy())
        want = np.asarray(Image.fromarray(src).convert(pil))
        for m in (getattr(tio.ImageReadMode, mode), mode.lower()):
            assert np.array_equal(tio.decode_png(data, mode=m).numpy(), _chw(want))


def test_palette_and_16bit_png():
    rng = np.random.default_rng(1)
    idx = rng.integers(0, 4, (6, 5), dtype=np.uint8)
    im = Image.fromarray(idx, mode="P")
    im.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9])
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    got = tio.decode_png(nt.tensor(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy()))
    assert np.array_equal(got.numpy(), _chw(np.asarray(im.convert("RGB"))))
    a16 = rng.integers(0, 65536, (4, 3)).astype(np.uint16)
    buf = io.BytesIO()
    Image.fromarray(a16).save(buf, format="PNG")
    data = nt.tensor(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())
    got16 = tio.decode_png(data)   # torchvision (0.21+) gives the 16-bit values as uint16, (1, H, W)
    assert got16.dtype is nt.uint16 and got16.shape == (1, 4, 3) and np.array_equal(got16.numpy()[0], a16)
    want = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    assert np.array_equal(tio.decode_png(data, mode="GRAY").numpy()[0], want)


@pytest.mark.parametrize("quality", [20, 75, 95])
def test_jpeg_matches_pillow(tmp_path, quality):
    rng = np.random.default_rng(quality)
    ii, jj = np.mgrid[0:16, 0:24]
    x = np.stack([ii * 8 + jj * 2, 200 - jj * 5 + ii, 60 + ii * 4 + jj * 4]) + rng.integers(0, 3, (3, 16, 24))
    x = np.clip(x, 0, 255).astype(np.uint8)
    enc = tio.encode_jpeg(nt.tensor(x), quality=quality)
    raw = enc.numpy().tobytes()
    assert raw[:2] == b"\xff\xd8"
    pil = Image.open(io.BytesIO(raw))
    assert pil.format == "JPEG"
    dec = tio.decode_jpeg(enc)
    assert np.array_equal(dec.numpy(), _chw(np.asarray(pil)))
    # lossy, but close to the source
    assert np.abs(dec.numpy().astype(int) - x).mean() < 8
    buf = io.BytesIO()
    Image.fromarray(x.transpose(1, 2, 0)).save(buf, format="JPEG", quality=quality)
    assert raw == buf.getvalue()     # the same encoder and settings as Pillow's default
    assert np.array_equal(tio.decode_jpeg(enc, mode="GRAY").numpy(), _chw(np.asarray(pil.convert("L"))))
    tio.write_jpeg(nt.tensor(x), str(tmp_path / "a.jpg"), quality=quality)
    assert (tmp_path / "a.jpg").read_bytes() == raw
    both = tio.decode_jpeg([enc, enc])
    assert isinstance(both, list) and len(both) == 2 and np.array_equal(both[1].numpy(), dec.numpy())
    assert len(tio.encode_jpeg([nt.tensor(x), nt.tensor(x[:1])])) == 2
    g = tio.encode_jpeg(nt.tensor(x[:1]))
    assert tuple(tio.decode_image(g).shape) == (1, 16, 24)


def test_exif_orientation():
    x = np.zeros((4, 6, 3), dtype=np.uint8)
    x[0, 0] = 255
    im = Image.fromarray(x)
    exif = Image.Exif()
    exif[0x0112] = 6      # rotate 90 degrees clockwise on display
    buf = io.BytesIO()
    im.save(buf, format="PNG", exif=exif)
    data = nt.tensor(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())
    plain = tio.decode_image(data)
    assert tuple(plain.shape) == (3, 4, 6)
    from PIL import ImageOps
    want = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue()))))
    rot = tio.decode_image(data, apply_exif_orientation=True)
    assert tuple(rot.shape) == (3, 6, 4) and np.array_equal(rot.numpy(), _chw(want))


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="quality should be a positive number between 1 and 100"):
        tio.encode_jpeg(nt.zeros(3, 4, 4, dtype=nt.uint8), quality=0)
    with pytest.raises(RuntimeError, match="dtype should be uint8"):
        tio.encode_png(nt.zeros(3, 4, 4))
    with pytest.raises(RuntimeError, match="number of channels"):
        tio.encode_jpeg(nt.zeros(4, 4, 4, dtype=nt.uint8))
    with pytest.raises(RuntimeError, match="Expected a PNG image"):
        tio.decode_png(tio.encode_jpeg(nt.zeros(3, 4, 4, dtype=nt.uint8)))
    with pytest.raises(RuntimeError, match="Could not decode"):
        tio.decode_image(nt.tensor([1, 2, 3], dtype=nt.uint8))
    with pytest.raises(KeyError):
        tio.decode_image(tio.encode_png(nt.zeros(3, 2, 2, dtype=nt.uint8)), mode="CMYK")
    with pytest.raises(ValueError, match="at least one element"):
        tio.decode_jpeg([])
    with pytest.raises(AttributeError, match="torchvision.io.read_video"):
        tio.read_video
    tio.write_file(str(tmp_path / "b.bin"), nt.tensor([1, 2, 250], dtype=nt.uint8))
    assert (tmp_path / "b.bin").read_bytes() == bytes([1, 2, 250])
    assert tio.ImageReadMode.RGBA is tio.ImageReadMode.RGB_ALPHA and tio.ImageReadMode.RGB.value == 3


def test_all_is_torchvisions_image_part():
    """Every name numtorch.vision.io exports is torchvision.io's; the missing ones are the AVIF/HEIC decoders
    (and video), which raise naming the torchvision attribute."""
    from conftest import import_torchvision
    tv = import_torchvision()
    assert set(tio.__all__) <= set(tv.io.__all__)
    assert set(tv.io.__all__) - set(tio.__all__) == {"decode_avif", "decode_heic"}
    with pytest.raises(AttributeError, match="torchvision.io.decode_avif"):
        tio.decode_avif
