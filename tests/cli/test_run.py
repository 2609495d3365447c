"""``numtorch run script.py args``: a PyTorch script runs with torch served by numtorch."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(tmp_path, body, *args, name="script.py", extra=None):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body))
    for fname, text in (extra or {}).items():
        (tmp_path / fname).write_text(textwrap.dedent(text))
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "numtorch", "run", str(p), *args], capture_output=True, text=True,
                          cwd=str(tmp_path), env=env, timeout=120)


def test_main_argv_and_torch_is_numtorch(tmp_path):
    r = run(tmp_path, """
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.data import DataLoader, TensorDataset
        from torch import optim
        import numtorch
        print(__name__, sys.argv[1:])
        print(torch.nn is numtorch.nn and torch.tensor is numtorch.tensor, type(torch.tensor([1.0])).__module__.startswith("numtorch"))
        x = torch.tensor([[1.0, -2.0]], requires_grad=True)
        y = F.relu(x).sum() + nn.Linear(2, 1)(x).sum() * 0
        y.backward()
        print(x.grad)
        print(F.softmax(torch.tensor([1.0, 2.0]), dim=0))
        print(DataLoader.__module__.startswith("numtorch"), TensorDataset is not None)
        if __name__ == "__main__":
            print("main guard ran")
        z = torch.tensor([0.0, 1.0]) * float("inf") - float("inf")   # nan and inf quietly, as PyTorch
    """, "--lr", "0.1", "pos")
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "__main__ ['--lr', '0.1', 'pos']"
    assert out[1] == "True True"
    assert out[2] == "tensor([[1., 0.]])"
    assert out[3] == "tensor([0.2689, 0.7311])"
    assert out[4] == "True True"
    assert out[5] == "main guard ran"


def test_argv0_and_sibling_imports(tmp_path):
    r = run(tmp_path, """
        import sys, os
        import helper
        print(os.path.basename(sys.argv[0]), helper.VALUE)
    """, extra={"helper.py": "import torch\nVALUE = int(torch.ones(3).sum())\n"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "script.py 3"


@pytest.mark.parametrize("code,status,err", [("sys.exit(3)", 3, ""), ("sys.exit()", 0, ""),
                                             ("sys.exit('bad input')", 1, "bad input")])
def test_exit_status(tmp_path, code, status, err):
    r = run(tmp_path, f"import sys\nimport torch\nprint('before')\n{code}\nprint('after')\n")
    assert r.returncode == status
    assert r.stdout == "before\n"
    assert err in r.stderr


def test_exception_gives_traceback_and_nonzero_status(tmp_path):
    r = run(tmp_path, """
        import torch

        def inner():
            return torch.ones(2) @ torch.ones(3)

        inner()
    """)
    assert r.returncode != 0
    assert "Traceback (most recent call last)" in r.stderr
    assert "script.py" in r.stderr and "inner" in r.stderr
    assert "RuntimeError" in r.stderr


@pytest.mark.parametrize("code,missing", [
    ("torch.nn.LazyConv2d", "torch.nn.LazyConv2d"),
    ("torch.nn.functional.no_such_loss", "torch.nn.functional.no_such_loss"),
])
def test_missing_feature_is_named(tmp_path, code, missing):
    r = run(tmp_path, f"import torch\nimport torch.nn.functional\n{code}\n")
    assert r.returncode == 1
    assert f"AttributeError: numtorch has no attribute '{missing}'" in r.stderr


def test_missing_module_is_named(tmp_path):
    r = run(tmp_path, "import torch.no_such_module\n")
    assert r.returncode == 1
    assert "torch.no_such_module" in r.stderr and "ModuleNotFoundError" in r.stderr


def test_hook_is_process_local(tmp_path):
    # numtorch itself never shadows a real torch: in this (test) process torch is PyTorch
    import numtorch  # noqa: F401
    from conftest import torch
    assert torch.__name__ == "torch" and "numtorch" not in torch.__file__
    r = run(tmp_path, "import torch, sys\nprint(torch.__name__, 'torch' in sys.modules)\n")
    assert r.stdout.strip() == "torch True"


def test_run_without_script_prints_usage(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT
    r = subprocess.run([sys.executable, "-m", "numtorch", "run"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "usage: numtorch run" in r.stderr
