"""``torchvision.models.mobilenetv2``: the public path of numtorch's mobilenetv2 family (implemented in
``_mobilenetv2.py``)."""
from ._mobilenetv2 import (  # noqa: F401
    Conv2dNormActivation, InvertedResidual, MobileNetV2, MobileNet_V2_Weights, mobilenet_v2)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]
