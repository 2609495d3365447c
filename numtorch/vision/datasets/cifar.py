"""CIFAR-10 / CIFAR-100 from the official python-pickle files (read with a restricted unpickler)."""
import os
import tarfile

from ..._backend import xp
from .vision import VisionDataset, missing_files_error, to_pil_or_array
from ._safe_pickle import safe_load

__all__ = ["CIFAR10", "CIFAR100"]


def _get(entry, key):
    """Official files have str keys (Python 2 pickles read as latin1); files written by Python 3
    tools often have bytes keys: accept both."""
    if key in entry:
        return entry[key]
    return entry[key.encode()]


def _has(entry, key):
    return key in entry or key.encode() in entry


class CIFAR10(VisionDataset):
    """CIFAR-10: 32x32 colour images in 10 classes, read from ``root/cifar-10-batches-py``.

    ``download=True`` uses the files already there (or extracts ``root/cifar-10-python.tar.gz``); numtorch
    never downloads, and missing files raise an error naming the files and the folder. Samples are
    ``(image, label)`` with the image a PIL Image when Pillow is installed (as torchvision), else an
    ``H x W x C`` uint8 array; both go through ``transforms.ToTensor``.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [["data_batch_1", "c99cafc152244af753f735de768cd75f"],
                  ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
                  ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
                  ["data_batch_4", "634d18415352ddfa80567beed471001a"],
                  ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"]]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise self._missing()
        files = self.train_list if self.train else self.test_list
        data, targets = [], []
        for name, _ in files:
            with open(os.path.join(self.root, self.base_folder, name), "rb") as f:
                entry = safe_load(f)
            data.append(xp.asarray(_get(entry, "data"), dtype=xp.uint8))
            targets.extend(_get(entry, "labels") if _has(entry, "labels") else _get(entry, "fine_labels"))
        self.data = xp.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()   # HWC
        self.targets = [int(t) for t in targets]
        self._load_meta()

    def _missing(self):
        names = [n for n, _ in self.train_list + self.test_list] + [self.meta["filename"]]
        folder = os.path.join(self.root, self.base_folder)
        return missing_files_error(type(self).__name__, folder, names,
                                   f"{self.url}, extracted; or put {self.filename} in {self.root}")

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not os.path.isfile(path):
            raise self._missing()
        with open(path, "rb") as f:
            data = safe_load(f)
        self.classes = [c.decode() if isinstance(c, bytes) else c for c in _get(data, self.meta["key"])]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _check_integrity(self):
        folder = os.path.join(self.root, self.base_folder)
        return all(os.path.isfile(os.path.join(folder, n)) for n, _ in self.train_list + self.test_list)

    def download(self):
        """Use what is already on disk: the extracted folder, or the official archive (extracted here)."""
        if self._check_integrity():
            return
        archive = os.path.join(self.root, self.filename)
        if os.path.isfile(archive):
            with tarfile.open(archive, "r:gz") as tar:
                try:
                    tar.extractall(self.root, filter="data")   # no absolute paths / links outside root
                except TypeError:                              # Python without extraction filters
                    for m in tar.getmembers():
                        if m.name.startswith(("/", "..")) or ".." in m.name.split("/") or m.issym() or m.islnk():
                            raise RuntimeError(f"unsafe path in {archive}: {m.name}")
                    tar.extractall(self.root)
            if self._check_integrity():
                return
        raise self._missing()

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        img = to_pil_or_array(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels), read from ``root/cifar-100-python``."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}
