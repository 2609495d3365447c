"""Tensor creation: tensor, zeros, ones, full, arange, linspace, eye, rand, randn, ..."""
import builtins
import math
import numbers

from ._backend import xp, is_array
from . import _dtype as D
from . import _random
from ._tensor import Tensor, _make, Size
from . import _devices as _dv
from ._ops._util import shape_arg


def _np_dtype(dtype, default=None):
    if dtype is None:
        return default
    return D.to_numpy_dtype(dtype)


def _finish(arr, requires_grad):
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind not in "fVc":   # the factories' own sentence (requires_grad_() words it differently)
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _is_sequence(x):
    """What torch.tensor reads as a sequence (Python's sequence protocol): deque, range, array.array, any class
    with ``__len__`` and ``__getitem__``; not str/bytes (refused) nor mappings and sets (no dtype)."""
    t = type(x)
    return (hasattr(t, "__len__") and hasattr(t, "__getitem__")
            and not issubclass(t, (str, bytes, bytearray, dict, Tensor)) and not is_array(x))


def _infer_dtype(data):
    """PyTorch's choice for Python data: bools -> bool, ints -> int64, any float -> default float."""
    kinds = set()

    def walk(x, first=True):
        if isinstance(x, Tensor):
            kinds.add(("t", x._data.dtype))
        elif is_array(x) or (isinstance(x, xp.generic) and not isinstance(x, xp.bool_)):
            kinds.add(("t", x.dtype))   # NumPy scalars keep their dtype, as in PyTorch
        elif isinstance(x, builtins.bool) or isinstance(x, xp.bool_):
            kinds.add("b")
        elif isinstance(x, numbers.Integral):
            kinds.add("i")
        elif isinstance(x, numbers.Real):
            kinds.add("f")
        elif isinstance(x, numbers.Complex):
            kinds.add("c")
        elif isinstance(x, (list, tuple)) or _is_sequence(x):
            for i, y in enumerate(x):
                walk(y, first and i == 0)
        elif isinstance(x, (str, bytes)):
            # PyTorch sizes the tensor along the first items: a string there is a sequence without end
            if first and x is not data and isinstance(x, str):
                raise ValueError(f"too many dimensions '{type(x).__name__}'")
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    walk(data)
    tens = [k[1] for k in kinds if isinstance(k, tuple)]
    if "c" in kinds or builtins.any(d.kind == "c" for d in tens):
        # complex: the default complex type, or the widest complex/float array given
        fl = [d for d in tens if d.kind in "fc"]
        if "c" in kinds or "f" in kinds:
            fl.append(D.default_complex().np)
        r = xp.result_type(*fl)
        return r if r.kind == "c" else D.from_numpy_dtype(r).to_complex().np
    if "f" in kinds or builtins.any(d.kind in "fV" for d in tens):
        fl = [d for d in tens if d.kind in "fV"]
        if "f" in kinds:
            fl.append(D.get_default_dtype().np)
        return xp.result_type(*fl)
    if "i" in kinds or builtins.any(d.kind in "iu" for d in tens):
        ints = [d for d in tens if d.kind in "iu"]
        if ints and "i" not in kinds and len(set(ints)) == 1:
            return ints[0]
        return xp.int64
    if kinds:
        return xp.bool_
    return D.get_default_dtype().np


_warned_list_of_arrays = [False]


def _warn_list_of_arrays(data):
    """PyTorch warns once per process when a tensor is built from a (nested) list holding NumPy arrays."""
    if _warned_list_of_arrays[0]:
        return
    stack = [data]
    while stack and not _warned_list_of_arrays[0]:
        for x in stack.pop():
            if is_array(x) and x.ndim and x.size:
                import warnings
                _warned_list_of_arrays[0] = True
                import os
                import sys
                # attribute the warning to the caller's line: the first frame outside numtorch
                pkg, level, f = os.path.dirname(os.path.abspath(__file__)), 2, sys._getframe(1)
                while f is not None and os.path.abspath(f.f_code.co_filename).startswith(pkg + os.sep):
                    f, level = f.f_back, level + 1
                warnings.warn("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
                              "converting the list to a single numpy.ndarray with numpy.array() before converting "
                              "to a tensor.", UserWarning, stacklevel=level)
                return
            if isinstance(x, (list, tuple)):
                stack.append(x)


def _to_array(data, npd):
    if isinstance(data, (list, tuple)) and not _warned_list_of_arrays[0]:
        _warn_list_of_arrays(data)
    if isinstance(data, Tensor):
        return D.cast(data._data, npd) if D.is_bf16(npd) else xp.array(data._data, dtype=npd, copy=True)
    if is_array(data):
        return D.cast(data, npd) if D.is_bf16(npd) else xp.array(data, dtype=npd, copy=True)
    if isinstance(data, (list, tuple)) and builtins.any(isinstance(x, (Tensor, list, tuple)) for x in data):
        def conv(x):
            if isinstance(x, Tensor):
                return x._data.tolist() if x._data.ndim else x._data.item()
            if isinstance(x, (list, tuple)):
                return [conv(y) for y in x]
            return x
        data = conv(data)
    if D.is_bf16(npd):  # torch makes a bfloat16 from a float: doubles are rounded to float32 first
        return xp.array(data, dtype=xp.float32).astype(npd)
    if npd == _U64 and xp.dtype(_infer_dtype(data)).kind == "f":
        raise TypeError("an integer is required")   # PyTorch reads Python numbers for uint64 as C unsigned ints
    try:
        return xp.array(data, dtype=npd)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    except OverflowError:
        if npd.kind != "u":
            raise
        return _wrap_unsigned(data, npd)


_U64 = xp.dtype("uint64")


def _wrap_unsigned(data, npd):
    """Python ints into an unsigned dtype as PyTorch converts them: -max..-1 wrap (C's cast), beyond that a
    RuntimeError; uint64 takes no negative int (PyTorch reads it as an unsigned long long)."""
    wide = xp.array(data, dtype=object)
    flat = [int(v) for v in wide.ravel()]
    hi = int(xp.iinfo(npd).max)
    if npd == _U64:
        if builtins.any(v < 0 for v in flat):
            raise OverflowError("can't convert negative int to unsigned")
        raise OverflowError("int too big to convert")
    if builtins.any(v > hi or v < -hi for v in flat):
        raise RuntimeError(f"value cannot be converted to type {npd.name} without overflow")
    return xp.array([v % (hi + 1) for v in flat], dtype=npd).reshape(wide.shape)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays or tensors)."""
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    if is_array(data) and dtype is None:
        D.from_numpy_dtype(data.dtype)
        npd = data.dtype
    elif isinstance(data, Tensor) and dtype is None:
        npd = data._data.dtype
    else:
        if _is_sequence(data) and not isinstance(data, (list, tuple)):
            data = list(data)   # a deque, range, array.array...: its items, as PyTorch reads any sequence
        npd = _np_dtype(dtype) or _infer_dtype(data)
    arr = _to_array(data, npd)
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if isinstance(data, Tensor):
        return data if dtype is None or D.to_numpy_dtype(dtype) == data._data.dtype else data.to(dtype)
    if is_array(data):
        D.from_numpy_dtype(data.dtype)
        npd = _np_dtype(dtype, data.dtype)
        return _make(data if npd == data.dtype else data.astype(npd))
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray):
    if not is_array(ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def _sized(fn):
    def creator(*sizes, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
                pin_memory=False, memory_format=None, generator=None):
        if size is not None:   # ``torch.zeros(size=(2, 3))``
            if sizes:
                raise TypeError(f"{creator.__name__}() received an invalid combination of arguments - got the "
                                f"size both positionally and as size=")
            sizes = (size,)
        if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
            _dv.check(device)
        shape = shape_arg(sizes)
        for s in shape:
            if s < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
        arr = fn(shape, dtype, generator)
        return _finish(arr, requires_grad)
    creator.__name__ = creator.__qualname__ = fn.__name__.strip("_")
    return creator


@_sized
def zeros(shape, dtype, g):
    return xp.zeros(shape, _np_dtype(dtype, D.get_default_dtype().np))


@_sized
def ones(shape, dtype, g):
    return xp.ones(shape, _np_dtype(dtype, D.get_default_dtype().np))


@_sized
def empty(shape, dtype, g):
    return xp.zeros(shape, _np_dtype(dtype, D.get_default_dtype().np))


@_sized
def rand(shape, dtype, g):
    _floating_only(dtype, "check_uniform_bounds")
    npd = _np_dtype(dtype, D.get_default_dtype().np)
    return _random.uniform_(xp.empty(shape, npd), 0.0, 1.0, g)


@_sized
def randn(shape, dtype, g):
    _floating_only(dtype, "normal_kernel_cpu")
    npd = _np_dtype(dtype, D.get_default_dtype().np)
    return _random.normal_(xp.empty(shape, npd), 0.0, 1.0, g)


def _floating_only(dtype, kernel):
    """rand/randn of an integer or bool dtype: PyTorch's NotImplementedError naming its kernel."""
    if dtype is not None and not dtype.is_floating_point and not dtype.is_complex:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{D.scalar_name(dtype.np)}'")


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = D.bool_ if isinstance(fill_value, builtins.bool) else D.int64 if isinstance(fill_value, numbers.Integral) \
            else D.get_default_dtype() if isinstance(fill_value, numbers.Real) else D.default_complex()
    npd = _np_dtype(dtype)
    if npd.kind == "u" and isinstance(fill_value, int):
        from ._ops._util import check_scalar_fits
        fill_value = check_scalar_fits(fill_value, npd)   # -1 into an unsigned type wraps, as PyTorch
    return _finish(xp.full(shape_arg((size,)) if not isinstance(size, int) else (size,), fill_value, npd),
                   requires_grad)


def _like(fn_arr):
    def creator(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
            _dv.check(device)
        npd = _np_dtype(dtype, input._data.dtype)
        return _finish(fn_arr(input._data.shape, npd), requires_grad)
    return creator


zeros_like = _like(lambda s, d: xp.zeros(s, d))
ones_like = _like(lambda s, d: xp.ones(s, d))
empty_like = _like(lambda s, d: xp.zeros(s, d))
def _random_like(fill):
    # empty_like keeps the input's layout (as PyTorch's preserve_format), and the draws land in memory order
    def creator(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
                memory_format=None):
        if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
            _dv.check(device)
        return _finish(fill(xp.empty_like(input._data, dtype=_np_dtype(dtype, input._data.dtype)), generator),
                       requires_grad)
    return creator


rand_like = _random_like(lambda a, g: _random.uniform_(a, 0.0, 1.0, g))
randn_like = _random_like(lambda a, g: _random.normal_(a, 0.0, 1.0, g))


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    npd = _np_dtype(dtype, input._data.dtype)
    return _finish(xp.full(input._data.shape, fill_value, npd), requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if size is None:
        # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:
        # randint(high, size=...)
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint() missing required argument 'high'")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    npd = _np_dtype(dtype, xp.int64)
    return _finish(_random.random_(xp.empty(tuple(size), npd), low, high, generator), requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if xp.dtype(_np_dtype(dtype, input._data.dtype)).kind == "c":
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    return _finish(_random.random_(xp.empty_like(input._data, dtype=_np_dtype(dtype, input._data.dtype)), low, high,
                                   generator),
                   requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    return _finish(_random.randperm_values(_random._g(generator), n).astype(_np_dtype(dtype, xp.int64)),
                   requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if dtype is not None and dtype.is_complex:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{D.scalar_name(dtype.np)}'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        isint = builtins.all(isinstance(v, numbers.Integral) for v in vals)
        npd = xp.int64 if isint else D.get_default_dtype().np
    else:
        npd = _np_dtype(dtype)
    n = builtins.max(math.ceil((end - start) / step), 0)
    # computed in double then cast, so float32 ends land where PyTorch's do
    arr = (start + xp.arange(n, dtype=xp.float64) * step) if xp.dtype(npd).kind in "fV" or not builtins.all(
        isinstance(v, numbers.Integral) for v in vals) else xp.arange(start, end, step, dtype=xp.int64)
    return _finish(arr.astype(npd), requires_grad)


def range_(start=0, end=None, step=1, *, dtype=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    npd = _np_dtype(dtype, D.get_default_dtype().np)
    return _finish((start + xp.arange(n, dtype=xp.float64) * step).astype(npd), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    npd = _np_dtype(dtype, D.get_default_dtype().np)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 0:
        return _finish(xp.zeros(0, npd), requires_grad)
    # PyTorch fills the first half from ``start`` and the second half from ``end`` (symmetric rounding)
    if steps == 1:
        arr = xp.array([start], dtype=xp.float64)
    else:
        step = (end - start) / (steps - 1)
        idx = xp.arange(steps, dtype=xp.float64)
        half = steps // 2
        arr = xp.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    if npd.kind in "fV" and npd == xp.float32:
        # as PyTorch's float kernel: a float32 step, then start + step * i with one rounding (its
        # compiled kernel fuses the multiply-add), which a float64 multiply-add reproduces exactly
        s32, e32 = xp.float32(start), xp.float32(end)
        if steps > 1:
            st = xp.float64((e32 - s32) / xp.float32(steps - 1))
            idx = xp.arange(steps, dtype=xp.float64)
            half = steps // 2
            arr = xp.where(idx < half, xp.float64(s32) + st * idx, xp.float64(e32) - st * (steps - 1 - idx))
        else:
            arr = xp.array([s32])
    return _finish(arr.astype(npd), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    lin = linspace(start, end, steps, dtype=D.float64)._data
    return _finish((base ** lin).astype(_np_dtype(dtype, D.get_default_dtype().np)), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    return _finish(xp.eye(n, n if m is None else m, dtype=_np_dtype(dtype, D.get_default_dtype().np)), requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def bernoulli(input, p=None, *, generator=None):
    out = xp.empty(input._data.shape, input._data.dtype)  # PyTorch: a contiguous result, filled in C order
    g = _random._g(generator)
    if p is None:  # torch.bernoulli(input): empty_like(input).bernoulli_(input)
        from ._ops.complex import refuse_kernel
        refuse_kernel("bernoulli_tensor_cpu_self_", input)
        return _make(_random._write(out, _random.bernoulli_tensor_values(g, input._data)))
    return _make(_random._write(out, _random.bernoulli_scalar_values(g, out.size, p)))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{D.SCALAR_NAMES.get(p.dtype.name, p.dtype.name) if hasattr(D, 'SCALAR_NAMES') else p.dtype}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = p.reshape(-1, p.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if (rows < 0).any() or not xp.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    arr = _random.multinomial_values(_random._g(generator), rows, num_samples, replacement).astype(xp.int64)
    return _make(arr.reshape(p.shape[:-1] + (num_samples,)))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    if device is not None or _dv._default[0] is not None:  # only the CPU, as CPU-only torch
        _dv.check(device)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if getattr(s, "dtype", None) is not None and s.dtype.kind == "c":
        raise RuntimeError("normal expects standard deviation to be non-complex")
    shape = tuple(size) if size is not None else xp.broadcast_shapes(xp.shape(m), xp.shape(s))
    ref = mean if isinstance(mean, Tensor) else std if isinstance(std, Tensor) else None
    if ref is None:  # normal(mean, std, size): empty(size).normal_(mean, std)
        npd = _np_dtype(dtype, D.get_default_dtype().np)
        return _finish(_random.normal_(xp.empty(shape, npd), m, s, generator), requires_grad)
    # tensor mean and/or std: a standard normal_(0, 1) of the output's shape, then out * std + mean
    if isinstance(std, Tensor) and (s < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    npd = xp.result_type(*[t._data.dtype for t in (mean, std) if isinstance(t, Tensor)])
    if not isinstance(std, Tensor):  # normal_(0, std), then + mean
        z = _random.normal_(xp.empty(shape, npd), 0.0, float(s), generator)
        return _finish((z + xp.asarray(m, dtype=npd)).astype(npd), requires_grad)
    z = _random.normal_(xp.empty(shape, npd), 0.0, 1.0, generator)  # normal_(0, 1), then * std + mean
    return _finish(((z * xp.asarray(s, dtype=npd)).astype(npd) + xp.asarray(m, dtype=npd)).astype(npd),
                   requires_grad)


def poisson(input, generator=None):
    out = xp.empty(input._data.shape, input._data.dtype)  # PyTorch: a contiguous result, filled in C order
    return _make(_random._write(out, _random.poisson_values(_random._g(generator), input._data)))


def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    n = len(tensors)
    shape = [t._data.size for t in tensors]
    if indexing == "xy" and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        view = [1] * n
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        view[pos] = t._data.size
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


def _legacy(dtype):
    name = D.scalar_name(dtype.np) + "Tensor"
    class _Legacy:
        """``torch.FloatTensor(data)`` / ``torch.FloatTensor(2, 3)``: legacy constructors."""

        def __new__(cls, *args):
            if len(args) == 1 and not isinstance(args[0], numbers.Integral):
                if isinstance(args[0], Size):
                    return zeros(*args[0], dtype=dtype)
                return tensor(args[0], dtype=dtype)
            return zeros(*args, dtype=dtype)

        def __instancecheck__(cls, obj):
            return isinstance(obj, Tensor) and obj._data.dtype == dtype.np
    meta = type("LegacyMeta", (type,), {"__instancecheck__": lambda cls, obj: isinstance(obj, Tensor) and
                                        obj._data.dtype == dtype.np})
    # torch.FloatTensor answers .dtype/.is_cuda/.is_sparse/.layout and prints as <class 'torch.FloatTensor'>;
    # Tensor.type(torch.FloatTensor) reads .dtype
    body = dict(_Legacy.__dict__, dtype=dtype, is_cuda=False, is_sparse=False,
                __module__="torch", __qualname__=name)
    return meta(name, (), body)


FloatTensor = _legacy(D.float32)
DoubleTensor = _legacy(D.float64)
HalfTensor = _legacy(D.float16)
LongTensor = _legacy(D.int64)
IntTensor = _legacy(D.int32)
ShortTensor = _legacy(D.int16)
CharTensor = _legacy(D.int8)
ByteTensor = _legacy(D.uint8)
BoolTensor = _legacy(D.bool_)

