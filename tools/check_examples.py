#!/usr/bin/env python3
"""Run the tutorial programs under ``numtorch run`` and compare what they print with PyTorch's output.

Each ``examples/tutorials/NAME.py`` is an ordinary PyTorch program; ``expected/NAME.out`` is what
real PyTorch 2.13 printed for it (``--regenerate`` rewrites those files, which needs torch
installed). A program passes when it exits 0 and its output matches the expected one:

  words   - the text around the numbers is the same (tensor formatting such as ``tensor(``,
            ``grad_fn=<...>``, brackets and commas is ignored);
  numbers - every number agrees within |got - want| <= 1e-4 + 1e-3 |want| (printing rounds to 4
            digits, and float32 sums may differ in the last bit);

and is reported "identical" when the text is also character for character PyTorch's.

Usage: python tools/check_examples.py [-k SUBSTRING] [-v] [--runner CMD] [--examples DIR] [--regenerate]
Exit status 0 only when every program passes; the last line reads ``N passed, M failed``.
"""
import argparse
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "tutorials")
NUM = re.compile(r"[-+]?(?:inf|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
FORMAT = re.compile(r"tensor\(|grad_fn=<\w+>|requires_grad=True|dtype=torch\.\w+|[\[\](),]")
RTOL, ATOL = 1e-3, 1e-4


def tokens(text):
    """(numbers, words) of a program's output, tensor formatting removed."""
    nums, words = [], []
    for line in text.splitlines():
        line = FORMAT.sub(" ", line)
        nums += [float(n) for n in NUM.findall(line)]
        words += NUM.sub(" ", line).split()
    return nums, words


def compare(got, want):
    """'' when ``got`` matches ``want`` (see the module docstring), else why not."""
    gn, gw = tokens(got)
    wn, ww = tokens(want)
    if gw != ww:
        for i, (a, b) in enumerate(zip(gw, ww)):
            if a != b:
                return f"word {i}: {a!r} where PyTorch printed {b!r}"
        return f"{len(gw)} words where PyTorch printed {len(ww)}"
    if len(gn) != len(wn):
        return f"{len(gn)} numbers where PyTorch printed {len(wn)}"
    for i, (a, b) in enumerate(zip(gn, wn)):
        if math.isnan(b) and math.isnan(a) or a == b:
            continue
        if not abs(a - b) <= ATOL + RTOL * abs(b):
            return f"number {i}: {a!r} where PyTorch printed {b!r}"
    return ""


def programs(folder, pattern=""):
    return sorted(n[:-3] for n in os.listdir(folder) if n.endswith(".py") and pattern in n)


def run_one(cmd, path, timeout=600):
    """(exit status, stdout, stderr) of ``cmd path`` in a fresh temporary folder."""
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            p = subprocess.run(cmd + [path], cwd=tmp, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return -1, "", f"timed out after {timeout}s"
    return p.returncode, p.stdout, p.stderr


def check(name, folder=EXAMPLES, runner=None):
    """'' when program ``name`` passes under ``runner`` (default ``python -m numtorch run``), else why not."""
    cmd = shlex.split(runner) if runner else [sys.executable, "-m", "numtorch", "run"]
    with open(os.path.join(folder, "expected", name + ".out")) as f:
        want = f.read()
    rc, got, err = run_one(cmd, os.path.join(folder, name + ".py"))
    if rc != 0:
        return f"exit status {rc}: {(err.strip().splitlines() or [''])[-1]}", got
    return compare(got, want), got


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", default="", help="only programs whose name contains this")
    ap.add_argument("-v", action="store_true", help="show the output of failing programs")
    ap.add_argument("--runner", default=None, help="command that runs a program (default: python -m numtorch run)")
    ap.add_argument("--examples", default=EXAMPLES, help="folder of programs with expected/ inside")
    ap.add_argument("--regenerate", action="store_true", help="rewrite expected/*.out by running real PyTorch")
    a = ap.parse_args()
    names = programs(a.examples, a.k)
    if a.regenerate:
        for name in names:
            env_cmd = [sys.executable]
            rc, out, err = run_one(env_cmd, os.path.join(a.examples, name + ".py"))
            if rc != 0:
                print(f"{name}: exit status {rc}\n{err}")
                return 1
            with open(os.path.join(a.examples, "expected", name + ".out"), "w") as f:
                f.write(out)
            print(f"wrote expected/{name}.out")
        return 0
    passed = failed = identical = 0
    for name in names:
        why, got = check(name, a.examples, a.runner)
        with open(os.path.join(a.examples, "expected", name + ".out")) as f:
            same = not why and got == f.read()
        passed += not why
        failed += bool(why)
        identical += same
        print(f"{'PASS' if not why else 'FAIL'} {name}{' (identical)' if same else ''}{'' if not why else ' - ' + why}")
        if a.v and why:
            print("--- got\n" + got)
    print(f"identical to PyTorch's output: {identical} of {passed + failed}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
