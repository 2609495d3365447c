"""``torch.cpu``: the one device numtorch computes on."""
from .._device_stubs import StreamContext, stream  # noqa: F401
from . import amp  # noqa: F401

__all__ = ["is_available", "is_initialized", "synchronize", "current_device", "current_stream", "stream",
           "set_device", "device_count", "Stream", "StreamContext", "Event"]


def is_available():
    return True


def is_initialized():
    return True


def synchronize(device=None):
    pass


def current_device():
    return "cpu"


def set_device(device):
    pass


def device_count():
    return 1


class Stream:
    """The CPU's only stream: work runs in order, so waiting and syncing do nothing."""

    def __init__(self, priority=-1):
        pass

    def wait_stream(self, stream):
        pass

    def wait_event(self, event):
        pass

    def record_event(self, event=None):
        return event

    def query(self):
        return True

    def synchronize(self):
        pass


class Event:
    def query(self):
        return True

    def record(self, stream=None):
        pass

    def synchronize(self):
        pass

    def wait(self, stream=None):
        pass


_default_cpu_stream = Stream()
_current_stream = _default_cpu_stream


def current_stream(device=None):
    return _current_stream
