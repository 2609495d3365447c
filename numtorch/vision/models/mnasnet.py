"""``torchvision.models.mnasnet``: the public path of numtorch's mnasnet family (implemented in
``_mnasnet.py``)."""
from ._presets import ImageClassification  # noqa: F401
from ._mnasnet import (  # noqa: F401
    MNASNet, MNASNet0_5_Weights, MNASNet0_75_Weights, MNASNet1_0_Weights, MNASNet1_3_Weights, mnasnet0_5,
    mnasnet0_75, mnasnet1_0, mnasnet1_3)
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["MNASNet", "MNASNet0_5_Weights", "MNASNet0_75_Weights", "MNASNet1_0_Weights", "MNASNet1_3_Weights",
           "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]
