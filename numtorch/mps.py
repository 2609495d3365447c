"""``torch.mps``: Apple's Metal backend, absent from this build (as from any non-macOS PyTorch)."""

__all__ = ["device_count", "get_rng_state", "manual_seed", "seed", "set_rng_state", "synchronize", "empty_cache",
           "set_per_process_memory_fraction", "current_allocated_memory", "driver_allocated_memory",
           "recommended_max_memory", "is_available"]


def _no_mps(what):
    def f(*args, **kwargs):
        raise RuntimeError(f"Cannot execute {what}() without MPS backend.")
    return f


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    int(seed)


def seed():
    pass


synchronize = _no_mps("deviceSynchronize")
empty_cache = _no_mps("emptyCache")
current_allocated_memory = _no_mps("getCurrentAllocatedMemory")
driver_allocated_memory = _no_mps("getDriverAllocatedMemory")
recommended_max_memory = _no_mps("getRecommendedMaxMemory")
set_per_process_memory_fraction = _no_mps("setMemoryFraction")
get_rng_state = _no_mps("getRNGState")
set_rng_state = _no_mps("setRNGState")
