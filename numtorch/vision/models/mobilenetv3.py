"""``torchvision.models.mobilenetv3``: the public path of numtorch's mobilenetv3 family (implemented in
``_mobilenetv3.py``)."""
from ._mobilenetv3 import (  # noqa: F401
    Conv2dNormActivation, InvertedResidual, InvertedResidualConfig, MobileNetV3, MobileNet_V3_Large_Weights,
    MobileNet_V3_Small_Weights, SElayer, mobilenet_v3_large, mobilenet_v3_small)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]
