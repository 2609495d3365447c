"""``torch.utils.data``: datasets, samplers, collation and the DataLoader."""
from .dataset import *  # noqa: F401,F403
from .dataset import __all__ as _d
from .sampler import *  # noqa: F401,F403
from .sampler import __all__ as _s
from ._collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from . import _collate as _utils_collate  # noqa: F401
from .distributed import DistributedSampler

__all__ = _d + _s + ["default_collate", "default_convert", "DataLoader", "get_worker_info", "DistributedSampler"]
