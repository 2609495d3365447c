"""``torchvision.models.convnext``: the public path of numtorch's convnext family (implemented in
``_convnext.py``)."""
from ._convnext import (  # noqa: F401
    CNBlock, CNBlockConfig, Conv2dNormActivation, ConvNeXt, ConvNeXt_Base_Weights, ConvNeXt_Large_Weights,
    ConvNeXt_Small_Weights, ConvNeXt_Tiny_Weights, LayerNorm2d, Permute, StochasticDepth, convnext_base,
    convnext_large, convnext_small, convnext_tiny)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights",
           "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]
