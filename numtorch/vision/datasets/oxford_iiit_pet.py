"""Oxford-IIIT Pet from ``root/oxford-iiit-pet``: ``images/<id>.jpg``, ``annotations/{trainval,test}.txt``,
``annotations/trimaps/<id>.png``."""
import pathlib

from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg

__all__ = ["OxfordIIITPet"]


class OxfordIIITPet(VisionDataset):
    """Samples ``(PIL RGB, target)``, target per ``target_types``: 'category' (0..36), 'binary-category'
    (0 cat, 1 dog), 'segmentation' (the trimap PIL image); a tuple for several, None for none."""

    _RESOURCES = (("https://thor.robots.ox.ac.uk/pets/images.tar.gz", "5c4f3ee8e5d25df40f4fd59a7f44e54c"),
                  ("https://thor.robots.ox.ac.uk/pets/annotations.tar.gz", "95a8c909bbe2e81eed6a22bccdf3f68f"))
    _VALID_TARGET_TYPES = ("category", "binary-category", "segmentation")

    def __init__(self, root, split="trainval", target_types="category", transforms=None, transform=None,
                 target_transform=None, download=False):
        self._split = verify_str_arg(split, "split", ("trainval", "test"))
        if isinstance(target_types, str):
            target_types = [target_types]
        self._target_types = [verify_str_arg(t, "target_types", self._VALID_TARGET_TYPES) for t in target_types]
        super().__init__(root, transforms=transforms, transform=transform, target_transform=target_transform)
        self._base_folder = pathlib.Path(self.root) / "oxford-iiit-pet"
        self._images_folder = self._base_folder / "images"
        self._anns_folder = self._base_folder / "annotations"
        self._segs_folder = self._anns_folder / "trimaps"
        if not (self._images_folder.is_dir() and self._anns_folder.is_dir()):
            raise missing_files_error("OxfordIIITPet", str(self._base_folder), ["images/", "annotations/"],
                                      " and ".join(u for u, _ in self._RESOURCES) + ", extracted")
        image_ids, self._labels, self._bin_labels = [], [], []
        with open(self._anns_folder / f"{self._split}.txt") as file:
            for line in file:
                image_id, label, bin_label, _ = line.strip().split()
                image_ids.append(image_id)
                self._labels.append(int(label) - 1)
                self._bin_labels.append(int(bin_label) - 1)
        self.bin_classes = ["Cat", "Dog"]
        pairs = sorted({(i.rsplit("_", 1)[0], lab) for i, lab in zip(image_ids, self._labels)}, key=lambda p: p[1])
        self.classes = [" ".join(part.title() for part in raw.split("_")) for raw, _ in pairs]
        self.bin_class_to_idx = dict(zip(self.bin_classes, range(len(self.bin_classes))))
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._images = [self._images_folder / f"{i}.jpg" for i in image_ids]
        self._segs = [self._segs_folder / f"{i}.png" for i in image_ids]

    def __len__(self):
        return len(self._images)

    def __getitem__(self, idx):
        Image = pil_image()
        image = Image.open(self._images[idx]).convert("RGB")
        target = []
        for t in self._target_types:
            if t == "category":
                target.append(self._labels[idx])
            elif t == "binary-category":
                target.append(self._bin_labels[idx])
            else:
                target.append(Image.open(self._segs[idx]))
        target = None if not target else target[0] if len(target) == 1 else tuple(target)
        if self.transforms:
            image, target = self.transforms(image, target)
        return image, target
