"""``numtorch.vision``: served as ``torchvision`` under ``numtorch run`` (datasets, transforms, ops, models,
utils, io, tv_tensors)."""
from . import datasets, transforms, ops  # noqa: F401
from . import models  # noqa: F401
from . import utils  # noqa: F401
from . import io  # noqa: F401
from . import tv_tensors  # noqa: F401

__version__ = "0.0.0+numtorch"
__all__ = ["datasets", "transforms", "ops", "models", "utils", "io", "tv_tensors"]
