"""numtorch.vision.utils against real torchvision.utils (pure Python + Pillow there): same pixels."""
import io

import numpy as np
import pytest

import numtorch as nt
from numtorch.vision import utils as U
from conftest import torch, to_nt, assert_close, import_torchvision


@pytest.fixture(scope="module")
def tvu():
    return import_torchvision().utils


@pytest.mark.parametrize("kw", [{}, {"nrow": 3, "padding": 1, "pad_value": 0.5},
                                {"normalize": True}, {"normalize": True, "scale_each": True},
                                {"normalize": True, "value_range": (-1, 1), "nrow": 2, "padding": 0}])
@pytest.mark.parametrize("shape", [(5, 3, 4, 6), (4, 1, 3, 3), (1, 3, 4, 4), (3, 5, 5), (1, 4, 4), (6, 7)])
def test_make_grid(tvu, kw, shape):
    x = torch.randn(*shape)
    assert_close(U.make_grid(to_nt(x), **kw), tvu.make_grid(x, **kw), rtol=1e-6, atol=1e-6)


def test_make_grid_list_and_errors(tvu):
    xs = [torch.rand(3, 4, 5) for _ in range(3)]
    assert_close(U.make_grid([to_nt(x) for x in xs], nrow=2), tvu.make_grid(xs, nrow=2))
    xi = torch.randint(0, 255, (4, 3, 2, 2), dtype=torch.uint8)
    assert_close(U.make_grid(to_nt(xi)), tvu.make_grid(xi))
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        U.make_grid(np.zeros((3, 4, 4)))
    with pytest.raises(TypeError, match="got a list containing"):
        U.make_grid([np.zeros((3, 4, 4))])
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        U.make_grid(nt.zeros(2, 3, 4, 4), normalize=True, value_range=[0, 1])


def test_save_image(tvu, tmp_path):
    from PIL import Image
    x = torch.rand(4, 3, 5, 6)
    U.save_image(to_nt(x), str(tmp_path / "a.png"), nrow=3)
    tvu.save_image(x, str(tmp_path / "b.png"), nrow=3)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "a.png")), np.asarray(Image.open(tmp_path / "b.png")))
    buf = io.BytesIO()
    U.save_image(to_nt(x[0]), buf, format="png")
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(buf.getvalue()))),
                          (x[0] * 255 + 0.5).clamp(0, 255).permute(1, 2, 0).to(torch.uint8).numpy())


@pytest.mark.parametrize("kw", [{}, {"fill": True, "width": 3}, {"labels": ["a", "bb", "ccc"], "colors": "red"},
                                {"labels": ["x", "y", "z"], "colors": ["blue", (0, 255, 0), "#ff00ff"],
                                 "fill_labels": True, "label_colors": "white"},
                                {"labels": ["x", "y", "z"], "fill_labels": True, "label_background_colors": "yellow"}])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_draw_bounding_boxes(tvu, kw, dtype):
    img = torch.randint(0, 256, (3, 40, 50), dtype=torch.uint8)
    if dtype == torch.float32:
        img = img.float() / 255
    boxes = torch.tensor([[2, 3, 20, 25], [10, 10, 45, 38], [30.7, 1.2, 48.9, 12.5]])
    want = tvu.draw_bounding_boxes(img, boxes, **kw)
    got = U.draw_bounding_boxes(to_nt(img), to_nt(boxes), **kw)
    assert_close(got, want, rtol=0, atol=1e-6)


def test_draw_bounding_boxes_gray_oriented_and_errors(tvu):
    img = torch.randint(0, 256, (1, 30, 30), dtype=torch.uint8)
    boxes = torch.tensor([[1, 1, 20, 20]])
    assert_close(U.draw_bounding_boxes(to_nt(img), to_nt(boxes)), tvu.draw_bounding_boxes(img, boxes))
    rot = torch.tensor([[5, 5, 25, 8, 22, 25, 3, 20]])
    img3 = torch.zeros(3, 30, 30, dtype=torch.uint8)
    assert_close(U.draw_bounding_boxes(to_nt(img3), to_nt(rot), fill=True),
                 tvu.draw_bounding_boxes(img3, rot, fill=True))
    with pytest.raises(ValueError, match="Boxes need to be in"):
        U.draw_bounding_boxes(to_nt(img3), nt.tensor([[5, 5, 1, 1]]))
    with pytest.raises(ValueError, match="Pass individual images"):
        U.draw_bounding_boxes(nt.zeros(1, 3, 4, 4, dtype=nt.uint8), nt.tensor([[0, 0, 1, 1]]))
    with pytest.raises(ValueError, match="Number of boxes"):
        U.draw_bounding_boxes(to_nt(img3), to_nt(boxes), labels=["a", "b"])
    with pytest.raises(ValueError, match="Number of colors"):
        U.draw_bounding_boxes(to_nt(img3), nt.tensor([[0, 0, 1, 1], [1, 1, 2, 2]]), colors=["red"])
    with pytest.warns(UserWarning, match="No box was drawn"):
        out = U.draw_bounding_boxes(to_nt(img3), nt.zeros(0, 4))
    assert out.shape == (3, 30, 30)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32, torch.float64])
@pytest.mark.parametrize("colors", [None, "red", ["green", (10, 20, 30), "blue"]])
def test_draw_segmentation_masks(tvu, dtype, colors):
    g = torch.Generator().manual_seed(0)
    img = torch.randint(0, 256, (3, 12, 15), dtype=torch.uint8, generator=g)
    if dtype != torch.uint8:
        img = img.to(dtype) / 255
    masks = torch.rand(3, 12, 15, generator=g) > 0.6
    for alpha in (0.8, 0.33):
        want = tvu.draw_segmentation_masks(img, masks, alpha=alpha, colors=colors)
        got = U.draw_segmentation_masks(to_nt(img), to_nt(masks), alpha=alpha, colors=colors)
        assert_close(got, want, rtol=1e-6, atol=1e-6)
    assert_close(U.draw_segmentation_masks(to_nt(img), to_nt(masks[0])), tvu.draw_segmentation_masks(img, masks[0]),
                 rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="The masks must be of dtype bool"):
        U.draw_segmentation_masks(to_nt(img), nt.zeros(2, 12, 15))
    with pytest.raises(ValueError, match="same height and width"):
        U.draw_segmentation_masks(to_nt(img), nt.zeros(2, 11, 15, dtype=nt.bool))


@pytest.mark.parametrize("dtype", [torch.uint8, torch.float32])
def test_draw_keypoints(tvu, dtype):
    img = torch.randint(0, 256, (3, 40, 40), dtype=torch.uint8)
    if dtype != torch.uint8:
        img = img.float() / 255
    kp = torch.tensor([[[5, 5], [20, 30.5], [35, 10]], [[10, 30], [30, 30], [12, 3]]])
    vis = torch.tensor([[True, True, False], [True, True, True]])
    for kw in [{}, {"connectivity": [(0, 1), (1, 2)], "colors": "red", "radius": 3, "width": 2},
               {"connectivity": [(0, 1), (1, 2)], "visibility": vis}]:
        nkw = dict(kw)
        if "visibility" in kw:
            nkw["visibility"] = to_nt(kw["visibility"])
        assert_close(U.draw_keypoints(to_nt(img), to_nt(kp), **nkw), tvu.draw_keypoints(img, kp, **kw),
                     rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="keypoints must be of shape"):
        U.draw_keypoints(to_nt(img), nt.zeros(3, 2))
    with pytest.raises(ValueError, match="same dimensionality"):
        U.draw_keypoints(to_nt(img), to_nt(kp), visibility=nt.ones(2, 2, dtype=nt.bool))


def test_flow_to_image(tvu):
    g = torch.Generator().manual_seed(0)
    flow = torch.randn(2, 2, 9, 11, generator=g) * 3
    assert_close(U.flow_to_image(to_nt(flow)), tvu.flow_to_image(flow))
    assert_close(U.flow_to_image(to_nt(flow[0])), tvu.flow_to_image(flow[0]))
    with pytest.raises(ValueError, match="Flow should be of dtype torch.float"):
        U.flow_to_image(to_nt(flow.double()))
    with pytest.raises(ValueError, match="Input flow should have shape"):
        U.flow_to_image(nt.zeros(3, 4, 4))


def test_all_is_torchvisions(tvu):
    assert sorted(U.__all__) == sorted(n for n in tvu.__all__ if not n.startswith("_"))
