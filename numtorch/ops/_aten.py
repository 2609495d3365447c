"""``torch.ops.aten``: ATen's operators, with ATen's schemas (argument names, order, defaults), on numtorch's
functions. Each kernel takes the arguments in schema order and converts ATen's conventions (integer
``reduction``, ``padding_idx=-1`` for none, ``half_to_float``, lists for every size) to the ``torch.*`` /
``nn.functional`` call that holds the math, so gradients flow through the ordinary ops."""
import builtins

from ._overload import _register


def _nt():
    import numtorch
    return numtorch


def _F():
    from ..nn import functional
    return functional


def _unary(name):
    return lambda self: getattr(_nt(), name)(self)


def _binary(name):
    return lambda self, other: getattr(_nt(), name)(self, other)


def _factory_kw(dtype, device):
    kw = {}
    if dtype is not None:
        kw["dtype"] = dtype
    if device is not None:
        kw["device"] = device
    return kw


def _tuple2(v):
    return tuple(v) if isinstance(v, (list, tuple)) else v


def _bn_no_training(input, weight, bias, running_mean, running_var, momentum, eps):
    """(out, empty, empty): eval-mode batch norm, whose saved statistics ATen leaves empty."""
    nt = _nt()
    out = _F().batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    return out, nt.empty(0, dtype=input.dtype), nt.empty(0, dtype=input.dtype)


def _elu(self, alpha, scale, input_scale):
    """scale * (x if x > 0 else alpha * (exp(input_scale * x) - 1))"""
    if scale == 1 and input_scale == 1:
        return _F().elu(self, alpha)
    nt = _nt()
    return nt.where(self > 0, self * scale, nt.expm1(self * input_scale) * (alpha * scale))


def _softmax(self, dim, half_to_float):
    if half_to_float:
        return _F().softmax(self, dim, dtype=_nt().float32)
    return _F().softmax(self, dim)


def _log_softmax(self, dim, half_to_float):
    if half_to_float:
        return _F().log_softmax(self, dim, dtype=_nt().float32)
    return _F().log_softmax(self, dim)


def _reduce_dims(dim):
    if dim is None:
        return None
    if isinstance(dim, int):
        return dim
    dim = tuple(dim)
    return dim if dim else None


def _sum_dim(self, dim, keepdim, dtype):
    d = _reduce_dims(dim)
    if d is None:
        out = _nt().sum(self, dtype=dtype)
        if keepdim:
            out = out.reshape([1] * self.dim())
        return out
    return _nt().sum(self, d, keepdim, dtype=dtype)


def _mean_dim(self, dim, keepdim, dtype):
    d = _reduce_dims(dim)
    if d is None:
        out = _nt().mean(self, dtype=dtype)
        if keepdim:
            out = out.reshape([1] * self.dim())
        return out
    return _nt().mean(self, d, keepdim, dtype=dtype)


def _amax(name):
    def k(self, dim, keepdim):
        return getattr(_nt(), name)(self, tuple(dim) if isinstance(dim, (list, tuple)) else dim, keepdim)
    return k


def _var(name):
    def k(self, dim, correction, keepdim):
        d = _reduce_dims(dim)
        return getattr(_nt(), name)(self, d, keepdim=keepdim, correction=1 if correction is None else correction)
    return k


def _to_copy(self, dtype, layout, device, pin_memory, non_blocking, memory_format):
    return self.to(dtype, copy=True) if dtype is not None else self.clone()


def _split_with_sizes(self, sizes, dim):
    return list(self.split(list(sizes), dim))


def _index(self, indices):
    """``x[i0, i1, ...]`` with ``None`` for a dimension left whole."""
    key = tuple(slice(None) if i is None else i for i in indices)
    return self[key]


def _slice(self, dim, start, end, step):
    n = self.shape[dim]
    key = [slice(None)] * self.dim()
    key[dim] = slice(start, builtins.min(end, n) if end is not None else None, step)
    return self[tuple(key)]


def _copy(self, src, non_blocking):
    """A new tensor: ``src`` cast to ``self``'s dtype and broadcast to its shape."""
    return src.to(self.dtype).expand(self.shape).clone()


def _native_dropout(input, p, train):
    if train is None or train:
        return _nt().native_dropout(input, p, True)
    return input.clone(), _nt().ones_like(input, dtype=_nt().bool)


def _embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse):
    return _F().embedding(indices, weight, padding_idx if padding_idx >= 0 else None,
                          scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def _max_pool2d(with_indices):
    def k(self, kernel_size, stride, padding, dilation, ceil_mode):
        return _F().max_pool2d(self, _tuple2(kernel_size), _tuple2(stride) or None, _tuple2(padding),
                               _tuple2(dilation), ceil_mode, return_indices=with_indices)
    return k


def _avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    return _F().avg_pool2d(self, _tuple2(kernel_size), _tuple2(stride) or None, _tuple2(padding), ceil_mode,
                           count_include_pad, divisor_override)


def _mse_loss(self, target, reduction):
    from .._aten_functions import _r
    return _F().mse_loss(self, target, reduction=_r(reduction, "mse_loss"))


def _arange(*a):
    *nums, dtype, layout, device, pin_memory = a
    return _nt().arange(*nums, **_factory_kw(dtype, device))


def _max_min(name):
    def k(self, dim, keepdim):
        r = getattr(_nt(), name)(self, dim, keepdim)
        return r[0], r[1]
    return k


def _sort_like(name):
    def k(self, *a):
        r = getattr(_nt(), name)(self, *a)
        return r[0], r[1]
    return k


def _inplace(name):
    return lambda self, *a: getattr(self, name)(*a)


def _sym_size(self, dim):
    return self.shape[dim]


KERNELS = {
    "add.Tensor": lambda s, o, alpha: _nt().add(s, o, alpha=alpha),
    "add.Scalar": lambda s, o, alpha: _nt().add(s, o, alpha=alpha),
    "sub.Tensor": lambda s, o, alpha: _nt().sub(s, o, alpha=alpha),
    "sub.Scalar": lambda s, o, alpha: _nt().sub(s, o, alpha=alpha),
    "mul.Tensor": _binary("mul"), "mul.Scalar": _binary("mul"),
    "div.Tensor": _binary("div"), "div.Scalar": _binary("div"),
    "div.Tensor_mode": lambda s, o, mode: _nt().div(s, o, rounding_mode=mode),
    "div.Scalar_mode": lambda s, o, mode: _nt().div(s, o, rounding_mode=mode),
    "rsub.Tensor": lambda s, o, alpha: _nt().rsub(s, o, alpha=alpha),
    "rsub.Scalar": lambda s, o, alpha: _nt().rsub(s, o, alpha=alpha),
    "pow.Tensor_Tensor": _binary("pow"), "pow.Tensor_Scalar": _binary("pow"), "pow.Scalar": _binary("pow"),
    "remainder.Tensor": _binary("remainder"), "remainder.Scalar": _binary("remainder"),
    "floor_divide.default": _binary("floor_divide"),
    "fmod.Tensor": _binary("fmod"), "fmod.Scalar": _binary("fmod"),
    "round.default": _unary("round"),
    "round.decimals": lambda s, decimals: _nt().round(s, decimals=decimals),
    "clamp.default": lambda s, lo, hi: _nt().clamp(s, lo, hi),
    "clamp.Tensor": lambda s, lo, hi: _nt().clamp(s, lo, hi),
    "clamp_min.default": _binary("clamp_min"), "clamp_max.default": _binary("clamp_max"),
    "where.self": lambda c, s, o: _nt().where(c, s, o),
    "relu_.default": _inplace("relu_"),
    "gelu.default": lambda s, approximate: _F().gelu(s, approximate=approximate),
    "silu.default": lambda s: _F().silu(s),
    "hardtanh.default": lambda s, lo, hi: _F().hardtanh(s, lo, hi),
    "leaky_relu.default": lambda s, slope: _F().leaky_relu(s, slope),
    "elu.default": _elu,
    "hardswish.default": lambda s: _F().hardswish(s),
    "hardsigmoid.default": lambda s: _F().hardsigmoid(s),
    "softplus.default": lambda s, beta, threshold: _F().softplus(s, beta, threshold),
    "mish.default": lambda s: _F().mish(s),
    "_softmax.default": _softmax, "_log_softmax.default": _log_softmax,
    "softmax.int": lambda s, dim, dtype: _F().softmax(s, dim, dtype=dtype),
    "log_softmax.int": lambda s, dim, dtype: _F().log_softmax(s, dim, dtype=dtype),
    "native_layer_norm.default": lambda x, shape, w, b, eps: _nt().native_layer_norm(x, list(shape), w, b, eps),
    "native_batch_norm.default": lambda *a: _nt().native_batch_norm(*a),
    "_native_batch_norm_legit_no_training.default": _bn_no_training,
    "native_group_norm.default": lambda *a: _nt().native_group_norm(*a),
    "layer_norm.default": lambda x, shape, w, b, eps, cudnn: _F().layer_norm(x, list(shape), w, b, eps),
    "batch_norm.default": lambda x, w, b, rm, rv, training, momentum, eps, cudnn: _F().batch_norm(
        x, rm, rv, w, b, training, momentum, eps),
    "group_norm.default": lambda x, g, w, b, eps, cudnn: _F().group_norm(x, g, w, b, eps),
    "convolution.default": lambda x, w, b, stride, padding, dilation, transposed, output_padding, groups:
        _nt().convolution(x, w, b, _tuple2(stride), _tuple2(padding), _tuple2(dilation), transposed,
                          _tuple2(output_padding), groups),
    "_convolution.default": lambda x, w, b, stride, padding, dilation, transposed, output_padding, groups, *_:
        _nt().convolution(x, w, b, _tuple2(stride), _tuple2(padding), _tuple2(dilation), transposed,
                          _tuple2(output_padding), groups),
    "conv2d.default": lambda x, w, b, stride, padding, dilation, groups: _F().conv2d(
        x, w, b, _tuple2(stride), _tuple2(padding), _tuple2(dilation), groups),
    "conv1d.default": lambda x, w, b, stride, padding, dilation, groups: _F().conv1d(
        x, w, b, _tuple2(stride), _tuple2(padding), _tuple2(dilation), groups),
    "linear.default": lambda x, w, b: _F().linear(x, w, b),
    "addmm.default": lambda s, m1, m2, beta, alpha: _nt().addmm(s, m1, m2, beta=beta, alpha=alpha),
    "baddbmm.default": lambda s, b1, b2, beta, alpha: _nt().baddbmm(s, b1, b2, beta=beta, alpha=alpha),
    "t.default": lambda s: _nt().t(s),
    "transpose.int": lambda s, d0, d1: s.transpose(d0, d1),
    "permute.default": lambda s, dims: s.permute(*dims),
    "view.default": lambda s, size: s.view(*size),
    "_unsafe_view.default": lambda s, size: s.reshape(*size).clone(),
    "reshape.default": lambda s, shape: s.reshape(*shape),
    "expand.default": lambda s, size, implicit: s.expand(*size),
    "expand_as.default": lambda s, o: s.expand_as(o),
    "squeeze.default": lambda s: s.squeeze(),
    "squeeze.dim": lambda s, d: s.squeeze(d),
    "squeeze.dims": lambda s, d: s.squeeze(tuple(d)),
    "unsqueeze.default": lambda s, d: s.unsqueeze(d),
    "cat.default": lambda ts, dim: _nt().cat(list(ts), dim),
    "stack.default": lambda ts, dim: _nt().stack(list(ts), dim),
    "split.Tensor": lambda s, size, dim: list(s.split(size, dim)),
    "split_with_sizes.default": _split_with_sizes,
    "unbind.int": lambda s, dim: list(s.unbind(dim)),
    "chunk.default": lambda s, chunks, dim: list(s.chunk(chunks, dim)),
    "slice.Tensor": _slice,
    "select.int": lambda s, dim, index: s.select(dim, index),
    "index.Tensor": _index,
    "index_select.default": lambda s, dim, index: _nt().index_select(s, dim, index),
    "narrow.default": lambda s, dim, start, length: s.narrow(dim, start, length),
    "clone.default": lambda s, memory_format: s.clone(),
    "_to_copy.default": _to_copy,
    "to.dtype": lambda s, dtype, non_blocking, copy, memory_format: s.to(dtype, copy=copy),
    "detach.default": lambda s: s.detach(),
    "alias.default": lambda s: s.view(s.shape),
    "lift_fresh_copy.default": lambda s: s.clone(),
    "contiguous.default": lambda s, memory_format: s.contiguous(),
    "embedding.default": _embedding,
    "dropout.default": lambda x, p, train: _F().dropout(x, p, train),
    "native_dropout.default": _native_dropout,
    "sum.dim_IntList": _sum_dim,
    "sum.default": lambda s, dtype: _nt().sum(s, dtype=dtype),
    "mean.default": lambda s, dtype: _nt().mean(s, dtype=dtype),
    "mean.dim": _mean_dim,
    "prod.default": lambda s, dtype: _nt().prod(s, dtype=dtype),
    "amax.default": _amax("amax"), "amin.default": _amax("amin"),
    "max.default": _unary("max"), "min.default": _unary("min"),
    "max.dim": _max_min("max"), "min.dim": _max_min("min"),
    "argmax.default": lambda s, dim, keepdim: _nt().argmax(s, dim, keepdim),
    "argmin.default": lambda s, dim, keepdim: _nt().argmin(s, dim, keepdim),
    "var.correction": _var("var"), "std.correction": _var("std"),
    "logsumexp.default": lambda s, dim, keepdim: _nt().logsumexp(s, tuple(dim), keepdim),
    "any.default": _unary("any"), "all.default": _unary("all"),
    "cumsum.default": lambda s, dim, dtype: _nt().cumsum(s, dim, dtype=dtype),
    "full.default": lambda size, v, dtype, layout, device, pin: _nt().full(list(size), v, **_factory_kw(dtype, device)),
    "zeros.default": lambda size, dtype, layout, device, pin: _nt().zeros(list(size), **_factory_kw(dtype, device)),
    "ones.default": lambda size, dtype, layout, device, pin: _nt().ones(list(size), **_factory_kw(dtype, device)),
    "empty.memory_format": lambda size, dtype, layout, device, pin, mf: _nt().empty(
        list(size), **_factory_kw(dtype, device)),
    "arange.default": _arange, "arange.start": _arange, "arange.start_step": _arange,
    "scalar_tensor.default": lambda s, dtype, layout, device, pin: _nt().scalar_tensor(s, **_factory_kw(dtype, device)),
    "zeros_like.default": lambda s, dtype, layout, device, pin, mf: _nt().zeros_like(s, **_factory_kw(dtype, device)),
    "ones_like.default": lambda s, dtype, layout, device, pin, mf: _nt().ones_like(s, **_factory_kw(dtype, device)),
    "full_like.default": lambda s, v, dtype, layout, device, pin, mf: _nt().full_like(
        s, v, **_factory_kw(dtype, device)),
    "empty_like.default": lambda s, dtype, layout, device, pin, mf: _nt().empty_like(s, **_factory_kw(dtype, device)),
    "flatten.using_ints": lambda s, start, end: s.flatten(start, end),
    "gather.default": lambda s, dim, index, sparse_grad: _nt().gather(s, dim, index),
    "scatter.value": lambda s, dim, index, value: _nt().scatter(s, dim, index, value=value),
    "scatter.src": lambda s, dim, index, src: _nt().scatter(s, dim, index, src),
    "topk.default": _sort_like("topk"),
    "sort.default": _sort_like("sort"),
    "masked_fill.Scalar": lambda s, m, v: _nt().masked_fill(s, m, v),
    "masked_fill.Tensor": lambda s, m, v: _nt().masked_fill(s, m, v),
    "constant_pad_nd.default": lambda s, pad, value: _nt().constant_pad_nd(s, list(pad), value),
    "repeat.default": lambda s, repeats: s.repeat(*repeats),
    "tril.default": lambda s, d: _nt().tril(s, d), "triu.default": lambda s, d: _nt().triu(s, d),
    "roll.default": lambda s, shifts, dims: _nt().roll(s, _tuple2(shifts), _tuple2(dims) or None),
    "flip.default": lambda s, dims: _nt().flip(s, tuple(dims)),
    "max_pool2d_with_indices.default": _max_pool2d(True),
    "max_pool2d.default": _max_pool2d(False),
    "avg_pool2d.default": _avg_pool2d,
    "_adaptive_avg_pool2d.default": lambda s, size: _F().adaptive_avg_pool2d(s, _tuple2(size)),
    "adaptive_avg_pool2d.default": lambda s, size: _F().adaptive_avg_pool2d(s, _tuple2(size)),
    "mse_loss.default": _mse_loss,
    "sym_size.int": _sym_size,
    "copy.default": _copy,
    "add_.Tensor": lambda s, o, alpha: s.add_(o, alpha=alpha),
    "mul_.Tensor": lambda s, o: s.mul_(o),
    "copy_.default": lambda s, src, non_blocking: s.copy_(src),
    "zero_.default": lambda s: s.zero_(),
    "fill.Scalar": lambda s, v: _nt().fill(s, v),
    "fill_.Scalar": lambda s, v: s.fill_(v),
}
# the operators that are the numtorch function of the same name, whatever the overload
_BINARY = {"mm", "bmm", "matmul", "maximum", "minimum", "atan2", "eq", "ne", "lt", "le", "gt", "ge", "logical_and",
           "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor"}
_UNARY = {"neg", "abs", "exp", "exp2", "log", "log2", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "asin",
          "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "erfc", "reciprocal", "sign", "floor", "ceil",
          "trunc", "logical_not", "bitwise_not", "isnan", "isinf", "isfinite", "relu"}


def _kernel(op, key):
    if key in KERNELS:
        return KERNELS[key]
    if op in _BINARY:
        return _binary(op)
    if op in _UNARY:
        return _unary(op)
    raise KeyError(f"aten::{key}: a schema without a kernel")



def _loss(fn_name):
    def k(self, target, weight, reduction, *rest):
        from .._aten_functions import _r
        return getattr(_F(), fn_name)(self, target, weight, *rest, reduction=_r(reduction, fn_name))
    return k


def _nll_loss(self, target, weight, reduction, ignore_index):
    from .._aten_functions import _r
    return _F().nll_loss(self, target, weight, ignore_index=ignore_index, reduction=_r(reduction, "nll_loss"))


def _cross_entropy(self, target, weight, reduction, ignore_index, label_smoothing):
    from .._aten_functions import _r
    return _F().cross_entropy(self, target, weight, ignore_index=ignore_index,
                              reduction=_r(reduction, "cross_entropy_loss"), label_smoothing=label_smoothing)


def _upsample(mode):
    def k(input, output_size, *rest):
        align_corners = rest[0] if len(rest) == 2 else None
        scale_factors = rest[-1]
        return _F().interpolate(input, size=_tuple2(output_size) if output_size is not None else None,
                                scale_factor=_tuple2(scale_factors) if output_size is None else None, mode=mode,
                                align_corners=align_corners)
    return k


def _new(name):
    def k(self, size, *rest):
        *fill, dtype, layout, device, pin = rest
        return getattr(self, name)(list(size), *fill, **_factory_kw(dtype, device))
    return k


KERNELS.update({
    "var_mean.correction": lambda s, dim, correction, keepdim: tuple(_nt().var_mean(
        s, _reduce_dims(dim), keepdim=keepdim, correction=1 if correction is None else correction)),
    "nll_loss.default": _nll_loss,
    "cross_entropy_loss.default": _cross_entropy,
    "binary_cross_entropy_with_logits.default": lambda s, t, w, pw, reduction: _nt().binary_cross_entropy_with_logits(
        s, t, w, pw, reduction),
    "binary_cross_entropy.default": _loss("binary_cross_entropy"),
    "pixel_shuffle.default": lambda s, r: _F().pixel_shuffle(s, r),
    "diagonal.default": lambda s, offset, d1, d2: _nt().diagonal(s, offset, d1, d2),
    "scatter_add.default": lambda s, dim, index, src: _nt().scatter_add(s, dim, index, src),
    "index_add.default": lambda s, dim, index, src, alpha: _nt().index_add(s, dim, index, src, alpha=alpha),
    "index_put.default": lambda s, indices, values, acc: _nt().index_put(s, tuple(indices), values, acc),
    "index_put_.default": lambda s, indices, values, acc: s.index_put_(tuple(indices), values, acc),
    "rand.default": lambda size, dtype, layout, device, pin: _nt().rand(list(size), **_factory_kw(dtype, device)),
    "randn.default": lambda size, dtype, layout, device, pin: _nt().randn(list(size), **_factory_kw(dtype, device)),
    "bernoulli.p": lambda s, p, generator: _nt().bernoulli(s, p, generator=generator),
    "threshold.default": lambda s, th, v: _F().threshold(s, th, v),
    "view_copy.default": lambda s, size: _nt().view_copy(s, list(size)),
    "permute_copy.default": lambda s, dims: _nt().permute_copy(s, list(dims)),
    "expand_copy.default": lambda s, size, implicit: _nt().expand_copy(s, list(size)),
    "select_copy.int": lambda s, dim, index: _nt().select_copy(s, dim, index),
    "unsqueeze_copy.default": lambda s, dim: _nt().unsqueeze_copy(s, dim),
    "squeeze_copy.dim": lambda s, dim: _nt().squeeze_copy(s, dim),
    "t_copy.default": lambda s: _nt().t_copy(s),
    "transpose_copy.int": lambda s, d0, d1: _nt().transpose_copy(s, d0, d1),
    "slice_copy.Tensor": lambda s, dim, start, end, step: _slice(s, dim, start, end, step).clone(),
    "split_with_sizes_copy.default": lambda s, sizes, dim: [t.clone() for t in s.split(list(sizes), dim)],
    "unbind_copy.int": lambda s, dim: [t.clone() for t in s.unbind(dim)],
    "new_zeros.default": _new("new_zeros"), "new_ones.default": _new("new_ones"),
    "new_empty.default": _new("new_empty"), "new_full.default": _new("new_full"),
    "hardtanh_.default": lambda s, lo, hi: _F().hardtanh_(s, lo, hi),
    "leaky_relu_.default": lambda s, slope: _F().leaky_relu_(s, slope),
    "upsample_nearest2d.vec": _upsample("nearest"),
    "upsample_bilinear2d.vec": _upsample("bilinear"),
    "erfinv.default": _unary("erfinv"),
    "empty_strided.default": lambda size, stride, dtype, layout, device, pin: _nt().empty_strided(
        list(size), list(stride), **_factory_kw(dtype, device)),
    "diag_embed.default": lambda s, offset, d1, d2: _nt().diag_embed(s, offset, d1, d2),
    "adaptive_max_pool2d.default": lambda s, size: tuple(_F().adaptive_max_pool2d(s, _tuple2(size),
                                                                                  return_indices=True)),
    "avg_pool1d.default": lambda s, k, stride, padding, ceil_mode, cip: _F().avg_pool1d(
        s, _tuple2(k), _tuple2(stride) or None, _tuple2(padding), ceil_mode, cip),
    "outer.default": _binary("outer"),
    "cumprod.default": lambda s, dim, dtype: _nt().cumprod(s, dim, dtype=dtype),
    "linalg_vector_norm.default": lambda s, ord, dim, keepdim, dtype: _nt().linalg.vector_norm(
        s, ord, _reduce_dims(dim), keepdim, dtype=dtype),
    "argsort.stable": lambda s, stable, dim, descending: _nt().argsort(s, dim, descending, stable=stable),
    "add_.Scalar": lambda s, o, alpha: s.add_(o, alpha=alpha),
    "sub_.Tensor": lambda s, o, alpha: s.sub_(o, alpha=alpha),
    "mul_.Scalar": lambda s, o: s.mul_(o),
    "div_.Tensor": lambda s, o: s.div_(o),
    "clamp_.default": lambda s, lo, hi: s.clamp_(lo, hi),
    "masked_fill_.Scalar": lambda s, m, v: s.masked_fill_(m, v),
})
for _n in ("sigmoid_", "tanh_", "abs_", "exp_", "neg_", "sqrt_", "rsqrt_"):
    KERNELS[f"{_n}.default"] = _inplace(_n)

# ATen's schemas (PyTorch 2.13), each overload in the order PyTorch resolves them
SCHEMAS = """
aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
aten::sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
aten::mul.Tensor(Tensor self, Tensor other) -> Tensor
aten::mul.Scalar(Tensor self, Scalar other) -> Tensor
aten::div.Tensor(Tensor self, Tensor other) -> Tensor
aten::div.Scalar(Tensor self, Scalar other) -> Tensor
aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor
aten::div.Scalar_mode(Tensor self, Scalar other, *, str? rounding_mode) -> Tensor
aten::rsub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
aten::rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor
aten::pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor
aten::pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor
aten::pow.Scalar(Scalar self, Tensor exponent) -> Tensor
aten::remainder.Tensor(Tensor self, Tensor other) -> Tensor
aten::remainder.Scalar(Tensor self, Scalar other) -> Tensor
aten::floor_divide(Tensor self, Tensor other) -> Tensor
aten::fmod.Tensor(Tensor self, Tensor other) -> Tensor
aten::fmod.Scalar(Tensor self, Scalar other) -> Tensor
aten::neg(Tensor self) -> Tensor
aten::abs(Tensor self) -> Tensor
aten::exp(Tensor self) -> Tensor
aten::exp2(Tensor self) -> Tensor
aten::log(Tensor self) -> Tensor
aten::log2(Tensor self) -> Tensor
aten::log1p(Tensor self) -> Tensor
aten::expm1(Tensor self) -> Tensor
aten::sqrt(Tensor self) -> Tensor
aten::rsqrt(Tensor self) -> Tensor
aten::sin(Tensor self) -> Tensor
aten::cos(Tensor self) -> Tensor
aten::tan(Tensor self) -> Tensor
aten::asin(Tensor self) -> Tensor
aten::acos(Tensor self) -> Tensor
aten::atan(Tensor self) -> Tensor
aten::sinh(Tensor self) -> Tensor
aten::cosh(Tensor self) -> Tensor
aten::tanh(Tensor self) -> Tensor
aten::sigmoid(Tensor self) -> Tensor
aten::erf(Tensor self) -> Tensor
aten::erfc(Tensor self) -> Tensor
aten::reciprocal(Tensor self) -> Tensor
aten::sign(Tensor self) -> Tensor
aten::floor(Tensor self) -> Tensor
aten::ceil(Tensor self) -> Tensor
aten::trunc(Tensor self) -> Tensor
aten::round(Tensor self) -> Tensor
aten::round.decimals(Tensor self, *, int decimals) -> Tensor
aten::logical_not(Tensor self) -> Tensor
aten::bitwise_not(Tensor self) -> Tensor
aten::isnan(Tensor self) -> Tensor
aten::isinf(Tensor self) -> Tensor
aten::isfinite(Tensor self) -> Tensor
aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor
aten::clamp.Tensor(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor
aten::clamp_min(Tensor self, Scalar min) -> Tensor
aten::clamp_max(Tensor self, Scalar max) -> Tensor
aten::maximum(Tensor self, Tensor other) -> Tensor
aten::minimum(Tensor self, Tensor other) -> Tensor
aten::where.self(Tensor condition, Tensor self, Tensor other) -> Tensor
aten::atan2(Tensor self, Tensor other) -> Tensor
aten::eq.Tensor(Tensor self, Tensor other) -> Tensor
aten::eq.Scalar(Tensor self, Scalar other) -> Tensor
aten::eq(Scalar a, Scalar b) -> bool
aten::ne.Tensor(Tensor self, Tensor other) -> Tensor
aten::ne.Scalar(Tensor self, Scalar other) -> Tensor
aten::ne(Scalar a, Scalar b) -> bool
aten::lt.Tensor(Tensor self, Tensor other) -> Tensor
aten::lt.Scalar(Tensor self, Scalar other) -> Tensor
aten::lt(Scalar a, Scalar b) -> bool
aten::le.Tensor(Tensor self, Tensor other) -> Tensor
aten::le.Scalar(Tensor self, Scalar other) -> Tensor
aten::le(Scalar a, Scalar b) -> bool
aten::gt.Tensor(Tensor self, Tensor other) -> Tensor
aten::gt.Scalar(Tensor self, Scalar other) -> Tensor
aten::gt(Scalar a, Scalar b) -> bool
aten::ge.Tensor(Tensor self, Tensor other) -> Tensor
aten::ge.Scalar(Tensor self, Scalar other) -> Tensor
aten::ge(Scalar a, Scalar b) -> bool
aten::logical_and(Tensor self, Tensor other) -> Tensor
aten::logical_or(Tensor self, Tensor other) -> Tensor
aten::logical_xor(Tensor self, Tensor other) -> Tensor
aten::bitwise_and.Tensor(Tensor self, Tensor other) -> Tensor
aten::bitwise_and.Scalar(Tensor self, Scalar other) -> Tensor
aten::bitwise_or.Tensor(Tensor self, Tensor other) -> Tensor
aten::bitwise_or.Scalar(Tensor self, Scalar other) -> Tensor
aten::bitwise_xor.Tensor(Tensor self, Tensor other) -> Tensor
aten::bitwise_xor.Scalar(Tensor self, Scalar other) -> Tensor
aten::relu(Tensor self) -> Tensor
aten::relu_(Tensor(a!) self) -> Tensor(a!)
aten::gelu(Tensor self, *, str approximate="none") -> Tensor
aten::silu(Tensor self) -> Tensor
aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor
aten::leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor
aten::elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor
aten::hardswish(Tensor self) -> Tensor
aten::hardsigmoid(Tensor self) -> Tensor
aten::softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor
aten::mish(Tensor self) -> Tensor
aten::_softmax(Tensor self, int dim, bool half_to_float) -> Tensor
aten::_log_softmax(Tensor self, int dim, bool half_to_float) -> Tensor
aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor
aten::log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor
aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)
aten::native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)
aten::_native_batch_norm_legit_no_training(Tensor input, Tensor? weight, Tensor? bias, Tensor running_mean, Tensor running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor)
aten::native_group_norm(Tensor input, Tensor? weight, Tensor? bias, SymInt N, SymInt C, SymInt HxW, int group, float eps) -> (Tensor, Tensor, Tensor)
aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1.0000000000000001e-05, bool cudnn_enable=True) -> Tensor
aten::batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor
aten::group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1.0000000000000001e-05, bool cudnn_enabled=True) -> Tensor
aten::convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups) -> Tensor
aten::_convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups, bool benchmark, bool deterministic, bool cudnn_enabled, bool allow_tf32) -> Tensor
aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], SymInt[2] padding=[0, 0], SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor
aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], SymInt[1] padding=[0], SymInt[1] dilation=[1], SymInt groups=1) -> Tensor
aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor
aten::mm(Tensor self, Tensor mat2) -> Tensor
aten::bmm(Tensor self, Tensor mat2) -> Tensor
aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor
aten::matmul(Tensor self, Tensor other) -> Tensor
aten::baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor
aten::t(Tensor(a) self) -> Tensor(a)
aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)
aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)
aten::view(Tensor(a) self, SymInt[] size) -> Tensor(a)
aten::_unsafe_view(Tensor self, SymInt[] size) -> Tensor
aten::reshape(Tensor(a) self, SymInt[] shape) -> Tensor(a)
aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)
aten::expand_as(Tensor(a) self, Tensor other) -> Tensor(a)
aten::squeeze(Tensor(a) self) -> Tensor(a)
aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)
aten::squeeze.dims(Tensor(a) self, int[] dim) -> Tensor(a)
aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)
aten::cat(Tensor[] tensors, int dim=0) -> Tensor
aten::stack(Tensor[] tensors, int dim=0) -> Tensor
aten::split.Tensor(Tensor(a -> *) self, SymInt split_size, int dim=0) -> Tensor(a)[]
aten::split_with_sizes(Tensor(a -> *) self, SymInt[] split_sizes, int dim=0) -> Tensor(a)[]
aten::unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]
aten::chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]
aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)
aten::select.int(Tensor(a) self, int dim, SymInt index) -> Tensor(a)
aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor
aten::index_select(Tensor self, int dim, Tensor index) -> Tensor
aten::narrow(Tensor(a) self, int dim, SymInt start, SymInt length) -> Tensor(a)
aten::clone(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor
aten::_to_copy(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, MemoryFormat? memory_format=None) -> Tensor
aten::to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)
aten::detach(Tensor(a) self) -> Tensor(a)
aten::alias(Tensor(a) self) -> Tensor(a)
aten::lift_fresh_copy(Tensor self) -> Tensor
aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)
aten::embedding(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor
aten::dropout(Tensor input, float p, bool train) -> Tensor
aten::native_dropout(Tensor input, float p, bool? train) -> (Tensor, Tensor)
aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor
aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor
aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor
aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor
aten::prod(Tensor self, *, ScalarType? dtype=None) -> Tensor
aten::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor
aten::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor
aten::max(Tensor self) -> Tensor
aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)
aten::min(Tensor self) -> Tensor
aten::min.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)
aten::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor
aten::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor
aten::var.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> Tensor
aten::std.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> Tensor
aten::logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor
aten::any(Tensor self) -> Tensor
aten::all(Tensor self) -> Tensor
aten::cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor
aten::full(SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::zeros(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::ones(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::empty.memory_format(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor
aten::arange(Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::arange.start(Scalar start, Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::scalar_tensor(Scalar s, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::zeros_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor
aten::ones_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor
aten::full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor
aten::empty_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor
aten::flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)
aten::gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor
aten::scatter.value(Tensor self, int dim, Tensor index, Scalar value) -> Tensor
aten::scatter.src(Tensor self, int dim, Tensor index, Tensor src) -> Tensor
aten::topk(Tensor self, SymInt k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)
aten::sort(Tensor self, int dim=-1, bool descending=False) -> (Tensor values, Tensor indices)
aten::masked_fill.Scalar(Tensor self, Tensor mask, Scalar value) -> Tensor
aten::masked_fill.Tensor(Tensor self, Tensor mask, Tensor value) -> Tensor
aten::constant_pad_nd(Tensor self, SymInt[] pad, Scalar value=0) -> Tensor
aten::repeat(Tensor self, SymInt[] repeats) -> Tensor
aten::tril(Tensor self, SymInt diagonal=0) -> Tensor
aten::triu(Tensor self, SymInt diagonal=0) -> Tensor
aten::roll(Tensor self, SymInt[1] shifts, int[1] dims=[]) -> Tensor
aten::flip(Tensor self, int[] dims) -> Tensor
aten::max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)
aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor
aten::avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor
aten::_adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor
aten::adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor
aten::mse_loss(Tensor self, Tensor target, int reduction=1) -> Tensor
aten::sym_size.int(Tensor self, int dim) -> SymInt
aten::copy(Tensor self, Tensor src, bool non_blocking=False) -> Tensor
aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)
aten::add_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)
aten::mul_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)
aten::mul_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)
aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)
aten::zero_(Tensor(a!) self) -> Tensor(a!)
aten::fill.Scalar(Tensor self, Scalar value) -> Tensor
aten::fill_.Scalar(Tensor(a!) self, Scalar value) -> Tensor(a!)
aten::abs_(Tensor(a!) self) -> Tensor(a!)
aten::adaptive_max_pool2d(Tensor self, int[2] output_size) -> (Tensor, Tensor)
aten::argsort.stable(Tensor self, *, bool stable, int dim=-1, bool descending=False) -> Tensor
aten::avg_pool1d(Tensor self, int[1] kernel_size, int[1] stride=[], int[1] padding=[0], bool ceil_mode=False, bool count_include_pad=True) -> Tensor
aten::bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor
aten::binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, int reduction=1) -> Tensor
aten::binary_cross_entropy_with_logits(Tensor self, Tensor target, Tensor? weight=None, Tensor? pos_weight=None, int reduction=1) -> Tensor
aten::clamp_(Tensor(a!) self, Scalar? min=None, Scalar? max=None) -> Tensor(a!)
aten::cross_entropy_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100, float label_smoothing=0.) -> Tensor
aten::cumprod(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor
aten::diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor
aten::diagonal(Tensor(a) self, int offset=0, int dim1=0, int dim2=1) -> Tensor(a)
aten::div_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)
aten::empty_strided(SymInt[] size, SymInt[] stride, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::erfinv(Tensor self) -> Tensor
aten::exp_(Tensor(a!) self) -> Tensor(a!)
aten::expand_copy(Tensor self, SymInt[] size, *, bool implicit=False) -> Tensor
aten::hardtanh_(Tensor(a!) self, Scalar min_val=-1, Scalar max_val=1) -> Tensor(a!)
aten::index_add(Tensor self, int dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor
aten::index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor
aten::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)
aten::leaky_relu_(Tensor(a!) self, Scalar negative_slope=0.01) -> Tensor(a!)
aten::linalg_vector_norm(Tensor self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor
aten::masked_fill_.Scalar(Tensor(a!) self, Tensor mask, Scalar value) -> Tensor(a!)
aten::neg_(Tensor(a!) self) -> Tensor(a!)
aten::new_empty(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::new_full(Tensor self, SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::new_ones(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::new_zeros(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::nll_loss(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100) -> Tensor
aten::outer(Tensor self, Tensor vec2) -> Tensor
aten::permute_copy(Tensor self, int[] dims) -> Tensor
aten::pixel_shuffle(Tensor self, int upscale_factor) -> Tensor
aten::rand(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::randn(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor
aten::rsqrt_(Tensor(a!) self) -> Tensor(a!)
aten::scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor
aten::select_copy.int(Tensor self, int dim, SymInt index) -> Tensor
aten::sigmoid_(Tensor(a!) self) -> Tensor(a!)
aten::slice_copy.Tensor(Tensor self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor
aten::split_with_sizes_copy(Tensor self, SymInt[] split_sizes, int dim=0) -> Tensor[]
aten::sqrt_(Tensor(a!) self) -> Tensor(a!)
aten::squeeze_copy.dim(Tensor self, int dim) -> Tensor
aten::sub_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)
aten::t_copy(Tensor self) -> Tensor
aten::tanh_(Tensor(a!) self) -> Tensor(a!)
aten::threshold(Tensor self, Scalar threshold, Scalar value) -> Tensor
aten::transpose_copy.int(Tensor self, int dim0, int dim1) -> Tensor
aten::unbind_copy.int(Tensor self, int dim=0) -> Tensor[]
aten::unsqueeze_copy(Tensor self, int dim) -> Tensor
aten::upsample_bilinear2d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor
aten::upsample_nearest2d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor
aten::var_mean.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> (Tensor, Tensor)
aten::view_copy(Tensor self, SymInt[] size) -> Tensor
"""


def _install():
    for line in SCHEMAS.strip().splitlines():
        head = line.split("(", 1)[0].split("::", 1)[1]
        key = head if "." in head else head + ".default"
        _register(line, _kernel(head.split(".")[0], key))


_install()
