"""Embedding lookups and one_hot.

``embedding`` gathers rows of the weight; its gradient sums the output
gradients of every occurrence of an index into that row (rows at padding_idx
get none).  With ``sparse=True`` the weight gradient is a ``SparseCOOTensor``
holding one (row, gradient) entry per lookup, uncoalesced, as PyTorch.
"""
from ..._backend import xp
from ...autograd.function import Function
from ...autograd.grad_mode import no_grad
from ..._tensor import Tensor, _make
from ... import _ops as ops
from ... import _dtype as _D

__all__ = ["embedding", "one_hot", "embedding_bag"]


class Embedding(Function):
    """out = W[idx]; dW[r] = sum over positions p with idx[p] == r (r != padding_idx) of g[p]"""
    _builtin = True

    @staticmethod
    def forward(ctx, weight, idx, padding_idx, sparse):
        ctx.idx, ctx.num, ctx.pad, ctx.sparse = idx, weight._data.shape[0], padding_idx, sparse
        return xp.take(weight._data, idx, axis=0)

    @staticmethod
    def backward(ctx, g):
        if ctx.sparse:
            from ..._sparse import SparseCOOTensor
            idx = ctx.idx.reshape(-1)
            vals = g._data.reshape(idx.shape[0], -1)
            if ctx.pad is not None:
                keep = idx != ctx.pad
                idx, vals = idx[keep], vals[keep]
            return SparseCOOTensor(idx.reshape(1, -1), xp.ascontiguousarray(vals),
                                   (ctx.num, vals.shape[1])), None, None, None
        return EmbeddingDenseBackward.apply(g, ctx.idx, ctx.num, ctx.pad), None, None, None


class EmbeddingDenseBackward(Function):
    _builtin = True

    @staticmethod
    def forward(ctx, g, idx, num, pad):
        ctx.idx, ctx.pad = idx, pad
        gd = g._data
        D = gd.shape[-1]
        flat = idx.reshape(-1)
        out = xp.zeros((num, D), gd.dtype)
        g2 = gd.reshape(-1, D)
        if flat.size > 1:
            # rows grouped by index (stable sort) and summed per group: ~4x faster than np.add.at's scatter
            order = xp.argsort(flat, kind="stable")
            fs = flat[order]
            starts = xp.flatnonzero(xp.concatenate(([True], fs[1:] != fs[:-1])))
            out[fs[starts]] = xp.add.reduceat(g2[order], starts, axis=0)
        else:
            xp.add.at(out, flat, g2)
        if pad is not None:
            out[pad] = 0
        return out

    @staticmethod
    def backward(ctx, gg):
        out = Embedding.apply(gg, ctx.idx, None, False)
        if ctx.pad is not None:
            out = out * _make((ctx.idx != ctx.pad)[..., None].astype(gg._data.dtype))
        return out, None, None, None


def _renorm_(weight, idx, max_norm, norm_type):
    """rows used by idx with norm > max_norm rescaled to max_norm, in place (PyTorch's embedding_renorm_)"""
    rows = xp.unique(idx.reshape(-1))
    w = weight._data
    sub = w[rows].astype(xp.float64)
    norms = (xp.abs(sub) ** norm_type).sum(1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] = (sub * scale[:, None]).astype(w.dtype)
    weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """out[..., :] = weight[input[...], :]"""
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'indices' must be Tensor, not {type(input).__name__}")
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type() if hasattr(input, 'type') else idx.dtype} instead "
                           f"(while checking arguments for embedding)")
    num = weight.shape[0]
    if idx.size and (idx.min() < -num or idx.max() >= num or idx.min() < 0):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += num
    if max_norm is not None:
        with no_grad():
            _renorm_(weight, idx, max_norm, norm_type)
    if scale_grad_by_freq:
        # the gradient of each lookup is divided by its index's frequency in the batch
        u, inv, cnt = xp.unique(idx.reshape(-1), return_inverse=True, return_counts=True)
        freq = cnt[inv].reshape(idx.shape + (1,)).astype(weight._data.dtype)
        out = Embedding.apply(weight, idx, padding_idx, sparse)
        return _ScaleGrad.apply(out, 1.0 / freq)
    return Embedding.apply(weight, idx, padding_idx, sparse)


class _ScaleGrad(Function):
    """identity forward; backward multiplies the gradient by a constant array"""
    _builtin = True
    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, x, s):
        ctx.s = s
        return x._data

    @staticmethod
    def backward(ctx, g):
        return g * _make(ctx.s), None


def one_hot(tensor, num_classes=-1):
    """out[..., c] = (tensor[...] == c), int64"""
    d = tensor._data
    if d.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if d.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(d.max()) + 1
    if d.size and (d.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if d.size and d.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _make((d[..., None] == xp.arange(num_classes)).astype(xp.int64))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """reduce (sum / mean / max) the embeddings of each bag: 2-D input = one bag per row, or 1-D input + offsets"""
    if weight.dtype.is_complex:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the following scalar types: "
                           f"Half, BFloat16, Float, Double; but got CPU{_D.scalar_name(weight._data.dtype)}Type "
                           "instead (while checking arguments for embedding_bag)")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences.")
        B, L = input.shape
        bag = xp.repeat(xp.arange(B), L)
        flat = input.reshape(-1)
        psw = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
    else:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        off = offsets._data.astype(xp.int64)
        n = input.shape[0]
        if include_last_offset:
            off = off[:-1]
        B = off.shape[0]
        bag = xp.searchsorted(off, xp.arange(n), side="right") - 1
        flat = input
        psw = per_sample_weights
    emb = embedding(flat, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
    keep = xp.ones(flat.shape[0], bool) if padding_idx is None else flat._data != (
        padding_idx if padding_idx >= 0 else padding_idx + weight.shape[0])
    dt = weight._data.dtype
    if mode == "max":
        D = weight.shape[1]
        out = []
        # bag-wise max: one masked reduction per bag position block (vectorised over bags)
        M = xp.full((B, flat.shape[0]), False)
        M[bag, xp.arange(flat.shape[0])] = keep
        big = emb.unsqueeze(0).expand(B, flat.shape[0], D)
        masked = ops.where(_make(M[:, :, None]), big, _make(xp.asarray(-xp.inf, dt)))
        res = masked.amax(1)
        return ops.where(_make(M.any(1)[:, None]), res, _make(xp.zeros((), dt)))
    if psw is not None:
        if mode != "sum":
            raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      "supported for mode='sum'")
        emb = emb * psw.unsqueeze(-1)
    # bag sum as one product with the (B, n) membership matrix
    M = xp.zeros((B, flat.shape[0]), dt)
    M[bag[keep], xp.arange(flat.shape[0])[keep]] = 1
    out = ops.matmul(_make(M), emb)
    if mode == "mean":
        cnt = M.sum(1, keepdims=True)
        out = out / _make(xp.maximum(cnt, 1).astype(dt))
    elif mode != "sum":
        raise ValueError(f"mode has to be one of sum, mean or max")
    return out
