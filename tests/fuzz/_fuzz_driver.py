"""A driver for long fuzzing runs: draws programs with the long profile's generator (``run_program`` of
test_fuzz_differential.py, random, no shrinking) and records every untolerated mismatch instead of stopping at
the first, grouped by class (op, stage, kind of difference).

    python tests/fuzz/_fuzz_driver.py -n 3000 --seed 1 [--json /tmp/fuzz/run1.json] [--examples 2]

Prints the classes, most frequent first, with one program each; SIGINT or SIGTERM stops the run and still prints
(and writes) what it found so far. Not collected by pytest (no ``test_`` prefix).
"""
import argparse
import collections
import json
import os
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(os.path.dirname(HERE))]   # tests/fuzz's conftest, then the repo root

from hypothesis import HealthCheck, Phase, given, seed as hseed, settings, strategies as st  # noqa: E402
from hypothesis.errors import FlakyStrategyDefinition  # noqa: E402

import test_fuzz_differential as fz  # noqa: E402


class _Hang(Exception):
    pass


def _kind(first_line):
    """The kind of difference a mismatch message's first line names."""
    m = first_line
    r = re.search(r"torch raises (\w+).*?numtorch raises (\w+)", m, re.S)
    if r:
        return f"class {r.group(1)} vs {r.group(2)}"
    r = re.search(r"torch raises (\w+).*numtorch succeeds", m)
    if r:
        return f"torch raises {r.group(1)}, numtorch succeeds"
    r = re.search(r"torch succeeds, numtorch raises (\w+)", m)
    if r:
        return f"numtorch raises {r.group(1)}, torch succeeds"
    for k in ("dtype", "shape", "NaN pattern", "inf pattern", "sign of zero", "values differ", "requires grad",
              "returned", "torch None", "numtorch None"):
        if k in m:
            return k
    return m[:60]


def classify(exc):
    info = getattr(exc, "fuzz_info", None)
    first = str(exc).split("\nprogram:")[0].replace("\n", " ")
    if info is None:
        return ("?", "backward" if "grad" in first else "step", _kind(first))
    op = info["op"]
    if op in ("operator",):
        r = re.search(r"x (\S+) ", info["desc"]) or re.search(r" (\S+) x", info["desc"])
        op = f"operator{r.group(1)}" if r else op
    form = ""
    d = info["desc"]
    if "out=" in d:
        form = "/out"
    elif re.search(r"\.\w+_\(", d) or "inplace" in d or "]=" in d.replace(" ", ""):
        form = "/inplace"
    return (op + form, info["stage"], _kind(first) + (" [special]" if info["special"] and info["stage"] == "backward"
                                                        else "") + f" [{info['dtype']}]" * (info["stage"] == "step"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None)
    ap.add_argument("--examples", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=60, help="seconds per program before it counts as a hang")
    args = ap.parse_args()

    classes = collections.defaultdict(list)
    stats = collections.Counter()
    t0 = time.time()

    def on_alarm(*_):
        raise _Hang()
    signal.signal(signal.SIGALRM, on_alarm)

    def drive(data):
        stats["programs"] += 1
        signal.alarm(args.timeout)
        try:
            fz.run_program(data.draw)
        except _Hang:
            classes[("?", "hang", "hang")].append("(program not recorded)")
            stats["mismatches"] += 1
        except AssertionError as e:
            classes[classify(e)].append(str(e))
            stats["mismatches"] += 1
        except Exception as e:  # noqa: BLE001 - a crash of the harness or the comparison
            if type(e).__module__.startswith("hypothesis"):
                raise
            classes[("?", "crash", type(e).__name__)].append(repr(e))
            stats["mismatches"] += 1
        finally:
            signal.alarm(0)
        if stats["programs"] % 500 == 0:
            print(f"... {stats['programs']} programs, {stats['mismatches']} mismatches, "
                  f"{time.time() - t0:.0f}s", file=sys.stderr, flush=True)

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    stopped = ""
    restarts = 0
    try:
        while stats["programs"] < args.n:
            # Hypothesis stops a run whose draws for a repeated choice prefix differ (FlakyStrategyDefinition);
            # the programs run so far are kept and the rest is drawn from a derived seed
            run = settings(max_examples=args.n - stats["programs"], database=None, deadline=None,
                           phases=[Phase.generate], derandomize=False,
                           suppress_health_check=list(HealthCheck))(hseed(args.seed + 1000 * restarts)(
                               given(st.data())(drive)))
            try:
                run()
                break
            except FlakyStrategyDefinition as e:
                restarts += 1
                print(f"... restart {restarts} after {stats['programs']} programs: {str(e).splitlines()[0]}",
                      file=sys.stderr, flush=True)
                if restarts > 20:
                    raise
    except KeyboardInterrupt:   # SIGINT/SIGTERM: report what ran so far
        stopped = " (stopped early)"
    dt = time.time() - t0
    print(f"seed {args.seed}: {stats['programs']} programs in {dt:.0f}s{stopped}, {stats['mismatches']} untolerated "
          f"mismatches in {len(classes)} classes" + (f" ({restarts} restarts on derived seeds)" if restarts else ""))
    for key, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"\n=== {len(items):4d}  {' | '.join(key)}")
        for ex in items[:args.examples]:
            print("    " + ex.replace("\n", "\n    ")[:3000])
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "programs": stats["programs"], "mismatches": stats["mismatches"],
                       "seconds": dt, "classes": [{"key": list(k), "n": len(v), "examples": v[:5]}
                                                  for k, v in classes.items()]}, f, indent=1)


if __name__ == "__main__":
    main()
