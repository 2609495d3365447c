"""Devices as a CPU-only PyTorch sees them: the CPU works, every other device raises what torch raises.

One check (``check``) serves ``Tensor.to``/``.cuda()``, ``Module.to``/``.cuda()``, ``device=`` in creation
functions and the default device, so they all fail alike.
"""
import builtins

# the device types torch's parser knows, in its order (its error message lists them)
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")

NO_CUDA = "Torch not compiled with CUDA enabled"
NO_XPU = "Torch not compiled with XPU enabled"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."

_default = [None]  # torch.set_default_device: None means the CPU


def unknown_type(s):
    return RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {s}")


def no_accelerator():
    return RuntimeError(NO_ACCELERATOR)


def raise_for_type(t):
    """Raise what CPU-only torch raises when a tensor is asked to live on a device of type ``t``."""
    if t == "cpu":
        return
    if t in ("cuda", "hip"):
        raise AssertionError(NO_CUDA)
    if t == "xpu":
        raise AssertionError(NO_XPU)
    if t == "hpu":
        raise ModuleNotFoundError("No module named 'torch.hpu'", name="torch.hpu")
    if t == "meta":
        raise NotImplementedError("numtorch has no 'meta' device: every tensor holds its data on the CPU")
    raise RuntimeError(f"PyTorch is not linked with support for {t} devices")


def check(dev):
    """Raise unless ``dev`` (str, torch.device, int or None for the default device) is the CPU."""
    if dev is None:
        dev = _default[0]
        if dev is None:
            return
    if isinstance(dev, str):
        if dev == "cpu":
            return
        t = dev.split(":", 1)[0]
        if t not in DEVICE_TYPES:
            raise unknown_type(dev)
        raise_for_type(t)
        return
    if isinstance(dev, builtins.int) and not isinstance(dev, builtins.bool):
        raise no_accelerator()
    t = getattr(dev, "type", None)
    if t is None:
        raise TypeError(f"expected a device (str, torch.device or int), but got {type(dev).__name__}")
    raise_for_type(t)


def get_default_device():
    """``torch.get_default_device()``: the CPU unless a script set another (which then raises here)."""
    from ._tensor import device
    d = _default[0]
    if d is None:
        return device("cpu")
    check(d)
    return device(d) if not isinstance(d, device) else d


def set_default_device(device):
    """``torch.set_default_device``: stored as torch stores it; tensors made later check it."""
    if device is not None and not isinstance(device, (str, builtins.int)) and not hasattr(device, "type"):
        raise TypeError(f"set_default_device(): expected a device, but got {type(device).__name__}")
    if isinstance(device, str) and device.split(":", 1)[0] not in DEVICE_TYPES:
        raise unknown_type(device)
    _default[0] = None if device is None or device == "cpu" or getattr(device, "type", None) == "cpu" else device

