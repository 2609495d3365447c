"""CelebA from ``root/celeba``: ``img_align_celeba/`` and the annotation text files of the official release."""
import csv
import os

from ..._backend import xp
from ..._tensor import _make
from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg

__all__ = ["CelebA"]


class CelebA(VisionDataset):
    """Samples ``(PIL image, target)``; ``target_type`` among 'attr' (40 0/1 int64), 'identity' (int64 scalar
    tensor), 'bbox' (x, y, w, h), 'landmarks' (10 ints); a tuple for several, None for none."""

    base_folder = "celeba"
    file_list = ["img_align_celeba.zip", "list_attr_celeba.txt", "identity_CelebA.txt", "list_bbox_celeba.txt",
                 "list_landmarks_align_celeba.txt", "list_eval_partition.txt"]

    def __init__(self, root, split="train", target_type="attr", transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = split
        self.target_type = target_type if isinstance(target_type, list) else [target_type]
        if not self.target_type and self.target_transform is not None:
            raise RuntimeError("target_transform is specified but target_type is empty")
        folder = os.path.join(self.root, self.base_folder)
        if not (all(os.path.isfile(os.path.join(folder, f)) for f in self.file_list[1:])
                and os.path.isdir(os.path.join(folder, "img_align_celeba"))):
            raise missing_files_error("CelebA", folder, ["img_align_celeba/ (from img_align_celeba.zip)"]
                                      + self.file_list[1:], "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html")
        split_map = {"train": 0, "valid": 1, "test": 2, "all": None}
        split_ = split_map[verify_str_arg(split.lower() if isinstance(split, str) else split, "split",
                                          ("train", "valid", "test", "all"))]
        splits = self._load_csv("list_eval_partition.txt")
        identity = self._load_csv("identity_CelebA.txt")
        bbox = self._load_csv("list_bbox_celeba.txt", header=1)
        landmarks = self._load_csv("list_landmarks_align_celeba.txt", header=1)
        attr = self._load_csv("list_attr_celeba.txt", header=1)
        if split_ is None:
            sel = xp.arange(len(splits[1]))
            self.filename = splits[1]
        else:
            sel = xp.flatnonzero(splits[2][:, 0] == split_)
            self.filename = [splits[1][i] for i in sel]
        self.identity = _make(identity[2][sel])
        self.bbox = _make(bbox[2][sel])
        self.landmarks_align = _make(landmarks[2][sel])
        self.attr = _make((attr[2][sel] + 1) // 2)
        self.attr_names = attr[0]

    def _load_csv(self, filename, header=None):
        """(header names, first column, int64 array of the other columns) of a space-separated file."""
        with open(os.path.join(self.root, self.base_folder, filename)) as f:
            rows = list(csv.reader(f, delimiter=" ", skipinitialspace=True))
        headers = []
        if header is not None:
            headers = rows[header]
            rows = rows[header + 1:]
        index = [r[0] for r in rows]
        data = xp.asarray([[int(v) for v in r[1:]] for r in rows], dtype=xp.int64)
        return headers, index, data.reshape(len(rows), -1)

    def __getitem__(self, index):
        X = pil_image().open(os.path.join(self.root, self.base_folder, "img_align_celeba", self.filename[index]))
        target = []
        for t in self.target_type:
            if t == "attr":
                target.append(self.attr[index, :])
            elif t == "identity":
                target.append(self.identity[index, 0])
            elif t == "bbox":
                target.append(self.bbox[index, :])
            elif t == "landmarks":
                target.append(self.landmarks_align[index, :])
            else:
                raise ValueError(f'Target type "{t}" is not recognized.')
        if self.transform is not None:
            X = self.transform(X)
        if target:
            target = tuple(target) if len(target) > 1 else target[0]
            if self.target_transform is not None:
                target = self.target_transform(target)
        else:
            target = None
        return X, target

    def __len__(self):
        return len(self.attr)

    def extra_repr(self):
        return f"Target type: {self.target_type}\nSplit: {self.split}"
