"""``torchvision.transforms`` for numtorch."""
from .transforms import *  # noqa: F401,F403
from .autoaugment import *  # noqa: F401,F403
from . import transforms as _t, autoaugment as _aa
from . import functional, transforms, autoaugment  # noqa: F401

__all__ = _t.__all__ + _aa.__all__
