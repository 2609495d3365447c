"""numtorch.optim.lr_scheduler against torch.optim.lr_scheduler: learning-rate (and momentum) sequences
over 100 epochs, state_dict round trips, chaining, warnings and errors."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

EPOCHS = 100


def _opt(lib, name="SGD", lrs=(0.1, 0.02)):
    groups = [{"params": [lib.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    if name == "SGD":
        return lib.optim.SGD(groups, lr=lrs[0], momentum=0.9)
    return getattr(lib.optim, name)(groups, lr=lrs[0])


def _scaled(epoch):
    return 0.95 ** epoch


class _Lambda:
    """A callable object (its __dict__ is saved in the state dict)."""

    def __init__(self, k):
        self.k = k

    def __call__(self, epoch):
        return 1.0 / (1 + self.k * epoch)


SCHEDULERS = {
    "StepLR": lambda L, o: L.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[10, 30, 30, 60], gamma=0.3),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.97),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=20),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.4, total_iters=12),
    "LambdaLR": lambda L, o: L.LambdaLR(o, lr_lambda=[_scaled, _Lambda(0.1)]),
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=17, eta_min=0.001),
    "CosineAnnealingLR-restart": lambda L, o: L.CosineAnnealingLR(o, T_max=10),
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=1e-4),
    "CosineAnnealingWarmRestarts-1": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=9),
    "CyclicLR-triangular": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.05], step_size_up=6),
    "CyclicLR-triangular2": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=5, step_size_down=9,
                                                      mode="triangular2"),
    "CyclicLR-exp_range": lambda L, o: L.CyclicLR(o, 0.01, 0.1, step_size_up=8, mode="exp_range", gamma=0.98),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=EPOCHS + 1),
    "OneCycleLR-linear-3phase": lambda L, o: L.OneCycleLR(o, max_lr=0.3, epochs=10, steps_per_epoch=11,
                                                          anneal_strategy="linear", three_phase=True),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=40, power=2.0),
    "SequentialLR": lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=10), L.ExponentialLR(o, gamma=0.95),
            L.CosineAnnealingLR(o, T_max=20)], milestones=[10, 50]),
    "ChainedScheduler": lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=5), L.ExponentialLR(o, gamma=0.98), L.StepLR(o, 30, 0.5)]),
}


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _momenta(opt):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]


def _sequence(lib, key, opt_name="SGD"):
    opt = _opt(lib, opt_name)
    sched = SCHEDULERS[key](lib.optim.lr_scheduler, opt)
    seq = [(list(sched.get_last_lr()), _lrs(opt), _momenta(opt))]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        seq.append((list(sched.get_last_lr()), _lrs(opt), _momenta(opt)))
    return seq, sched, opt


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_lr_sequence_matches_torch(key):
    tseq, _, _ = _sequence(torch, key)
    nseq, _, _ = _sequence(nt, key)
    for e, (n, t) in enumerate(zip(nseq, tseq)):
        assert n[0] == pytest.approx(t[0], rel=1e-12, abs=1e-15), (key, e)
        assert n[1] == pytest.approx(t[1], rel=1e-12, abs=1e-15), (key, e)
        assert n[2] == pytest.approx(t[2], rel=1e-12), (key, e)


@pytest.mark.parametrize("key", ["CyclicLR-triangular", "OneCycleLR"])
def test_cycle_beta1_with_adam(key):
    tseq, _, _ = _sequence(torch, key, "Adam")
    nseq, _, nopt = _sequence(nt, key, "Adam")
    for i in (1, 2):  # group lrs, group beta1s
        assert [x for s in nseq for x in s[i]] == pytest.approx([x for s in tseq for x in s[i]], rel=1e-12)
    assert all(isinstance(g["betas"], tuple) and g["betas"][1] == 0.999 for g in nopt.param_groups)


@pytest.mark.parametrize("key", ["StepLR", "MultiStepLR", "ExponentialLR", "LinearLR", "ConstantLR",
                                 "CosineAnnealingLR", "PolynomialLR", "LambdaLR", "CosineAnnealingWarmRestarts"])
def test_explicit_epoch_closed_form(key):
    res = {}
    for lib in (torch, nt):
        opt = _opt(lib)
        sched = SCHEDULERS[key](lib.optim.lr_scheduler, opt)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 8, 15, 40, 41, 2):
                opt.step()
                sched.step(epoch)
                out.append(list(sched.get_last_lr()))
        res[lib.__name__] = out
    flat = {k: [x for row in v for x in row] for k, v in res.items()}
    assert flat["numtorch"] == pytest.approx(flat["torch"], rel=1e-12)


def test_reduce_lr_on_plateau_matches_torch():
    rng = np.random.default_rng(0)
    metrics = np.concatenate([np.linspace(1.0, 0.5, 20), 0.5 + 0.01 * rng.random(40), np.linspace(0.5, 0.2, 40)])
    for kw in ({}, {"mode": "max", "factor": 0.5, "patience": 3, "cooldown": 2},
               {"threshold_mode": "abs", "threshold": 0.01, "patience": 2, "min_lr": [0.05, 0.001]},
               {"mode": "min", "factor": 0.2, "patience": 0, "eps": 1e-3}):
        seqs = {}
        for lib in (torch, nt):
            opt = _opt(lib)
            sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
            seq = []
            for m in metrics:
                opt.step()
                sched.step(float(m))
                seq.append((list(sched.get_last_lr()), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
            seqs[lib.__name__] = seq
        assert seqs["numtorch"] == seqs["torch"], kw


@pytest.mark.parametrize("key", ["StepLR", "CosineAnnealingLR", "LambdaLR", "CyclicLR-triangular2", "OneCycleLR",
                                 "SequentialLR", "ChainedScheduler", "CosineAnnealingWarmRestarts"])
def test_scheduler_state_dict_resume(key):
    _, full, fopt = _sequence(nt, key)
    opt = _opt(nt)
    sched = SCHEDULERS[key](nt.optim.lr_scheduler, opt)
    for _ in range(40):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    osd = opt.state_dict()
    assert "optimizer" not in sd
    opt2 = _opt(nt)
    sched2 = SCHEDULERS[key](nt.optim.lr_scheduler, opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(sd)
    for _ in range(EPOCHS - 40):
        opt2.step()
        sched2.step()
    assert sched2.get_last_lr() == pytest.approx(full.get_last_lr(), rel=1e-12)
    assert _lrs(opt2) == pytest.approx(_lrs(fopt), rel=1e-12)


def test_state_dict_keys_like_torch():
    for key in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR-exp_range"):
        t = SCHEDULERS[key](torch.optim.lr_scheduler, _opt(torch)).state_dict()
        n = SCHEDULERS[key](nt.optim.lr_scheduler, _opt(nt)).state_dict()
        assert sorted(n) == sorted(t), key


def test_warning_scheduler_step_before_optimizer_step():
    for lib in (torch, nt):
        opt = _opt(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
            sched.step()
    # the right order does not warn
    opt = _opt(nt)
    sched = nt.optim.lr_scheduler.StepLR(opt, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_warning_get_lr_outside_step():
    opt = _opt(nt)
    sched = nt.optim.lr_scheduler.StepLR(opt, 3)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_initial_lr_and_resume_errors():
    opt = _opt(nt)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        nt.optim.lr_scheduler.StepLR(opt, 3, last_epoch=5)
    nt.optim.lr_scheduler.StepLR(opt, 3)
    assert opt.param_groups[0]["initial_lr"] == 0.1
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        nt.optim.lr_scheduler.StepLR([], 3)


ERRORS = [
    ("ConstantLR", dict(factor=1.5)), ("LinearLR", dict(start_factor=0)), ("LinearLR", dict(end_factor=2)),
    ("CosineAnnealingWarmRestarts", dict(T_0=0)), ("CosineAnnealingWarmRestarts", dict(T_0=5, T_mult=0)),
    ("ReduceLROnPlateau", dict(factor=1.0)), ("ReduceLROnPlateau", dict(mode="median")),
    ("ReduceLROnPlateau", dict(threshold_mode="x")), ("OneCycleLR", dict(max_lr=0.1)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=2.0)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, anneal_strategy="x")),
    ("CyclicLR", dict(base_lr=0.1, max_lr=1.0, mode="x")), ("LambdaLR", dict(lr_lambda=[_scaled])),
]


@pytest.mark.parametrize("name,kw", ERRORS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ERRORS)])
def test_errors_like_torch(name, kw):
    with pytest.raises(ValueError) as te:
        getattr(torch.optim.lr_scheduler, name)(_opt(torch), **kw)
    with pytest.raises(ValueError) as ne:
        getattr(nt.optim.lr_scheduler, name)(_opt(nt), **kw)
    assert str(ne.value) == str(te.value)


def test_onecycle_overstep_raises():
    opt = _opt(nt)
    sched = nt.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        opt.step()
        sched.step()


def test_submodule_import():
    from numtorch.optim.lr_scheduler import StepLR, LRScheduler  # noqa: F401
    import numtorch.optim.lr_scheduler as L
    assert issubclass(L.StepLR, L.LRScheduler) and nt.optim.lr_scheduler is L
