"""``FakeData``: random images (reproducible per index) for smoke tests; no files."""
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """``size`` samples ``(PIL image of image_size = (C, H, W), int class)``; sample ``i`` is drawn from the
    generator seeded with ``i + random_offset`` (numtorch's generator: the pixels differ from torchvision's,
    which uses torch's), leaving the global random state untouched."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        import numtorch as nt
        from ..transforms import ToPILImage
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        g = nt.Generator().manual_seed(index + self.random_offset)
        img = nt.randn(*self.image_size, generator=g)
        target = nt.randint(0, self.num_classes, size=(1,), dtype=nt.long, generator=g)[0]
        img = ToPILImage()(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item()

    def __len__(self):
        return self.size
