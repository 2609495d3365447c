"""The once-per-process UserWarning for a tensor built from a list of NumPy arrays, as graykode/nlp-tutorial's
``torch.FloatTensor(input_batch)`` prints it under PyTorch; torch is asked in a fresh process each time."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

import numtorch as nt
from numtorch import _creation
from conftest import torch  # noqa: F401  (the oracle must be installed)

CASES = ["tensor([np.zeros(2), np.ones(2)])", "FloatTensor([np.zeros(2)])", "LongTensor([[np.zeros(2)]])",
         "as_tensor((np.zeros(2),))", "Tensor([np.zeros(2)])", "tensor([np.zeros(0)])", "tensor([np.float32(1), 2.0])"]


def _torch_warnings(code):
    prog = ("import warnings, torch, numpy as np\nwarnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            f"    warnings.simplefilter('always')\n    torch.{code}\n    torch.{code}\n"
            "print(repr([str(x.message) for x in w]))")
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, check=True).stdout
    return eval(out)


@pytest.mark.parametrize("code", CASES)
def test_warns_once_as_torch(code, monkeypatch):
    monkeypatch.setattr(_creation, "_warned_list_of_arrays", [False])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for _ in range(2):
            eval("nt." + code, {"nt": nt, "np": np})
    got = [str(x.message) for x in w if "numpy.ndarrays" in str(x.message)]
    want = [m for m in _torch_warnings(code) if "numpy.ndarrays" in m]
    assert len(got) == len(want)
    for g, t in zip(got, want):
        # torch appends the C++ location "(Triggered internally at ...)"
        assert t.startswith(g)


def test_values_unchanged():
    a = [np.arange(3.0), np.arange(3.0) * 2]
    np.testing.assert_array_equal(nt.FloatTensor(a).numpy(), np.array(a, dtype=np.float32))
