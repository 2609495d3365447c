"""nn.utils: gradient clipping and parameter/vector conversion, against PyTorch."""
import math

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close


def _pair(rng, shapes, dtype=np.float32, scale=3.0):
    ps, tps = [], []
    for s in shapes:
        w = rng.standard_normal(s).astype(dtype)
        g = (rng.standard_normal(s) * scale).astype(dtype)
        p, tp = nt.nn.Parameter(nt.tensor(w)), torch.nn.Parameter(torch.tensor(w))
        p.grad, tp.grad = nt.tensor(g), torch.tensor(g)
        ps.append(p)
        tps.append(tp)
    return ps, tps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf, "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm(norm_type, max_norm, dtype, rng):
    ps, tps = _pair(rng, [(3, 4), (4,), (2, 2, 2)], dtype)
    nt_norm = float(norm_type) if norm_type == "inf" else norm_type
    total = nt.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=nt_norm)
    ttotal = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=nt_norm)
    assert_close(total, ttotal, rtol=1e-5, atol=1e-6)
    for p, tp in zip(ps, tps):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-6)


def test_clip_grad_norm_single_tensor_and_missing_grads(rng):
    ps, tps = _pair(rng, [(5,), (2, 3)])
    ps[1].grad = None
    tps[1].grad = None
    assert_close(nt.nn.utils.clip_grad_norm_(ps, 1.0), torch.nn.utils.clip_grad_norm_(tps, 1.0))
    assert ps[1].grad is None
    assert_close(nt.nn.utils.clip_grad_norm_(ps[0], 0.1), torch.nn.utils.clip_grad_norm_(tps[0], 0.1))
    assert_close(ps[0].grad, tps[0].grad)
    empty = nt.nn.utils.clip_grad_norm_([], 1.0)
    assert_close(empty, torch.nn.utils.clip_grad_norm_([], 1.0))


def test_clip_grad_norm_nonfinite(rng):
    ps, tps = _pair(rng, [(3,)])
    ps[0].grad._data[1] = np.inf
    tps[0].grad[1] = float("inf")
    with pytest.raises(RuntimeError, match="non-finite"):
        nt.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_(tps, 1.0, error_if_nonfinite=True)
    t = nt.nn.utils.clip_grad_norm_(ps, 1.0)
    tt = torch.nn.utils.clip_grad_norm_(tps, 1.0)
    assert_close(t, tt)
    assert_close(ps[0].grad, tps[0].grad)


def test_clip_grad_norm_model_training(rng):
    m = nt.nn.Linear(4, 3)
    tm = torch.nn.Linear(4, 3)
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(m.weight._data))
        tm.bias.copy_(torch.tensor(m.bias._data))
    x = rng.standard_normal((8, 4)).astype(np.float32) * 10
    (m(nt.tensor(x)) ** 2).sum().backward()
    (tm(torch.tensor(x)) ** 2).sum().backward()
    assert_close(nt.nn.utils.clip_grad_norm_(m.parameters(), 2.0),
                 torch.nn.utils.clip_grad_norm_(tm.parameters(), 2.0), rtol=1e-5)
    assert_close(m.weight.grad, tm.weight.grad, rtol=1e-5, atol=1e-6)
    assert_close(m.bias.grad, tm.bias.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("clip", [0.1, 1.0, 5])
def test_clip_grad_value(clip, rng):
    ps, tps = _pair(rng, [(3, 4), (6,)])
    assert nt.nn.utils.clip_grad_value_(ps, clip) is None
    torch.nn.utils.clip_grad_value_(tps, clip)
    for p, tp in zip(ps, tps):
        assert_close(p.grad, tp.grad)


def test_parameters_to_vector_and_back(rng):
    ps, tps = _pair(rng, [(3, 4), (4,), (2, 1, 3)])
    v = nt.nn.utils.parameters_to_vector(ps)
    tv = torch.nn.utils.parameters_to_vector(tps)
    assert_close(v, tv)
    assert v.requires_grad == tv.requires_grad
    (v * nt.arange(v.numel()).float()).sum().backward()
    (tv * torch.arange(tv.numel()).float()).sum().backward()
    for p, tp in zip(ps, tps):
        assert_close(p.grad, tp.grad)
    new = rng.standard_normal(v.numel()).astype(np.float32)
    nt.nn.utils.vector_to_parameters(nt.tensor(new), ps)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tps)
    for p, tp in zip(ps, tps):
        assert_close(p, tp)
        assert isinstance(p, nt.nn.Parameter) and p.requires_grad
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nt.nn.utils.vector_to_parameters([1.0], ps)
