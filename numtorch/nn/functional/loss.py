"""Loss functions: the math. The modules in ``nn.modules.loss`` hold options and forward here.

Every loss takes PyTorch's arguments and applies ``reduction`` through the one helper
``_reduction.apply_reduction``. The losses that are hot or whose gradient needs care
(MSE, L1, SmoothL1, Huber, CrossEntropy, NLL, BCE, BCEWithLogits, CTC) are single fused
Functions: NumPy forward, a compact backward. Their backward uses NumPy directly when no
graph of the gradient is being recorded, and Tensor operations when it is
(``create_graph=True``), so double backward works. The other losses are compositions of
differentiable Tensor operations.
"""
import math
import numbers
import warnings

from ..._backend import xp
from ..._cpu import chunks, parallel_threads, run_parallel
from ... import _dtype as D
from ..._tensor import Tensor, _make
from ...autograd.function import Function
from ...autograd.grad_mode import state as _gs
from ... import _ops as ops
from ..._ops._util import operands, sum_to, to_tensor
from . import _reduction as _R
from .distance import pairwise_distance

__all__ = ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll_loss", "gaussian_nll_loss",
           "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "ctc_loss", "focal_loss"]

_DT = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
       "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


# --------------------------------------------------------------------------- helpers
def _fit(g, like_shape, like_dtype):
    """Reduce a gradient to an input's shape (un-broadcast) and dtype."""
    g = sum_to(g, tuple(like_shape))
    if g._data.dtype != like_dtype:
        g = g.to(D.from_numpy_dtype(like_dtype))
    return g


def _broadcast_shape(a, b):
    """The broadcast of two shapes, with PyTorch's error when they do not broadcast."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(y if x == 1 else x)
    return tuple(out)


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", UserWarning, stacklevel=4)


def _as_tensor(x, like=None):
    return x if isinstance(x, Tensor) else to_tensor(x, like)


def _not_differentiable(t, fn, arg):
    """PyTorch's kernels have no gradient for class weights: a weight requiring grad is an error there."""
    if isinstance(t, Tensor) and t.requires_grad and _gs.enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. "
                           f"This input cannot have requires_grad True.")


def _gdata(g, scale):
    """The incoming gradient as an array, times the reduction's scale (None for 'none')."""
    gd = g._data
    return gd if scale is None else gd * xp.asarray(scale, gd.dtype)


def _gtensor(g, scale):
    return g if scale is None else g * scale


class _Softplus(Function):
    """softplus(x) = log(1 + exp(x)), computed as logaddexp(0, x) (finite for any x); grad sigmoid(x)"""
    _builtin = True
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return xp.logaddexp(xp.zeros((), a._data.dtype), a._data)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ops.sigmoid(a)


def _softplus(x):
    return _Softplus.apply(x)


def _logsigmoid(x):
    return -_softplus(-x)


class _ClampMin(Function):
    """max(x, lo) keeping NaN; the gradient passes where x >= lo (PyTorch's clamp_min, bound included)"""
    _builtin = True
    node_name = "ClampMinBackward0"

    @staticmethod
    def forward(ctx, a, lo):
        d = a._data
        ctx.mask = ~(d < lo)          # NaN counts as passing, as x >= lo is False only for x < lo
        return xp.where(ctx.mask, d, xp.asarray(lo, d.dtype))

    @staticmethod
    def backward(ctx, g):
        return g * _make(ctx.mask.astype(g._data.dtype)), None


def _clamp_min(x, lo):
    return _ClampMin.apply(x, lo)


class _Identity(Function):
    """The identity, whose backward node carries the name of the PyTorch kernel a composite stands for."""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return a._data.view()

    @staticmethod
    def backward(ctx, g):
        return g


_NAMED = {}


def _named_as(t, node_name):
    """``t`` with its grad_fn named as PyTorch names it (e.g. MultiMarginLossBackward0) when the loss
    here is a composition of Tensor ops; one identity node, no change to values or gradients."""
    if t.grad_fn is None:
        return t
    cls = _NAMED.get(node_name)
    if cls is None:
        cls = _NAMED[node_name] = type(node_name.replace("Backward", "") + "Named", (_Identity,),
                                       {"node_name": node_name, "_builtin": True})
    return cls.apply(t)


def _pos(z):
    """max(z, 0) with gradient 1 only where z > 0 strictly (PyTorch's margin-loss kernels)."""
    return ops.where(z > 0, z, z * 0)


# --------------------------------------------------------------------------- pointwise regression losses
class _Pointwise(Function):
    """Elementwise loss of d = input - target (broadcast), reduced inside the op.

    kind 0 MSE: d^2; 1 L1: |d|; 2 SmoothL1(beta): 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta;
    3 Huber(delta): 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta).
    d loss / d input = D(d) * scale, d loss / d target = -D(d) * scale with D = 2d, sign(d),
    clamp(d / beta, -1, 1), clamp(d, -delta, delta).
    """
    _builtin = True

    @staticmethod
    def forward(ctx, input, target, kind, reduction, param):
        a, b = operands(input, target)
        d = xp.asarray(a - b)   # 0-d inputs give a NumPy scalar: keep an array (written in place later)
        if d.dtype.kind not in "fV":
            raise RuntimeError(f"\"{('mse', 'l1', 'smooth_l1', 'huber')[kind]}_cpu\" not implemented for "
                               f"'{_DT.get(d.dtype.name, d.dtype.name)}'")
        if kind == 0:
            l = d * d if reduction == "none" else None   # a reduced MSE is one dot product (below)
        elif kind == 1:
            l = xp.abs(d)
        else:
            ad = xp.abs(d)
            if kind == 2:
                l = xp.where(ad < param, (0.5 / param) * d * d, ad - 0.5 * param)
            else:
                l = xp.where(ad < param, 0.5 * d * d, param * (ad - 0.5 * param))
        ctx.kind, ctx.param, ctx.red = kind, param, reduction
        ctx.d = d
        ctx.n = d.size
        ctx.shapes = (input._data.shape, input._data.dtype,
                      target._data.shape if isinstance(target, Tensor) else (), b.dtype)
        ctx.save_for_backward(input, target if isinstance(target, Tensor) else None)
        if kind == 0 and reduction != "none":
            # the sum of squares as one BLAS dot: the fastest reduction NumPy has
            f = d.reshape(-1)
            s = xp.asarray(xp.dot(f, f), dtype=d.dtype)
            return s if reduction == "sum" else xp.asarray(s / d.dtype.type(d.size), dtype=d.dtype)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        kind, p = ctx.kind, ctx.param
        scale = _R.grad_scale(ctx.red, ctx.n)
        ishape, idt, tshape, tdt = ctx.shapes
        ni, nt = ctx.needs_input_grad[:2]
        if _gs.enabled:
            # recording the gradient's own graph: Tensor ops all the way
            input, target = ctx.saved_tensors
            d = input - (target if target is not None else _make(ctx.d * 0))
            if kind == 0:
                dd = d * 2
            elif kind == 1:
                dd = ops.sign(d)
            elif kind == 2:
                dd = ops.clamp(d / p, -1, 1)
            else:
                dd = ops.clamp(d, -p, p)
            gi = dd * _gtensor(g, scale)
        else:
            d = ctx.d
            if d is None:
                # a second backward through a retained graph: the difference was consumed, recompute it
                input, target = ctx.saved_tensors
                a, b = operands(input, target if target is not None else 0.0)
                d = xp.asarray(a - b)
            ctx.d = None
            # the derivative is written over the saved difference (no new array for the big losses)
            dd = d
            if kind == 0:
                dd *= d.dtype.type(2)
            elif kind == 1:
                xp.sign(d, out=dd)
            elif kind == 2:
                dd /= d.dtype.type(p)
                xp.clip(dd, -1, 1, out=dd)
            else:
                xp.clip(dd, -p, p, out=dd)
            gd = g._data
            if scale is None:
                dd *= gd
            else:
                dd *= (gd * scale).astype(dd.dtype)
            gi = _make(dd)
        ga = _fit(gi, ishape, idt) if ni else None
        gb = _fit(-gi, tshape, tdt) if nt else None
        return ga, gb, None, None, None


class _MseLoss(_Pointwise):
    node_name = "MseLossBackward0"


class _L1Loss(_Pointwise):
    # PyTorch's l1_loss is a composite, abs then the reduction: its node is named after the last op
    node_name = "MeanBackward0"


class _L1LossSum(_Pointwise):
    node_name = "SumBackward0"


class _L1LossNone(_Pointwise):
    node_name = "AbsBackward0"


class _SmoothL1Loss(_Pointwise):
    node_name = "SmoothL1LossBackward0"


class _HuberLoss(_Pointwise):
    node_name = "HuberLossBackward0"


_POINTWISE = (_MseLoss, _L1Loss, _SmoothL1Loss, _HuberLoss)


def _pointwise(kind, input, target, reduction, param, weight):
    input, target = _as_tensor(input), _as_tensor(target, input)
    if input._data.shape != target._data.shape:   # (equal shapes: nothing to warn about or check)
        _warn_size(input, target)
        _broadcast_shape(input.shape, target.shape)
    reduction = _R.check(reduction)
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        l = _fn(kind, "none").apply(input, target, kind, "none", param) * weight
        if reduction == "mean" and kind != 3:
            return l.sum() / weight.sum()
        return _R.apply_reduction(l, reduction)
    return _fn(kind, reduction).apply(input, target, kind, reduction, param)


def _fn(kind, reduction):
    if kind == 1:
        return {"mean": _L1Loss, "sum": _L1LossSum, "none": _L1LossNone}[reduction]
    return _POINTWISE[kind]


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: l = (x - y)^2, reduced. Target broadcasts against input (with a warning)."""
    return _pointwise(0, input, target, _R.resolve(size_average, reduce, reduction), None, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: l = |x - y|, reduced; the gradient at x == y is 0 (sign(0))."""
    return _pointwise(1, input, target, _R.resolve(size_average, reduce, reduction), None, weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """l = 0.5 (x - y)^2 / beta if |x - y| < beta else |x - y| - 0.5 beta; beta = 0 is L1."""
    reduction = _R.resolve(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return _pointwise(2, input, target, reduction, float(beta), None)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """l = 0.5 (x - y)^2 if |x - y| < delta else delta (|x - y| - 0.5 delta) (= delta * SmoothL1(beta=delta))."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pointwise(3, input, target, reduction, float(delta), weight)


# --------------------------------------------------------------------------- class-index losses
def _check_class_target(input, target, weight):
    """PyTorch's checks for (input, class-index target): dims, batch size, dtype, weight size."""
    nd = input.dim()
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    td = target.dim()
    if nd >= 2:
        tb = target.shape[0] if td >= 1 else 0
        if tb != input.shape[0]:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({tb}).")
    if nd <= 2 and td > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if nd == 1 and td == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
    if nd > 2:
        exp = [input.shape[0]] + list(input.shape[2:])
        if list(target.shape) != exp:
            if nd == 4:   # PyTorch's nll_loss2d checks
                if td != 3:
                    raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of "
                                       f"dimension: {td}")
                raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
            raise RuntimeError(f"Expected target size {exp}, got {list(target.shape)}")
    tk = target._data.dtype
    if tk.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_DT.get(tk.name, tk.name)}")
    C = input.shape[0] if nd == 1 else input.shape[1]
    if weight is not None and (weight.dim() != 1 or weight.shape[0] != C):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    if weight is not None and weight._data.dtype != input._data.dtype:  # the nll kernel needs one dtype
        ik, wk = input._data.dtype.name, weight._data.dtype.name
        raise RuntimeError(f"expected scalar type {_DT.get(ik, ik)} but found {_DT.get(wk, wk)}")
    return C


def _class_last(x, nd):
    """(N, C, d1, ...) / (N, C) / (C,) -> (M, C) with the class dim last (a copy only for K-dim)."""
    if nd == 1:
        return x.reshape(1, -1)
    if nd == 2:
        return x
    C = x.shape[1]
    return xp.ascontiguousarray(xp.moveaxis(x, 1, -1)).reshape(-1, C)


def _class_back(a, shape):
    """Inverse of ``_class_last`` for an (M, C) array."""
    if len(shape) <= 2:
        return a.reshape(shape)
    C = shape[1]
    return xp.moveaxis(a.reshape((shape[0],) + tuple(shape[2:]) + (C,)), -1, 1)


def _class_back_t(t, shape):
    if len(shape) <= 2:
        return t.reshape(shape)
    C = shape[1]
    return t.reshape((shape[0],) + tuple(shape[2:]) + (C,)).movedim(-1, 1)


def _targets(t, ignore_index, C):
    """Flattened targets, the mask of non-ignored ones and targets safe to index with; bounds-checked."""
    t1 = t.reshape(-1).astype(xp.int64, copy=False)
    valid = t1 != ignore_index
    bad = valid & ((t1 < 0) | (t1 >= C))
    if bad.any():
        raise IndexError(f"Target {int(t1[bad][0])} is out of bounds.")
    tc = xp.where(valid, t1, 0)
    return tc, valid


class _CrossEntropy(Function):
    """Fused log-softmax + NLL over the class dim for class-index targets.

    With p = softmax(x), logp = x - logsumexp(x) (computed around the row max, finite for any
    logits), w_i = weight[t_i] for non-ignored targets and 0 otherwise, W_c = weight (or 1):
      loss_i = (1 - eps) * w_i * (-logp[i, t_i]) + (eps / C) * valid_i * sum_c W_c (-logp[i, c])
    'mean' divides the sum by sum_i w_i (PyTorch's normalization, label smoothing included).
      d loss_i / d x_ic = (1 - eps) w_i (p_ic - [c == t_i]) + (eps / C) valid_i (p_ic sum_k W_k - W_c)
    """
    _builtin = True
    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, eps, reduction):
        x = input._data
        nd = x.ndim
        x2 = _class_last(x, nd)
        M, C = x2.shape
        tc, valid = _targets(target._data, ignore_index, C)
        dt = x.dtype
        ar = xp.arange(M)
        W = weight._data.astype(dt, copy=False) if weight is not None else None
        # Everything below is invariant to a per-row shift of the logits. Rows are shifted by
        # their max (the stable log-sum-exp) unless every row max of the block already lies in
        # [-60, 60], where exp neither overflows nor underflows to a zero sum: that saves a pass over x.
        # Large inputs run in row blocks on numtorch's threads (get_num_threads() > 1).
        e = xp.empty((M, C), dt)
        se, picked, shifts = xp.empty(M, dt), xp.empty(M, dt), xp.zeros(M, dt)
        ssum = xp.empty(M, dt) if eps > 0 else None
        ones = xp.ones(C, dt)

        def block(lo, hi):
            xb, eb = x2[lo:hi], e[lo:hi]
            rowmax = xb.max(axis=1)
            if not (-60 < float(rowmax.min()) and float(rowmax.max()) < 60):
                shifts[lo:hi] = rowmax
                base = xp.subtract(xb, rowmax[:, None], out=eb)
            else:
                base = xb
            picked[lo:hi] = base[xp.arange(hi - lo), tc[lo:hi]]
            if ssum is not None:
                ssum[lo:hi] = (base @ W) if W is not None else base.sum(axis=1)
            if dt == xp.float32 and M * C <= 65536:
                # small inputs: exp correctly rounded (through double), which reproduces PyTorch's
                # float32 digits exactly; large ones use NumPy's SIMD float32 exp (within 1 ulp)
                eb[...] = xp.exp(base.astype(xp.float64))
            else:
                xp.exp(base, out=eb)
            xp.matmul(eb, ones, out=se[lo:hi])      # row sums as one BLAS matvec
        if M and C:
            run_parallel(block, chunks(M, parallel_threads(M, 4 * M * C)))
        else:
            se[:] = 0
            picked[:] = 0
            if ssum is not None:
                ssum[:] = 0
        shift = bool(shifts.any())
        lse = xp.log(se)
        nll = lse - picked
        w = (W[tc] * valid) if W is not None else valid.astype(dt)
        loss = w * nll
        if eps > 0:
            SW = W.sum() if W is not None else dt.type(C)
            smooth = valid * (SW * lse - ssum)
            loss = (1 - eps) * loss + (eps / C) * smooth
        loss = loss.astype(dt, copy=False)
        # e = exp(x - shift) are the softmax numerators; backward turns them into the gradient in place
        ctx.e, ctx.se, ctx.tc, ctx.valid, ctx.w, ctx.W = e, se, tc, valid, w, W
        ctx.rowmax = shifts if shift else None
        ctx.eps, ctx.red, ctx.shape, ctx.C = eps, reduction, x.shape, C
        ctx.save_for_backward(input)
        if reduction == "none":
            oshape = () if nd == 1 else (x.shape[0],) + tuple(x.shape[2:])
            return loss.reshape(oshape)
        if reduction == "sum":
            return xp.asarray(loss.sum(dtype=dt))
        ctx.total = w.sum(dtype=dt)
        return _R.apply_reduction(loss, "mean", ctx.total)

    @staticmethod
    def backward(ctx, g):
        eps, C, red = ctx.eps, ctx.C, ctx.red
        w, valid, tc = ctx.w, ctx.valid, ctx.tc
        dt = ctx.se.dtype
        M = tc.shape[0]
        # coefficient of p (A), of the one-hot target (B) and of W_c (K) per row, before g
        A = (1 - eps) * w if eps > 0 else w
        B = A
        K = None
        if eps > 0:
            SW = ctx.W.sum() if ctx.W is not None else C
            A = A + (eps / C) * SW * valid
            K = (eps / C) * valid
        # 'mean' with every target ignored: the value is 0/0 = nan, the gradient 0 (as PyTorch)
        inv = (1.0 / ctx.total if ctx.total != 0 else 0.0) if red == "mean" else 1.0
        if _gs.enabled:
            (input,) = ctx.saved_tensors
            xt = input.reshape(1, -1) if len(ctx.shape) == 1 else (
                input if len(ctx.shape) == 2 else input.movedim(1, -1).reshape(-1, C))
            p = ops.softmax(xt, 1)
            G = g.reshape(M, 1) if red == "none" else g * inv
            oh = xp.zeros((M, C), dt)
            oh[xp.arange(M), tc] = B
            const = oh
            if K is not None:
                Wv = ctx.W if ctx.W is not None else xp.ones(C, dt)
                const = const + K[:, None] * Wv[None, :]
            gx = (p * _make(A.astype(dt)[:, None]) - _make(const.astype(dt))) * G
            return _class_back_t(gx, ctx.shape), None, None, None, None, None
        gd = g._data
        G = gd.reshape(M) if red == "none" else gd * inv
        Gr = (G * A / ctx.se).astype(dt)
        e = ctx.e
        if e is None:
            # a second backward through a retained graph: the numerators were consumed, recompute them
            (input,) = ctx.saved_tensors
            x2 = _class_last(input._data, len(ctx.shape))
            e = xp.exp(x2 - ctx.rowmax[:, None] if ctx.rowmax is not None else x2)
        ctx.e = None
        gx = e
        GB = (G * B).astype(dt) if xp.ndim(G * B) else xp.full(M, G * B, dt)
        GK = None
        if K is not None:
            Wv = ctx.W if ctx.W is not None else xp.ones(C, dt)
            GK = (G * K).astype(dt)

        def block(lo, hi):
            gb = gx[lo:hi]
            gb *= Gr[lo:hi, None]              # G A p, in place over the numerators
            gb[xp.arange(hi - lo), tc[lo:hi]] -= GB[lo:hi]
            if GK is not None:
                gb -= GK[lo:hi, None] * Wv[None, :]
        if M and C:
            run_parallel(block, chunks(M, parallel_threads(M, 2 * M * C)))
        return _make(_class_back(gx, ctx.shape)), None, None, None, None, None


class _CrossEntropySmooth(_CrossEntropy):
    node_name = "AddBackward0"   # PyTorch: (1 - eps) * nll + eps / C * smooth


# PyTorch's node names: K-dim inputs go through nll_loss2d (4-D, or any K-dim reduced) or a view of it
class _CrossEntropy2d(_CrossEntropy):
    node_name = "NllLoss2DBackward0"


class _CrossEntropyView(_CrossEntropy):
    node_name = "ViewBackward0"


class _NllLoss(Function):
    """loss_i = -w_i * input[i, t_i] (w_i = weight[t_i], 0 for ignored targets); 'mean' divides by sum w_i.
    The gradient is the constant -w_i at [i, t_i] times g (so it is linear in g: double backward is free)."""
    _builtin = True
    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        x = input._data
        nd = x.ndim
        x2 = _class_last(x, nd)
        M, C = x2.shape
        tc, valid = _targets(target._data, ignore_index, C)
        dt = x.dtype
        w = (weight._data.astype(dt)[tc] * valid) if weight is not None else valid.astype(dt)
        loss = -(w * x2[xp.arange(M), tc]).astype(dt)
        ctx.tc, ctx.w, ctx.shape, ctx.red, ctx.C = tc, w, x.shape, reduction, C
        if reduction == "none":
            return loss.reshape(() if nd == 1 else (x.shape[0],) + tuple(x.shape[2:]))
        if reduction == "sum":
            return xp.asarray(loss.sum(dtype=dt))
        ctx.total = w.sum(dtype=dt)
        return _R.apply_reduction(loss, "mean", ctx.total)

    @staticmethod
    def backward(ctx, g):
        M, C = ctx.tc.shape[0], ctx.C
        dt = ctx.w.dtype
        oh = xp.zeros((M, C), dt)
        if ctx.red == "mean":
            oh[xp.arange(M), ctx.tc] = -ctx.w / ctx.total if ctx.total != 0 else 0.0
        else:
            oh[xp.arange(M), ctx.tc] = -ctx.w
        if ctx.red == "none":
            G = g.reshape(M, 1)
            return _class_back_t(_make(oh) * G, ctx.shape), None, None, None, None
        return _make(_class_back(oh, ctx.shape)) * g, None, None, None, None


class _NllLoss2d(_NllLoss):
    node_name = "NllLoss2DBackward0"


class _NllLossView(_NllLoss):
    node_name = "ViewBackward0"


def _named(nd, reduction, plain, two_d, view):
    if nd <= 2:
        return plain
    return two_d if nd == 4 or reduction != "none" else view


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log likelihood of class-index targets: l_i = -weight[t_i] * input[i, t_i].

    ``input`` holds log-probabilities, (N, C), (N, C, d1, ...) or unbatched (C,); targets equal to
    ``ignore_index`` contribute 0 and are left out of 'mean', which divides by the summed weights.
    """
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    _check_class_target(input, target, weight)
    _not_differentiable(weight, "nll_loss_forward", "weight")
    fn = _named(input.dim(), reduction, _NllLoss, _NllLoss2d, _NllLossView)
    return fn.apply(input, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross entropy of logits against class indices or class probabilities.

    Class indices t: l_i = -w[t_i] log softmax(x_i)[t_i] (fused, stable for any logits), with
    label smoothing eps mixing in (eps / C) * sum_c w_c (-log softmax(x_i)_c); 'mean' divides by
    the summed weights of the non-ignored targets. Class probabilities y (same shape as input):
    l_i = -sum_c w_c y'_ic log softmax(x_i)_c with y' = (1 - eps) y + eps / C; 'mean' divides by N*d1*...
    """
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if not isinstance(input, Tensor) or not isinstance(target, Tensor):
        raise TypeError("cross_entropy(): argument 'input' and 'target' must be Tensor")
    if tuple(input.shape) == tuple(target.shape) and target._data.dtype.kind in "fV":
        return _cross_entropy_prob(input, target, weight, ignore_index, reduction, label_smoothing)
    C = _check_class_target(input, target, weight)
    _not_differentiable(weight, "nll_loss_forward", "weight")
    if input._data.dtype.kind not in "fV":
        raise RuntimeError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for "
                           f"'{_DT.get(input._data.dtype.name)}'")
    fn = _CrossEntropySmooth if label_smoothing > 0 else \
        _named(input.dim(), reduction, _CrossEntropy, _CrossEntropy2d, _CrossEntropyView)
    return fn.apply(input, target, weight, ignore_index, float(label_smoothing), reduction)


def _cross_entropy_prob(input, target, weight, ignore_index, reduction, eps):
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    nd = input.dim()
    if nd == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    cdim = 0 if nd == 1 else 1
    C = input.shape[cdim]
    if weight is not None and (weight.dim() != 1 or weight.shape[0] != C):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    logp = ops.log_softmax(input, cdim)
    y = target * (1 - eps) + eps / C if eps > 0 else target
    prod = logp * y
    if weight is not None:
        wshape = [1] * nd
        wshape[cdim] = C
        prod = prod * weight.reshape(wshape)
    loss = -prod.sum(cdim)
    if reduction == "mean":
        n = input.numel() // C if C else 0
        if input.numel() == 0:
            return loss.sum() * float("nan")
        return _named_as(loss.sum() / n, "DivBackward1")
    if reduction == "sum":
        return _named_as(loss.sum(), "NegBackward0")   # PyTorch sums before negating
    return _R.apply_reduction(loss, reduction)


class _BCE(Function):
    """l = -w [y max(log x, -100) + (1 - y) max(log(1 - x), -100)] (the clamp keeps x = 0 or 1 finite).
    dl/dx = w (x - y) / max(x (1 - x), 1e-12);  dl/dy = w (log(1 - x) - log x) (PyTorch's -logit(x))."""
    _builtin = True
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        x, y = input._data, target._data.astype(input._data.dtype, copy=False)
        if not ((x >= 0) & (x <= 1)).all():
            raise RuntimeError("all elements of input should be between 0 and 1")
        if not ((y >= 0) & (y <= 1)).all():
            raise RuntimeError("all elements of target should be between 0 and 1")
        with xp.errstate(divide="ignore"):
            lx = xp.maximum(xp.log(x), -100)
            l1x = xp.maximum(xp.log1p(-x), -100)
        l = -(y * lx + (1 - y) * l1x)
        if weight is not None:
            l = l * weight._data
        l = l.astype(x.dtype, copy=False)
        ctx.red, ctx.n = reduction, l.size
        ctx.save_for_backward(input, target, weight)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        input, target, weight = ctx.saved_tensors
        G = _gtensor(g, _R.grad_scale(ctx.red, ctx.n))
        if weight is not None:
            G = G * weight
        gi = gt = None
        if ctx.needs_input_grad[0]:
            t = target.to(input.dtype) if target._data.dtype != input._data.dtype else target
            gi = _fit(G * (input - t) / ops.clamp_min(input * (1 - input), 1e-12), input.shape, input._data.dtype)
        if ctx.needs_input_grad[1]:
            gt = _fit(-ops.logit(input) * G, target.shape, target._data.dtype)
        return gi, gt, None, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy of probabilities x in [0, 1]: l = -w [y log x + (1 - y) log(1 - x)], logs >= -100."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if weight is not None:
        _not_differentiable(weight, "binary_cross_entropy", "weight")
        new = _broadcast_shape(target.shape, weight.shape)
        weight = weight.expand(*new)
    return _BCE.apply(input, target, weight, reduction)


class _BCEWithLogits(Function):
    """l = w [(1 - y) x - lw * logsigmoid(x)], lw = 1 + (pos_weight - 1) y; logsigmoid(x) =
    -logaddexp(0, -x) is finite for any x.  dl/dx = w [(1 - y) - lw sigmoid(-x)];
    dl/dy = w [-x - (pos_weight - 1) logsigmoid(x)]."""
    _builtin = True
    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        x, y = operands(input, target)      # computed in the promoted dtype, as PyTorch
        ls = -xp.logaddexp(xp.zeros((), x.dtype), -x)
        if pos_weight is not None:
            ls = ls * ((pos_weight._data - 1) * y + 1)
        l = (1 - y) * x - ls
        if weight is not None:
            l = l * weight._data
        l = l.astype(x.dtype, copy=False)
        ctx.red, ctx.n = reduction, l.size
        ctx.save_for_backward(input, target, weight, pos_weight)
        return _R.apply_reduction(l, reduction)

    @staticmethod
    def backward(ctx, g):
        input, target, weight, pw = ctx.saved_tensors
        G = _gtensor(g, _R.grad_scale(ctx.red, ctx.n))
        if weight is not None:
            G = G * weight
        t = target
        gi = gt = None
        if ctx.needs_input_grad[0]:
            lw = 1 if pw is None else (pw - 1) * t + 1
            gi = _fit(G * ((1 - t) - ops.sigmoid(-input) * lw), input.shape, input._data.dtype)
        if ctx.needs_input_grad[1]:
            d = -input if pw is None else -input - (pw - 1) * _logsigmoid(input)
            gt = _fit(G * d, target.shape, target._data.dtype)
        return gi, gt, None, None, None


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """BCE on logits, stable for any x: l = w [(1 - y) x + (1 + (pos_weight - 1) y) log(1 + exp(-x))]."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if weight is not None:
        _not_differentiable(weight, "binary_cross_entropy_with_logits", "weight")
        _broadcast_shape(input.shape, weight.shape)
    if pos_weight is not None:
        _not_differentiable(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
        _broadcast_shape(input.shape, pos_weight.shape)
    return _BCEWithLogits.apply(input, target, weight, pos_weight, reduction)


# --------------------------------------------------------------------------- likelihood losses
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Poisson NLL: exp(x) - y x (log_input) or x - y log(x + eps); ``full`` adds Stirling's
    y log y - y + 0.5 log(2 pi y) where y > 1."""
    reduction = _R.resolve(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    _broadcast_shape(target.shape, input.shape)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        # Stirling's term where y > 1; y is replaced by 1 elsewhere so log(0) never enters the graph
        # (PyTorch's gradient w.r.t. a target of exactly 0 is nan (0 * log 0); ours is 0 there)
        big = _make(target._data > 1)
        safe = ops.where(big, target, target * 0 + 1)
        st = safe * ops.log(safe) - safe + 0.5 * ops.log(2 * math.pi * safe)
        loss = loss + ops.where(big, st, st * 0)
    return _R.apply_reduction(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian NLL: 0.5 (log(max(var, eps)) + (x - y)^2 / max(var, eps)) (+ 0.5 log(2 pi) if full).

    ``var`` has input's shape, or one dim fewer (homoscedastic per row: unsqueezed), or input's
    shape with one dim of size 1; the clamp at eps is not differentiated (as PyTorch).
    """
    if isinstance(var, numbers.Real) and not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = ops.full_like(input, float(var))
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    ish, vsh = tuple(input.shape), tuple(var.shape)
    if vsh != ish:
        if ish[:-1] == vsh:
            var = var.unsqueeze(-1)
        elif len(ish) == len(vsh) and sum(y for x, y in zip(ish, vsh) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    _broadcast_shape(input.shape, target.shape)
    vd = var._data
    v = var + _make(xp.maximum(vd, xp.asarray(eps, vd.dtype)) - vd)
    loss = 0.5 * (ops.log(v) + (input - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _R.apply_reduction(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence with input = log q: l = y (log y - x), or exp(y) (y - x) when ``log_target``.

    'batchmean' divides the sum by the batch size (the true KL); 'mean' by every element (warned).
    """
    if size_average is not None or reduce is not None:
        reduction = _R.legacy_get_string(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          UserWarning, stacklevel=2)
        if reduction != "batchmean":
            _R.check(reduction)
    _broadcast_shape(target.shape, input.shape)
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        # xlogy(y, y) = y log y with 0 log 0 = 0; log is taken of a safe value so no nan leaks into grads
        # (a negative target gives nan, as PyTorch's xlogy)
        zero = _make(target._data == 0)
        safe = ops.where(zero, target * 0 + 1, target)
        loss = ops.where(zero, target * 0, target * ops.log(safe)) - target * input
    if reduction == "batchmean":
        if input.dim() == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _R.apply_reduction(loss, reduction)


# --------------------------------------------------------------------------- margin losses
def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """l = max(0, -y (x1 - x2) + margin)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    _broadcast_shape(target.shape, _broadcast_shape(input1.shape, input2.shape))
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


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """l = log(1 + exp(-y x)) (stable softplus)."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    _broadcast_shape(input.shape, target.shape)
    if target._data.dtype != input._data.dtype and input._data.dtype.kind in "fV":
        target = target.to(input.dtype)     # PyTorch computes in the input's dtype
    return _named_as(_R.apply_reduction(_softplus(-target * input), reduction), "SoftMarginLossBackward0")


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """l_i = -(1/C) sum_c w_c [y_ic logsigmoid(x_ic) + (1 - y_ic) logsigmoid(-x_ic)]."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    _broadcast_shape(target.shape, input.shape)
    loss = -(target * _logsigmoid(input) + (1 - target) * _logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    cdim = input.dim() - 1
    C = input.shape[cdim]
    loss = loss.sum(cdim) / C
    return _R.apply_reduction(loss, reduction)


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


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """l_i = (1/C) sum_{j != y_i} w_{y_i} max(0, margin - x_{i,y_i} + x_ij)^p, p in {1, 2}."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    nd = input.dim()
    if nd not in (0, 1, 2) or (nd == 2 and input.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    x = input.reshape(1, -1) if nd <= 1 else input
    N, C = x.shape
    t = target._data.reshape(-1).astype(xp.int64)
    if t.shape[0] != N:
        raise RuntimeError(f"inconsistent target size, expected {N} but got {list(target.shape)}")
    if ((t < 0) | (t >= C)).any():
        raise RuntimeError("target out of range")
    if weight is not None and weight.numel() != C:
        raise RuntimeError(f"inconsistent weight size, expected {C} but got {list(weight.shape)}")
    _not_differentiable(weight, "multi_margin_loss", "weight")
    ti = _make(t.reshape(N, 1))
    xy = x.gather(1, ti)
    z = _pos(margin - xy + x)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight.reshape(-1)[_make(t)].reshape(N, 1)
    notself = _make(xp.arange(C)[None, :] != t[:, None])
    z = ops.where(notself, z, z * 0)
    loss = z.sum(1) / C
    if nd <= 1:
        loss = loss.reshape(tuple(target.shape))   # () for a 0-d target, (1,) for a 1-element one (as PyTorch)
    return _named_as(_R.apply_reduction(loss, reduction), "MultiMarginLossBackward0")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """l_i = (1/C) sum_{j in targets} sum_{k not in targets} max(0, 1 - (x_ij - x_ik)).

    Targets of a row are its class indices up to the first -1.
    """
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    nd = input.dim()
    if nd > 2 or (nd == 1 and input.numel() == 0) or (nd == 2 and input.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    x = input.reshape(1, -1) if nd <= 1 else input
    N, C = x.shape
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    t = target._data.reshape(N, C).astype(xp.int64)
    # a row's targets stop at its first -1
    stop = xp.cumsum(t == -1, axis=1) > 0
    valid = ~stop
    if ((t < -1) | (t >= C)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    tc = xp.where(valid, t, 0)
    is_t = xp.zeros((N, C), bool)
    rows = xp.repeat(xp.arange(N)[:, None], C, 1)
    is_t[rows[valid], tc[valid]] = True
    xt = x.gather(1, _make(tc))                       # (N, C): x at each target slot
    z = 1 - xt.unsqueeze(2) + x.unsqueeze(1)          # (N, slot, k)
    mask = valid[:, :, None] & ~is_t[:, None, :]
    z = _pos(z)
    z = ops.where(_make(mask), z, z * 0)
    loss = z.sum((1, 2)) / C
    if nd <= 1:
        loss = loss.reshape(())
    return _named_as(_R.apply_reduction(loss, reduction), "MultilabelMarginLossBackward0")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """l = max(0, margin + d(a, p) - d(a, n)), d = pairwise p-distance; with ``swap``,
    d(a, n) is replaced by min(d(a, n), d(p, n))."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd == nd):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")
    _broadcast_shape(anchor.shape, positive.shape)
    _broadcast_shape(anchor.shape, negative.shape)
    d1 = pairwise_distance(anchor, positive, p, eps)
    d2 = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d2 = ops.minimum(d2, pairwise_distance(positive, negative, p, eps))
    return _R.apply_reduction(_clamp_min(margin + d1 - d2, 0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """l = max(0, margin + dist(a, p) - dist(a, n)) for any ``distance_function`` (default pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd == nd):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pd}D, and negative {nd}D inputs")
    dist = distance_function if distance_function is not None else pairwise_distance
    dpos = dist(anchor, positive)
    dneg = dist(anchor, negative)
    if swap:
        dneg = ops.minimum(dneg, dist(positive, negative))
    return _R.apply_reduction(_clamp_min(margin + dpos - dneg, 0), reduction)


# --------------------------------------------------------------------------- CTC
def _lengths(x):
    """input_lengths / target_lengths given as a Tensor, a sequence or an int -> int64 array."""
    if isinstance(x, Tensor):
        return x._data.reshape(-1).astype(xp.int64)
    if isinstance(x, numbers.Integral):
        return xp.asarray([x], xp.int64)
    return xp.asarray(list(x), dtype=xp.int64).reshape(-1)


_NEG = -1e30   # "log 0" in the log-space recursions: finite, so no inf - inf and NumPy's fast exp path
_K = 16        # the scaled recursions are rescaled every _K steps: in between their mass grows at most 3^_K
_ZMIN = 1e-200  # scaled results are trusted while sum_s alpha beta' >= _ZMIN at every frame (see _ctc_scaled)
_SMIN = 1e-30   # ... and no rescaling divides by less than this


def _lse3(buf, out_add):
    """log(exp(buf[0]) + exp(buf[1]) + exp(buf[2])) + out_add for a (3, N, L) stack; buf is consumed."""
    m = xp.maximum(xp.maximum(buf[0], buf[1]), buf[2])
    buf -= m
    # terms 1e-43 below the largest change nothing; clamping them keeps exp off its slow underflow path
    xp.maximum(buf, -100.0, out=buf)
    xp.exp(buf, out=buf)
    s = buf[0] + buf[1]
    s += buf[2]
    xp.log(s, out=s)
    s += m
    s += out_add
    return s


def _ctc_ext(tgt, blank):
    """Extended targets l' = (blank, l1, blank, ..., lS, blank) (N, 2S + 1) and the s-2 skip mask: a skip
    lands on a non-blank label different from l'_{s-2}."""
    N, S = tgt.shape
    L = 2 * S + 1
    ext = xp.full((N, L), blank, xp.int64)
    ext[:, 1::2] = tgt
    skip = xp.zeros((N, L), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _ctc_scaled(lp_in, ext, skip, il, tl):
    """CTC in the probability domain with rescaling (Graves et al. 2006), alpha and beta in one loop.

    With P[t, n, s] = exp(lp[t, n, l'_s] - m) (m: the largest log-prob, so P <= 1), zero past l'_{2S_n}:
      alpha[t, s] = (alpha[t-1, s] + alpha[t-1, s-1] + skip_s alpha[t-1, s-2]) * P[t, s]
    in float64, rescaled by its sum every _K steps (log scales summed to c[t]); log p =
    log(alpha[T_n-1, 2S_n] + alpha[T_n-1, 2S_n-1]) + c[T_n-1] + T_n m. beta is the same recursion on each
    sample's time- and label-reversed problem (reversed extended targets, mirrored skips), run as more
    rows of the same loop; its values before the emission are beta'[t, s] (the paths after (t, s)).
    Layout: rows stored flat, each sample's L positions after two zero columns, so s-1 and s-2 are
    contiguous shifted views (zero emissions keep those columns zero). The reversed rows are the forward
    rows mirrored: flat index j there holds what forward index M + 1 - j holds (M: the flat length), so
    sample n's reversed row is row 2N - 1 - n and its emissions one reversed copy.
    Exactness: between rescalings alpha, beta' <= 2 * 3^(_K+1), so an underflow leaves an absolute error
    <= ~1e-299 / min(1, scale) in an entry, which moves p (and the gradient) by at most that times
    max(alpha, beta') / Z[t], Z[t] = sum_s alpha beta' = p up to the scales at t; p underflows only down,
    so the computed p bounds Z from below. A sample is kept (ok) when that bound is >= _ZMIN at each of
    its frames and its scales are >= _SMIN. Returns nll (N,), ok (N,) and the state for the gradient.
    """
    T, N, C = lp_in.shape
    L = ext.shape[1]
    W = L + 2
    NW = N * W
    M = 2 * NW
    NC = N * C
    ar = xp.arange(N)
    top, lo = float(lp_in.max()), float(lp_in.min())
    m = top if top > _NEG else 0.0          # all -inf: P = 0, no alignment (the fallback says inf)
    src = xp.empty((T, NC + 1))             # float64 exp(lp - m), then a zero column
    with xp.errstate(invalid="ignore", over="ignore", under="ignore"):
        if lp_in.dtype == xp.float32 and lo - m > -80.0:
            # float32 exp (vectorised, float64's is not): no underflow, error ~ the input's own rounding
            src[:, :NC] = xp.exp(lp_in - xp.float32(m)).reshape(T, NC)
        else:
            src[:, :NC] = xp.exp(lp_in.astype(xp.float64) - m).reshape(T, NC)
    src[:, NC] = 0.0
    uniform = bool((il == T).all())
    col = xp.full((N, W), NC)
    col[:, 2:] = xp.where(xp.arange(L)[None, :] <= 2 * tl[:, None], (ar * C)[:, None] + ext, NC)
    col = col.reshape(-1)
    P = xp.empty((T, M))
    xp.take(src, col, axis=1, out=P[:, :NW])
    if uniform:
        rev = P[::-1, :NW]
        tt = None
    else:       # frame t' of the reversed problem is frame T_n - 1 - t' (clipped: later ones are never read)
        tt = xp.maximum(il[None, :] - 1 - xp.arange(T)[:, None], 0)
        rsrc = xp.empty((T, NC + 1))
        rsrc[:, :NC] = src[:, :NC].reshape(T, N, C)[tt, ar[None, :]].reshape(T, NC)
        rsrc[:, NC] = 0.0
        rev = xp.take(rsrc, col, axis=1)
    P[:, NW:NW + 2] = 0.0
    P[:, NW + 2:] = rev[:, NW - 1:1:-1]
    sk = xp.zeros(M)
    skf = sk[:NW].reshape(N, W)
    skf[:, 2:] = skip
    sk[NW + 4:] = sk[NW - 1:3:-1]                  # reversed: s+2 -> s is allowed where the skip onto s+2 is
    pos = ar[tl > 0]
    A = xp.empty((T, M))
    B = xp.empty((T, M))                           # before the emission
    B[0] = 0.0
    B[0, xp.concatenate([ar * W + 2, pos * W + 3])] = 1.0          # blank or first label
    end = xp.concatenate([ar * W + 2 + 2 * tl, pos * W + 1 + 2 * tl[pos]])
    B[0, M + 1 - end] = 1.0                                         # reversed: last blank or last label
    xp.multiply(B[0], P[0], out=A[0])
    A[:, :2] = 0.0
    F0, F1, F2, P0, B0 = A[:, 2:], A[:, 1:-1], A[:, :-2], P[:, 2:], B[:, 2:]
    Av = A.reshape(T, 2 * N, W)
    scl = xp.ones((T, 2 * N, 1))
    tmp = xp.empty(M - 2)
    add, mul, div, red = xp.add, xp.multiply, xp.divide, xp.add.reduce
    with xp.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        for t in range(1, T):
            b = B0[t]
            add(F0[t - 1], F1[t - 1], out=b)
            mul(F2[t - 1], sk[2:], out=tmp)
            add(b, tmp, out=b)
            mul(b, P0[t], out=F0[t])
            if t % _K == 0:
                a = Av[t]
                s = scl[t]
                red(a, axis=1, keepdims=True, out=s)
                xp.maximum(s, 1e-300, out=s)       # mass that died: 0, not 0/0 (nan would reach other rows)
                div(a, s, out=a)
        last = xp.maximum(il, 1) - 1
        eF = A[last, ar * W + 2 + 2 * tl] + A[last, ar * W + 1 + 2 * tl]   # column 1 is zero when S_n = 0
        sc = xp.log(scl[_K::_K, :, 0])             # (T // _K, 2N); reversed rows in reverse sample order
        cs = xp.zeros((T + 1, 2 * N))              # row t + 1: log scales summed over steps <= t
        cs[_K + 1::_K] = sc
        xp.cumsum(cs, axis=0, out=cs)
        cF, cR = cs[:, :N], cs[:, :N - 1:-1]
        lz = xp.log(eF) + cF[il, ar]
        # log Z[t] >= log p - T_n m - c_F[t] - c_R[T_n - 2 - t]: p less the scales of alpha[t] and beta'[t]
        zb = lz - cF[1:] - (cR[T - 1::-1] if uniform else cR[il[None, :] - 1 - xp.arange(T)[:, None], ar])
        small = sc < math.log(_SMIN)
    if not uniform:
        zb[xp.arange(T)[:, None] >= il[None, :]] = 0.0
        small &= xp.arange(_K, T, _K)[:, None] < xp.concatenate([il, il[::-1]])[None, :]
    ok = (zb.min(axis=0) >= math.log(_ZMIN)) & ~small[:, :N].any(axis=0) & ~small[:, :N - 1:-1].any(axis=0)
    ok &= il > 0
    nll = -(lz + m * il)
    return nll, ok, (A, B, src, m, tt, T, N, C, L, W, lp_in)


def _ctc_scaled_grad(state, ext):
    """d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} alpha beta' / Z[t] from _ctc_scaled's state
    (meaningful for t < T_n; the caller masks the rest)."""
    A, B, src, m, tt, T, N, C, L, W, lp_in = state
    NW = N * W
    M = 2 * NW
    g = xp.empty((T, NW))                          # alpha beta' in the forward layout
    g[:, :2] = 0.0
    if tt is None:
        xp.multiply(A[:, 2:NW], B[::-1, M - 1:NW + 1:-1], out=g[:, 2:])
    else:
        i = xp.arange(2, NW)
        xp.multiply(A[:, 2:NW], B[tt[:, i // W], M + 1 - i], out=g[:, 2:])
    # class sums and Z[t] (the last column) as one batched matmul with a one-hot (N, W, C + 1)
    oh = xp.zeros((N, W, C + 1))
    oh[xp.arange(N)[:, None], xp.arange(2, W)[None, :], ext] = 1.0
    oh[:, 2:, C] = 1.0
    acc = xp.matmul(g.reshape(T, N, W).transpose(1, 0, 2), oh)     # (N, T, C + 1)
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        acc[:, :, :C] /= acc[:, :, C:]
        ex = src[:, :N * C].reshape(T, N, C) * math.exp(m) if m <= 0 else xp.exp(lp_in.astype(xp.float64))
    return ex - acc[:, :, :C].transpose(1, 0, 2)


def _ctc_log(lp, ext, skip, il, tl):
    """Log-space alpha of the samples the scaled recursion cannot take (float64, log 0 -> -1e30):
      alpha[t, s] = lp[t, l'_s] + logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if skip_s),
    nll = -logsumexp(alpha[T_n - 1, 2S_n], alpha[T_n - 1, 2S_n - 1]) (inf when no alignment exists).
    Returns nll and the state _ctc_log_grad needs."""
    T, N, C = lp.shape
    L = ext.shape[1]
    ar = xp.arange(N)
    # emissions of every extended label at every time: (T, N, L), log 0 clamped to the sentinel
    em = xp.maximum(lp[:, ar[:, None], ext], _NEG)
    skip_add = xp.where(skip, 0.0, _NEG)
    inside = xp.arange(L)[None, :] < (2 * tl + 1)[:, None]     # positions of each sample's own l'
    alpha = xp.full((T, N, L + 2), _NEG)              # two sentinel columns in front: s-1, s-2 by slicing
    if T:
        a0 = xp.full((N, L), _NEG)
        a0[:, 0] = em[0, :, 0]
        if L > 1:
            a0[:, 1] = xp.where(tl > 0, em[0, :, 1], _NEG)
        alpha[0, :, 2:] = xp.where(inside, a0, _NEG)
    buf = xp.empty((3, N, L))
    for t in range(1, T):
        prev = alpha[t - 1]
        buf[0] = prev[:, 2:]
        buf[1] = prev[:, 1:-1]
        xp.add(prev[:, :-2], skip_add, out=buf[2])
        alpha[t, :, 2:] = _lse3(buf, em[t])
    last = alpha[xp.maximum(il - 1, 0), ar, 2:] if T else xp.full((N, L), _NEG)
    e1 = last[ar, 2 * tl]
    e2 = xp.where(tl > 0, last[ar, xp.maximum(2 * tl - 1, 0)], _NEG)
    nll = -xp.logaddexp(e1, e2)
    nll = xp.where(nll > -0.1 * _NEG, xp.inf, nll)      # sentinel-sized: no alignment exists
    return nll, (lp, em, ext, skip_add, inside, alpha, il, tl, nll)


def _ctc_log_grad(state):
    """d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} exp(alpha + beta - lp[t, c] + nll) with beta
    the same recursion backwards in time from each sample's last frame (alpha and beta both include
    lp[t, l'_s]); meaningful for t < T_n and finite nll (the caller masks the rest)."""
    lp, em, ext, skip_add, inside, alpha, il, tl, nll = state
    T, N, C = lp.shape
    L = ext.shape[1]
    ar = xp.arange(N)
    # skip onto s+2 from s is allowed where the s+2 skip is allowed
    skip_next = xp.full((N, L), _NEG)
    skip_next[:, :-2] = skip_add[:, 2:]
    valid_t = xp.arange(T)[:, None] < il[None, :]
    # emissions masked to each sample's own frames and label positions: beta is log 0 elsewhere
    emm = xp.where(valid_t[:, :, None] & inside[None], em, _NEG)
    # beta at a sample's last frame: 0 (before its emission) at the last blank and last label
    start = xp.full((T, N, L), _NEG)
    has = il > 0
    start[il[has] - 1, ar[has], 2 * tl[has]] = 0.0
    two = has & (tl > 0)
    start[il[two] - 1, ar[two], 2 * tl[two] - 1] = 0.0
    beta = xp.full((T, N, L + 2), _NEG)   # two sentinel columns behind: s+1, s+2 by slicing
    buf = xp.empty((3, N, L))
    if T:
        beta[T - 1, :, :-2] = start[T - 1] + emm[T - 1]
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1]
        buf[0] = nxt[:, :-2]
        buf[1] = nxt[:, 1:-1]
        xp.add(nxt[:, 2:], skip_next, out=buf[2])
        r = _lse3(buf, 0.0)
        # a sample whose last frame is t has nothing after it (r ~ log 0): max() puts its start in
        xp.maximum(r, start[t], out=r)
        r += emm[t]
        beta[t, :, :-2] = r
    # alpha beta' / p = exp(alpha + beta - lp + nll) <= 1 per position: no overflow, underflow only if negligible
    fin = xp.where(xp.isinf(nll), 0.0, nll)
    e = alpha[:, :, 2:] + beta[:, :, :-2]                  # (T, N, L)
    e -= em
    e += fin[None, :, None]
    xp.exp(e, out=e)
    return xp.exp(lp) - _ctc_classes(e.transpose(1, 0, 2), ext, C).transpose(1, 0, 2)


def _ctc_classes(e, ext, C):
    """(N, T, L) per extended-label position -> (N, T, C) per class: sum over s with l'_s = c, as one
    batched matmul with a one-hot (N, L, C)."""
    N, L = ext.shape
    oh = xp.zeros((N, L, C))
    oh[xp.arange(N)[:, None], xp.arange(L)[None, :], ext] = 1.0
    return xp.matmul(e, oh)


class _CtcLoss(Function):
    """Connectionist temporal classification: per-sample -log p(target | log_probs).

    Over the extended targets l' = (blank, l1, blank, l2, ..., blank) (length 2S + 1), p sums all
    alignments: paths through l' that move 0, 1 or 2 (onto a non-blank label different from l'_{s-2})
    positions per frame. Computed in float64 by the scaled probability-domain recursions
    (_ctc_scaled, ~4 NumPy calls per frame for alpha and beta together); a sample whose scaled
    recursion may have lost precision to underflow (emissions hundreds of nats apart), or has no
    alignment, is recomputed by the log-space recursions (_ctc_log, _ctc_log_grad).
    Gradient (PyTorch's convention, which is the gradient through log_softmax's input when lp are
    log-probabilities): d nll / d lp[t, c] = exp(lp[t, c]) - sum_{s: l'_s = c} gamma[t, s] for t < T_n,
    0 after; nan (as PyTorch) where lp = -inf, and for an infinite loss unless zero_infinity.
    """
    _builtin = True
    node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, log_probs, tgt, il, tl, blank, zero_infinity):
        lp_in = log_probs._data
        dt = lp_in.dtype
        T, N, C = lp_in.shape
        ext, skip = _ctc_ext(tgt, blank)
        if T and N:
            nll, ok, sst = _ctc_scaled(lp_in, ext, skip, il, tl)
        else:
            nll, ok, sst = xp.zeros(N), xp.zeros(N, bool), None
        # no frames: one (empty) alignment of an empty target, none otherwise
        zero = il == 0
        nll[zero] = xp.where(tl[zero] == 0, 0.0, xp.inf)
        redo = xp.flatnonzero(~ok & ~zero)
        st = None
        if redo.size:
            lp = lp_in.astype(xp.float64)
            nll[redo], st = _ctc_log(lp[:, redo], ext[redo], skip[redo], il[redo], tl[redo])
        ctx.save_for_backward(log_probs)
        ctx.data = (ext, sst, redo, st, il, nll, zero_infinity, dt)
        out = nll
        if zero_infinity:
            out = xp.where(xp.isinf(nll), 0.0, nll)
        return out.astype(dt)

    @staticmethod
    def backward(ctx, g):
        ext, sst, redo, st, il, nll, zero_inf, dt = ctx.data
        T, N, C = ctx.saved_tensors[0].shape
        grad = _ctc_scaled_grad(sst, ext) if sst is not None else xp.zeros((T, N, C))
        if redo.size:
            grad[:, redo] = _ctc_log_grad(st)
        lpd = ctx.saved_tensors[0]._data
        if lpd.size and lpd.min() == -xp.inf:     # exp(-inf) - 0 * exp(inf), as PyTorch: nan
            grad[xp.isneginf(lpd)] = xp.nan
        bad = xp.isinf(nll)
        if bad.any():
            grad[:, bad] = 0.0 if zero_inf else xp.nan
        if not (il == T).all():
            grad[xp.arange(T)[:, None] >= il[None, :]] = 0.0
        if _gs.enabled:   # create_graph: a node that refuses double backward (as PyTorch) instead of
            G = _make(grad.astype(dt))                                                        # a silent 0
            return _CtcGradNode.apply(ctx.saved_tensors[0], g, G), None, None, None, None, None
        grad *= g._data.reshape(1, N, 1)
        return _make(grad.astype(dt)), None, None, None, None, None


class _CtcGradNode(Function):
    """d nll / d log_probs * g (the CTC gradient); its own derivative is not implemented, as in PyTorch."""
    _builtin = True
    node_name = "CtcLossBackwardBackward0"

    @staticmethod
    def forward(ctx, log_probs, g, G):
        return G._data * g._data.reshape(1, -1, 1)

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """CTC loss of (T, N, C) (or unbatched (T, C)) log-probabilities.

    ``targets``: padded (N, S) or all targets concatenated (sum(target_lengths),). 'mean' divides
    each sample's loss by its target length (at least 1), then averages over the batch; with
    ``zero_infinity`` impossible alignments (infinite loss) give 0 and a zero gradient.
    """
    reduction = _R.check(reduction)
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        if targets.dim() == 1:
            targets = targets.unsqueeze(0)
    if log_probs.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.dim()}-D")
    T, N, C = log_probs.shape
    il = _lengths(input_lengths)
    tl = _lengths(target_lengths)
    if not (0 <= blank < C):
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    if (il > T).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {int(il.max())} "
                           f"(while checking arguments for ctc_loss_allocate_outputs)")
    if (il < 0).any() or (tl < 0).any():
        raise RuntimeError("input_lengths and target_lengths must be non-negative")
    td = targets._data.astype(xp.int64)
    if targets.dim() == 2 and not unbatched or (unbatched and td.ndim == 2):
        S = td.shape[1]
        if tl.size and tl.max() > S:
            raise RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension 1, but got size "
                               f"{S} for argument #2 'targets' (while checking arguments for "
                               f"ctc_loss_allocate_outputs)")
        Smax = int(tl.max()) if tl.size else 0
        tgt = td[:, :Smax]
    else:
        flat = td.reshape(-1)
        if flat.shape[0] < tl.sum():
            raise RuntimeError(f"Expected tensor to have size at least {int(tl.sum())} at dimension 0, but got "
                               f"size {flat.shape[0]} for argument #2 'targets'")
        Smax = int(tl.max()) if tl.size else 0
        offs = xp.concatenate([[0], xp.cumsum(tl)[:-1]]).astype(xp.int64)
        idx = offs[:, None] + xp.arange(Smax)[None, :]
        ok = xp.arange(Smax)[None, :] < tl[:, None]
        tgt = xp.where(ok, flat[xp.where(ok, idx, 0)] if flat.size else 0, blank)
    # entries past a sample's length are never read; keep them in range for the gathers
    tgt = xp.where(xp.arange(tgt.shape[1])[None, :] < tl[:, None], tgt, blank).astype(xp.int64)
    if tgt.size and ((tgt < 0) | (tgt >= C)).any():
        raise RuntimeError("target index out of range")
    nll = _CtcLoss.apply(log_probs, tgt, il, tl, blank, zero_infinity)
    if unbatched:
        nll = nll.reshape(())
    if reduction == "mean":
        den = _make(xp.maximum(tl, 1).astype(nll._data.dtype))
        if unbatched:
            den = den.reshape(())
        return (nll / den).mean()
    return _R.apply_reduction(nll, reduction)


# --------------------------------------------------------------------------- focal loss (numtorch extra)
def focal_loss(input, target, gamma=2.0, weight=None, reduction="mean", ignore_index=-100):
    """Multi-class focal loss on logits (Lin et al. 2017), a numtorch extra.

    FL_i = -w[t_i] (1 - p_t)^gamma log p_t with log p_t = log_softmax(x_i)[t_i] and p_t = exp(log p_t).
    Targets equal to ``ignore_index`` contribute 0; 'mean' divides by the summed weights of the
    non-ignored targets, exactly as ``cross_entropy`` (so gamma = 0 gives cross_entropy).
    """
    reduction = _R.check(reduction)
    if gamma < 0:
        raise ValueError(f"gamma must be non-negative, got {gamma}")
    nd = input.dim()
    C = _check_class_target(input, target, weight)
    cdim = 0 if nd == 1 else 1
    tc, valid = _targets(target._data, ignore_index, C)
    # log p_t gathered at a safe class for ignored targets (their weight is 0), so no 0 * inf in the graph
    idx = _make(tc.reshape(tuple(target.shape))).unsqueeze(cdim)
    logpt = ops.log_softmax(input, cdim).gather(cdim, idx).squeeze(cdim)
    ce = -logpt
    fl = ce if gamma == 0 else (1 - ops.exp(logpt)) ** gamma * ce
    dt = fl._data.dtype
    w = weight._data.astype(dt)[tc] if weight is not None else xp.ones(tc.shape, dt)
    w = (w * valid).astype(dt).reshape(tuple(fl.shape))
    fl = fl * _make(w)
    if reduction == "mean":
        return fl.sum() / _make(xp.asarray(w.sum(), fl._data.dtype))
    return _R.apply_reduction(fl, reduction)
