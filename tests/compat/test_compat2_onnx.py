"""torch.onnx's names are PyTorch's; is_in_onnx_export is False outside an export (exporting itself:
tests/onnx_export/)."""
import numtorch as nt
from conftest import torch  # noqa: F401
import torch.onnx as tonnx


def test_onnx_module_names():
    import numtorch.onnx as onnx
    assert sorted(onnx.__all__) == sorted(tonnx.__all__)
    assert onnx.is_in_onnx_export() is tonnx.is_in_onnx_export() is False
    assert issubclass(onnx.OnnxExporterError, RuntimeError) and issubclass(tonnx.OnnxExporterError, RuntimeError)
    assert nt.onnx is onnx
