"""gather/scatter family refuse negative indices as PyTorch (RuntimeError naming the index); take_along_dim with a
dim wraps them first (the fuzzer's seed-19 open item)."""
import numpy as np
import pytest

from conftest import torch
import numtorch as nt

CASES = {
    "gather": lambda L, x, i: L.gather(x, 1, i),
    "scatter": lambda L, x, i: x.scatter(1, i, 1.0),
    "scatter_add": lambda L, x, i: x.scatter_add(1, i, L.ones(1, 2)),
    "scatter_reduce": lambda L, x, i: x.scatter_reduce(1, i, L.ones(1, 2), "amax"),
    "take_along_dim": lambda L, x, i: L.take_along_dim(x, i, 1),
    "take_along_dim_neg_dim": lambda L, x, i: L.take_along_dim(x, i, -1),
    "take_along_dim_flat": lambda L, x, i: L.take_along_dim(x, i),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("idx", [[[-1, 0]], [[0, -3]], [[2, 1]]])
def test_negative_indices_as_torch(name, idx):
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    res = []
    for L in (torch, nt):
        try:
            res.append(("ok", np.asarray(CASES[name](L, L.tensor(x), L.tensor(idx)).tolist())))
        except Exception as e:   # noqa: BLE001 - the class and message are what is compared
            res.append((type(e).__name__, str(e)))
    (kt, vt), (kn, vn) = res
    assert kn == kt, (name, res)
    if kt == "ok":
        np.testing.assert_array_equal(vn, vt)
    else:
        assert vn == vt
