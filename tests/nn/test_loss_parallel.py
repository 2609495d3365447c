"""Cross entropy on large inputs runs in row blocks on numtorch's threads: same values as PyTorch."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close


@pytest.fixture
def two_threads():
    old = nt.get_num_threads()
    nt.set_num_threads(2)
    yield
    nt.set_num_threads(old)


@pytest.mark.parametrize("kw", [dict(), dict(label_smoothing=0.1), dict(reduction="none"), dict(reduction="sum"),
                                dict(weight=True, ignore_index=3)])
def test_cross_entropy_row_blocks(kw, two_threads, rng):
    M, C = 2600, 1000                      # 2.6M logits: large enough to be split over the threads
    x = rng.standard_normal((M, C)).astype(np.float32)
    x[:7] *= 200                           # rows whose max lies outside [-60, 60]: shifted blocks
    x[-5:] -= 100
    t = rng.integers(0, C, M)
    kw = dict(kw)
    w = rng.random(C).astype(np.float32) if kw.pop("weight", False) else None
    res = []
    for lib in (torch, nt):
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(t), weight=None if w is None else lib.tensor(w), **kw)
        loss.backward(lib.ones_like(loss))
        res.append((loss, xt.grad))
    (lt, gt), (ln, gn) = res
    assert_close(ln, lt, rtol=2e-5, atol=1e-5)
    assert_close(gn, gt, rtol=1e-4, atol=1e-7)
