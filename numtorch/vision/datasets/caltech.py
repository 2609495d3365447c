"""Caltech 101 from ``root/caltech101``: ``101_ObjectCategories/<category>/image_XXXX.jpg`` and
``Annotations/<category>/annotation_XXXX.mat`` (MATLAB v5, read without scipy)."""
import os

from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg
from ._matlab import loadmat

__all__ = ["Caltech101"]


class Caltech101(VisionDataset):
    """Samples ``(PIL image as stored, target)``; ``target_type`` 'category' (int) and/or 'annotation' (the
    ``obj_contour`` float64 array, 2 x K); a tuple for both. BACKGROUND_Google is left out."""

    def __init__(self, root, target_type="category", transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech101"), transform=transform, target_transform=target_transform)
        os.makedirs(self.root, exist_ok=True)
        if isinstance(target_type, str):
            target_type = [target_type]
        self.target_type = [verify_str_arg(t, "target_type", ("category", "annotation")) for t in target_type]
        cats_dir = os.path.join(self.root, "101_ObjectCategories")
        if not os.path.isdir(cats_dir):
            raise missing_files_error("Caltech101", self.root, ["101_ObjectCategories/", "Annotations/"],
                                      "https://data.caltech.edu/records/mzrjq-6wc02 (caltech-101.zip, extracted)")
        self.categories = sorted(os.listdir(cats_dir))
        self.categories.remove("BACKGROUND_Google")
        name_map = {"Faces": "Faces_2", "Faces_easy": "Faces_3", "Motorbikes": "Motorbikes_16",
                    "airplanes": "Airplanes_Side_2"}
        self.annotation_categories = [name_map.get(c, c) for c in self.categories]
        self.index, self.y = [], []
        for i, c in enumerate(self.categories):
            n = len(os.listdir(os.path.join(cats_dir, c)))
            self.index.extend(range(1, n + 1))
            self.y.extend(n * [i])

    def __getitem__(self, index):
        img = pil_image().open(os.path.join(self.root, "101_ObjectCategories", self.categories[self.y[index]],
                                            f"image_{self.index[index]:04d}.jpg"))
        target = []
        for t in self.target_type:
            if t == "category":
                target.append(self.y[index])
            else:
                data = loadmat(os.path.join(self.root, "Annotations", self.annotation_categories[self.y[index]],
                                            f"annotation_{self.index[index]:04d}.mat"))
                target.append(data["obj_contour"])
        target = tuple(target) if len(target) > 1 else target[0]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.index)

    def extra_repr(self):
        return f"Target type: {self.target_type}"
