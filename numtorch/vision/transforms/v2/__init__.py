"""``torchvision.transforms.v2`` for numtorch: the image-classification transforms (type conversion, resize and
crops, flips, color, auto-augment policies, random erasing, CutMix / MixUp) on PIL images, plain tensors and
``tv_tensors.Image``; bounding boxes, masks and keypoints are not transformed."""
from . import functional  # noqa: F401
from .functional import InterpolationMode
from ..autoaugment import AutoAugmentPolicy
from ._transforms import (Transform, Compose, RandomApply, RandomChoice, RandomOrder, Identity, Lambda, ToImage,
                          PILToTensor, ToPILImage, ToPureTensor, ToTensor, ToDtype, ConvertImageDtype, Resize,
                          CenterCrop, RandomResizedCrop, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, Pad,
                          RandomRotation, RandomAffine, Normalize, ColorJitter, Grayscale, RandomGrayscale,
                          GaussianBlur, RandomErasing, AutoAugment, RandAugment, TrivialAugmentWide, MixUp, CutMix,
                          RandomInvert, RandomAutocontrast, RandomEqualize, RandomPosterize, RandomSolarize,
                          RandomAdjustSharpness, RGB, GaussianNoise, RandomChannelPermutation, FiveCrop, TenCrop,
                          RandomPerspective, ElasticTransform, RandomResize, RandomShortestSize,
                          LinearTransformation)

__all__ = ["AutoAugment", "AutoAugmentPolicy", "CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "CutMix",
           "ElasticTransform", "FiveCrop", "GaussianBlur", "GaussianNoise", "Grayscale", "Identity",
           "InterpolationMode", "Lambda", "LinearTransformation", "MixUp", "Normalize", "PILToTensor",
           "Pad", "RGB", "RandAugment", "RandomAdjustSharpness", "RandomAffine", "RandomApply",
           "RandomAutocontrast", "RandomChannelPermutation", "RandomChoice", "RandomCrop", "RandomEqualize",
           "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomInvert", "RandomOrder",
           "RandomPerspective", "RandomPosterize", "RandomResize", "RandomResizedCrop", "RandomRotation",
           "RandomShortestSize", "RandomSolarize", "RandomVerticalFlip", "Resize", "TenCrop", "ToDtype",
           "ToImage", "ToPILImage", "ToPureTensor", "ToTensor", "Transform", "TrivialAugmentWide"]
