"""nn.TransformerEncoderLayer / DecoderLayer / Encoder / Decoder / Transformer against PyTorch: state_dict keys
and shapes, loading both ways, outputs and gradients (masks, norm_first, activations, bias, eps, batch_first),
causal-mask detection, the nested-tensor inference path, initialisation."""
import math
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close

TOL = dict(rtol=2e-5, atol=3e-6)


def _sd_to_nt(sd):
    return {k: nt.tensor(v.detach().numpy().copy()) for k, v in sd.items()}


def _build(lib, kind, cfg, **extra):
    nn = lib.nn
    d, h, ff = 16, 4, 32
    act = cfg.get("activation", "relu")
    if act == "callable":   # a user function, the same in both
        act = lib.nn.functional.silu
    elif act == "module":
        act = lib.nn.GELU()
    kw = dict(dropout=0.0, activation=act, layer_norm_eps=cfg.get("eps", 1e-5),
              batch_first=cfg.get("batch_first", False), norm_first=cfg.get("norm_first", False),
              bias=cfg.get("bias", True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "enc_layer":
            return nn.TransformerEncoderLayer(d, h, ff, **kw)
        if kind == "dec_layer":
            return nn.TransformerDecoderLayer(d, h, ff, **kw)
        if kind == "encoder":
            return nn.TransformerEncoder(nn.TransformerEncoderLayer(d, h, ff, **kw), 2, nn.LayerNorm(d), **extra)
        if kind == "decoder":
            return nn.TransformerDecoder(nn.TransformerDecoderLayer(d, h, ff, **kw), 2, nn.LayerNorm(d))
        return nn.Transformer(d, h, 2, 2, ff, **kw)


def _pair(kind, cfg, **extra):
    tm = _build(torch, kind, cfg, **extra)
    nm = _build(nt, kind, cfg, **extra)
    ts, ns = tm.state_dict(), nm.state_dict()
    assert list(ts) == list(ns)
    assert all(tuple(ts[k].shape) == tuple(ns[k].shape) for k in ts)
    nm.load_state_dict(_sd_to_nt(ts))
    return tm, nm


CFGS = [dict(), dict(norm_first=True), dict(activation="gelu"), dict(activation="callable"),
        dict(activation="module", batch_first=True), dict(bias=False), dict(eps=1e-3, batch_first=True),
        dict(norm_first=True, batch_first=True, activation="gelu")]


def _ids(c):
    return ",".join(f"{k}={v}" for k, v in c.items()) or "default"


def _seq(r, cfg, N, L, d=16):
    return r.standard_normal((N, L, d) if cfg.get("batch_first") else (L, N, d)).astype(np.float32)


def _run_both(tm, nm, args_np, kwargs_np, train=True):
    """Forward + backward of both modules; returns [(out, input grads, param grads)] for torch, numtorch."""
    res = []
    g = None
    for lib, mk, m in ((torch, torch.tensor, tm), (nt, nt.tensor, nm)):
        m.train(train)
        args = [mk(a.copy()).requires_grad_(True) for a in args_np]
        kws = {k: (mk(v.copy()) if isinstance(v, np.ndarray) else v) for k, v in kwargs_np.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = m(*args, **kws)
        if g is None:
            g = np.random.default_rng(9).standard_normal(tuple(out.shape)).astype(np.float32)
        out.backward(mk(g))
        res.append((out, [a.grad for a in args], [p.grad for p in m.parameters()]))
    return res


def _assert_same(res):
    (ot, gt, pt), (on, gn, pn) = res
    assert_close(on, ot, **TOL)
    for a, b in zip(gn + pn, gt + pt):
        assert_close(a, b, **TOL)


@pytest.mark.parametrize("masks", ["none", "padding", "padding_float", "causal", "causal_hint", "attn_bool"])
@pytest.mark.parametrize("cfg", CFGS, ids=_ids)
def test_encoder_layer_matches_torch(cfg, masks):
    r = np.random.default_rng(1)
    N, L = 3, 6
    x = _seq(r, cfg, N, L)
    kw = {}
    if masks in ("padding", "padding_float"):
        kpm = np.zeros((N, L), bool)
        kpm[1, 4:] = True
        kpm[2, 5:] = True
        kw["src_key_padding_mask"] = kpm if masks == "padding" else np.where(kpm, -np.inf, 0).astype(np.float32)
    if masks in ("causal", "causal_hint"):
        kw["src_mask"] = np.triu(np.full((L, L), -np.inf, np.float32), 1)
        if masks == "causal_hint":
            kw["is_causal"] = True
    if masks == "attn_bool":
        am = r.random((L, L)) < 0.3
        np.fill_diagonal(am, False)
        kw["src_mask"] = am
    tm, nm = _pair("enc_layer", cfg)
    _assert_same(_run_both(tm, nm, [x], kw))


@pytest.mark.parametrize("cfg", CFGS, ids=_ids)
def test_decoder_layer_matches_torch(cfg):
    r = np.random.default_rng(2)
    N, L, S = 2, 5, 7
    tgt, mem = _seq(r, cfg, N, L), _seq(r, cfg, N, S)
    mpm = np.zeros((N, S), bool)
    mpm[0, 5:] = True
    tpm = np.zeros((N, L), bool)
    tpm[1, 4:] = True
    kw = dict(tgt_mask=np.triu(np.full((L, L), -np.inf, np.float32), 1), memory_key_padding_mask=mpm,
              tgt_key_padding_mask=tpm, tgt_is_causal=True)
    tm, nm = _pair("dec_layer", cfg)
    _assert_same(_run_both(tm, nm, [tgt, mem], kw))


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("cfg", [dict(), dict(batch_first=True, norm_first=True, activation="gelu"),
                                 dict(bias=False)], ids=_ids)
def test_transformer_matches_torch(cfg, train):
    r = np.random.default_rng(3)
    N, L, S = 2, 5, 6
    src, tgt = _seq(r, cfg, N, S), _seq(r, cfg, N, L)
    spm = np.zeros((N, S), bool)
    spm[1, 4:] = True
    kw = dict(tgt_mask=nt.nn.Transformer.generate_square_subsequent_mask(L).numpy(), src_key_padding_mask=spm,
              memory_key_padding_mask=spm)
    tm, nm = _pair("transformer", cfg)
    _assert_same(_run_both(tm, nm, [src, tgt], kw, train=train))


def test_encoder_decoder_stacks_match_torch():
    r = np.random.default_rng(4)
    cfg = dict(batch_first=True)
    x = _seq(r, cfg, 3, 6)
    kpm = np.zeros((3, 6), bool)
    kpm[0, 3:] = True
    tm, nm = _pair("encoder", cfg, enable_nested_tensor=False)
    _assert_same(_run_both(tm, nm, [x], dict(src_key_padding_mask=kpm, mask=np.triu(np.full((6, 6), -np.inf,
                                                                                           np.float32), 1))))
    mem = _seq(r, cfg, 3, 4)
    tm, nm = _pair("decoder", cfg)
    _assert_same(_run_both(tm, nm, [x, mem], dict(tgt_mask=np.triu(np.full((6, 6), -np.inf, np.float32), 1))))


def test_encoder_nested_tensor_inference_path_as_torch():
    """In inference with a left-aligned padding mask PyTorch runs nested tensors: padded positions come out 0
    (before the final norm)."""
    r = np.random.default_rng(5)
    for norm in (False, True):
        tl = torch.nn.TransformerEncoderLayer(16, 4, 32, 0.0, batch_first=True)
        nl = nt.nn.TransformerEncoderLayer(16, 4, 32, 0.0, batch_first=True)
        te = torch.nn.TransformerEncoder(tl, 2, torch.nn.LayerNorm(16) if norm else None)
        ne = nt.nn.TransformerEncoder(nl, 2, nt.nn.LayerNorm(16) if norm else None)
        ne.load_state_dict(_sd_to_nt(te.state_dict()))
        te.eval()
        ne.eval()
        x = r.standard_normal((3, 6, 16)).astype(np.float32)
        kpm = np.zeros((3, 6), bool)
        kpm[1, 4:] = True
        kpm[2, 2:] = True
        for lib_mask in (kpm, np.where(kpm, -np.inf, 0).astype(np.float32)):
            with torch.no_grad():
                want = te(torch.tensor(x), src_key_padding_mask=torch.tensor(lib_mask))
            with nt.no_grad():
                got = ne(nt.tensor(x), src_key_padding_mask=nt.tensor(lib_mask))
            assert_close(got, want, **TOL)
        # not left aligned: the dense path in both
        kpm2 = np.zeros((3, 6), bool)
        kpm2[0, 1] = True
        with torch.no_grad():
            want = te(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm2))
        with nt.no_grad():
            got = ne(nt.tensor(x), src_key_padding_mask=nt.tensor(kpm2))
        assert_close(got, want, **TOL)


def test_nested_tensor_warning_as_torch():
    for lib in (torch, nt):
        layer = lib.nn.TransformerEncoderLayer(16, 4, 32, batch_first=False)
        with pytest.warns(UserWarning, match="enable_nested_tensor is True, but self.use_nested_tensor is False "
                                             r"because encoder_layer.self_attn.batch_first was not True"):
            enc = lib.nn.TransformerEncoder(layer, 2)
        assert enc.use_nested_tensor is False and enc.enable_nested_tensor is True
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)


def test_generate_square_subsequent_mask_and_causal_detection():
    for sz in (1, 4):
        a = nt.nn.Transformer.generate_square_subsequent_mask(sz)
        b = torch.nn.Transformer.generate_square_subsequent_mask(sz)
        assert_close(a, b, rtol=0, atol=0)
    a = nt.nn.Transformer.generate_square_subsequent_mask(3, dtype=nt.float64)
    assert a.dtype == nt.float64
    from numtorch.nn.modules.transformer import _detect_is_causal_mask as nd
    from torch.nn.modules.transformer import _detect_is_causal_mask as td
    m = np.triu(np.full((4, 4), -np.inf, np.float32), 1)
    for mask, ic, size in ((m, None, None), (m, None, 5), (np.zeros((4, 4), np.float32), None, None), (None, None, 4),
                           (m, False, None), (None, True, None)):
        want = td(None if mask is None else torch.tensor(mask), ic, size)
        got = nd(None if mask is None else nt.tensor(mask), ic, size)
        assert got == want


def test_transformer_state_dict_load_both_ways(tmp_path):
    tm = torch.nn.Transformer(16, 4, 2, 1, 32, batch_first=True)
    p = str(tmp_path / "t.pt")
    torch.save(tm.state_dict(), p)
    nm = nt.nn.Transformer(16, 4, 2, 1, 32, batch_first=True)
    assert list(nm.state_dict()) == list(tm.state_dict())
    nm.load_state_dict(nt.load(p))
    p2 = str(tmp_path / "t_nt.pt")
    nt.save(nm.state_dict(), p2)
    tm2 = torch.nn.Transformer(16, 4, 2, 1, 32, batch_first=True)
    tm2.load_state_dict(torch.load(p2))
    for k, v in tm.state_dict().items():
        assert_close(tm2.state_dict()[k], v, rtol=0, atol=0)
    r = np.random.default_rng(6)
    src, tgt = r.standard_normal((2, 5, 16)).astype(np.float32), r.standard_normal((2, 3, 16)).astype(np.float32)
    tm.eval()
    nm.eval()
    with torch.no_grad():
        want = tm(torch.tensor(src), torch.tensor(tgt))
    with nt.no_grad():
        got = nm(nt.tensor(src), nt.tensor(tgt))
    assert_close(got, want, **TOL)


def test_transformer_initialisation():
    nt.manual_seed(0)
    m = nt.nn.Transformer(32, 4, 1, 1, 64)
    for name, p in m.named_parameters():
        a = p.detach().numpy()
        if p.dim() > 1:   # xavier_uniform_
            fo, fi = a.shape[0], a.shape[1]
            bound = math.sqrt(6.0 / (fi + fo))
            assert np.abs(a).max() <= bound and np.abs(a).max() > 0.8 * bound, name
        elif "norm" in name and name.endswith("weight"):
            assert (a == 1).all(), name
    layer = nt.nn.TransformerEncoderLayer(32, 4, 64)
    assert (layer.self_attn.in_proj_bias.detach().numpy() == 0).all()
    assert layer.activation_relu_or_gelu == 1
    assert nt.nn.TransformerEncoderLayer(32, 4, activation="gelu").activation_relu_or_gelu == 2
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nt.nn.TransformerEncoderLayer(32, 4, activation="tanh")


def test_transformer_batch_errors_match_torch():
    for lib, mk in ((torch, torch.tensor), (nt, nt.tensor)):
        m = lib.nn.Transformer(16, 4, 1, 1, 32)
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
            m(mk(np.zeros((5, 2, 16), np.float32)), mk(np.zeros((5, 3, 16), np.float32)))
        with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
            m(mk(np.zeros((5, 2, 8), np.float32)), mk(np.zeros((5, 2, 8), np.float32)))
