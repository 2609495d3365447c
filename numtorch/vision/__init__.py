"""``numtorch.vision``: served as ``torchvision`` under ``numtorch run`` (datasets, transforms, ops)."""
from . import datasets, transforms, ops  # noqa: F401

__version__ = "0.0.0+numtorch"
__all__ = ["datasets", "transforms", "ops"]
from . import tv_tensors  # noqa: F401,E402
__all__.append("tv_tensors")
