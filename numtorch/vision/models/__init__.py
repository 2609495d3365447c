"""``torchvision.models``: the classification model families, built from numtorch layers with torchvision's
module names (a torchvision ``state_dict`` loads with ``strict=True``) and initialisation; ``weights=`` enums read
checkpoints from the hub cache (``$TORCH_HOME/hub/checkpoints``), nothing is downloaded."""
# torchvision's public module paths (``torchvision.models.resnet``, ...), imported first: as in torchvision, the
# builders ``alexnet`` and ``googlenet`` then rebind the package attributes their modules got
from . import (resnet, vgg, alexnet, densenet, mobilenetv2, mobilenetv3, efficientnet, regnet,  # noqa: F401
               convnext, vision_transformer, swin_transformer, squeezenet, shufflenetv2, mnasnet, googlenet,
               inception, maxvit, mobilenet)
from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models, Weights, WeightsEnum
from ._resnet import *  # noqa: F401,F403
from ._vgg import *  # noqa: F401,F403
from ._alexnet import *  # noqa: F401,F403
from ._mobilenetv2 import *  # noqa: F401,F403
from ._mobilenetv3 import *  # noqa: F401,F403
from ._squeezenet import *  # noqa: F401,F403
from ._densenet import *  # noqa: F401,F403
from ._shufflenetv2 import *  # noqa: F401,F403
from ._mnasnet import *  # noqa: F401,F403
from ._efficientnet import *  # noqa: F401,F403
from ._regnet import *  # noqa: F401,F403
from ._googlenet import *  # noqa: F401,F403
from ._inception import *  # noqa: F401,F403
from ._vision_transformer import *  # noqa: F401,F403
from ._convnext import *  # noqa: F401,F403
from ._swin_transformer import *  # noqa: F401,F403
from ._maxvit import *  # noqa: F401,F403
from . import (_resnet, _vgg, _alexnet, _mobilenetv2, _mobilenetv3,
               _squeezenet, _mnasnet, _shufflenetv2, _densenet, _efficientnet,
               _regnet, _inception, _vision_transformer, _convnext, _googlenet, _swin_transformer, _maxvit)

__all__ = ["get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models", "Weights",
           "WeightsEnum"]
for _m in (_resnet, _vgg, _alexnet, _mobilenetv2, _mobilenetv3, _squeezenet, _mnasnet, _shufflenetv2, _densenet,
           _efficientnet, _regnet, _googlenet, _inception, _vision_transformer, _convnext, _swin_transformer, _maxvit):
    __all__ += _m.__all__
del _m
