"""optim.Adafactor against torch.optim.Adafactor: parameters after several steps, every option, state
(keys, shapes, values), loading torch's optimizer state, errors."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

SHAPES = [(5, 4), (3, 2, 6), (7,), (1, 1)]
OPTS = [dict(), dict(lr=0.1, weight_decay=0.1, maximize=True, d=1.5, eps=(1e-20, 1e-2)), dict(beta2_decay=-0.5),
        dict(lr=torch.tensor(0.05)), dict(eps=(None, 0.0), lr=0.3)]


def _run(rng, kw, steps=6, dtype=np.float32):
    P = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    pn = [nt.tensor(p.copy(), requires_grad=True) for p in P]
    pt = [torch.tensor(p.copy(), requires_grad=True) for p in P]
    kwn = {k: (to_nt(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
    on, ot = nt.optim.Adafactor(pn, **kwn), torch.optim.Adafactor(pt, **kw)
    for _ in range(steps):
        for a, b in zip(pn, pt):
            g = rng.standard_normal(a.shape).astype(dtype)
            a.grad, b.grad = nt.tensor(g), torch.tensor(g)
        on.step()
        ot.step()
    return pn, pt, on, ot


@pytest.mark.parametrize("kw", OPTS)
def test_steps_match(rng, kw):
    pn, pt, on, ot = _run(rng, kw)
    for a, b in zip(pn, pt):
        assert_close(a, b, rtol=2e-6, atol=2e-6)
    sn, st = on.state_dict()["state"], ot.state_dict()["state"]
    assert sorted(sn) == sorted(st)
    for k in st:
        assert sorted(sn[k]) == sorted(st[k])
        for name in st[k]:
            assert_close(sn[k][name], st[k][name], rtol=1e-5, atol=1e-9)
    gn, gt = on.state_dict()["param_groups"][0], ot.state_dict()["param_groups"][0]
    assert sorted(gn) == sorted(gt)


def test_float64(rng):
    pn, pt, _, _ = _run(rng, dict(lr=0.05, weight_decay=0.01), dtype=np.float64)
    for a, b in zip(pn, pt):
        assert_close(a, b, rtol=1e-12, atol=1e-13)


def test_load_torch_state_and_continue(rng):
    pn, pt, on, ot = _run(rng, dict(lr=0.05))
    fresh = nt.optim.Adafactor(pn, lr=0.05)
    sd = ot.state_dict()
    fresh.load_state_dict({"state": {k: {n: to_nt(v) for n, v in s.items()} for k, s in sd["state"].items()},
                           "param_groups": sd["param_groups"]})
    for a, b in zip(pn, pt):
        g = rng.standard_normal(a.shape).astype(np.float32)
        a.grad, b.grad = nt.tensor(g), torch.tensor(g)
    fresh.step()
    ot.step()
    for a, b in zip(pn, pt):
        assert_close(a, b, rtol=2e-6, atol=2e-6)


def test_errors():
    p = [nt.zeros(2, requires_grad=True)]
    pt = [torch.zeros(2, requires_grad=True)]
    for kw in (dict(lr=-1.0), dict(beta2_decay=0.5), dict(eps=(-1.0, 1e-3)), dict(eps=(None, -1.0)), dict(d=0.5),
               dict(weight_decay=-1.0)):
        with pytest.raises(ValueError) as e1:
            nt.optim.Adafactor(p, **kw)
        with pytest.raises(ValueError) as e2:
            torch.optim.Adafactor(pt, **kw)
        assert str(e1.value) == str(e2.value)
