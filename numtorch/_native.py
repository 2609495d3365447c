"""Less common ``torch.*`` functions with ATen's signatures: ``fill``, ``scalar_tensor``, ``empty_permuted``,
``nonzero_static``, the ``native_*`` normalizations and dropout (which also return their saved statistics /
masks), the deprecated norms (``frobenius_norm``, ``nuclear_norm``, ``norm_except_dim``), ``grid_sampler*`` and
``affine_grid_generator`` (integer mode codes), ``conv_tbc``, ``embedding_bag`` (ATen's 4-tuple), ``histogramdd``,
``binomial``, the functional recurrent layers (``rnn_tanh``, ``rnn_relu``, ``lstm``, ``gru``) and the sparse
``*_copy`` accessors. Each converts its conventions and calls the op that holds the math."""
import builtins
import warnings

from ._backend import xp
from ._tensor import Tensor, _make, register_methods
from . import _creation as C
from . import _dtype as D
from . import _ops as ops
from .autograd.grad_mode import no_grad
from .nn import functional as F
from ._lowrank import svd_lowrank, pca_lowrank  # noqa: F401
from ._ops.strided import as_strided, as_strided_copy, as_strided_scatter, resize_as_  # noqa: F401  (also methods)

__all__ = ["svd_lowrank", "pca_lowrank", "as_strided", "as_strided_copy", "as_strided_scatter", "resize_as_", "fill", "scalar_tensor", "empty_permuted", "nonzero_static", "frobenius_norm", "nuclear_norm",
           "norm_except_dim", "native_norm", "native_batch_norm", "native_layer_norm", "native_group_norm",
           "native_dropout", "native_channel_shuffle", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d",
           "affine_grid_generator", "conv_tbc", "embedding_bag", "histogramdd", "binomial", "rnn_tanh", "rnn_relu",
           "lstm", "gru", "slice_copy", "values_copy", "indices_copy", "ccol_indices_copy", "col_indices_copy",
           "crow_indices_copy", "row_indices_copy"]


def fill(input, value):
    """A new tensor shaped and typed like ``input``, every element ``value`` (a number or a 0-d tensor, which
    receives the summed gradient)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        v = value.to(input.dtype)
    else:
        v = C.tensor(value, dtype=input.dtype)
    # where(False, input, v): input gets a zero gradient, v the sum of the upstream gradient
    return ops.where(C.zeros(input.shape, dtype=D.bool_), input, v)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False):
    """A 0-d tensor holding ``s``, of the default float dtype unless ``dtype`` is given."""
    return C.tensor(s, dtype=D.get_default_dtype() if dtype is None else dtype, device=device,
                    requires_grad=requires_grad)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """An uninitialized (here zero) tensor of ``size`` whose memory is laid out in the dim order
    ``physical_layout`` (outermost first)."""
    size, perm = tuple(size), tuple(physical_layout)
    if len(size) != len(perm):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(perm)}")
    if sorted(perm) != list(range(len(size))):
        raise RuntimeError("Duplicate dim not allowed" if len(set(perm)) != len(perm) else
                           f"Dimension out of range (expected to be in range of [{-len(size)}, {len(size) - 1}], "
                           f"but got {builtins.max(perm)})")
    phys = C.zeros(*[size[p] for p in perm], dtype=dtype, device=device)
    inv = [perm.index(i) for i in range(len(perm))]
    out = _make(phys._data.transpose(inv))
    if requires_grad:
        out.requires_grad_(True)
    return out


def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero(input)`` cut or padded with ``fill_value`` to exactly ``size`` rows."""
    if not isinstance(size, int) or size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    nz = xp.stack(xp.nonzero(input._data), 1) if input.ndim else xp.zeros((int(bool(input._data)), 0), xp.int64)
    out = xp.full((size, input.ndim), fill_value, xp.int64)
    k = builtins.min(size, nz.shape[0])
    out[:k] = nz[:k]
    return _make(out)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """sqrt(sum |x|^2) over ``dim`` (at most two dims); deprecated in PyTorch, as here."""
    dim = [dim] if isinstance(dim, int) else list(dim)
    if len(dim) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dim)} dimensions instead.")
    warnings.warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be removed in "
                  "a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` instead",
                  UserWarning, stacklevel=2)
    from .linalg import vector_norm
    return vector_norm(input, 2, dim, keepdim, out=out)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """Sum of the singular values over ``dim`` (the 2-D input itself when no dim is given)."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    if dim is None:
        dim = (-2, -1)
    warnings.warn("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in a "
                  "future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead",
                  UserWarning, stacklevel=2)
    from .linalg import matrix_norm
    return matrix_norm(input, "nuc", tuple(dim), keepdim, out=out)


def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim but ``dim``, shaped to broadcast against ``v`` (``dim=-1``:
    the norm of all of ``v``)."""
    if dim == -1:
        return v.norm(pow)
    nd = v.ndim
    if dim == 0:
        return v.contiguous().view(v.shape[0], -1).norm(pow, 1).view((v.shape[0],) + (1,) * (nd - 1))
    if dim == nd - 1:
        return v.contiguous().view(-1, v.shape[-1]).norm(pow, 0).view((1,) * (nd - 1) + (v.shape[-1],))
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def native_norm(input, p=2, dim=None, keepdim=False, dtype=None):
    """The ``p``-norm of a sparse COO tensor's values (PyTorch has no dense kernel for it)."""
    if not getattr(input, "is_sparse", False):
        raise NotImplementedError("Could not run 'aten::native_norm' with arguments from the 'CPU' backend: "
                                  "native_norm is defined for sparse tensors only")
    vals = input._values()
    if dim is None:
        return vals.norm(2 if p is None else p)
    raise NotImplementedError("numtorch's native_norm supports the whole-tensor norm only (no dim)")


def _stat_dims(x):
    return [0] + list(range(2, x.ndim))


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """(batch_norm(input), save_mean, save_invstd): in training the batch mean and 1/sqrt(biased var + eps)
    per channel (running stats updated in place), in evaluation two empty tensors."""
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if training:  # differentiable, as PyTorch's double-backward formula uses their gradients
        dims = _stat_dims(input)
        mean = input.mean(dims)
        invstd = ops.rsqrt(input.var(dims, unbiased=False) + eps)
    else:
        mean = C.zeros(0, dtype=input.dtype)
        invstd = C.zeros(0, dtype=input.dtype)
    return out, mean, invstd


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """(layer_norm(input), mean, rstd), the statistics shaped ``input.shape[:axis] + (1,) * len(normalized_shape)``."""
    out = F.layer_norm(input, list(normalized_shape), weight, bias, eps)
    k = len(normalized_shape)
    dims = list(range(input.ndim - k, input.ndim))
    mean = input.mean(dims, keepdim=True)
    rstd = ops.rsqrt(input.var(dims, unbiased=False, keepdim=True) + eps)
    return out, mean, rstd


def native_group_norm(input, weight, bias, N, C_, HxW, group, eps):
    """(group_norm(input), mean, rstd) with the statistics of shape (N, group)."""
    out = F.group_norm(input, group, weight, bias, eps)
    x = input.reshape(N, group, (C_ // group) * HxW)
    mean = x.mean(-1)
    rstd = ops.rsqrt(x.var(-1, unbiased=False) + eps)
    return out, mean, rstd


def native_dropout(input, p, train):
    """(output, keep mask): in training (``train`` True or None) output = input * mask * 1/(1 - p) with the mask
    drawn as ``F.dropout`` draws it; otherwise (input, all-true mask)."""
    if train is None or train:
        from .nn.functional.dropout import _keep_mask
        dt = input._data.dtype
        keep = _keep_mask(input._data.shape, p, dt) if p < 1 else xp.zeros(input._data.shape, dt)
        scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
        kept = input * _make(keep)
        if train is None:
            # PyTorch's backward scales by 1 (not 1/(1-p)) when train is None: same values, that gradient
            return kept + (kept * (scale - 1.0)).detach(), _make(keep.astype(bool))
        return kept * scale, _make(keep.astype(bool))
    return input.clone(), _make(xp.ones(input._data.shape, bool))


def native_channel_shuffle(input, groups):
    """channel_shuffle: (N, g, C/g, *) -> (N, C/g, g, *)."""
    return F.channel_shuffle(input, groups)


_INTERP = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PAD = {0: "zeros", 1: "border", 2: "reflection"}


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """grid_sample with ATen's integer codes: mode 0 bilinear, 1 nearest, 2 bicubic; padding 0 zeros, 1 border,
    2 reflection."""
    if interpolation_mode not in _INTERP:
        raise RuntimeError(f"grid_sampler(): expected interpolation_mode to be 0, 1 or 2, but got "
                           f"{interpolation_mode}")
    if padding_mode not in _PAD:
        raise RuntimeError(f"grid_sampler(): expected padding_mode to be 0, 1 or 2, but got {padding_mode}")
    return F.grid_sample(input, grid, _INTERP[interpolation_mode], _PAD[padding_mode], align_corners)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    if input.ndim != 4:
        raise RuntimeError(f"grid_sampler(): expected 4D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    if input.ndim != 5:
        raise RuntimeError(f"grid_sampler(): expected 5D input and grid with same number of dimensions, but got "
                           f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if interpolation_mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta, size, align_corners):
    """affine_grid with ``align_corners`` required."""
    return F.affine_grid(theta, list(size), align_corners)


def conv_tbc(input, weight, bias, pad=0):
    """1-D convolution in (time, batch, channel) layout: input (T, B, Cin), weight (K, Cin, Cout), bias (Cout,)
    -> (T + 2 pad - K + 1, B, Cout)."""
    if input.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.ndim != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.ndim != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    y = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return y.permute(2, 0, 1)


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """ATen's embedding_bag: (output, offset2bag, bag_size, max_indices) for mode 0 sum, 1 mean, 2 max. The last
    three follow PyTorch's CPU kernel: offset2bag is the bag of each index (empty on the float32 sum fast path),
    bag_size counts the non-padding indices of each bag (zeros for sum), max_indices holds the chosen rows for max
    (bag_size for mean, zeros for sum)."""
    if mode not in (0, 1, 2):
        raise RuntimeError("mode has to be one of sum, mean or max")
    # PyTorch's forward-only kernel (no input requires grad) sizes a sum's bag_size by the offsets, the other by bags
    wants_grad = weight.requires_grad or (per_sample_weights is not None and per_sample_weights.requires_grad)
    out = F.embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq, ("sum", "mean", "max")[mode],
                          sparse, per_sample_weights, include_last_offset, padding_idx)
    idx = indices._data.reshape(-1).astype(xp.int64)
    off = offsets._data.astype(xp.int64)
    itype = xp.result_type(indices._data.dtype, offsets._data.dtype)
    n_bags = out.shape[0]
    n = idx.size
    ends = xp.append(off[1:], n) if not include_last_offset else off[1:]
    starts = off[:n_bags]
    ends = xp.minimum(ends[:n_bags], n)
    o2b = xp.zeros(n, xp.int64)
    if n:
        xp.add.at(o2b, starts[(starts < n) & (starts > 0)], 1)
        o2b = xp.cumsum(o2b)
    keep = idx != padding_idx if padding_idx is not None else xp.ones(n, bool)
    fast = mode == 0 and weight._data.dtype == xp.float32 and padding_idx is None
    offset2bag = xp.zeros(0, itype) if fast else o2b.astype(itype)
    if mode == 0:
        bag_size = xp.zeros(n_bags if wants_grad else off.size, itype)
        max_idx = bag_size.copy()
    else:
        bag_size = xp.zeros(n_bags, xp.int64)
        xp.add.at(bag_size, o2b[keep], 1) if n else None
        bag_size = bag_size.astype(itype)
        if mode == 1:
            max_idx = bag_size.copy()
        else:
            w = weight._data
            max_idx = xp.zeros((n_bags, w.shape[1]), itype)
            for b in range(n_bags):  # one vectorized argmax per bag
                rows = idx[starts[b]:ends[b]][keep[starts[b]:ends[b]]]
                if rows.size:
                    max_idx[b] = rows[xp.argmax(w[rows], 0)]
    return out, _make(offset2bag), _make(bag_size), _make(max_idx)


def histogramdd(input, bins, range=None, weight=None, density=False):  # noqa: A002
    """(hist, bin_edges) of the points in the rows of ``input`` (..., D): per dim ``bins`` equal bins over
    ``range`` (or the data's extent) or given edges; the last bin of each dim includes its right edge."""
    from .return_types import histogramdd as _rt
    d = input._data
    D_ = d.shape[-1]
    x = d.reshape(-1, D_)
    w = None if weight is None else weight._data.reshape(-1)
    if isinstance(bins, int):
        bins = [bins] * D_
    if len(bins) != D_:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    edges = []
    idxs = []
    ok = xp.ones(x.shape[0], bool)
    for k in builtins.range(D_):
        col = _make(xp.ascontiguousarray(x[:, k]))
        b = bins[k]
        r = None if range is None else (range[2 * k], range[2 * k + 1])
        if isinstance(b, Tensor):
            e = b._data
        elif r is None and x.shape[0] == 0:  # no points: PyTorch's edges span [0, 1]
            e = xp.linspace(0.0, 1.0, int(b) + 1).astype(d.dtype)
        else:
            _, e_t = ops.histogram(col, int(b), range=r)
            e = e_t._data
        nb = e.size - 1
        c = x[:, k]
        i = xp.searchsorted(e, c, side="right") - 1
        i = xp.where(c == e[-1], nb - 1, i)
        ok &= (c >= e[0]) & (c <= e[-1])
        idxs.append(xp.clip(i, 0, builtins.max(nb - 1, 0)))
        edges.append(e)
    shape = tuple(e.size - 1 for e in edges)
    hist = xp.zeros(shape, d.dtype)
    if x.shape[0]:
        xp.add.at(hist, tuple(i[ok] for i in idxs), 1 if w is None else w[ok])
    if density:
        total = hist.sum()
        for k, e in enumerate(edges):
            sh = [1] * D_
            sh[k] = -1
            hist = hist / xp.diff(e).reshape(sh)
        hist = hist / total
    return _rt((_make(hist.astype(d.dtype)), [_make(e) for e in edges]))


def binomial(count, prob, generator=None):
    """Draws of Binomial(count, prob) elementwise, in prob's dtype (NumPy's generator: the values are not
    PyTorch's stream)."""
    from .distributions._sampling import binomial as _b
    with no_grad():
        return _b(count, prob)


def _rnn(mode, input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    from .nn.modules._rnn_fused import rnn_layer
    from .nn.modules.rnn import _lstm_step
    is_lstm = mode == "LSTM"
    nd = 2 if bidirectional else 1
    params = list(params)
    per = len(params) // (num_layers * nd)
    has_proj = per == (5 if has_biases else 3)
    if batch_first:
        input = input.transpose(0, 1)
    h0, c0 = (hx[0], hx[1]) if is_lstm else (hx, None)
    h0s = h0.unbind(0)
    c0s = c0.unbind(0) if c0 is not None else None
    x = input
    hn, cn = [], []
    for layer in builtins.range(num_layers):
        outs = []
        for d in builtins.range(nd):
            k = layer * nd + d
            p = params[k * per:(k + 1) * per]
            w_ih, w_hh = p[0], p[1]
            b_ih, b_hh = (p[2], p[3]) if has_biases else (None, None)
            if not has_proj:
                y, h, c = rnn_layer(mode, x, h0s[k], c0s[k] if c0s is not None else None, w_ih, w_hh, b_ih, b_hh,
                                    d == 1, None)
            else:
                w_hr = p[-1]
                gi = ops.matmul(x, w_ih.t())
                if b_ih is not None:
                    gi = gi + b_ih
                gis = gi.unbind(0)
                h, c = h0s[k], c0s[k]
                T = x.shape[0]
                ys = [None] * T
                for t in (builtins.range(T - 1, -1, -1) if d == 1 else builtins.range(T)):
                    h, c = _lstm_step(gis[t], h, c, w_hh, b_hh, w_hr)
                    ys[t] = h
                y = ops.stack(ys, 0)
            outs.append(y)
            hn.append(h)
            if is_lstm:
                cn.append(c)
        x = outs[0] if nd == 1 else ops.cat(outs, -1)
        if dropout > 0 and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    if batch_first:
        x = x.transpose(0, 1)
    if is_lstm:
        return x, ops.stack(hn, 0), ops.stack(cn, 0)
    return x, ops.stack(hn, 0)


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """(output, h_n) of a multi-layer Elman RNN with tanh, weights given as the flat list
    [w_ih, w_hh, (b_ih, b_hh)] per layer and direction (``nn.RNN._flat_weights``)."""
    return _rnn("RNN_TANH", input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """rnn_tanh with relu."""
    return _rnn("RNN_RELU", input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """(output, h_n, c_n) of a multi-layer LSTM; ``hx`` = [h_0, c_0]; params as ``nn.LSTM._flat_weights``
    (with w_hr last per layer and direction when projected)."""
    return _rnn("LSTM", input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """(output, h_n) of a multi-layer GRU."""
    return _rnn("GRU", input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    """A copy of ``input[..., start:end:step, ...]`` along ``dim``."""
    from ._ops._util import wrap_dim, write_out
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = wrap_dim(dim, builtins.max(input.ndim, 1))
    return write_out(input[(slice(None),) * d + (slice(start, end, step),)].clone(), out)


def _sparse_only(name, kind):
    def f(input, *, out=None):
        if not getattr(input, "is_sparse", False):
            raise RuntimeError(f"{name.replace('_copy', '')} expected sparse {kind + ' ' if kind else ''}tensor layout "
                               "but got Strided")
        # PyTorch has no SparseCPU (COO) kernel for these: they exist for the compressed layouts only
        raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the 'SparseCPU' backend "
                                  "(PyTorch defines it for compressed sparse layouts, which numtorch does not have)")
    f.__name__ = name
    f.__doc__ = f"PyTorch's {name}: defined for compressed sparse layouts only, so it raises here as in PyTorch."
    return f


values_copy = _sparse_only("values_copy", "")
indices_copy = _sparse_only("indices_copy", "coordinate")


def _csr_only(name):
    def f(input, *, out=None):
        raise NotImplementedError(f"{name}: numtorch has no compressed sparse layouts (CSR/CSC/BSR/BSC), only "
                                  "sparse COO")
    f.__name__ = name
    return f


ccol_indices_copy = _csr_only("ccol_indices_copy")
col_indices_copy = _csr_only("col_indices_copy")
crow_indices_copy = _csr_only("crow_indices_copy")
row_indices_copy = _csr_only("row_indices_copy")
