"""Global switches of the ``torch`` namespace: matmul precision, deterministic algorithms, autocast state."""
import warnings

from .amp import _autocast_mode as _am
from .backends import _fp32_matmul_precision as _prec

_det = {"mode": False, "warn_only": False}


def set_float32_matmul_precision(precision):
    """"highest" (float32 products), "high" or "medium" (TF32/bf16 products allowed; NumPy has none, so
    every setting computes in float32)."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _prec[0] = precision


def get_float32_matmul_precision():
    return _prec[0]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Stored as PyTorch stores it; numtorch's kernels are deterministic whatever it says."""
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
                        f"{type(warn_only).__name__}")
    _det["mode"], _det["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _det["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _det["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    if isinstance(debug_mode, str):
        levels = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in levels:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                               f"got {debug_mode}")
        debug_mode = levels[debug_mode]
    if debug_mode == 0:
        use_deterministic_algorithms(False)
    elif debug_mode == 1:
        use_deterministic_algorithms(True, warn_only=True)
    elif debug_mode == 2:
        use_deterministic_algorithms(True)
    else:
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")


def get_deterministic_debug_mode():
    if _det["mode"]:
        return 1 if _det["warn_only"] else 2
    return 0


# ---- autocast state (torch.is_autocast_enabled & co.)
def is_autocast_enabled(device_type=None):
    return _am.state.enabled.get("cuda" if device_type is None else device_type, False)


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:  # the old one-argument form: set_autocast_enabled(enabled) for CUDA
        device_type, enabled = "cuda", device_type
    _am.set_enabled(device_type, enabled)


def get_autocast_dtype(device_type):
    return _am.get_dtype(device_type)


def set_autocast_dtype(device_type, dtype):
    _am.set_dtype(device_type, dtype)


def _deprecated(old, new):
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def is_autocast_cache_enabled():
    return _am.state.cache_enabled


def set_autocast_cache_enabled(enabled):
    _am.state.cache_enabled = bool(enabled)


def clear_autocast_cache():
    pass  # casts are not cached: every op casts its inputs afresh (same values)


def autocast_increment_nesting():
    _am.state.nesting += 1
    return _am.state.nesting


def autocast_decrement_nesting():
    _am.state.nesting -= 1
    return _am.state.nesting

