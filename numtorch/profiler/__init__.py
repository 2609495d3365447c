"""``torch.profiler``: times numtorch's own ops (the CPU activity) and ``record_function`` ranges;
``prof.key_averages().table(sort_by=..., row_limit=...)`` prints PyTorch's table, ``schedule`` and
``on_trace_ready`` cycle as in PyTorch, ``export_chrome_trace`` writes a trace chrome://tracing opens."""
import enum
import os
import socket
import time
import warnings

from ._legacy import record_function, profile as _AutogradProfile, kineto_available, _events
from ._record import _Recorder, _start, _stop, _chrome_trace

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "kineto_available", "DeviceType", "record_function", "ExecutionTraceObserver"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5

    def __repr__(self):
        return f"<ProfilerActivity.{self.name}: {self.value}>"

    def __str__(self):
        return f"ProfilerActivity.{self.name}"


class DeviceType(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities():
    return {ProfilerActivity.CPU}


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Step -> action: skip ``skip_first`` steps, then cycles of ``wait`` idle, ``warmup``, ``active``
    recorded steps (the last saves), ``repeat`` times (0: forever)."""
    def schedule_fn(step):
        assert step >= 0
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod_step < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE
    assert wait >= 0 and warmup >= 0 and active > 0 and repeat >= 0 and skip_first >= 0, \
        "Invalid profiler schedule arguments"
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results")
    return schedule_fn


def _default_schedule_fn(_):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An ``on_trace_ready`` writing ``<dir_name>/<worker>.<ms>.pt.trace.json`` (chrome trace format)."""
    def handler_fn(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1000000}.pt.trace.json" + (".gz" if use_gzip else "")
        path = os.path.join(dir_name, name)
        prof.export_chrome_trace(path[:-3] if use_gzip else path)
        if use_gzip:
            import gzip
            import shutil
            with open(path[:-3], "rb") as src, gzip.open(path, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path[:-3])
    return handler_fn


class ExecutionTraceObserver:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("numtorch has no 'torch.profiler.ExecutionTraceObserver'")


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile(_AutogradProfile):
    """``with torch.profiler.profile(activities=[ProfilerActivity.CPU], schedule=..., on_trace_ready=...) as
    prof: ... prof.step()``; ``prof.key_averages().table(...)`` after the last recorded cycle."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None, post_processing_timeout_s=None):
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory, with_stack=with_stack)
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _default_schedule_fn
        self.record_steps = schedule is not None
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)

    def _begin(self):
        self._rec = _Recorder(self.record_shapes, self.with_stack, self.profile_memory)
        _start(self._rec)

    def _end(self, save):
        _stop(self._rec)
        self.function_events = _events(self._rec)
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def start(self):
        if self.current_action in _RECORDING:
            self._begin()

    def stop(self):
        if self._rec is not None and self._rec in __import__("numtorch.profiler._record",
                                                             fromlist=["_recorders"])._recorders:
            self._end(self.current_action in _RECORDING)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()
        return False

    def step(self):
        """Advances the schedule: ends a recorded cycle (calling ``on_trace_ready``) or starts one."""
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if prev in _RECORDING and self.current_action not in _RECORDING:
            self._end(True)
        elif prev == ProfilerAction.RECORD_AND_SAVE:
            self._end(True)
            self._begin()
        elif prev not in _RECORDING and self.current_action in _RECORDING:
            self._begin()

    def export_chrome_trace(self, path):
        self._check()
        _chrome_trace(self._rec.events, path, self._rec.t0)
