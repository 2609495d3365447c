"""Process groups without an MPI launcher (torch.multiprocessing.spawn scripts, processes started with
RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT): the TCP mesh of numtorch/distributed/_tcp.py runs the
same collective and DDP checks as MPI does."""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from dist_helpers import CHECKS, ROOT, WORKERS, env, ok_lines


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ranks(script, args, n):
    """``n`` plain processes (no mpiexec) with torchrun's env:// variables; their outputs."""
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, os.path.join(WORKERS, script), *args], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env(RANK=r, WORLD_SIZE=n, MASTER_ADDR="127.0.0.1", MASTER_PORT=port))
             for r in range(n)]
    outs = [p.communicate(timeout=180) for p in procs]
    return [p.returncode for p in procs], outs


@pytest.mark.parametrize("n", [2, 3])
def test_dist_spawn_env_collectives(n):
    codes, outs = _ranks("dist_collectives_worker.py", [], n)
    for r, (code, (out, err)) in enumerate(zip(codes, outs)):
        assert code == 0, out[-3000:] + err[-3000:]
        assert ok_lines(out, r) == set(CHECKS), out[-3000:]


def test_dist_spawn_env_ddp():
    codes, outs = _ranks("dist_ddp_worker.py", ["adam", "2"], 2)
    for r, (code, (out, err)) in enumerate(zip(codes, outs)):
        assert code == 0, out[-3000:] + err[-3000:]
        assert "adam_accum2_step2" in ok_lines(out, r) and "FAIL" not in out


def test_dist_spawn_tcp_init_method():
    r = subprocess.run([sys.executable, os.path.join(WORKERS, "dist_spawn_worker.py"), str(_free_port()), "2"],
                       capture_output=True, text=True, timeout=240, cwd=ROOT, env=env())
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    res = [json.loads(line.split(" ", 2)[2]) for line in r.stdout.splitlines() if line.startswith("RESULT")]
    assert len(res) == 2 and all(x["sum"] == 3.0 and x["world"] == 2 and x["backend"] == "gloo" for x in res)
    for a, b in zip(res[0]["params"], res[1]["params"]):
        np.testing.assert_array_equal(a, b)               # one model on both ranks after the step


def test_dist_spawn_env_requires_master_addr():
    code = ("import numtorch.distributed as d\n"
            "try:\n    d.init_process_group('gloo', rank=0, world_size=2)\n"
            "except ValueError as e:\n    print('ERR', e)\n")
    e = env()
    e.pop("MASTER_ADDR", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, env=e)
    assert "environment variable MASTER_ADDR expected, but not set" in r.stdout, r.stdout + r.stderr
