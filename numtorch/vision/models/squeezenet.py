"""``torchvision.models.squeezenet``: the public path of numtorch's squeezenet family (implemented in
``_squeezenet.py``)."""
from ._squeezenet import (  # noqa: F401
    Fire, SqueezeNet, SqueezeNet1_0_Weights, SqueezeNet1_1_Weights, squeezenet1_0, squeezenet1_1)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["SqueezeNet", "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights", "squeezenet1_0", "squeezenet1_1"]
