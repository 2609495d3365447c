"""Attention (``torch.nn.functional``): scaled_dot_product_attention and multi_head_attention_forward.

    attention(Q, K, V) = softmax(Q K^T * scale + M) V,   scale = 1 / sqrt(E) unless given

computed as two batched matrix products over all leading (batch, head) dims at once (``np.matmul`` on the
4-D arrays, each (L, E) x (E, S) slice one BLAS call, strided views of a fused projection accepted without
a copy); the causal or boolean mask is written into the score array in place, the softmax runs in place,
and the backward is the fused softmax gradient dS = P * (dP - rowsum(dP * P)) on arrays. Rows whose every
key is masked give zeros (output and gradients), as PyTorch's attention kernels do.
"""
import math
import warnings

from ... import _ops as ops
from ... import _creation as C
from ..._backend import xp
from ..._tensor import Tensor, _make
from ._no_complex import refuse as _refuse
from ...autograd.function import Function
from ...autograd.grad_mode import state as _gs

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_causal_cache = {}


def _causal_above(L, S):
    """Boolean (L, S): True above the diagonal (the keys a causal query may not see), cached."""
    m = _causal_cache.get((L, S))
    if m is None:
        m = _causal_cache[(L, S)] = xp.triu(xp.ones((L, S), dtype=bool), 1)
    return m


def _sum_to(a, shape):
    """Sum the broadcast dims of array ``a`` down to ``shape``."""
    if a.shape == tuple(shape):
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and a.shape[i + lead] != 1)
    return a.sum(axis=axes, keepdims=True).reshape(shape) if axes else a.reshape(shape)


def _masked_scores(s, mask, causal):
    """Add the mask to the score array ``s`` in place (or broadcasting); returns s and whether any row
    may be fully masked."""
    if mask is not None:
        fits = xp.broadcast_shapes(mask.shape, s.shape) == s.shape
        if mask.dtype == bool:
            if fits:
                xp.copyto(s, s.dtype.type(-xp.inf), where=xp.logical_not(mask))
            else:
                s = xp.where(mask, s, s.dtype.type(-xp.inf))
        elif fits:
            s += mask
        else:
            s = s + mask
    if causal:
        xp.copyto(s, s.dtype.type(-xp.inf), where=_causal_above(*s.shape[-2:]))
    return s


def _softmax_inplace(s, masked):
    """softmax over the last axis, in place; a row of -inf only (every key masked) gives zeros.
    Returns the array of dead rows (bool, keepdims) or None."""
    m = s.max(axis=-1, keepdims=True)
    dead = None
    if masked:
        dead = m == -xp.inf
        if dead.any():
            m[dead] = 0
        else:
            dead = None
    s -= m
    xp.exp(s, out=s)
    tot = s.sum(axis=-1, keepdims=True)
    if dead is not None:
        tot[dead] = 1
    xp.reciprocal(tot, out=tot)
    s *= tot
    return dead


class _Attention(Function):
    """softmax(q k^T scale + mask) v; backward dV = P^T g, dS = P * (dP - rowsum(dP P)), dQ = dS K scale,
    dK = dS^T Q scale (dP = g V^T, through the dropout mask). Inputs broadcast over leading dims."""
    _builtin = True
    node_name = "ScaledDotProductFlashAttentionForCpuBackward0"

    @staticmethod
    def forward(ctx, q, k, v, mask, causal, scale, p):
        qd, kd, vd = q._data, k._data, v._data
        md = None if mask is None else mask._data
        s = xp.matmul(qd, xp.swapaxes(kd, -1, -2))
        s *= s.dtype.type(scale)
        s = _masked_scores(s, md, causal)
        dead = _softmax_inplace(s, md is not None or causal)
        drop = None
        pd = s
        if p > 0:
            if p >= 1:
                drop = xp.zeros(s.shape, s.dtype)
            else:
                from .dropout import _noise  # PyTorch's math path: dropout(attn, p), drawn as F.dropout
                drop = _noise(s.shape, p, s.dtype)
            pd = s * drop
        out = xp.matmul(pd, vd)
        if ctx.needs_input_grad:
            ctx.save_for_backward(q, k, v, mask)
            ctx.probs, ctx.drop, ctx.dead, ctx.scale, ctx.causal = s, drop, dead, scale, causal
        return out

    @staticmethod
    def backward(ctx, g):
        q, k, v, mask = ctx.saved_tensors
        nq, nk, nv, nm = ctx.needs_input_grad[:4]
        nm = nm and mask is not None and mask._data.dtype != bool
        if _gs.enabled:
            return _attention_backward_graph(ctx, g, q, k, v, mask, nq, nk, nv, nm)
        P, drop, scale = ctx.probs, ctx.drop, ctx.scale
        gd = g._data
        qd, kd, vd = q._data, k._data, v._data
        dq = dk = dv = dm = None
        if nv:
            dv = _make(_sum_to(xp.matmul(xp.swapaxes(P if drop is None else P * drop, -1, -2), gd), vd.shape))
        ds = xp.matmul(gd, xp.swapaxes(vd, -1, -2))
        if drop is not None:
            ds *= drop
        # fused softmax backward, in place: dS = P * (dP - rowsum(dP * P))
        r = (ds * P).sum(axis=-1, keepdims=True)
        ds -= r
        ds *= P
        sc = ds.dtype.type(scale)
        if nq:
            a = xp.matmul(ds, kd)
            a *= sc
            dq = _make(_sum_to(a, qd.shape))
        if nk:
            a = xp.matmul(xp.swapaxes(ds, -1, -2), qd)
            a *= sc
            dk = _make(_sum_to(a, kd.shape))
        if nm:
            dm = _make(_sum_to(ds, mask._data.shape))
        return dq, dk, dv, dm, None, None, None


def _attention_backward_graph(ctx, g, q, k, v, mask, nq, nk, nv, nm):
    """The same gradients written with tensor ops on a recomputed P, so they can be differentiated again."""
    scale = ctx.scale
    s = ops.matmul(q, k.mT) * scale
    const = None
    if mask is not None:
        md = mask._data
        if md.dtype == bool:
            const = xp.where(md, 0.0, -xp.inf).astype(s._data.dtype)
        else:
            s = s + mask
    if ctx.causal:
        c = xp.where(_causal_above(*s.shape[-2:]), -xp.inf, 0.0).astype(s._data.dtype)
        const = c if const is None else const + c
    if const is not None:
        s = s + _make(const)
    dead = ctx.dead
    if dead is not None:   # keep fully masked rows finite, then zero them
        s = ops.where(_make(dead), _make(xp.zeros((), s._data.dtype)), s)
    P = ops.softmax(s, -1)
    if dead is not None:
        P = P * _make((~dead).astype(s._data.dtype))
    drop = None if ctx.drop is None else _make(ctx.drop)
    Pd = P if drop is None else P * drop
    dv = ops.matmul(Pd.mT, g).sum_to_size(v.shape) if nv else None
    dp = ops.matmul(g, v.mT)
    if drop is not None:
        dp = dp * drop
    ds = P * (dp - (dp * P).sum(-1, keepdim=True))
    dq = (ops.matmul(ds, k) * scale).sum_to_size(q.shape) if nq else None
    dk = (ops.matmul(ds.mT, q) * scale).sum_to_size(k.shape) if nk else None
    dm = ds.sum_to_size(mask.shape) if nm else None
    return dq, dk, dv, dm, None, None, None


def _dtype_name(d):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "bool": "bool", "uint8": "unsigned char"}.get(d.name, d.name)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q K^T * scale + M) V over the last two dims; M from attn_mask (bool: False -> -inf; float:
    added) and/or is_causal (key j > query i masked, top-left aligned; both together only for 4-D inputs with
    one head size, as PyTorch); dropout on the weights."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    qd, kd, vd = query._data.dtype, key._data.dtype, value._data.dtype
    if not (qd == kd == vd):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_dtype_name(qd)} key.dtype: {_dtype_name(kd)} and value.dtype: {_dtype_name(vd)} "
                           f"instead.")
    if qd.kind == "c":      # PyTorch's math path reaches its softmax, which has no complex kernel
        _refuse("softmax_lastdim_kernel_impl", query)
    if qd.kind not in "fV":
        raise RuntimeError(f"scaled_dot_product_attention: expected query to be a floating point tensor, got "
                           f"{_dtype_name(qd)}")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"scaled_dot_product_attention: expected query, key and value to have at least 2 "
                           f"dimensions, got {query.dim()}, {key.dim()} and {value.dim()}")
    if attn_mask is not None:
        md = attn_mask._data.dtype
        if md != bool and md != qd:
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_dtype_name(md)} and  query.dtype: {_dtype_name(qd)} instead.")
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    E = query.shape[-1]
    if key.shape[-1] != E:
        raise RuntimeError(f"Expected query and key to have the same embedding size, got {E} and {key.shape[-1]}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"Expected key and value to have the same sequence length, got {key.shape[-2]} and "
                           f"{value.shape[-2]}")
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError(f"Number of heads in key and value must divide the number of heads in query, got "
                               f"{hq}, {hk} and {hv}")
        key = key.repeat_interleave(hq // hk, -3)
        value = value.repeat_interleave(hq // hv, -3)
    if is_causal and attn_mask is not None and (query.dim() != 4 or key.dim() != 4 or value.dim() != 4
                                                or value.shape[-1] != E):
        # PyTorch's fused CPU kernel (4-D, one head size) ANDs both masks; its math kernel refuses them
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    sc = 1.0 / math.sqrt(E) if scale is None else float(scale)
    return _Attention.apply(query, key, value, attn_mask, bool(is_causal), sc, float(dropout_p))


# ------------------------------------------------------------------------------ multi-head attention
def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask as an additive float mask (True -> -inf) of target_type; float masks pass through."""
    if mask is None:
        return None
    md = mask._data.dtype
    if md != bool and md.kind not in "fV":
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=3)
    if md == bool:
        tnp = target_type.np if hasattr(target_type, "np") else xp.dtype(target_type)
        return _make(xp.where(mask._data, tnp.type(-xp.inf), tnp.type(0)).astype(tnp))
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                     f"but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                         "tensor")


def _in_projection(query, key, value, w, b, wq=None, wk=None, wv=None):
    """q, k, v projections: one product for self-attention (q is k is v), two when k is v."""
    from .linear import linear
    E = query.shape[-1]
    if wq is None:
        if key is value and query is key:
            qkv = linear(query, w, b)
            return qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
        bq = bkv = None
        if b is not None:
            bq, bkv = b[:E], b[E:]
        if key is value:
            kv = linear(key, w[E:], bkv)
            return linear(query, w[:E], bq), kv[..., :E], kv[..., E:]
        bk = bv = None
        if b is not None:
            bk, bv = b[E:2 * E], b[2 * E:]
        return linear(query, w[:E], bq), linear(key, w[E:2 * E], bk), linear(value, w[2 * E:], bv)
    bq = bk = bv = None
    if b is not None:
        bq, bk, bv = b.chunk(3)
    return linear(query, wq, bq), linear(key, wk, bk), linear(value, wv, bv)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention on (L, N, E) inputs (or unbatched (L, E)): project q, k, v, split into heads
    (N, H, L, E/H), attend, merge heads, project out. Returns (output, weights averaged over heads or not,
    or None without need_weights)."""
    from .linear import linear
    from .dropout import dropout
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:   # (keeping q is k is v, which picks the fused projection)
        same_qk, same_kv = query is key, key is value
        query = query.unsqueeze(1)
        key = query if same_qk else key.unsqueeze(1)
        value = key if same_kv else value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask",
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None   # the hint alone: SDPA's own causal mask
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        for n, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {n}_proj_weight is None")
        q, k, v = _in_projection(query, key, value, None, in_proj_bias, q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection(query, key, value, in_proj_weight, in_proj_bias)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = ops.cat([k, bias_k.repeat(1, bsz, 1)])
        v = ops.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = ops.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = ops.pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    # heads as (N, H, L, hd) views of the (L, N, E) projections: no copy before the products
    q = q.view(tgt_len, bsz, num_heads, head_dim).permute(1, 2, 0, 3)
    if static_k is None:
        k = k.view(k.shape[0], bsz, num_heads, head_dim).permute(1, 2, 0, 3)
    else:
        if static_k.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_k.size(0) of {bsz * num_heads}, but got {static_k.size(0)}")
        if static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k.size(2) of {head_dim}, but got {static_k.size(2)}")
        k = static_k.view(bsz, num_heads, static_k.shape[1], head_dim)
    if static_v is None:
        v = v.view(v.shape[0], bsz, num_heads, head_dim).permute(1, 2, 0, 3)
    else:
        if static_v.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_v.size(0) of {bsz * num_heads}, but got {static_v.size(0)}")
        if static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v.size(2) of {head_dim}, but got {static_v.size(2)}")
        v = static_v.view(bsz, num_heads, static_v.shape[1], head_dim)
    if add_zero_attn:
        k = ops.cat([k, C.zeros(bsz, num_heads, 1, head_dim, dtype=k.dtype)], dim=2)
        v = ops.cat([v, C.zeros(bsz, num_heads, 1, head_dim, dtype=v.dtype)], dim=2)
        if attn_mask is not None:
            attn_mask = ops.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = ops.pad(key_padding_mask, (0, 1))
    src_len = k.shape[2]
    if attn_mask is not None:   # (1 or N*H, L, S) -> (1 or N, H or 1, L, S)
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.view(bsz, num_heads, tgt_len, src_len)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        kpm = key_padding_mask.view(bsz, 1, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        # explicit weights, as PyTorch: a plain softmax (a fully masked row gives NaN here)
        s = ops.matmul(q * math.sqrt(1.0 / float(head_dim)), k.mT)
        if attn_mask is not None:
            s = s + attn_mask
        w = ops.softmax(s, -1)
        if dropout_p > 0.0:
            w = dropout(w, p=dropout_p)
        out = ops.matmul(w, v)
    else:
        w = None
        if attn_mask is not None and attn_mask.shape[0] == 1 and attn_mask.dim() == 4 and attn_mask.shape[1] == 1:
            attn_mask = attn_mask[0, 0]
        out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, -1)
    if w is not None and average_attn_weights:
        w = w.mean(dim=1)
    if not is_batched:
        out = out.squeeze(1)
        if w is not None:
            w = w.squeeze(0)
    return out, w
