"""``nn.DataParallel``: on one CPU device there is nothing to replicate to, so the wrapped module runs as
it is (as PyTorch's DataParallel does when no GPU is present); ``.module`` and the ``module.``-prefixed
state_dict keys are PyTorch's."""
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _check_devices(device_ids):
    for d in device_ids or ():
        name = getattr(d, "type", d)
        if name not in (0, None, "cpu", "cuda", "cuda:0"):
            raise RuntimeError(f"numtorch has one device: DataParallel cannot use device {d!r}")


class DataParallel(Module):
    """``DataParallel(module, device_ids=None, output_device=None, dim=0)``: ``forward`` calls ``module``."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        _check_devices(device_ids)
        self.module = module
        self.device_ids = [0] if device_ids is None else list(device_ids)
        self.output_device = output_device if output_device is not None else self.device_ids[0]
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    """The functional form: ``module(*inputs, **module_kwargs)`` on the one device."""
    _check_devices(device_ids)
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
