"""DIST: data-parallel training and allreduce bandwidth, numtorch (MPI) beside PyTorch (gloo).

    python benchmarks/dist_bench.py [--torch] [--quick]      (also: python benchmarks/run.py --only DIST)

Lines:
- the seed CNN (MyNet, SGD, batch 64 per rank) in samples/s: one plain process (1 and 2 threads), and
  DistributedDataParallel with 1 and 2 ranks (one thread each), numtorch launched by mpiexec, PyTorch by
  multiprocessing with gloo on localhost; 2 ranks train 128 samples per step;
- the allreduce of a 40 MB float32 gradient between 2 ranks: time and bandwidth (bytes / time; a
  2-rank allreduce moves each byte out and in once), beside this machine's memory bandwidth (a NumPy copy
  of 400 MB: bytes read + written / time), and numtorch's TCP fallback (processes started without MPI).
Medians over the repeats; step times are taken between barriers, so every rank's step is included.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BATCH = 64
AR_MB = 40


def _med(xs):
    return statistics.median(xs)


def _train_and_allreduce(T, dist, DDP, world, rank, steps, reps, wrap):
    """(seconds per MyNet step, seconds per 40 MB allreduce or None) on this rank."""
    import numpy as np
    sys.path.insert(0, HERE)
    import workloads as W
    T.manual_seed(0)
    r = np.random.default_rng(2 + rank)
    x = T.from_numpy(r.standard_normal((BATCH, 3, 32, 32), dtype=np.float32))
    y = T.from_numpy(r.integers(0, 10, BATCH).astype(np.int64))
    m = W.mynet(T)
    if wrap:
        m = DDP(m)
    crit = T.nn.CrossEntropyLoss()
    opt = T.optim.SGD(m.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        crit(m(x), y).backward()
        opt.step()
    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        if world > 1:
            dist.barrier()
        t0 = time.perf_counter()
        step()
        if world > 1:
            dist.barrier()
        times.append(time.perf_counter() - t0)
    ar = None
    if world > 1:
        buf = T.from_numpy(np.ones(AR_MB * 1024 * 1024 // 4, np.float32))
        dist.all_reduce(buf)
        ts = []
        for _ in range(reps):
            dist.barrier()
            t0 = time.perf_counter()
            dist.all_reduce(buf)
            ts.append(time.perf_counter() - t0)
        ar = _med(ts)
    return _med(times), ar


def numtorch_child(args):
    """One rank under mpiexec (or alone, or a TCP-mesh rank with RANK/WORLD_SIZE set)."""
    sys.path.insert(0, ROOT)
    import numtorch as T
    import numtorch.distributed as dist
    from numtorch.nn.parallel import DistributedDataParallel as DDP
    T.set_num_threads(args.threads)
    dist.init_process_group("gloo")
    world, rank = dist.get_world_size(), dist.get_rank()
    step, ar = _train_and_allreduce(T, dist, DDP, world, rank, args.steps, args.reps, args.ddp)
    if rank == 0:
        print("RESULT " + json.dumps({"step_s": step, "allreduce_s": ar, "world": world}), flush=True)
    dist.destroy_process_group()


def _torch_rank(rank, world, port, steps, reps, threads, ddp, q):
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    torch.set_num_threads(threads)
    if world > 1 or ddp:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    step, ar = _train_and_allreduce(torch, dist, DDP, world, rank, steps, reps, ddp)
    if rank == 0:
        q.put({"step_s": step, "allreduce_s": ar, "world": world})
    if world > 1 or ddp:
        dist.destroy_process_group()


def torch_run(world, steps, reps, threads, ddp):
    import multiprocessing as mp
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    port = _free_port()
    ps = [ctx.Process(target=_torch_rank, args=(r, world, port, steps, reps, threads, ddp, q))
          for r in range(world)]
    for p in ps:
        p.start()
    try:
        res = q.get(timeout=600)
    finally:
        for p in ps:
            p.join(60)
    return res


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(threads):
    e = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        e[v] = str(threads)
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    e["OMPI_ALLOW_RUN_AS_ROOT"] = e["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return e


def _parse_result(out):
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return None


def numtorch_run(world, args, threads=1, ddp=True, tcp=False):
    child = [sys.executable, os.path.abspath(__file__), "--child", "--threads", str(threads), "--steps",
             str(args.steps), "--reps", str(args.reps)] + (["--ddp"] if ddp else [])
    if tcp:
        port = _free_port()
        procs = []
        for r in range(world):
            e = _env(threads)
            e.update(RANK=str(r), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
            procs.append(subprocess.Popen(child, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=900) for p in procs]
        return _parse_result(outs[0][0]) or {"error": outs[0][1][-300:]}
    exe = shutil.which("mpiexec")
    if exe is None:
        return {"error": "mpiexec not found: pip install 'numtorch[mpi]'"}
    e = _env(threads)
    sys.path.insert(0, ROOT)
    from numtorch.distributed import _launch
    _launch._ompi_allreduce_rules(exe, e)      # the allreduce algorithms numtorch run chooses
    p = subprocess.run([exe, "--oversubscribe", "-n", str(world)] + child, env=e,
                       capture_output=True, text=True, timeout=900)
    return _parse_result(p.stdout) or {"error": (p.stderr.strip().splitlines() or ["no output"])[-1][:300]}


def memory_bandwidth(quick):
    """Bytes read + written per second by a NumPy copy of a 400 MB float32 array (median of 5)."""
    import numpy as np
    n = (40 if quick else 400) * 1024 * 1024 // 4
    a = np.ones(n, np.float32)
    b = np.empty_like(a)
    ts = []
    for _ in range(5):
        t0 = time.perf_counter()
        np.copyto(b, a)
        ts.append(time.perf_counter() - t0)
    return 2 * a.nbytes / _med(ts)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--torch", action="store_true", help="also run PyTorch (gloo) and print ratios")
    p.add_argument("--quick", action="store_true", help="few repeats (a smoke run)")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--reps", type=int, default=None)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--ddp", action="store_true")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.steps is None:
        args.steps = 2 if args.quick else 9
    if args.reps is None:
        args.reps = 2 if args.quick else 7
    if args.child:
        numtorch_child(args)
        return 0
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        print(f"{'DIST':<11} SKIPPED (numtorch lacks mpi4py: pip install 'numtorch[mpi]')", flush=True)
        return 0
    print(f"# DIST: MyNet SGD batch {BATCH} per rank, samples/s (median of {args.steps} steps); allreduce "
          f"{AR_MB} MB float32, median of {args.reps}", flush=True)
    runs = [("dist-1p-1t", "MyNet, one process, 1 thread (no DDP)", 1, 1, False),
            ("dist-1p-2t", "MyNet, one process, 2 threads (no DDP)", 1, 2, False),
            ("dist-ddp1", "MyNet, DDP 1 rank x 1 thread", 1, 1, True),
            ("dist-ddp2", "MyNet, DDP 2 ranks x 1 thread (128 samples/step)", 2, 1, True)]
    ar = {}
    for key, label, world, threads, ddp in runs:
        nt = numtorch_run(world, args, threads, ddp)
        line = f"{key:<11} {label:<52}"
        if "error" in nt:
            print(f"{line} ERROR ({nt['error']})", flush=True)
            continue
        sps = world * BATCH / nt["step_s"]
        line += f" numtorch {sps:8.1f} samples/s ({1e3 * nt['step_s']:7.1f} ms/step)"
        if nt.get("allreduce_s"):
            ar["numtorch"] = nt["allreduce_s"]
        if args.torch:
            th = torch_run(world, args.steps, args.reps, threads, ddp)
            tsps = world * BATCH / th["step_s"]
            line += f"  torch {tsps:8.1f} samples/s  ratio(time) {nt['step_s'] / th['step_s']:5.2f}"
            if th.get("allreduce_s"):
                ar["torch"] = th["allreduce_s"]
        print(line, flush=True)
    tcp = numtorch_run(2, args, 1, True, tcp=True)
    if "error" not in tcp:
        ar["numtorch-tcp"] = tcp["allreduce_s"]
    mb = AR_MB * 1024 * 1024
    bw = memory_bandwidth(args.quick)
    for name, sec in ar.items():
        print(f"{'dist-ar-' + name:<11} {'allreduce 40 MB float32, 2 ranks (' + name + ')':<52} "
              f"{1e3 * sec:8.1f} ms  {mb / sec / 1e9:6.2f} GB/s"
              + (f"  ratio(time) vs torch {sec / ar['torch']:5.2f}" if "torch" in ar and name != "torch" else ""),
              flush=True)
    print(f"{'dist-membw':<11} {'memory bandwidth (NumPy copy, read+write)':<52} {bw / 1e9:8.2f} GB/s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
