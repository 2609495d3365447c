"""torch.onnx.export's API around the graph: files and paths, kwargs, opsets, export_params, errors that name the
op and the user's line, is_in_onnx_export, the missing-extra message, and the observer leaving no trace."""
import io
import sys

import numpy as np
import pytest

import numtorch as nt
from numtorch import nn
from numtorch.autograd import function as fmod
from conftest import torch  # noqa: F401
from _onnx_check import run_ort

onnx = pytest.importorskip("onnx")


def test_path_output_and_default_names(tmp_path):
    nt.manual_seed(0)
    m = nn.Linear(3, 2)
    p = tmp_path / "m.onnx"
    assert nt.onnx.export(m, nt.ones(1, 3), str(p), dynamo=False) is None
    model = onnx.load(str(p))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == ["input"] and [o.name for o in model.graph.output] == ["output"]
    assert "bias" in {i.name for i in model.graph.initializer}
    x = np.ones((1, 3), np.float32)
    with nt.no_grad():
        np.testing.assert_allclose(run_ort(p.read_bytes(), [x])[0], m(nt.from_numpy(x)).numpy(), rtol=1e-5)


def test_kwargs_and_multiple_inputs():
    class M(nn.Module):
        def forward(self, a, b, scale=1.0, mask=None):
            return (a @ b) * scale if mask is None else ((a @ b) * scale).masked_fill(mask, 0.0)
    a, b = nt.randn(2, 3), nt.randn(3, 4)
    mask = nt.randn(2, 4) > 0
    buf = io.BytesIO()
    nt.onnx.export(M(), (a, b), buf, kwargs={"scale": 2.0, "mask": mask}, input_names=["a", "b", "mask"])
    got = run_ort(buf.getvalue(), [a.numpy(), b.numpy(), mask.numpy()])[0]
    np.testing.assert_allclose(got, M()(a, b, 2.0, mask).numpy(), rtol=1e-5)


def test_export_params_false_makes_weights_inputs():
    m = nn.Linear(3, 2)
    buf = io.BytesIO()
    nt.onnx.export(m, (nt.ones(1, 3),), buf, export_params=False, do_constant_folding=False)
    model = onnx.load_from_string(buf.getvalue())
    assert {i.name for i in model.graph.input} == {"input", "weight", "bias"}
    assert not model.graph.initializer or all(i.name not in ("weight", "bias") for i in model.graph.initializer)


def test_opset_range():
    with pytest.raises(ValueError, match="opsets 17 to 21"):
        nt.onnx.export(nn.Linear(2, 2), (nt.ones(1, 2),), io.BytesIO(), opset_version=13)


def test_unsupported_op_names_op_and_line():
    class M(nn.Module):
        def forward(self, x):
            return nt.atan2(x, x + 1)   # THE-LINE
    with pytest.raises(nt.onnx.errors.UnsupportedOperatorError) as e:
        nt.onnx.export(M(), (nt.ones(2),), io.BytesIO())
    msg = str(e.value)
    assert "'Atan2'" in msg and "test_onnx_export_api.py" in msg and "THE-LINE" in msg
    assert fmod.Function.__dict__["apply"] is fmod._plain_apply     # the observer is gone after a failure


def test_is_in_onnx_export_and_observer_removed():
    seen = []

    class M(nn.Module):
        def forward(self, x):
            seen.append(nt.onnx.is_in_onnx_export())
            return x * 2
    nt.onnx.export(M(), (nt.ones(2),), io.BytesIO())
    assert seen and all(seen) and nt.onnx.is_in_onnx_export() is False
    assert fmod.Function.__dict__["apply"] is fmod._plain_apply and not fmod._observers


def test_training_mode_restored():
    m = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)).train()
    nt.onnx.export(m, (nt.ones(1, 2),), io.BytesIO())
    assert m.training


def test_torch_onnx_reachable_after_import_torch():
    import subprocess
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-c", "import numtorch as t; print(t.onnx.export.__module__)"],
                       capture_output=True, text=True, cwd="/", env=dict(os.environ, PYTHONPATH=root), timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "numtorch.onnx", r.stderr[-500:]


def test_missing_onnx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'numtorch\[onnx\]'"):
        nt.onnx.export(nn.Linear(2, 2), (nt.ones(1, 2),), io.BytesIO())
