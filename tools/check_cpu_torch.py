#!/usr/bin/env python3
"""Check that the README's test install resolves PyTorch's CPU-only build (no nvidia-*/triton wheels).

It asks pip what ``pip install -e ".[test]"`` *would* install, with the index options the README's
command uses (read from the README), without downloading wheels or installing anything:
``pip install --dry-run --ignore-installed --report``. It fails when the resolution contains an
``nvidia-*`` or ``triton`` package (the ~2.7 GB CUDA stack that PyPI's default Linux torch wheel
pulls in), or when torch itself is not 2.13.x or declares a dependency on one of them.

``--ignore-installed`` makes pip resolve everything as for an empty environment, so what is
already installed here does not hide a GPU resolution. The answer depends on the indexes pip can
reach: on an ordinary machine the README's ``--extra-index-url https://download.pytorch.org/whl/cpu``
supplies ``torch-2.13.0+cpu``, which pip prefers over PyPI's ``2.13.0`` (a local version label
sorts higher); where a pip configuration adds other indexes (a mirror, a local wheel folder),
those take part as they would in the real install.

Usage: python tools/check_cpu_torch.py [--report FILE]   (FILE: check a saved report instead of running pip)
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GPU = re.compile(r"^(nvidia-.*|triton.*|pytorch-triton.*)$", re.I)


def readme_install_options():
    """The options of the README's ``pip install -e ".[test]" ...`` command (index URLs and the like)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        for line in f:
            m = re.search(r'pip install -e "\.\[test\]"(.*?)&&', line)
            if m:
                return shlex.split(m.group(1))
    raise SystemExit("check_cpu_torch: no `pip install -e \".[test]\" ... &&` command found in README.md")


def problems(report):
    """What is wrong with a ``pip --report`` resolution (empty list: CPU-only torch 2.13)."""
    out = []
    torch = None
    for item in report.get("install", []):
        meta = item.get("metadata", {})
        name = meta.get("name", "")
        if GPU.match(name):
            out.append(f"GPU package in the resolution: {name} {meta.get('version', '')}")
        if name.lower() == "torch":
            torch = meta
    if torch is None:
        out.append("torch is not in the resolution")
    else:
        if not str(torch.get("version", "")).startswith("2.13."):
            out.append(f"torch {torch.get('version')} resolved, expected 2.13.x")
        for req in torch.get("requires_dist", []) or []:
            dep = re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0]
            if GPU.match(dep) and "extra ==" not in req:
                out.append(f"torch {torch.get('version')} depends on {dep} (a CUDA build)")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", help="a saved `pip install --dry-run --report` JSON to check instead")
    a = ap.parse_args()
    if a.report:
        with open(a.report) as f:
            report = json.load(f)
    else:
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", "-",
               "--retries", "1", "--timeout", "20", "-e", ".[test]"] + readme_install_options()
        print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stderr[-3000:], file=sys.stderr)
            print("check_cpu_torch: pip could not resolve the test extra", file=sys.stderr)
            return 1
        report = json.loads(p.stdout)
    names = sorted(f"{i['metadata']['name']}=={i['metadata']['version']}" for i in report.get("install", []))
    torch = [n for n in names if n.lower().startswith("torch==")]
    bad = problems(report)
    for line in bad:
        print("FAIL " + line)
    if not bad:
        print(f"OK: {len(names)} packages, {torch[0]}, no nvidia-*/triton packages")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
