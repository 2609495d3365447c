"""bernoulli_(p) with a float p decided on the generator's 32-bit words (numtorch/_random.py,
_bernoulli_scalar_int) pinned to the float64 formula it replaces (u < p, u = random64's low 53 bits * 2^-53),
from the same generator state, over probabilities at and near the edges; and to PyTorch's seeded draws."""
import numpy as np
import pytest

import numtorch as nt
from numtorch import _random as R
from conftest import torch

PS = [0.0, 1.0, 0.5, 0.9, 0.1, 1e-300, 5e-324, 1 - 2 ** -53, 2 ** -53, 0.3, 0.7, 0.123456789]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("n", [0, 1, 7, 100003])
def test_int_path_pinned_to_float64_formula(p, n):
    g = R.Generator()
    g.manual_seed(1234)
    s = g.get_state()
    got = R._bernoulli_scalar_int(g, n, p)
    after = g.get_state()
    g.set_state(s)
    want = R._bernoulli_scalar_reference(g, n, p)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype == np.bool_
    assert np.array_equal(after.numpy(), g.get_state().numpy())    # the same number of draws


def test_threshold_boundaries_exact():
    # words chosen so that r sits exactly at, below and above T for a p whose T has both halves non-zero
    p = 0.9
    t = int(np.ceil(p * 2.0 ** 53))
    rs = np.array([t - 1, t, t + 1, 0, 2 ** 53 - 1, (t >> 32) << 32, ((t >> 32) << 32) - 1], dtype=np.uint64)
    words = np.empty(2 * rs.size, np.uint32)
    words[0::2] = (rs >> np.uint64(32)).astype(np.uint32) | np.uint32(0xFFE00000)   # high bits above 53 ignored
    words[1::2] = (rs & np.uint64(0xFFFFFFFF)).astype(np.uint32)

    class _E:
        def draw(self, n):
            assert n == words.size
            return words.copy()

    class _G:
        _engine = _E()
    want = (rs.astype(np.float64) * 2.0 ** -53) < p
    np.testing.assert_array_equal(R._bernoulli_scalar_int(_G(), rs.size, p), want)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_masks_match_torch_seeded(p):
    nt.manual_seed(7)
    torch.manual_seed(7)
    a = nt.empty(3, 1000).bernoulli_(p)
    b = torch.empty(3, 1000).bernoulli_(p)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    nt.manual_seed(3)
    torch.manual_seed(3)
    x = np.ones((64, 33), np.float32)
    ya = nt.nn.functional.dropout(nt.tensor(x), p)
    yb = torch.nn.functional.dropout(torch.tensor(x), p)
    np.testing.assert_array_equal(ya.numpy(), yb.numpy())
