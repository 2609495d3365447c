"""Oxford 102 Flowers from ``root/flowers-102``: ``jpg/image_XXXXX.jpg``, ``imagelabels.mat``, ``setid.mat``
(MATLAB v5, read without scipy)."""
import os
from pathlib import Path

from .folder import default_loader
from .vision import VisionDataset, missing_files_error, verify_str_arg
from ._matlab import loadmat

__all__ = ["Flowers102"]


class Flowers102(VisionDataset):
    """Samples ``(loader(image), int label in 0..101)``; ``split`` in train, val, test."""

    _download_url_prefix = "https://thor.robots.ox.ac.uk/flowers/102/"
    _file_dict = {"image": ("102flowers.tgz", "52808999861908f626f3c1f4e79d11fa"),
                  "label": ("imagelabels.mat", "e0620be6f572b9609742df49c70aed4d"),
                  "setid": ("setid.mat", "a5357ecc9cb78c4bef273ce3793fc85c")}
    _splits_map = {"train": "trnid", "val": "valid", "test": "tstid"}

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._base_folder = Path(self.root) / "flowers-102"
        self._images_folder = self._base_folder / "jpg"
        if not (self._images_folder.is_dir() and all(os.path.isfile(self._base_folder / self._file_dict[k][0])
                                                     for k in ("label", "setid"))):
            raise missing_files_error("Flowers102", str(self._base_folder),
                                      ["jpg/ (from 102flowers.tgz)", "imagelabels.mat", "setid.mat"],
                                      self._download_url_prefix)
        set_ids = loadmat(self._base_folder / self._file_dict["setid"][0], squeeze_me=True)
        image_ids = set_ids[self._splits_map[self._split]].tolist()
        labels = loadmat(self._base_folder / self._file_dict["label"][0], squeeze_me=True)
        id_to_label = dict(enumerate((labels["labels"] - 1).tolist(), 1))
        self._labels, self._image_files = [], []
        for image_id in image_ids:
            self._labels.append(id_to_label[image_id])
            self._image_files.append(self._images_folder / f"image_{image_id:05d}.jpg")
        self.loader = loader

    def __len__(self):
        return len(self._image_files)

    def __getitem__(self, idx):
        image_file, label = self._image_files[idx], self._labels[idx]
        image = self.loader(image_file)
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label

    def extra_repr(self):
        return f"split={self._split}"

    classes = ["pink primrose", "hard-leaved pocket orchid", "canterbury bells", "sweet pea", "english marigold",
               "tiger lily", "moon orchid", "bird of paradise", "monkshood", "globe thistle", "snapdragon",
               "colt's foot", "king protea", "spear thistle", "yellow iris", "globe-flower", "purple coneflower",
               "peruvian lily", "balloon flower", "giant white arum lily", "fire lily", "pincushion flower",
               "fritillary", "red ginger", "grape hyacinth", "corn poppy", "prince of wales feathers",
               "stemless gentian", "artichoke", "sweet william", "carnation", "garden phlox", "love in the mist",
               "mexican aster", "alpine sea holly", "ruby-lipped cattleya", "cape flower", "great masterwort",
               "siam tulip", "lenten rose", "barbeton daisy", "daffodil", "sword lily", "poinsettia",
               "bolero deep blue", "wallflower", "marigold", "buttercup", "oxeye daisy", "common dandelion",
               "petunia", "wild pansy", "primula", "sunflower", "pelargonium", "bishop of llandaff", "gaura",
               "geranium", "orange dahlia", "pink-yellow dahlia?", "cautleya spicata", "japanese anemone",
               "black-eyed susan", "silverbush", "californian poppy", "osteospermum", "spring crocus",
               "bearded iris", "windflower", "tree poppy", "gazania", "azalea", "water lily", "rose", "thorn apple",
               "morning glory", "passion flower", "lotus", "toad lily", "anthurium", "frangipani", "clematis",
               "hibiscus", "columbine", "desert-rose", "tree mallow", "magnolia", "cyclamen", "watercress",
               "canna lily", "hippeastrum", "bee balm", "ball moss", "foxglove", "bougainvillea", "camellia",
               "mallow", "mexican petunia", "bromelia", "blanket flower", "trumpet creeper", "blackberry lily"]
