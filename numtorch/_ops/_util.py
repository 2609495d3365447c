"""Helpers shared by the operations: operand promotion, dims, and un-broadcasting."""
import numbers
import re
import warnings

from .._backend import xp, is_array
from ..autograd.grad_mode import state as _gs
from .. import _dtype as D
from .._tensor import Tensor, _make, _wrap_dim

_bool, _int, _float = bool, int, float


def data(x):
    """The array behind a Tensor, or the Python scalar itself."""
    return x._data if isinstance(x, Tensor) else x


def operands(a, b, wrap=False):
    """The two arrays (or array and scalar) an elementwise op computes on, promoted as PyTorch does; ``wrap``
    (ops that compute in the integer dtype): a Python int beyond an integer array's range wraps into it."""
    if isinstance(a, Tensor):
        ad = a._data
        if isinstance(b, Tensor):
            bd = b._data
            if ad.dtype is bd.dtype or ad.dtype == bd.dtype:
                return ad, bd
            rt = D.result_type(D.from_numpy_dtype(ad.dtype), ad.ndim == 0,
                               D.from_numpy_dtype(bd.dtype), bd.ndim == 0).np
            return ad.astype(rt, copy=False), bd.astype(rt, copy=False)
        if isinstance(b, xp.generic):   # a NumPy scalar is a Python number to PyTorch (NEP 50 would promote)
            b = b.item()
        ad = _with_scalar(ad, b)
        return ad, (_wrapped_int(ad, b) if wrap else b)
    if isinstance(a, xp.generic):
        a = a.item()
    bd = _with_scalar(b._data, a)
    return (_wrapped_int(bd, a) if wrap else a), bd



def float_operands(a, b):
    """operands() promoted further to the default float dtype when both are integral (atan2, hypot, copysign,
    xlogy...): each operand is converted from its own dtype, not first to the pair's integer type (where a
    negative 0-d int32 would wrap into uint8)."""
    ad, bd = operands(a, b)
    # a Python scalar stays one (NumPy then treats it as weak, as PyTorch: float32 op 0.5 -> float32)
    ka = ad.dtype.kind if hasattr(ad, "dtype") else ("f" if isinstance(ad, float) else "i")
    kb = bd.dtype.kind if hasattr(bd, "dtype") else ("f" if isinstance(bd, float) else "i")
    if ka not in "fVc" and kb not in "fVc":
        f = D.get_default_dtype().np
        ad, bd = (xp.asarray(v._data if isinstance(v, Tensor) else v).astype(f) for v in (a, b))
    return ad, bd

def _wrapped_int(arr, s):
    """A Python int beyond an integer array's range wraps into its dtype, as PyTorch's C cast of the scalar
    (uint8: -1 is 255); NumPy would raise OverflowError."""
    if s.__class__ is _int and arr.dtype.kind in "iu":
        info = xp.iinfo(arr.dtype)
        if not info.min <= s <= info.max and -2 ** 63 <= s < 2 ** 64:
            return int(xp.array(s & 0xFFFFFFFFFFFFFFFF, dtype=xp.uint64).astype(arr.dtype))
    return s


def _with_scalar(arr, s):
    k = arr.dtype.kind
    if k == "f" or k == "V" or k == "c":  # V: ml_dtypes bfloat16
        return arr
    if s.__class__ is _float or (isinstance(s, numbers.Real) and not isinstance(s, numbers.Integral)):
        return arr.astype(D.get_default_dtype().np)
    if k != "c" and isinstance(s, numbers.Complex) and not isinstance(s, numbers.Real):
        return arr.astype(D.default_complex().np)   # integer tensor with a Python complex
    if k == "b" and not isinstance(s, _bool):
        return arr.astype(xp.int64)
    return arr


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t",
            "float16": "c10::Half", "float32": "float"}


def check_scalar_fits(value, np_dtype):
    """PyTorch's check when a Python scalar is written into a tensor (fill_, masked_fill, index_fill, setitem):
    RuntimeError if it overflows the dtype (NaN/inf into an integer; an unsigned type also takes -max..-1, wrapped
    as C does). Returns the value to write."""
    k = np_dtype.kind
    if isinstance(value, (_bool, Tensor)) or k not in "iuf" or np_dtype.itemsize == 8 and k == "f" or \
            not isinstance(value, (_int, _float)):
        return value
    if k == "f":
        bad = value == value and abs(value) != float("inf") and abs(value) > float(xp.finfo(np_dtype).max)
    else:
        info = xp.iinfo(np_dtype)
        if value != value or value in (float("inf"), float("-inf")):
            bad = True
        else:
            # a negative int wraps into an unsigned type (down to -max), a negative float does not
            bad = value > info.max or value < (-_int(info.max) if k == "u" and isinstance(value, _int) else info.min)
    if bad:
        if k == "u" and np_dtype.itemsize == 8 and isinstance(value, _int) and value > 0:
            raise OverflowError("int too big to convert")   # PyTorch fails reading it as an unsigned long long
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[np_dtype.name]} without overflow")
    if k == "u" and value < 0:
        return _int(value) % (_int(xp.iinfo(np_dtype).max) + 1)
    return value


def tensor_arg(fname, x, arg="other"):
    """PyTorch's argument-parser TypeError for a Tensor-only second argument given a Python scalar."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position 2) must be Tensor, not {type(x).__name__}")
    return x


def to_tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (_int, _float, _bool)):
        return _make(xp.asarray(x, dtype=like._data.dtype if like._data.dtype.kind in "fV" else None))
    return _make(xp.asarray(x, dtype=D.to_numpy_dtype(_infer(x))))


def _infer(x):
    if isinstance(x, _bool):
        return D.bool_
    if isinstance(x, _int):
        return D.int64
    if isinstance(x, _float):
        return D.get_default_dtype()
    a = xp.asarray(x)
    if a.dtype.kind in "fV":
        return D.get_default_dtype() if not is_array(x) else D.from_numpy_dtype(a.dtype)
    if a.dtype.kind in "iu":
        return D.int64 if not is_array(x) else D.from_numpy_dtype(a.dtype)
    return D.from_numpy_dtype(a.dtype)


def wrap_dim(dim, ndim):
    return _wrap_dim(dim, ndim)


def dims_tuple(dim, ndim):
    """Normalize ``dim`` (None, int or sequence) into a sorted tuple of axes, or None for all."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        out = tuple(sorted(_wrap_dim(d, ndim) for d in dim))
        if len(set(out)) != len(out):
            dup = next(d for d in out if out.count(d) > 1)
            raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
        return out if ndim else None
    d = _wrap_dim(dim, ndim)
    # a 0-d tensor accepts dim 0 / -1, and reducing over it reduces over nothing, as in PyTorch
    return (d,) if ndim else None


def sum_to(grad, shape):
    """Sum a broadcast gradient back to ``shape`` (the one un-broadcasting helper)."""
    if grad._data.shape == shape:
        return grad
    global _SumTo
    if _SumTo is None:  # imported once, not per call (ops.reduce imports this module)
        from .reduce import SumTo
        _SumTo = SumTo
    return _SumTo.apply(grad, shape)


_SumTo = None


def reduced_axes(gshape, shape):
    """The axes summed away and the leading axes dropped when ``gshape`` is reduced to ``shape``."""
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    return lead, axes


def shape_arg(args):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f(torch.Size([2, 3]))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(int(a) for a in args)


def as_view(cls, *args):
    """``cls.apply(*args)`` for a view op, remembering how the view was taken so that an in-place
    change of the view can be written back into its base's history (PyTorch's CopySlices)."""
    r = cls.apply(*args)
    if r.__class__ is tuple:
        for i, o in enumerate(r):
            o._view = (cls, args, i)
            if args[0]._conj:
                o._conj = True
    else:
        r._view = (cls, args, None)
        if args[0]._conj:   # a view of a conjugated tensor keeps the conjugate bit, as PyTorch's
            r._conj = True
    return r


def zeros_of(g):
    """A zero gradient shaped like ``g`` that does not depend on it (``g * 0`` would turn inf/nan into nan)."""
    return _make(xp.zeros(g._data.shape, g._data.dtype))


def write_out(r, out):
    """The ``out=`` argument: ``r``'s values written into ``out`` in place (so views of ``out`` see them),
    with PyTorch's checks: no autograd through ``out=``, no cast to a lower dtype category (float into an
    integer tensor), and a non-empty ``out`` of another shape is resized with PyTorch's warning."""
    if out is None:
        return r
    # (an op without a derivative records a node whose backward raises: PyTorch lets it write into out=)
    if _gs.enabled and (r.requires_grad or out.requires_grad) and not (
            r.grad_fn is not None and r.grad_fn.name() == "NotImplemented" and not out.requires_grad):
        fn = r.grad_fn
        name = re.sub(r"Backward\d*$", "", fn.name()).lower() if fn is not None else "out"
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    rd, od = r._data, out._data
    if _category(rd.dtype) > _category(od.dtype):
        raise RuntimeError(f"result type {D.scalar_name(rd.dtype)} can't be cast to the desired output type "
                           f"{D.scalar_name(od.dtype)}")
    if rd.shape != od.shape:
        if od.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(od.shape)}, "
                          f"which does not match the required output shape {list(rd.shape)}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          "have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, "
                          "to zero elements with t.resize_(0).", UserWarning, stacklevel=3)
        out._data = rd.astype(od.dtype, copy=True)
    else:
        xp.copyto(od, rd, casting="unsafe")
    out._vc[0] += 1
    if r.grad_fn is not None and _gs.enabled and r.grad_fn.name() == "NotImplemented":
        # out takes the op's not-implemented node, as PyTorch's out= does (its backward then raises)
        out.grad_fn, out._out_nr, out.requires_grad = r.grad_fn, r._out_nr, True
    return out


def _category(np_dtype):
    """PyTorch's casting categories for ``out=``: bool < integer < floating < complex."""
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}.get(np_dtype.kind, 2)
