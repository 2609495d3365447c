"""``torch.onnx.errors``."""

__all__ = ["OnnxExporterError", "UnsupportedOperatorError"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter (the only one numtorch raises: there is no exporter)."""


class UnsupportedOperatorError(OnnxExporterError):
    pass
