"""``torch.testing.assert_close``: |actual - expected| <= atol + rtol * |expected| elementwise, with PyTorch's
default (rtol, atol) per dtype, its recursion through sequences and mappings, and its error messages."""
import cmath
import collections.abc
import warnings

from .._backend import xp as _xp
import numtorch as _dt   # the package is fully initialised before this lazily loaded module

# {dtype: (rtol, atol)}; dtypes not listed (integers, bool) compare exactly
_PRECISIONS = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex32": (1e-3, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}
_NUMBER_DTYPE = {int: "int64", float: "float64", complex: "complex128"}


class _Fail(Exception):
    """A comparison failure: the exception class to raise, its message and the item path inside containers."""

    def __init__(self, type, msg, id=()):
        super().__init__(msg)
        self.type, self.msg, self.id = type, msg, id

    def to_error(self, msg=None):
        if not isinstance(msg, str):
            text = self.msg
            if self.id:
                text += "\n\nThe failure occurred for item " + "".join(str([i]) for i in self.id)
            msg = msg(text) if callable(msg) else text
        return self.type(msg)


class _Unsupported(Exception):
    pass


def _dtype_name(d):
    return str(d).rsplit(".", 1)[-1]


def _tolerances(names, rtol, atol, id):
    if (rtol is None) != (atol is None):
        raise _Fail(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                                f"but got no {'rtol' if rtol is None else 'atol'}.", id)
    if rtol is not None:
        return rtol, atol
    r, a = zip(*[_PRECISIONS.get(n, (0.0, 0.0)) for n in names])
    return max(r), max(a)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        if idx is None:
            s = f"{kind.title()} difference: {diff}"
        else:
            s = f"Greatest {kind} difference: {diff} at index {idx}"
        return s + ("" if equality else f" (up to {tol} allowed)") + "\n"

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += extra.strip() + "\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", f"Expected {expected} but got {actual}.", abs_diff, None, atol, rel_diff, None,
                         rtol)


def _compute_dtype(a):
    """PyTorch's CPU kernels compute half and bfloat16 in float32 and round each result back."""
    return _xp.dtype(_xp.float32) if a.dtype.itemsize == 2 and a.dtype.kind in "fV" else a.dtype


def _isclose(a, e, rtol, atol, equal_nan):
    """``torch.isclose``: a == e, or |a - e| finite and <= atol + |rtol * e| (computed in a's dtype)."""
    close = a == e
    inexact = a.dtype.kind in "fcV"
    if equal_nan and inexact:
        close |= _xp.isnan(a) & _xp.isnan(e)
    if rtol == 0 and atol == 0:
        return close
    with _xp.errstate(all="ignore"):
        if inexact:
            cd = _compute_dtype(a)
            ac, ec = a.astype(cd), e.astype(cd)
            rnd = (lambda x: x.astype(a.dtype).astype(cd)) if cd != a.dtype else (lambda x: x)
            real = ac.real.dtype.type
            allowed = rnd(real(atol) + rnd(_xp.abs(rnd(real(rtol) * ec))))
            err = rnd(_xp.abs(rnd(ac - ec)))
        else:
            af = a.astype(_xp.float32) if a.dtype == _xp.bool_ else a
            ef = e.astype(_xp.float32) if e.dtype == _xp.bool_ else e
            allowed = _xp.float32(atol) + _xp.abs(_xp.float32(rtol) * ef.astype(_xp.float32))
            err = _xp.abs(af - ef)
        close |= _xp.isfinite(err) & (err <= allowed)
    return close


def _tensor_msg(a, e, matches, rtol, atol):
    n = matches.size
    total = n - int(matches.sum())
    extra = f"Mismatched elements: {total} / {n} ({total / n:.1%})"
    af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
    if a.dtype.kind not in "fcV":
        af, ef = af.astype(_xp.int64), ef.astype(_xp.int64)
    with _xp.errstate(all="ignore"):
        cd = _compute_dtype(af)
        back = (lambda x: x.astype(af.dtype)) if cd != af.dtype else (lambda x: x)
        abs_diff = back(_xp.abs(back(af.astype(cd) - ef.astype(cd))))
        abs_diff[mf] = 0
        if abs_diff.dtype.kind == "i":   # true division of integers gives the default float dtype
            rel = abs_diff.astype(_xp.float32) / _xp.abs(ef).astype(_xp.float32)
        else:
            ecd = ef.astype(cd)
            rel = back(abs_diff.astype(_compute_dtype(abs_diff)) / _xp.abs(ecd).astype(_compute_dtype(abs_diff)))
        rel[mf] = 0
    ia, ir = int(_xp.argmax(abs_diff)), int(_xp.argmax(rel))

    def unravel(i):
        return tuple(int(v) for v in _xp.unravel_index(i, matches.shape))

    def item(x):   # a Python number, as torch's .item() (bfloat16 scalars have no .item() of their own)
        return float(x) if x.dtype.kind == "V" else x.item()
    return _mismatch_msg("Tensor-likes", extra, item(abs_diff[ia]), unravel(ia), atol, item(rel[ir]), unravel(ir),
                         rtol)


def _compare_tensors(actual, expected, id, allow_subclasses, rtol, atol, equal_nan, check_device, check_dtype,
                     check_layout, check_stride):
    from .._tensor import Tensor
    from .._creation import as_tensor
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Unsupported
    try:
        actual, expected = (x if isinstance(x, Tensor) else as_tensor(x) for x in (actual, expected))
    except Exception:
        raise _Unsupported from None
    rtol, atol = _tolerances([_dtype_name(actual.dtype), _dtype_name(expected.dtype)], rtol, atol, id)

    def fail(attr, a, e):
        raise _Fail(AssertionError, f"The values for attribute '{attr}' do not match: {a} != {e}.", id)

    if actual.shape != expected.shape:
        fail("shape", actual.shape, expected.shape)
    if actual.layout != expected.layout:
        if check_layout:
            fail("layout", actual.layout, expected.layout)
    elif check_stride and actual.stride() != expected.stride():
        fail("stride()", actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        fail("device", actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        fail("dtype", actual.dtype, expected.dtype)

    return lambda: _compare_values(actual, expected, id, rtol, atol, equal_nan)


def _compare_values(actual, expected, id, rtol, atol, equal_nan):
    actual, expected = actual.detach(), expected.detach()
    if actual.layout != expected.layout:
        actual, expected = (x.to_dense() if hasattr(x, "to_dense") else x for x in (actual, expected))
    if actual.dtype != expected.dtype:
        da, de = (_dt.int64 if d in (getattr(_dt, "uint16", None), getattr(_dt, "uint32", None),
                                     getattr(_dt, "uint64", None)) else d for d in (actual.dtype, expected.dtype))
        common = _dt.promote_types(da, de)
        actual, expected = actual.to(common), expected.to(common)
    a, e = _xp.asarray(actual._data), _xp.asarray(expected._data)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if bool(_xp.all(matches)):
        return
    if a.ndim == 0:
        msg = _scalar_msg(actual.item(), expected.item(), rtol, atol)
    else:
        msg = _tensor_msg(a, e, matches, rtol, atol)
    raise _Fail(AssertionError, msg, id)


def _compare_numbers(actual, expected, id, rtol, atol, equal_nan, check_dtype):
    nums = (int, float, complex, _xp.number)
    if not (isinstance(actual, nums) and isinstance(expected, nums)):
        raise _Unsupported
    actual, expected = (x.item() if isinstance(x, _xp.number) else x for x in (actual, expected))
    rtol, atol = _tolerances([_NUMBER_DTYPE[type(x)] for x in (actual, expected)], rtol, atol, id)

    def compare():
        if check_dtype and type(actual) is not type(expected):
            raise _Fail(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.", id)
        if actual == expected:
            return
        if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
            return
        diff = abs(actual - expected)
        if cmath.isfinite(diff) and diff <= atol + rtol * abs(expected):
            return
        raise _Fail(AssertionError, _scalar_msg(actual, expected, rtol, atol), id)
    return compare


def _pair(actual, expected, id, opts):
    """A deferred comparison of two leaves (None, bools, numbers, tensor-likes, tried in PyTorch's order)."""
    if actual is None or expected is None:
        def compare():
            if not (actual is None and expected is None):
                raise _Fail(AssertionError, f"None mismatch: {actual} is not {expected}", id)
        return compare
    bools = (bool, _xp.bool_)
    if isinstance(actual, bools) and isinstance(expected, bools):
        a, e = bool(actual), bool(expected)

        def compare():
            if a is not e:
                raise _Fail(AssertionError, f"Booleans mismatch: {a} is not {e}", id)
        return compare
    try:
        return _compare_numbers(actual, expected, id, opts["rtol"], opts["atol"], opts["equal_nan"],
                                opts["check_dtype"])
    except _Unsupported:
        pass
    try:
        return _compare_tensors(actual, expected, id, **opts)
    except _Unsupported:
        pass
    raise _Fail(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and "
                           f"{type(expected)}.", id)


def _pairs(actual, expected, id, opts):
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and not isinstance(actual, str) and isinstance(expected, seq) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Fail(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", id)
        out = []
        for i in range(len(actual)):
            out += _pairs(actual[i], expected[i], (*id, i), opts)
        return out
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        ak, ek = set(actual.keys()), set(expected.keys())
        if ak != ek:
            raise _Fail(AssertionError, "The keys of the mappings do not match:\n"
                                        f"Missing keys in the actual mapping: {sorted(ek - ak)}\n"
                                        f"Additional keys in the actual mapping: {sorted(ak - ek)}", id)
        keys = ak
        try:
            keys = sorted(keys)
        except Exception:
            pass
        out = []
        for k in keys:
            out += _pairs(actual[k], expected[k], (*id, k), opts)
        return out
    return [_pair(actual, expected, id, opts)]


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Asserts |actual - expected| <= atol + rtol * |expected| elementwise (``torch.testing.assert_close``).

    Default (rtol, atol) by dtype: float16 (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5),
    float64 (1e-7, 1e-7), complex as their real parts, everything else exact; both or neither must be given.
    Sequences and mappings are compared item by item; the first failure raises (AssertionError, or TypeError /
    ValueError for unusable inputs) with PyTorch's message, replaced by ``msg`` (a string, or a callable on the
    generated message)."""
    __tracebackhide__ = True
    opts = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                check_device=check_device, check_dtype=check_dtype, check_layout=check_layout,
                check_stride=check_stride)
    try:
        compares = _pairs(actual, expected, (), opts)
    except _Fail as f:
        raise f.to_error() from None
    for compare in compares:
        try:
            compare()
        except _Fail as f:
            raise f.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated ``torch.testing.assert_allclose``: ``assert_close`` with NaN == NaN, no dtype check, and looser
    defaults (float16 (1e-3, 1e-3), float32 (1e-4, 1e-5), float64 (1e-5, 1e-8))."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead. You can find detailed upgrade "
                  "instructions in https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    from .._tensor import Tensor
    from .._creation import tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        loose = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8)}
        r, a = zip(*[loose.get(_dtype_name(x.dtype), (0.0, 0.0)) for x in (actual, expected)])
        rtol, atol = max(r), max(a)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
