"""The tutorial programs of examples/tutorials/ print PyTorch's numbers under ``numtorch run``, and their
expected outputs are still what real PyTorch prints (so the expected files cannot go stale)."""
import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("_check_examples", os.path.join(ROOT, "tools", "check_examples.py"))
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)

NAMES = checker.programs(checker.EXAMPLES)


def test_there_are_programs():
    assert len(NAMES) >= 8
    for name in NAMES:
        assert os.path.exists(os.path.join(checker.EXAMPLES, "expected", name + ".out")), name


@pytest.mark.parametrize("name", NAMES)
def test_program_under_numtorch(name):
    why, got = checker.check(name)
    assert why == "", f"{name}: {why}\n{got}"


@pytest.mark.parametrize("name", NAMES)
def test_expected_output_is_pytorchs(name):
    from conftest import torch  # noqa: F401  (the oracle must be installed)
    why, got = checker.check(name, runner=f"{sys.executable}")
    assert why == "", f"{name}: real PyTorch now prints something else: {why}\n{got}"


def test_checker_catches_differences():
    want = "tensor([1.0000, 2.0000], grad_fn=<AddBackward0>)\nloss 0.5\n"
    assert checker.compare(want, want) == ""
    assert checker.compare("tensor([1.00005, 2.0000])\nloss 0.5\n", want) == ""   # formatting ignored
    assert "number 1" in checker.compare("tensor([1.0000, 2.0100])\nloss 0.5\n", want)
    assert "word" in checker.compare("tensor([1.0000, 2.0000])\nlost 0.5\n", want)
    assert "numbers" in checker.compare("tensor([1.0000, 2.0000, 3.0])\nloss 0.5\n", want)
