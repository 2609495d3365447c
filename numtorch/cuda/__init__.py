"""``torch.cuda`` as a CPU-only PyTorch build answers it: no device, queries return what torch returns,
and the calls that need a GPU raise torch's exception with torch's message."""
from .._device_stubs import memory_allocated, max_memory_allocated, memory_reserved, max_memory_reserved, StreamContext, stream  # noqa: F401
import warnings as _warnings

from .. import _devices
from . import amp  # noqa: F401

__all__ = ["Event", "Stream", "StreamContext", "amp", "current_device", "current_stream", "default_stream",
           "device", "device_count", "device_of", "empty_cache", "get_arch_list", "get_device_capability",
           "get_device_name", "get_device_properties", "get_rng_state", "get_rng_state_all", "init",
           "initial_seed", "ipc_collect", "is_available", "is_bf16_supported", "is_initialized",
           "is_tf32_supported", "manual_seed", "manual_seed_all", "max_memory_allocated", "max_memory_cached",
           "max_memory_reserved", "mem_get_info", "memory_allocated", "memory_cached", "memory_reserved",
           "memory_stats", "reset_max_memory_allocated", "reset_peak_memory_stats", "seed", "seed_all",
           "set_device", "set_per_process_memory_fraction", "set_rng_state", "set_rng_state_all", "stream",
           "synchronize"]


def _no_cuda(*args, **kwargs):
    raise AssertionError(_devices.NO_CUDA)


def _no_c_attr(name):
    # what CPU-only torch raises where its Python layer calls a CUDA binding it was built without
    raise AttributeError(f"module 'torch._C' has no attribute '{name}'")


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def _is_compiled():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def is_tf32_supported():
    return False


def get_arch_list():
    return []


init = current_device = synchronize = get_device_name = get_device_properties = get_device_capability = \
    mem_get_info = current_stream = default_stream = get_rng_state = initial_seed = ipc_collect = \
    set_per_process_memory_fraction = _no_cuda
init.__doc__ = "Needs a CUDA device: raises AssertionError('Torch not compiled with CUDA enabled') as CPU torch."


def _device_index(dev):
    """torch.cuda._utils._get_device_index as CPU torch runs it, up to the point where it needs CUDA."""
    if isinstance(dev, str):
        from .._tensor import device as _device
        dev = _device(dev)
    if hasattr(dev, "type"):
        if dev.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {dev}")
        if dev.index is None:
            raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{dev}")
        return dev.index
    return dev


def set_device(device):
    idx = _device_index(device)
    if idx is not None and idx >= 0:
        _no_c_attr("_cuda_setDevice")


def memory_cached(device=None):
    _warnings.warn("`torch.cuda.memory_cached` has been renamed to `torch.cuda.memory_reserved`", FutureWarning,
                   stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None):
    _warnings.warn("`torch.cuda.max_memory_cached` has been renamed to `torch.cuda.max_memory_reserved`",
                   FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def memory_stats(device=None):
    from collections import OrderedDict
    return OrderedDict()


def empty_cache():
    pass


def reset_peak_memory_stats(device=None):
    _no_c_attr("_cuda_resetPeakMemoryStats")


def reset_max_memory_allocated(device=None):
    _warnings.warn("torch.cuda.reset_max_memory_allocated now calls torch.cuda.reset_peak_memory_stats, "
                   "which resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


# seeding is queued until CUDA initializes, which never happens: these do nothing, as in CPU torch
def manual_seed(seed):
    int(seed)


def manual_seed_all(seed):
    int(seed)


def seed():
    pass


def seed_all():
    pass


def set_rng_state(new_state, device="cuda"):
    pass


def set_rng_state_all(new_states):
    pass


def get_rng_state_all():
    return []


class device:
    """``with torch.cuda.device(i):`` selects nothing when there is no device (as CPU torch)."""

    def __init__(self, device):
        self.idx = _device_index(device)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:
            return None
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc):
        return False


class device_of(device):
    """``with torch.cuda.device_of(t):`` for a CPU tensor selects nothing."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if getattr(obj, "is_cuda", False) else -1)




class Stream:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


class Event:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event")
