"""The masked reductions and normalizations of ``torch.masked`` for strided tensors.

Every function combines ``input`` with its (broadcast, bool) ``mask`` by ``where(mask, input, identity)``,
where ``identity`` is the reduction's neutral element (0 for sum, 1 for prod, -inf / the integer minimum
for amax, ...), and then runs the ordinary reduction, as PyTorch does: a fully masked-out slice therefore
gives the reduction of identities (0 for sum, -inf for amax, nan for mean, ...). Built only from
differentiable numtorch ops, so gradients (zero at masked-out elements) come from the ops themselves."""
import builtins
import math


__all__ = []



def _nt():
    import numtorch
    return numtorch


def _check_layout(input, name):
    nt = _nt()
    if getattr(input, "layout", nt.strided) != nt.strided:
        raise ValueError(f"masked {name} expects strided tensor (got {input.layout} tensor); numtorch's "
                         "torch.masked does not support sparse layouts")


def _reduction_identity(op_name, input, *args):
    """The neutral element of ``op_name`` for ``input``'s dtype as a 0-d tensor, or None where it is
    not defined (mean, var, std)."""
    nt = _nt()
    dtype = input.dtype
    if op_name in ("sum", "cumsum"):
        return nt.tensor(0, dtype=dtype)
    if op_name in ("prod", "cumprod"):
        return nt.tensor(1, dtype=dtype)
    if op_name in ("amax", "argmax", "logaddexp", "logsumexp"):
        if dtype.is_floating_point:
            return nt.tensor(-math.inf, dtype=dtype)
        if dtype.is_complex and op_name == "logsumexp":   # exp(-inf + 0j) = 0
            return nt.tensor(complex(-math.inf, 0.0), dtype=dtype)
        if dtype.is_signed or dtype == nt.uint8:
            return nt.tensor(nt.iinfo(dtype).min, dtype=dtype)
    elif op_name in ("amin", "argmin"):
        if dtype.is_floating_point:
            return nt.tensor(math.inf, dtype=dtype)
        if dtype.is_signed or dtype == nt.uint8:
            return nt.tensor(nt.iinfo(dtype).max, dtype=dtype)
    elif op_name == "mean":
        return None
    elif op_name == "norm":
        ord = args[0] if args else 2
        if ord == float("-inf"):
            if not dtype.is_floating_point:
                raise AssertionError(f"input must be floating point, got {dtype}")
            return nt.tensor(math.inf, dtype=dtype)
        return nt.tensor(0, dtype=dtype)
    elif op_name == "median":
        return nt.tensor(math.nan, dtype=dtype if dtype.is_floating_point else nt.float32)
    elif op_name in ("var", "std"):
        return None
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def _canonical_dim(dim, ndim):
    """``dim`` as a sorted tuple of non-negative dims; None and () mean every dim."""
    if dim == () or dim is None:
        return tuple(range(ndim))
    ndim = builtins.max(ndim, 1)
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, mask=None):
    """The mask broadcast to ``input``'s shape, as bool."""
    nt = _nt()
    if mask is None:
        raise ValueError("_input_mask requires explicit mask")
    if getattr(mask, "layout", nt.strided) != nt.strided:
        mask = mask.to_dense()
    if tuple(mask.shape) != tuple(input.shape):
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of "
                             "the input)")
        mask = nt.broadcast_to(mask.clone(), input.shape)
    return mask.to(dtype=nt.bool)


def _combine_input_and_mask(op_name, input, mask, *args):
    if mask is None:
        return input
    return _nt().where(_input_mask(input, mask=mask), input, _reduction_identity(op_name, input, *args))


_SMALL_INTS = ("uint8", "bool", "int8", "int16", "int32")


def _sum_dtype(input, dtype):
    if dtype is None:
        dtype = input.dtype
        if str(dtype).split(".")[-1] in _SMALL_INTS:
            dtype = _nt().int64
    return dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """sum over ``dim`` of ``where(mask, input, 0)``."""
    _check_layout(input, "sum")
    dtype = _sum_dtype(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    return _nt().sum(_combine_input_and_mask("sum", input, mask), dim_, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """product over ``dim`` of ``where(mask, input, 1)``."""
    _check_layout(input, "prod")
    dtype = _sum_dtype(input, dtype)
    dim_ = _canonical_dim(dim, input.ndim)
    result = _combine_input_and_mask("prod", input, mask).to(dtype=dtype)
    for d in reversed(dim_):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    """cumulative sum along ``dim`` of ``where(mask, input, 0)``."""
    _check_layout(input, "cumsum")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    return _nt().cumsum(_combine_input_and_mask("sum", input, mask), dim_, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """cumulative product along ``dim`` of ``where(mask, input, 1)``."""
    _check_layout(input, "cumprod")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    return _nt().cumprod(_combine_input_and_mask("prod", input, mask), dim_, dtype=dtype).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """max over ``dim`` of ``where(mask, input, -inf)`` (the dtype's minimum for integers)."""
    _check_layout(input, "amax")
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("amax", input, mask)
    return _nt().amax(mask_input, _canonical_dim(dim, mask_input.ndim), bool(keepdim)).to(dtype=dtype)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """min over ``dim`` of ``where(mask, input, inf)`` (the dtype's maximum for integers)."""
    _check_layout(input, "amin")
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("amin", input, mask)
    return _nt().amin(mask_input, _canonical_dim(dim, mask_input.ndim), bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """argmax along ``dim`` of ``where(mask, input, -inf)``, cast to ``dtype`` (input's by default)."""
    _check_layout(input, "argmax")
    dtype = input.dtype if dtype is None else dtype
    return _nt().argmax(_combine_input_and_mask("argmax", input, mask), dim, bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """argmin along ``dim`` of ``where(mask, input, inf)``, cast to ``dtype`` (input's by default)."""
    _check_layout(input, "argmin")
    dtype = input.dtype if dtype is None else dtype
    return _nt().argmin(_combine_input_and_mask("argmin", input, mask), dim, bool(keepdim)).to(dtype=dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """masked sum / number of masked-in elements (nan for a fully masked-out slice)."""
    nt = _nt()
    _check_layout(input, "mean")
    dtype_source = "Optional"
    if dtype is None:
        dtype = input.dtype
        dtype_source = "Input"
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {dtype_source} dtype must be either a floating "
                         f"point or complex dtype. Got: {dtype}")
    if mask is None:
        count = sum(nt.ones(input.shape, dtype=nt.int64), dim, keepdim=keepdim)
        total = sum(input, dim, keepdim=keepdim, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=_canonical_dim(dim, input.ndim), keepdim=bool(keepdim))
        total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """nanmedian along ``dim`` of ``where(mask, input, nan)``; integer input with a fully masked-out slice
    raises ValueError."""
    nt = _nt()
    _check_layout(input, "median")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=nt.float32)
    output = nt.nanmedian(_combine_input_and_mask("median", input, mask), dim_, keepdim).values
    if is_float:
        return output
    if not nt.isnan(output).any():
        return output.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """log(sum(exp(x))) over ``dim`` of ``where(mask, input, -inf)``."""
    _check_layout(input, "logsumexp")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)
    return _nt().logsumexp(_combine_input_and_mask("logsumexp", input, mask), dim_,
                           keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """logaddexp of ``where(input_mask, input, -inf)`` and ``where(other_mask, other, -inf)``."""
    nt = _nt()
    if getattr(input, "layout", nt.strided) != nt.strided or getattr(other, "layout", nt.strided) != nt.strided:
        raise ValueError(f"masked logaddexp expects strided tensors (got {input.layout} tensor for input, "
                         f"{other.layout} for other)")
    dtype = input.dtype if dtype is None else dtype
    return nt.logaddexp(_combine_input_and_mask("logaddexp", input, input_mask),
                        _combine_input_and_mask("logaddexp", other, other_mask)).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """vector ``ord``-norm over ``dim`` of ``where(mask, input, 0)`` (``inf`` for ord=-inf)."""
    _check_layout(input, "norm")
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("norm", input, mask, ord)
    return _nt().linalg.vector_norm(mask_input, ord, _canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, *, correction_opt, keepdim, dtype, mask, take_sqrt):
    """sum(|x - masked mean|^2 over masked-in) / max(count - correction, 0), sqrt-ed for std."""
    nt = _nt()
    _check_layout(input, "std/var")
    if unbiased is not None and correction_opt is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = 1.0
    if unbiased is not None:
        correction = 1.0 if unbiased else 0.0
    if correction_opt is not None:
        correction = float(correction_opt)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = nt.float32
    compute_dtype = dtype
    if not (compute_dtype.is_floating_point or compute_dtype.is_complex):
        compute_dtype = nt.float32
    dims = _canonical_dim(dim, input.ndim)
    if mask is None:
        inmask = None
        count = sum(nt.ones(input.shape, dtype=nt.int64), dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype)
    else:
        inmask = _input_mask(input, mask=mask)
        count = inmask.sum(dim=dims, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype, mask=inmask)
    x = nt.subtract(input, nt.divide(sample_total, count))
    total = sum(x * x.conj() if compute_dtype.is_complex else x * x, dim, keepdim=keepdim, dtype=compute_dtype,
                mask=inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        # (complex: the count stays real, in the matching real dtype, as PyTorch)
        count = nt.subtract(count.to(compute_dtype.to_real() if compute_dtype.is_complex else compute_dtype),
                            correction)
        count = nt.maximum(count, count.new_zeros([]))
    output = nt.divide(total, count).to(dtype=dtype)
    return nt.sqrt(output) if take_sqrt else output


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """masked variance: sum over masked-in of |x - mean|^2 / max(count - correction, 0)."""
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """masked standard deviation: sqrt of ``var``."""
    return _std_var(input, dim, unbiased, correction_opt=correction, keepdim=keepdim, dtype=dtype, mask=mask,
                    take_sqrt=True)


def softmax(input, dim, *, dtype=None, mask=None):
    """softmax along ``dim`` of ``where(mask, input, -inf)`` (masked-out entries get 0; a fully masked-out
    slice gives nan)."""
    _check_layout(input, "softmax")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    return _nt().nn.functional.softmax(_combine_input_and_mask("amax", input, mask), dim_, dtype=dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """log_softmax along ``dim`` of ``where(mask, input, -inf)``."""
    _check_layout(input, "log_softmax")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    return _nt().nn.functional.log_softmax(_combine_input_and_mask("amax", input, mask), dim_, dtype=dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    """softmin along ``dim`` of ``where(mask, input, inf)``."""
    _check_layout(input, "softmin")
    dtype = input.dtype if dtype is None else dtype
    dim_ = _canonical_dim(dim, input.ndim)[0]
    return _nt().nn.functional.softmin(_combine_input_and_mask("amin", input, mask), dim_, dtype=dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """where(mask, input, 0) / max(masked ``ord``-norm along ``dim``, eps)."""
    nt = _nt()
    _check_layout(input, "normalize")
    dtype = input.dtype if dtype is None else dtype
    mask_input = _combine_input_and_mask("sum", input, mask)
    nrm_ = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    denom = nt.maximum(nrm_, nrm_.new_full([], eps))
    return nt.divide(mask_input, denom)
