"""dtype objects (``numtorch.float32`` ...) and PyTorch's type-promotion rules."""
from ._backend import xp, errstate


class dtype:
    """A tensor element type; wraps a NumPy dtype and prints like ``torch.float32``."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_kind")

    def __init__(self, name, np_dtype, kind):
        self.name = name
        self.np = xp.dtype(np_dtype)
        self.is_floating_point = kind == 2
        self.is_signed = name not in ("uint8", "bool", "uint16", "uint32", "uint64")
        self.itemsize = self.np.itemsize
        self._kind = kind  # 0 bool, 1 integer, 2 floating, 3 complex: PyTorch's promotion categories

    @property
    def is_complex(self):
        return self._kind == 3

    def to_real(self):
        """The real dtype of a complex one (complex64 -> float32); a real dtype itself."""
        return _TO_REAL.get(self.name, self) if self._kind == 3 else self

    def to_complex(self):
        """The complex dtype with this precision (float32 -> complex64); a complex dtype itself."""
        if self._kind == 3:
            return self
        r = _TO_COMPLEX.get(self.name)
        if r is None:
            raise RuntimeError(f"Unknown Complex ScalarType for {SCALAR_NAMES.get(self.name, self.name)}")
        return r

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", "float32", 2)
float64 = dtype("float64", "float64", 2)
float16 = dtype("float16", "float16", 2)
int64 = dtype("int64", "int64", 1)
int32 = dtype("int32", "int32", 1)
int16 = dtype("int16", "int16", 1)
int8 = dtype("int8", "int8", 1)
uint8 = dtype("uint8", "uint8", 1)
# PyTorch's "limited support" unsigned types: creation, casts, copies, views, indexing, eq/ne, sort, bitwise
# and/or/xor, mul, sum -- most other kernels and every promotion with another non-float dtype refuse them
uint16 = dtype("uint16", "uint16", 1)
uint32 = dtype("uint32", "uint32", 1)
uint64 = dtype("uint64", "uint64", 1)
bool_ = dtype("bool", "bool", 0)
complex64 = dtype("complex64", "complex64", 3)
complex128 = dtype("complex128", "complex128", 3)



class _BFloat16(dtype):
    """``torch.bfloat16``: 8 exponent bits and 8 significant bits, stored as NumPy arrays of the
    ``ml_dtypes`` package's bfloat16 (imported on first use: the ``bfloat16`` extra)."""

    __slots__ = ()

    @property
    def np(self):
        return _bf16_np()


bfloat16 = object.__new__(_BFloat16)
bfloat16.name, bfloat16.is_floating_point, bfloat16.is_signed, bfloat16.itemsize, bfloat16._kind = \
    "bfloat16", True, True, 2, 2
_bf16 = []


def _bf16_np():
    if not _bf16:
        try:
            import ml_dtypes
        except ImportError:
            raise ModuleNotFoundError("torch.bfloat16 tensors need the 'ml_dtypes' package, which gives NumPy a "
                                      "bfloat16 type: pip install 'numtorch[bfloat16]' (or ml_dtypes)",
                                      name="ml_dtypes") from None
        npd = xp.dtype(ml_dtypes.bfloat16)
        _bf16.append(npd)
        _FROM_NP[npd] = bfloat16
    return _bf16[0]


def is_bf16(npd):
    """True for NumPy's (ml_dtypes') bfloat16 without importing ml_dtypes."""
    return bool(_bf16) and npd == _bf16[0]


def _dense_perm(shape, strides):
    """The dims of a new dense tensor from innermost to outermost, as PyTorch orders them for the result of a
    conversion or elementwise op on an input with these strides: an insertion sort by stride, where a
    broadcast (stride 0) dim leaves the comparison undecided and the sort moves on to the next dim."""
    nd = len(shape)
    perm = list(range(nd - 1, -1, -1))
    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            a, b = perm[d0], perm[d1]
            sa, sb = strides[a], strides[b]
            if sa == 0 or sb == 0 or sa == sb and shape[a] <= shape[b]:
                continue   # undecided: compare with the next dim further out
            if sa < sb:
                break
            perm[d0], perm[d1] = b, a
            d1 = d0
    return perm


def _astype(arr, npd):
    """``arr.astype(npd)``; for a broadcast input (a stride 0) the result is laid out as PyTorch's, not as
    NumPy's 'K' order, which puts the stride-0 dim innermost (x.expand(2, 3).float() is C-contiguous)."""
    if arr.ndim > 1 and 0 in arr.strides and arr.size > 1:
        perm = _dense_perm(arr.shape, arr.strides)
        out = xp.empty([arr.shape[d] for d in reversed(perm)], dtype=npd)
        outer_first = perm[::-1]
        out = out.transpose([outer_first.index(d) for d in range(arr.ndim)])
        out[...] = arr
        return out
    return arr.astype(npd)


def cast(arr, npd):
    """``arr.astype(npd)`` as torch converts: to bfloat16 every source goes through float32 first
    (torch's BFloat16 is built from a float, so a double is rounded twice, as there)."""
    if _bf16 and npd == _bf16[0]:
        with errstate(over="ignore", invalid="ignore"):  # out of range -> inf, NaN -> NaN, silently as torch
            if arr.dtype != xp.float32 and arr.dtype != npd:
                arr = arr.astype(xp.float32)
            return _astype(arr, npd)
    if arr.dtype.kind in "fcV" and npd.kind in "iu" or npd.kind == "f" and npd.itemsize == 2:
        # out of range (-1.0 into uint16, 2**31 into float16): C's cast, silently as PyTorch; a bfloat16 goes
        # through float as there (ml_dtypes' own cast would saturate -1 to 0)
        with errstate(over="ignore", invalid="ignore"):
            if arr.dtype.kind == "V" and npd.kind in "iu":
                arr = arr.astype(xp.float32)
            return _astype(arr, npd)
    return _astype(arr, npd)


class _Complex32(dtype):
    """``torch.complex32`` (``chalf``): a dtype object only; NumPy has no complex type of two float16, so
    a tensor of it cannot be made (the error says so) -- PyTorch's CPU support for it is partial too."""

    __slots__ = ()

    @property
    def np(self):
        raise RuntimeError("numtorch cannot compute with torch.complex32 (ComplexHalf) tensors: NumPy has no "
                           "complex type made of two float16; use torch.complex64 instead")


complex32 = object.__new__(_Complex32)
complex32.name, complex32.is_floating_point, complex32.is_signed, complex32.itemsize, complex32._kind = \
    "complex32", False, True, 4, 3

float = float32
double = float64
cfloat = complex64
cdouble = complex128
chalf = complex32
half = float16
long = int64
int = int32
short = int16

ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_, complex64, complex128)
# not in ALL (which tests and ops iterate as torch's all_types_and_complex): PyTorch's limited unsigned types
UNSIGNED_WIDE = (uint16, uint32, uint64)
_FROM_NP = {d.np: d for d in ALL + UNSIGNED_WIDE}
_NAMES = {d.name: d for d in ALL + UNSIGNED_WIDE}
_NAMES["bfloat16"] = bfloat16
_NAMES["complex32"] = complex32
_TO_REAL = {"complex32": float16, "complex64": float32, "complex128": float64}
_TO_COMPLEX = {"float16": complex32, "bfloat16": complex64, "float32": complex64, "float64": complex128}

_default = [float32]


def _by_name(name):
    return _NAMES[name]


def get_default_dtype():
    return _default[0]


def default_complex():
    """The complex dtype a Python complex becomes: complex128 when the default dtype is float64."""
    return _TO_COMPLEX[_default[0].name]


def set_default_dtype(d):
    if d not in (float32, float64, float16, bfloat16):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def from_numpy_dtype(npd):
    """The numtorch dtype for a NumPy dtype (TypeError when PyTorch has none)."""
    try:
        return _FROM_NP[npd]
    except KeyError:
        npd = xp.dtype(npd)
        if npd in _FROM_NP:
            return _FROM_NP[npd]
        raise TypeError(f"can't convert np.ndarray of type numpy.{npd}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, "
                        "uint32, uint16, uint8, and bool.") from None


def to_numpy_dtype(d):
    if d is None:
        return None
    if isinstance(d, dtype):
        return d.np
    if d is builtins_float:
        return _default[0].np
    if d is builtins_int:
        return int64.np
    if d is builtins_bool:
        return bool_.np
    if d is builtins_complex:
        return default_complex().np
    return from_numpy_dtype(xp.dtype(d)).np


import builtins as _b  # noqa: E402

builtins_float, builtins_int, builtins_bool, builtins_complex = _b.float, _b.int, _b.bool, _b.complex

_promote_cache = {}


def promote(a, b):
    """PyTorch's result dtype for two tensor dtypes of the same dimension category."""
    if a is b:
        return a
    key = (a, b)
    r = _promote_cache.get(key)
    if r is None:
        if a in UNSIGNED_WIDE or b in UNSIGNED_WIDE:
            # PyTorch promotes uint16/32/64 only to a floating type; anything else is refused
            if a._kind == 2 or b._kind == 2:
                return a if a._kind == 2 else b
            raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                               f"{SCALAR_NAMES[a.name]} and {SCALAR_NAMES[b.name]}")
        if a._kind == 3 or b._kind == 3:
            # complex with a float: the complex type of the wider precision (complex64 + float64 -> complex128)
            r = promote(a.to_real(), b.to_real()) if a._kind == b._kind or min(a._kind, b._kind) == 2 else None
            r = r.to_complex() if r is not None else (a if a._kind == 3 else b)
        elif a._kind != b._kind:
            # a floating type wins over integers whatever the widths: int64 + float32 -> float32
            r = a if a._kind > b._kind else b
        else:
            r = _FROM_NP[xp.promote_types(a.np, b.np)]
            if a.np == xp.dtype("uint8") and b.np == xp.dtype("int8") or \
               b.np == xp.dtype("uint8") and a.np == xp.dtype("int8"):
                r = int16
        _promote_cache[key] = r
    return r


def result_type(a_dtype, a_dim0, b_dtype, b_dim0):
    """Promotion with PyTorch's dimension categories: a 0-d tensor only lifts the category."""
    if a_dtype is b_dtype:
        return a_dtype
    if a_dim0 == b_dim0:
        return promote(a_dtype, b_dtype)
    full, zero = (b_dtype, a_dtype) if a_dim0 else (a_dtype, b_dtype)
    return _combine(full, zero)


def _combine(higher, lower):
    """PyTorch's combination of two priority levels' dtypes (dimensioned over 0-d over Python numbers):
    the lower level only lifts the category; a complex one keeps the higher's float precision."""
    if (higher._kind == 0 or lower._kind == 2) and higher._kind < 2 and \
            (higher in UNSIGNED_WIDE or lower in UNSIGNED_WIDE):
        return promote(higher, lower)   # PyTorch promotes these two (bool with uint16 raises)
    if lower._kind > higher._kind:
        if lower._kind == 3 and higher._kind == 2:
            return higher.to_complex()
        return lower
    return higher


def scalar_result(t_dtype, value):
    """dtype of ``tensor op python_scalar``: the scalar only lifts the category."""
    if isinstance(value, _b.bool):
        return t_dtype
    if isinstance(value, _b.float):
        return t_dtype if t_dtype._kind == 2 else _default[0]
    if isinstance(value, _b.int):
        return t_dtype if t_dtype._kind >= 1 else int64
    if isinstance(value, _b.complex):
        return t_dtype if t_dtype._kind == 3 else t_dtype.to_complex() if t_dtype._kind == 2 else default_complex()
    return t_dtype


def promote_types(type1, type2):
    """``torch.promote_types``: the smallest dtype both can be cast to (no dimension categories)."""
    return promote(type1, type2)


def can_cast(from_, to):
    """``torch.can_cast``: False only for a cast that lowers the category (complex -> float -> int -> bool)."""
    return from_._kind <= to._kind


# PyTorch's C++ scalar-type names ("Float" in "torch.FloatTensor", "FloatStorage", error messages),
# by NumPy dtype name: the one table of that fact
SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
                "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
                "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def scalar_name(np_dtype):
    """PyTorch's scalar-type name of a NumPy dtype (``Float`` for float32); the dtype's own name otherwise."""
    name = xp.dtype(np_dtype).name
    return SCALAR_NAMES.get(name, name)
