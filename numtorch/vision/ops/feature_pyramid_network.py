"""``torchvision.ops.feature_pyramid_network``: the public path of the FPN modules (implemented in ``_fpn.py``)."""
from ._fpn import ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool, LastLevelP6P7
from .misc import Conv2dNormActivation

__all__ = ["Conv2dNormActivation", "ExtraFPNBlock", "FeaturePyramidNetwork", "LastLevelMaxPool", "LastLevelP6P7"]
