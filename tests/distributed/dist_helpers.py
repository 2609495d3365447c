"""Launching test programs on several MPI ranks from pytest."""
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workers")


def env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    e["OMP_NUM_THREADS"] = "1"
    # the suite runs as root in containers; Open MPI refuses root without these
    e["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    e["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    e.update({k: str(v) for k, v in extra.items()})
    return e


def mpiexec():
    exe = shutil.which("mpiexec")
    assert exe is not None, "mpiexec not found: pip install 'numtorch[mpi]'"
    return [exe, "--oversubscribe", "-n"]


def mpirun(script, args=(), n=2, timeout=120, **extra):
    """Run ``python script args`` on ``n`` ranks; the CompletedProcess (stdout and stderr as text)."""
    cmd = mpiexec() + [str(n), sys.executable, os.path.join(WORKERS, script), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env(**extra))


def ok_lines(out, rank):
    """The names a worker rank printed as ``OK <rank> <name>``."""
    return {line.split(" ", 2)[2] for line in out.splitlines() if line.startswith(f"OK {rank} ")}
