"""``torchvision.ops``: detection and layer operators (one private module per family)."""
from ._focal_loss import sigmoid_focal_loss
from .misc import Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation
from .stochastic_depth import stochastic_depth, StochasticDepth

__all__ = ["sigmoid_focal_loss"]
__all__ += ["Conv2dNormActivation", "Conv3dNormActivation", "FrozenBatchNorm2d", "MLP", "Permute",
            "SqueezeExcitation", "stochastic_depth", "StochasticDepth"]
