"""Embedding and ranking losses: hinge losses on a score, a distance or a cosine similarity
between pairs or triplets of inputs."""
from .... import _ops as ops
from .. import _reduction as _R
from ..distance import pairwise_distance
from ._common import _broadcast_shape, _clamp_min

__all__ = ["margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss"]


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """l = max(0, -y (x1 - x2) + margin)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    _broadcast_shape(target.shape, _broadcast_shape(input1.shape, input2.shape))
    if input1.dtype.is_complex or input2.dtype.is_complex or target.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")
    return _R.apply_reduction(_clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """l = x where y = 1, max(0, margin - x) where y = -1 (PyTorch: each branch where y != -1 / != 1)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    _broadcast_shape(target.shape, input.shape)
    zeros = input * 0
    margin_clamp = ops.clamp_min(margin - input, 0)
    out_margin = ops.where(target != 1, margin_clamp, zeros)
    out_self = ops.where(target != -1, input, zeros)
    return _R.apply_reduction(out_margin + out_self, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """l = 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1;
    cos = <x1, x2> / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12)) (PyTorch's EPSILON)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    td = target.dim()
    s1, s2 = list(input1.shape), list(input2.shape)
    if td == 1:
        if input1.dim() != 2 or input2.dim() != 2:
            raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes {s1} and {s2}.")
    elif td == 0:
        if input1.dim() != 1 or input2.dim() != 1:
            raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes {s1} and {s2}.")
    else:
        raise RuntimeError(f"{td}D target tensor expected, multi-target not supported")
    nd = input1.dim()
    _broadcast_shape(input1.shape, input2.shape)
    d = nd - 1
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + 1e-12
    m2 = (input2 * input2).sum(d) + 1e-12
    cos = prod / ops.sqrt(m1 * m2)
    _broadcast_shape(cos.shape, target.shape)
    zeros = cos * 0
    out = ops.where(target == 1, 1 - cos, zeros) + ops.where(target == -1, ops.clamp_min(cos - margin, 0), zeros)
    return _R.apply_reduction(out, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """l = max(0, margin + d(a, p) - d(a, n)), d = pairwise p-distance; with ``swap``,
    d(a, n) is replaced by min(d(a, n), d(p, n))."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    _check_triplet(anchor, positive, negative, margin)
    _broadcast_shape(anchor.shape, positive.shape)
    _broadcast_shape(anchor.shape, negative.shape)
    return _triplet(anchor, positive, negative, lambda x, y: pairwise_distance(x, y, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """l = max(0, margin + dist(a, p) - dist(a, n)) for any ``distance_function`` (default pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    _check_triplet(anchor, positive, negative, margin)
    dist = distance_function if distance_function is not None else pairwise_distance
    return _triplet(anchor, positive, negative, dist, margin, swap, reduction)


def _check_triplet(anchor, positive, negative, margin):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd == nd):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")


def _triplet(anchor, positive, negative, dist, margin, swap, reduction):
    """max(0, margin + dist(a, p) - dist(a, n)), with ``swap`` dist(a, n) -> min(dist(a, n), dist(p, n))."""
    dpos = dist(anchor, positive)
    dneg = dist(anchor, negative)
    if swap:
        dneg = ops.minimum(dneg, dist(positive, negative))
    return _R.apply_reduction(_clamp_min(margin + dpos - dneg, 0), reduction)
