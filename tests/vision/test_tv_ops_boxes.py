"""numtorch.vision.ops box functions against real torchvision (pure Python there): values, dtypes, gradients."""
import numpy as np
import pytest

import numtorch as nt
from numtorch.vision import ops
from conftest import torch, to_nt, assert_close, import_torchvision


def _boxes(rng, n, dtype=np.float64):
    xy = rng.uniform(0, 20, (n, 2))
    return np.concatenate([xy, xy + rng.uniform(0.5, 10, (n, 2))], 1).astype(dtype)


@pytest.mark.parametrize("name", ["box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"])
def test_pairwise_iou_family(name):
    tv = import_torchvision()
    rng = np.random.default_rng(0)
    a, b = _boxes(rng, 5), _boxes(rng, 4)
    a[0] = b[0]                      # identical boxes
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    na, nb = nt.tensor(a, requires_grad=True), nt.tensor(b, requires_grad=True)
    want, got = getattr(tv.ops, name)(ta, tb), getattr(ops, name)(na, nb)
    assert_close(got, want, rtol=1e-12, atol=1e-12)
    w = rng.standard_normal(want.shape)
    (want * torch.tensor(w)).sum().backward()
    (got * nt.tensor(w)).sum().backward()
    assert_close(na.grad, ta.grad, rtol=1e-10, atol=1e-12)
    assert_close(nb.grad, tb.grad, rtol=1e-10, atol=1e-12)
    # float32 and batched leading dims
    a32, b32 = torch.tensor(a[None].repeat(2, 0), dtype=torch.float32), torch.tensor(b[None], dtype=torch.float32)
    assert_close(getattr(ops, name)(to_nt(a32), to_nt(b32)), getattr(tv.ops, name)(a32, b32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "cxcywh"])
def test_box_iou_formats_and_int_boxes(fmt):
    tv = import_torchvision()
    rng = np.random.default_rng(1)
    a = torch.from_numpy(rng.integers(1, 30, (6, 4)).astype(np.int64))
    b = torch.from_numpy(rng.integers(1, 30, (3, 4)).astype(np.int16))
    if fmt == "xyxy":
        a = torch.cat([a[:, :2], a[:, :2] + a[:, 2:]], 1)
        b = torch.cat([b[:, :2], b[:, :2] + b[:, 2:]], 1)
    assert_close(ops.box_iou(to_nt(a), to_nt(b), fmt=fmt), tv.ops.box_iou(a, b, fmt=fmt))
    assert_close(ops.box_area(to_nt(b), fmt=fmt), tv.ops.box_area(b, fmt=fmt))
    with pytest.raises(ValueError, match="Unsupported format"):
        ops.box_iou(to_nt(a), to_nt(b), fmt="nope")
    with pytest.raises(ValueError, match="Unsupported Bounding Box area"):
        ops.box_area(to_nt(a), fmt="xywhr")


@pytest.mark.parametrize("pair", [("xyxy", "xywh"), ("xyxy", "cxcywh"), ("xywh", "xyxy"), ("cxcywh", "xyxy"),
                                  ("xywh", "cxcywh"), ("cxcywh", "xywh"), ("xyxy", "xyxy"), ("xywhr", "cxcywhr"),
                                  ("cxcywhr", "xywhr"), ("xywhr", "xyxyxyxy"), ("xyxyxyxy", "xywhr"),
                                  ("cxcywhr", "xyxyxyxy"), ("xyxyxyxy", "cxcywhr")])
def test_box_convert(pair):
    tv = import_torchvision()
    rng = np.random.default_rng(2)
    k = {"xyxyxyxy": 8, "xywhr": 5, "cxcywhr": 5}.get(pair[0], 4)
    x = torch.from_numpy(rng.uniform(1, 20, (2, 3, k)))
    if k == 8:   # a real rotated rectangle
        x = tv.ops.box_convert(torch.from_numpy(rng.uniform(1, 20, (2, 3, 5))), "xywhr", "xyxyxyxy")
    assert_close(ops.box_convert(to_nt(x), *pair), tv.ops.box_convert(x, *pair), rtol=1e-12, atol=1e-12)
    xi = x.round().to(torch.int64)
    assert_close(ops.box_convert(to_nt(xi), *pair), tv.ops.box_convert(xi, *pair))
    with pytest.raises(ValueError, match="Unsupported Bounding Box Conversions"):
        ops.box_convert(to_nt(x), "abc", "xyxy")


@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_box_losses(name, reduction):
    tv = import_torchvision()
    rng = np.random.default_rng(3)
    a, b = _boxes(rng, 6), _boxes(rng, 6)
    a[1] = [0, 0, 1, 1]
    b[1] = [5, 5, 6, 6]   # disjoint pair
    ta, na = torch.tensor(a, requires_grad=True), nt.tensor(a, requires_grad=True)
    want = getattr(tv.ops, name)(ta, torch.tensor(b), reduction=reduction, eps=1e-6)
    got = getattr(ops, name)(na, nt.tensor(b), reduction=reduction, eps=1e-6)
    assert_close(got, want, rtol=1e-12, atol=1e-12)
    want.sum().backward()
    got.sum().backward()
    assert_close(na.grad, ta.grad, rtol=1e-10, atol=1e-12)
    e = torch.zeros(0, 4)
    assert_close(getattr(ops, name)(to_nt(e), to_nt(e), reduction=reduction),
                 getattr(tv.ops, name)(e, e, reduction=reduction))
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        getattr(ops, name)(na, nt.tensor(b), reduction="avg")


def test_small_boxes_clip_masks():
    tv = import_torchvision()
    rng = np.random.default_rng(4)
    b = torch.from_numpy(rng.uniform(-5, 25, (10, 4)).astype(np.float32))
    assert_close(ops.remove_small_boxes(to_nt(b), 3.0), tv.ops.remove_small_boxes(b, 3.0))
    assert_close(ops.clip_boxes_to_image(to_nt(b), (12, 17)), tv.ops.clip_boxes_to_image(b, (12, 17)))
    b3 = b.reshape(2, 5, 4)
    assert_close(ops.clip_boxes_to_image(to_nt(b3), (12, 17)), tv.ops.clip_boxes_to_image(b3, (12, 17)))
    m = torch.from_numpy(rng.random((4, 7, 9)) > 0.8)
    m[2] = False
    m[3] = False
    m[3, 4, 5] = True
    assert_close(ops.masks_to_boxes(to_nt(m)), tv.ops.masks_to_boxes(m))
    assert_close(ops.masks_to_boxes(to_nt(m.to(torch.uint8))), tv.ops.masks_to_boxes(m.to(torch.uint8)))
    assert_close(ops.masks_to_boxes(nt.zeros(0, 3, 3)), tv.ops.masks_to_boxes(torch.zeros(0, 3, 3)))
