"""``torch.xpu``: Intel GPUs, absent from this build."""
from ._device_stubs import memory_allocated, max_memory_allocated, memory_reserved, max_memory_reserved  # noqa: F401
from . import _devices

__all__ = ["current_device", "device_count", "empty_cache", "get_device_name", "get_device_properties",
           "is_available", "is_bf16_supported", "is_initialized", "manual_seed", "manual_seed_all",
           "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved", "synchronize",
           "set_device", "init"]


def _no_xpu(*args, **kwargs):
    raise AssertionError(_devices.NO_XPU)


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def manual_seed(seed):
    int(seed)


def manual_seed_all(seed):
    int(seed)


def empty_cache():
    pass


init = current_device = synchronize = get_device_name = get_device_properties = set_device = _no_xpu
