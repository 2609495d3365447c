"""nn.Dropout2d / Dropout3d on inputs of other ranks: PyTorch 2.13's warnings, and which entries share a mask."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch


def _run(lib, cls, shape, training=True):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = getattr(lib.nn, cls)(p=0.5)
        m.train(training)
        try:
            y = m(lib.ones(*shape) * 3.0)
            out = y.detach().numpy() if hasattr(y, "detach") else y
        except RuntimeError as e:
            out = f"RuntimeError: {e}"
    return out, [str(x.message) for x in w]


CASES = [("Dropout2d", s) for s in [(3, 4), (2, 3, 4), (1, 2, 3, 4), (6,)]] + \
        [("Dropout3d", s) for s in [(2, 3, 4, 5), (1, 2, 3, 4, 5), (3, 4), (6,)]] + [("Dropout1d", (3, 4))]


@pytest.mark.parametrize("cls,shape", CASES)
@pytest.mark.parametrize("training", [True, False])
def test_messages_and_mask_structure(cls, shape, training):
    tout, tw = _run(torch, cls, shape, training)
    nout, nw = _run(nt, cls, shape, training)
    assert nw == tw
    if isinstance(tout, str):
        assert nout == tout
        return
    assert nout.shape == tout.shape
    if training:
        assert set(np.unique(nout).tolist()) <= {0.0, 6.0}
    else:
        assert np.array_equal(nout, tout)
    if training:
        # structure check: the mask numtorch draws is constant along exactly the axes torch's is (by shape rule)
        def const_axes(a, trials):
            return {ax for ax in range(a.ndim) if all(np.all(np.ptp(t, axis=ax) == 0) for t in trials)}
        ts = [_run(torch, cls, shape)[0] for _ in range(20)]
        ns = [_run(nt, cls, shape)[0] for _ in range(20)]
        assert const_axes(ns[0], ns) == const_axes(ts[0], ts)
