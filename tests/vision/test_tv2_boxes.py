"""transforms.v2 on bounding boxes, keypoints and masks against torchvision 0.28: tv_tensors' metadata and
semantics, every v2.functional box/keypoint/mask kernel (all box formats, float and integer boxes) and the
geometric v2 transforms on detection samples ({"image", "boxes", "masks", "keypoints", "labels"}) with the
scripted random stream of test_tv_transforms_random (same draws in the same order -> same output)."""
import copy
import pickle

import numpy as np
import pytest

from conftest import torch, import_torchvision
import numtorch as nt
from numtorch.vision import tv_tensors
from numtorch.vision.transforms.v2 import functional as VF

tv = import_torchvision()
import torchvision.transforms.v2 as TV2  # noqa: E402
import torchvision.tv_tensors  # noqa: E402,F401
TVF = TV2.functional
TVT = tv.tv_tensors

H, W = 20, 24
RNG = np.random.default_rng(3)
_XY = RNG.uniform(-3, 20, (6, 2))
_WH = RNG.uniform(1, 10, (6, 2))
XYXY = np.concatenate([_XY, _XY + _WH], 1).astype(np.float32)
ROT = np.concatenate([RNG.uniform(4, 16, (5, 2)), RNG.uniform(2, 6, (5, 2)), RNG.uniform(-60, 60, (5, 1))],
                     1).astype(np.float32)
KPTS = RNG.uniform(-2, 25, (4, 3, 2)).astype(np.float32)
MASK = RNG.integers(0, 4, (H, W)).astype(np.uint8)
IMG = RNG.integers(0, 256, (3, H, W), dtype=np.uint8)
FORMATS = ["XYXY", "XYWH", "CXCYWH"]
ROTATED = ["XYWHR", "CXCYWHR", "XYXYXYXY"]


def boxes_in(fmt, dtype=np.float32, clamping_mode="soft"):
    """The same boxes as numtorch and torchvision BoundingBoxes in format ``fmt``."""
    if fmt in ROTATED:
        base = TVF.convert_bounding_box_format(torch.from_numpy(ROT.copy()), old_format="CXCYWHR", new_format=fmt)
    else:
        base = TVF.convert_bounding_box_format(torch.from_numpy(XYXY.copy()), old_format="XYXY", new_format=fmt)
    data = base.numpy().astype(dtype)
    return (tv_tensors.BoundingBoxes(nt.from_numpy(data.copy()), format=fmt, canvas_size=(H, W),
                                     clamping_mode=clamping_mode),
            TVT.BoundingBoxes(torch.from_numpy(data.copy()), format=fmt, canvas_size=(H, W),
                              clamping_mode=clamping_mode))


def kpts_in(dtype=np.float32):
    d = KPTS.astype(dtype)
    return (tv_tensors.KeyPoints(nt.from_numpy(d.copy()), canvas_size=(H, W)),
            TVT.KeyPoints(torch.from_numpy(d.copy()), canvas_size=(H, W)))


def mask_in(ndim=2, dtype=np.uint8):
    m = MASK.astype(dtype).reshape((1,) * (ndim - 2) + MASK.shape)
    return tv_tensors.Mask(nt.from_numpy(m.copy())), TVT.Mask(torch.from_numpy(m.copy()))


def same(got, want, atol=1e-4):
    """Same kind, metadata, shape, dtype and values (integers exactly, floats to float32 rounding)."""
    assert type(got).__name__ == type(want).__name__, (type(got), type(want))
    if isinstance(want, TVT.BoundingBoxes):
        assert got.format.name == want.format.name and tuple(got.canvas_size) == tuple(want.canvas_size)
        assert got.clamping_mode == want.clamping_mode
    if isinstance(want, TVT.KeyPoints):
        assert tuple(got.canvas_size) == tuple(want.canvas_size)
    g, w = got.numpy(), want.detach().numpy()
    assert g.shape == w.shape and str(g.dtype) == str(w.dtype), (g.shape, w.shape, g.dtype, w.dtype)
    if g.dtype.kind in "iub":
        np.testing.assert_array_equal(g, w)
    else:
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=atol)


# ------------------------------------------------------------------------------------------- tv_tensors
def test_tv_tensors_metadata_and_return_type():
    b, tb = boxes_in("XYWH")
    assert repr(b).replace("nt.", "") .endswith(repr(tb).split("]]", 1)[1])
    for op in (lambda x: x + 1, lambda x: x[0], lambda x: x.sum(), lambda x: x * 2):
        assert type(op(b)) is nt.Tensor and type(op(tb)) is torch.Tensor
    for op in (lambda x: x.clone(), lambda x: x.detach(), lambda x: x.to(x.dtype), lambda x: x.requires_grad_(False)):
        got, want = op(b), op(tb)
        same(got, want)
    with tv_tensors.set_return_type("TVTensor"), TVT.set_return_type("TVTensor"):
        same(b * 2, tb * 2)
        same(b[:2], tb[:2])
    assert type(b + 1) is nt.Tensor
    with pytest.raises(ValueError, match="return_type must be"):
        tv_tensors.set_return_type("foo")
    for obj, tobj in ((b, tb), kpts_in(), mask_in()):
        same(pickle.loads(pickle.dumps(obj)), pickle.loads(pickle.dumps(tobj)))
        same(copy.deepcopy(obj), copy.deepcopy(tobj))
    same(tv_tensors.wrap(nt.zeros(2, 4), like=b, format="CXCYWH", canvas_size=(5, 6)),
         TVT.wrap(torch.zeros(2, 4), like=tb, format="CXCYWH", canvas_size=(5, 6)))
    same(tv_tensors.BoundingBoxes([1, 2, 3, 4], format="xyxy", canvas_size=(5, 5)),
         TVT.BoundingBoxes([1, 2, 3, 4], format="xyxy", canvas_size=(5, 5)))
    same(tv_tensors.KeyPoints([1.0, 2.0], canvas_size=(5, 5)), TVT.KeyPoints([1.0, 2.0], canvas_size=(5, 5)))
    for f in ROTATED + FORMATS:
        assert tv_tensors.is_rotated_bounding_format(f) == TVT.is_rotated_bounding_format(f)
        assert tv_tensors.is_rotated_bounding_format(tv_tensors.BoundingBoxFormat[f]) == \
            TVT.is_rotated_bounding_format(TVT.BoundingBoxFormat[f])
    assert [f.name for f in tv_tensors.BoundingBoxFormat] == [f.name for f in TVT.BoundingBoxFormat]


@pytest.mark.parametrize("call", [
    lambda m: m.BoundingBoxes(np.zeros((1, 2, 4)), format="XYXY", canvas_size=(2, 2)),
    lambda m: m.BoundingBoxes([[1, 2, 3, 4, 5]], format="XYWHR", canvas_size=(2, 2)),
    lambda m: m.BoundingBoxes([[1, 2, 3, 4]], format="XYXY", canvas_size=(2, 2), clamping_mode="x"),
    lambda m: m.KeyPoints(np.zeros((2, 3)), canvas_size=(2, 2)),
])
def test_tv_tensors_errors(call):
    with pytest.raises(Exception) as want:
        call(TVT)
    with pytest.raises(type(want.value)) as got:
        call(tv_tensors)
    assert str(got.value) == str(want.value)


# ------------------------------------------------------------------------------------------- functionals
@pytest.mark.parametrize("new", FORMATS)
@pytest.mark.parametrize("old", FORMATS)
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_convert_bounding_box_format(old, new, dtype):
    b, tb = boxes_in(old, dtype)
    same(VF.convert_bounding_box_format(b, new_format=new), TVF.convert_bounding_box_format(tb, new_format=new))
    same(VF.convert_bounding_box_format(b.as_subclass(nt.Tensor), old_format=old, new_format=new),
         TVF.convert_bounding_box_format(tb.as_subclass(torch.Tensor), old_format=old, new_format=new))


@pytest.mark.parametrize("new", ROTATED)
@pytest.mark.parametrize("old", ROTATED)
def test_convert_rotated_format(old, new):
    b, tb = boxes_in(old)
    same(VF.convert_bounding_box_format(b, new_format=new), TVF.convert_bounding_box_format(tb, new_format=new))


def test_convert_errors():
    b, tb = boxes_in("XYXY")
    for call in (lambda F, x: F.convert_bounding_box_format(x, new_format="XYWHR"),
                 lambda F, x: F.convert_bounding_box_format(x, old_format="XYXY", new_format="XYWH"),
                 lambda F, x: F.convert_bounding_box_format(x.as_subclass(type(x).__mro__[1]), new_format="XYWH"),
                 lambda F, x: F.clamp_bounding_boxes(x, format="XYXY"),
                 lambda F, x: F.clamp_bounding_boxes(x.as_subclass(type(x).__mro__[1]), format="XYXY",
                                                     canvas_size=(3, 3)),
                 lambda F, x: F.sanitize_bounding_boxes(x, format="XYXY")):
        with pytest.raises(Exception) as want:
            call(TVF, tb)
        with pytest.raises(type(want.value)) as got:
            call(VF, b)
        assert _msg(got.value) == _msg(want.value)


def _msg(e):
    """The message with class paths reduced to class names (torchvision's and numtorch's modules differ)."""
    import re
    return re.sub(r"<class '[\w.]*\.(\w+)'>", r"\1", str(e))


GEOMETRY = {
    "hflip": lambda F, x: F.horizontal_flip(x),
    "vflip": lambda F, x: F.vertical_flip(x),
    "resize": lambda F, x: F.resize(x, [30, 17]),
    "resize-short": lambda F, x: F.resize(x, [15]),
    "resize-max": lambda F, x: F.resize(x, None, max_size=30),
    "crop": lambda F, x: F.crop(x, 3, 4, 10, 12),
    "crop-pad": lambda F, x: F.crop(x, -2, -3, 25, 30),
    "center_crop": lambda F, x: F.center_crop(x, [10, 13]),
    "center_crop-big": lambda F, x: F.center_crop(x, [25, 31]),
    "resized_crop": lambda F, x: F.resized_crop(x, 2, 3, 10, 12, [16, 16]),
    "pad": lambda F, x: F.pad(x, [2, 3, 4, 5]),
    "pad-int": lambda F, x: F.pad(x, 3),
    "rotate": lambda F, x: F.rotate(x, 30.0),
    "rotate-expand": lambda F, x: F.rotate(x, -45.0, expand=True),
    "rotate-center": lambda F, x: F.rotate(x, 10.0, center=[3, 4]),
    "rotate-90-expand": lambda F, x: F.rotate(x, 90.0, expand=True),
    "rotate-180": lambda F, x: F.rotate(x, -180.0),
    "rotate-270-noexpand": lambda F, x: F.rotate(x, 270.0),
    "affine": lambda F, x: F.affine(x, angle=20.0, translate=[2, -3], scale=1.2, shear=[5.0, 10.0]),
    "affine-center": lambda F, x: F.affine(x, angle=-7, translate=[0, 1], scale=0.8, shear=3, center=[10, 2]),
    "perspective": lambda F, x: F.perspective(x, [[0, 0], [23, 0], [23, 19], [0, 19]],
                                              [[2, 1], [20, 0], [23, 17], [1, 19]]),
    "elastic": lambda F, x: F.elastic(x, (torch if F is TVF else nt).from_numpy(
        np.random.default_rng(0).uniform(-0.1, 0.1, (1, H, W, 2)).astype(np.float32))),
}


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("op", list(GEOMETRY))
def test_geometry_bounding_boxes(op, fmt, dtype):
    b, tb = boxes_in(fmt, dtype)
    same(GEOMETRY[op](VF, b), GEOMETRY[op](TVF, tb))


@pytest.mark.parametrize("fmt", ROTATED)
@pytest.mark.parametrize("op", list(GEOMETRY))
def test_geometry_rotated_boxes_unclamped(op, fmt):
    b, tb = boxes_in(fmt, clamping_mode=None)
    same(GEOMETRY[op](VF, b), GEOMETRY[op](TVF, tb), atol=2e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
@pytest.mark.parametrize("op", list(GEOMETRY))
def test_geometry_keypoints(op, dtype):
    k, tk = kpts_in(dtype)
    same(GEOMETRY[op](VF, k), GEOMETRY[op](TVF, tk))


@pytest.mark.parametrize("kind", ["2d-u8", "3d-u8", "2d-i64", "3d-bool"])
@pytest.mark.parametrize("op", list(GEOMETRY))
def test_geometry_mask(op, kind):
    nd, dt = {"2d-u8": (2, np.uint8), "3d-u8": (3, np.uint8), "2d-i64": (2, np.int64), "3d-bool": (3, bool)}[kind]
    m, tm = mask_in(nd, dt)
    same(GEOMETRY[op](VF, m), GEOMETRY[op](TVF, tm))


@pytest.mark.parametrize("mode", ["soft", "hard", None])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
@pytest.mark.parametrize("fmt", FORMATS)
def test_clamp_and_sanitize(fmt, dtype, mode):
    b, tb = boxes_in(fmt, dtype, clamping_mode=mode)
    same(VF.clamp_bounding_boxes(b), TVF.clamp_bounding_boxes(tb))
    pure, tpure = b.as_subclass(nt.Tensor), tb.as_subclass(torch.Tensor)
    same(VF.clamp_bounding_boxes(pure, format=fmt, canvas_size=(H, W), clamping_mode=mode),
         TVF.clamp_bounding_boxes(tpure, format=fmt, canvas_size=(H, W), clamping_mode=mode))
    for kw in ({}, {"min_size": 3.0}, {"min_area": 20.0}):
        (g, gv), (w, wv) = VF.sanitize_bounding_boxes(b, **kw), TVF.sanitize_bounding_boxes(tb, **kw)
        same(g, w)
        same(gv, wv)
    k, tk = kpts_in(dtype)
    same(VF.clamp_keypoints(k), TVF.clamp_keypoints(tk))
    (g, gv), (w, wv) = VF.sanitize_keypoints(k), TVF.sanitize_keypoints(tk)
    same(g, w)
    same(gv, wv)
    (g, gv), (w, wv) = VF.sanitize_keypoints(k.as_subclass(nt.Tensor)[:, 0], canvas_size=(H, W)), \
        TVF.sanitize_keypoints(tk.as_subclass(torch.Tensor)[:, 0], canvas_size=(H, W))
    same(g, w)
    same(gv, wv)


def test_sanitize_rotated():
    b, tb = boxes_in("XYXYXYXY", clamping_mode=None)
    (g, gv), (w, wv) = VF.sanitize_bounding_boxes(b), TVF.sanitize_bounding_boxes(tb)
    same(g, w)
    same(gv, wv)


PURE = {
    "horizontal_flip_bounding_boxes": dict(format="XYWH", canvas_size=(H, W)),
    "vertical_flip_bounding_boxes": dict(format="XYWH", canvas_size=(H, W)),
    "resize_bounding_boxes": dict(canvas_size=(H, W), size=[10, 30], format="XYWH"),
    "crop_bounding_boxes": dict(format="XYWH", top=2, left=3, height=10, width=11),
    "center_crop_bounding_boxes": dict(format="XYWH", canvas_size=(H, W), output_size=[7]),
    "resized_crop_bounding_boxes": dict(format="XYWH", top=2, left=3, height=10, width=11, size=[5, 9]),
    "pad_bounding_boxes": dict(format="XYWH", canvas_size=(H, W), padding=[1, 2]),
    "affine_bounding_boxes": dict(format="XYWH", canvas_size=(H, W), angle=12.0, translate=[1, 2], scale=1.1,
                                  shear=[2.0, 0.0]),
    "rotate_bounding_boxes": dict(format="XYWH", canvas_size=(H, W), angle=33.0, expand=True),
    "perspective_bounding_boxes": dict(format="XYWH", canvas_size=(H, W), startpoints=None, endpoints=None,
                                       coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.0, 0.001, -0.002]),
    "horizontal_flip_keypoints": dict(canvas_size=(H, W)),
    "vertical_flip_keypoints": dict(canvas_size=(H, W)),
    "resize_keypoints": dict(size=[10, 30], canvas_size=(H, W)),
    "crop_keypoints": dict(top=2, left=3, height=10, width=11),
    "center_crop_keypoints": dict(canvas_size=(H, W), output_size=[7]),
    "resized_crop_keypoints": dict(top=2, left=3, height=10, width=11, size=[5, 9]),
    "pad_keypoints": dict(canvas_size=(H, W), padding=[1, 2, 3, 4]),
    "affine_keypoints": dict(canvas_size=(H, W), angle=12.0, translate=[1, 2], scale=1.1, shear=[2.0, 0.0]),
    "rotate_keypoints": dict(canvas_size=(H, W), angle=33.0, expand=True),
    "perspective_keypoints": dict(canvas_size=(H, W), startpoints=None, endpoints=None,
                                  coefficients=[1.1, 0.1, -2.0, 0.05, 0.9, 1.0, 0.001, -0.002]),
}


@pytest.mark.parametrize("name", list(PURE))
def test_pure_tensor_kernels(name):
    if name.endswith("keypoints"):
        x = KPTS.copy()
    else:
        x = TVF.convert_bounding_box_format(torch.from_numpy(XYXY.copy()), old_format="XYXY",
                                            new_format="XYWH").numpy()
    kw = dict(PURE[name])
    for key in ("format",):
        if key in kw:
            kw[key] = tv_tensors.BoundingBoxFormat[kw[key]]
    got = getattr(VF, name)(nt.from_numpy(x.copy()), **kw)
    if "format" in kw:
        kw["format"] = TVT.BoundingBoxFormat[kw["format"].name]
    want = getattr(TVF, name)(torch.from_numpy(x.copy()), **kw)
    if isinstance(want, tuple):
        assert tuple(got[1]) == tuple(want[1])
        got, want = got[0], want[0]
    same(got, want)


def test_register_kernel_for_custom_tv_tensor():
    class Thing(tv_tensors.TVTensor):
        pass

    @VF.register_kernel(VF.horizontal_flip, Thing)
    def _flip(inpt):
        return "flipped"

    x = Thing._wrap_plain(nt.zeros(2))
    assert VF.horizontal_flip(x) == "flipped"
    for bad, match in (((VF.resize, tv_tensors.Image), "builtin"), ((len, Thing), "namespace"),
                       ((VF.resize, int), "subclasses")):
        with pytest.raises(ValueError, match=match):
            VF.register_kernel(*bad)


@pytest.mark.parametrize("mode", ["soft", "hard"])
@pytest.mark.parametrize("fmt", ROTATED)
@pytest.mark.parametrize("op", ["clamp", "resize", "crop", "rotate", "affine", "pad", "perspective"])
def test_rotated_boxes_clamped(op, fmt, mode):
    b, tb = boxes_in(fmt, clamping_mode=mode)
    ops = {"clamp": lambda F, x: F.clamp_bounding_boxes(x), "resize": GEOMETRY["resize"],
           "crop": GEOMETRY["crop"], "rotate": GEOMETRY["rotate-expand"], "affine": GEOMETRY["affine"],
           "pad": GEOMETRY["pad"], "perspective": GEOMETRY["perspective"]}
    same(ops[op](VF, b), ops[op](TVF, tb), atol=2e-3)


@pytest.mark.parametrize("angle", [0.0, 90.0, -90.0, 180.0, 270.0, 450.0])
@pytest.mark.parametrize("expand", [False, True])
def test_rotate_quarter_turns_images(angle, expand):
    """v2 rotates by quarter turns about the centre by transposing (exact, any interpolation)."""
    for data, tdata in ((nt.from_numpy(IMG.copy()), torch.from_numpy(IMG.copy())),
                        (tv_tensors.Image(nt.from_numpy(IMG[:, :, :20].astype(np.float32))),
                         TVT.Image(torch.from_numpy(IMG[:, :, :20].astype(np.float32))))):
        got = VF.rotate(data, angle, interpolation=VF.InterpolationMode.BILINEAR, expand=expand)
        want = TVF.rotate(tdata, angle, interpolation=TVF.InterpolationMode.BILINEAR, expand=expand)
        assert type(got).__name__ == type(want).__name__
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-5)
