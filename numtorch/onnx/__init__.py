"""``torch.onnx``: importable, so scripts that only may export run; exporting itself is not available
(``export`` raises, naming what to do instead)."""
from . import errors
from .errors import OnnxExporterError

__all__ = ["errors", "ops", "export", "is_in_onnx_export", "OnnxExporterError", "ONNXProgram", "ExportableModule",
           "InputObserver"]


def is_in_onnx_export():
    """False: numtorch never traces a model for ONNX."""
    return False


def export(model=None, args=(), f=None, **kwargs):
    """Not available: numtorch has no ONNX exporter."""
    raise OnnxExporterError("numtorch has no 'torch.onnx.export': there is no ONNX exporter in numtorch. Save the "
                            "weights with torch.save(model.state_dict(), path) and export from PyTorch.")


class _NoOnnx:
    def __init__(self, *args, **kwargs):
        raise OnnxExporterError(f"numtorch has no 'torch.onnx.{type(self).__name__}': there is no ONNX exporter")


class ONNXProgram(_NoOnnx):
    pass


class ExportableModule(_NoOnnx):
    pass


class InputObserver(_NoOnnx):
    pass


class _Ops:
    """``torch.onnx.ops``: custom ONNX symbolic ops, meaningful only while exporting."""

    def __getattr__(self, name):
        raise AttributeError(f"numtorch has no 'torch.onnx.ops.{name}': there is no ONNX exporter")


ops = _Ops()
