#!/usr/bin/env python
"""Profile one workload's numtorch side with cProfile (1 thread):

    python benchmarks/profile_workload.py W6-generate [--steps 3] [--sort tottime] [--torch]

Builds the workload as run.py does, runs one warm-up step, then ``--steps`` steps under cProfile and prints the
top entries. ``--torch`` times the same steps for PyTorch (thread CPU time, no profiler) for a quick ratio.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))


def _build(key, T):
    import run
    case = next(c for c in run.cases() if c.key == key)
    return case.nt(T) if T.__name__ == "numtorch" else case.th(T)


def _cpu_time(step, n):
    t = []
    for _ in range(n):
        t0 = time.thread_time()
        step()
        t.append(time.thread_time() - t0)
    return min(t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("key")
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--sort", default="tottime")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--torch", action="store_true", help="only time both frameworks (min thread CPU time)")
    a = p.parse_args()
    import numtorch
    numtorch.set_num_threads(1)
    b = _build(a.key, numtorch)
    b.step()
    if a.torch:
        import torch
        torch.set_num_threads(1)
        bt = _build(a.key, torch)
        bt.step()
        tn, tt = _cpu_time(b.step, a.steps), _cpu_time(bt.step, a.steps)
        print(f"{a.key}: numtorch {tn * 1e3:.1f} ms  torch {tt * 1e3:.1f} ms  ratio {tn / tt:.2f} (min of {a.steps})")
        return
    pr = cProfile.Profile(time.thread_time)   # CPU time: wall time on a loaded machine misleads
    pr.enable()
    for _ in range(a.steps):
        b.step()
    pr.disable()
    pstats.Stats(pr).sort_stats(a.sort).print_stats(a.top)


if __name__ == "__main__":
    main()
