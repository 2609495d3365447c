"""Optimizer state dicts through files: ``numtorch.save`` -> real ``torch.load`` -> torch's optimizer, and
``torch.save`` -> ``numtorch.load`` -> numtorch's optimizer; both runs then continue together."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close
from _optim_problem import Problem, _arr, RTOL, ATOL

CASES = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01, "amsgrad": True}),
         ("AdamW", {"lr": 0.01}), ("RMSprop", {"centered": True, "momentum": 0.5}),
         ("NAdam", {"lr": 0.01}), ("ASGD", {"t0": 5}), ("Adagrad", {"lr": 0.1}), ("Rprop", {})]


def _warm(name, kw, seed):
    prob = Problem(seed)
    tp, npar = prob.params(torch), prob.params(nt)
    topt = getattr(torch.optim, name)(tp, **kw)
    nopt = getattr(nt.optim, name)(npar, **kw)
    for t in range(10):
        prob.set_grads(torch, tp, t)
        prob.set_grads(nt, npar, t)
        topt.step()
        nopt.step()
    return prob, tp, npar, topt, nopt


@pytest.mark.parametrize("name,kw", CASES, ids=[c[0] for c in CASES])
def test_numtorch_save_loads_into_torch_optimizer(name, kw, tmp_path):
    prob, tp, npar, topt, nopt = _warm(name, kw, 7)
    path = str(tmp_path / "opt.pt")
    nt.save(nopt.state_dict(), path)
    sd = torch.load(path)
    tsd = topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    for k, v in tsd["state"][0].items():
        if isinstance(v, torch.Tensor):
            assert sd["state"][0][k].dtype == v.dtype and sd["state"][0][k].shape == v.shape, k
    tp2 = [torch.from_numpy(_arr(p).copy()).requires_grad_() for p in npar]
    topt2 = getattr(torch.optim, name)(tp2, **kw)
    topt2.load_state_dict(sd)
    for t in range(10, 20):
        prob.set_grads(torch, tp2, t)
        prob.set_grads(nt, npar, t)
        topt2.step()
        nopt.step()
        for a, b in zip(npar, tp2):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL, err_msg=f"step {t}")


@pytest.mark.parametrize("name,kw", CASES, ids=[c[0] for c in CASES])
def test_torch_save_loads_into_numtorch_optimizer(name, kw, tmp_path):
    prob, tp, npar, topt, nopt = _warm(name, kw, 8)
    path = str(tmp_path / "opt.pt")
    torch.save(topt.state_dict(), path)
    sd = nt.load(path)
    assert sd["param_groups"] == nopt.state_dict()["param_groups"]
    np2 = [nt.from_numpy(_arr(p).copy()).requires_grad_() for p in tp]
    nopt2 = getattr(nt.optim, name)(np2, **kw)
    nopt2.load_state_dict(sd)
    if "step" in nopt2.state[np2[0]]:
        step = nopt2.state[np2[0]]["step"]
        assert isinstance(step, nt.Tensor) and step.dtype == nt.float32 and step.dim() == 0
    for t in range(10, 20):
        prob.set_grads(torch, tp, t)
        prob.set_grads(nt, np2, t)
        topt.step()
        nopt2.step()
        for a, b in zip(np2, tp):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL, err_msg=f"step {t}")


def test_scheduler_and_optimizer_checkpoint_roundtrip(tmp_path):
    """A checkpoint dict with model, optimizer and scheduler state saved by numtorch resumes in numtorch
    exactly and loads in torch."""
    m = nt.nn.Linear(3, 2)
    opt = nt.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    sched = nt.optim.lr_scheduler.StepLR(opt, 2, 0.5)
    x = nt.ones(4, 3)
    for _ in range(3):
        opt.zero_grad()
        m(x).sum().backward()
        opt.step()
        sched.step()
    path = str(tmp_path / "ckpt.pt")
    nt.save({"opt": opt.state_dict(), "sched": sched.state_dict(), "model": m.state_dict()}, path)
    ck = nt.load(path)
    tck = torch.load(path)
    assert tck["opt"]["param_groups"][0]["initial_lr"] == 0.1
    assert tck["sched"]["last_epoch"] == 3 and tck["sched"]["_last_lr"] == sched.get_last_lr()
    assert_close(ck["opt"]["state"][0]["momentum_buffer"], tck["opt"]["state"][0]["momentum_buffer"])
    m2 = nt.nn.Linear(3, 2)
    m2.load_state_dict(ck["model"])
    opt2 = nt.optim.SGD(m2.parameters(), lr=0.1, momentum=0.9)
    sched2 = nt.optim.lr_scheduler.StepLR(opt2, 2, 0.5)
    opt2.load_state_dict(ck["opt"])
    sched2.load_state_dict(ck["sched"])
    for mm, o, s in ((m, opt, sched), (m2, opt2, sched2)):
        o.zero_grad()
        mm(x).sum().backward()
        o.step()
        s.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    for a, b in zip(m.parameters(), m2.parameters()):
        np.testing.assert_array_equal(_arr(a), _arr(b))
