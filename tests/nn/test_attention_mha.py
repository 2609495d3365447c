"""nn.MultiheadAttention / F.multi_head_attention_forward against PyTorch: parameter names, state_dict keys
and shapes, loading in both directions, initialisation, outputs and gradients under every mask form."""
import math
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close

TOL = dict(rtol=1e-5, atol=2e-6)


def _sd_to_nt(sd):
    return {k: nt.tensor(v.detach().numpy().copy()) for k, v in sd.items()}


CONFIGS = [dict(), dict(batch_first=True), dict(add_bias_kv=True), dict(add_zero_attn=True),
           dict(add_bias_kv=True, add_zero_attn=True), dict(kdim=5, vdim=6), dict(bias=False),
           dict(kdim=5, vdim=6, batch_first=True, add_bias_kv=True)]


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_parameters_and_state_dict_match_torch(cfg):
    tm, nm = torch.nn.MultiheadAttention(8, 2, **cfg), nt.nn.MultiheadAttention(8, 2, **cfg)
    assert [n for n, _ in tm.named_parameters()] == [n for n, _ in nm.named_parameters()]
    ts, ns = tm.state_dict(), nm.state_dict()
    assert list(ts) == list(ns)
    for k in ts:
        assert tuple(ts[k].shape) == tuple(ns[k].shape)
    assert type(nm.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert repr(nm) == repr(tm)
    for name in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "bias_k",
                 "bias_v"):
        assert (getattr(tm, name) is None) == (getattr(nm, name) is None), name


def test_initialisation_as_torch():
    nt.manual_seed(0)
    m = nt.nn.MultiheadAttention(64, 4, add_bias_kv=True)
    w = m.in_proj_weight.detach().numpy()
    bound = math.sqrt(6.0 / (64 + 3 * 64))           # xavier_uniform_ on (3E, E)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert (m.in_proj_bias.detach().numpy() == 0).all() and (m.out_proj.bias.detach().numpy() == 0).all()
    ob = 1 / math.sqrt(64)                             # out_proj keeps Linear's kaiming_uniform_(a=sqrt 5)
    assert np.abs(m.out_proj.weight.detach().numpy()).max() <= ob
    std = math.sqrt(2.0 / (1 * 64 + 1 * 64))           # xavier_normal_ on (1, 1, E): fan_in = fan_out = E
    bk = m.bias_k.detach().numpy()
    assert 0.5 * std < bk.std() < 1.6 * std
    m2 = nt.nn.MultiheadAttention(8, 2, kdim=3, vdim=5)
    for n, fi in (("q_proj_weight", 8), ("k_proj_weight", 3), ("v_proj_weight", 5)):
        assert np.abs(getattr(m2, n).detach().numpy()).max() <= math.sqrt(6.0 / (fi + 8))


def test_load_torch_saved_and_reverse(tmp_path):
    tm = torch.nn.MultiheadAttention(8, 2, add_bias_kv=True, kdim=5, vdim=6)
    p = str(tmp_path / "mha.pt")
    torch.save(tm.state_dict(), p)
    nm = nt.nn.MultiheadAttention(8, 2, add_bias_kv=True, kdim=5, vdim=6)
    nm.load_state_dict(nt.load(p))
    for k, v in tm.state_dict().items():
        assert_close(nm.state_dict()[k], v)
    nm2 = nt.nn.MultiheadAttention(8, 2)
    p2 = str(tmp_path / "mha_nt.pt")
    nt.save(nm2.state_dict(), p2)
    tm2 = torch.nn.MultiheadAttention(8, 2)
    tm2.load_state_dict(torch.load(p2))
    for k, v in tm2.state_dict().items():
        assert_close(nm2.state_dict()[k], v)


def _pair(cfg):
    tm = torch.nn.MultiheadAttention(8, 2, **cfg)
    nm = nt.nn.MultiheadAttention(8, 2, **cfg)
    nm.load_state_dict(_sd_to_nt(tm.state_dict()))
    return tm, nm


def _compare(tm, nm, q, k, v, same=None, **kw):
    """Forward + backward of both; ``same`` = 'qkv' or 'kv' passes the same tensor object(s)."""
    res = []
    for lib, mk, m in ((torch, torch.tensor, tm), (nt, nt.tensor, nm)):
        tq = mk(q.copy()).requires_grad_(True)
        tk = tq if same == "qkv" else mk(k.copy()).requires_grad_(True)
        tv = tk if same in ("qkv", "kv") else mk(v.copy()).requires_grad_(True)
        kws = {a: (mk(b.copy()) if isinstance(b, np.ndarray) else b) for a, b in kw.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out, w = m(tq, tk, tv, **kws)
        g = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(np.float32)
        loss = (out * mk(g)).sum() + (0 if w is None else (w * mk(np.ones(tuple(w.shape), np.float32))).sum())
        loss.backward()
        res.append((out, w, [tq.grad] + ([tk.grad] if tk is not tq else []) + ([tv.grad] if tv is not tk else []),
                    [p.grad for p in m.parameters()]))
    (ot, wt, gt, pt), (on, wn, gn, pn) = res
    assert_close(on, ot, **TOL)
    if wt is None:
        assert wn is None
    else:
        assert_close(wn, wt, **TOL)
    for a, b in zip(gn + pn, gt + pt):
        assert_close(a, b, **TOL)


def _inputs(r, cfg, L=4, S=5, N=3, E=8, unbatched=False):
    kd, vd = cfg.get("kdim", E), cfg.get("vdim", E)
    if unbatched:
        return (r.standard_normal((L, E)).astype(np.float32), r.standard_normal((S, kd)).astype(np.float32),
                r.standard_normal((S, vd)).astype(np.float32))
    bf = cfg.get("batch_first", False)
    sh = (lambda n, l, e: (n, l, e)) if bf else (lambda n, l, e: (l, n, e))
    return (r.standard_normal(sh(N, L, E)).astype(np.float32), r.standard_normal(sh(N, S, kd)).astype(np.float32),
            r.standard_normal(sh(N, S, vd)).astype(np.float32))


MASKS = ["none", "kpm_bool", "kpm_float", "attn2d_bool", "attn2d_float", "attn3d_float", "attn3d_bool", "both",
         "causal_hint"]


@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_forward_backward_match_torch(cfg, mask, need_weights, average):
    r = np.random.default_rng(abs(hash((str(cfg), mask))) % 10000)
    L, S, N, H = 4, 5, 3, 2
    q, k, v = _inputs(r, cfg, L, S, N)
    kw = dict(need_weights=need_weights, average_attn_weights=average)
    if mask in ("kpm_bool", "both"):
        kpm = r.random((N, S)) < 0.35
        kpm[:, 0] = False
        kw["key_padding_mask"] = kpm
    if mask == "kpm_float":
        kw["key_padding_mask"] = np.where(r.random((N, S)) < 0.3, -1e4, 0.0).astype(np.float32)
    if mask in ("attn2d_bool", "both"):
        am = r.random((L, S)) < 0.3
        am[:, 0] = False
        kw["attn_mask"] = am
    if mask == "attn2d_float":
        kw["attn_mask"] = r.standard_normal((L, S)).astype(np.float32)
    if mask == "attn3d_float":
        kw["attn_mask"] = r.standard_normal((N * H, L, S)).astype(np.float32)
    if mask == "attn3d_bool":
        am = r.random((N * H, L, S)) < 0.3
        am[..., 0] = False
        kw["attn_mask"] = am
    if mask == "causal_hint":
        S = L
        q, k, v = _inputs(r, cfg, L, S, N)
        kw["attn_mask"] = np.triu(np.ones((L, S), bool), 1)
        kw["is_causal"] = True
    tm, nm = _pair(cfg)
    _compare(tm, nm, q, k, v, **kw)


@pytest.mark.parametrize("same", ["qkv", "kv"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_self_attention_identity_paths(same, batch_first):
    r = np.random.default_rng(3)
    cfg = dict(batch_first=batch_first)
    q, k, v = _inputs(r, cfg, 5, 5 if same == "qkv" else 6, 2)
    tm, nm = _pair(cfg)
    kpm = r.random((2, k.shape[1 if batch_first else 0])) < 0.3
    kpm[:, 0] = False
    _compare(tm, nm, q, k, v, same=same, key_padding_mask=kpm)


@pytest.mark.parametrize("need_weights", [True, False])
def test_unbatched_inputs(need_weights):
    r = np.random.default_rng(4)
    for cfg in (dict(), dict(kdim=5, vdim=6, add_bias_kv=True)):
        q, k, v = _inputs(r, cfg, unbatched=True)
        tm, nm = _pair(cfg)
        kpm = np.array([False, True, False, False, True])
        _compare(tm, nm, q, k, v, key_padding_mask=kpm, need_weights=need_weights,
                 attn_mask=r.standard_normal((2, 4, 5)).astype(np.float32))


def test_fully_masked_rows_as_torch():
    """need_weights=False goes through SDPA (zeros for a row with every key masked); need_weights=True is a
    plain softmax (NaN), as in PyTorch."""
    r = np.random.default_rng(5)
    q, k, v = _inputs(r, {}, 4, 5, 2)
    am = np.zeros((4, 5), bool)
    am[2] = True
    tm, nm = _pair({})
    for need in (False, True):
        ot, _ = tm(*(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(am), need_weights=need)
        on, _ = nm(*(nt.tensor(a) for a in (q, k, v)), attn_mask=nt.tensor(am), need_weights=need)
        assert_close(on, ot, **TOL)


def test_functional_static_kv_and_separate_weights():
    r = np.random.default_rng(6)
    E, H, L, S, N = 8, 2, 3, 4, 2
    arrays = dict(q=(L, N, E), k=(S, N, E), v=(S, N, E), w=(3 * E, E), b=(3 * E,), ow=(E, E), ob=(E,),
                  sk=(N * H, S, E // H), sv=(N * H, S, E // H), wq=(E, E), wk=(E, E), wv=(E, E))
    vals = {n: r.standard_normal(s).astype(np.float32) for n, s in arrays.items()}
    outs = []
    for lib, mk, f in ((torch, torch.tensor, torch.nn.functional.multi_head_attention_forward),
                       (nt, nt.tensor, nt.nn.functional.multi_head_attention_forward)):
        t = {n: mk(a.copy()) for n, a in vals.items()}
        o1 = f(t["q"], t["k"], t["v"], E, H, t["w"], t["b"], None, None, False, 0.0, t["ow"], t["ob"],
               static_k=t["sk"], static_v=t["sv"])
        o2 = f(t["q"], t["k"], t["v"], E, H, None, t["b"], None, None, True, 0.0, t["ow"], t["ob"],
               use_separate_proj_weight=True, q_proj_weight=t["wq"], k_proj_weight=t["wk"], v_proj_weight=t["wv"],
               need_weights=False)
        outs.append((o1, o2))
    for a, b in zip(outs[1][0] + outs[1][1][:1], outs[0][0] + outs[0][1][:1]):
        assert_close(a, b, **TOL)


def test_dropout_in_training_only():
    r = np.random.default_rng(7)
    q, k, v = _inputs(r, {}, 4, 4, 2)
    m = nt.nn.MultiheadAttention(8, 2, dropout=0.5)
    m.eval()
    a = m(nt.tensor(q), nt.tensor(k), nt.tensor(v))[0]
    b = m(nt.tensor(q), nt.tensor(k), nt.tensor(v))[0]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    nt.manual_seed(1)
    c, w = m(nt.tensor(q), nt.tensor(k), nt.tensor(v), average_attn_weights=False)
    assert (w.detach().numpy() == 0).mean() > 0.2    # dropped weights, rest scaled by 2
    assert not np.allclose(c.detach().numpy(), a.detach().numpy())


def test_errors_match_torch():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nt.nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nt.nn.MultiheadAttention(0, 1)
    r = np.random.default_rng(8)
    q, k, v = _inputs(r, {}, 4, 5, 2)
    for lib, mk, m in ((torch, torch.tensor, torch.nn.MultiheadAttention(8, 2)),
                       (nt, nt.tensor, nt.nn.MultiheadAttention(8, 2))):
        with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is .*, but should be \(4, 5\)\."):
            m(mk(q), mk(k), mk(v), attn_mask=mk(np.zeros((4, 4), np.float32)))
        with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
            m(mk(q), mk(k), mk(v), is_causal=True)
        with pytest.raises(AssertionError, match="only bool and floating types of key_padding_mask are supported"):
            m(mk(q), mk(k), mk(v), key_padding_mask=mk(np.zeros((2, 5), np.int64)))
        with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
            m(mk(q), mk(k[0]), mk(v[0]))
