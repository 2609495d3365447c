"""``torchvision.models.shufflenetv2``: the public path of numtorch's shufflenetv2 family (implemented in
``_shufflenetv2.py``)."""
from ._presets import ImageClassification  # noqa: F401
from ._shufflenetv2 import (  # noqa: F401
    InvertedResidual, ShuffleNetV2, ShuffleNet_V2_X0_5_Weights, ShuffleNet_V2_X1_0_Weights,
    ShuffleNet_V2_X1_5_Weights, ShuffleNet_V2_X2_0_Weights, channel_shuffle, shufflenet_v2_x0_5, shufflenet_v2_x1_0,
    shufflenet_v2_x1_5, shufflenet_v2_x2_0)
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["ShuffleNetV2", "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights", "ShuffleNet_V2_X1_5_Weights",
           "ShuffleNet_V2_X2_0_Weights", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
           "shufflenet_v2_x2_0"]
