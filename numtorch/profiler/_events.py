"""``FunctionEvent``, ``FunctionEventAvg`` and ``EventList`` (``key_averages().table()``) as PyTorch prints them.
Times are in microseconds; memory is the bytes of the tensors an op returned (and its children's)."""
from collections import OrderedDict


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_pct(time_us, total):
    return f"{time_us * 100.0 / total:.2f}%" if total else "NaN"


def _format_memory(nbytes):
    kb, mb, gb = 1024, 1024 ** 2, 1024 ** 3
    if abs(nbytes) >= gb:
        return f"{nbytes / gb:.2f} GB"
    if abs(nbytes) >= mb:
        return f"{nbytes / mb:.2f} MB"
    if abs(nbytes) >= kb:
        return f"{nbytes / kb:.2f} KB"
    return f"{nbytes} B"


class _Times:
    cuda_time = cuda_time_total = device_time = device_time_total = self_device_time_total = 0.0
    self_cuda_time_total = device_memory_usage = self_device_memory_usage = cuda_memory_usage = 0
    self_cuda_memory_usage = flops = 0
    device_type = "DeviceType.CPU"
    is_async = is_remote = is_legacy = False
    node_id = -1
    scope = 0
    use_device = None
    overload_name = ""

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    @property
    def cpu_time_str(self):
        return _format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self):
        return _format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self):
        return _format_time(self.self_cpu_time_total)


class FunctionEvent(_Times):
    """One recorded call: ``name``, ``cpu_time_total`` (us), ``self_cpu_time_total`` (without children)."""

    def __init__(self, ev, t0, id):
        self.id = id
        self.name = self.key = ev.name
        self.count = 1
        self.thread = ev.thread
        self.input_shapes = ev.shapes
        self.stack = list(ev.stack)
        self.is_user_annotation = ev.is_user
        self.start_us = (ev.start - t0) / 1000.0
        self.cpu_time_total = (ev.end - ev.start) / 1000.0
        self.self_cpu_time_total = (ev.end - ev.start - ev.children_time) / 1000.0
        self.cpu_memory_usage = ev.mem
        self.self_cpu_memory_usage = ev.mem - ev.child_mem
        self.cpu_parent = None
        self.cpu_children = []

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={self.cpu_time_str} "
                f"start_us={self.start_us:.3f} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage}>")


class FunctionEventAvg(_Times):
    """Events of one key summed: ``count``, ``cpu_time_total``, ``self_cpu_time_total``, ``cpu_time`` (mean)."""

    def __init__(self):
        self.key = None
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.input_shapes = None
        self.stack = None
        self.is_user_annotation = False
        self.cpu_parent = None
        self.cpu_children = None

    def add(self, other):
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.is_user_annotation = other.is_user_annotation
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        return self

    __iadd__ = add

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str}  self_cuda_time=0.000us cuda_time=0.000us "
                f"input_shapes={self.input_shapes or ''} cpu_memory_usage={self.cpu_memory_usage} "
                f"cuda_memory_usage=0>")


class EventList(list):
    """A list of events with ``key_averages``, ``table``, ``total_average``, ``export_chrome_trace``."""

    def __init__(self, *args, profile_memory=False, with_shapes=False, _raw=None, _t0=0, **kwargs):
        super().__init__(*args)
        self._profile_memory = profile_memory
        self._with_shapes = with_shapes
        self._raw = _raw or []
        self._t0 = _t0

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        groups = OrderedDict()
        for e in self:
            key = (e.key,)
            if group_by_input_shape:
                key += (str(e.input_shapes),)
            if group_by_stack_n > 0:
                key += tuple(e.stack[:group_by_stack_n])
            groups.setdefault(key, FunctionEventAvg()).add(e)
        return EventList(groups.values(), profile_memory=self._profile_memory,
                         with_shapes=group_by_input_shape)

    def total_average(self):
        total = FunctionEventAvg()
        for e in self:
            total.add(e)
        total.key = "Total"
        return total

    def export_chrome_trace(self, path):
        from ._record import _chrome_trace
        _chrome_trace(self._raw, path, self._t0)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """PyTorch's table: Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, [CPU Mem,
        Self CPU Mem], # of Calls, [Input Shapes]; sorted by ``sort_by`` (descending), ``row_limit`` rows."""
        events = list(self)
        if sort_by is not None:
            events = sorted(events, key=lambda e: getattr(e, sort_by), reverse=True)
        total = sum(e.self_cpu_time_total for e in self)
        rows = events[:row_limit] if row_limit is not None and row_limit >= 0 else events
        name_w = min(max([len(e.key) for e in self] + [4]) + 4, max_name_column_width)
        cols = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
        if self._profile_memory:
            cols += ["CPU Mem", "Self CPU Mem"]
        cols += ["# of Calls"]
        shapes_w = 0
        if self._with_shapes:
            shapes_w = min(max([len(str(e.input_shapes)) for e in self] + [12]) + 4, max_shapes_column_width)
        widths = [name_w] + [12] * len(cols) + ([shapes_w] if shapes_w else [])
        heads = ["Name"] + cols + (["Input Shapes"] if shapes_w else [])
        sep = "".join("-" * w + "  " for w in widths)

        def line(vals):
            return "".join(f"{v:>{w}}  " for v, w in zip(vals, widths))
        out = []
        if header is not None:
            out += ["=" * len(sep), header]
        out += [sep, line(heads), sep]
        for e in rows:
            name = e.key if len(e.key) <= name_w else e.key[:name_w - 3] + "..."
            vals = [name, _format_pct(e.self_cpu_time_total, total), _format_time(e.self_cpu_time_total),
                    _format_pct(e.cpu_time_total, total), _format_time(e.cpu_time_total),
                    _format_time(e.cpu_time)]
            if self._profile_memory:
                vals += [_format_memory(e.cpu_memory_usage), _format_memory(e.self_cpu_memory_usage)]
            vals += [str(e.count)]
            if shapes_w:
                s = str(e.input_shapes)
                vals += [s if len(s) <= shapes_w else s[:shapes_w - 3] + "..."]
            out.append(line(vals))
        out += [sep, f"Self CPU time total: {_format_time(total)}", ""]
        return "\n".join(out)

    def __str__(self):
        return self.table()
