"""MNIST / FashionMNIST / KMNIST / EMNIST / QMNIST from the official idx files (plain or .gz) in
``root/<Name>/raw``."""
import gzip
import lzma
import os
import string

from ..._backend import xp
from ..._tensor import _make
from .vision import VisionDataset, missing_files_error, to_pil_or_array, verify_str_arg

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "QMNIST", "read_idx"]

# idx type codes -> big-endian NumPy dtypes
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an idx file (``magic = 0x0000 <type> <ndim>``, then ``ndim`` big-endian int32 sizes, then data)."""
    opener = gzip.open if path.endswith(".gz") else lzma.open if path.endswith(".xz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an idx file (bad magic number)")
    ndim = raw[3]
    dims = xp.frombuffer(raw, dtype=">i4", count=ndim, offset=4).astype(xp.int64)
    dt = xp.dtype(_IDX_TYPES[raw[2]])
    offset = 4 + 4 * ndim
    n = int(xp.prod(dims)) if ndim else 1
    if len(raw) - offset != n * dt.itemsize:
        raise RuntimeError(f"{path}: size {len(raw)} does not match the header's shape {dims.tolist()}")
    arr = xp.frombuffer(raw, dtype=dt, offset=offset).reshape(tuple(dims.tolist()))
    return arr.astype(dt.newbyteorder("="))


class MNIST(VisionDataset):
    """MNIST handwritten digits (28x28 grey). Files (plain or gzipped) go in ``root/MNIST/raw``:
    ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
    ``t10k-labels-idx1-ubyte``. ``data`` is a uint8 tensor ``N x 28 x 28``, ``targets`` int64;
    samples are ``(PIL Image or 28x28 uint8 array, int)``."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _find(self, base):
        for name in (base, base + ".gz", base + ".xz"):
            p = os.path.join(self.raw_folder, name)
            if os.path.isfile(p):
                return p
        raise missing_files_error(type(self).__name__, self.raw_folder,
                                  [r[0] for r in self.resources] + ["(or the same names without .gz)"],
                                  self.mirrors[0])

    def _load_data(self):
        prefix = "train" if self.train else "t10k"
        images = read_idx(self._find(f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(self._find(f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"{type(self).__name__}: images {images.shape} and labels {labels.shape} "
                               f"do not match")
        return _make(images.astype(xp.uint8)), _make(labels.astype(xp.int64))

    def __getitem__(self, index):
        img, target = self.data._data[index], int(self.targets._data[index])
        img = to_pil_or_array(img, mode=None)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Fashion-MNIST (same file names and layout, in ``root/FashionMNIST/raw``)."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST (same layout, in ``root/KMNIST/raw``)."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """Extended MNIST (``split`` in byclass, bymerge, balanced, letters, digits, mnist): the idx files
    ``emnist-<split>-<train|test>-images-idx3-ubyte`` / ``-labels-idx1-ubyte`` (plain or .gz) in
    ``root/EMNIST/raw``."""

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    mirrors = [url]
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self):
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    def _find(self, base):
        for name in (base, base + ".gz"):
            p = os.path.join(self.raw_folder, name)
            if os.path.isfile(p):
                return p
        raise missing_files_error("EMNIST", self.raw_folder, [f"{self._file_prefix}-images-idx3-ubyte",
                                                              f"{self._file_prefix}-labels-idx1-ubyte"],
                                  f"{self.url} (the gz files inside, plain or gzipped)")

    def _load_data(self):
        images = read_idx(self._find(f"{self._file_prefix}-images-idx3-ubyte"))
        labels = read_idx(self._find(f"{self._file_prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"EMNIST: images {images.shape} and labels {labels.shape} do not match")
        return _make(images.astype(xp.uint8)), _make(labels.astype(xp.int64))


class QMNIST(MNIST):
    """QMNIST (``what`` in train, test, test10k, test50k, nist): ``qmnist-<train|test>-images-idx3-ubyte`` and
    ``qmnist-<train|test>-labels-idx2-int`` (``xnist-...`` for nist; plain, .gz or .xz) in ``root/QMNIST/raw``.
    Targets are the 8 label columns (int64); with ``compat=True`` a sample's target is the class (column 0)."""

    base_url = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"
    mirrors = [base_url]
    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test", "nist": "nist"}
    _files = {"train": ("qmnist-train-images-idx3-ubyte", "qmnist-train-labels-idx2-int"),
              "test": ("qmnist-test-images-idx3-ubyte", "qmnist-test-labels-idx2-int"),
              "nist": ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int")}
    classes = MNIST.classes

    def __init__(self, root, what=None, compat=True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets.keys()))
        self.compat = compat
        self.data_file = what + ".pt"
        self.training_file = self.test_file = self.data_file
        super().__init__(root, train, **kwargs)

    def _find(self, base):
        for name in (base, base + ".gz", base + ".xz"):
            p = os.path.join(self.raw_folder, name)
            if os.path.isfile(p):
                return p
        raise missing_files_error("QMNIST", self.raw_folder, list(self._files[self.subsets[self.what]]),
                                  f"{self.base_url} (plain, .gz or .xz)")

    def _load_data(self):
        img_name, lab_name = self._files[self.subsets[self.what]]
        data = read_idx(self._find(img_name))
        if data.dtype != xp.uint8:
            raise TypeError(f"data should be of dtype torch.uint8 instead of {data.dtype}")
        if data.ndim != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndim}")
        targets = read_idx(self._find(lab_name)).astype(xp.int64)
        if targets.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndim}")
        if self.what == "test10k":
            data, targets = data[:10000], targets[:10000]
        elif self.what == "test50k":
            data, targets = data[10000:], targets[10000:]
        return _make(data.copy()), _make(targets.copy())

    def __getitem__(self, index):
        img, target = self.data._data[index], self.targets[index]
        img = to_pil_or_array(img, mode=None)
        if self.transform is not None:
            img = self.transform(img)
        if self.compat:
            target = int(target._data[0])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {self.what}"
