"""``torchvision.models.googlenet``: the public path of numtorch's googlenet family (implemented in
``_googlenet.py``)."""
from ._googlenet import _GoogLeNetOutputs  # noqa: F401
from ._googlenet import (  # noqa: F401
    BasicConv2d, GoogLeNet, GoogLeNetOutputs, GoogLeNet_Weights, Inception, InceptionAux, googlenet)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "_GoogLeNetOutputs", "GoogLeNet_Weights", "googlenet"]
