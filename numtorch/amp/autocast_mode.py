"""``torch.amp.autocast``: a context manager and decorator that turns mixed precision on for one device type.

On the CPU the listed ops run in ``dtype`` (bfloat16 by default) or float32 (see ``_autocast_mode``); for
"cuda" a CPU-only build warns and stays off, as PyTorch does.
"""
import functools
import warnings

from .. import _dtype as D
from .. import _devices
from . import _autocast_mode as _m

__all__ = ["autocast_decorator", "autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]


def is_autocast_available(device_type):
    """True for the device types PyTorch knows (autocast on CPU tensors works; others never cast here)."""
    return device_type in _devices.DEVICE_TYPES and device_type not in ("meta", "lazy", "mkldnn", "opengl",
                                                                        "opencl", "ideep", "ve", "fpga", "vulkan")


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


class autocast:
    """``with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):`` (or as a decorator)."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if device_type.split(":", 1)[0] not in _devices.DEVICE_TYPES:
            raise _devices.unknown_type(device_type)
        self.device = device_type
        self.fast_dtype = _m.get_dtype(device_type)
        if not is_autocast_available(self.device):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = _m.state.cache_enabled
        if enabled and self.device == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", UserWarning,
                          stacklevel=2)
            enabled = False
        if dtype is not None:
            self.fast_dtype = dtype
        if cache_enabled is not None:
            self._cache_enabled = cache_enabled
        if self.device == "cpu":
            supported = [D.bfloat16, D.float16]
            if self.fast_dtype not in supported and enabled:
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtypes of " + ", ".join(str(d) for d in supported)
                              + " currently.", UserWarning, stacklevel=2)
                enabled = False
            if enabled and self.fast_dtype is D.bfloat16:
                D.bfloat16.np  # noqa: B018  (the ml_dtypes extra: a clear error now rather than mid-model)
        self._enabled = enabled

    def __enter__(self):
        st = _m.state
        self.prev_cache_enabled = st.cache_enabled
        self.prev = st.enabled.get(self.device, False)
        self.prev_fastdtype = _m.get_dtype(self.device)
        _m.set_dtype(self.device, self.fast_dtype)
        _m.set_enabled(self.device, self._enabled)
        st.nesting += 1
        st.cache_enabled = self._cache_enabled
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        st = _m.state
        st.nesting -= 1
        _m.set_enabled(self.device, self.prev)
        _m.set_dtype(self.device, self.prev_fastdtype)
        st.cache_enabled = self.prev_cache_enabled
        return False

    def __call__(self, func):
        return autocast_decorator(self, func)


def _cast(value, device_type, dtype):
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        ok = value.is_floating_point() and device_type == "cpu" and value.dtype is not D.float64
        return value.to(dtype) if ok else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        it = (_cast(v, device_type, dtype) for v in value)
        return type(value)(it) if isinstance(value, list) or type(value) is tuple else tuple(it)
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom ``Function.forward``: with ``cast_inputs`` its floating inputs are cast to that
    dtype and it runs with autocast off; otherwise it runs in the surrounding autocast state."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = _m.get_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = _m.state.enabled.get(device_type, False)
            return fwd(*args, **kwargs)
        on = _m.state.enabled.get(device_type, False)
        args[0]._fwd_used_autocast = False
        if on:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom ``Function.backward``: it runs in the autocast state its forward ran in."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
