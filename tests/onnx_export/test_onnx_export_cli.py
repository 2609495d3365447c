"""``numtorch export``: a saved state_dict (or checkpoint dict) plus --model module:Name becomes an ONNX file that
ONNX Runtime runs with the model's numbers, the batch size dynamic."""
import os
import subprocess
import sys

import numpy as np

import numtorch as nt
from conftest import torch  # noqa: F401
from _onnx_check import run_ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MODEL = '''
import torch
from torch import nn


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.max_pool2d(torch.relu(self.conv(x)), 2), 1))
'''


def _cli(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + str(cwd))
    return subprocess.run([sys.executable, "-m", "numtorch"] + args, capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_export_state_dict_checkpoint(tmp_path):
    # the model file is written for PyTorch (import torch); numtorch serves it as the shim would
    (tmp_path / "smallmodel.py").write_text(MODEL.replace("import torch\nfrom torch import nn",
                                                          "import numtorch as torch\nfrom numtorch import nn"))
    import importlib.util
    spec = importlib.util.spec_from_file_location("smallmodel", tmp_path / "smallmodel.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    nt.manual_seed(0)
    m = mod.Small().eval()
    nt.save({"model": m.state_dict(), "epoch": 3}, str(tmp_path / "ckpt.pt"))
    r = _cli(["export", "ckpt.pt", "--model", "smallmodel:Small", "--example-shape", "1,3,8,8", "-o", "m.onnx"],
             tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote m.onnx" in r.stdout
    x = np.random.default_rng(0).standard_normal((4, 3, 8, 8)).astype(np.float32)
    with nt.no_grad():
        want = m(nt.from_numpy(x)).numpy()
    np.testing.assert_allclose(run_ort((tmp_path / "m.onnx").read_bytes(), [x])[0], want, rtol=1e-4, atol=1e-5)


def test_export_needs_model_for_weights(tmp_path):
    nt.save(nt.nn.Linear(2, 2).state_dict(), str(tmp_path / "w.pt"))
    r = _cli(["export", "w.pt", "--example-shape", "1,2"], tmp_path)
    assert r.returncode == 2 and "--model module:Name" in r.stderr and "Traceback" not in r.stderr
