"""NumPy floating-point RuntimeWarnings never escape numtorch's public functions: PyTorch computes
inf/nan silently (values compared with torch's, warnings turned into errors)."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

CASES = {
    "var one element": lambda m, x: x.var(),
    "std one element": lambda m, x: x.std(),
    "logsumexp all -inf": lambda m, x: m.logsumexp(x * 0 - float("inf"), 0),
    "log of zero": lambda m, x: m.log(x * 0).sum(),
    "sqrt at zero": lambda m, x: m.sqrt(x * 0).sum(),
    "divide by zero": lambda m, x: (x / (x * 0)).sum(),
    "pow negative fractional": lambda m, x: (-x).pow(0.5).sum(),
    "sum of inf and -inf": lambda m, x: m.rsqrt(x * 0 * m.tensor([1.0, -1.0])).sum(),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("how", ["backward", "autograd.grad", "create_graph"])
def test_no_runtime_warning_and_torchs_values(name, how):
    f = CASES[name]
    data = [1.5] if "one element" in name else [1.5, 2.0]
    xt = torch.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = f(torch, xt)
        (gt,) = torch.autograd.grad(yt, xt)
    xn = nt.tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.filterwarnings("ignore", category=UserWarning)   # var()'s degrees-of-freedom warning is PyTorch's
        yn = f(nt, xn)
        if how == "backward":
            yn.backward()
            gn = xn.grad
        else:
            (gn,) = nt.autograd.grad(yn, xn, create_graph=how == "create_graph")
    np.testing.assert_array_equal(yn.detach().numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(gn.detach().numpy(), gt.numpy())
