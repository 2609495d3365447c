"""``torch.testing.make_tensor``: a tensor of the given shape drawn uniformly from [low, high), with PyTorch's
default ranges per dtype. The values come from numtorch's generator (``numtorch.manual_seed``), so they are not
PyTorch's draws for the same seed."""
import collections.abc
import math
import warnings

import numtorch as _dt   # the package is fully initialised before this lazily loaded module


def _names(*names):
    return [getattr(_dt, n) for n in names if hasattr(_dt, n)]


_INTEGRAL = _names("uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64")
_FLOATING = _names("float16", "bfloat16", "float32", "float64")
_COMPLEX = _names("complex32", "complex64", "complex128")


def _low_high(low, high, lowest, highest, default_low, default_high, dtype):
    """The user's [low, high) (or the default), checked and clamped to what ``dtype`` can hold."""
    low = default_low if low is None else low
    high = default_high if high is None else high
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and dtype in _FLOATING + _COMPLEX:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is deprecated "
                      "since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.", FutureWarning,
                      stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if dtype is _dt.bool or dtype in _INTEGRAL:
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """Uniform values in [low, high): defaults bool [0, 2), unsigned [0, 10), signed integers [-9, 10), floating and
    complex (each part) [-9, 9). ``noncontiguous`` takes every other element of a twice-as-wide tensor;
    ``exclude_zero`` replaces zeros by 1 (integers) or the dtype's smallest normal number."""
    _c = _dt
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually exclusive, "
                         f"but got noncontiguous={noncontiguous} and memory_format={memory_format}")
    if requires_grad and (dtype is _dt.bool or dtype in _INTEGRAL):
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got "
                         f"dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])

    if dtype is _dt.bool:
        low, high = _low_high(low, high, 0, 2, 0, 2, dtype)
        result = _c.randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _INTEGRAL:
        info = _dt.iinfo(dtype)
        low, high = _low_high(low, high, info.min, info.max + (1 if dtype is not _dt.int64 else 0), -9, 10, dtype)
        result = _c.randint(low, high, shape, device=device, dtype=dtype)
    elif dtype in _FLOATING + _COMPLEX:
        info = _dt.finfo(dtype)
        low, high = _low_high(low, high, info.min, info.max, -9, 9, dtype)
        result = _c.empty(shape, device=device, dtype=dtype)
        real = result
        if dtype in _COMPLEX:
            real = _dt.view_as_real(result)
        if high - low >= info.max:   # the width overflows the dtype: draw half the range and double it
            real.uniform_(low / 2, high / 2).mul_(2)
        else:
            real.uniform_(low, high)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by torch.testing.make_tensor(). "
                        "To request support, file an issue at: https://github.com/pytorch/pytorch/issues")

    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if (dtype is _dt.bool or dtype in _INTEGRAL) else _dt.finfo(dtype).tiny
    if dtype in _FLOATING + _COMPLEX:
        result.requires_grad = requires_grad
    return result
