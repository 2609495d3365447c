"""MS COCO detection and captions: images in ``root`` and the official json annotation file (read with the
json module; pycocotools is not needed)."""
import json
import os

from .vision import VisionDataset, missing_files_error, pil_image

__all__ = ["CocoDetection", "CocoCaptions"]


class _CocoIndex:
    """The parts of pycocotools' COCO index the datasets use: images by id and each image's annotations in
    file order."""

    def __init__(self, ann_file):
        with open(ann_file) as f:
            dataset = json.load(f)
        if not isinstance(dataset, dict):
            raise RuntimeError(f"annotation file format {type(dataset)} not supported")
        self.dataset = dataset
        self.imgs = {img["id"]: img for img in dataset.get("images", [])}
        self.anns = {}
        self.img_to_anns = {}
        for ann in dataset.get("annotations", []):
            self.anns[ann["id"]] = ann
            self.img_to_anns.setdefault(ann["image_id"], []).append(ann)
        self.cats = {c["id"]: c for c in dataset.get("categories", [])}

    def loadImgs(self, ids):
        return [self.imgs[i] for i in (ids if isinstance(ids, (list, tuple)) else [ids])]

    def getAnnIds(self, imgIds):
        ids = imgIds if isinstance(imgIds, (list, tuple)) else [imgIds]
        return [a["id"] for i in ids for a in self.img_to_anns.get(i, [])]

    def loadAnns(self, ids):
        return [self.anns[i] for i in (ids if isinstance(ids, (list, tuple)) else [ids])]


class CocoDetection(VisionDataset):
    """Samples ``(PIL RGB image, list of the image's annotation dicts)``, images in sorted id order."""

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        if not os.path.isfile(annFile):
            raise missing_files_error(type(self).__name__, os.path.dirname(os.path.abspath(annFile)),
                                      [os.path.basename(annFile)], "https://cocodataset.org/#download")
        self.coco = _CocoIndex(annFile)
        self.ids = list(sorted(self.coco.imgs.keys()))

    def _load_image(self, id):
        path = self.coco.loadImgs(id)[0]["file_name"]
        return pil_image().open(os.path.join(self.root, path)).convert("RGB")

    def _load_target(self, id):
        return self.coco.loadAnns(self.coco.getAnnIds(id))

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise ValueError(f"Index must be of type integer, got {type(index)} instead.")
        id = self.ids[index]
        image = self._load_image(id)
        target = self._load_target(id)
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """Samples ``(PIL RGB image, list of caption strings)``."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
