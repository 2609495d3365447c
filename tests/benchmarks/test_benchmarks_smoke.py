"""The benchmark harness runs end to end in its minimal mode and prints a line for every workload.

No timing is asserted (benchmarks are not tests); this only guards against the harness
crashing or silently dropping a workload as numtorch's features land.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "benchmarks")


def test_quick_run_prints_every_workload():
    sys.path.insert(0, BENCH)
    try:
        import run as bench_run
        keys = [c.key for c in bench_run.cases()] + ["MEM"]
    finally:
        sys.path.remove(BENCH)
    p = subprocess.run([sys.executable, os.path.join(BENCH, "run.py"), "--quick", "--torch", "--threads", "1",
                        "--repeats", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    lines = p.stdout.splitlines()
    assert any(line.startswith("=== 1 thread") for line in lines)
    for key in keys:
        mine = [line for line in lines if line.split(" ", 1)[0] == key]
        assert len(mine) == 1, f"workload {key} printed {len(mine)} lines:\n{p.stdout}"
        line = mine[0]
        # every line either reports a numtorch time or says why not
        assert ("numtorch " in line and ("ratio" in line or "torch " in line)) or "SKIPPED" in line \
            or "ERROR" in line, line
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
