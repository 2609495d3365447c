#!/usr/bin/env python
"""Time numtorch against PyTorch, side by side, in the same run and with the same threads.

    python benchmarks/run.py [--torch] [--threads 1,2] [--repeats R] [--only W1,W3] [--quick]

For each thread count the script re-runs itself in a fresh subprocess with
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set before NumPy or
torch is imported (and ``torch.set_num_threads``), so both frameworks get the
same BLAS threads. Each workload is warmed up, then timed as R repeats of a
calibrated number of calls, numtorch and PyTorch interleaved repeat by repeat
(so drift on a noisy machine hits both); the line reports the median time per
call, the interquartile range, and the ratio numtorch / PyTorch.

A workload whose numtorch side needs a feature that does not exist yet prints
``SKIPPED (numtorch lacks X)``; the harness never crashes on a missing feature.
Benchmarks are not tests: nothing here asserts a time.
"""
import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")
# set on some processors by the environment; they slow a current NumPy's OpenBLAS. Benchmarks only.
UNSET_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class Case:
    """One benchmark line: builders for both frameworks, how to report, and the issue's target ratio."""

    def __init__(self, key, group, label, nt, th=None, per=1, unit="us", target=None, flops=None,
                 target_note=""):
        self.key, self.group, self.label = key, group, label
        self.nt, self.th = nt, (th or nt)
        self.per, self.unit, self.target, self.flops = per, unit, target, flops
        self.target_note = target_note


def _w1(T):
    # while numtorch has no optim.SGD both frameworks do the same manual update, so the ratio stays fair
    import numtorch
    import workloads as W
    return W.w1_sigmoid_222(T, manual_sgd=not W.has(numtorch, "optim.SGD"))


def cases():
    import workloads as W
    return [
        Case("W1", "W1", "2-2-2 sigmoid net, SGD, batch 1 (step)", _w1, target=0.5),
        Case("W2", "W2", "MLP 784-256-128-10, Adam, batch 128 (step)", W.w2_mlp_adam, unit="ms", target=1.2),
        Case("W3-train", "W3", "MyNet CNN, SGD, batch 64 (step)", W.w3_cnn_train, unit="ms", target=1.0,
             flops=W.mynet_train_flops(64)),
        Case("W3-infer", "W3", "MyNet CNN inference, batch 256, no_grad", W.w3_cnn_infer, unit="ms",
             target=1.0, flops=W.mynet_forward_flops(256)),
        Case("W4-ce", "W4", "CrossEntropyLoss 4096x1000 fwd+bwd", W.w4_cross_entropy, unit="ms", target=1.5),
        Case("W4-mse", "W4", "MSELoss 4M elements fwd+bwd", W.w4_mse, unit="ms", target=1.5),
        Case("W4-ctc", "W4", "CTCLoss T=50 N=16 C=20 S=30 fwd+bwd", W.w4_ctc, unit="ms", target=3.0),
        Case("W5-fwd", "W5", "a = a*b + c x100, 4 elems, graph", W.w5_forward, per=W.W5_OPS, unit="ns/op",
             target=1.5),
        Case("W5-fwdbwd", "W5", "a = a*b + c x100, fwd + backward", W.w5_forward_backward, per=W.W5_OPS,
             unit="ns/op", target=1.5),
        Case("W5-nograd", "W5", "a = a*b + c x100, no_grad", W.w5_no_grad, per=W.W5_OPS, unit="ns/op",
             target=1.5),
        Case("conv1", "CONV", "Conv2d(3,32,5,p=2) 64x3x32x32 fwd+bwd", W.conv_layer(0), unit="ms"),
        Case("conv2", "CONV", "Conv2d(32,32,5,p=2) 64x32x16x16 fwd+bwd", W.conv_layer(1), unit="ms"),
        Case("conv3", "CONV", "Conv2d(32,64,5,p=2) 64x32x8x8 fwd+bwd", W.conv_layer(2), unit="ms"),
        Case("pool1", "POOL", "MaxPool2d(2) 64x32x32x32 fwd+bwd", W.pool_layer(0), unit="ms"),
        Case("pool2", "POOL", "MaxPool2d(2) 64x32x16x16 fwd+bwd", W.pool_layer(1), unit="ms"),
        Case("pool3", "POOL", "MaxPool2d(2) 64x64x8x8 fwd+bwd", W.pool_layer(2), unit="ms"),
        Case("opt-adam", "OPT", "Adam.step(), 100 param tensors (50x Linear(128,128))", W.opt_step("Adam"),
             unit="ms"),
        Case("opt-sgdm", "OPT", "SGD(momentum=0.9).step(), 100 param tensors", W.opt_step("SGD"), unit="ms"),
        Case("rnn-lstm", "RNN", "LSTM(64,128,2 layers) T=50 batch 32 (step)", W.rnn_train("LSTM"), unit="ms",
             target=1.5),
        Case("rnn-gru", "RNN", "GRU(64,128,2 layers) T=50 batch 32 (step)", W.rnn_train("GRU"), unit="ms",
             target=1.5),
        Case("W7-lstm", "W7", "word LM: Emb 10k, LSTM(200,200,2), bptt 35, batch 20, clip, SGD (step)",
             W.w7_lstm_lm, unit="ms", target=1.0),
        Case("W6-train", "W6", "nanoGPT 4x128, 4 heads, block 64, batch 12, AdamW (step)", W.w6_gpt_train,
             unit="ms", target=1.0),
        Case("W6-generate", "W6", "the same GPT: 100 tokens under no_grad", W.w6_gpt_generate, unit="ms",
             target=1.0),
        Case("W7-transformer", "W7", "TransformerEncoder 2x128 classifier, padding masks (step)",
             W.w7_transformer_classifier, unit="ms", target=1.0),
        Case("dataloader", "DL", "DataLoader ToTensor+Normalize, batch 64 (2048 images)",
             W.dataloader_numtorch, W.dataloader_torch, per=W.DL_N, unit="img/s"),
        Case("W8-infer", "W8", "torchvision resnet18, eval, batch 32x3x224x224, no_grad", W.w8_resnet18_infer,
             unit="ms"),
        Case("W8-train", "W8", "torchvision resnet18, train, batch 16x3x224x224, SGD momentum (step)",
             W.w8_resnet18_train, unit="ms"),
    ]


# ------------------------------------------------------------------------ timing
def _calibrate(step, warmup_s, min_calls=2):
    """Warm ``step`` up; return the seconds one call takes."""
    n, t0 = 0, time.perf_counter()
    while True:
        step()
        n += 1
        el = time.perf_counter() - t0
        if (n >= min_calls and el >= warmup_s) or n >= 2000 or el > 4 * warmup_s + 2.0:
            return el / n


# wall time by default; --cpu-time (1 thread only) uses this thread's CPU time, which a busy machine barely moves
_CLOCK = [time.perf_counter]


def _time(bench, inner, counter):
    """One repeat: ``inner`` calls; returns seconds per call. Refreshes state when due (untimed)."""
    if bench.refresh is not None and counter[0] + inner > bench.refresh_every:
        bench.refresh()
        counter[0] = 0
        for _ in range(2):  # re-warm the fresh state
            bench.step()
    gc.collect()
    step = bench.step
    clock = _CLOCK[0]
    t0 = clock()
    for _ in range(inner):
        step()
    dt = clock() - t0
    counter[0] += inner
    return dt / inner


def _stats(xs):
    med = statistics.median(xs)
    if len(xs) >= 2:
        q = statistics.quantiles(xs, n=4, method="inclusive")
        iqr = q[2] - q[0]
    else:
        iqr = 0.0
    return med, iqr


def _fmt(case, sec):
    if sec is None:
        return "-"
    if case.unit == "ns/op":
        return f"{sec / case.per * 1e9:9.1f} ns/op"
    if case.unit == "img/s":
        return f"{case.per / sec:9.0f} img/s"
    if case.unit == "ms":
        return f"{sec * 1e3:9.3f} ms"
    return f"{sec * 1e6:9.1f} us"


def _fmt_iqr(case, med, iqr):
    return f"(IQR {100.0 * iqr / med:4.1f}%)" if med else ""


def _short(e):
    s = f"{type(e).__name__}: {e}".replace("\n", " ")
    return s[:160]


def run_case(case, fws, args, records, peak):
    from workloads import Lacks
    benches, status, first = {}, {}, {}
    for fw, T in fws:
        builder = case.nt if fw == "numtorch" else case.th
        try:
            b = builder(T)
            t0 = time.perf_counter()
            b.step()
            first[fw] = time.perf_counter() - t0
            benches[fw] = b
        except Lacks as e:
            status[fw] = f"SKIPPED ({fw} lacks {e})"
        except (AttributeError, ImportError, NotImplementedError) as e:
            status[fw] = f"SKIPPED ({fw} lacks: {_short(e)})"
        except Exception as e:  # a bug, not a missing feature: report it and go on
            status[fw] = f"ERROR ({fw}: {_short(e)})"
    head = f"{case.key:<11} {case.label:<52}"
    if "numtorch" not in benches:
        print(f"{head} {status['numtorch']}", flush=True)
        records.append({"key": case.key, "label": case.label, "status": status["numtorch"]})
        return
    # calibrate: per-repeat time ~ args.repeat_s, total per framework bounded by args.budget_s
    plan = {}
    for fw, b in benches.items():
        # --quick: the first (validating) call stands in for the warmup
        per_call = first[fw] if args.quick else _calibrate(b.step, args.warmup_s)
        inner = max(1, int(args.repeat_s / per_call))
        if b.refresh_every:
            inner = min(inner, b.refresh_every)
        reps = args.repeats
        while reps > 3 and per_call * inner * reps > args.budget_s:
            reps -= 1
        plan[fw] = (inner, reps)
    reps = min(r for _, r in plan.values())
    times = {fw: [] for fw in benches}
    counters = {fw: [0] for fw in benches}
    for _ in range(reps):
        for fw, b in benches.items():
            times[fw].append(_time(b, plan[fw][0], counters[fw]))
    res = {fw: _stats(ts) for fw, ts in times.items()}
    nt_med, nt_iqr = res["numtorch"]
    line = f"{head} numtorch {_fmt(case, nt_med)} {_fmt_iqr(case, nt_med, nt_iqr)}"
    rec = {"key": case.key, "label": case.label, "status": "ok", "repeats": reps,
           "inner_numtorch": plan["numtorch"][0], "numtorch_s": nt_med, "numtorch_iqr_s": nt_iqr,
           "target": case.target, "note": benches["numtorch"].note}
    ratio = None
    if "torch" in benches:
        th_med, th_iqr = res["torch"]
        ratio = nt_med / th_med
        rec.update(torch_s=th_med, torch_iqr_s=th_iqr, inner_torch=plan["torch"][0], ratio=ratio)
        line += f"  torch {_fmt(case, th_med)} {_fmt_iqr(case, th_med, th_iqr)}  ratio {ratio:6.2f}"
        if case.target is not None:
            ok = ratio <= case.target
            rec["met"] = ok
            line += f"  target<={case.target:g} {'OK' if ok else 'MISS'}"
    elif "torch" in status:
        line += f"  torch {status['torch']}"
    line += f"  [{reps} repeats]"
    if benches["numtorch"].note:
        line += f"  ({benches['numtorch'].note})"
    print(line, flush=True)
    if case.flops:
        g_nt = case.flops / nt_med / 1e9
        extra = f"{'':<11} {'':<52} numtorch {g_nt:7.1f} GFLOP/s ({100 * g_nt / peak:4.1f}% of matmul peak, effective)"
        rec["numtorch_gflops"] = g_nt
        if "torch" in benches:
            g_th = case.flops / res["torch"][0] / 1e9
            rec["torch_gflops"] = g_th
            extra += f"  torch {g_th:7.1f} GFLOP/s ({100 * g_th / peak:4.1f}%)"
        print(extra, flush=True)
    records.append(rec)


def matmul_peak(np, quick, threads=1):
    """NumPy's float32 matmul rate with OpenBLAS on `threads` threads (numtorch keeps OpenBLAS at one
    thread and parallelizes itself, so the peak is taken with OpenBLAS set explicitly)."""
    try:
        from numtorch import _cpu as B
        old = B.set_blas_threads(threads)
    except ImportError:
        B = old = None
    n = 1024 if quick else 2048
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    np.matmul(a, b)
    best = 0.0
    clock = _CLOCK[0]  # the workloads' clock, so that "% of peak" compares like with like
    try:
        for _ in range(3 if quick else 5):
            t0 = clock()
            np.matmul(a, b)
            best = max(best, 2.0 * n ** 3 / (clock() - t0) / 1e9)
    finally:
        if B is not None and old is not None:
            B.set_blas_threads(old)
    return best, n


def cpu_info():
    """The CPU's model and its vector extensions (AVX2 / AVX-512 / AMX decide how fast both libraries' kernels
    can be), from /proc/cpuinfo where there is one."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, val = line.partition(":")
                key = key.strip()
                if key == "model name" and model in ("", platform.machine()):
                    model = val.strip()
                elif key == "flags":
                    flags = set(val.split())
                    break
    except OSError:
        pass
    vec = [f for f in ("sse4_2", "avx", "avx2", "fma") if f in flags]
    vec += sorted(f for f in flags if f.startswith("avx512") or f.startswith("amx"))
    return f"{model} [{' '.join(vec) if vec else 'vector flags unknown'}]"


def blas_info(np):
    out = []
    try:
        from threadpoolctl import threadpool_info
        for d in threadpool_info():
            if d.get("version") is None:
                continue
            out.append(f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture')}, "
                       f"{d.get('num_threads')} threads)")
    except ImportError:
        pass
    if not out:
        try:
            cfg = np.show_config(mode="dicts")
            blas = cfg["Build Dependencies"]["blas"]
            out.append(f"{blas.get('name')} {blas.get('version')}")
        except Exception:
            out.append("unknown BLAS")
    return "; ".join(out)


# ------------------------------------------------------------------------ memory
MEM_STEPS = 3


def mem_child(fw, steps=MEM_STEPS):
    """Print the peak RSS of a few MyNet training steps at batch 64 (run in a fresh process)."""
    import resource
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    if fw == "torch":
        import torch as T
        T.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    else:
        import numtorch as T
    import workloads as W
    base = _rss_now()
    try:
        b = W.w3_cnn_train(T)
        for _ in range(steps):
            b.step()
    except W.Lacks as e:
        print(json.dumps({"lacks": str(e)}))
        return
    except Exception as e:
        print(json.dumps({"error": _short(e)}))
        return
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from the forking parent
    peak = _rss_now("VmHWM:")
    if not peak:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"peak_mib": peak, "after_import_mib": base}))


def _rss_now(field="VmRSS:"):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def run_memory(with_torch, records, quick=False):
    res = {}
    for fw in (("numtorch", "torch") if with_torch else ("numtorch",)):
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--mem-child", fw]
                           + (["--quick"] if quick else []),
                           capture_output=True, text=True)
        try:
            res[fw] = json.loads(p.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            res[fw] = {"error": (p.stderr.strip().splitlines() or ["no output"])[-1][:160]}
    head = f"{'MEM':<11} {'peak RSS, MyNet training batch 64 (fresh process)':<52}"
    nt = res["numtorch"]
    if "lacks" in nt:
        msg = f"SKIPPED (numtorch lacks {nt['lacks']})"
        print(f"{head} {msg}", flush=True)
        records.append({"key": "MEM", "status": msg})
        return
    if "error" in nt:
        msg = f"ERROR (numtorch: {nt['error']})"
        print(f"{head} {msg}", flush=True)
        records.append({"key": "MEM", "status": msg})
        return
    nt_train = nt["peak_mib"] - nt["after_import_mib"]
    line = f"{head} numtorch {nt['peak_mib']:7.0f} MiB (training {nt_train:6.0f} MiB over import)"
    rec = {"key": "MEM", "label": "peak RSS MyNet train b64", "status": "ok", "numtorch_peak_mib": nt["peak_mib"],
           "numtorch_train_mib": nt_train, "target": 1.5}
    th = res.get("torch")
    if th and "peak_mib" in th:
        th_train = th["peak_mib"] - th["after_import_mib"]
        r_total = nt["peak_mib"] / th["peak_mib"]
        r_train = nt_train / th_train
        ok = r_train <= 1.5
        rec.update(torch_peak_mib=th["peak_mib"], torch_train_mib=th_train, ratio=r_train, ratio_total=r_total,
                   met=ok)
        line += (f"  torch {th['peak_mib']:7.0f} MiB (training {th_train:6.0f} MiB)  ratio total {r_total:5.2f}"
                 f", training {r_train:5.2f}  target<=1.5 (training part) {'OK' if ok else 'MISS'}")
    elif th:
        line += f"  torch {th}"
    print(line, flush=True)
    records.append(rec)


# ------------------------------------------------------------------------ driver
def child(args):
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import numtorch as nt   # first, as under `numtorch run`: it configures OpenBLAS before NumPy loads it
    import numpy as np
    if hasattr(nt, "set_num_threads"):  # same thread count as torch.set_num_threads below
        nt.set_num_threads(args.threads)
    torch = None
    if args.torch:
        try:
            import torch
            torch.set_num_threads(args.threads)
            torch.manual_seed(0)
        except ImportError:
            print("# torch is not installed: timing numtorch alone", flush=True)
    fws = [("numtorch", nt)] + ([("torch", torch)] if torch is not None else [])
    peak, n = matmul_peak(np, args.quick, args.threads)
    print(f"# threads={args.threads}  numpy {np.__version__}"
          f"{'  torch ' + torch.__version__ if torch is not None else ''}  BLAS: {blas_info(np)}", flush=True)
    print(f"# CPU: {cpu_info()}", flush=True)
    print(f"# NumPy float32 matmul peak ({n}x{n}): {peak:.1f} GFLOP/s; per workload: warmup "
          f"{args.warmup_s}s, up to {args.repeats} repeats of ~{args.repeat_s}s, median and IQR"
          f"{'; clock: thread CPU time' if args.cpu_time else '; clock: wall'}", flush=True)
    print("# GFLOP/s = the direct convolutions' multiply-adds x2 / time (numtorch's frequency-domain "
          "convolutions do fewer flops, so theirs is an effective rate)", flush=True)
    records = []
    only = {s.strip().upper() for s in args.only.split(",")} if args.only else None
    for case in cases():
        if only and case.group.upper() not in only and case.key.upper() not in only:
            continue
        run_case(case, fws, args, records, peak)
    if not only or "MEM" in only or "W3" in only:
        run_memory(torch is not None, records, args.quick)
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps({"threads": args.threads, "peak_gflops": peak, "numpy": np.__version__,
                                "torch": torch.__version__ if torch is not None else None,
                                "blas": blas_info(np), "cpu": cpu_info(), "records": records}) + "\n")


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torch", action="store_true", help="also time PyTorch and print ratios numtorch/PyTorch")
    p.add_argument("--threads", default="1,2", help="thread counts, comma-separated (default 1,2)")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per workload (default 7; quick 3)")
    p.add_argument("--only", default="", help="workload groups or keys: W1,W2,W3,W4,W5,W6,W7,W8,CONV,POOL,OPT,RNN,DL,"
                                              "MEM, "
                                              "DIST (data-parallel; run only when named)")
    p.add_argument("--quick", action="store_true", help="minimal timing (a smoke run, numbers are rough)")
    p.add_argument("--json", default="", help="append machine-readable results to this file")
    p.add_argument("--cpu-time", action="store_true",
                   help="time with the calling thread's CPU time (only with --threads 1: robust on a loaded machine)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--mem-child", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 2 if args.quick else 7
    args.repeats = max(1, args.repeats)
    args.warmup_s = 0.01 if args.quick else 0.3
    args.repeat_s = 0.005 if args.quick else 0.15
    args.budget_s = 0.5 if args.quick else 8.0
    if args.quick:   # read by workloads.py (children inherit it): the image-model workloads shrink to smoke size
        os.environ["NUMTORCH_BENCH_SMOKE"] = "1"
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.mem_child:
        mem_child(args.mem_child, 1 if args.quick else MEM_STEPS)
        return 0
    if args.child:
        args.threads = int(args.threads)
        if args.cpu_time:
            _CLOCK[0] = time.thread_time
        child(args)
        return 0
    only = {s.strip().upper() for s in args.only.split(",")} if args.only else set()
    rc = 0
    if "DIST" in only:
        # several processes (mpiexec ranks): run once, not per thread count, and only when named
        sys.path.insert(0, HERE)
        import dist_bench
        rc = dist_bench.main((["--torch"] if args.torch else []) + (["--quick"] if args.quick else []))
        only.discard("DIST")
        if not only:
            return rc
        args.only = ",".join(sorted(only))
    threads = [int(t) for t in str(args.threads).split(",") if t.strip()]
    for n in threads:
        env = dict(os.environ)
        for v in THREAD_VARS:
            env[v] = str(n)
        for v in UNSET_VARS:
            env.pop(v, None)
        cmd = [sys.executable, os.path.abspath(__file__), "--child", "--threads", str(n),
               "--repeats", str(args.repeats)]
        for flag in ("torch", "quick"):
            if getattr(args, flag):
                cmd.append("--" + flag)
        if args.only:
            cmd += ["--only", args.only]
        if args.json:
            cmd += ["--json", args.json]
        if args.cpu_time:
            if n != 1:
                print(f"# --cpu-time applies to 1 thread only: {n} threads timed by wall clock", flush=True)
            else:
                cmd.append("--cpu-time")
        print(f"=== {n} thread{'s' if n > 1 else ''} ===", flush=True)
        rc = subprocess.call(cmd, env=env) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
