"""``torchvision.transforms.v2`` for numtorch: every v2 transform of torchvision 0.28, on PIL images, plain tensors
and tv_tensors; the geometric ones also transform ``BoundingBoxes``, ``Mask`` and ``KeyPoints`` in the sample
(detection / segmentation pipelines), the others pass those through."""
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
                          LinearTransformation, check_type, get_bounding_boxes, get_keypoints, has_all, has_any,
                          query_chw, query_size)
from ._detection import (AugMix, ClampBoundingBoxes, ClampKeyPoints, ConvertBoundingBoxFormat, JPEG, RandomIoUCrop,
                         RandomPhotometricDistort, RandomZoomOut, SanitizeBoundingBoxes, SanitizeKeyPoints, ScaleJitter,
                         SetClampingMode, UniformTemporalSubsample)

__all__ = ["AugMix", "AutoAugment", "AutoAugmentPolicy", "CenterCrop", "ClampBoundingBoxes", "ClampKeyPoints",
           "ColorJitter", "Compose", "ConvertBoundingBoxFormat", "ConvertImageDtype", "CutMix", "ElasticTransform",
           "FiveCrop", "GaussianBlur", "GaussianNoise", "Grayscale", "Identity", "InterpolationMode", "JPEG",
           "Lambda", "LinearTransformation", "MixUp", "Normalize", "PILToTensor", "Pad", "RGB", "RandAugment",
           "RandomAdjustSharpness", "RandomAffine", "RandomApply", "RandomAutocontrast", "RandomChannelPermutation",
           "RandomChoice", "RandomCrop", "RandomEqualize", "RandomErasing", "RandomGrayscale",
           "RandomHorizontalFlip", "RandomInvert", "RandomIoUCrop", "RandomOrder", "RandomPerspective",
           "RandomPhotometricDistort", "RandomPosterize", "RandomResize", "RandomResizedCrop", "RandomRotation",
           "RandomShortestSize", "RandomSolarize", "RandomVerticalFlip", "RandomZoomOut", "Resize",
           "SanitizeBoundingBoxes", "SanitizeKeyPoints", "ScaleJitter", "SetClampingMode", "TenCrop", "ToDtype",
           "ToImage", "ToPILImage", "ToPureTensor", "ToTensor", "Transform", "TrivialAugmentWide",
           "UniformTemporalSubsample", "check_type", "get_bounding_boxes", "get_keypoints", "has_all", "has_any",
           "query_chw", "query_size"]
