"""v2 transforms on detection / segmentation samples against torchvision 0.28: the same sample
({"image", "boxes", "masks", "keypoints", "labels"}, also as (image, target) tuples) through numtorch's and
torchvision's transform with the scripted random stream of test_tv_transforms_random (same draws, same order ->
same output); boxes, masks, keypoints and labels must match exactly (floats to float32 rounding), images to the
tolerance of the other v2 tests. Also the remaining v2 names (JPEG, AugMix, RandomPhotometricDistort,
UniformTemporalSubsample, the sample utilities) and the namespaces against torchvision's dir()."""
import numpy as np
import pytest

from conftest import torch, import_torchvision
import numtorch as nt
from numtorch.vision import tv_tensors
from numtorch.vision.transforms import v2 as V2
from numtorch.vision.transforms.v2 import functional as VF
from test_tv_transforms_random import Script, patch_nt, patch_torch, check
from test_tv2_boxes import same, XYXY, KPTS, MASK, IMG, H, W

tv = import_torchvision()
import torchvision.transforms.v2 as TV2  # noqa: E402
import torchvision.tv_tensors  # noqa: E402,F401
TVF = TV2.functional
TVT = tv.tv_tensors
Image = pytest.importorskip("PIL.Image")


def sample(fmt="XYXY", kind="dict", image="image"):
    """The same detection sample for numtorch (first) and torchvision (second)."""
    boxes = TVF.convert_bounding_box_format(torch.from_numpy(XYXY.copy()), old_format="XYXY", new_format=fmt).numpy()
    masks = np.stack([MASK == k for k in range(len(boxes))]).astype(np.uint8)
    labels = np.arange(len(boxes), dtype=np.int64)
    out = []
    for lib, T in ((nt, tv_tensors), (torch, TVT)):
        if image == "pil":
            img = Image.fromarray(np.ascontiguousarray(IMG.transpose(1, 2, 0)))
        else:
            img = T.Image(lib.from_numpy(IMG.copy()))
        target = {"boxes": T.BoundingBoxes(lib.from_numpy(boxes.copy()), format=fmt, canvas_size=(H, W)),
                  "masks": T.Mask(lib.from_numpy(masks.copy())),
                  "keypoints": T.KeyPoints(lib.from_numpy(KPTS.copy()), canvas_size=(H, W)),
                  "labels": lib.from_numpy(labels.copy())}
        out.append(dict(image=img, **target) if kind == "dict" else (img, target))
    return out


def compare(got, want):
    if isinstance(want, dict):
        assert list(got) == list(want)
        for k in want:
            compare(got[k], want[k])
    elif isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            compare(g, w)
    elif isinstance(want, (TVT.BoundingBoxes, TVT.KeyPoints, TVT.Mask)):
        same(got, want)
    elif isinstance(want, (TVT.Image, TVT.Video, Image.Image)):
        assert type(got).__name__ == type(want).__name__
        check(got, want, int_frac=0.03)
    elif isinstance(want, torch.Tensor):
        assert type(got) is nt.Tensor
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    else:
        assert got == want


def run_both(make_nt, make_tv, pair, seed=0, calls=3, prep=None):
    outs = []
    for make, patch, inp in ((make_nt, patch_nt, pair[0]), (make_tv, patch_torch, pair[1])):
        script = Script(seed)
        with pytest.MonkeyPatch.context() as mp:
            patch(mp, script)
            t = make()
            if prep is not None:
                prep(t)
            res = [t(inp) for _ in range(calls)]
        outs.append((res, script.count))
    (got, n_nt), (want, n_tv) = outs
    assert n_nt == n_tv, f"numtorch drew {n_nt} numbers, torchvision {n_tv}"
    compare(got, want)


I, TI = VF.InterpolationMode, TV2.InterpolationMode
CASES = {
    "Resize": (lambda: V2.Resize((30, 17)), lambda: TV2.Resize((30, 17))),
    "Resize-short-max": (lambda: V2.Resize(15, max_size=25), lambda: TV2.Resize(15, max_size=25)),
    "RandomResize": (lambda: V2.RandomResize(10, 30), lambda: TV2.RandomResize(10, 30)),
    "RandomShortestSize": (lambda: V2.RandomShortestSize([9, 15, 31], max_size=33),
                           lambda: TV2.RandomShortestSize([9, 15, 31], max_size=33)),
    "ScaleJitter": (lambda: V2.ScaleJitter((32, 30)), lambda: TV2.ScaleJitter((32, 30))),
    "CenterCrop": (lambda: V2.CenterCrop((12, 26)), lambda: TV2.CenterCrop((12, 26))),
    "RandomCrop": (lambda: V2.RandomCrop(14, padding=3), lambda: TV2.RandomCrop(14, padding=3)),
    "RandomCrop-pad_if_needed": (lambda: V2.RandomCrop((25, 30), pad_if_needed=True, fill={tv_tensors.Mask: 9,
                                                                                          "others": 1}),
                                 lambda: TV2.RandomCrop((25, 30), pad_if_needed=True, fill={TVT.Mask: 9,
                                                                                           "others": 1})),
    "RandomResizedCrop": (lambda: V2.RandomResizedCrop((16, 18)), lambda: TV2.RandomResizedCrop((16, 18))),
    "Pad": (lambda: V2.Pad([1, 2, 3, 4], fill=5), lambda: TV2.Pad([1, 2, 3, 4], fill=5)),
    "RandomZoomOut": (lambda: V2.RandomZoomOut(fill={tv_tensors.Image: 127, tv_tensors.Mask: 0}, p=0.7),
                      lambda: TV2.RandomZoomOut(fill={TVT.Image: 127, TVT.Mask: 0}, p=0.7)),
    "RandomZoomOut-vector-fill": (
        lambda: V2.RandomZoomOut(fill={tv_tensors.Image: (123, 117, 104), "others": 0}, side_range=(1.0, 2.0)),
        lambda: TV2.RandomZoomOut(fill={TVT.Image: (123, 117, 104), "others": 0}, side_range=(1.0, 2.0))),
    "Pad-vector-fill": (lambda: V2.Pad([3, 1], fill={tv_tensors.Image: [7, 8, 9], "others": 2}),
                        lambda: TV2.Pad([3, 1], fill={TVT.Image: [7, 8, 9], "others": 2})),
    "RandomIoUCrop": (lambda: V2.RandomIoUCrop(), lambda: TV2.RandomIoUCrop()),
    "RandomHorizontalFlip": (lambda: V2.RandomHorizontalFlip(), lambda: TV2.RandomHorizontalFlip()),
    "RandomVerticalFlip": (lambda: V2.RandomVerticalFlip(0.7), lambda: TV2.RandomVerticalFlip(0.7)),
    "RandomRotation": (lambda: V2.RandomRotation(30), lambda: TV2.RandomRotation(30)),
    "RandomRotation-expand": (lambda: V2.RandomRotation(40, expand=True), lambda: TV2.RandomRotation(40, expand=True)),
    "RandomAffine": (lambda: V2.RandomAffine(15, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=(-5, 5, -3, 3)),
                     lambda: TV2.RandomAffine(15, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=(-5, 5, -3, 3))),
    "RandomPerspective": (lambda: V2.RandomPerspective(0.4, p=0.8), lambda: TV2.RandomPerspective(0.4, p=0.8)),
    "ElasticTransform": (lambda: V2.ElasticTransform(alpha=20.0, sigma=2.0),
                         lambda: TV2.ElasticTransform(alpha=20.0, sigma=2.0)),
    "ClampBoundingBoxes": (lambda: V2.ClampBoundingBoxes(), lambda: TV2.ClampBoundingBoxes()),
    "ClampKeyPoints": (lambda: V2.ClampKeyPoints(), lambda: TV2.ClampKeyPoints()),
    "ConvertBoundingBoxFormat": (lambda: V2.ConvertBoundingBoxFormat("CXCYWH"),
                                 lambda: TV2.ConvertBoundingBoxFormat("CXCYWH")),
    "SetClampingMode": (lambda: V2.SetClampingMode(None), lambda: TV2.SetClampingMode(None)),
    "SanitizeBoundingBoxes": (lambda: V2.SanitizeBoundingBoxes(min_size=3),
                              lambda: TV2.SanitizeBoundingBoxes(min_size=3)),
    "SanitizeKeyPoints": (lambda: V2.SanitizeKeyPoints(), lambda: TV2.SanitizeKeyPoints()),
    "RandomPhotometricDistort": (lambda: V2.RandomPhotometricDistort(p=0.6),
                                 lambda: TV2.RandomPhotometricDistort(p=0.6)),
    "ColorJitter-passes-boxes": (lambda: V2.ColorJitter(0.3, 0.3), lambda: TV2.ColorJitter(0.3, 0.3)),
    "GaussianBlur-passes-masks": (lambda: V2.GaussianBlur(3), lambda: TV2.GaussianBlur(3)),
    "ToDtype-dict": (lambda: V2.ToDtype({tv_tensors.Image: nt.float32, tv_tensors.Mask: nt.int64, "others": None},
                                        scale=True),
                     lambda: TV2.ToDtype({TVT.Image: torch.float32, TVT.Mask: torch.int64, "others": None},
                                         scale=True)),
    "ToPureTensor": (lambda: V2.ToPureTensor(), lambda: TV2.ToPureTensor()),
    "Compose-detection": (
        lambda: V2.Compose([V2.RandomPhotometricDistort(p=1), V2.RandomZoomOut(fill=0), V2.RandomIoUCrop(),
                            V2.RandomHorizontalFlip(p=1), V2.Resize((24, 24)), V2.ClampBoundingBoxes(),
                            V2.SanitizeBoundingBoxes(), V2.ToDtype(nt.float32, scale=True)]),
        lambda: TV2.Compose([TV2.RandomPhotometricDistort(p=1), TV2.RandomZoomOut(fill=0), TV2.RandomIoUCrop(),
                             TV2.RandomHorizontalFlip(p=1), TV2.Resize((24, 24)), TV2.ClampBoundingBoxes(),
                             TV2.SanitizeBoundingBoxes(), TV2.ToDtype(torch.float32, scale=True)])),
}


@pytest.mark.parametrize("fmt", ["XYXY", "CXCYWH"])
@pytest.mark.parametrize("name", list(CASES))
def test_detection_sample_matches_torchvision(name, fmt):
    make_nt, make_tv = CASES[name]
    for seed in (0, 1):
        run_both(make_nt, make_tv, sample(fmt), seed=seed)


@pytest.mark.parametrize("name", ["RandomIoUCrop", "RandomRotation", "RandomResizedCrop", "SanitizeBoundingBoxes",
                                  "RandomZoomOut"])
def test_detection_tuple_and_pil_samples(name):
    make_nt, make_tv = CASES[name]
    run_both(make_nt, make_tv, sample(kind="tuple"), seed=2)
    run_both(make_nt, make_tv, sample(image="pil"), seed=3)


def test_sanitize_labels_getter_and_errors():
    for getter in (lambda s: (s["labels"], s["masks"]), None):
        run_both(lambda: V2.SanitizeBoundingBoxes(labels_getter=getter),
                 lambda: TV2.SanitizeBoundingBoxes(labels_getter=getter), sample(), calls=1)
    pair = sample()
    pair[0]["kp_labels"], pair[1]["kp_labels"] = nt.arange(4), torch.arange(4)
    for getter in (lambda s: s["kp_labels"], None):
        run_both(lambda: V2.SanitizeKeyPoints(labels_getter=getter),
                 lambda: TV2.SanitizeKeyPoints(labels_getter=getter), pair, calls=1)
    for make, inp in ((lambda m: m.SanitizeBoundingBoxes(min_size=0.5), None),
                      (lambda m: m.SanitizeBoundingBoxes(labels_getter=3), None),
                      (lambda m: m.SanitizeBoundingBoxes(), lambda p: {"x": p["boxes"]}),
                      (lambda m: m.SanitizeBoundingBoxes(labels_getter=lambda s: s["labels"][:2]), lambda p: p),
                      (lambda m: m.RandomIoUCrop(), lambda p: {"image": p["image"]}),
                      (lambda m: m.FiveCrop(5), lambda p: p),
                      (lambda m: m.Pad(2, fill=[1, 2, 3]), lambda p: p),
                      (lambda m: m.MixUp(num_classes=6), lambda p: {"image": p["image"], "boxes": p["boxes"],
                                                                    "labels": p["labels"]}),
                      (lambda m: m.SetClampingMode("x"), None),
                      (lambda m: m.JPEG(0), None)):
        errs = []
        for mod, s in ((V2, sample()[0]), (TV2, sample()[1])):
            with pytest.raises(Exception) as e:
                t = make(mod)
                t(inp(s))
            errs.append(e.value)
        assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1]), errs


def test_random_erasing_warns_and_passes_boxes_through():
    import warnings
    s_nt, s_tv = sample()
    msgs, outs = [], []
    for t, s in ((V2.RandomErasing(p=1.0), s_nt), (TV2.RandomErasing(p=1.0), s_tv)):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            outs.append(t(s))
        msgs.append(sorted(str(w.message) for w in rec))
    assert msgs[0] == msgs[1] and len(msgs[0]) == 3, msgs
    for k in ("boxes", "masks", "keypoints", "labels"):
        assert outs[0][k] is s_nt[k] and outs[1][k] is s_tv[k]


def test_jpeg_pil_matches_torchvision():
    run_both(lambda: V2.JPEG((20, 90)), lambda: TV2.JPEG((20, 90)), sample(image="pil"))
    # tensors go through Pillow's libjpeg; compared with Pillow on the same image
    img = tv_tensors.Image(nt.from_numpy(IMG.copy()))
    pil = Image.fromarray(np.ascontiguousarray(IMG.transpose(1, 2, 0)))
    got = VF.jpeg(img, 50)
    assert isinstance(got, tv_tensors.Image)
    np.testing.assert_array_equal(got.numpy().transpose(1, 2, 0), np.asarray(TVF.jpeg(pil, 50)))


def test_uniform_temporal_subsample():
    vid = RNG_VIDEO.copy()
    for n in (3, 7, 12):
        got = V2.UniformTemporalSubsample(n)(tv_tensors.Video(nt.from_numpy(vid)))
        want = TV2.UniformTemporalSubsample(n)(TVT.Video(torch.from_numpy(vid.copy())))
        assert isinstance(got, tv_tensors.Video)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert VF.get_num_frames(tv_tensors.Video(nt.from_numpy(vid))) == TVF.get_num_frames(TVT.Video(
            torch.from_numpy(vid.copy())))


RNG_VIDEO = np.random.default_rng(5).integers(0, 255, (7, 3, 6, 5), dtype=np.uint8)


@pytest.mark.parametrize("all_ops", [True, False])
def test_augmix_with_fixed_dirichlet(all_ops):
    """The Dirichlet draws are fixed on both sides (torch samples them with its own Gamma kernel, not
    reproduced); the operation, depth and magnitude draws come from the script."""
    def fixed(t):
        t._sample_dirichlet = lambda params: (nt if isinstance(t, V2.AugMix) else torch).from_numpy(
            np.tile(np.linspace(1.0, 2.0, params.shape[1], dtype=np.float32) / np.float32(
                np.linspace(1.0, 2.0, params.shape[1]).sum()), (params.shape[0], 1)))
    pair = [{"image": s["image"], "labels": s["labels"]} for s in sample()]
    run_both(lambda: V2.AugMix(all_ops=all_ops), lambda: TV2.AugMix(all_ops=all_ops), pair, prep=fixed)
    errs = []
    for mod, s in ((V2, sample()[0]), (TV2, sample()[1])):
        with pytest.raises(TypeError) as e:
            mod.AugMix()(s)
        errs.append(str(e.value))
    assert errs[0] == errs[1]


def test_sample_utilities():
    s_nt, s_tv = sample()
    flat_nt, flat_tv = list(s_nt.values())[:-1], list(s_tv.values())[:-1]   # without the labels
    assert V2.query_size(flat_nt) == TV2.query_size(flat_tv)
    assert V2.query_chw(flat_nt) == TV2.query_chw(flat_tv)
    same(V2.get_bounding_boxes(flat_nt), TV2.get_bounding_boxes(flat_tv))
    same(V2.get_keypoints(flat_nt), TV2.get_keypoints(flat_tv))
    assert V2.has_any(flat_nt, tv_tensors.Mask) and V2.has_all(flat_nt, tv_tensors.Mask, tv_tensors.Image)
    assert not V2.has_all(flat_nt, tv_tensors.Video) and V2.check_type(flat_nt[0], (tv_tensors.Image,))
    for fn in ("query_size", "query_chw", "get_bounding_boxes", "get_keypoints"):
        errs = []
        for mod, flat in ((V2, [nt.zeros(3, 4, 5), tv_tensors.Mask(nt.zeros(2, 5)), nt.zeros(3)]),
                          (TV2, [torch.zeros(3, 4, 5), TVT.Mask(torch.zeros(2, 5)), torch.zeros(3)])):
            with pytest.raises(Exception) as e:
                getattr(mod, fn)(flat)
            errs.append(e.value)
        assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1])


def _public(mod):
    return sorted(n for n in dir(mod) if not n.startswith("_"))


def test_namespaces_equal_torchvision():
    """dir() of v2, v2.functional and tv_tensors as torchvision's. Exceptions: torchvision.tv_tensors shows the
    module ``torch`` it imports (not a name of its API)."""
    assert _public(V2) == _public(TV2)
    assert _public(VF) == _public(TVF)
    assert _public(tv_tensors) == sorted(set(_public(TVT)) - {"torch"})
    assert sorted(VF.__all__) == [n for n in _public(TVF) if callable(getattr(TVF, n))]


@pytest.mark.parametrize("name", ["RandomIoUCrop", "RandomZoomOut", "RandomAffine", "RandomResizedCrop",
                                  "RandomPerspective", "RandomPhotometricDistort", "ScaleJitter", "RandomCrop",
                                  "Compose-detection"])
def test_seeded_generators_agree(name):
    """Without the script: numtorch's generator reproduces torch's mt19937 stream, so seeding both gives the
    same parameter draws and the same outputs."""
    make_nt, make_tv = CASES[name]
    s_nt, s_tv = sample()
    for seed in (0, 7):
        nt.manual_seed(seed)
        torch.manual_seed(seed)
        compare(make_nt()(s_nt), make_tv()(s_tv))
