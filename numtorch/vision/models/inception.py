"""``torchvision.models.inception``: the public path of numtorch's inception family (implemented in
``_inception.py``)."""
from ._inception import _InceptionOutputs  # noqa: F401
from ._inception import (  # noqa: F401
    BasicConv2d, Inception3, InceptionA, InceptionAux, InceptionB, InceptionC, InceptionD, InceptionE,
    InceptionOutputs, Inception_V3_Weights, inception_v3)
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["Inception3", "InceptionOutputs", "_InceptionOutputs", "Inception_V3_Weights", "inception_v3"]
