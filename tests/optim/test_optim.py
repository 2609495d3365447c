"""numtorch.optim against torch.optim: every optimizer with PyTorch's own tested option sets
(torch/testing/_internal/common_optimizers.py, capturable/differentiable/foreach variants left out:
they are device / autograd modes with the same arithmetic), 20 steps, parameters compared after
every step; state dicts (format, resume, interchange with real PyTorch); the Optimizer API."""
import copy
import re

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close
from _optim_problem import Problem, _arr, RTOL, ATOL

# the option sets PyTorch's optimizer tests use (optim_inputs_func_*), CPU / non-capturable ones
OPTIM_INPUTS = {
    "SGD": [{}, {"lr": 0.01}, {"lr": "tensor0.001"}, {"weight_decay": 0.5}, {"momentum": 0.9},
            {"weight_decay": 0.1, "maximize": True}, {"momentum": 0.9, "dampening": 0.5},
            {"momentum": 0.9, "weight_decay": 0.1}, {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}],
    "ASGD": [{}, {"lambd": 0.1}, {"lr": 0.02}, {"t0": 100}, {"maximize": True}, {"weight_decay": 0.1},
             {"weight_decay": 0.1, "maximize": True}, {"t0": 5, "lr": 0.05}],
    "Adadelta": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "maximize": True},
                 {"rho": 0.95, "weight_decay": 0.9}],
    "Adagrad": [{}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True}, {"lr": 0.1},
                {"initial_accumulator_value": 0.1, "weight_decay": 0.1},
                {"lr": 0.1, "lr_decay": 0.5, "weight_decay": 0.1}, {"lr": "tensor0.001"}],
    "Adam": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True},
             {"weight_decay": 0.1, "amsgrad": True}, {"lr": 0.05, "betas": (0.6, 0.9), "amsgrad": True},
             {"weight_decay": 0.1, "decoupled_weight_decay": True}],
    "AdamW": [{}, {"lr": 0.01}, {"weight_decay": 0.1}, {"weight_decay": 0.1, "maximize": True},
              {"weight_decay": 0.1, "amsgrad": True}],
    "Adamax": [{}, {"lr": 0.1}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "maximize": True}],
    "RAdam": [{}, {"lr": 0.002}, {"eps": 1e-06}, {"weight_decay": 0.1},
              {"weight_decay": 0.1, "decoupled_weight_decay": True}, {"weight_decay": 0.1, "maximize": True},
              {"lr": 0.05, "betas": (0.9, 0.9)}],
    "NAdam": [{}, {"lr": 0.001}, {"momentum_decay": 0.006}, {"weight_decay": 0.1},
              {"weight_decay": 0.1, "momentum_decay": 0.006},
              {"weight_decay": 0.1, "momentum_decay": 0.006, "decoupled_weight_decay": True},
              {"weight_decay": 0.1, "maximize": True}],
    "RMSprop": [{}, {"lr": 0.001}, {"weight_decay": 0.1}, {"maximize": True}, {"weight_decay": 0.1, "centered": True},
                {"maximize": True, "weight_decay": 0.1}, {"weight_decay": 0.1, "centered": True, "momentum": 0.1},
                {"weight_decay": 0.1, "centered": True, "momentum": 0.1, "maximize": True}],
    "Rprop": [{}, {"lr": 0.0002}, {"etas": (0.5, 1.5)}, {"step_sizes": (2e-06, 100)}, {"maximize": True}],
}
CASES = [(name, kw) for name, kws in OPTIM_INPUTS.items() for kw in kws]


def _kw(lib, kw):
    """Options for one library (``"tensor0.001"`` becomes a 0-d tensor learning rate)."""
    out = {}
    for k, v in kw.items():
        if isinstance(v, str) and v.startswith("tensor"):
            v = lib.tensor(float(v[6:]))
        out[k] = v
    return out


def _run_pair(name, kw, steps=20, prob=None):
    prob = prob or Problem()
    tp, npar = prob.params(torch), prob.params(nt)
    topt = getattr(torch.optim, name)(tp, **_kw(torch, kw))
    nopt = getattr(nt.optim, name)(npar, **_kw(nt, kw))
    for t in range(steps):
        prob.set_grads(torch, tp, t)
        prob.set_grads(nt, npar, t)
        topt.step()
        nopt.step()
        for a, b in zip(npar, tp):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL, err_msg=f"{name} {kw} step {t}")
    return topt, nopt, tp, npar, prob


def _compare_state(nsd, tsd):
    assert set(nsd["state"]) == set(tsd["state"])
    for k, ts in tsd["state"].items():
        ns = nsd["state"][k]
        assert list(ns) == list(ts), (list(ns), list(ts))
        for key, tv in ts.items():
            nv = ns[key]
            if isinstance(tv, torch.Tensor):
                assert isinstance(nv, nt.Tensor), key
                assert_close(nv, tv, rtol=1e-4, atol=1e-6)
            elif isinstance(tv, list):
                assert len(nv) == len(tv)
            else:
                assert nv == pytest.approx(tv, rel=1e-5), key
    assert len(nsd["param_groups"]) == len(tsd["param_groups"])
    for ng, tg in zip(nsd["param_groups"], tsd["param_groups"]):
        assert list(ng) == list(tg)
        for key in tg:
            if not isinstance(tg[key], torch.Tensor):
                assert ng[key] == tg[key], key


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for n, kws in OPTIM_INPUTS.items() for i in range(len(kws))])
def test_trajectory_matches_torch(name, kw):
    topt, nopt, tp, npar, _ = _run_pair(name, kw)
    _compare_state(nopt.state_dict(), topt.state_dict())


# optimizers without a sqrt: with PyTorch's fused multiply-adds emulated they are bit-for-bit equal
EXACT_CASES = [(n, kw) for n, kw in CASES if n in ("SGD", "ASGD", "Adamax", "Rprop")]


@pytest.mark.parametrize("name,kw", EXACT_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXACT_CASES)])
def test_exact_rounding_is_bitwise_equal(name, kw):
    prev = nt.optim.set_exact_rounding(True)
    try:
        prob = Problem()
        tp, npar = prob.params(torch), prob.params(nt)
        topt = getattr(torch.optim, name)(tp, **_kw(torch, kw))
        nopt = getattr(nt.optim, name)(npar, **_kw(nt, kw))
        for t in range(20):
            prob.set_grads(torch, tp, t)
            prob.set_grads(nt, npar, t)
            topt.step()
            nopt.step()
            for a, b in zip(npar, tp):
                np.testing.assert_array_equal(_arr(a), _arr(b), err_msg=f"{name} {kw} step {t}")
    finally:
        nt.optim.set_exact_rounding(prev)


def _to_torch_obj(x):
    if isinstance(x, nt.Tensor):
        return torch.from_numpy(np.array(x._data, copy=True))
    if isinstance(x, dict):
        return {k: _to_torch_obj(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_to_torch_obj(v) for v in x)
    return x


def _to_nt_obj(x):
    if isinstance(x, torch.Tensor):
        return nt.from_numpy(x.detach().numpy().copy())
    if isinstance(x, dict):
        return {k: _to_nt_obj(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_to_nt_obj(v) for v in x)
    return x


RESUME_CASES = [("SGD", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}), ("ASGD", {"t0": 5, "lr": 0.05}),
                ("Adadelta", {"weight_decay": 0.1}), ("Adagrad", {"lr": 0.1, "lr_decay": 0.5}),
                ("Adam", {"amsgrad": True, "lr": 0.01}), ("AdamW", {"lr": 0.01}), ("Adamax", {"lr": 0.1}),
                ("RAdam", {"lr": 0.05}), ("NAdam", {"lr": 0.01, "weight_decay": 0.1}),
                ("RMSprop", {"centered": True, "momentum": 0.5}), ("Rprop", {})]


@pytest.mark.parametrize("name,kw", RESUME_CASES, ids=[c[0] for c in RESUME_CASES])
def test_state_dict_resume_is_exact(name, kw):
    prob = Problem(1)
    params = prob.params(nt)
    opt = getattr(nt.optim, name)(params, **kw)
    for t in range(10):
        prob.set_grads(nt, params, t)
        opt.step()
    sd = copy.deepcopy(opt.state_dict())
    params2 = [nt.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    opt2 = getattr(nt.optim, name)(params2, **kw)
    opt2.load_state_dict(sd)
    for t in range(10, 20):
        prob.set_grads(nt, params, t)
        prob.set_grads(nt, params2, t)
        opt.step()
        opt2.step()
        for a, b in zip(params, params2):
            np.testing.assert_array_equal(_arr(a), _arr(b))


@pytest.mark.parametrize("name,kw", RESUME_CASES, ids=[c[0] for c in RESUME_CASES])
def test_state_dict_interchange_with_torch(name, kw):
    """numtorch's state dict, converted tensor by tensor, loads into torch's optimizer (and the reverse)
    and both runs continue together."""
    prob = Problem(2)
    tp, npar = prob.params(torch), prob.params(nt)
    topt = getattr(torch.optim, name)(tp, **kw)
    nopt = getattr(nt.optim, name)(npar, **kw)
    for t in range(10):
        prob.set_grads(torch, tp, t)
        prob.set_grads(nt, npar, t)
        topt.step()
        nopt.step()
    # swap: torch continues from numtorch's state and numtorch from torch's
    tp2 = [torch.from_numpy(_arr(p).copy()).requires_grad_() for p in npar]
    np2 = [nt.from_numpy(_arr(p).copy()).requires_grad_() for p in tp]
    topt2 = getattr(torch.optim, name)(tp2, **kw)
    nopt2 = getattr(nt.optim, name)(np2, **kw)
    topt2.load_state_dict(_to_torch_obj(nopt.state_dict()))
    nopt2.load_state_dict(_to_nt_obj(topt.state_dict()))
    assert topt2.state[tp2[0]]["step"].dtype == torch.float32 if "step" in topt2.state[tp2[0]] else True
    for t in range(10, 20):
        for lib, ps in ((torch, tp2), (nt, np2), (torch, tp), (nt, npar)):
            prob.set_grads(lib, ps, t)
        topt2.step()
        nopt2.step()
        topt.step()
        nopt.step()
        for a, b in zip(np2, tp):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL)
        for a, b in zip(npar, tp2):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------------------- LBFGS
LBFGS_INPUTS = [{}, {"lr": 0.01}, {"lr": "tensor0.001"}, {"tolerance_grad": 1e-06},
                {"line_search_fn": "strong_wolfe"}]
# near the optimum float32 L-BFGS iterates are at the mercy of rounding (a 1-ulp difference in a dot
# product moves the flat-bottomed minimizer by ~1e-4); these runs are compared in float64
LBFGS_INPUTS_F64 = LBFGS_INPUTS + [{"history_size": 3, "max_iter": 7},
                                   {"line_search_fn": "strong_wolfe", "lr": 0.5, "max_iter": 5},
                                   {"history_size": 2, "max_iter": 9, "line_search_fn": "strong_wolfe"},
                                   {"max_iter": 4, "max_eval": 3}]


def _lbfgs_problem(lib, seed=3, dt=np.float32):
    """A least-squares problem ``0.5 |A x - b|^2 + 0.1 sum(x^4)`` over two parameter tensors, with the
    closure computing loss and gradient in float32 NumPy identically on both sides."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((8, 6)).astype(dt)
    b = rng.standard_normal(8).astype(dt)
    params = [lib.tensor(rng.standard_normal(4).astype(dt), requires_grad=True),
              lib.tensor(rng.standard_normal(2).astype(dt), requires_grad=True)]

    def closure():
        x = np.concatenate([p.detach().numpy() for p in params])
        r = A @ x - b
        loss = dt(0.5) * np.dot(r, r) + dt(0.1) * np.sum(x ** 4)
        g = A.T @ r + dt(0.4) * x ** 3
        params[0].grad = lib.tensor(g[:4].astype(dt))
        params[1].grad = lib.tensor(g[4:].astype(dt))
        return lib.tensor(dt(loss))

    return params, closure


LBFGS_CASES = [(kw, np.float32) for kw in LBFGS_INPUTS] + [(kw, np.float64) for kw in LBFGS_INPUTS_F64]


@pytest.mark.parametrize("kw,dt", LBFGS_CASES, ids=[f"{i}-{d.__name__}" for i, (_, d) in enumerate(LBFGS_CASES)])
def test_lbfgs_matches_torch(kw, dt):
    tp, tclosure = _lbfgs_problem(torch, dt=dt)
    npar, nclosure = _lbfgs_problem(nt, dt=dt)
    topt = torch.optim.LBFGS(tp, **_kw(torch, kw))
    nopt = nt.optim.LBFGS(npar, **_kw(nt, kw))
    tol = dict(rtol=1e-4, atol=1e-5) if dt == np.float32 else dict(rtol=1e-9, atol=1e-11)
    for t in range(5):
        tl = topt.step(tclosure)
        nl = nopt.step(nclosure)
        assert float(nl) == pytest.approx(float(tl), rel=tol["rtol"], abs=tol["atol"])
        for a, b in zip(npar, tp):
            np.testing.assert_allclose(_arr(a), _arr(b), err_msg=f"step {t}", **tol)
    ts = topt.state[tp[0]]
    ns = nopt.state[npar[0]]
    assert ns["func_evals"] == ts["func_evals"] and ns["n_iter"] == ts["n_iter"]
    assert len(ns["old_dirs"]) == len(ts["old_dirs"])


def test_lbfgs_state_dict_into_torch():
    tp, tclosure = _lbfgs_problem(torch)
    npar, nclosure = _lbfgs_problem(nt)
    nopt = nt.optim.LBFGS(npar, max_iter=4)
    nopt.step(nclosure)
    for p_t, p_n in zip(tp, npar):
        with torch.no_grad():
            p_t.copy_(torch.from_numpy(_arr(p_n).copy()))
    topt = torch.optim.LBFGS(tp, max_iter=4)
    topt.load_state_dict(_to_torch_obj(nopt.state_dict()))
    topt.step(tclosure)
    nopt.step(nclosure)
    for a, b in zip(npar, tp):
        np.testing.assert_allclose(_arr(a), _arr(b), rtol=1e-4, atol=1e-5)


def test_lbfgs_rejects_param_groups():
    a, b = nt.zeros(2, requires_grad=True), nt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        nt.optim.LBFGS([{"params": [a]}, {"params": [b]}])


# ----------------------------------------------------------------------------- SparseAdam
@pytest.mark.parametrize("kw", [{}, {"lr": 0.01}, {"lr": "tensor0.001"}, {"maximize": True}])
def test_sparse_adam_with_embedding(kw):
    rng = np.random.default_rng(4)
    w0 = rng.standard_normal((10, 3)).astype(np.float32)
    temb = torch.nn.Embedding(10, 3, sparse=True)
    nemb = nt.nn.Embedding(10, 3, sparse=True)
    with torch.no_grad():
        temb.weight.copy_(torch.from_numpy(w0))
    nemb.weight.data = nt.from_numpy(w0.copy())
    topt = torch.optim.SparseAdam(temb.parameters(), **_kw(torch, kw))
    nopt = nt.optim.SparseAdam(nemb.parameters(), **_kw(nt, kw))
    for t in range(20):
        idx = rng.integers(0, 10, size=(4, 3))  # repeated rows: coalesce must sum them
        tgt = rng.standard_normal((4, 3, 3)).astype(np.float32)
        for emb, lib, opt in ((temb, torch, topt), (nemb, nt, nopt)):
            opt.zero_grad()
            out = emb(lib.tensor(idx))
            loss = ((out - lib.tensor(tgt)) ** 2).sum()
            loss.backward()
            assert emb.weight.grad.is_sparse
            opt.step()
        np.testing.assert_allclose(_arr(nemb.weight), _arr(temb.weight), rtol=RTOL, atol=ATOL, err_msg=f"step {t}")
    # rows never looked up keep their initial values and zero moments, as in PyTorch
    for key in ("exp_avg", "exp_avg_sq"):
        assert_close(nopt.state[nemb.weight][key], topt.state[temb.weight][key], rtol=1e-4, atol=1e-7)
    assert nopt.state[nemb.weight]["step"] == topt.state[temb.weight]["step"]


def test_sparse_adam_rejects_dense_grad():
    p = nt.zeros(3, 2, requires_grad=True)
    p.grad = nt.ones(3, 2)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        nt.optim.SparseAdam([p]).step()


def test_adam_rejects_sparse_grad():
    emb = nt.nn.Embedding(5, 2, sparse=True)
    emb(nt.tensor([1, 2])).sum().backward()
    with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
        nt.optim.Adam(emb.parameters()).step()


@pytest.mark.parametrize("name,kw", [("SGD", {"lr": 0.1}), ("Adagrad", {"lr": 0.1})])
def test_sparse_grad_sgd_adagrad(name, kw):
    rng = np.random.default_rng(5)
    w0 = rng.standard_normal((6, 2)).astype(np.float32)
    temb, nemb = torch.nn.Embedding(6, 2, sparse=True), nt.nn.Embedding(6, 2, sparse=True)
    with torch.no_grad():
        temb.weight.copy_(torch.from_numpy(w0))
    nemb.weight.data = nt.from_numpy(w0.copy())
    topt = getattr(torch.optim, name)(temb.parameters(), **kw)
    nopt = getattr(nt.optim, name)(nemb.parameters(), **kw)
    for t in range(10):
        idx = rng.integers(0, 6, size=5)
        for emb, lib, opt in ((temb, torch, topt), (nemb, nt, nopt)):
            opt.zero_grad()
            (emb(lib.tensor(idx)) ** 2).sum().backward()
            opt.step()
        np.testing.assert_allclose(_arr(nemb.weight), _arr(temb.weight), rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------------------- Optimizer API
def _pair_sgd(**kw):
    w = np.array([[1.5941, 0.9487], [0.1566, 1.5587]], np.float32)
    tw = torch.tensor(w, requires_grad=True)
    nw = nt.tensor(w, requires_grad=True)
    return tw, nw, torch.optim.SGD([tw], **kw), nt.optim.SGD([nw], **kw)


def test_param_groups_and_repr_like_torch():
    tw, nw, topt, nopt = _pair_sgd(lr=0.1, momentum=0.9)
    assert repr(nopt) == repr(topt)
    assert list(nopt.param_groups[0]) == list(topt.param_groups[0])
    assert nopt.defaults == topt.defaults
    w2 = np.arange(9, dtype=np.float32).reshape(3, 3)
    topt.add_param_group({"params": torch.tensor(w2, requires_grad=True), "lr": 0.0001, "nesterov": True})
    nopt.add_param_group({"params": nt.tensor(w2, requires_grad=True), "lr": 0.0001, "nesterov": True})
    assert repr(nopt) == repr(topt)
    assert str(nopt.param_groups) == str(topt.param_groups)
    assert nopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]
    for name in ("Adam", "AdamW", "RAdam", "NAdam", "Adagrad", "ASGD", "Rprop", "RMSprop", "Adamax", "Adadelta",
                 "LBFGS", "SparseAdam"):
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        n = getattr(nt.optim, name)([nt.zeros(2, requires_grad=True)])
        assert repr(n) == repr(t), name
        assert n.state_dict()["param_groups"] == t.state_dict()["param_groups"], name


def test_seed_sgd_step_zero_grad_and_state_dict_numbering():
    tw, nw, topt, nopt = _pair_sgd(lr=0.1, momentum=0.9)
    for w, lib in ((tw, torch), (nw, nt)):
        w.grad = lib.ones((2, 2))
    topt.step()
    nopt.step()
    assert_close(nw.detach(), tw.detach())
    assert nopt.param_groups[0]["params"][0] is nw
    nopt.zero_grad()
    assert nw.grad is None
    w2 = np.full((3, 3), 0.25, np.float32)
    t2, n2 = torch.tensor(w2, requires_grad=True), nt.tensor(w2, requires_grad=True)
    topt.add_param_group({"params": t2, "lr": 0.0001, "nesterov": True})
    nopt.add_param_group({"params": n2, "lr": 0.0001, "nesterov": True})
    assert nopt.state_dict()["param_groups"][1]["params"] == [1]
    for _ in range(50):
        for w, lib in ((tw, torch), (nw, nt)):
            w.grad = lib.ones((2, 2))
        t2.grad, n2.grad = torch.full((3, 3), 0.5), nt.full((3, 3), 0.5)
        topt.step()
        nopt.step()
    assert_close(nw.detach(), tw.detach())
    assert_close(n2.detach(), t2.detach())
    nsd, tsd = nopt.state_dict(), topt.state_dict()
    assert sorted(nsd["state"]) == sorted(tsd["state"]) == [0, 1]
    assert_close(nsd["state"][0]["momentum_buffer"], tsd["state"][0]["momentum_buffer"])


def test_zero_grad_set_to_none_false():
    p = nt.ones(3, requires_grad=True)
    p.grad = nt.full((3,), 2.0)
    g = p.grad
    nt.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is g and p.grad.tolist() == [0.0, 0.0, 0.0]


def test_step_closure_returns_loss_and_hooks():
    p = nt.ones(3, requires_grad=True)
    opt = nt.optim.Adam([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == 3.0
    assert calls == [("pre", True), ("post", True)]
    h1.remove()
    h2.remove()
    opt.step(closure)
    assert len(calls) == 2
    from numtorch.optim.optimizer import register_optimizer_step_pre_hook  # where torch has it too
    g = register_optimizer_step_pre_hook(lambda o, a, k: calls.append("global"))
    opt.step(closure)
    g.remove()
    assert calls[-1] == "global"


def test_load_state_dict_validation_and_casting():
    a = nt.zeros(2, requires_grad=True)
    b = nt.zeros(3, requires_grad=True)
    opt = nt.optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = nt.ones(2), nt.ones(3)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        nt.optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        nt.optim.Adam([a]).load_state_dict(sd)
    # state tensors are cast to the parameter's dtype; step stays a float32 0-d tensor
    a64 = nt.zeros(2, dtype=nt.float64, requires_grad=True)
    b64 = nt.zeros(3, dtype=nt.float64, requires_grad=True)
    opt64 = nt.optim.Adam([a64, b64])
    opt64.load_state_dict(sd)
    assert opt64.state[a64]["exp_avg"].dtype == nt.float64
    assert opt64.state[a64]["step"].dtype == nt.float32 and opt64.state[a64]["step"].dim() == 0
    assert opt64.param_groups[0]["lr"] == 0.1


def test_step_state_is_float32_scalar_tensor_like_torch():
    for name in ("Adam", "AdamW", "RMSprop", "NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop", "Adagrad"):
        tp, npar = torch.ones(2, requires_grad=True), nt.ones(2, requires_grad=True)
        topt, nopt = getattr(torch.optim, name)([tp]), getattr(nt.optim, name)([npar])
        tp.grad, npar.grad = torch.ones(2), nt.ones(2)
        topt.step()
        nopt.step()
        ts, ns = topt.state_dict()["state"][0], nopt.state_dict()["state"][0]
        assert list(ns) == list(ts), name
        for k in ts:
            if isinstance(ts[k], torch.Tensor):
                assert str(ns[k].dtype).split(".")[-1] == str(ts[k].dtype).split(".")[-1], (name, k)
                assert tuple(ns[k].shape) == tuple(ts[k].shape), (name, k)
        assert repr(ns["step"]) == repr(ts["step"])


@pytest.mark.parametrize("bad", ["tensor", "set", "empty", "dup", "dup_groups", "nonleaf", "notensor"])
def test_bad_params_raise_like_torch(bad):
    def make(lib):
        x = lib.ones(2, requires_grad=True)
        return {"tensor": x, "set": [{"params": {x}}], "empty": [], "dup": None,
                "dup_groups": [{"params": [x]}, {"params": [x]}], "nonleaf": [x * 2], "notensor": [1.0]}[bad], x
    for_types = []
    for lib in (torch, nt):
        params, x = make(lib)
        if bad == "dup":
            opt = lib.optim.SGD([x], lr=0.1)
            try:
                opt.add_param_group({"params": [x]})
            except Exception as e:  # noqa: BLE001
                for_types.append((type(e), str(e)))
            continue
        try:
            lib.optim.SGD(params, lr=0.1)
        except Exception as e:  # noqa: BLE001
            for_types.append((type(e), re.sub(r"torch\.\w+Tensor|\w*Tensor", "T", str(e))))
    assert len(for_types) == 2
    assert for_types[0] == for_types[1]


HYPER_ERRORS = [("SGD", {"lr": -0.1}), ("SGD", {"momentum": -0.5}), ("SGD", {"weight_decay": -1}),
                ("SGD", {"nesterov": True}), ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
                ("Adam", {"lr": -1.0}), ("Adam", {"betas": (1.0, 0.999)}), ("Adam", {"betas": (0.9, -0.1)}),
                ("Adam", {"eps": -1e-8}), ("Adam", {"weight_decay": -0.1}), ("AdamW", {"betas": (0.9, 1.5)}),
                ("Adadelta", {"rho": 1.5}), ("Adagrad", {"lr_decay": -1}),
                ("Adagrad", {"initial_accumulator_value": -1}), ("Adamax", {"betas": (0.9, 1.0)}),
                ("RAdam", {"eps": -1}), ("NAdam", {"momentum_decay": -1}), ("RMSprop", {"alpha": -1}),
                ("RMSprop", {"momentum": -1}), ("Rprop", {"etas": (1.5, 1.2)}), ("ASGD", {"weight_decay": -1}),
                ("LBFGS", {"lr": -1}), ("SparseAdam", {"lr": 0.0}), ("SparseAdam", {"eps": 0.0})]


@pytest.mark.parametrize("name,kw", HYPER_ERRORS, ids=[f"{n}-{list(k)[0]}" for n, k in HYPER_ERRORS])
def test_bad_hyperparameters_raise_torch_message(name, kw):
    with pytest.raises(ValueError) as te:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kw)
    with pytest.raises(ValueError) as ne:
        getattr(nt.optim, name)([nt.zeros(2, requires_grad=True)], **kw)
    assert str(ne.value) == str(te.value)


def test_model_training_loop_with_autograd_matches_torch():
    """A small MLP trained with Adam + a scheduler on both sides: the whole loop (autograd + optimizer)."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((32, 4)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    W1 = (rng.standard_normal((8, 4)) * 0.5).astype(np.float32)
    W2 = (rng.standard_normal((1, 8)) * 0.5).astype(np.float32)
    res = {}
    for lib in (torch, nt):
        m = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
        with lib.no_grad():
            m[0].weight.copy_(lib.tensor(W1))
            m[0].bias.zero_()
            m[2].weight.copy_(lib.tensor(W2))
            m[2].bias.zero_()
        opt = lib.optim.Adam(m.parameters(), lr=0.05)
        sched = lib.optim.lr_scheduler.StepLR(opt, 5, 0.5)
        for _ in range(15):
            opt.zero_grad()
            loss = lib.nn.functional.mse_loss(m(lib.tensor(X)), lib.tensor(y))
            loss.backward()
            opt.step()
            sched.step()
        res[lib.__name__] = [p.detach().numpy().copy() for p in m.parameters()]
    for a, b in zip(res["numtorch"], res["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_lbfgs_with_autograd_closure_float64_model():
    """The usual L-BFGS loop (closure: zero_grad, forward, backward) on a float64 model."""
    rng = np.random.default_rng(0)
    X, y, W = rng.standard_normal((20, 3)), rng.standard_normal((20, 1)), rng.standard_normal((1, 3))
    res = {}
    for lib in (torch, nt):
        m = lib.nn.Linear(3, 1).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(W))
            m.bias.zero_()
        opt = lib.optim.LBFGS(m.parameters(), line_search_fn="strong_wolfe", max_iter=10)
        Xt, yt = lib.tensor(X), lib.tensor(y)

        def closure():
            opt.zero_grad()
            loss = ((lib.tanh(m(Xt)) - yt) ** 2).mean()
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(3)]
        res[lib.__name__] = (losses, [p.detach().numpy().copy() for p in m.parameters()])
    assert res["numtorch"][0] == pytest.approx(res["torch"][0], rel=1e-10)
    for a, b in zip(res["numtorch"][1], res["torch"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-9)


@pytest.mark.parametrize("name,kw", [("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
                                     ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
                                     ("RMSprop", {"centered": True, "momentum": 0.3}), ("NAdam", {}),
                                     ("RAdam", {"lr": 0.05}), ("Adagrad", {}), ("Adadelta", {}), ("ASGD", {}),
                                     ("Adamax", {}), ("Rprop", {})])
def test_float64_parameters(name, kw):
    """float64 parameters keep float64 state and follow torch to ~1e-12."""
    rng = np.random.default_rng(9)
    w0 = rng.standard_normal((3, 4))
    tp, npar = torch.tensor(w0, requires_grad=True), nt.tensor(w0, requires_grad=True)
    topt, nopt = getattr(torch.optim, name)([tp], **kw), getattr(nt.optim, name)([npar], **kw)
    for t in range(15):
        g = rng.standard_normal((3, 4))
        tp.grad, npar.grad = torch.tensor(g + w0), nt.tensor(g + w0)
        topt.step()
        nopt.step()
        np.testing.assert_allclose(_arr(npar), _arr(tp), rtol=1e-11, atol=1e-12)
    for k, v in topt.state[tp].items():
        if isinstance(v, torch.Tensor) and v.dim() > 0:
            assert nopt.state[npar][k].dtype == nt.float64


@pytest.mark.parametrize("name,kw", [("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
                                     ("SGD", {"lr": 0.1}), ("Adam", {"lr": 0.01, "amsgrad": True}),
                                     ("AdamW", {"lr": 0.01})])
def test_large_and_small_tensors_mixed(name, kw):
    """Large tensors are updated in place one by one, small ones batched together; both match torch,
    including parameters whose step counts differ (one gets no gradient at first)."""
    rng = np.random.default_rng(11)
    shapes = [(100, 100), (100,), (7,), (3, 3), (90, 101), (5,)]
    init = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    npar = [nt.tensor(a, requires_grad=True) for a in init]
    topt, nopt = getattr(torch.optim, name)(tp, **kw), getattr(nt.optim, name)(npar, **kw)
    for t in range(8):
        for i, (a, b) in enumerate(zip(tp, npar)):
            if i == 2 and t < 3:
                a.grad = b.grad = None
                continue
            g = rng.standard_normal(shapes[i]).astype(np.float32)
            a.grad, b.grad = torch.tensor(g), nt.tensor(g)
        topt.step()
        nopt.step()
        for a, b in zip(npar, tp):
            np.testing.assert_allclose(_arr(a), _arr(b), rtol=RTOL, atol=ATOL)
