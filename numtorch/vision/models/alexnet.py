"""``torchvision.models.alexnet``: the public path of numtorch's alexnet family (implemented in
``_alexnet.py``)."""
from ._alexnet import AlexNet, AlexNet_Weights, alexnet  # noqa: F401
from ._presets import ImageClassification  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]
