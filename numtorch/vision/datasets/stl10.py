"""STL-10 from the official binary files in ``root/stl10_binary`` (96x96 colour, column-major planes)."""
import os

from ..._backend import xp
from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg

__all__ = ["STL10"]


class STL10(VisionDataset):
    """Splits train, train+unlabeled, unlabeled, test; ``folds`` (0..9) picks a row of ``fold_indices.txt``.
    Samples ``(PIL RGB 96x96, int label)``, label -1 for unlabeled images."""

    base_folder = "stl10_binary"
    url = "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"
    filename = "stl10_binary.tar.gz"
    class_names_file = "class_names.txt"
    folds_list_file = "fold_indices.txt"
    train_list = [["train_X.bin", "918c2871b30a85fa023e0c44e0bee87f"], ["train_y.bin", "5a34089d4802c674881badbb80307741"],
                  ["unlabeled_X.bin", "5242ba1fed5e4be9e1e742405eb56ca4"]]
    test_list = [["test_X.bin", "7f263ba9f9e0b06b93213547f721ac82"], ["test_y.bin", "36f9794fa4beb8a2c72628de14fa638e"]]
    splits = ("train", "train+unlabeled", "unlabeled", "test")

    def __init__(self, root, split="train", folds=None, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        needed = {"train": ["train_X.bin", "train_y.bin"], "test": ["test_X.bin", "test_y.bin"],
                  "unlabeled": ["unlabeled_X.bin"],
                  "train+unlabeled": ["train_X.bin", "train_y.bin", "unlabeled_X.bin"]}[self.split]
        folder = os.path.join(self.root, self.base_folder)
        if not all(os.path.isfile(os.path.join(folder, n)) for n in needed):
            raise missing_files_error("STL10", folder, needed, f"{self.url}, extracted")
        if self.split in ("train", "train+unlabeled"):
            self.data, self.labels = self._loadfile("train_X.bin", "train_y.bin")
            self._load_folds(folds)
            if self.split == "train+unlabeled":
                unlabeled, _ = self._loadfile("unlabeled_X.bin")
                self.data = xp.concatenate((self.data, unlabeled))
                self.labels = xp.concatenate((self.labels, xp.asarray([-1] * unlabeled.shape[0])))
        elif self.split == "unlabeled":
            self.data, _ = self._loadfile("unlabeled_X.bin")
            self.labels = xp.asarray([-1] * self.data.shape[0])
        else:
            self.data, self.labels = self._loadfile("test_X.bin", "test_y.bin")
        class_file = os.path.join(folder, self.class_names_file)
        if os.path.isfile(class_file):
            with open(class_file) as f:
                self.classes = f.read().splitlines()

    def _verify_folds(self, folds):
        if folds is None:
            return folds
        if isinstance(folds, int):
            if folds in range(10):
                return folds
            raise ValueError(f"Value for argument folds should be in the range [0, 10), but got {folds}.")
        raise ValueError(f"Expected type None or int for argument folds, but got type {type(folds)}.")

    def _loadfile(self, data_file, labels_file=None):
        labels = None
        folder = os.path.join(self.root, self.base_folder)
        if labels_file:
            labels = xp.fromfile(os.path.join(folder, labels_file), dtype=xp.uint8) - 1
        raw = xp.fromfile(os.path.join(folder, data_file), dtype=xp.uint8)
        if raw.size % (3 * 96 * 96):
            raise RuntimeError(f"{data_file}: {raw.size} bytes is not a whole number of 3x96x96 images")
        images = raw.reshape(-1, 3, 96, 96).transpose(0, 1, 3, 2)   # stored column-major per plane
        if labels is not None and len(labels) != len(images):
            raise RuntimeError(f"{labels_file}: {len(labels)} labels for {len(images)} images")
        return images, labels

    def _load_folds(self, folds):
        if folds is None:
            return
        with open(os.path.join(self.root, self.base_folder, self.folds_list_file)) as f:
            idx = xp.asarray(f.read().splitlines()[folds].split(), dtype=xp.int64)
        self.data = self.data[idx]
        if self.labels is not None:
            self.labels = self.labels[idx]

    def __getitem__(self, index):
        img = self.data[index]
        target = int(self.labels[index]) if self.labels is not None else None
        img = pil_image().fromarray(xp.transpose(img, (1, 2, 0)))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.data.shape[0]

    def extra_repr(self):
        return f"Split: {self.split}"
