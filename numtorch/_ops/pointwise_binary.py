"""Elementwise functions of two or more operands (or of bounds): where, maximum/minimum, fmax/fmin,
clamp, lerp, addcmul/addcdiv, atan2, logaddexp."""
from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import operands, to_tensor, tensor_arg, float_operands
from .arith import _fit, _meta
from ._util import write_out as _out


class Where(Function):
    """cond ? a : b; each branch's gradient is masked by the condition"""
    _builtin = True

    @staticmethod
    def forward(ctx, cond, a, b):
        c = cond._data if isinstance(cond, Tensor) else xp.asarray(cond)
        if c.dtype != bool:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{D.from_numpy_dtype(c.dtype).name.capitalize()}")
        ad, bd = operands(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else (a, b)
        ctx.c = c
        ctx.ma = (a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None
        ctx.mb = (b._data.shape, b._data.dtype) if isinstance(b, Tensor) else None
        return xp.where(c, ad, bd)

    @staticmethod
    def backward(ctx, g):
        c = _make(ctx.c)
        ga = gb = None
        # a scalar 0, never g * 0: an inf/nan gradient in the unselected branch must not leak through
        if ctx.needs_input_grad[1]:
            ga = _fit(where(c, g, 0.0), ctx.ma)
        if ctx.needs_input_grad[2]:
            gb = _fit(where(c, 0.0, g), ctx.mb)
        return None, ga, gb


def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        from .index import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = to_tensor(input)
    return _out(Where.apply(condition, input, other), out)


class _MaxMin(Function):
    """elementwise maximum/minimum; ties split the gradient in half (as PyTorch)"""
    _builtin = True
    np_fn = None

    @classmethod
    def forward(cls, ctx, a, b):
        ad, bd = operands(a, b)
        if ad.dtype.kind == "c":
            raise RuntimeError(f"{cls.__name__.lower()} not implemented for complex tensors.")
        ctx.save_for_backward(a, b)
        ctx.ma, ctx.mb = (a._data.shape, a._data.dtype), (b._data.shape, b._data.dtype)
        return cls.np_fn(ad, bd)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        ad, bd = a._data, b._data
        # PyTorch's masks: each side keeps its gradient unless it lost the comparison (so with a NaN both
        # sides keep it); ties share it half and half
        lose_a, lose_b = ((ad < bd), (ad > bd)) if cls.np_fn is xp.maximum else ((ad > bd), (ad < bd))
        half = xp.where(ad == bd, 0.5, 1.0)
        ga = gb = None
        # the loser is masked out (not multiplied by 0), so an inf/nan gradient does not leak, as PyTorch
        gh = g * _make(half.astype(g._data.dtype)) if (ad == bd).any() else g
        if ctx.needs_input_grad[0]:
            ga = _fit(where(_make(lose_a), 0.0, gh), ctx.ma)
        if ctx.needs_input_grad[1]:
            gb = _fit(where(_make(lose_b), 0.0, gh), ctx.mb)
        return ga, gb


class Maximum(_MaxMin):
    np_fn = staticmethod(xp.maximum)


class Minimum(_MaxMin):
    np_fn = staticmethod(xp.minimum)


def maximum(input, other, *, out=None):
    return _out(Maximum.apply(input, tensor_arg("maximum", other)), out)


def minimum(input, other, *, out=None):
    return _out(Minimum.apply(input, tensor_arg("minimum", other)), out)


def _nan_ignoring(extreme, input, other):
    # fmax/fmin: a NaN loses to a number (NaN only where both are NaN); maximum/minimum propagate NaN
    other = to_tensor(other, input)
    r = extreme(input, other)
    nan_o, nan_i = xp.isnan(other._data), xp.isnan(input._data)
    if nan_i.any():
        r = where(_make(nan_i), other, r)
    if nan_o.any():   # last: where both are NaN the gradient goes to input, as PyTorch's
        r = where(_make(nan_o), input, r)
    if (input._data == other._data).any():
        # PyTorch's fmax/fmin return input at a tie (the sign of a zero: fmax(0., -0.) is 0., fmax(-0., 0.) is -0.)
        # and give it the whole gradient (self >= other), not half and half as maximum's
        keep = r.detach()
        tie = _make(xp.broadcast_to(input._data == other._data, keep._data.shape))
        r = where(tie, input.to(keep.dtype).expand_as(keep), r)
    return r


def fmax(input, other, *, out=None):
    """max(a, b), ignoring a NaN operand"""
    tensor_arg("fmax", other)
    return _out(_nan_ignoring(maximum, input, other), out)


def fmin(input, other, *, out=None):
    """min(a, b), ignoring a NaN operand"""
    tensor_arg("fmin", other)
    return _out(_nan_ignoring(minimum, input, other), out)


class Clamp(Function):
    """clamp(a, lo, hi); gradient passes where lo <= a <= hi (bounds included, as PyTorch)"""
    _builtin = True
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        d = a._data
        if d.dtype.kind not in "fV":  # the bounds promote like Python scalars (int -> float, bool -> int)
            if d.dtype.kind == "c":
                raise NotImplementedError("clamp is not supported for complex types")
            if isinstance(lo, float) or isinstance(hi, float):
                d = d.astype(D.get_default_dtype().np)
            elif d.dtype.kind == "b" and any(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
                d = d.astype(xp.int64)
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        if d.dtype.kind in "iu":   # PyTorch's scalar conversion: an unsigned dtype takes -1 as its max (wrapped)
            from ._util import check_scalar_fits
            lo = check_scalar_fits(lo, d.dtype) if lo is not None else lo
            hi = check_scalar_fits(hi, d.dtype) if hi is not None else hi
        r = d
        # std::min(std::max(x, lo), hi) as PyTorch: a -0 inside the bounds stays -0 (NumPy's maximum gives +0)
        if lo is not None:
            b = xp.asarray(lo, dtype=d.dtype) if d.dtype.kind in "fV" or isinstance(lo, int) else lo
            r = xp.where(r < b, b, r) if d.dtype.kind in "fV" else xp.maximum(r, b)
        if hi is not None:
            b = xp.asarray(hi, dtype=d.dtype) if d.dtype.kind in "fV" or isinstance(hi, int) else hi
            r = xp.where(b < r, b, r) if d.dtype.kind in "fV" else xp.minimum(r, b)
        if lo is not None and hi is not None and lo > hi:
            r = xp.full_like(d, hi)
        if r is d:
            r = d.copy()
        # NaN stays NaN; a NaN bound makes every element NaN (PyTorch)
        if d.dtype.kind in "fV":
            r = xp.where(xp.isnan(d), d, r)
            if any(isinstance(v, float) and v != v for v in (lo, hi)):
                r = xp.full_like(d, xp.nan)
        return r

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        d = a._data
        m = xp.ones(d.shape, bool)
        if ctx.lo is not None:
            m &= d >= ctx.lo
        if ctx.hi is not None:
            m &= d <= ctx.hi
        return where(_make(m), g, 0.0), None, None


class ClampTensor(Function):
    """clamp with tensor bounds: min(max(x, lo), hi), a NaN anywhere giving NaN. Gradients as PyTorch's: x's where
    lo <= x <= hi; lo's where x < lo < hi (a bound above hi gets none); hi's where x > hi or hi < lo."""
    _builtin = True
    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, lo, hi, rt):
        ctx.rt = rt
        ctx.metas = [_meta(t) for t in (a, lo, hi)]
        ctx.save_for_backward(*(t if isinstance(t, Tensor) else None for t in (a, lo, hi)))
        ctx.scalars = [None if isinstance(t, Tensor) else t for t in (a, lo, hi)]
        r, lod, hid = _clamp_operands(rt, a, lo, hi)
        if lod is not None:
            r = xp.where((r >= lod) | xp.isnan(r), r, lod)
        if hid is not None:
            r = xp.where((r <= hid) | xp.isnan(r), r, hid)
        return r if r is not a._data else r.copy()

    @staticmethod
    def backward(ctx, g):
        ts = [s if t is None else t for t, s in zip(ctx.saved_tensors, ctx.scalars)]
        x, lo, hi = _clamp_operands(ctx.rt, *ts)
        with xp.errstate(invalid="ignore"):
            mx = xp.ones(g._data.shape, bool)
            if lo is not None:
                mx = mx & (x >= lo)
            if hi is not None:
                mx = mx & (x <= hi)
            mlo = mhi = None
            if lo is not None and ctx.needs_input_grad[1]:
                mlo = (x < lo) & (lo < hi) if hi is not None else x < lo
            if hi is not None and ctx.needs_input_grad[2]:
                mhi = (x > hi) | (hi < lo) if lo is not None else x > hi
        out = []
        for m, meta, need in zip((mx, mlo, mhi), ctx.metas, ctx.needs_input_grad[:3]):
            if m is None or meta is None or not need:
                out.append(None)
            else:
                out.append(_fit(where(_make(xp.broadcast_to(m, g._data.shape)), g, 0.0), meta))
        return out[0], out[1], out[2], None


def _clamp_operands(rt, *ts):
    """x, lo, hi as arrays of the result dtype (None stays None)."""
    return [None if t is None else (t._data if isinstance(t, Tensor) else xp.asarray(t)).astype(rt.np, copy=False)
            for t in ts]


def clamp(input, min=None, max=None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        # the result takes the result type of the input and the tensor bounds together
        rt = _result_type3(input, *(b for b in (min, max) if isinstance(b, Tensor)))
        if rt._kind == 0:
            raise NotImplementedError("\"clamp_cpu\" not implemented for 'Bool'")
        if rt.is_complex:
            raise NotImplementedError("clamp is not supported for complex types")
        shape = input._data.shape
        for b in (min, max):
            if isinstance(b, Tensor):
                try:
                    shape = xp.broadcast_shapes(shape, b._data.shape)
                except ValueError as e:   # PyTorch's RuntimeError naming the sizes
                    from .._tensor import _bcast_error
                    raise _bcast_error(input, b, e) from None
        return _out(ClampTensor.apply(input, min, max, rt), out)
    return _out(Clamp.apply(input, min, max), out)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


_C10 = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def lerp(input, end, weight, *, out=None):
    """lerp(a, b, w) = a + w * (b - a); a, b (and a tensor w) of one floating dtype, as PyTorch requires"""
    dt = input._data.dtype
    # PyTorch takes a 0-d weight like a scalar: its dtype is not checked, only its category promotes
    w0 = isinstance(weight, Tensor) and weight._data.ndim == 0 and weight._data.dtype != dt
    for name, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v._data.dtype != dt and not (name == "weight" and w0):
            raise RuntimeError(f"expected dtype {_C10.get(dt.name, dt.name)} for `{name}` but got dtype "
                               f"{_C10.get(v._data.dtype.name, v._data.dtype.name)}")
    if w0:
        rt = _result_type3(*(t for t in (input, end, weight) if isinstance(t, Tensor)))
        if not (rt.is_floating_point or rt.is_complex):
            raise NotImplementedError(f"\"lerp_kernel_tensor\" not implemented for '{D.scalar_name(rt.np)}'")
        input, weight = input.to(rt), weight.to(rt)
        end = end.to(rt) if isinstance(end, Tensor) else end
        dt = input._data.dtype
    if dt.kind not in "fVc":
        kind = "tensor" if isinstance(weight, Tensor) else "scalar"
        raise NotImplementedError(f"\"lerp_kernel_{kind}\" not implemented for '{D.scalar_name(dt)}'")
    # PyTorch's two-sided form (exact at w = 1; an inf end point gives NaN at both w = 0 and w = 1):
    # |w| < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w), as PyTorch's scalar loop, which small tensors take (its
    # vectorized loop differs in the sign of a zero result and at w <= -0.5), written as one expression so that the
    # branch not taken passes no 0 * inf into the gradients (a - (-w) * d == a + w * d exactly)
    # PyTorch's kernel computes in float for half types and fuses the multiply-add (one rounding, as an FMA): the
    # multiply-add is formed in float64 here and rounded once, so (b - a)(1 - w) may exceed the dtype where the
    # result does not (b = 3e38, a = 0, w = -1 gives -3e38 in float32)
    half = dt.kind == "V" or dt.kind == "f" and dt.itemsize < 4
    wide = half or dt == xp.float32
    if half:
        input, end = input.double(), end.double() if isinstance(end, Tensor) else end
        weight = weight.double() if isinstance(weight, Tensor) else weight
    diff = end - input
    if isinstance(weight, Tensor):
        small = weight.abs() < 0.5
        base, coef = where(small, input, end), where(small, -weight, 1 - weight)
        if wide:
            return _out(_round_fma(base.double() - coef.double() * diff.double(), dt, half), out)
        return _out(base - coef * diff, out)
    if wide:
        w = float(xp.float32(weight))   # a scalar weight is taken as a float (PyTorch's opmath type)
        small = abs(w) < 0.5
        base, coef = (input, -w) if small else (end, float(xp.float32(1) - xp.float32(w)))
        return _out(_round_fma(base.double() - coef * diff.double(), dt, half), out)
    if abs(weight) < 0.5:
        return _out(input + weight * diff, out)
    return _out(end - diff * (1 - weight), out)


def _round_fma(r, dt, half):
    """The float64 multiply-add r rounded as PyTorch's kernel rounds its FMA: to float, then (half types) to dt."""
    r = r.float()
    return r.to(D.from_numpy_dtype(dt)) if half else r


def _result_type3(*ts):
    """PyTorch's result type of several tensors (a 0-d tensor only lifts the category)."""
    # each level (dimensioned, 0-d) promotes within itself first, then the 0-d level lifts the category: a pairwise
    # fold would let (0-d float32, int32[2]) hide a 0-d float64
    full = zero = None
    for t in ts:
        tdt = D.from_numpy_dtype(t._data.dtype)
        if t._data.ndim:
            full = tdt if full is None else D.promote(full, tdt)
        else:
            zero = tdt if zero is None else D.promote(zero, tdt)
    return zero if full is None else full if zero is None else D._combine(full, zero)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2 in the tensors' common dtype; value does not promote (an integral
    result takes int(value) and wraps like C)."""
    if not all(isinstance(t, Tensor) for t in (input, tensor1, tensor2)):
        return input + value * tensor1 * tensor2
    rt = _result_type3(input, tensor1, tensor2)
    if rt.is_floating_point or rt.is_complex:
        return input.to(rt) + value * tensor1.to(rt) * tensor2.to(rt)
    if rt._kind == 0:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    try:
        xp.broadcast_shapes(input._data.shape, tensor1._data.shape, tensor2._data.shape)
    except ValueError:   # PyTorch's broadcast error, from the tensor ops
        return input * tensor1 * tensor2
    i64 = [t._data.astype(xp.int64) for t in (input, tensor1, tensor2)]
    with xp.errstate(over="ignore"):
        r = i64[0] + int(value) * i64[1] * i64[2]
    return _make(r.astype(rt.np))


def addcdiv(input, tensor1, tensor2, *, value=1):
    if all(isinstance(t, Tensor) and t._data.dtype.kind in "biu" for t in (tensor1, tensor2)):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")
    if all(isinstance(t, Tensor) for t in (input, tensor1, tensor2)):   # value does not promote
        return Addcdiv.apply(input, tensor1, tensor2, value)
    return input + value * tensor1 / tensor2


class Addcdiv(Function):
    """input + value * t1 / t2 in the three tensors' common dtype. The gradients are PyTorch's formulas on the
    operands as given: t1's g * (value / t2) and t2's -g * (value * t1 / (t2 * t2)), each part in its operand's own
    dtype (a float16 t2 makes value / t2 overflow there, as in PyTorch)."""
    _builtin = True
    node_name = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, input, t1, t2, value):
        from ..autograd.grad_mode import no_grad
        rt = _result_type3(input, t1, t2)
        ctx.value, ctx.metas = value, [_meta(t) for t in (input, t1, t2)]
        if ctx.needs_input_grad and (ctx.needs_input_grad[1] or ctx.needs_input_grad[2]):
            ctx.save_for_backward(t1, t2)
        with no_grad():
            return (input.to(rt) + value * t1.to(rt) / t2.to(rt))._data

    @staticmethod
    def backward(ctx, g):
        ni, n1, n2 = ctx.needs_input_grad[:3]
        v = ctx.value
        gi = _fit(g, ctx.metas[0]) if ni else None
        g1 = g2 = None
        if n1 or n2:
            t1, t2 = ctx.saved_tensors
            if n1:
                # C++'s Scalar / Tensor: value filled in t2's dtype, then divided (not reciprocal(t2) * value)
                from .conversion import full_like
                g1 = _fit(g * (full_like(t2, v) / t2), ctx.metas[1])
            if n2:
                g2 = _fit(-g * (v * t1 / (t2 * t2)), ctx.metas[2])
        return gi, g1, g2, None


class Atan2(Function):
    """atan2(a, b): the angle of (b, a); d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2), both 0 where
    a^2 + b^2 is 0 (as PyTorch, also where the squares underflow)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = float_operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a, b)
        return xp.arctan2(ad, bd).astype(ad.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        if nb and a._data.dtype.kind == "b":   # PyTorch's backward forms -self
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                               "invert a mask, use the `~` or `logical_not()` operator instead.")
        s = a * a + b * b
        recip = where(s == 0, s * 0, 1 / s)
        return (_fit(g * b * recip, ctx.ma) if na else None), (_fit(g * -a * recip, ctx.mb) if nb else None)


def atan2(input, other, *, out=None):
    tensor_arg("atan2", other)
    return _out(Atan2.apply(input, other), out)


arctan2 = atan2


class LogAddExp(Function):
    """log(e^a + e^b) = max + log1p(e^-|a - b|); d/da = sigmoid(a - b)"""
    _builtin = True

    @staticmethod
    def forward(ctx, a, b):
        ad, bd = operands(a, b)
        ctx.ma, ctx.mb = _meta(a), _meta(b)
        ctx.save_for_backward(a, b)
        if ad.dtype.kind == "c":  # both Tensors (logaddexp takes no Python number), promoted alike
            from .complex import cx_logaddexp
            return cx_logaddexp(ad, bd)
        return xp.logaddexp(ad, bd)

    @staticmethod
    def backward(ctx, g):
        from .unary import sigmoid
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (_fit(g * sigmoid(a - b), ctx.ma) if na else None), (_fit(g * sigmoid(b - a), ctx.mb) if nb else None)


def logaddexp(input, other, *, out=None):
    tensor_arg("logaddexp", other)
    ad, bd = operands(input, other)
    d = ad if hasattr(ad, "dtype") else bd
    if d.dtype.kind not in "fVc":
        raise NotImplementedError(f"\"logaddexp_cpu\" not implemented for '{D.scalar_name(d.dtype)}'")
    return _out(LogAddExp.apply(input, other), out)


def tensor_where(self, condition, y):
    """``x.where(cond, y)`` is ``where(cond, x, y)``."""
    return where(condition, self, y)


def polar(abs, angle):
    raise NotImplementedError("complex tensors are not supported")
