"""torch.onnx imports (scripts that may export run); export says numtorch has no exporter."""
import pytest

import numtorch as nt
from conftest import torch  # noqa: F401
import torch.onnx as tonnx


def test_onnx_module_names_and_export_error(tmp_path):
    import numtorch.onnx as onnx
    assert sorted(onnx.__all__) == sorted(tonnx.__all__)
    assert onnx.is_in_onnx_export() is tonnx.is_in_onnx_export() is False
    assert issubclass(onnx.OnnxExporterError, RuntimeError) and issubclass(tonnx.OnnxExporterError, RuntimeError)
    with pytest.raises(onnx.OnnxExporterError, match="numtorch has no 'torch.onnx.export'"):
        onnx.export(nt.nn.Linear(2, 2), (nt.ones(1, 2),), str(tmp_path / "m.onnx"))
