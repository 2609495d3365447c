"""``torch.random``: the global generator's seed and state, and ``fork_rng``."""
import contextlib

from ._random import Generator, default_generator  # noqa: F401  (in torch.random's namespace, not __all__)
from ._random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state

__all__ = ["set_rng_state", "get_rng_state", "manual_seed", "seed", "initial_seed", "fork_rng",
           "thread_safe_generator"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Save the CPU generator's state on entry and restore it on exit (numtorch has only the CPU device)."""
    if not enabled or device_type == "meta":
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def thread_safe_generator():
    """The worker's own generator inside a thread-based DataLoader worker, else ``None`` (the global one)."""
    from .utils.data import get_worker_info
    info = get_worker_info()
    if info is not None and getattr(info, "worker_method", None) == "thread" and getattr(info, "rng", None):
        return info.rng.torch_generator
    return None


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.random.{name}'")
