"""All tensor operations; each is also installed as a Tensor method of the same name."""
from .arith import *  # noqa: F401,F403
from .arith import add, sub, mul, div, neg, pow, abs, reciprocal, square, remainder, fmod, floor_divide, \
    true_divide, rsub, float_power
from .unary import *  # noqa: F401,F403
from .unary import exp, log, log1p, expm1, log2, log10, sqrt, rsqrt, sin, cos, tan, tanh, sigmoid, relu, \
    floor, ceil, trunc, round, sign, erf, erfc, frac, logit, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, \
    exp2, xlogy, sgn, fix, deg2rad, rad2deg, positive
from .reduce import sum, mean, var, std, prod, cumsum, cumprod, max, min, amax, amin, argmax, argmin, \
    logsumexp, norm, softmax, log_softmax, softmin, var_mean, std_mean, nansum, nanmean, aminmax, count_nonzero
from .views import view, reshape, view_as, reshape_as, flatten, ravel, unflatten, expand, expand_as, broadcast_to, \
    broadcast_tensors, broadcast_shapes, permute, transpose, swapaxes, swapdims, t, movedim, moveaxis, squeeze, \
    unsqueeze, narrow, split, chunk, tensor_split, select, unbind, atleast_1d, atleast_2d, adjoint, diagonal, unfold
from .copies import cat, concat, concatenate, stack, hstack, vstack, flip, fliplr, flipud, roll, repeat, tile, \
    repeat_interleave, tril, triu, pad, diag_embed, diff
from .index import getitem, setitem, gather, scatter, scatter_add, scatter_, scatter_add_, index_select, \
    index_add, index_fill, index_copy, index_put, masked_fill, masked_fill_, masked_select, masked_scatter, take, \
    take_along_dim, nonzero, argwhere
from .matmul import mm, matmul, bmm, mv, dot, inner, addmm, addmv, baddbmm, addbmm, outer, ger, einsum, tensordot
from .compare import eq, ne, lt, le, gt, ge, greater, greater_equal, less, less_equal, not_equal, logical_and, \
    logical_or, logical_xor, logical_not, bitwise_and, bitwise_or, bitwise_xor, bitwise_not, isfinite, isnan, \
    isinf, isposinf, isneginf, isreal, signbit, isclose, allclose, equal, any, all, sort, argsort, msort, topk, \
    kthvalue, unique, bincount, histc, searchsorted, bucketize, is_nonzero, median
from .pointwise_binary import where, maximum, minimum, fmax, fmin, clamp, clip, clamp_min, clamp_max, lerp, \
    addcmul, addcdiv, atan2, arctan2, logaddexp
from .conversion import to_dtype, clone, contiguous, full_like
from .inplace import inplace, inplace_assign
from .matrix import trace, diag, cross, cdist, dist, cov, corrcoef, tril_indices, triu_indices
from .unary import nan_to_num, erfinv
from .reduce import sum_to_size
from .info import finfo, iinfo

# the functions torch exposes at the top level (numtorch/__init__.py star-imports these); the other names
# here are Tensor methods only (view, expand, repeat, ...) or internal plumbing
__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "abs", "reciprocal", "square", "remainder", "fmod", "floor_divide",
    "true_divide", "rsub", "float_power", "exp", "log", "log1p", "expm1", "log2", "log10", "sqrt", "rsqrt", "sin",
    "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "trunc", "round", "sign", "erf", "erfc", "frac",
    "logit", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "exp2", "xlogy", "sgn", "fix",
    "positive",
    "deg2rad", "rad2deg", "sum", "mean", "var", "std", "prod", "cumsum", "cumprod", "max", "min", "amax", "amin",
    "argmax", "argmin", "logsumexp", "norm", "softmax", "log_softmax", "var_mean", "std_mean", "nansum", "nanmean",
    "aminmax", "count_nonzero", "reshape", "flatten", "ravel", "unflatten", "broadcast_to", "broadcast_tensors",
    "broadcast_shapes", "permute", "transpose", "swapaxes", "swapdims", "t", "movedim", "moveaxis", "squeeze",
    "unsqueeze", "narrow", "split", "chunk", "tensor_split", "select", "unbind", "atleast_1d", "atleast_2d",
    "adjoint", "diagonal", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "flip", "fliplr", "flipud",
    "roll", "tile", "repeat_interleave", "tril", "triu", "diag_embed", "diff", "gather", "scatter", "scatter_add",
    "index_select", "index_add", "index_fill", "index_copy", "index_put", "masked_fill", "masked_select",
    "masked_scatter", "take", "take_along_dim", "nonzero", "argwhere", "mm", "matmul", "bmm", "mv", "dot", "inner",
    "addmm", "addmv", "baddbmm", "addbmm", "outer", "ger", "einsum", "tensordot", "eq", "ne", "lt", "le", "gt",
    "ge", "greater", "greater_equal", "less", "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isfinite", "isnan", "isinf",
    "isposinf", "isneginf", "isreal", "signbit", "isclose", "allclose", "equal", "any", "all", "sort", "argsort",
    "msort", "topk", "kthvalue", "unique", "bincount", "histc", "searchsorted", "bucketize", "is_nonzero", "median",
    "where", "maximum", "minimum", "fmax", "fmin", "clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul",
    "addcdiv", "atan2", "arctan2", "logaddexp", "clone", "trace", "diag", "cross", "cdist", "dist", "cov",
    "corrcoef", "tril_indices", "triu_indices", "nan_to_num", "erfinv", "finfo", "iinfo", "subtract", "multiply",
    "divide", "negative", "absolute", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"
]
from ._util import to_tensor as as_tensor  # noqa: F401
from .._tensor import register_methods, Tensor

# --- Tensor methods ----------------------------------------------------------
_names = """add sub mul div neg pow abs reciprocal square remainder fmod floor_divide true_divide rsub float_power
exp log log1p expm1 log2 log10 sqrt rsqrt sin cos tan tanh sigmoid relu floor ceil trunc round sign erf erfc frac
logit asin acos atan sinh cosh asinh acosh atanh exp2 xlogy sgn fix deg2rad rad2deg arcsin arccos arctan positive
sum mean var std prod cumsum cumprod max min amax amin argmax argmin logsumexp norm softmax log_softmax nansum
nanmean aminmax count_nonzero
view reshape view_as reshape_as flatten ravel unflatten expand expand_as broadcast_to permute transpose swapaxes
swapdims t movedim moveaxis squeeze unsqueeze narrow split chunk tensor_split select unbind flip fliplr flipud roll
repeat tile repeat_interleave tril triu adjoint
gather scatter scatter_add index_select index_add index_fill index_copy index_put masked_fill masked_select
masked_scatter take take_along_dim nonzero argwhere
mm matmul bmm mv dot inner addmm addmv baddbmm addbmm outer ger
eq ne lt le gt ge greater greater_equal less less_equal not_equal logical_and logical_or logical_xor
logical_not bitwise_and bitwise_or bitwise_xor bitwise_not isfinite isnan isinf isposinf isneginf isreal signbit
isclose allclose equal any all sort argsort msort topk kthvalue unique bincount histc is_nonzero
maximum minimum fmax fmin clamp clip clamp_min clamp_max clone lerp addcmul addcdiv diff trace diagonal diag
cross""".split()

_g = globals()
_table = {n: _g[n] for n in _names if n in _g}
_table.update(arcsin=asin, arccos=acos, arctan=atan, multiply=mul, subtract=sub, divide=div, absolute=abs,
              negative=neg, softmin=softmin)


def _make_inplace(fn):
    dim_first = fn.__name__ in ("index_fill", "index_add", "index_copy", "scatter", "scatter_add", "scatter_reduce")

    def method(self, *args, **kwargs):
        if dim_first and (args or "dim" in kwargs):   # PyTorch checks the dim before the memory overlap
            from ._util import wrap_dim as _wrap
            from .index import _view_inplace_error
            from ..autograd.grad_mode import state as _gs
            msg = _view_inplace_error(self) if _gs.enabled and self.requires_grad else None
            if _gs.enabled and self.requires_grad and self.grad_fn is None:
                msg = "a leaf Variable that requires grad is being used in an in-place operation."
            if msg is not None:   # (and a view of a leaf before the dim)
                raise RuntimeError(msg)
            _wrap(args[0] if args else kwargs["dim"], self._data.ndim)
        return inplace(self, fn, *args, **kwargs)
    method.__name__ = fn.__name__ + "_"
    return method


for _n in """add sub mul div neg pow abs reciprocal square remainder fmod floor_divide true_divide exp log log1p
expm1 log2 log10 sqrt rsqrt sin cos tan tanh sigmoid relu floor ceil trunc round sign erf frac clamp clip
clamp_min clamp_max masked_fill index_fill index_add index_copy scatter scatter_add lerp addcmul addcdiv tril
triu t transpose squeeze unsqueeze logit asin acos atan sinh cosh sgn exp2 deg2rad rad2deg asinh
acosh atanh erfc""".split():
    if _n in _table:
        _table[_n + "_"] = _make_inplace(_table[_n])
from .inplace import inplace_view as _inplace_view  # noqa: E402
for _n in ("t", "transpose", "squeeze", "unsqueeze"):   # these change the shape: not a write into the memory
    _table[_n + "_"] = _inplace_view(_table[_n])
_table["subtract_"] = _table["sub_"]
_table["multiply_"] = _table["mul_"]
_table["divide_"] = _table["div_"]
from . import factory_methods as _new, pointwise_binary as _pw  # noqa: E402
from .inplace import fill_diagonal_ as _fill_diagonal_  # noqa: E402
_table.update(atan2=atan2, arctan2=atan2, logaddexp=logaddexp, nan_to_num=nan_to_num, erfinv=erfinv, median=median,
              unfold=unfold, dist=dist, sum_to_size=sum_to_size, new_zeros=_new.new_zeros,
              new_ones=_new.new_ones, new_empty=_new.new_empty, new_full=_new.new_full,
              new_tensor=_new.new_tensor, where=_pw.tensor_where, fill_diagonal_=_fill_diagonal_,
              atan2_=_make_inplace(atan2), nan_to_num_=_make_inplace(nan_to_num), erfinv_=_make_inplace(erfinv),
              index_put_=_make_inplace(index_put), masked_scatter_=_make_inplace(masked_scatter))

# --- the less common torch.* functions (one module per family) -------------------------------------------
from . import combine as _combine, numeric as _numeric, scan as _scan, stats as _stats, \
    calculus as _calculus, scatter_ops as _scatter_ops  # noqa: E402
for _m in (_combine, _numeric, _scan, _stats, _calculus, _scatter_ops):
    for _n in _m.__all__:
        _g[_n] = getattr(_m, _n)
    __all__ += _m.__all__
for _n in """kron hsplit vsplit dsplit split_with_sizes unsafe_split unsafe_split_with_sizes unsafe_chunk rot90
diagflat addr vdot gcd lcm hypot copysign heaviside frexp ldexp nextafter logaddexp2 bitwise_left_shift
bitwise_right_shift cummax cummin logcumsumexp quantile nanquantile nanmedian mode histogram unique_consecutive
diagonal_scatter select_scatter slice_scatter scatter_reduce index_reduce put renorm diag_embed""".split():
    _table[_n] = _g[_n]
for _n in """addr gcd lcm hypot copysign ldexp nextafter bitwise_left_shift bitwise_right_shift scatter_reduce
index_reduce put renorm""".split():
    _table[_n + "_"] = _make_inplace(_g[_n])
_table["heaviside_"] = _make_inplace(_g["heaviside"])
_table["xlogy_"] = _make_inplace(_table["xlogy"])
from .arith import _float_power_  # noqa: E402
_table["float_power_"] = _float_power_
_table["hash_tensor"] = _g["hash_tensor"]
register_methods(_table)

# complex tensors: complex-aware sgn / isreal / adjoint replace the real-only ones (functions and methods)
from . import complex as _complex  # noqa: E402
from .complex import sgn, isreal, adjoint  # noqa: E402,F811
_complex._install_refusals()

# torch.uint16/32/64: the kernels PyTorch refuses for them (functions and methods)
from . import _unsigned  # noqa: E402
_unsigned.install()
