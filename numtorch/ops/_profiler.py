"""``torch.ops.profiler``: the operators ``torch.autograd.profiler.record_function`` is built on in PyTorch, here on
numtorch's recorder, so a range opened through them shows in ``torch.profiler`` / ``torch.autograd.profiler``
tables exactly as a ``record_function`` block does."""
from ._overload import _register

_RECORD_TYPE = "__torch__.torch.classes.profiler._RecordFunction"


class _RecordFunction:
    """The handle ``_record_function_enter_new`` returns (a TorchScript object in PyTorch)."""
    _schema_type = _RECORD_TYPE

    def __init__(self, event):
        self._event = event

    def __repr__(self):
        return f"<torch.ScriptObject object at {hex(id(self))}>"


def _open(name, args):
    from ..profiler._record import _op_event
    return _op_event(name, (), is_user=True)


def _close(event):
    if event is not None:
        from ..profiler._record import _op_done
        _op_done(event)


def _enter(name, args=None):
    """The deprecated form: the handle is a uint8 tensor (PyTorch packs a pointer in it; numtorch keeps the
    open range on the tensor object)."""
    from .._creation import zeros
    from .._dtype import uint8
    handle = zeros(0, dtype=uint8)
    handle._numtorch_record = _open(name, args)
    return handle


def _enter_new(name, args=None):
    return _RecordFunction(_open(name, args))


def _exit_tensor(handle):
    _close(getattr(handle, "_numtorch_record", None))
    handle._numtorch_record = None


def _exit_record(record):
    _close(record._event)
    record._event = None


_register("profiler::_record_function_enter(str name, str? args=None) -> Tensor", _enter)
_register(f"profiler::_record_function_enter_new(str name, str? args=None) -> {_RECORD_TYPE}", _enter_new)
_register("profiler::_record_function_exit(Tensor handle) -> ()", _exit_tensor)
_register(f"profiler::_record_function_exit._RecordFunction({_RECORD_TYPE} record) -> ()", _exit_record)
