"""numtorch.vision: dataset files in the real formats, the restricted unpickler, transforms by formula
(torchvision is not installed: the torch oracle computes the formulas), the Digits dataset, the shim."""
import gzip
import os
import pickle
import struct
import subprocess
import sys
import tarfile

import numpy as np
import pytest

import numtorch as nt
from numtorch.utils.data import DataLoader
from numtorch.vision import datasets, transforms
from numtorch.vision.transforms import functional as VF
from conftest import torch, assert_close

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLASSES = "airplane automobile bird cat deer dog frog horse ship truck".split()


def write_cifar10(root, per_batch=6, str_keys=False, seed=0):
    """A small CIFAR-10 in the official python format: pickled dicts of a uint8 (N, 3072) array and labels."""
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    k = (lambda s: s) if str_keys else (lambda s: s.encode())
    content = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, per_batch)]
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump({k("batch_label"): name.encode(), k("labels"): labels, k("data"): data,
                         k("filenames"): [f"{i}.png".encode() for i in range(per_batch)]}, f, protocol=2)
        content[name] = (data, labels)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({k("label_names"): [c.encode() for c in CLASSES], k("num_cases_per_batch"): per_batch,
                     k("num_vis"): 3072}, f, protocol=2)
    return content


@pytest.mark.parametrize("str_keys", [False, True])
def test_cifar10_reads_official_format(tmp_path, str_keys):
    content = write_cifar10(str(tmp_path), str_keys=str_keys)
    train = datasets.CIFAR10(str(tmp_path), train=True, download=True)
    test = datasets.CIFAR10(str(tmp_path), train=False)
    assert len(train) == 30 and len(test) == 6
    assert train.classes == CLASSES and train.class_to_idx["cat"] == 3
    raw = np.concatenate([content[f"data_batch_{i}"][0] for i in range(1, 6)])
    labels = sum((content[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    assert train.targets == labels and test.targets == content["test_batch"][1]
    # the 3072 bytes are the R plane, the G plane, the B plane of a 32x32 image
    hwc = raw.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    assert np.array_equal(train.data, hwc) and train.data.dtype == np.uint8
    img, y = train[7]
    assert np.array_equal(np.asarray(img), hwc[7]) and y == labels[7]
    # with ToTensor: CHW float32 = bytes / 255, exactly what torch computes
    ds = datasets.CIFAR10(str(tmp_path), train=True, transform=transforms.ToTensor(),
                          target_transform=lambda t: t + 100)
    x, y = ds[3]
    want = torch.from_numpy(raw[3].reshape(3, 32, 32).copy()).float().div(255)
    assert_close(x, want, rtol=0, atol=0)
    assert y == labels[3] + 100
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.shape == (4, 3, 32, 32) and xb.dtype == nt.float32 and yb.dtype == nt.int64
    assert_close(xb, torch.from_numpy(raw[:4].reshape(4, 3, 32, 32).copy()).float().div(255), rtol=0, atol=0)


def test_cifar100_fine_labels(tmp_path):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name, n in (("train", 5), ("test", 3)):
        with open(folder / name, "wb") as f:
            pickle.dump({"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                         "fine_labels": list(range(n)), "coarse_labels": [0] * n}, f, protocol=2)
    with open(folder / "meta", "wb") as f:
        pickle.dump({"fine_label_names": [f"c{i}" for i in range(100)], "coarse_label_names": ["x"]}, f, protocol=2)
    ds = datasets.CIFAR100(str(tmp_path), train=False)
    assert len(ds) == 3 and ds.targets == [0, 1, 2] and len(ds.classes) == 100


class _Payload:
    """Unpickling this runs a command: what a malicious dataset file would contain."""

    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


class _EvalPayload:
    def __init__(self, code):
        self.code = code

    def __reduce__(self):
        return (eval, (self.code,))


@pytest.mark.parametrize("payload_kind", ["os.system", "eval", "nested"])
def test_malicious_cifar_pickle_is_refused_not_executed(tmp_path, payload_kind):
    write_cifar10(str(tmp_path))
    marker = tmp_path / "pwned"
    cmd = f"touch {marker}"
    if payload_kind == "os.system":
        obj = _Payload(cmd)
    elif payload_kind == "eval":
        obj = _EvalPayload(f"open({str(marker)!r}, 'w').close()")
    else:
        obj = {b"data": np.zeros((1, 3072), np.uint8), b"labels": [_Payload(cmd)]}
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_2", "wb") as f:
        pickle.dump(obj, f, protocol=2)
    # sanity: plain pickle really would execute it (so the test can fail)
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_2", "rb") as f:
        blob = f.read()
    assert b"system" in blob or b"eval" in blob
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        datasets.CIFAR10(str(tmp_path), train=True)
    assert not marker.exists()


def test_restricted_unpickler_accepts_numpy_arrays_and_scalars():
    from numtorch.vision.datasets._safe_pickle import safe_load
    obj = {"a": np.arange(12, dtype=np.float32).reshape(3, 4), "b": [1, 2.5, "x", b"y"], "c": np.int64(7),
           "d": np.array([[1, 2]], dtype=">i4")}
    for proto in (2, 4, 5):
        back = safe_load(pickle.dumps(obj, protocol=proto))
        assert np.array_equal(back["a"], obj["a"]) and back["a"].dtype == np.float32
        assert back["b"] == obj["b"] and back["c"] == 7 and np.array_equal(back["d"], obj["d"])
    with pytest.raises(pickle.UnpicklingError):
        safe_load(pickle.dumps(os.getcwd))   # any other global (here os.getcwd) is refused


def test_missing_cifar_files_error_says_what_to_put_where(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.CIFAR10(str(tmp_path / "data"), train=True, download=True)
    msg = str(e.value)
    assert "data_batch_1" in msg and "test_batch" in msg and "batches.meta" in msg
    assert os.path.join(str(tmp_path / "data"), "cifar-10-batches-py") in msg


def test_cifar_download_extracts_archive_already_present(tmp_path):
    src = tmp_path / "src"
    content = write_cifar10(str(src))
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(str(src / "cifar-10-batches-py"), arcname="cifar-10-batches-py")
    ds = datasets.CIFAR10(str(tmp_path), train=False, download=True)
    assert ds.targets == content["test_batch"][1]


def _write_idx(path, arr, gz):
    codes = {np.uint8: 0x08, np.int32: 0x0C}
    header = struct.pack(">BBBB", 0, 0, codes[arr.dtype.type], arr.ndim) + struct.pack(f">{arr.ndim}i", *arr.shape)
    body = header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    with (gzip.open(path + ".gz", "wb") if gz else open(path, "wb")) as f:
        f.write(body)


@pytest.mark.parametrize("cls,gz", [("MNIST", True), ("MNIST", False), ("FashionMNIST", True)])
def test_mnist_idx_files(tmp_path, cls, gz):
    raw = tmp_path / cls / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(2)
    imgs = {p: rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) for p, n in (("train", 7), ("t10k", 4))}
    labels = {p: rng.integers(0, 10, len(imgs[p])).astype(np.uint8) for p in imgs}
    for p in imgs:
        _write_idx(str(raw / f"{p}-images-idx3-ubyte"), imgs[p], gz)
        _write_idx(str(raw / f"{p}-labels-idx1-ubyte"), labels[p], gz)
    ds = getattr(datasets, cls)(str(tmp_path), train=False, transform=transforms.ToTensor())
    assert len(ds) == 4
    assert ds.data.dtype == nt.uint8 and ds.targets.dtype == nt.int64
    assert np.array_equal(ds.data.numpy(), imgs["t10k"]) and ds.targets.tolist() == labels["t10k"].tolist()
    x, y = ds[2]
    assert_close(x, torch.from_numpy(imgs["t10k"][2].copy()).float().div(255)[None], rtol=0, atol=0)
    assert y == int(labels["t10k"][2]) and isinstance(y, int)
    assert len(getattr(datasets, cls)(str(tmp_path), train=True)) == 7
    # a corrupt file is reported, not misread
    bad = raw / "t10k-images-idx3-ubyte"
    for f in raw.iterdir():
        if f.name.startswith("t10k-images"):
            f.unlink()
    bad.write_bytes(b"\x01\x02\x03\x04garbage")
    with pytest.raises(RuntimeError, match="not an idx file"):
        getattr(datasets, cls)(str(tmp_path), train=False)


def test_mnist_missing_files_error(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path), download=True)
    assert "train-images-idx3-ubyte" in str(e.value) and os.path.join(str(tmp_path), "MNIST", "raw") in str(e.value)


def test_image_folder(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(3)
    arrays = {}
    for cls in ("dog", "cat"):
        (tmp_path / cls).mkdir()
        for i in range(2):
            a = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
            Image.fromarray(a).save(tmp_path / cls / f"{i}.png")
            arrays[(cls, i)] = a
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1} and len(ds) == 4
    x, y = ds[2]
    assert y == 1
    assert_close(x, torch.from_numpy(arrays[("dog", 0)].copy()).permute(2, 0, 1).float().div(255), rtol=0, atol=0)


# ------------------------------------------------------------------------------------------ transforms
def test_to_tensor_matches_formula(rng):
    hwc = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    want = torch.from_numpy(hwc.copy()).permute(2, 0, 1).contiguous().float().div(255)
    assert_close(transforms.ToTensor()(hwc), want, rtol=0, atol=0)
    hw = hwc[:, :, 0].copy()
    assert_close(transforms.ToTensor()(hw), torch.from_numpy(hw.copy()).float().div(255)[None], rtol=0, atol=0)
    f = rng.standard_normal((4, 4, 2)).astype(np.float32)    # non-uint8 data is not rescaled
    assert_close(transforms.ToTensor()(f), torch.from_numpy(f.copy()).permute(2, 0, 1), rtol=0, atol=0)
    Image = pytest.importorskip("PIL.Image")
    assert_close(transforms.ToTensor()(Image.fromarray(hwc)), want, rtol=0, atol=0)
    assert_close(transforms.PILToTensor()(Image.fromarray(hwc)), torch.from_numpy(hwc.copy()).permute(2, 0, 1))
    with pytest.raises(TypeError):
        transforms.ToTensor()([1, 2, 3])


def test_normalize_and_compose_match_formula(rng):
    hwc = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
    t = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    x = torch.from_numpy(hwc.copy()).permute(2, 0, 1).float().div(255)
    want = x.sub(torch.tensor(mean).view(3, 1, 1)).div(torch.tensor(std).view(3, 1, 1))
    assert_close(t(hwc), want, rtol=0, atol=0)
    batch = nt.from_numpy(rng.standard_normal((2, 3, 4, 4)).astype(np.float64))
    out = VF.normalize(batch, mean, std)
    tb = torch.from_numpy(batch.numpy().copy())
    assert_close(out, tb.sub(torch.tensor(mean, dtype=torch.float64).view(3, 1, 1))
                 .div(torch.tensor(std, dtype=torch.float64).view(3, 1, 1)), rtol=0, atol=0)
    y = batch.clone()
    assert VF.normalize(y, mean, std, inplace=True) is y
    assert_close(y, out.numpy(), rtol=0, atol=0, check_dtype=False)
    with pytest.raises(TypeError, match="float tensor"):
        VF.normalize(nt.zeros(3, 2, 2, dtype=nt.uint8), mean, std)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        VF.normalize(nt.zeros(3, 2, 2), mean, (1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=r"\(..., C, H, W\)"):
        VF.normalize(nt.zeros(2, 2), (0.5,), (0.5,))
    assert transforms.Lambda(lambda v: v * 2)(3) == 6


def test_flips(rng):
    hwc = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    assert np.array_equal(transforms.RandomHorizontalFlip(p=1.0)(hwc), hwc[:, ::-1])
    assert transforms.RandomHorizontalFlip(p=0.0)(hwc) is hwc
    t = nt.from_numpy(rng.standard_normal((2, 3, 4, 5)).astype(np.float32))
    assert_close(transforms.RandomHorizontalFlip(1.0)(t), torch.from_numpy(t.numpy().copy()).flip(-1))
    assert_close(transforms.RandomVerticalFlip(1.0)(t), torch.from_numpy(t.numpy().copy()).flip(-2))
    nt.manual_seed(0)
    n = sum(transforms.RandomHorizontalFlip()(t) is not t for _ in range(2000))
    assert 850 < n < 1150                         # p = 0.5


@pytest.mark.parametrize("padding,mode", [(None, "constant"), (4, "constant"), ((1, 2), "edge"),
                                          ((1, 2, 3, 0), "reflect"), (2, "symmetric")])
def test_random_crop_is_a_window_of_the_padded_image(rng, padding, mode):
    t = torch.from_numpy(rng.standard_normal((3, 8, 9)).astype(np.float32))
    if padding is None:
        padded = t
    else:
        p = (padding,) * 4 if isinstance(padding, int) else (padding * 2 if len(padding) == 2 else padding)
        tmode = {"edge": "replicate"}.get(mode, mode)
        if mode == "symmetric":   # torch.nn.functional.pad has no symmetric mode: NumPy's is the oracle
            padded = torch.from_numpy(np.pad(t.numpy(), ((0, 0), (p[1], p[3]), (p[0], p[2])), mode="symmetric"))
        else:
            padded = torch.nn.functional.pad(t[None], (p[0], p[2], p[1], p[3]), mode=tmode)[0]
    crop = transforms.RandomCrop((6, 7), padding=padding, padding_mode=mode)
    nt.manual_seed(1)
    positions = set()
    for _ in range(30):
        out = crop(nt.from_numpy(t.numpy().copy()))
        assert out.shape == (3, 6, 7)
        H, W = padded.shape[1:]
        hits = [(i, j) for i in range(H - 5) for j in range(W - 6)
                if torch.equal(padded[:, i:i + 6, j:j + 7], torch.from_numpy(out.numpy().copy()))]
        assert hits, "the crop is not a window of the padded image"
        positions.add(hits[0])
    assert len(positions) > 3                      # the position is random
    hwc = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    assert transforms.RandomCrop(8, padding=2)(hwc).shape == (8, 8, 3)
    with pytest.raises(ValueError, match="larger than input image size"):
        transforms.RandomCrop(10)(hwc)


@pytest.mark.parametrize("size", [(5, 7), (16, 12), (3, 3), 6])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_resize_matches_interpolate(rng, size, mode):
    x = rng.standard_normal((2, 3, 8, 10)).astype(np.float32)
    out = transforms.Resize(size, interpolation=mode, antialias=False)(nt.from_numpy(x))
    oh, ow = (size, int(size * 10 / 8)) if isinstance(size, int) else size
    kw = {} if mode == "nearest" else dict(align_corners=False, antialias=False)
    want = torch.nn.functional.interpolate(torch.from_numpy(x), size=(oh, ow), mode=mode, **kw)
    assert_close(out, want, rtol=1e-5, atol=1e-5)
    # arrays in H x W x C layout resize the same way
    hwc = np.ascontiguousarray(x[0].transpose(1, 2, 0))
    out = transforms.Resize(size, interpolation=mode, antialias=False)(hwc)
    assert np.allclose(out, want[0].permute(1, 2, 0).numpy(), atol=1e-5)


def test_convert_image_dtype_matches_formula(rng):
    u8 = rng.integers(0, 256, (3, 4, 4), dtype=np.uint8)
    out = transforms.ConvertImageDtype(nt.float32)(nt.from_numpy(u8))
    assert_close(out, torch.from_numpy(u8.copy()).float() / 255, rtol=0, atol=0)
    f = nt.from_numpy(np.linspace(0, 1, 48, dtype=np.float32).reshape(3, 4, 4))
    back = transforms.ConvertImageDtype(nt.uint8)(f)
    assert_close(back, (torch.from_numpy(f.numpy().copy()) * (255 + 1.0 - 1e-3)).to(torch.uint8), rtol=0, atol=0)
    assert back.numpy().max() == 255 and back.numpy().min() == 0


def test_transforms_run_in_workers_and_match_main_process(tmp_path):
    write_cifar10(str(tmp_path), per_batch=10)
    tf = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(),
                             transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.25,) * 3)])
    ds = datasets.CIFAR10(str(tmp_path), train=True, transform=tf)
    got = list(DataLoader(ds, batch_size=16, num_workers=2))
    assert [b[0].shape[0] for b in got] == [16, 16, 16, 2]
    assert all(b[0].dtype == nt.float32 for b in got)
    ds_plain = datasets.CIFAR10(str(tmp_path), train=True, transform=transforms.ToTensor())
    a = [b[0].numpy().copy() for b in DataLoader(ds_plain, batch_size=16)]
    b = [b[0].numpy().copy() for b in DataLoader(ds_plain, batch_size=16, num_workers=2)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b)) and len(a) == len(b)


# ------------------------------------------------------------------------------------------ digits, shim
def test_digits_dataset():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits
    d = load_digits()
    train = datasets.Digits(train=True)
    test = datasets.Digits(train=False, transform=transforms.ToTensor())
    assert len(train) + len(test) == len(d.target) == 1797
    counts = np.bincount(test.targets, minlength=10) / np.bincount(d.target, minlength=10)
    assert np.all(np.abs(counts - 0.2) < 0.02)           # stratified 80/20 split
    x, y = test[0]
    assert x.shape == (1, 8, 8) and x.dtype == nt.float32 and 0 <= x.min().item() and x.max().item() <= 1
    # every image is one of sklearn's images, rescaled 0..16 -> 0..255
    scaled = np.round(d.images * 255 / 16).astype(np.uint8).reshape(len(d.images), -1)
    ref = {(row.tobytes(), int(t)) for row, t in zip(scaled, d.target)}
    assert all((train.data[i].reshape(-1).tobytes(), train.targets[i]) in ref for i in range(0, len(train), 50))
    assert datasets.Digits(train=True).targets == train.targets       # the split is fixed


def test_torchvision_paths_under_numtorch_run(tmp_path):
    write_cifar10(str(tmp_path / "dataset"), per_batch=3)
    script = tmp_path / "s.py"
    script.write_text(
        "import torchvision\n"
        "from torchvision import transforms\n"
        "from torchvision.transforms import ToTensor\n"
        "from torch.utils.data import DataLoader\n"
        "ds = torchvision.datasets.CIFAR10(root='./dataset', train=False, download=True,\n"
        "                                  transform=torchvision.transforms.ToTensor())\n"
        "x, y = next(iter(DataLoader(ds, batch_size=2)))\n"
        "print(type(ds).__module__, ToTensor is transforms.ToTensor, tuple(x.shape), y.dtype)\n")
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", str(script)], cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=ROOT))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["numtorch.vision.datasets.cifar", "True", "(2,", "3,", "32,", "32)", "torch.int64"]
