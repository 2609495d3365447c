"""``torch.nn.parallel``: data parallelism (``DistributedDataParallel`` over MPI ranks, and
``DataParallel``, which on this one-device CPU build runs the module as it is)."""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
