"""``torchvision.models.resnet``: the public path of numtorch's resnet family (implemented in
``_resnet.py``)."""
from ._resnet import (  # noqa: F401
    BasicBlock, Bottleneck, ResNeXt101_32X8D_Weights, ResNeXt101_64X4D_Weights, ResNeXt50_32X4D_Weights, ResNet,
    ResNet101_Weights, ResNet152_Weights, ResNet18_Weights, ResNet34_Weights, ResNet50_Weights,
    Wide_ResNet101_2_Weights, Wide_ResNet50_2_Weights, conv1x1, conv3x3, resnet101, resnet152, resnet18, resnet34,
    resnet50, resnext101_32x8d, resnext101_64x4d, resnext50_32x4d, wide_resnet101_2, wide_resnet50_2)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["ResNet", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights",
           "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights", "ResNeXt101_64X4D_Weights",
           "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
           "wide_resnet101_2"]
