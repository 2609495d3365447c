"""Linear layers' math: linear and bilinear."""
from ... import _ops as ops
from ..._backend import xp
from ..._cpu import mm as _pmm
from ..._tensor import Tensor, _make
from ...autograd.grad_mode import state as _gs
from ...autograd.function import _observers
from ..._ops._util import reduced_axes, as_view
from ..._ops.matmul import Addmm, _check_mm
from ..._ops.views import T as _T
from ..parameter import Parameter



class _WeightT(_T):
    """``TBackward0`` of ``F.linear``'s ``W^T``.  Fast path: without a graph to record, the gradient of
    ``W`` is the incoming gradient transposed back as a plain tensor (no view record: it only flows on to
    ``W``'s sink or to the ops that made ``W``, never modified in place), so the leaf can take it over.
    Reference: ``T.backward`` (a differentiable permute), used under ``create_graph``."""

    node_name = "TBackward0"

    @staticmethod
    def backward(ctx, g):
        if not _gs.enabled and g.__class__ is Tensor:
            return _make(g._data.T), None
        return _T.backward(ctx, g)


_T_DIMS = (1, 0)
_PLAIN = (Tensor, Parameter)   # (subclasses may define their own t())

__all__ = ["linear", "bilinear"]


class _LinearAddmm(Addmm):
    """``addmm(bias, x, W^T)`` whose weight gradient comes out in the weight's own row-major layout.

    ``mat2`` is the transposed view ``W^T``; its gradient ``x^T g`` is computed as ``(g^T x)^T`` (the
    same GEMM), so after the transpose node the gradient of ``W`` is C-contiguous and the optimizer's
    element-wise updates run on arrays of one layout (mixed C/F layouts make every NumPy pass strided).
    Fast path: the raw-array backward below; reference: ``Addmm.backward`` (used under ``create_graph``;
    tests pin the two together).
    """

    node_name = "AddmmBackward0"

    @staticmethod
    def backward(ctx, g):
        if _gs.enabled:
            return Addmm.backward(ctx, g)
        a, b = ctx.saved_tensors
        nc, na, nb = ctx.needs_input_grad
        gd = g._data
        gc = None
        if nc:
            cs = ctx.cshape
            if gd.shape == cs:
                gc = g
            elif len(cs) == 1 and gd.ndim == 2 and gd.shape[1] == cs[0]:
                gc = _make(_add_reduce(gd, 0))   # the usual bias row: gd.sum(0) minus its Python wrapper
            else:
                lead, axes = reduced_axes(gd.shape, cs)
                gc = _make((gd.sum(axis=axes, keepdims=True) if axes else gd).reshape(cs))
        ga = _make(_pmm(gd, b._data.T)) if na else None
        gb = _make(_pmm(gd.T, a._data).T) if nb else None
        return gc, ga, gb, None, None


_add_reduce = xp.add.reduce


def _linear_arrays(input, weight, bias):
    """``linear`` on the arrays when nothing is recorded: ``x`` folded to 2-D, one GEMM, the bias added in
    place -- the numbers of the graph path below (the same addmm), without its four Function applications
    (weight.t(), reshape, addmm, view). None when the arguments are not the plain case (the graph path then
    raises PyTorch's errors)."""
    xd, wd = input._data, weight._data
    dt = xd.dtype
    if wd.ndim != 2 or xd.ndim < 2 or xd.shape[-1] != wd.shape[1] or wd.dtype != dt or dt.kind != "f":
        return None
    if bias is not None:
        if bias.__class__ not in _PLAIN:
            return None
        bd = bias._data
        if bd.shape != (wd.shape[0],) or bd.dtype != dt:
            return None
    out = _pmm(xd.reshape(-1, xd.shape[-1]) if xd.ndim != 2 else xd, wd.T)
    if bias is not None:
        out += bd
    return _make(out.reshape(xd.shape[:-1] + (wd.shape[0],)) if xd.ndim != 2 else out)


def linear(input, weight, bias=None):
    """y = x W^T + b (one addmm for 2-D input)"""
    if (input.__class__ in _PLAIN and weight.__class__ in _PLAIN and not _observers
            and not (_gs.enabled and (input.requires_grad or weight.requires_grad
                                      or (bias is not None and bias.requires_grad)))):
        # fast path (no graph, no profiler/tracer watching Function.apply); tests/nn/test_linear_nograd_path.py
        # pins it to the graph path
        out = _linear_arrays(input, weight, bias)
        if out is not None:
            return out
    if input.ndim == 2 and bias is not None:
        wt = as_view(_WeightT, weight, _T_DIMS) if weight.__class__ in _PLAIN and weight.ndim == 2 \
            else weight.t()
        _check_mm(input, wt, "addmm")
        return _LinearAddmm.apply(bias, input, wt)
    if (bias is not None and input.ndim >= 1 and weight.ndim == 2 and input.shape[-1] == weight.shape[1]
            and tuple(bias.shape) == (weight.shape[0],)):
        # as PyTorch: fold the leading dims into one addmm, then view back (grad_fn ViewBackward0)
        wt = weight.t()
        x2 = input.reshape(-1, input.shape[-1])
        _check_mm(x2, wt, "addmm")
        return _LinearAddmm.apply(bias, x2, wt).view(tuple(input.shape[:-1]) + (weight.shape[0],))
    out = ops.matmul(input, weight.t())
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_{i,j} x1[..., i] W[o, i, j] x2[..., j] + b[o]"""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    O, I, J = weight.shape
    if input1.shape[-1] != I:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {I}")
    if input2.shape[-1] != J:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {J}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, I)
    x2 = input2.reshape(-1, J)
    # (B, I) @ (I, O*J) -> (B, O, J), then contract with x2 over J: two BLAS-sized products
    t = ops.matmul(x1, weight.permute(1, 0, 2).reshape(I, O * J)).reshape(-1, O, J)
    out = ops.matmul(t, x2.unsqueeze(-1)).squeeze(-1).reshape(lead + (O,))
    if bias is not None:   # the bias added last, as PyTorch (grad_fn AddBackward0)
        out = out + bias
    return out
