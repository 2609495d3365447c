"""Every ```python block of README.md, CONTRIBUTING.md and docs/**/*.md runs, and prints what the text says.

How a Markdown file declares its blocks (the convention this test enforces):
- a ```python block runs on its own, as a program, under ``python -m numtorch run`` (so ``import torch``
  works as in a PyTorch script) in an empty temporary folder; it must exit with status 0;
- a ```text block right after it (only blank lines between) is what the block prints: the output must
  match it (same words, same numbers to 4 significant digits as printed; see tools/check_examples.py);
- a block that is not meant to run (a fragment, an API sketch) is preceded by the line
  ``<!-- not-run: why -->``, which must give a reason. Nothing else is skipped.
Blocks are found anew on every run, so a new file in docs/ is covered without touching this test.
"""
import glob
import importlib.util
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("_check_examples_docs", os.path.join(ROOT, "tools", "check_examples.py"))
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)

NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(.*?)\s*-->$")


def markdown_files():
    files = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "CONTRIBUTING.md")]
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))
    return [f for f in files if os.path.exists(f)]


def blocks(path):
    """[(line number, language, code, expected output or None, not-run reason or None)] of a Markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    found = []
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        code = "\n".join(lines[i + 1:j]) + "\n"
        prev = next((lines[k].strip() for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        nm = NOT_RUN.match(prev)
        found.append([start + 1, lang, code, None, nm.group(1) if nm else None])
        i = j + 1
    # a text block directly after a python block is that block's output
    for a, b in zip(found, found[1:]):
        if a[1] == "python" and b[1] == "text":
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            between = lines[a[0] + a[2].count("\n"):b[0] - 1]
            if all(not ln.strip() for ln in between[1:]):
                a[3] = b[2]
    return [tuple(b) for b in found]


ALL_PYTHON = [(os.path.relpath(p, ROOT), line, code, out, reason)
              for p in markdown_files() for line, lang, code, out, reason in blocks(p) if lang == "python"]
PYTHON_BLOCKS = [b[:4] for b in ALL_PYTHON if b[4] is None]


def test_blocks_found():
    files = {b[0] for b in PYTHON_BLOCKS}
    assert "README.md" in files and len(PYTHON_BLOCKS) >= 5


def test_not_run_markers_give_a_reason():
    for where, line, _, _, reason in ALL_PYTHON:
        assert reason is None or reason.strip(), f"{where}:{line}: a not-run marker must say why"


@pytest.mark.parametrize("where,line,code,expected", PYTHON_BLOCKS, ids=[f"{b[0]}:{b[1]}" for b in PYTHON_BLOCKS])
def test_block_runs_and_prints_what_the_text_says(tmp_path, where, line, code, expected):
    (tmp_path / "block.py").write_text(code)
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", "block.py"], cwd=str(tmp_path), capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, f"{where}:{line} failed:\n{r.stderr}"
    if expected is not None:
        why = checker.compare(r.stdout, expected)
        assert why == "", f"{where}:{line}: {why}\n--- printed\n{r.stdout}--- the text says\n{expected}"


def test_block_parser(tmp_path):
    md = tmp_path / "x.md"
    md.write_text("text\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n<!-- not-run: a sketch -->\n"
                  "```python\nmodel(x)\n```\n```bash\nls\n```\n")
    got = blocks(str(md))
    assert [(b[1], b[3], b[4]) for b in got] == [("python", "1\n", None), ("text", None, None),
                                                ("python", None, "a sketch"), ("bash", None, None)]
