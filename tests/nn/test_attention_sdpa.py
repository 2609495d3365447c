"""F.scaled_dot_product_attention against PyTorch: outputs, gradients (incl. the float mask's), second
order against PyTorch's math kernel, every mask kind, fully masked rows, GQA, dropout, errors."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close

F = nt.nn.functional
TF = torch.nn.functional


def _r(seed=0):
    return np.random.default_rng(seed)


def _qkv(r, shape_q, shape_k, ev=None, dtype=np.float32):
    q = r.standard_normal(shape_q).astype(dtype)
    k = r.standard_normal(shape_k).astype(dtype)
    vs = shape_k[:-1] + ((ev or shape_k[-1]),)
    v = r.standard_normal(vs).astype(dtype)
    return q, k, v


def _run(q, k, v, mask=None, mask_grad=False, wgrad=None, **kw):
    """(out, grads) for numtorch and for torch, given NumPy inputs; mask may be bool or float."""
    res = []
    for lib, mkt in ((nt, nt.tensor), (torch, torch.tensor)):
        ts = [mkt(a.copy()).requires_grad_(True) for a in (q, k, v)]
        m = None
        if mask is not None:
            m = mkt(mask.copy())
            if mask_grad:
                m.requires_grad_(True)
        f = F.scaled_dot_product_attention if lib is nt else TF.scaled_dot_product_attention
        out = f(*ts, attn_mask=m, **kw)
        g = mkt(wgrad if wgrad is not None else np.ones(tuple(out.shape), q.dtype))
        out.backward(g)
        res.append((out, [t.grad for t in ts] + ([m.grad] if mask_grad else [])))
    return res


def _check(res, tol=dict(rtol=1e-5, atol=2e-6)):
    (on, gn), (ot, gt) = res
    assert_close(on, ot, **tol)
    for a, b in zip(gn, gt):
        assert_close(a, b, **tol)


MASKS = ["none", "causal", "bool2d", "bool4d_bcast", "float2d", "float4d", "causal_and_bool", "bool_dead_rows",
         "float_dead_rows", "float_grad"]


@pytest.mark.parametrize("kind", MASKS)
@pytest.mark.parametrize("L,S", [(5, 5), (4, 7), (7, 3)])
def test_sdpa_masks_match_torch(kind, L, S):
    r = _r(hash((kind, L, S)) % 1000)
    N, H, E = 2, 3, 8
    ev = E if kind == "causal_and_bool" else 6   # (both masks: PyTorch's fused kernel, one head size)
    q, k, v = _qkv(r, (N, H, L, E), (N, H, S, E), ev=ev)
    w = r.standard_normal((N, H, L, ev)).astype(np.float32)
    kw, mask, mg = {}, None, False
    if kind in ("causal", "causal_and_bool"):
        kw["is_causal"] = True
    if kind in ("bool2d", "causal_and_bool"):
        mask = r.random((L, S)) > 0.3
        mask[:, 0] = True
    elif kind == "bool4d_bcast":
        mask = r.random((N, 1, 1, S)) > 0.4
        mask[:, :, :, -1] = True
    elif kind in ("float2d", "float_grad"):
        mask = r.standard_normal((L, S)).astype(np.float32)
        mg = kind == "float_grad"
    elif kind == "float4d":
        mask = r.standard_normal((N, H, L, S)).astype(np.float32)
    elif kind == "bool_dead_rows":
        mask = r.random((N, H, L, S)) > 0.3
        mask[0, 1, 1] = False          # every key of one query masked
        mask[1, :, -1] = False
    elif kind == "float_dead_rows":
        mask = np.where(r.random((L, S)) > 0.3, 0, -np.inf).astype(np.float32)
        mask[0] = -np.inf
    _check(_run(q, k, v, mask, mg, w, **kw))


@pytest.mark.parametrize("dims", [2, 3, 5])
def test_sdpa_leading_dims_and_broadcast(dims):
    r = _r(dims)
    lead = {2: (), 3: (3,), 5: (2, 1, 3)}[dims]
    q, k, v = _qkv(r, lead + (4, 5), lead + (6, 5))
    _check(_run(q, k, v, is_causal=True))
    if dims == 5:   # key/value broadcast over a batch dim of the query
        q2 = r.standard_normal((2, 2, 3, 4, 5)).astype(np.float32)
        _check(_run(q2, k, v))


def test_sdpa_scale_and_float64():
    r = _r(3)
    q, k, v = _qkv(r, (2, 2, 5, 4), (2, 2, 5, 4), dtype=np.float64)
    mask = r.random((5, 5)) > 0.2
    _check(_run(q, k, v, mask, scale=0.37), tol=dict(rtol=1e-10, atol=1e-12))


def test_sdpa_gqa_matches_torch():
    r = _r(4)
    q, k, v = _qkv(r, (2, 6, 5, 4), (2, 2, 7, 4))
    _check(_run(q, k, v, enable_gqa=True, is_causal=True))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(nt.tensor(q), nt.tensor(r.standard_normal((2, 4, 7, 4)).astype(np.float32)),
                                       nt.tensor(r.standard_normal((2, 4, 7, 4)).astype(np.float32)), enable_gqa=True)


@pytest.mark.parametrize("kind", ["none", "causal", "bool_dead_rows", "float_grad"])
def test_sdpa_second_order_matches_torch_math(kind):
    from torch.nn.attention import sdpa_kernel, SDPBackend
    r = _r(5)
    q, k, v = _qkv(r, (2, 2, 4, 3), (2, 2, 5, 3), dtype=np.float64)
    mask, kw = None, {}
    if kind == "causal":
        kw["is_causal"] = True
    elif kind == "bool_dead_rows":
        mask = r.random((4, 5)) > 0.4
        mask[2] = False
        mask[0, 0] = True
    elif kind == "float_grad":
        mask = r.standard_normal((4, 5))
    mg = kind == "float_grad"
    w = r.standard_normal((2, 2, 4, 3))
    outs = []
    for lib, mkt in ((nt, nt.tensor), (torch, torch.tensor)):
        ts = [mkt(a.copy()).requires_grad_(True) for a in (q, k, v)]
        m = None if mask is None else mkt(mask.copy())
        if mg:
            m.requires_grad_(True)
        ins = ts + ([m] if mg else [])
        if lib is nt:
            out = F.scaled_dot_product_attention(*ts, attn_mask=m, **kw)
            gs = nt.autograd.grad(out, ins, nt.tensor(w), create_graph=True)
            s = sum((g * g).sum() for g in gs)
            gg = nt.autograd.grad(s, ins)
        else:
            with sdpa_kernel(SDPBackend.MATH):
                out = TF.scaled_dot_product_attention(*ts, attn_mask=m, **kw)
                gs = torch.autograd.grad(out, ins, torch.tensor(w), create_graph=True)
                s = sum((g * g).sum() for g in gs)
                gg = torch.autograd.grad(s, ins)
        outs.append((gs, gg))
    for a, b in zip(outs[0][0] + outs[0][1], outs[1][0] + outs[1][1]):
        assert_close(a, b, rtol=1e-9, atol=1e-11)


def test_sdpa_gradcheck_with_dropout():
    """With dropout the mask is random: fix the seed for every evaluation and check by finite differences."""
    r = _r(6)
    q, k, v = (nt.tensor(a).requires_grad_(True) for a in _qkv(r, (1, 2, 4, 3), (1, 2, 5, 3), dtype=np.float64))

    def f(q, k, v):
        nt.manual_seed(11)
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.4, is_causal=True)
    assert nt.autograd.gradcheck(f, (q, k, v), eps=1e-6, atol=1e-6)
    assert nt.autograd.gradgradcheck(f, (q, k, v), eps=1e-6, atol=1e-5)


def test_sdpa_dropout_drops_and_rescales_weights():
    r = _r(7)
    L = S = 6
    q = nt.tensor(r.standard_normal((4, 3, L, 5)).astype(np.float32))
    k = nt.tensor(r.standard_normal((4, 3, S, 5)).astype(np.float32))
    eye = nt.tensor(np.broadcast_to(np.eye(S, dtype=np.float32), (4, 3, S, S)).copy())   # output = the weights
    p = F.scaled_dot_product_attention(q, k, eye).numpy()
    nt.manual_seed(0)
    d = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.5).numpy()
    kept = d != 0
    np.testing.assert_allclose(d[kept], p[kept] / 0.5, rtol=1e-5)
    assert 0.35 < kept.mean() < 0.65
    assert (F.scaled_dot_product_attention(q, k, eye, dropout_p=1.0).numpy() == 0).all()


def test_sdpa_errors_match_torch():
    r = _r(8)
    q, k, v = _qkv(r, (1, 2, 3, 4), (1, 2, 3, 4))
    m3 = r.random((3, 3)) > 0.5
    for lib, mk, f in ((torch, torch.tensor, TF.scaled_dot_product_attention),
                       (nt, nt.tensor, F.scaled_dot_product_attention)):
        with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
            f(mk(q[0]), mk(k[0]), mk(v[0]), attn_mask=mk(m3), is_causal=True)
    for args in [(q, k.astype(np.float64), v), ]:
        with pytest.raises(RuntimeError) as et:
            TF.scaled_dot_product_attention(*(torch.tensor(a) for a in args))
        with pytest.raises(RuntimeError) as en:
            F.scaled_dot_product_attention(*(nt.tensor(a) for a in args))
        assert str(en.value) == str(et.value)
    m = np.ones((3, 3), np.int64)
    with pytest.raises(RuntimeError) as et:
        TF.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(m))
    with pytest.raises(RuntimeError) as en:
        F.scaled_dot_product_attention(*(nt.tensor(a) for a in (q, k, v)), attn_mask=nt.tensor(m))
    assert str(en.value) == str(et.value)


def test_sdpa_no_grad_and_inference_dtype():
    r = _r(9)
    q, k, v = _qkv(r, (2, 2, 4, 3), (2, 2, 4, 3))
    with nt.no_grad():
        out = F.scaled_dot_product_attention(nt.tensor(q), nt.tensor(k), nt.tensor(v), is_causal=True)
    assert out.grad_fn is None and out.dtype == nt.float32
    assert_close(out, TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                      is_causal=True), atol=2e-6)
