"""``torch.autograd.profiler``: the older profiler interface (``profile``, ``record_function``) over the same
recorder as ``torch.profiler``, timing numtorch's own ops on the CPU."""
from ..profiler._legacy import profile, record_function, emit_nvtx, emit_itt, kineto_available
from ..profiler._events import EventList, FunctionEvent, FunctionEventAvg
from ..profiler import ProfilerActivity, DeviceType

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "kineto_available", "EventList",
           "FunctionEvent", "FunctionEventAvg", "ProfilerActivity", "DeviceType"]
