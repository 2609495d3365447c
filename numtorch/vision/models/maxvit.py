"""``torchvision.models.maxvit``: the public path of numtorch's maxvit family (implemented in
``_maxvit.py``)."""
from ._maxvit import (  # noqa: F401
    Conv2dNormActivation, MBConv, MaxVit, MaxVitBlock, MaxVitLayer, MaxVit_T_Weights, PartitionAttentionLayer,
    RelativePositionalMultiHeadAttention, SqueezeExcitation, StochasticDepth, SwapAxes, WindowDepartition,
    WindowPartition, maxvit_t)
from ._presets import ImageClassification  # noqa: F401
from ..transforms.functional import InterpolationMode  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["MaxVit", "MaxVit_T_Weights", "maxvit_t"]
