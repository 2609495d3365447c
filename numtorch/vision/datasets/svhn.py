"""SVHN (cropped digits) from the official MATLAB files ``train_32x32.mat`` / ``test_32x32.mat`` /
``extra_32x32.mat`` in ``root``, read by numtorch's own MAT v5 reader (no scipy)."""
import os

from ..._backend import xp
from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg
from ._matlab import loadmat

__all__ = ["SVHN"]


class SVHN(VisionDataset):
    """Samples ``(PIL RGB 32x32, int label)``; label 10 (the digit 0 in the files) becomes 0 as in torchvision.
    ``data`` is ``N x 3 x 32 x 32`` uint8, ``labels`` int64."""

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list.keys()))
        self.url, self.filename = self.split_list[split][0], self.split_list[split][1]
        path = os.path.join(self.root, self.filename)
        if not os.path.isfile(path):
            raise missing_files_error("SVHN", self.root, [self.filename], self.url)
        mat = loadmat(path)
        if "X" not in mat or "y" not in mat:
            raise RuntimeError(f"{path} has no 'X' and 'y' arrays")
        x, y = mat["X"], mat["y"]
        if x.ndim != 4 or x.shape[2] != 3 or y.size != x.shape[3]:
            raise RuntimeError(f"{path}: X {x.shape} and y {y.shape} are not SVHN's layout")
        self.data = xp.ascontiguousarray(xp.transpose(x.astype(xp.uint8), (3, 2, 0, 1)))
        labels = y.astype(xp.int64).squeeze()
        xp.place(labels, labels == 10, 0)
        self.labels = labels

    def __getitem__(self, index):
        img, target = self.data[index], int(self.labels[index])
        img = pil_image().fromarray(xp.transpose(img, (1, 2, 0)))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {self.split}"
