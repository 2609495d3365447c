"""PyTorch's refusals for ``torch.uint16`` / ``uint32`` / ``uint64`` tensors.

PyTorch 2.13 gives these dtypes "limited support" on CPU: creation, casts, copies, views, indexing by them,
``eq``/``ne``, ``sort``/``argsort``/``unique``, bitwise and/or/xor, ``mul``, ``div`` (to float), ``sum``/``prod``/
``cumsum`` (to int64), ``cat``/``stack``/``where``/``roll``/``repeat``/``pad``. Every other kernel raises
``NotImplementedError: "<kernel>" not implemented for 'UInt16'``. NumPy computes all of them happily, so the ops
PyTorch refuses are wrapped here (once, at import) to raise PyTorch's error before they run; promotion with
another non-floating dtype is refused in ``_dtype.promote``.
"""
import functools

from .. import _dtype as D
from .._tensor import Tensor


def is_wide_unsigned(arr):
    """True for a NumPy array (or scalar) of uint16, uint32 or uint64."""
    d = arr.dtype
    return d.kind == "u" and d.itemsize > 1


def refuse_kernel(kernel, arr):
    """PyTorch's NotImplementedError for a kernel without an instance for this unsigned dtype."""
    if is_wide_unsigned(arr):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{D.scalar_name(arr.dtype)}'")


def _scalar_or_tensor(scalar_kernel, tensor_kernel):
    """The kernel a clamp-like op reaches: a tensor bound goes through maximum/minimum."""
    def pick(args, kwargs):
        bounds = list(args[1:]) + [v for k, v in kwargs.items() if k in ("min", "max")]
        return tensor_kernel if any(isinstance(b, Tensor) for b in bounds) else scalar_kernel
    return pick


def _max_min(all_k, dim_k, binary_k):
    def pick(args, kwargs):
        if len(args) > 1:
            return binary_k if isinstance(args[1], Tensor) else dim_k
        if "other" in kwargs:
            return binary_k
        return dim_k if "dim" in kwargs else all_k
    return pick


def _setitem(args, kwargs):
    """t[mask] = value is masked_fill in PyTorch, t[index_tensor] = value index_put; basic indexing is a copy."""
    idx = args[1] if len(args) > 1 else None
    for i in (idx if isinstance(idx, tuple) else (idx,)):
        if isinstance(i, Tensor):
            return "masked_fill" if i._data.dtype.kind == "b" and not isinstance(args[2], Tensor) else "index_put"
        if isinstance(i, list):
            return "index_put"
    return None


def _random_(args, kwargs):
    """random_() over the dtype's whole range has no kernel; random_(to) / random_(from, to) do."""
    return "random_kernel_cpu" if len(args) == 1 and "to" not in kwargs and "from_" not in kwargs else None


# op name -> PyTorch's kernel name (or a function of (args, kwargs) giving it, None when the call is supported)
_KERNELS = {
    "abs": "abs_cpu", "absolute": "abs_cpu", "neg": "neg_cpu", "negative": "neg_cpu",
    "sign": "sign_cpu", "sgn": "sign_cpu", "diff": "add_stub", "trapezoid": "add_stub", "trapz": "add_stub",
    "cumulative_trapezoid": "add_stub", "gradient": "add_stub", "dist": "add_stub", "pow": "pow", "square": "pow",
    "floor_divide": "div_floor_cpu", "remainder": "remainder_cpu", "fmod": "fmod_cpu", "gcd": "gcd_cpu",
    "lcm": "lcm_cpu", "heaviside": "heaviside_cpu", "igamma": "igamma_cpu", "igammac": "igammac_cpu",
    "logical_and": "logical_and_cpu", "logical_or": "logical_or_cpu", "logical_xor": "logical_xor_cpu",
    "logical_not": "logical_not_cpu", "bitwise_not": "bitwise_not_cpu",
    "bitwise_left_shift": "lshift_cpu", "bitwise_right_shift": "rshift_cpu",
    "max": _max_min("max_all", "max_cpu", "maximum_cpu"), "min": _max_min("min_all", "min_cpu", "minimum_cpu"),
    "amax": "max_values_cpu", "amin": "min_values_cpu", "aminmax": "aminmax_cpu",
    "maximum": "maximum_cpu", "minimum": "minimum_cpu", "fmax": "maximum_cpu", "fmin": "minimum_cpu",
    "argmax": "argmax_cpu", "argmin": "argmin_cpu", "topk": "topk_cpu", "median": "median_cpu",
    "nanmedian": "median_cpu", "mode": "mode_cpu", "kthvalue": "kthvalue_cpu",
    "cummax": "cummax_cpu", "cummin": "cummin_cpu", "logcumsumexp": "logcumsumexp_out_cpu",
    "cumsum_": "cumsum_out_cpu", "histc": "aminmax_cpu",
    "clamp": _scalar_or_tensor("clamp_scalar_cpu", "maximum_cpu"),
    "clip": _scalar_or_tensor("clamp_scalar_cpu", "maximum_cpu"),
    "clamp_min": _scalar_or_tensor("clamp_min_scalar_cpu", "maximum_cpu"),
    "clamp_max": _scalar_or_tensor("clamp_max_scalar_cpu", "minimum_cpu"),
    "relu": "clamp_min_scalar_cpu", "softmax": "softmax_lastdim_kernel_impl",
    "log_softmax": "log_softmax_lastdim_kernel_impl", "frac": "frac_cpu",
    "addcmul": "addcmul_cpu_out", "addcdiv": "addcdiv_cpu_out",
    "argwhere": "nonzero_count_cpu", "count_nonzero": "nonzero_count_cpu",
    "log_normal_": "log_normal_cpu",
    "isin": "isin_default_cpu", "searchsorted": "searchsorted_out_cpu", "bucketize": "searchsorted_out_cpu",
    "bincount": "bincount_cpu", "flip": "flip_cpu", "fliplr": "flip_cpu", "rot90": "flip_cpu",
    "tril": "tril", "triu": "triu", "trace": "trace", "inner": "addmm_impl_cpu_",
    "chain_matmul": lambda args, kwargs: "addmm_impl_cpu_" if len(args) > 1 else None,
    "tensordot": "dot", "dot": "dot", "mv": "addmv_impl_cpu", "einsum": "bmm",
    "index_select": "index_select", "gather": "scatter_gather_tensor_cpu", "scatter": "scatter_gather_tensor_cpu",
    "scatter_add": "scatter_gather_tensor_cpu", "scatter_reduce": "scatter_gather_tensor_cpu",
    "masked_fill": "masked_fill", "masked_select": "masked_select", "masked_scatter": "masked_scatter",
    "take": "take_cpu", "put_": "take_put_cpu", "put": "take_put_cpu", "index_put_": "index_put",
    "index_put": "index_put", "index_add": "index_add_", "index_copy": "index_copy_cpu",
    "index_fill": "index_fill_cpu", "setitem": _setitem,
    "bernoulli_": "bernoulli_scalar_cpu_", "rand_like": "check_uniform_bounds", "randn_like": "normal_kernel_cpu",
    "uniform_": "check_uniform_bounds", "normal_": "normal_kernel_cpu", "random_": _random_,
}
# add/sub, div's rounding modes, lt/le/gt/ge, mm/matmul/bmm, nonzero/where and sum(dtype=) check inside the ops
# themselves (they are hot: no wrapper frame on them); the in-place methods refuse with their out-of-place kernel
for _n in ("abs", "absolute", "neg", "negative", "sign", "sgn", "pow", "square", "floor_divide", "remainder",
           "fmod", "gcd", "lcm", "heaviside", "igamma", "igammac", "logical_and", "logical_or", "logical_xor",
           "logical_not", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "clamp", "clip", "clamp_min",
           "clamp_max", "relu", "tril", "triu", "masked_fill", "scatter", "index_add", "index_copy", "index_fill",
           "masked_scatter", "scatter_add", "scatter_reduce", "addcmul", "addcdiv"):
    _KERNELS[_n + "_"] = _KERNELS[_n]


def _guard(fn, spec):
    pick = spec if callable(spec) else None

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        # the fast path (every dtype but the unsigned ones) costs one attribute chain: no isinstance
        try:
            d = args[0]._data.dtype
        except (IndexError, AttributeError):
            d = _operand_dtype(args, kwargs)
            if d is None:
                return fn(*args, **kwargs)
        if d.kind != "u" or d.itemsize == 1:
            return fn(*args, **kwargs)
        k = pick(args, kwargs) if pick is not None else spec
        if k is not None:
            raise NotImplementedError(f"\"{k}\" not implemented for '{D.scalar_name(d)}'")
        return fn(*args, **kwargs)
    guarded._uint_guarded = True
    return guarded


def _operand_dtype(args, kwargs):
    """The dtype that decides when the first argument is no tensor: ``input=``, or the tensor after a Python
    number (``5 - t`` calls ``sub(5, t)``)."""
    a = kwargs.get("input") if not args else args[1] if len(args) > 1 else None
    return a._data.dtype if isinstance(a, Tensor) else None


def install():
    """Wrap the refused ops of numtorch._ops and the Tensor methods of the same names."""
    import sys
    from .._tensor import _METHODS
    namespace_module = sys.modules[__name__.rsplit(".", 1)[0]]
    for name, spec in _KERNELS.items():
        fn = getattr(namespace_module, name, None)
        if callable(fn) and not getattr(fn, "_uint_guarded", False):
            setattr(namespace_module, name, _guard(fn, spec))
        m = Tensor.__dict__.get(name)
        if m is not None and callable(m) and not getattr(m, "_uint_guarded", False):
            g = _guard(m, spec)
            setattr(Tensor, name, g)
            if name in _METHODS:
                _METHODS[name] = g


def install_in(namespace, names):
    """Guard ``names`` of another namespace dict (top-level functions that do not come from numtorch._ops) and
    the Tensor methods of the same names."""
    for name in names:
        fn = namespace.get(name)
        if callable(fn) and not getattr(fn, "_uint_guarded", False):
            namespace[name] = _guard(fn, _KERNELS[name])
        m = Tensor.__dict__.get(name)
        if m is not None and callable(m) and not getattr(m, "_uint_guarded", False):
            setattr(Tensor, name, _guard(m, _KERNELS[name]))


# factory functions whose dtype= argument PyTorch refuses for uint16/32/64
_DTYPE_KERNELS = {"arange": "arange_cpu", "range": "range_cpu", "linspace": "linspace_cpu",
                  "logspace": "logspace_cpu", "rand": "check_uniform_bounds", "randn": "normal_kernel_cpu",
                  "randperm": "randperm", "eye": "eye", "tril_indices": "tril_indices", "triu_indices": "triu_indices",
                  "rand_like": "check_uniform_bounds", "randn_like": "normal_kernel_cpu"}


def _dtype_guard(fn, kernel):
    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        d = kwargs.get("dtype")
        if d is not None and d in D.UNSIGNED_WIDE:
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{D.SCALAR_NAMES[d.name]}'")
        return fn(*args, **kwargs)
    guarded._uint_dtype_guarded = True
    return guarded


def install_factories(namespace):
    """Guard the factory functions of the top-level namespace dict (their ``dtype=`` argument), and the
    ``*_like`` ones on their input too."""
    for name, kernel in _DTYPE_KERNELS.items():
        fn = namespace.get(name)
        if callable(fn) and not getattr(fn, "_uint_dtype_guarded", False):
            if name in _KERNELS and not getattr(fn, "_uint_guarded", False):
                fn = _guard(fn, _KERNELS[name])
            namespace[name] = _dtype_guard(fn, kernel)
