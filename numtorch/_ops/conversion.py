"""Conversions and copies into existing storage: dtype casts, clone, contiguous, copy_, fill_/zero_,
full_like."""
from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from .._tensor import Tensor, _make
from ._util import sum_to, zeros_of


class ToDtype(Function):
    """cast to another dtype; the gradient is cast back"""
    _builtin = True
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a._data.dtype
        ad = a._data
        if ad.dtype.kind == "c" and dtype._kind != 3:
            ad = _discard_imag(ad, dtype.np)
        return D.cast(ad, dtype.np)

    @staticmethod
    def backward(ctx, g):
        if ctx.dtype.kind not in "fVc":
            return None, None
        if ctx.dtype.kind != "c" and g._data.dtype.kind == "c":
            g = g.real   # real -> complex: the real part of the gradient, without the cast's warning
        return ToDtype.apply(g, D.from_numpy_dtype(ctx.dtype)), None


def _discard_imag(arr, to=None):
    """A complex array cast to a real type keeps its real part, with PyTorch's warning (once per process,
    as PyTorch's TORCH_WARN_ONCE); cast to bool it is z != 0 (both parts count), without a warning."""
    if to is not None and to.kind == "b":
        return arr != 0
    if not _warned_imag:
        import warnings
        _warned_imag.append(True)
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=5)
    return arr.real


_warned_imag = []


def to_dtype(input, dtype):
    if not isinstance(dtype, D.dtype):
        dtype = D.from_numpy_dtype(D.to_numpy_dtype(dtype))
    return ToDtype.apply(input, dtype)


class Clone(Function):
    """a copy that stays in the graph"""
    _builtin = True

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    return Clone.apply(input)


class Contiguous(Clone):
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, a):
        return xp.ascontiguousarray(a._data)


def contiguous(input):
    return Contiguous.apply(input)


class CopyFrom(Function):
    """``dst.copy_(src)``: src broadcast to dst's shape and cast to its dtype; the old dst gets no gradient"""
    _builtin = True
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        ctx.src_shape, ctx.src_dtype = src._data.shape, src._data.dtype
        sd = src._data
        if sd.dtype.kind == "c" and dst._data.dtype.kind != "c":
            sd = _discard_imag(sd, dst._data.dtype)
        try:
            return xp.broadcast_to(sd, dst._data.shape).astype(dst._data.dtype, copy=True)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({dst._data.shape[-1] if dst._data.ndim else 1}) must match "
                               f"the size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) at "
                               f"non-singleton dimension {dst._data.ndim - 1}") from None

    @staticmethod
    def backward(ctx, g):
        gd = zeros_of(g) if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[1]:
            gs = sum_to(g, ctx.src_shape)
            if gs._data.dtype != ctx.src_dtype:
                gs = gs.to(D.from_numpy_dtype(ctx.src_dtype))
        return gd, gs


class Fill(Function):
    """``t.fill_(v)``: every element becomes v; t's old values get no gradient, a tensor v gets sum(g)"""
    _builtin = True
    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, a, value):
        v = value._data if isinstance(value, Tensor) else value
        return xp.full(a._data.shape, v, a._data.dtype)

    @staticmethod
    def backward(ctx, g):
        ga = zeros_of(g) if ctx.needs_input_grad[0] else None
        gv = g.sum() if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1] else None
        return ga, gv


class FillTensor(Fill):
    node_name = "FillBackward3"


class Zero(Fill):
    node_name = "ZeroBackward0"


def full_like(input, fill_value, *, dtype=None, requires_grad=False):
    d = input._data
    npd = D.to_numpy_dtype(dtype) if dtype is not None else d.dtype
    t = _make(xp.full(d.shape, fill_value, npd))
    t.requires_grad = requires_grad
    return t
