"""``torch.accelerator``: a CPU-only build has none, and says so as PyTorch does."""
from . import _devices

__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "current_stream",
           "device_count", "device_index", "empty_cache", "is_available", "max_memory_allocated",
           "max_memory_reserved", "memory_allocated", "memory_reserved", "memory_stats",
           "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx", "set_device_index",
           "set_stream", "synchronize"]


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0


def _none(*args, **kwargs):
    raise _devices.no_accelerator()


current_device_index = current_device_idx = set_device_index = set_device_idx = current_stream = set_stream = \
    synchronize = empty_cache = memory_allocated = max_memory_allocated = memory_reserved = \
    max_memory_reserved = memory_stats = reset_accumulated_memory_stats = reset_peak_memory_stats = _none


class device_index:
    """``with torch.accelerator.device_index(None):`` does nothing; any index needs an accelerator."""

    def __init__(self, device, /):
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            raise _devices.no_accelerator()
        return self

    def __exit__(self, *exc):
        return False
