"""Fractional max pooling (Graham, 2014): max over windows whose starts advance by a pseudo-random step.

For each plane, one sample u in [0, 1) per spatial dim (``_random_samples``, shape (N, C, 2) with u_W first and
u_H second, or (N, C, 3) as (u_T, u_H, u_W)) gives the window starts as PyTorch's CPU kernel does, in the input's
dtype: with a = (in - k) / (out - 1), start_i = int((i + u) a) - int(u a) for i < out - 1 and start_{out-1} = in - k.
The output takes the first maximum of each window in row-major order (a NaN wins, the last one), and indices are
flat positions in the input plane. The values are a gather of the input, so the gradient is a scatter-add."""
from ..._backend import xp
from ..._tensor import _make
from ... import _ops as ops
from ._no_complex import refuse as _refuse

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]


def _tuple(v, n):
    if isinstance(v, (tuple, list)):
        return tuple(v) if len(v) != 1 else tuple(v) * n
    return (v,) * n


def _starts(u, size_in, size_out, k, dtype):
    """Window starts, shape u.shape + (size_out,)."""
    u = u.astype(dtype)
    out = xp.empty(u.shape + (size_out,), xp.int64)
    if size_out > 1:
        alpha = dtype.type(size_in - k) / dtype.type(size_out - 1)
        i = xp.arange(size_out - 1).astype(dtype)
        a = ((i + u[..., None]) * alpha).astype(xp.int64)
        b = (u * alpha).astype(xp.int64)[..., None]
        out[..., :-1] = a - b
    if size_out > 0:
        out[..., -1] = size_in - k
    return out


def _pool(input, kernel_size, output_size, samples, nd, name):
    x = input._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}")
    batched = x.ndim == nd + 2
    xb = x if batched else x[None]
    N, C = xb.shape[:2]
    sp_in = xb.shape[2:]
    k = _tuple(kernel_size, nd)
    out = _tuple(output_size, nd)
    s = samples._data
    if s.ndim != 3:
        raise RuntimeError(f"{name}(): Expected _random_samples to be 3D, got {s.ndim}D")
    if s.shape[0] < N:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if s.shape[1] != C:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if s.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {s.shape[2]}.")
    dims = ("height", "width") if nd == 2 else ("time", "height", "width")
    for d in range(nd):
        if out[d] + k[d] - 1 > sp_in[d]:
            raise RuntimeError(f"{name}(): pool {dims[d]} {k[d]} too large relative to input {dims[d]} {sp_in[d]}")
    # PyTorch's sample order: (W, H) for 2-D planes, (T, H, W) for 3-D ones
    u = s[:N]
    order = (1, 0) if nd == 2 else (0, 1, 2)
    starts = [_starts(u[..., order[d]], sp_in[d], out[d], k[d], x.dtype) for d in range(nd)]  # (N, C, out_d)
    # flat plane index of every (output position, window offset) pair, C order over both
    strides = [1] * nd
    for d in range(nd - 2, -1, -1):
        strides[d] = strides[d + 1] * sp_in[d + 1]
    idx = xp.zeros((N, C) + out + k, xp.int64)
    for d in range(nd):
        pos = starts[d]  # (N, C, out_d)
        shp = [N, C] + [1] * (2 * nd)
        shp[2 + d] = out[d]
        off = xp.arange(k[d])
        oshp = [1] * (2 + 2 * nd)
        oshp[2 + nd + d] = k[d]
        idx = idx + (pos.reshape(shp) + off.reshape(oshp)) * strides[d]
    K = 1
    for kk in k:
        K *= kk
    P, Q = 1, 1  # output positions and input positions per plane
    for d in range(nd):
        P, Q = P * out[d], Q * sp_in[d]
    idx = idx.reshape(N, C, P, K)
    planes = xb.reshape(N, C, Q)
    win = xp.take_along_axis(planes, idx.reshape(N, C, P * K), axis=2).reshape(idx.shape) \
        if idx.size else xp.zeros(idx.shape, x.dtype)
    if K and win.size:
        first = xp.argmax(win, -1)
        isn = xp.isnan(win)
        last_nan = K - 1 - xp.argmax(isn[..., ::-1], -1)
        pick = xp.where(isn.any(-1), last_nan, first)
        chosen = xp.take_along_axis(idx, pick[..., None], -1)[..., 0]
    else:
        chosen = xp.zeros(idx.shape[:-1], xp.int64)
    chosen = chosen.reshape((N, C) + out)
    flat_in = input.reshape(N, C, Q)
    y = ops.gather(flat_in, 2, _make(chosen.reshape(N, C, P))).reshape((N, C) + out)
    ind = _make(chosen)
    if not batched:
        y, ind = y[0], ind[0]
    if y.requires_grad:  # grad_fn named as PyTorch's kernel
        from ._loss._common import _named_as
        y = _named_as(y, f"FractionalMaxPool{nd}DBackward0")
    return y, ind


def _output_size(input, output_size, output_ratio, nd, name):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if len(output_ratio) > nd:  # a bare number fails here with TypeError, as in PyTorch
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        r = _tuple(output_ratio, nd)
        output_size = [int(input.size(-nd + d) * r[d]) for d in range(nd)]
    return output_size


def _samples(input, nd):
    from ... import _creation as C
    n_batch = 1 if input.dim() == nd + 1 else input.size(0)
    return C.rand(n_batch, input.size(-nd - 1), nd, dtype=input.dtype)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """(values, indices) of 2-D fractional max pooling over (N, C, H, W) or (C, H, W) input."""
    output_size = _output_size(input, output_size, output_ratio, 2, "fractional_max_pool2d")
    if input.dtype.is_complex:
        _refuse("fractional_max_pool2d_out_frame", input)
    if _random_samples is None:
        _random_samples = _samples(input, 2)
    return _pool(input, kernel_size, output_size, _random_samples, 2, "fractional_max_pool2d")


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """(values, indices) of 3-D fractional max pooling over (N, C, T, H, W) or (C, T, H, W) input."""
    output_size = _output_size(input, output_size, output_ratio, 3, "fractional_max_pool3d")
    if input.dtype.is_complex:
        _refuse("fractional_max_pool3d_out_frame", input)
    if _random_samples is None:
        _random_samples = _samples(input, 3)
    return _pool(input, kernel_size, output_size, _random_samples, 3, "fractional_max_pool3d")


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """2-D fractional max pooling; with ``return_indices`` also the flat indices in each input plane."""
    r = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-D fractional max pooling; with ``return_indices`` also the flat indices in each input volume."""
    r = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                           _random_samples)
    return r if return_indices else r[0]
