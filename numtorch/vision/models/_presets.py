"""The evaluation preset a ``Weights`` entry's ``transforms()`` builds (torchvision's ImageClassification)."""
import numtorch as _torch
from ... import nn as _nn

__all__ = ["ImageClassification"]


def _interp(mode):
    from ..transforms import functional as F
    if isinstance(mode, str):
        return getattr(F.InterpolationMode, mode.upper())
    return mode


class ImageClassification(_nn.Module):
    """resize(shorter side to ``resize_size``) -> center_crop(``crop_size``) -> float in [0, 1] ->
    normalize(``mean``, ``std``); accepts PIL images and (..., C, H, W) tensors."""

    def __init__(self, *, crop_size, resize_size=256, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 interpolation="bilinear", antialias=True):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = _interp(interpolation)
        self.antialias = antialias

    def forward(self, img):
        from ..transforms import functional as F
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, _torch.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, _torch.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self):
        return (f"{self.__class__.__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}\n"
                f"    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)")

    def describe(self):
        return ("Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` "
                f"objects. The images are resized to ``resize_size={self.resize_size}`` using "
                f"``interpolation={self.interpolation}``, followed by a central crop of "
                f"``crop_size={self.crop_size}``. Finally the values are first rescaled to ``[0.0, 1.0]`` and then "
                f"normalized using ``mean={self.mean}`` and ``std={self.std}``.")
