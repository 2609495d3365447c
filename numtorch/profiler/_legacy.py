"""What ``torch.autograd.profiler`` holds: the older profiler interface (``profile``, ``record_function``) over the
same recorder as ``torch.profiler``, timing numtorch's own ops on the CPU."""
from ._events import EventList, FunctionEvent, FunctionEventAvg
from ._record import _Recorder, _start, _stop, _op_event, _op_done, _chrome_trace



def kineto_available():
    return False


def _events(rec):
    evs = [FunctionEvent(e, rec.t0, i) for i, e in enumerate(sorted(rec.events, key=lambda e: e.start))]
    return EventList(evs, profile_memory=rec.profile_memory, _raw=rec.events, _t0=rec.t0)


class profile:
    """``with profile() as prof: ...`` then ``prof.key_averages().table(sort_by="self_cpu_time_total")``."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self._rec = None
        self.function_events = None
        self.entered = False

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._rec = _Recorder(self.record_shapes, self.with_stack, self.profile_memory)
        _start(self._rec)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not self.enabled:
            return False
        _stop(self._rec)
        self.function_events = _events(self._rec)
        return False

    def _check(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        self._check()
        return self.function_events.table(sort_by=sort_by, row_limit=row_limit, header=header,
                                          max_name_column_width=max_name_column_width,
                                          max_shapes_column_width=max_shapes_column_width)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        self._check()
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def total_average(self):
        self._check()
        return self.function_events.total_average()

    def export_chrome_trace(self, path):
        self._check()
        _chrome_trace(self._rec.events, path, self._rec.t0)

    @property
    def self_cpu_time_total(self):
        self._check()
        return self.function_events.self_cpu_time_total

    def __str__(self):
        self._check()
        return str(self.function_events)


class record_function:
    """Marks a user range: it appears under ``name`` in the profiler's table (as a context manager or a
    decorator)."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._ev = None

    def __enter__(self):
        self._ev = _op_event(self.name, (), is_user=True)
        return self

    def __exit__(self, *exc):
        if self._ev is not None:
            _op_done(self._ev)
            self._ev = None
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class emit_nvtx:
    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            raise RuntimeError("numtorch has no 'torch.autograd.profiler.emit_nvtx': there is no CUDA")
        return self

    def __exit__(self, *exc):
        return False


class emit_itt(emit_nvtx):
    def __enter__(self):
        if self.enabled:
            raise RuntimeError("numtorch has no 'torch.autograd.profiler.emit_itt' (Intel VTune annotations)")
        return self
