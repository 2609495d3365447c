"""conv2d's channel-major per-image layout (conv._per_image) on the shapes it now takes: 1x1 kernels (strided,
padded) and large maps (>= 784 output positions) with many channels; forward, input and weight gradients
against PyTorch, in one piece and in batch blocks on 2 threads."""
import numpy as np
import pytest

from conftest import torch, assert_close

import numtorch as nt
import numtorch.nn.functional as F
from numtorch.nn.functional import conv as CV

CASES = [
    # (N, C, H, W, O, k, stride, padding, dilation)
    (3, 8, 9, 7, 6, 1, 1, 0, 1),        # 1x1: the columns are the input itself
    (3, 8, 9, 7, 6, 1, 2, 0, 1),        # 1x1 stride 2, odd sizes (the last row/column is never read)
    (2, 8, 6, 6, 5, 1, 1, 1, 1),        # 1x1 with padding: the general col2im
    (2, 16, 30, 30, 12, 3, 1, 1, 1),    # 3x3, 900 positions, 4*C > W: large-map rule
    (2, 16, 60, 58, 12, 3, 2, 1, 1),    # 3x3 stride 2, 870 positions
    (2, 16, 33, 33, 8, 3, 1, 2, 2),     # dilated
    (2, 16, 58, 58, 8, 2, (2, 1), (0, 1), 1),   # even kernel, mixed stride and padding
]


def _out_size(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("blocks", [False, True])
@pytest.mark.parametrize("band_rows", [None, 1, 2])
def test_conv_image_layout_matches_torch(case, blocks, band_rows, monkeypatch):
    N, C, H, W, O, k, st, pad, dil = case
    if band_rows is not None:   # columns built and multiplied in bands of output rows (a partial last one)
        sw = st if isinstance(st, int) else st[1]
        pw = pad if isinstance(pad, int) else pad[1]
        monkeypatch.setattr(CV, "_BAND_BYTES", band_rows * C * k * k * _out_size(W, k, sw, pw, dil) * 4)
    if blocks:   # one image per block, two thread pieces: every result is written through `out=`
        monkeypatch.setattr(CV, "_BLOCK_BYTES", 1)
        old = nt.get_num_threads()
        nt.set_num_threads(2)
        monkeypatch.setattr(CV, "parallel_threads", lambda n, flops: min(2, n))
    try:
        r = np.random.default_rng(7)
        x = r.standard_normal((N, C, H, W)).astype(np.float32)
        w = (r.standard_normal((O, C, k, k)) / np.sqrt(C * k * k)).astype(np.float32)
        b = r.standard_normal(O).astype(np.float32)
        res = []
        for T in (torch, nt):
            xt, wt, bt = (T.tensor(a, requires_grad=True) for a in (x, w, b))
            y = T.nn.functional.conv2d(xt, wt, bt, st, pad, dil)
            g = T.tensor(np.random.default_rng(8).standard_normal(tuple(y.shape)).astype(np.float32))
            y.backward(g)
            with T.no_grad():   # no columns kept for a weight gradient: one reused band buffer
                y0 = T.nn.functional.conv2d(T.tensor(x), T.tensor(w), T.tensor(b), st, pad, dil)
            res.append((y, xt.grad, wt.grad, bt.grad, y0))
        Ho, Wo = res[1][0].shape[2:]
        assert CV._per_image(C, 1, Wo, k * k, Ho * Wo)      # the layout under test is the one taken
        for got, want in zip(res[1], res[0]):
            assert_close(got, want, rtol=1e-4, atol=1e-4)
    finally:
        if blocks:
            nt.set_num_threads(old)


def test_conv_image_layout_double_backward():
    r = np.random.default_rng(9)
    x = nt.tensor(r.standard_normal((1, 2, 5, 5)), requires_grad=True)
    w = nt.tensor(r.standard_normal((3, 2, 1, 1)), requires_grad=True)
    assert nt.autograd.gradgradcheck(lambda x, w: F.conv2d(x, w, stride=2), (x, w))
