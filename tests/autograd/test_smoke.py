"""The smallest end-to-end check: a graph, its backward, and PyTorch's numbers."""
import numpy as np

import numtorch as nt
from conftest import torch, to_torch, assert_close


def test_polynomial_gradient_matches_torch():
    x = nt.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    y = (x * x * 3 + 2 * x - x / 4).sum()
    y.backward()
    tx = to_torch(x)
    ty = (tx * tx * 3 + 2 * tx - tx / 4).sum()
    ty.backward()
    assert_close(y, ty)
    assert_close(x.grad, tx.grad)
    assert repr(y) == repr(ty)
