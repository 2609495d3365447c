"""``Digits``: the 8x8 handwritten digits bundled with numtorch, the offline dataset of ``numtorch demo``.

1797 grey images of the digits 0-9 from the UCI "Optical Recognition of Handwritten Digits" set
(Alpaydin & Kaynak, 1998, CC BY 4.0), the same as scikit-learn's ``load_digits``, ship inside the
package as ``digits_8x8.npz`` (45 kB, written once by ``tools/make_digits_npz.py``), so no
download and no scikit-learn is needed. Pixels (0..16 in the source) are rescaled to uint8 0..255 so that
``transforms.ToTensor`` gives values in [0, 1] exactly as for any 8-bit image. A fixed, stratified
split (seed 0) keeps 80% of each class for training and 20% for testing.
"""
from ..._backend import xp
from .vision import VisionDataset

__all__ = ["Digits"]


def _load():
    import os
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits_8x8.npz")
    with xp.load(path) as f:
        images, labels = f["images"], f["targets"]
    images = xp.round(images * (255.0 / 16.0)).astype(xp.uint8)   # 0..16 -> 0..255
    return images, labels.astype(xp.int64)


class Digits(VisionDataset):
    """8x8 handwritten digits. ``train=True``: 1438 images, ``train=False``: 359 images (fixed split).

    Samples are ``(8x8 uint8 array, int label)``; ``data`` is ``N x 8 x 8`` uint8, ``targets`` a list."""

    classes = [str(i) for i in range(10)]
    test_fraction = 0.2
    split_seed = 0

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        images, labels = _load()
        rng = xp.random.default_rng(self.split_seed)
        train_idx, test_idx = [], []
        for c in range(10):   # stratified: the same share of every class in the test split
            idx = xp.flatnonzero(labels == c)
            idx = idx[rng.permutation(len(idx))]
            n_test = int(round(len(idx) * self.test_fraction))
            test_idx.append(idx[:n_test])
            train_idx.append(idx[n_test:])
        sel = xp.sort(xp.concatenate(train_idx if train else test_idx))
        self.data = images[sel]
        self.targets = labels[sel].tolist()
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"
