"""Classification losses over a class dim: cross entropy and NLL of class indices (fused),
cross entropy of class probabilities, the multi-class / multi-label margin losses, the multi-label
soft margin loss and the focal loss (a numtorch extra)."""
from ...._backend import xp, errstate
from ...._cpu import chunks, parallel_threads, run_parallel
from ...._tensor import Tensor, _make
from ....autograd.function import Function
from ....autograd.grad_mode import state as _gs
from .... import _ops as ops
from .. import _reduction as _R
from ._common import (_DT, _broadcast_shape, _not_differentiable, _logsigmoid, _named_as, _pos)
from .._no_complex import refuse as _refuse

__all__ = ["cross_entropy", "nll_loss", "multi_margin_loss", "multilabel_margin_loss",
           "multilabel_soft_margin_loss", "focal_loss"]


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


def _rows(input, target, weight, ignore_index):
    """The fused kernels' view of (input, class-index target): the (M, C) rows with the class dim last,
    safe targets tc, the mask valid of non-ignored ones, the class weights W (None without) and
    w_i = W[t_i] valid_i (valid_i without weights), in input's dtype."""
    x2 = _class_last(input._data, input._data.ndim)
    tc, valid = _targets(target._data, ignore_index, x2.shape[1])
    dt = x2.dtype
    W = weight._data.astype(dt, copy=False) if weight is not None else None
    w = (W[tc] * valid) if W is not None else valid.astype(dt)
    return x2, tc, valid, W, w


def _class_reduce(ctx, loss, w, reduction, shape):
    """Per-row losses (M,) of an input of ``shape`` reduced as PyTorch's NLL kernels do: 'none' in the
    target's shape, 'sum', or 'mean' = sum / sum_i w_i (the divisor kept as ctx.total for backward)."""
    dt = loss.dtype
    if reduction != "none" or len(shape) == 1:
        # PyTorch accumulates from +0 (a 1-d input's 'none' too): a total of -0 losses is +0
        loss = loss + dt.type(0)
    if reduction == "none":
        return loss.reshape(() if len(shape) == 1 else (shape[0],) + tuple(shape[2:]))
    if reduction == "sum":
        return xp.asarray(loss.sum(dtype=dt))
    ctx.total = w.sum(dtype=dt)
    return _R.apply_reduction(loss, "mean", ctx.total)


class _CrossEntropy(Function):
    """Fused log-softmax + NLL over the class dim for class-index targets.

    With p = softmax(x), logp = x - logsumexp(x) (computed around the row max, finite for any
    logits), w_i = weight[t_i] for non-ignored targets and 0 otherwise, W_c = weight (or 1):
      loss_i = (1 - eps) * w_i * (-logp[i, t_i]) + (eps / C) * valid_i * sum_c W_c (-logp[i, c])
    'mean' divides the sum by sum_i w_i (PyTorch's normalization, label smoothing included).
      d loss_i / d x_ic = (1 - eps) w_i (p_ic - [c == t_i]) + (eps / C) valid_i (p_ic sum_k W_k - W_c)
    The same math in plain Tensor ops: _cross_entropy_reference.
    """
    _builtin = True
    node_name = "NllLossBackward0"

    @staticmethod
    @errstate(invalid="ignore", over="ignore")   # inf/NaN logits give NaN silently, as PyTorch
    def forward(ctx, input, target, weight, ignore_index, eps, reduction):
        x2, tc, valid, W, w = _rows(input, target, weight, ignore_index)
        M, C = x2.shape
        dt = x2.dtype
        # Everything below is invariant to a per-row shift of the logits. Rows are shifted by
        # their max (the stable log-sum-exp) unless every row max of the block already lies in
        # [-60, 60], where exp neither overflows nor underflows to a zero sum: that saves a pass over x.
        # Large inputs run in row blocks on numtorch's threads (get_num_threads() > 1).
        e = xp.empty((M, C), dt)
        se, picked, shifts = xp.empty(M, dt), xp.empty(M, dt), xp.zeros(M, dt)
        ssum = xp.empty(M, dt) if eps > 0 else None
        ones = xp.ones(C, dt)

        @errstate(invalid="ignore", over="ignore")   # (NumPy's error state is per thread)
        def block(lo, hi):
            xb, eb = x2[lo:hi], e[lo:hi]
            rowmax = xb.max(axis=1)
            # one class: x - max is exactly 0, so the loss is exactly 0 as PyTorch's (log(exp(x)) is not x)
            if C == 1 or not (-60 < float(rowmax.min()) and float(rowmax.max()) < 60):
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
        # -(logp) as PyTorch negates it: a log-probability of +0 gives a loss of -0
        nll = -(picked - lse)
        loss = w * nll
        if eps > 0:
            SW = W.sum() if W is not None else dt.type(C)
            smooth = -(ssum - SW * lse)
            loss = (1 - eps) * loss + (eps / C) * smooth
        if not valid.all():   # an ignored target's loss is +0 whatever its row holds (NaN, inf)
            loss = xp.where(valid, loss, dt.type(0))
        loss = loss.astype(dt, copy=False)
        # e = exp(x - shift) are the softmax numerators; backward turns them into the gradient in place
        ctx.e, ctx.se, ctx.tc, ctx.valid, ctx.w, ctx.W = e, se, tc, valid, w, W
        ctx.rowmax = shifts if shift else None
        ctx.eps, ctx.red, ctx.shape, ctx.C = eps, reduction, input._data.shape, C
        ctx.save_for_backward(input)
        return _class_reduce(ctx, loss, w, reduction, input._data.shape)

    @staticmethod
    def backward(ctx, g):
        eps, C, red = ctx.eps, ctx.C, ctx.red
        if C == 1:
            # PyTorch's g - softmax * sum(g) over one class is exactly 0 (NaN where the logit is not finite);
            # the fused coefficients below would leave a rounding residue
            (input,) = ctx.saved_tensors
            x = input._data
            with errstate(invalid="ignore"):
                gx = (x - x) * x.dtype.type(0)
                gd = g._data
                if not xp.isfinite(gd).all():
                    # an inf/NaN upstream gradient: -g - 1 * (-g) is NaN in the rows it reaches (not the
                    # ignored ones, which get no gradient)
                    rows = x.shape[:1] + x.shape[2:] if x.ndim >= 2 else ()
                    valid = ctx.valid.reshape(rows) if ctx.valid.size == max(1, int(xp.prod(rows))) else True
                    gd = xp.where(valid, xp.broadcast_to(gd, rows), 0)
                    gx = gx + (xp.expand_dims(gd, 1) if x.ndim >= 2 else gd) * x.dtype.type(0)
            ctx.e = None
            return _make(gx), None, None, None, None, None
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
        if _gs.enabled:   # Tensor ops for double backward; the raw path below is the same formula in place
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
    The gradient is the constant -w_i at [i, t_i] times g (so it is linear in g: double backward is free).
    The same math in plain Tensor ops: _nll_reference."""
    _builtin = True
    node_name = "NllLossBackward0"

    @staticmethod
    @errstate(invalid="ignore")   # (0 * inf at an ignored target: replaced by 0 below)
    def forward(ctx, input, target, weight, ignore_index, reduction):
        x2, tc, valid, _, w = _rows(input, target, weight, ignore_index)
        M, C = x2.shape
        loss = -(w * x2[xp.arange(M), tc]).astype(x2.dtype)
        if not valid.all():   # an ignored target's loss is +0 whatever the input holds there (NaN, inf)
            loss = xp.where(valid, loss, x2.dtype.type(0))
        ctx.tc, ctx.w, ctx.shape, ctx.red, ctx.C = tc, w, input._data.shape, reduction, C
        return _class_reduce(ctx, loss, w, reduction, input._data.shape)

    @staticmethod
    def backward(ctx, g):
        M, C = ctx.tc.shape[0], ctx.C
        dt = ctx.w.dtype
        oh = xp.zeros((M, C), dt)
        if not _gs.enabled and ctx.red != "none" and g.__class__ is Tensor and g._data.dtype == dt:
            # no graph to record: the scalar g folded into the M scattered entries (no pass over M x C)
            scale = -g._data / ctx.total if ctx.red == "mean" and ctx.total != 0 else (
                -g._data if ctx.red == "sum" else 0.0)
            oh[xp.arange(M), ctx.tc] = ctx.w * scale + 0.0   # (+0, not -0, at ignored targets: PyTorch's)
            return _make(_class_back(oh, ctx.shape)), None, None, None, None
        if ctx.red == "mean":
            oh[xp.arange(M), ctx.tc] = -ctx.w / ctx.total + 0.0 if ctx.total != 0 else 0.0
        else:
            oh[xp.arange(M), ctx.tc] = -ctx.w + 0.0
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
    if input.dtype.is_complex:
        _refuse('nll_loss_out_frame', input)
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
    if input.dtype.is_complex:
        _refuse('log_softmax_lastdim_kernel_impl', input)
    if tuple(input.shape) == tuple(target.shape) and target._data.dtype.kind in "fV":
        return _cross_entropy_prob(input, target, weight, ignore_index, reduction, label_smoothing)
    C = _check_class_target(input, target, weight)
    _not_differentiable(weight, "nll_loss_forward", "weight")
    if input._data.dtype.kind not in "fV":
        raise RuntimeError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for "
                           f"'{_DT.get(input._data.dtype.name)}'")
    if input._data.dtype.itemsize < 4:
        return _cross_entropy_half(input, target, weight, ignore_index, reduction, float(label_smoothing), C)
    fn = _CrossEntropySmooth if label_smoothing > 0 else \
        _named(input.dim(), reduction, _CrossEntropy, _CrossEntropy2d, _CrossEntropyView)
    return fn.apply(input, target, weight, ignore_index, float(label_smoothing), reduction)


class _LogSoftmaxHalf(Function):
    """log_softmax of float16/bfloat16 as PyTorch's kernel: y = (x - max) - log(sum exp(x - max)) in float32,
    rounded once; backward g - exp(y) sum(g) in float32 from the rounded y, rounded once."""
    _builtin = True
    _save_output = True
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    @errstate(invalid="ignore", divide="ignore")   # (a row of -inf / inf gives NaN silently, as PyTorch)
    def forward(ctx, a, dim):
        ctx.dim = dim
        d = a._data
        c = d.astype(xp.float32)
        if c.size == 0:
            return d.copy()
        s = c - c.max(axis=dim, keepdims=True)
        s -= xp.log(xp.exp(s).sum(axis=dim, keepdims=True))
        return s.astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        y = ctx.saved_output.float()
        g32 = g.float()
        return (g32 - ops.exp(y) * g32.sum(ctx.dim, keepdim=True)).to(g.dtype), None


def _log_softmax_opmath(input, cdim):
    """log_softmax as PyTorch's kernel: float16/bfloat16 computed in float32 and rounded once (forward
    and backward)."""
    if input._data.dtype.itemsize < 4 and input._data.ndim:
        return _LogSoftmaxHalf.apply(input, cdim)
    return ops.log_softmax(input, cdim)


def _cross_entropy_half(input, target, weight, ignore_index, reduction, eps, C):
    """Half types take PyTorch's composition: logp = log_softmax(x) rounded to the half type, then
    nll_loss(logp); with label smoothing (1 - eps) nll + (eps / C) smooth, smooth_i = -sum_c W_c logp_ic
    (0 at ignored targets), 'mean' dividing it by sum_i W[t_i] (weights) or the count of kept targets."""
    nd = input.dim()
    cdim = 0 if nd == 1 else 1
    logp = _log_softmax_opmath(input, cdim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if eps <= 0:
        return nll
    smooth = -(logp * _along(weight, nd, cdim)).sum(cdim) if weight is not None else -logp.sum(cdim)
    keep = target != ignore_index
    smooth = smooth.masked_fill(~keep, 0.0)
    if reduction == "mean":
        if weight is not None:
            ret = smooth.sum() / weight.gather(0, target.masked_select(keep).flatten().long()).sum()
        else:
            ret = smooth.sum() / keep.sum()
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - eps) * nll + ret * (eps / C)


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
    logp = _log_softmax_opmath(input, cdim)
    y = target * (1 - eps) + eps / C if eps > 0 else target
    prod = logp * y
    if weight is not None:
        prod = prod * _along(weight, nd, cdim)
    # PyTorch negates the total (so a total of +0 gives -0): -sum(prod) / (N d1 ...), -sum(prod), -sum_c(prod)
    if reduction == "mean":
        n = input.numel() // C if C else 0
        if input.numel() == 0:
            return prod.sum() * float("nan")
        return _named_as(-prod.sum() / n, "DivBackward1")
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(cdim)



def _along(weight, nd, cdim):
    """The class weights (C,) shaped to broadcast along the class dim of an nd-dim input."""
    shape = [1] * nd
    shape[cdim] = -1
    return weight.reshape(shape)


# --------------------------------------------------------------------------- plain references
# The fused _CrossEntropy / _NllLoss above are the fast paths; these state the same math with Tensor
# operations (autograd gives their gradients) and tests/nn/test_loss_reference.py pins the two together.
def _at_targets(x, target, weight, ignore_index):
    """x along its class dim at class-index targets, the weights w_i = weight[t_i] (1 without weight)
    and the mask valid_i of non-ignored targets (both constants shaped like the result). Ignored targets
    are gathered at class 0, so their value is finite and their weight 0 (no 0 * inf in the graph)."""
    cdim = 0 if x.dim() == 1 else 1
    tc, valid = _targets(target._data, ignore_index, x.shape[cdim])
    xt = x.gather(cdim, _make(tc.reshape(tuple(target.shape))).unsqueeze(cdim)).squeeze(cdim)
    dt = xt._data.dtype
    w = weight._data.astype(dt)[tc] if weight is not None else xp.ones(tc.shape, dt)
    shape = tuple(xt.shape)
    return xt, _make((w * valid).astype(dt).reshape(shape)), _make(valid.astype(dt).reshape(shape))


def _weighted_reduce(loss, w, reduction):
    """'mean' is sum(loss) / sum(w) (the weighted mean of CrossEntropy/NLL); with every weight 0 its
    value is 0/0 = nan and its gradient 0, as PyTorch's. 'sum' and 'none' as everywhere."""
    if reduction != "mean":
        return _R.apply_reduction(loss, reduction)
    s, total = loss.sum(), w.sum()
    return s / total if float(total._data) != 0 else s + float("nan")


def _nll_reference(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """nll_loss as Tensor ops: l_i = -w_i input[i, t_i]."""
    picked, w, _ = _at_targets(input, target, weight, ignore_index)
    return _weighted_reduce(-picked * w, w, reduction)


def _cross_entropy_reference(input, target, weight=None, ignore_index=-100, reduction="mean",
                             label_smoothing=0.0):
    """cross_entropy as Tensor ops: logp = log_softmax(x) over the class dim, then
      l_i = (1 - eps) w_i (-logp[i, t_i]) + (eps / C) valid_i sum_c W_c (-logp[i, c])
    (W = weight or 1), reduced by _weighted_reduce. Probability targets have no fast path:
    _cross_entropy_prob is their one implementation."""
    if tuple(input.shape) == tuple(target.shape) and target._data.dtype.kind in "fV":
        return _cross_entropy_prob(input, target, weight, ignore_index, reduction, label_smoothing)
    nd = input.dim()
    cdim = 0 if nd == 1 else 1
    C = input.shape[cdim]
    logp = input.log_softmax(cdim)
    picked, w, valid = _at_targets(logp, target, weight, ignore_index)
    loss = -picked * w
    if label_smoothing > 0:
        W = _along(weight, nd, cdim) if weight is not None else 1
        smooth = -(logp * W).sum(cdim) * valid
        loss = loss * (1 - label_smoothing) + smooth * (label_smoothing / C)
    return _weighted_reduce(loss, w, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """l_i = -(1/C) sum_c w_c [y_ic logsigmoid(x_ic) + (1 - y_ic) logsigmoid(-x_ic)]."""
    reduction = _R.check(_R.resolve(size_average, reduce, reduction))
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    _broadcast_shape(target.shape, input.shape)
    if input.dtype.is_complex:
        _refuse('log_sigmoid_cpu', input)
    loss = -(target * _logsigmoid(input) + (1 - target) * _logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    cdim = input.dim() - 1
    C = input.shape[cdim]
    loss = loss.sum(cdim) / C
    return _R.apply_reduction(loss, reduction)


def _no_half_kernel(input, kernel):
    """PyTorch's CPU kernel has no float16/bfloat16 version (an empty input never reaches it)."""
    d = input._data
    if d.dtype.kind in "fV" and d.dtype.itemsize < 4 and d.size:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_DT.get(d.dtype.name, "BFloat16")}\'')


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
    _no_half_kernel(input, "multi_margin_loss_cpu_kernel")
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
    _no_half_kernel(input, "multilabel_margin_loss_forward_out_frame")
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
    _check_class_target(input, target, weight)
    logpt, w, _ = _at_targets(ops.log_softmax(input, 0 if input.dim() == 1 else 1), target, weight, ignore_index)
    ce = -logpt
    fl = ce if gamma == 0 else (1 - ops.exp(logpt)) ** gamma * ce
    return _weighted_reduce(fl * w, w, reduction)
