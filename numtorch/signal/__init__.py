"""``torch.signal``: signal-processing functions (``torch.signal.windows``)."""
from . import windows

__all__ = ["windows"]


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.signal.{name}'")
