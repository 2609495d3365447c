"""Pascal VOC (2007-2012) segmentation and detection from the official ``VOCdevkit`` layout."""
import collections
import os
import xml.etree.ElementTree as ET

from .vision import VisionDataset, missing_files_error, pil_image, verify_str_arg

__all__ = ["VOCSegmentation", "VOCDetection"]

_YEARS = {
    "2012": ("VOCtrainval_11-May-2012.tar", os.path.join("VOCdevkit", "VOC2012")),
    "2011": ("VOCtrainval_25-May-2011.tar", os.path.join("TrainVal", "VOCdevkit", "VOC2011")),
    "2010": ("VOCtrainval_03-May-2010.tar", os.path.join("VOCdevkit", "VOC2010")),
    "2009": ("VOCtrainval_11-May-2009.tar", os.path.join("VOCdevkit", "VOC2009")),
    "2008": ("VOCtrainval_14-Jul-2008.tar", os.path.join("VOCdevkit", "VOC2008")),
    "2007": ("VOCtrainval_06-Nov-2007.tar", os.path.join("VOCdevkit", "VOC2007")),
    "2007-test": ("VOCtest_06-Nov-2007.tar", os.path.join("VOCdevkit", "VOC2007")),
}


def _parse_xml(path):
    """The XML tree of an annotation file; entity declarations are refused (no entity-expansion bombs) and
    external entities are never fetched (ElementTree does not resolve them)."""
    with open(path, "rb") as f:
        data = f.read()
    if b"<!ENTITY" in data:
        raise RuntimeError(f"{path}: XML entity declarations are not allowed in annotation files")
    return ET.fromstring(data)


class _VOCBase(VisionDataset):
    _SPLITS_DIR = ""
    _TARGET_DIR = ""
    _TARGET_FILE_EXT = ""

    def __init__(self, root, year="2012", image_set="train", download=False, transform=None, target_transform=None,
                 transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.year = verify_str_arg(year, "year", valid_values=[str(y) for y in range(2007, 2013)])
        valid_sets = ["train", "trainval", "val"] + (["test"] if year == "2007" else [])
        self.image_set = verify_str_arg(image_set, "image_set", valid_sets)
        key = "2007-test" if year == "2007" and image_set == "test" else year
        self.filename, base_dir = _YEARS[key]
        self.url = "http://host.robots.ox.ac.uk/pascal/VOC/voc" + year + "/" + self.filename
        voc_root = os.path.join(self.root, base_dir)
        split_f = os.path.join(voc_root, "ImageSets", self._SPLITS_DIR, image_set.rstrip("\n") + ".txt")
        if not os.path.isdir(voc_root) or not os.path.isfile(split_f):
            raise missing_files_error(type(self).__name__, voc_root,
                                      [os.path.join("ImageSets", self._SPLITS_DIR, image_set + ".txt"),
                                       "JPEGImages/", self._TARGET_DIR + "/"], f"{self.filename}, extracted in {self.root}")
        with open(split_f) as f:
            names = [x.strip() for x in f.readlines()]
        self.images = [os.path.join(voc_root, "JPEGImages", x + ".jpg") for x in names]
        self.targets = [os.path.join(voc_root, self._TARGET_DIR, x + self._TARGET_FILE_EXT) for x in names]

    def __len__(self):
        return len(self.images)


class VOCSegmentation(_VOCBase):
    """Samples ``(PIL RGB image, PIL palette mask)`` from ``SegmentationClass/<id>.png``."""

    _SPLITS_DIR = "Segmentation"
    _TARGET_DIR = "SegmentationClass"
    _TARGET_FILE_EXT = ".png"

    @property
    def masks(self):
        return self.targets

    def __getitem__(self, index):
        Image = pil_image()
        img = Image.open(self.images[index]).convert("RGB")
        target = Image.open(self.masks[index])
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target


class VOCDetection(_VOCBase):
    """Samples ``(PIL RGB image, dict of the annotation XML)``: nested dicts of the elements' text, repeated tags
    as lists, ``annotation['object']`` always a list."""

    _SPLITS_DIR = "Main"
    _TARGET_DIR = "Annotations"
    _TARGET_FILE_EXT = ".xml"

    @property
    def annotations(self):
        return self.targets

    def __getitem__(self, index):
        img = pil_image().open(self.images[index]).convert("RGB")
        target = self.parse_voc_xml(_parse_xml(self.annotations[index]))
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    @staticmethod
    def parse_voc_xml(node):
        out = {}
        children = list(node)
        if children:
            merged = collections.defaultdict(list)
            for d in map(VOCDetection.parse_voc_xml, children):
                for k, v in d.items():
                    merged[k].append(v)
            if node.tag == "annotation":
                merged["object"] = [merged["object"]]
            out = {node.tag: {k: v[0] if len(v) == 1 else v for k, v in merged.items()}}
        if node.text:
            text = node.text.strip()
            if not children:
                out[node.tag] = text
        return out
