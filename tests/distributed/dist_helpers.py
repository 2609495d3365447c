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


# the checks of workers/dist_collectives_worker.py, each printed as OK by every rank
CHECKS = ["all_reduce_SUM", "all_reduce_AVG", "all_reduce_MAX", "all_reduce_MIN", "all_reduce_PRODUCT",
          "all_reduce_int64_sum", "all_reduce_noncontiguous", "all_reduce_async", "float16", "broadcast", "reduce",
          "all_gather", "all_gather_into_tensor", "reduce_scatter_tensor", "gather", "scatter", "all_to_all",
          "all_to_all_single", "send_recv", "isend_irecv", "all_gather_object", "broadcast_object_list",
          "new_group", "barrier", "destroy_process_group"]
