"""``torchvision.models.regnet``: the public path of numtorch's regnet family (implemented in
``_regnet.py``)."""
from ._regnet import (  # noqa: F401
    AnyStage, BlockParams, BottleneckTransform, Conv2dNormActivation, RegNet, RegNet_X_16GF_Weights,
    RegNet_X_1_6GF_Weights, RegNet_X_32GF_Weights, RegNet_X_3_2GF_Weights, RegNet_X_400MF_Weights,
    RegNet_X_800MF_Weights, RegNet_X_8GF_Weights, RegNet_Y_128GF_Weights, RegNet_Y_16GF_Weights,
    RegNet_Y_1_6GF_Weights, RegNet_Y_32GF_Weights, RegNet_Y_3_2GF_Weights, RegNet_Y_400MF_Weights,
    RegNet_Y_800MF_Weights, RegNet_Y_8GF_Weights, ResBottleneckBlock, SimpleStemIN, SqueezeExcitation,
    regnet_x_16gf, regnet_x_1_6gf, regnet_x_32gf, regnet_x_3_2gf, regnet_x_400mf, regnet_x_800mf, regnet_x_8gf,
    regnet_y_128gf, regnet_y_16gf, regnet_y_1_6gf, regnet_y_32gf, regnet_y_3_2gf, regnet_y_400mf, regnet_y_800mf,
    regnet_y_8gf)
from ._presets import ImageClassification  # noqa: F401
from ..transforms.functional import InterpolationMode  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["RegNet", "RegNet_Y_400MF_Weights", "RegNet_Y_800MF_Weights", "RegNet_Y_1_6GF_Weights",
           "RegNet_Y_3_2GF_Weights", "RegNet_Y_8GF_Weights", "RegNet_Y_16GF_Weights", "RegNet_Y_32GF_Weights",
           "RegNet_Y_128GF_Weights", "RegNet_X_400MF_Weights", "RegNet_X_800MF_Weights", "RegNet_X_1_6GF_Weights",
           "RegNet_X_3_2GF_Weights", "RegNet_X_8GF_Weights", "RegNet_X_16GF_Weights", "RegNet_X_32GF_Weights",
           "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
           "regnet_y_32gf", "regnet_y_128gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
           "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf"]
