"""numtorch.vision.transforms.functional against real torchvision 0.28 (the oracle), entry by entry.

PIL images go through Pillow on both sides: results must be identical. Tensor images (uint8 and float32,
single and batched) go through numtorch's NumPy kernels: float results agree to float32 rounding; integer
results are rounded or truncated from float32 work, so a value exactly at a rounding edge may land one step
apart (at most 1 and on a small fraction of pixels, checked)."""
import numpy as np
import pytest

from conftest import torch, import_torchvision
import numtorch as nt
from numtorch.vision.transforms import functional as F

tv = import_torchvision()
TF = tv.transforms.functional
Image = pytest.importorskip("PIL.Image")

RNG = np.random.default_rng(1234)
U8 = RNG.integers(0, 256, (2, 3, 13, 17), dtype=np.uint8)
F32 = RNG.random((2, 3, 13, 17), dtype=np.float32)
IMAGES = {"u8": U8[0], "f32": F32[0], "u8batch": U8, "f32batch": F32}
PIL_RGB = Image.fromarray(np.ascontiguousarray(U8[0].transpose(1, 2, 0)))
PIL_L = Image.fromarray(U8[1, 0])


def _np(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def check_tensor(got, want, int_frac=0.01, atol=2e-6):
    """Shape and dtype equal; floats within float32 rounding; integers at most 1 apart on few pixels."""
    g, w = _np(got), _np(want)
    assert g.shape == w.shape, f"shape {g.shape} != {w.shape}"
    assert str(g.dtype) == str(w.dtype), f"dtype {g.dtype} != {w.dtype}"
    if g.dtype.kind in "iu":
        d = np.abs(g.astype(np.int64) - w.astype(np.int64))
        assert d.max() <= 1, f"integer images differ by {d.max()}"
        assert (d > 0).mean() <= int_frac, f"{(d > 0).mean():.3%} of pixels differ"
    else:
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=atol)


def check_pil(got, want):
    assert got.mode == want.mode and got.size == want.size
    assert np.array_equal(np.asarray(got), np.asarray(want))


def both(name, *args, images=IMAGES, int_frac=0.01, atol=2e-6, **kw):
    """Call F.<name> and TF.<name> on every tensor image kind (translating tensor arguments)."""
    for key, x in images.items():
        got = getattr(F, name)(nt.from_numpy(x.copy()), *args, **kw)
        want = getattr(TF, name)(torch.from_numpy(x.copy()), *_tv_args(args), **_tv_kw(kw))
        if isinstance(want, tuple):
            for g, w in zip(got, want):
                check_tensor(g, w, int_frac, atol)
        else:
            check_tensor(got, want, int_frac, atol)


def _tv(v):
    if isinstance(v, F.InterpolationMode):
        return tv.transforms.InterpolationMode(v.value)
    if isinstance(v, nt.Tensor):
        return torch.from_numpy(v.numpy().copy())
    return v


def _tv_args(args):
    return [_tv(a) for a in args]


def _tv_kw(kw):
    return {k: _tv(v) for k, v in kw.items()}


def both_pil(name, *args, **kw):
    for img in (PIL_RGB, PIL_L):
        got = getattr(F, name)(img, *args, **kw)
        want = getattr(TF, name)(img, *_tv_args(args), **_tv_kw(kw))
        if isinstance(want, tuple):
            assert len(got) == len(want)
            for g, w in zip(got, want):
                check_pil(g, w)
        else:
            check_pil(got, want)


COLOR = [("adjust_brightness", (1.3,)), ("adjust_brightness", (0.4,)), ("adjust_contrast", (0.6,)),
         ("adjust_contrast", (1.8,)), ("adjust_saturation", (1.7,)), ("adjust_saturation", (0.3,)),
         ("adjust_hue", (0.2,)), ("adjust_hue", (-0.45,)), ("adjust_gamma", (0.7, 1.1)), ("adjust_gamma", (2.2,)),
         ("adjust_sharpness", (1.8,)), ("adjust_sharpness", (0.2,)), ("invert", ()), ("autocontrast", ()),
         ("rgb_to_grayscale", ()), ("rgb_to_grayscale", (3,)), ("hflip", ()), ("vflip", ())]


@pytest.mark.parametrize("name,args", COLOR, ids=[f"{n}{a}" for n, a in COLOR])
def test_color_and_flip_ops_on_tensors_and_pil(name, args):
    both(name, *args)
    both_pil(name, *args)


def test_uint8_only_ops():
    u8 = {"u8": U8[0], "u8batch": U8}
    both("posterize", 3, images=u8)
    both("posterize", 0, images=u8)
    both("equalize", images=u8)
    both("solarize", 128, images=u8)
    both("solarize", 0.5, images={"f32": F32[0]})
    for name, args in [("posterize", (3,)), ("equalize", ()), ("solarize", (100,)), ("to_grayscale", (1,)),
                       ("to_grayscale", (3,))]:
        both_pil(name, *args)
    with pytest.raises(TypeError, match="Only torch.uint8"):
        F.posterize(nt.from_numpy(F32[0]), 3)
    with pytest.raises(TypeError, match="Only torch.uint8"):
        F.equalize(nt.from_numpy(F32[0]))


def test_equalize_flat_channel_is_left_alone():
    x = np.full((3, 5, 6), 77, np.uint8)
    x[1, 0, 0] = 3
    check_tensor(F.equalize(nt.from_numpy(x)), TF.equalize(torch.from_numpy(x.copy())), int_frac=0)


RESIZE = [((8, 10), "bilinear"), ((30, 40), "bilinear"), ((7, 50), "bicubic"), ((20, 9), "bicubic"),
          ((5, 23), "nearest"), ((26, 34), "nearest"), ((9, 11), "nearest-exact"), (6, "bilinear")]


@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size,mode", RESIZE, ids=[f"{s}-{m}" for s, m in RESIZE])
def test_resize_tensor_matches_torchvision(size, mode, antialias):
    both("resize", size, F.InterpolationMode(mode), antialias=antialias)


def test_resize_antialias_is_the_default_and_matters():
    # downscaling noise 3x: without the filter bilinear reads 2 of every 3 pixels, with it all of them
    x = F32[0]
    got = F.resize(nt.from_numpy(x), [4, 5])
    check_tensor(got, TF.resize(torch.from_numpy(x.copy()), [4, 5]))
    no_aa = F.resize(nt.from_numpy(x), [4, 5], antialias=False)
    check_tensor(no_aa, TF.resize(torch.from_numpy(x.copy()), [4, 5], antialias=False))
    assert np.abs(_np(got) - _np(no_aa)).max() > 0.1


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "lanczos", "box", "hamming"])
def test_resize_pil_is_pillows(mode):
    both_pil("resize", [8, 30], F.InterpolationMode(mode))
    both_pil("resize", 9, F.InterpolationMode(mode), max_size=12)


def test_resize_size_rules():
    x = nt.zeros(3, 20, 10)
    assert F.resize(x, 5).shape == (3, 10, 5)
    assert F.resize(x, [5]).shape == (3, 10, 5)
    assert F.resize(x, 5, max_size=8).shape == (3, 8, 4)
    assert F.resize(x, [20, 10]) is x
    with pytest.raises(ValueError, match="max_size should only be passed"):
        F.resize(x, [5, 5], max_size=8)
    with pytest.raises(ValueError, match="must be strictly greater"):
        F.resize(x, 5, max_size=5)
    with pytest.raises(TypeError, match="InterpolationMode"):
        F.resize(x, 5, interpolation=1.5)
    with pytest.raises(ValueError, match="unsupported with Tensor"):
        F.resize(x, 5, interpolation=F.InterpolationMode.LANCZOS)
    # Pillow's integer constants are accepted
    check_pil(F.resize(PIL_RGB, [5, 6], 3), TF.resize(PIL_RGB, [5, 6], 3))


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_affine_family_on_tensors(mode):
    m = F.InterpolationMode(mode)
    both("rotate", 30.0, m)
    both("rotate", 90.0, m, expand=True)
    both("rotate", 37.0, m, expand=True, fill=[0.5, 1.0, 0.25])
    both("rotate", -20.0, m, center=[3, 4])
    both("affine", 20.0, [2, -3], 1.2, [10.0, 5.0], m, fill=[1.0, 2.0, 3.0])
    both("affine", 0.0, [1, 2], 0.8, 12.0, m, center=[0, 0])
    sp, ep = [[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 3], [14, 11], [1, 10]]
    both("perspective", sp, ep, m)
    both("perspective", sp, ep, m, fill=[9.0], atol=1e-4)   # grid rounding (1e-6 px) times a 9-step edge


def test_affine_family_on_pil():
    for m in (F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR):
        both_pil("rotate", 37.0, m, expand=True, fill=7)
        both_pil("rotate", 15.0, m, center=[2, 3])
        both_pil("affine", 20.0, [2, -3], 1.2, [10.0, 5.0], m, fill=3)
    sp, ep = [[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 3], [14, 11], [1, 10]]
    both_pil("perspective", sp, ep)
    both_pil("perspective", sp, ep, F.InterpolationMode.NEAREST, fill=[5])


def test_inverse_affine_matrix_and_perspective_coeffs():
    for args in [([3.0, 4.0], 30.0, [1.0, -2.0], 1.3, [5.0, -7.0]), ([0.0, 0.0], -90.0, [0.0, 0.0], 1.0, [0.0, 0.0])]:
        np.testing.assert_allclose(F._get_inverse_affine_matrix(*args), TF._get_inverse_affine_matrix(*args),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(F._get_inverse_affine_matrix(*args, inverted=False),
                                   TF._get_inverse_affine_matrix(*args, inverted=False), rtol=1e-12, atol=1e-12)
    sp, ep = [[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 3], [14, 11], [1, 10]]
    np.testing.assert_allclose(F._get_perspective_coeffs(sp, ep), TF._get_perspective_coeffs(sp, ep), rtol=1e-6)


def test_gaussian_blur_and_elastic():
    both("gaussian_blur", [5, 3], [1.2, 0.7])
    both("gaussian_blur", 3)
    both_pil("gaussian_blur", [5, 3], [1.2, 0.7])
    disp = nt.from_numpy((RNG.standard_normal((1, 13, 17, 2)) * 0.1).astype(np.float32))
    both("elastic_transform", disp)
    both("elastic_transform", disp, F.InterpolationMode.NEAREST, fill=[0.5])
    both_pil("elastic_transform", disp)
    with pytest.raises(ValueError, match="kernel_size should have odd"):
        F.gaussian_blur(nt.from_numpy(F32[0]), 4)
    with pytest.raises(ValueError, match="displacement shape"):
        F.elastic_transform(nt.from_numpy(F32[0]), nt.zeros(1, 3, 3, 2))


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad(mode):
    both("pad", [1, 2, 3, 4], padding_mode=mode)
    both("pad", 2, fill=0.5 if mode == "constant" else 0, padding_mode=mode, images={"f32": F32[0]})
    both_pil("pad", [1, 2, 3, 4], fill=5, padding_mode=mode)
    both_pil("pad", (2, 1), padding_mode=mode)


def test_crops():
    both("crop", 2, 3, 5, 7)
    both("crop", -2, 3, 20, 10)
    both("center_crop", [5, 11])
    both("center_crop", [30, 11])
    both("center_crop", 4)
    both("resized_crop", 1, 2, 9, 12, [6, 6])
    both("five_crop", [5, 6])
    both("ten_crop", 5)
    both("ten_crop", 5, vertical_flip=True)
    for name, args in [("crop", (2, 3, 5, 7)), ("center_crop", ([30, 11],)), ("resized_crop", (1, 2, 9, 12, [6, 6])),
                       ("five_crop", ([5, 6],)), ("ten_crop", (5, True))]:
        both_pil(name, *args)
    with pytest.raises(ValueError, match="bigger than input size"):
        F.five_crop(nt.from_numpy(F32[0]), 20)


def test_erase_and_normalize():
    v = nt.from_numpy(np.arange(3, dtype=np.float32)[:, None, None])
    both("erase", 2, 3, 4, 5, v, images={"f32": F32[0], "f32batch": F32})
    both("normalize", [0.5, 0.4, 0.3], [0.2, 0.25, 0.3], images={"f32": F32[0], "f32batch": F32})
    x = nt.from_numpy(F32[0].copy())
    out = F.erase(x, 0, 0, 2, 2, nt.tensor(0.0), inplace=True)
    assert out is x and float(x[0, 0, 0]) == 0.0
    with pytest.raises(TypeError, match="Tensor Image"):
        F.erase(PIL_RGB, 0, 0, 1, 1, v)


def test_conversions():
    for x in (U8[0], F32[0]):
        for dt, tdt in [(nt.float64, torch.float64), (nt.uint8, torch.uint8), (nt.int16, torch.int16),
                        (nt.float32, torch.float32)]:
            check_tensor(F.convert_image_dtype(nt.from_numpy(x.copy()), dt),
                         TF.convert_image_dtype(torch.from_numpy(x.copy()), tdt), int_frac=0)
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(nt.from_numpy(F32[0]), nt.int64)
    for img in (PIL_RGB, PIL_L, PIL_RGB.convert("RGBA"), PIL_L.convert("F"), PIL_L.convert("I"), PIL_L.convert("1")):
        check_tensor(F.to_tensor(img), TF.to_tensor(img), int_frac=0)
        if img.mode != "1":
            check_tensor(F.pil_to_tensor(img), TF.pil_to_tensor(img), int_frac=0)
    for arr in (F32[0], U8[0], F32[0, :1], U8[0, :1], U8[:, :2].reshape(4, 13, 17)[:2]):
        check_pil(F.to_pil_image(nt.from_numpy(arr.copy())), TF.to_pil_image(torch.from_numpy(arr.copy())))
    check_pil(F.to_pil_image(nt.from_numpy(F32[0, :1].copy()), mode="F"),
              TF.to_pil_image(torch.from_numpy(F32[0, :1].copy()), mode="F"))
    with pytest.raises(ValueError, match="Only modes"):
        F.to_pil_image(nt.from_numpy(U8[0].copy()), mode="RGBA")
    for img in (PIL_RGB, nt.from_numpy(U8)):
        assert F.get_dimensions(img) == TF.get_dimensions(img if img is PIL_RGB else torch.from_numpy(U8))
        assert F.get_image_size(img) == TF.get_image_size(img if img is PIL_RGB else torch.from_numpy(U8))
        assert F.get_image_num_channels(img) == TF.get_image_num_channels(
            img if img is PIL_RGB else torch.from_numpy(U8))


def test_functional_names_are_torchvisions():
    public = {n for n in dir(TF) if not n.startswith("_") and callable(getattr(TF, n))
              and getattr(getattr(TF, n), "__module__", "").startswith("torchvision")}
    assert public <= set(F.__all__), sorted(public - set(F.__all__))
    assert [m.value for m in F.InterpolationMode] == [m.value for m in tv.transforms.InterpolationMode]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("kw", [dict(size=(5, 7)), dict(size=(30, 9)), dict(scale_factor=0.37),
                                dict(size=(4, 6), align_corners=True)])
def test_interpolate_antialias_matches_torch(mode, kw):
    """nn.functional.interpolate(antialias=True), the kernel under torchvision's tensor Resize: values and
    gradients (the resize is a product with fixed matrices, so its backward is their transpose)."""
    x = RNG.standard_normal((2, 3, 13, 17))
    got_in = nt.from_numpy(x.copy()).requires_grad_(True)
    want_in = torch.from_numpy(x.copy()).requires_grad_(True)
    got = nt.nn.functional.interpolate(got_in, mode=mode, antialias=True, **kw)
    want = torch.nn.functional.interpolate(want_in, mode=mode, antialias=True, **kw)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = RNG.standard_normal(tuple(want.shape))
    got.backward(nt.from_numpy(g.copy()))
    want.backward(torch.from_numpy(g.copy()))
    np.testing.assert_allclose(got_in.grad.numpy(), want_in.grad.numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="Anti-alias option is restricted"):
        nt.nn.functional.interpolate(nt.zeros(1, 1, 4), size=2, mode="linear", antialias=True)
