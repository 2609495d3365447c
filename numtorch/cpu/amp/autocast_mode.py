"""``torch.cpu.amp.autocast``: ``torch.amp.autocast("cpu", ...)`` under its deprecated name."""
import warnings

from ...amp import autocast_mode as _amp

__all__ = ["autocast"]


class autocast(_amp.autocast):
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cpu', args...)` instead.", FutureWarning, stacklevel=2)
        if dtype is None:
            from ... import _dtype as D
            dtype = D.bfloat16
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)
