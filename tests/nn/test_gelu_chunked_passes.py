"""gelu32 runs its passes over cache-sized pieces: the same numbers as one pass over the whole array."""
import numpy as np
import pytest

import numtorch as nt
from numtorch.nn.functional import _gelu as G
from conftest import torch, assert_close


@pytest.mark.parametrize("n", [5, 2 * G._CHUNK, 2 * G._CHUNK + 1, 3 * G._CHUNK + 17])
def test_chunked_equals_whole(n):
    x = (np.random.default_rng(n).standard_normal(n) * 4).astype(np.float32)
    x[:3] = [0.0, -30.0, 1e20]
    y, phi, e = G.gelu32(x)
    wy, wp, we = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        G._block(x, wy, wp, we)
    for a, b in ((y, wy), (phi, wp), (e, we)):
        np.testing.assert_array_equal(a, b)
    assert_close(nt.nn.functional.gelu(nt.from_numpy(x)), torch.nn.functional.gelu(torch.from_numpy(x)),
                 rtol=1e-5, atol=1e-6)
