"""DataLoader worker failures end the epoch with PyTorch's error, never a hang: a worker that raises (the
original exception class, naming the worker, with the worker's traceback), one that segfaults or is killed
(RuntimeError naming its pid), and ``timeout=`` (RuntimeError after that many seconds). Each case runs the
same script under real torch and under ``numtorch run`` in a subprocess with a hard time limit."""
import os
import subprocess
import sys

import pytest

from conftest import torch  # noqa: F401  (the oracle must be installed)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = r'''
import os, signal, sys, time, torch
from torch.utils.data import DataLoader, Dataset
mode = sys.argv[1]
class D(Dataset):
    def __len__(self):
        return 8
    def __getitem__(self, i):
        if i == 5:
            if mode == "raise":
                raise ValueError("bad sample 5")
            if mode == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "slow":
                time.sleep(60)
        return torch.tensor([i])
kw = dict(num_workers=2, batch_size=2)
if mode == "slow":
    kw["timeout"] = 2
t0 = time.time()
try:
    for b in DataLoader(D(), **kw):
        pass
    print("RESULT no error")
except Exception as e:
    text = str(e)
    print("RESULT", type(e).__name__, "|", text.splitlines()[0], "|", "bad sample 5" in text,
          "|", round(time.time() - t0, 1))
'''


def _run(tmp_path, mode, numtorch):
    path = tmp_path / "dl.py"
    path.write_text(SCRIPT)
    cmd = [sys.executable, "-m", "numtorch", "run", str(path), mode] if numtorch else [sys.executable, str(path), mode]
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    line = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT")]
    assert line, p.stdout + p.stderr
    return line[-1].split(" | ")


@pytest.mark.parametrize("mode", ["raise", "segv", "kill", "slow"])
def test_worker_failure_like_torch(tmp_path, mode):
    want = _run(tmp_path, mode, numtorch=False)
    got = _run(tmp_path, mode, numtorch=True)
    assert got[0] == want[0], (got, want)                       # the exception class
    if mode == "raise":
        assert got[1] == want[1] == "Caught ValueError in DataLoader worker process 0."
        assert got[2] == want[2] == "True"                        # the worker's message and traceback
    elif mode == "slow":
        assert got[1] == want[1] == "DataLoader timed out after 2 seconds"
        assert float(got[3]) < 30                                 # the timeout ends it, not the 60 s sleep
    else:
        assert "exited unexpectedly" in got[1] and "exited unexpectedly" in want[1]
        assert float(got[3]) < 30
