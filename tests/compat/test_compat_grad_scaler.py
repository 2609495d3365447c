"""GradScaler against torch: scale/skip/backoff/growth trajectories with injected infs and NaNs, per-optimizer
state, unscale_ + clipping, state_dict round trips, disabled pass-through, and the CPU-only "cuda" behaviour."""
import pickle
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close

RNG = np.random.default_rng(0)
W1, B1, W2 = RNG.standard_normal((5, 4)).astype(np.float32), RNG.standard_normal(5).astype(np.float32), \
    RNG.standard_normal((2, 5)).astype(np.float32)
XS = RNG.standard_normal((8, 3, 4)).astype(np.float32)
YS = RNG.standard_normal((8, 3, 2)).astype(np.float32)


def _model(m):
    net = m.nn.Sequential(m.nn.Linear(4, 5), m.nn.Tanh(), m.nn.Linear(5, 2, bias=False))
    with m.no_grad():
        net[0].weight.copy_(m.tensor(W1))
        net[0].bias.copy_(m.tensor(B1))
        net[2].weight.copy_(m.tensor(W2))
    return net


def _trajectory(m, inject, scaler_kw, clip=False, two_opts=False, steps=8):
    net = _model(m)
    if two_opts:
        opts = [m.optim.SGD(net[0].parameters(), lr=0.1), m.optim.Adam(net[2].parameters(), lr=0.01)]
    else:
        opts = [m.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)]
    scaler = m.amp.GradScaler("cpu", **scaler_kw)
    log = []
    for i in range(steps):
        for o in opts:
            o.zero_grad()
        loss = m.nn.functional.mse_loss(net(m.tensor(XS[i])), m.tensor(YS[i]))
        scaled = scaler.scale(loss)
        scaled.backward()
        if i in inject:
            with m.no_grad():
                net[inject[i][0]].weight.grad[0, 0] = inject[i][1]
        if clip:
            for o in opts:
                scaler.unscale_(o)
            m.nn.utils.clip_grad_norm_(net.parameters(), 0.5)
        rets = [scaler.step(o) for o in opts]
        scaler.update()
        log.append((float(scaled.item()), scaler.get_scale(), scaler._get_growth_tracker(), rets,
                    scaler.state_dict()))
    return log, [p.detach().clone() for p in net.parameters()]


CASES = {
    "clean, growth every 2": ({}, {"init_scale": 2.0 ** 10, "growth_interval": 2}),
    "inf then growth": ({1: (0, float("inf")), 4: (2, float("nan"))}, {"init_scale": 2.0 ** 8, "growth_interval": 2}),
    "-inf, custom factors": ({0: (2, -float("inf")), 2: (0, float("inf")), 3: (0, float("inf"))},
                             {"init_scale": 1024.0, "growth_factor": 4.0, "backoff_factor": 0.25,
                              "growth_interval": 3}),
    "default scale": ({5: (0, float("nan"))}, {}),
    "growth to overflow kept finite": ({}, {"init_scale": 2.0 ** 126, "growth_factor": 2.0 ** 10,
                                            "growth_interval": 1}),
}


@pytest.mark.parametrize("clip", [False, True])
@pytest.mark.parametrize("two_opts", [False, True])
@pytest.mark.parametrize("case", list(CASES))
def test_trajectory_matches_torch(case, two_opts, clip):
    inject, kw = CASES[case]
    got_log, got_p = _trajectory(nt, inject, kw, clip=clip, two_opts=two_opts)
    want_log, want_p = _trajectory(torch, inject, kw, clip=clip, two_opts=two_opts)
    for i, (g, w) in enumerate(zip(got_log, want_log)):
        assert g[1:3] == w[1:3], (i, g[1:3], w[1:3])           # scale and growth tracker, exactly
        assert g[4] == w[4], (i, g[4], w[4])                   # state_dict, exactly
        assert [r is None for r in g[3]] == [r is None for r in w[3]]
        np.testing.assert_allclose(g[0], w[0], rtol=1e-5)      # the scaled loss
    for g, w in zip(got_p, want_p):
        assert_close(g, w, rtol=1e-4, atol=1e-5)               # skipped steps left the weights alone


def test_step_skipped_exactly_when_nonfinite():
    net = _model(nt)
    opt = nt.optim.SGD(net.parameters(), lr=0.1)
    scaler = nt.amp.GradScaler("cpu", init_scale=4.0)
    before = [p.detach().clone() for p in net.parameters()]
    scaler.scale(net(nt.tensor(XS[0])).sum()).backward()
    net[0].weight.grad[1, 1] = float("nan")
    assert scaler.step(opt) is None
    scaler.update()
    assert all(nt.equal(a, b) for a, b in zip(before, net.parameters()))
    assert scaler.get_scale() == 2.0


def test_unscaled_gradients_equal_torch():
    grads = []
    for m in (nt, torch):
        net = _model(m)
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        s = m.amp.GradScaler("cpu", init_scale=3.0)  # 1/3 is rounded to float32 as torch does
        s.scale(m.nn.functional.mse_loss(net(m.tensor(XS[0])), m.tensor(YS[0]))).backward()
        s.unscale_(opt)
        grads.append([p.grad.clone() for p in net.parameters()])
    for g, w in zip(*grads):
        assert_close(g, w, rtol=1e-6, atol=1e-7)


def _outcome(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = ("ok", fn())
        except Exception as e:  # noqa: BLE001
            r = ("raise", type(e).__name__, str(e))
    return r, [(x.category.__name__, str(x.message)) for x in w]


def _misuse(m, what):
    net = _model(m)
    opt = m.optim.SGD(net.parameters(), lr=0.1)
    s = m.amp.GradScaler("cpu")
    if what == "update before scale":
        return s.update()
    if what == "unscale before scale":
        return s.unscale_(opt)
    s.scale(net(m.tensor(XS[0])).sum()).backward()
    if what == "unscale twice":
        s.unscale_(opt)
        return s.unscale_(opt)
    if what == "unscale after step":
        s.step(opt)
        return s.unscale_(opt)
    if what == "step twice":
        s.step(opt)
        return s.step(opt)
    if what == "closure":
        return s.step(opt, closure=lambda: 0)
    if what == "scale a float":
        return s.scale(1.0)
    if what == "fp16 grads":
        p = m.nn.Parameter(m.ones(2, dtype=m.float16))
        p.grad = m.ones(2, dtype=m.float16)
        return s.unscale_(m.optim.SGD([p], lr=0.1))
    if what == "growth factor":
        return m.amp.GradScaler("cpu", growth_factor=0.5)
    if what == "backoff factor":
        return m.amp.GradScaler("cpu", backoff_factor=2.0)
    if what == "load empty":
        return s.load_state_dict({})
    if what == "update new_scale":
        s.step(opt)
        s.update(123.0)
        return s.get_scale(), s._get_growth_tracker()
    if what == "update new_scale tensor":
        s.step(opt)
        s.update(m.tensor(7.0))
        return s.get_scale()
    raise AssertionError(what)


@pytest.mark.parametrize("what", ["update before scale", "unscale before scale", "unscale twice",
                                  "unscale after step", "step twice", "closure", "scale a float", "fp16 grads",
                                  "growth factor", "backoff factor", "load empty", "update new_scale",
                                  "update new_scale tensor"])
def test_misuse_as_torch(what):
    g, e = _outcome(lambda: _misuse(nt, what)), _outcome(lambda: _misuse(torch, what))
    if g[0][0] == "ok" and e[0][0] == "ok" and not isinstance(e[0][1], (float, tuple)):
        g, e = ((g[0][0],), g[1]), ((e[0][0],), e[1])
    assert g == e


def test_scale_nested_outputs():
    for m in (nt, torch):
        s = m.amp.GradScaler("cpu", init_scale=8.0)
        a, b = m.ones(2), m.full((1,), 2.0)
        out = s.scale([a, (b, a)])
        assert isinstance(out, list) and isinstance(out[1], tuple)
        assert out[0].tolist() == [8.0, 8.0] and out[1][0].tolist() == [16.0]


def test_state_dict_round_trip_and_pickle():
    for m in (nt, torch):
        s = m.amp.GradScaler("cpu", init_scale=64.0, growth_interval=3)
        net = _model(m)
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        for i in range(2):
            opt.zero_grad()
            s.scale(net(m.tensor(XS[i])).sum()).backward()
            s.step(opt)
            s.update()
        sd = s.state_dict()
        s2 = m.amp.GradScaler("cpu")
        s2.load_state_dict(sd)
        assert s2.state_dict() == sd
        s3 = pickle.loads(pickle.dumps(s))
        assert s3.state_dict() == sd
        if m is nt:
            got = (sd, s3.get_scale())
    assert got == (sd, s3.get_scale())
    for m in (nt, torch):
        off = m.amp.GradScaler("cpu", enabled=False)
        off.load_state_dict({})  # disabled: ignored
        assert off.state_dict() == {} and off.get_scale() == 1.0 and off._get_growth_tracker() == 0


def test_disabled_passes_through():
    res = []
    for m in (nt, torch):
        net = _model(m)
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        s = m.amp.GradScaler("cpu", enabled=False)
        loss = net(m.tensor(XS[0])).sum()
        assert s.scale(loss) is loss
        loss.backward()
        s.unscale_(opt)
        s.step(opt)
        s.update()
        res.append((s.is_enabled(), s.get_scale(), [p.detach().clone() for p in net.parameters()]))
    assert res[0][:2] == res[1][:2]
    for g, w in zip(res[0][2], res[1][2]):
        assert_close(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("expr", ['m.amp.GradScaler("cuda")', "m.amp.GradScaler()",
                                  'm.amp.GradScaler("cuda", enabled=False)', "m.cuda.amp.GradScaler()",
                                  "m.cuda.amp.GradScaler(enabled=False)", "m.cpu.amp.GradScaler()",
                                  "m.cpu.amp.GradScaler(init_scale=4.0)"])
def test_cuda_scaler_on_cpu_only_build(expr):
    def make(m):
        s = eval(expr, {"m": m})
        return s.is_enabled(), s.get_scale(), s.state_dict()
    assert _outcome(lambda: make(nt)) == _outcome(lambda: make(torch))


def test_getters_setters():
    for m in (nt, torch):
        s = m.amp.GradScaler("cpu", growth_factor=3.0, backoff_factor=0.25, growth_interval=7)
        vals = (s.get_growth_factor(), s.get_backoff_factor(), s.get_growth_interval())
        s.set_growth_factor(5.0)
        s.set_backoff_factor(0.1)
        s.set_growth_interval(2)
        vals += (s.get_growth_factor(), s.get_backoff_factor(), s.get_growth_interval(), s.get_scale())
        if m is nt:
            got = vals
    assert got == vals
