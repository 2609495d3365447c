"""layer_norm with nothing recorded runs LayerNormFn's forward kernel on the arrays (no Function application):
pinned to the recorded path (bit for bit: the same kernel) and to PyTorch, float32 and float64."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, assert_close


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("ns", [(16,), (3, 16)])
@pytest.mark.parametrize("affine", [(True, True), (True, False), (False, True), (False, False)])
def test_nograd_path_pinned_to_graph_path_and_torch(dtype, ns, affine):
    r = np.random.default_rng(0)
    x = (r.standard_normal((2, 5) + ns) * 3 + 1).astype(dtype)
    w = r.standard_normal(ns).astype(dtype) if affine[0] else None
    b = r.standard_normal(ns).astype(dtype) if affine[1] else None
    args = [None if v is None else nt.tensor(v) for v in (w, b)]
    with nt.no_grad():
        fast = F.layer_norm(nt.tensor(x), ns, *args, eps=1e-4)
    assert fast.grad_fn is None and not fast.requires_grad
    xg = nt.tensor(x, requires_grad=True)
    ref = F.layer_norm(xg, ns, *args, eps=1e-4)
    assert ref.grad_fn is not None
    np.testing.assert_array_equal(fast.numpy(), ref.detach().numpy())
    assert fast.dtype == ref.dtype
    # without no_grad but with no input requiring grad: also the array path, same numbers
    np.testing.assert_array_equal(F.layer_norm(nt.tensor(x), ns, *args, eps=1e-4).numpy(), fast.numpy())
    want = torch.nn.functional.layer_norm(torch.tensor(x), ns, *[None if v is None else torch.tensor(v)
                                                                 for v in (w, b)], eps=1e-4)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    assert_close(fast, want, **tol)


def test_nograd_path_with_parameters_of_a_module():
    m = nt.nn.LayerNorm(8)
    x = nt.randn(4, 8)
    with nt.no_grad():
        y = m(x)
    y2 = m(x)
    assert y.grad_fn is None and y2.grad_fn is not None
    np.testing.assert_array_equal(y.numpy(), y2.detach().numpy())
