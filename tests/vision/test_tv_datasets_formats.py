"""The file readers behind numtorch.vision.datasets on malformed input (sizes checked before allocating, clear
errors, nothing executed) and the offline errors that name the expected files."""
import os
import struct
import zlib

import numpy as np
import pytest

from numtorch.vision import datasets as D
from numtorch.vision.datasets._matlab import loadmat, MatReadError
from conftest import torch  # noqa: F401  (the oracle is installed with the test extra)


def _savemat(path, **arrays):
    from scipy.io import savemat
    savemat(str(path), arrays)


def test_matlab_reader_matches_scipy_on_numeric_classes(tmp_path):
    from scipy.io import loadmat as sp_loadmat
    rng = np.random.default_rng(0)
    arrays = {f"a_{np.dtype(t).name}": rng.integers(0, 100, (3, 4, 2)).astype(t)
              for t in (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.int64, np.uint64,
                        np.float32, np.float64)}
    arrays["vec"] = np.arange(5.0)
    arrays["scalar"] = np.array(3.5)
    for compress in (False, True):
        from scipy.io import savemat
        savemat(str(tmp_path / "a.mat"), arrays, do_compression=compress)
        ours, ref = loadmat(str(tmp_path / "a.mat")), sp_loadmat(str(tmp_path / "a.mat"))
        assert sorted(ours) == sorted(k for k in ref if not k.startswith("__"))
        for k in ours:
            assert ours[k].dtype == ref[k].dtype and np.array_equal(ours[k], ref[k]), k
        sq, sq_ref = loadmat(str(tmp_path / "a.mat"), squeeze_me=True), sp_loadmat(str(tmp_path / "a.mat"),
                                                                                      squeeze_me=True)
        assert sq["scalar"] == sq_ref["scalar"] and np.array_equal(sq["vec"], sq_ref["vec"])


def test_matlab_reader_rejects_malformed_files(tmp_path, monkeypatch):
    p = tmp_path / "a.mat"
    _savemat(p, X=np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
    good = p.read_bytes()
    cases = {
        "short": good[:100],
        "no endian mark": good[:126] + b"XX" + good[128:],
        "truncated element": good[:len(good) - 5],
        "hdf5": b"\x89HDF\r\n\x1a\n" + b"\0" * 200,
    }
    for name, data in cases.items():
        p.write_bytes(data)
        with pytest.raises(MatReadError):
            loadmat(str(p))
    # dimensions that claim more values than stored: refused before reshaping
    blob = bytearray(good)
    pos = blob.find(struct.pack("<iii", 2, 3, 4))
    assert pos > 0
    blob[pos:pos + 12] = struct.pack("<iii", 2000, 3000, 4000)
    p.write_bytes(bytes(blob))
    with pytest.raises(MatReadError, match="values for dimensions"):
        loadmat(str(p))
    # a compressed element expanding past the bound is refused after decompressing only up to the bound
    header = good[:128]
    payload = zlib.compress(b"\0" * (1 << 20), 9)
    p.write_bytes(header + struct.pack("<II", 15, len(payload)) + payload)
    from numtorch.vision.datasets import _matlab
    monkeypatch.setattr(_matlab, "_MAX_DECOMPRESSED", 4096)
    with pytest.raises(MatReadError, match="expands past 4096 bytes"):
        loadmat(str(p))
    monkeypatch.undo()
    assert loadmat(str(p)) == {}       # under the real bound: zeros decode to empty tags, nothing returned


def test_idx_reader_checks_sizes(tmp_path):
    from numtorch.vision.datasets.mnist import read_idx
    p = tmp_path / "x-idx3-ubyte"
    p.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">iii", 1000, 28, 28) + b"\0" * 100)
    with pytest.raises(RuntimeError, match="does not match the header"):
        read_idx(str(p))
    p.write_bytes(b"\x50\x4b\x03\x04" + b"\0" * 20)
    with pytest.raises(RuntimeError, match="bad magic number"):
        read_idx(str(p))


def test_stl10_rejects_partial_images(tmp_path):
    folder = tmp_path / "stl10_binary"
    folder.mkdir()
    (folder / "test_X.bin").write_bytes(b"\0" * (3 * 96 * 96 + 5))
    (folder / "test_y.bin").write_bytes(b"\1")
    with pytest.raises(RuntimeError, match="not a whole number"):
        D.STL10(str(tmp_path), split="test")


@pytest.mark.parametrize("make,names", [
    (lambda r: D.STL10(r, split="train", download=True), ["train_X.bin", "train_y.bin"]),
    (lambda r: D.SVHN(r, download=True), ["train_32x32.mat"]),
    (lambda r: D.Flowers102(r, download=True), ["imagelabels.mat", "setid.mat"]),
    (lambda r: D.OxfordIIITPet(r, download=True), ["images/", "annotations/"]),
    (lambda r: D.Caltech101(r, download=True), ["101_ObjectCategories/"]),
    (lambda r: D.CelebA(r, download=True), ["img_align_celeba/", "list_attr_celeba.txt", "list_eval_partition.txt"]),
    (lambda r: D.VOCSegmentation(r, download=True), ["Segmentation", "VOCtrainval_11-May-2012.tar"]),
    (lambda r: D.CocoCaptions(r, os.path.join(r, "captions_train2017.json")), ["captions_train2017.json"]),
    (lambda r: D.CIFAR100(r, download=True), ["train", "meta", "cifar-100-python.tar.gz"]),
])
def test_offline_errors_name_the_files(tmp_path, make, names):
    with pytest.raises(RuntimeError) as e:
        make(str(tmp_path))
    msg = str(e.value)
    assert "numtorch does not download" in msg
    for n in names:
        assert n in msg, (n, msg)
