"""numtorch.vision.datasets against real torchvision.datasets on tiny fake files written in the official layouts:
same lengths, same images (as arrays), same targets. torchvision checks md5 sums of the real releases, so its
``check_integrity`` is patched to a file-exists test for these fakes."""
import gzip
import json
import os
import struct

import numpy as np
import pytest
from PIL import Image

import numtorch as nt
from numtorch.vision import datasets as D
from conftest import torch, import_torchvision


@pytest.fixture
def tv(monkeypatch):
    tv = import_torchvision()
    exists = lambda fpath, md5=None: os.path.isfile(fpath)  # noqa: E731
    for mod in ("mnist", "svhn", "stl10", "flowers102", "celeba"):
        monkeypatch.setattr(getattr(tv.datasets, mod), "check_integrity", exists)
    return tv


def _same(a, b):
    """Deep comparison of a numtorch sample part with torchvision's."""
    if isinstance(b, Image.Image):
        assert isinstance(a, Image.Image) and a.mode == b.mode and a.size == b.size
        assert np.array_equal(np.asarray(a), np.asarray(b))
    elif isinstance(b, torch.Tensor):
        assert isinstance(a, nt.Tensor) and str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        assert np.array_equal(a.numpy(), b.numpy())
    elif isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    elif isinstance(b, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(b, dict):
        assert isinstance(a, dict) and list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    else:
        assert type(a) is type(b) and a == b, (a, b)


def _same_dataset(ours, theirs):
    assert len(ours) == len(theirs)
    for i in range(len(theirs)):
        _same(ours[i], theirs[i])


def _idx(path, arr, gz=False):
    code = {np.uint8: 0x08, np.int32: 0x0C}[arr.dtype.type]
    head = bytes([0, 0, code, arr.ndim]) + struct.pack(">" + "i" * arr.ndim, *arr.shape)
    body = head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with (gzip.open(path + ".gz", "wb") if gz else open(path, "wb")) as f:
        f.write(body)


def _img(path, rng, size=(6, 5), mode="RGB"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)).save(path)


# ---------------------------------------------------------------------------------------------------- MNIST family
@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST", "KMNIST"])
def test_mnist_family(tv, tmp_path, name):
    rng = np.random.default_rng(0)
    raw = str(tmp_path / name / "raw")
    for p, n in (("train", 7), ("t10k", 4)):
        _idx(os.path.join(raw, f"{p}-images-idx3-ubyte"), rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        _idx(os.path.join(raw, f"{p}-labels-idx1-ubyte"), rng.integers(0, 10, n, dtype=np.uint8))
    for train in (True, False):
        ours, theirs = getattr(D, name)(str(tmp_path), train=train), getattr(tv.datasets, name)(str(tmp_path), train=train)
        _same_dataset(ours, theirs)
        assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
        _same(ours.targets, theirs.targets)
        assert repr(ours).splitlines()[1:] == repr(theirs).splitlines()[1:]


@pytest.mark.parametrize("split", ["byclass", "letters", "digits"])
def test_emnist(tv, tmp_path, split):
    rng = np.random.default_rng(1)
    raw = str(tmp_path / "EMNIST" / "raw")
    for p, n in (("train", 5), ("test", 3)):
        _idx(os.path.join(raw, f"emnist-{split}-{p}-images-idx3-ubyte"), rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        _idx(os.path.join(raw, f"emnist-{split}-{p}-labels-idx1-ubyte"), rng.integers(0, 10, n, dtype=np.uint8))
    for train in (True, False):
        ours, theirs = D.EMNIST(str(tmp_path), split, train=train), tv.datasets.EMNIST(str(tmp_path), split, train=train)
        _same_dataset(ours, theirs)
        assert ours.classes == theirs.classes
    with pytest.raises(ValueError, match="Unknown value 'nope' for argument split"):
        D.EMNIST(str(tmp_path), "nope")


@pytest.mark.parametrize("what,compat", [("train", True), ("test", False), ("test10k", True), ("test50k", False),
                                         ("nist", True)])
def test_qmnist(tv, tmp_path, what, compat):
    rng = np.random.default_rng(2)
    raw = str(tmp_path / "QMNIST" / "raw")
    for prefix, n in (("qmnist-train", 5), ("qmnist-test", 10003), ("xnist", 4)):
        _idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte"), rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        _idx(os.path.join(raw, f"{prefix}-labels-idx2-int"), rng.integers(0, 1000, (n, 8)).astype(np.int32))
    ours, theirs = D.QMNIST(str(tmp_path), what=what, compat=compat), tv.datasets.QMNIST(str(tmp_path), what=what,
                                                                                           compat=compat)
    assert len(ours) == len(theirs)
    for i in list(range(3)) + [len(theirs) - 1]:
        _same(ours[i], theirs[i])
    _same(ours.targets, theirs.targets)


def test_mnist_missing_files_error(tmp_path):
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte.gz.*numtorch does not download"):
        D.MNIST(str(tmp_path), download=True)
    with pytest.raises(RuntimeError, match="emnist-digits-train-images-idx3-ubyte"):
        D.EMNIST(str(tmp_path), "digits", download=True)
    with pytest.raises(RuntimeError, match="qmnist-test-labels-idx2-int"):
        D.QMNIST(str(tmp_path), what="test", download=True)


# ---------------------------------------------------------------------------------------------------- SVHN / STL10
def test_svhn(tv, tmp_path):
    from scipy.io import savemat
    rng = np.random.default_rng(3)
    for split, n, compress in (("train", 6, False), ("test", 4, True)):
        X = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        y = rng.integers(1, 11, (n, 1)).astype(np.uint8)
        savemat(str(tmp_path / f"{split}_32x32.mat"), {"X": X, "y": y}, do_compression=compress)
        ours, theirs = D.SVHN(str(tmp_path), split=split), tv.datasets.SVHN(str(tmp_path), split=split)
        _same_dataset(ours, theirs)
        assert np.array_equal(ours.data, theirs.data) and np.array_equal(ours.labels, theirs.labels)
        assert ours.labels.dtype == theirs.labels.dtype
    with pytest.raises(RuntimeError, match="extra_32x32.mat.*numtorch does not download"):
        D.SVHN(str(tmp_path), split="extra", download=True)


def test_stl10(tv, tmp_path):
    rng = np.random.default_rng(4)
    folder = tmp_path / "stl10_binary"
    folder.mkdir()
    for name, n in (("train", 5), ("test", 3), ("unlabeled", 2)):
        (folder / f"{name}_X.bin").write_bytes(rng.integers(0, 256, n * 3 * 96 * 96, dtype=np.uint8).tobytes())
        if name != "unlabeled":
            (folder / f"{name}_y.bin").write_bytes(rng.integers(1, 11, n, dtype=np.uint8).tobytes())
    (folder / "class_names.txt").write_text("\n".join(f"c{i}" for i in range(10)) + "\n")
    (folder / "fold_indices.txt").write_text("\n".join(" ".join(str(j) for j in rng.permutation(5)[:3])
                                                       for _ in range(10)) + "\n")
    for split, folds in (("train", None), ("train", 3), ("test", None), ("unlabeled", None),
                         ("train+unlabeled", 1)):
        ours = D.STL10(str(tmp_path), split=split, folds=folds)
        theirs = tv.datasets.STL10(str(tmp_path), split=split, folds=folds)
        _same_dataset(ours, theirs)
        assert ours.classes == theirs.classes
    with pytest.raises(ValueError, match="range \\[0, 10\\)"):
        D.STL10(str(tmp_path), folds=10)


# ---------------------------------------------------------------------------------------------------- FakeData
def test_fakedata(tv):
    ours, theirs = D.FakeData(size=5, image_size=(3, 8, 6), num_classes=4, random_offset=2), \
        tv.datasets.FakeData(size=5, image_size=(3, 8, 6), num_classes=4, random_offset=2)
    assert len(ours) == len(theirs)
    state = nt.get_rng_state()
    a, b = ours[1], theirs[1]
    assert np.array_equal(state.numpy(), nt.get_rng_state().numpy())      # global generator untouched
    assert isinstance(a[0], Image.Image) and a[0].mode == b[0].mode and a[0].size == b[0].size
    assert type(a[1]) is type(b[1]) is int and 0 <= a[1] < 4
    assert np.array_equal(np.asarray(ours[1][0]), np.asarray(a[0])) and ours[1][1] == a[1]   # reproducible
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ours[5]


# ---------------------------------------------------------------------------------------------------- Flowers102
def test_flowers102(tv, tmp_path):
    from scipy.io import savemat
    rng = np.random.default_rng(5)
    base = tmp_path / "flowers-102"
    for i in range(1, 9):
        _img(str(base / "jpg" / f"image_{i:05d}.jpg"), rng)
    savemat(str(base / "imagelabels.mat"), {"labels": rng.integers(1, 103, (1, 8)).astype(np.uint8)})
    savemat(str(base / "setid.mat"), {"trnid": np.array([[1, 4, 5]], dtype=np.uint16),
                                      "valid": np.array([[2, 8]], dtype=np.uint16),
                                      "tstid": np.array([[3, 6, 7]], dtype=np.uint16)}, do_compression=True)
    for split in ("train", "val", "test"):
        _same_dataset(D.Flowers102(str(tmp_path), split=split), tv.datasets.Flowers102(str(tmp_path), split=split))
    assert D.Flowers102.classes == tv.datasets.Flowers102.classes
    with pytest.raises(RuntimeError, match="setid.mat"):
        D.Flowers102(str(tmp_path / "nowhere"), download=True)


# ---------------------------------------------------------------------------------------------------- Oxford pets
def test_oxford_iiit_pet(tv, tmp_path):
    rng = np.random.default_rng(6)
    base = tmp_path / "oxford-iiit-pet"
    ids = [("Abyssinian_1", 1, 1), ("great_pyrenees_2", 3, 2), ("american_bulldog_5", 2, 2), ("Abyssinian_7", 1, 1)]
    for name, _, _ in ids:
        _img(str(base / "images" / f"{name}.jpg"), rng)
        _img(str(base / "annotations" / "trimaps" / f"{name}.png"), rng, mode="L")
    for split, rows in (("trainval", ids[:3]), ("test", ids[3:])):
        (base / "annotations" / f"{split}.txt").write_text("".join(f"{n} {c} {b} 1\n" for n, c, b in rows))
    for split in ("trainval", "test"):
        for tt in ("category", "binary-category", "segmentation", ["category", "segmentation"], []):
            ours = D.OxfordIIITPet(str(tmp_path), split=split, target_types=tt)
            theirs = tv.datasets.OxfordIIITPet(str(tmp_path), split=split, target_types=tt)
            _same_dataset(ours, theirs)
            assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx


# ---------------------------------------------------------------------------------------------------- Caltech101
def test_caltech101(tv, tmp_path):
    from scipy.io import savemat
    rng = np.random.default_rng(7)
    base = tmp_path / "caltech101"
    for cat, ann, n in (("accordion", "accordion", 2), ("Faces", "Faces_2", 1), ("BACKGROUND_Google", None, 1)):
        for i in range(1, n + 1):
            _img(str(base / "101_ObjectCategories" / cat / f"image_{i:04d}.jpg"), rng)
            if ann:
                os.makedirs(base / "Annotations" / ann, exist_ok=True)
                savemat(str(base / "Annotations" / ann / f"annotation_{i:04d}.mat"),
                        {"obj_contour": rng.uniform(0, 50, (2, 5)), "box_coord": np.array([[1, 2, 3, 4]], np.uint16)})
    for tt in ("category", "annotation", ["category", "annotation"]):
        ours, theirs = D.Caltech101(str(tmp_path), target_type=tt), tv.datasets.Caltech101(str(tmp_path), target_type=tt)
        _same_dataset(ours, theirs)
        assert ours.categories == theirs.categories


# ---------------------------------------------------------------------------------------------------- CelebA
def test_celeba(tv, tmp_path):
    rng = np.random.default_rng(8)
    base = tmp_path / "celeba"
    names = [f"{i:06d}.jpg" for i in range(1, 7)]
    for n in names:
        _img(str(base / "img_align_celeba" / n), rng)
    (base / "img_align_celeba.zip").write_bytes(b"")
    attrs = ["Smiling", "Young", "Male"]
    (base / "list_eval_partition.txt").write_text("".join(f"{n} {i % 3}\n" for i, n in enumerate(names)))
    (base / "identity_CelebA.txt").write_text("".join(f"{n} {rng.integers(1, 99)}\n" for n in names))
    (base / "list_attr_celeba.txt").write_text(
        f"{len(names)}\n" + " ".join(attrs) + " \n"
        + "".join(f"{n} " + " ".join(f"{v:2d}" for v in rng.choice([-1, 1], 3)) + "\n" for n in names))
    (base / "list_bbox_celeba.txt").write_text(
        f"{len(names)}\nimage_id x_1 y_1 width height\n"
        + "".join(f"{n}  " + "  ".join(str(v) for v in rng.integers(0, 200, 4)) + "\n" for n in names))
    (base / "list_landmarks_align_celeba.txt").write_text(
        f"{len(names)}\nlefteye_x lefteye_y righteye_x righteye_y nose_x nose_y leftmouth_x leftmouth_y "
        f"rightmouth_x rightmouth_y\n"
        + "".join(f"{n} " + " ".join(f"{v:4d}" for v in rng.integers(0, 200, 10)) + "\n" for n in names))
    for split in ("train", "valid", "test", "all"):
        for tt in ("attr", "identity", ["bbox", "landmarks", "attr"], []):
            ours = D.CelebA(str(tmp_path), split=split, target_type=tt)
            theirs = tv.datasets.CelebA(str(tmp_path), split=split, target_type=tt)
            _same_dataset(ours, theirs)
            assert ours.attr_names == theirs.attr_names and ours.filename == list(theirs.filename)


# ---------------------------------------------------------------------------------------------------- VOC
def _voc(tmp_path, rng):
    root = tmp_path / "VOCdevkit" / "VOC2012"
    ids = ["2008_000001", "2008_000002", "2009_000003"]
    for i in ids:
        _img(str(root / "JPEGImages" / f"{i}.jpg"), rng, size=(10, 8))
        mask = Image.fromarray(rng.integers(0, 21, (8, 10), dtype=np.uint8), mode="P")
        mask.putpalette(list(rng.integers(0, 256, 768)))
        os.makedirs(root / "SegmentationClass", exist_ok=True)
        mask.save(root / "SegmentationClass" / f"{i}.png")
        objs = "".join(
            f"<object><name>{c}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>{k % 2}</difficult>"
            f"<bndbox><xmin>{1 + k}</xmin><ymin>2</ymin><xmax>{7 + k}</xmax><ymax>6</ymax></bndbox></object>"
            for k, c in enumerate(["dog", "person"][: 1 + ids.index(i) % 2]))
        os.makedirs(root / "Annotations", exist_ok=True)
        (root / "Annotations" / f"{i}.xml").write_text(
            f"<annotation>\n  <folder>VOC2012</folder>\n  <filename>{i}.jpg</filename>\n"
            f"  <size><width>10</width><height>8</height><depth>3</depth></size>\n  <segmented>1</segmented>\n"
            f"  {objs}\n</annotation>\n")
    for sub in ("Segmentation", "Main"):
        os.makedirs(root / "ImageSets" / sub, exist_ok=True)
        (root / "ImageSets" / sub / "train.txt").write_text("\n".join(ids[:2]) + "\n")
        (root / "ImageSets" / sub / "val.txt").write_text(ids[2] + "\n")


def test_voc(tv, tmp_path):
    _voc(tmp_path, np.random.default_rng(9))
    for image_set in ("train", "val"):
        _same_dataset(D.VOCSegmentation(str(tmp_path), image_set=image_set),
                      tv.datasets.VOCSegmentation(str(tmp_path), image_set=image_set))
        _same_dataset(D.VOCDetection(str(tmp_path), image_set=image_set),
                      tv.datasets.VOCDetection(str(tmp_path), image_set=image_set))
    with pytest.raises(ValueError, match="Unknown value 'test' for argument image_set"):
        D.VOCDetection(str(tmp_path), image_set="test")
    with pytest.raises(RuntimeError, match="VOCtrainval_06-Nov-2007.tar.*numtorch does not download"):
        D.VOCDetection(str(tmp_path), year="2007", download=True)
    bomb = tmp_path / "VOCdevkit" / "VOC2012" / "Annotations" / "2008_000001.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><annotation>&y;'
                    '</annotation>')
    with pytest.raises(RuntimeError, match="entity declarations are not allowed"):
        D.VOCDetection(str(tmp_path))[0]


# ---------------------------------------------------------------------------------------------------- COCO
def test_coco(tmp_path):
    """pycocotools (which torchvision's Coco datasets need) is not installed: the expected targets are built
    here from the json as pycocotools indexes it (each image's annotations in file order)."""
    rng = np.random.default_rng(10)
    images = [{"id": 42, "file_name": "b.jpg", "width": 6, "height": 5},
              {"id": 7, "file_name": "a.jpg", "width": 6, "height": 5},
              {"id": 9, "file_name": "c.png", "width": 6, "height": 5}]
    anns = [{"id": 1, "image_id": 42, "category_id": 3, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0,
             "segmentation": [[1, 1, 3, 1, 3, 3]], "caption": "a cat"},
            {"id": 5, "image_id": 7, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 0,
             "caption": "two dogs"},
            {"id": 2, "image_id": 42, "category_id": 1, "bbox": [2, 2, 1, 1], "area": 1, "iscrowd": 1,
             "caption": "a sofa"}]
    for im in images:
        _img(str(tmp_path / "imgs" / im["file_name"]), rng)
    ann_file = tmp_path / "ann.json"
    ann_file.write_text(json.dumps({"images": images, "annotations": anns, "categories": [{"id": 1, "name": "x"}]}))
    det = D.CocoDetection(str(tmp_path / "imgs"), str(ann_file))
    cap = D.CocoCaptions(str(tmp_path / "imgs"), str(ann_file))
    assert len(det) == 3 and det.ids == [7, 9, 42]
    for i, (img_id, fname) in enumerate([(7, "a.jpg"), (9, "c.png"), (42, "b.jpg")]):
        img, target = det[i]
        assert img.mode == "RGB"
        assert np.array_equal(np.asarray(img), np.asarray(Image.open(tmp_path / "imgs" / fname).convert("RGB")))
        assert target == [a for a in anns if a["image_id"] == img_id]
        assert cap[i][1] == [a["caption"] for a in anns if a["image_id"] == img_id]
    with pytest.raises(ValueError, match="Index must be of type integer"):
        det[np.int64(0).item() + 0.0]
    with pytest.raises(RuntimeError, match="missing.json"):
        D.CocoDetection(str(tmp_path), str(tmp_path / "missing.json"))


# ---------------------------------------------------------------------------------------------------- folders
def test_image_folder_matches_torchvision(tv, tmp_path):
    rng = np.random.default_rng(11)
    for cls, files in (("dog", ["b.png", "a.JPG", "sub/c.bmp", "notes.txt"]), ("cat", ["x.jpeg"]),
                       ("bird", ["y.ppm", "z.tif"])):
        for f in files:
            p = tmp_path / cls / f
            if f.endswith(".txt"):
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text("hi")
            else:
                _img(str(p), rng, mode="L" if "b" in f else "RGB")
    ours, theirs = D.ImageFolder(str(tmp_path)), tv.datasets.ImageFolder(str(tmp_path))
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and ours.targets == theirs.targets and ours.imgs == theirs.imgs
    _same_dataset(ours, theirs)
    valid = lambda p: p.endswith(".png")  # noqa: E731
    ours = D.ImageFolder(str(tmp_path), is_valid_file=valid, allow_empty=True)
    theirs = tv.datasets.ImageFolder(str(tmp_path), is_valid_file=valid, allow_empty=True)
    assert ours.samples == theirs.samples
    with pytest.raises(FileNotFoundError) as e1:
        D.ImageFolder(str(tmp_path), is_valid_file=valid)
    with pytest.raises(FileNotFoundError) as e2:
        tv.datasets.ImageFolder(str(tmp_path), is_valid_file=valid)
    assert str(e1.value) == str(e2.value)
    load = lambda p: open(p, "rb").read()  # noqa: E731
    ours = D.DatasetFolder(str(tmp_path), load, extensions=(".txt",), allow_empty=True)
    theirs = tv.datasets.DatasetFolder(str(tmp_path), load, extensions=(".txt",), allow_empty=True)
    assert ours.samples == theirs.samples
    _same_dataset(ours, theirs)
    with pytest.raises(FileNotFoundError) as e1:
        D.DatasetFolder(str(tmp_path), load, extensions=(".txt",))
    with pytest.raises(FileNotFoundError) as e2:
        tv.datasets.DatasetFolder(str(tmp_path), load, extensions=(".txt",))
    assert str(e1.value) == str(e2.value)
