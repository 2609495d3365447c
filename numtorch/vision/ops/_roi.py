"""RoI pooling of ``torchvision.ops``: ``roi_align`` (Mask R-CNN), ``roi_pool`` (Fast R-CNN) and their modules.

Both are compositions of differentiable tensor ops around index/weight arrays computed in NumPy from the boxes
(which get no gradient, as in torchvision's kernels):

* roi_align averages bilinear samples. Bilinear weights factor into a row weight times a column weight, and the
  validity test of a sample (``-1 <= y <= H`` and ``-1 <= x <= W``) factors the same way, so the pooled value
  of every bin is ``out[k, c] = Ay[k] @ X[b_k, c] @ Ax[k]^T / count_k`` with ``Ay[k]`` (PH x H) summing the row
  weights of the bin's samples and ``Ax[k]`` (PW x W) the column weights. Two batched matmuls per chunk of
  boxes, whatever the sampling ratio; the input's gradient is the transposed products (the scatter-add of the
  sample weights), from matmul's backward.
* roi_pool takes the max of each bin: the winning position (first in row-major order, as the kernel's strict
  ``>``) is found in NumPy, and the output is the input gathered there, so the gradient is a scatter-add to the
  winners. Empty bins give 0 and no gradient.
"""
from ..._backend import xp
from ..._tensor import Tensor, _make
from ... import nn as _nn

__all__ = ["roi_align", "RoIAlign", "roi_pool", "RoIPool", "ps_roi_align", "PSRoIAlign", "ps_roi_pool", "PSRoIPool"]

_CHUNK = 1 << 22   # elements of the largest temporary per chunk of boxes


def _nt():
    import numtorch
    return numtorch


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _check_roi_boxes_shape(boxes):
    if isinstance(boxes, (list, tuple)):
        for t in boxes:
            if t.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, Tensor):
        if boxes.size(1) != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def _rois_array(boxes, dtype):
    """``[K, 5]`` (batch index, x1, y1, x2, y2) from a ``[K, 5]`` tensor or a list of per-image ``[L, 4]``."""
    if isinstance(boxes, Tensor):
        return xp.asarray(boxes._data, dtype=dtype)
    parts = [xp.concatenate([xp.full((len(b._data), 1), i, dtype=dtype), xp.asarray(b._data, dtype=dtype)], 1)
             for i, b in enumerate(boxes)]
    return xp.concatenate(parts, 0) if parts else xp.zeros((0, 5), dtype=dtype)


def convert_boxes_to_roi_format(boxes):
    """(K, 5) rois ``[image index, x1, y1, x2, y2]`` from a list of per-image (L, 4) box tensors."""
    nt = _nt()
    ids = nt.cat([nt.full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return nt.cat([ids, nt.cat(list(boxes), dim=0)], dim=1)


def _check_input(input, rois, name):
    if input.dim() != 4:
        raise RuntimeError(f"{name}: input must be 4-D (N, C, H, W), got {input.dim()}-D")
    if not input.is_floating_point():
        raise RuntimeError(f'"{name}_forward_kernel" not implemented for \'{str(input.dtype)[len("torch."):].title()}\'')


def _axis_weights(start, bin_size, grid, pooled, size, dtype):
    """``A[k, p, i]``: the summed bilinear weight pixel ``i`` gets from the samples of bin ``p`` along one axis.

    Sample ``j`` of bin ``p``: ``t = start + p bin + (j + 1/2) bin / grid``; outside ``[-1, size]`` it adds
    nothing, else ``t`` is clamped at 0 and split between ``floor(t)`` and the next pixel (both the last
    pixel at the far edge)."""
    k = len(start)
    gmax = int(grid.max()) if k else 0
    p = xp.arange(pooled, dtype=dtype)[None, :, None]
    j = xp.arange(gmax, dtype=dtype)[None, None, :]
    g = grid.astype(dtype)[:, None, None]
    with xp.errstate(invalid="ignore", divide="ignore"):
        t = start[:, None, None] + p * bin_size[:, None, None] + (j + 0.5) * (bin_size[:, None, None] / g)
    used = (j < g) & ~((t < -1.0) | (t > size))
    t = xp.where(used, xp.maximum(t, 0), 0)
    low = xp.floor(t).astype(xp.int64)
    edge = low >= size - 1
    low = xp.where(edge, size - 1, low)
    high = xp.where(edge, size - 1, low + 1)
    frac = xp.where(edge, 0, t - low).astype(dtype)
    wl, wh = xp.where(used, 1 - frac, 0), xp.where(used, frac, 0)
    row = (xp.arange(k)[:, None, None] * pooled + xp.arange(pooled)[None, :, None]) * size
    flat = xp.concatenate([(row + low).ravel(), (row + high).ravel()])
    w = xp.bincount(flat, weights=xp.concatenate([wl.ravel(), wh.ravel()]), minlength=k * pooled * size)
    return w.reshape(k, pooled, size)


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align: each of the ``PH x PW`` bins of a box is the mean of ``grid_h x grid_w`` bilinear samples
    (``sampling_ratio`` each way, or ``ceil(box size / bins)`` when ``sampling_ratio <= 0``). ``aligned``
    shifts box coordinates by -0.5 pixel (Detectron2); without it boxes are at least 1 pixel wide.
    ``boxes``: ``[K, 5]`` (batch index, x1, y1, x2, y2) or a list of per-image ``[L, 4]``. -> ``[K, C, PH, PW]``"""
    _check_roi_boxes_shape(boxes)
    _check_input(input, boxes, "roi_align")
    ph_, pw_ = _pair(output_size)
    n, c, h, w = input.shape
    dt = xp.float64
    rois = _rois_array(boxes, dt)
    k = len(rois)
    if k == 0:
        return input.new_zeros((0, c, ph_, pw_))
    off = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = (rois[:, i] * spatial_scale - off for i in range(1, 5))
    rw, rh = x2 - x1, y2 - y1
    if not aligned:
        rw, rh = xp.maximum(rw, 1.0), xp.maximum(rh, 1.0)
    if sampling_ratio > 0:
        gh = gw = xp.full(k, sampling_ratio, dtype=xp.int64)
    else:
        gh = xp.maximum(xp.ceil(rh / ph_), 0).astype(xp.int64)
        gw = xp.maximum(xp.ceil(rw / pw_), 0).astype(xp.int64)
    count = xp.maximum(gh * gw, 1).astype(dt)
    ay = _axis_weights(y1, rh / ph_, gh, ph_, h, dt) / count[:, None, None]
    ax = _axis_weights(x1, rw / pw_, gw, pw_, w, dt)
    return _separable_pool(input, rois[:, 0].astype(xp.int64), ay, ax, "roi_align")


def _separable_pool(input, bidx, ay, ax, name):
    """``out[k] = ay[k] @ input[bidx[k]] @ ax[k]^T`` for every box (``ay``: K x PH x H, ``ax``: K x PW x W),
    grouped by image and in chunks of boxes; differentiable in ``input``. -> ``[K, C, PH, PW]``"""
    nt = _nt()
    n, c, h, w = input.shape
    k, ph_, pw_ = len(bidx), ay.shape[1], ax.shape[1]
    npdt = input._data.dtype
    rows_first = h * pw_ <= ph_ * w     # contract the cheaper side first
    per_box = c * (h * pw_ if rows_first else ph_ * w)
    step = max(1, _CHUNK // max(per_box, 1))
    pieces, order = [], []
    for b in xp.unique(bidx):
        if not 0 <= b < n:
            raise RuntimeError(f"{name}: batch index {int(b)} out of range for {n} images")
        xb = input[int(b)]                                # (C, H, W), differentiable
        sel = xp.flatnonzero(bidx == b)
        for s in range(0, len(sel), step):
            idx = sel[s:s + step]
            wy = _make(ay[idx, None].astype(npdt))        # (k, 1, PH, H)
            wxt = _make(ax[idx, None].transpose(0, 1, 3, 2).astype(npdt))   # (k, 1, W, PW)
            if rows_first:
                out = nt.matmul(wy, nt.matmul(xb.unsqueeze(0), wxt))
            else:
                out = nt.matmul(nt.matmul(wy, xb.unsqueeze(0)), wxt)
            pieces.append(out)
            order.append(idx)
    out = pieces[0] if len(pieces) == 1 else nt.cat(pieces, 0)
    order = xp.concatenate(order)
    if not (order == xp.arange(k)).all():
        inv = xp.empty(k, dtype=xp.int64)
        inv[order] = xp.arange(k)
        out = out[_make(inv)]
    return out


def _position_sensitive(full, ph_, pw_, name):
    """``out[k, c, i, j] = full[k, (c PH + i) PW + j, i, j]``: each bin reads its own channel group."""
    k, cin = full.shape[0], full.shape[1]
    if cin % (ph_ * pw_):
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    cout = cin // (ph_ * pw_)
    i = xp.arange(ph_)[None, :, None]
    j = xp.arange(pw_)[None, None, :]
    ch = (xp.arange(cout)[:, None, None] * ph_ + i) * pw_ + j                 # (C_out, PH, PW)
    flat = full.reshape(k, cin * ph_ * pw_)
    pos = (ch * ph_ + i) * pw_ + j
    return flat[:, _make(pos.reshape(-1))].reshape(k, cout, ph_, pw_)


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """Position-sensitive RoI Align (R-FCN): as ``roi_align`` with ``aligned=True`` and no minimum box size,
    but bin ``(i, j)`` of output channel ``c`` averages input channel ``(c PH + i) PW + j``; the input has
    ``C_out * PH * PW`` channels. -> ``[K, C_out, PH, PW]``"""
    _check_roi_boxes_shape(boxes)
    _check_input(input, boxes, "ps_roi_align")
    ph_, pw_ = _pair(output_size)
    n, c, h, w = input.shape
    if c % (ph_ * pw_):
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    dt = xp.float64
    rois = _rois_array(boxes, dt)
    k = len(rois)
    if k == 0:
        return input.new_zeros((0, c // (ph_ * pw_), ph_, pw_))
    x1, y1, x2, y2 = (rois[:, i] * spatial_scale - 0.5 for i in range(1, 5))
    rw, rh = x2 - x1, y2 - y1
    if sampling_ratio > 0:
        gh = gw = xp.full(k, sampling_ratio, dtype=xp.int64)
    else:
        gh, gw = xp.ceil(rh / ph_).astype(xp.int64), xp.ceil(rw / pw_).astype(xp.int64)
    count = (gh * gw).astype(dt)
    with xp.errstate(invalid="ignore", divide="ignore"):   # an empty grid gives 0 / 0 = NaN, as the kernel
        inv = 1.0 / count
        ay = _axis_weights(y1, rh / ph_, xp.maximum(gh, 0), ph_, h, dt) * inv[:, None, None]
    ay = xp.where(xp.isfinite(inv)[:, None, None], ay, xp.nan)
    ax = _axis_weights(x1, rw / pw_, xp.maximum(gw, 0), pw_, w, dt)
    full = _separable_pool(input, rois[:, 0].astype(xp.int64), ay, ax, "ps_roi_align")
    return _position_sensitive(full, ph_, pw_, "ps_roi_align")


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Position-sensitive RoI average pooling: box corners rounded to pixels (at least 1 pixel wide), bins
    ``[floor(p h / PH), ceil((p + 1) h / PH))`` clipped to ``[0, H - 1]`` as torchvision's forward kernel,
    bin ``(i, j)`` of output channel ``c`` averaging input channel ``(c PH + i) PW + j`` (0 if empty)."""
    _check_roi_boxes_shape(boxes)
    _check_input(input, boxes, "ps_roi_pool")
    ph_, pw_ = _pair(output_size)
    n, c, h, w = input.shape
    if c % (ph_ * pw_):
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    dt = input._data.dtype
    rois = _rois_array(boxes, dt)
    k = len(rois)
    if k == 0:
        return input.new_zeros((0, c // (ph_ * pw_), ph_, pw_))
    sx, sy, ex, ey = (_round_half_away(rois[:, i] * dt.type(spatial_scale)).astype(xp.int64) for i in range(1, 5))

    def bins(start, end, pooled, size):
        """Indicator rows ``A[k, p, i] = 1 / width`` for the pixels of bin ``p``, and the bin widths."""
        bin_size = xp.maximum(end - start, 1).astype(dt) / dt.type(pooled)
        p = xp.arange(pooled, dtype=dt)
        lo = xp.clip(xp.floor(p[None] * bin_size[:, None]).astype(xp.int64) + start[:, None], 0, size - 1)
        hi = xp.clip(xp.ceil((p[None] + 1) * bin_size[:, None]).astype(xp.int64) + start[:, None], 0, size - 1)
        i = xp.arange(size)[None, None, :]
        return ((i >= lo[..., None]) & (i < hi[..., None])).astype(xp.float64), xp.maximum(hi - lo, 0)

    ry, nh = bins(sy, ey, ph_, h)
    rx, nw = bins(sx, ex, pw_, w)
    full = _separable_pool(input, rois[:, 0].astype(xp.int64), ry, rx, "ps_roi_pool")   # bin sums
    area = (nh[:, :, None] * nw[:, None, :]).astype(dt)                                  # (K, PH, PW)
    with xp.errstate(invalid="ignore", divide="ignore"):
        scale = xp.where(area > 0, 1.0 / area, 0.0).astype(dt)
    return _position_sensitive(full, ph_, pw_, "ps_roi_pool") * _make(scale[:, None])


def _round_half_away(v):
    return xp.sign(v) * xp.floor(xp.abs(v) + 0.5)


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """RoI max pooling: box corners are rounded to pixels (``round(x * spatial_scale)``, at least 1 pixel), cut
    into ``PH x PW`` bins ``[floor(p h / PH), ceil((p + 1) h / PH))``, and each bin's maximum taken (0 for an
    empty bin). -> ``[K, C, PH, PW]``"""
    nt = _nt()
    _check_roi_boxes_shape(boxes)
    _check_input(input, boxes, "roi_pool")
    ph_, pw_ = _pair(output_size)
    n, c, h, w = input.shape
    x = input._data
    dt = x.dtype                                         # bin edges in the input's precision, as the kernel
    rois = _rois_array(boxes, dt)
    k = len(rois)
    if k == 0:
        return input.new_zeros((0, c, ph_, pw_))
    bidx = rois[:, 0].astype(xp.int64)
    if ((bidx < 0) | (bidx >= n)).any():
        raise RuntimeError(f"roi_pool: batch index out of range for {n} images")
    sx, sy, ex, ey = (_round_half_away(rois[:, i] * dt.type(spatial_scale)).astype(xp.int64) for i in range(1, 5))

    def edges(start, end, pooled, size):
        length = xp.maximum(end - start + 1, 1)
        bin_size = length.astype(dt) / dt.type(pooled)
        p = xp.arange(pooled, dtype=dt)
        lo = xp.floor(p[None, :] * bin_size[:, None]).astype(xp.int64)
        hi = xp.ceil((p[None, :] + 1) * bin_size[:, None]).astype(xp.int64)
        return xp.clip(lo + start[:, None], 0, size), xp.clip(hi + start[:, None], 0, size)

    hs, he = edges(sy, ey, ph_, h)
    ws, we = edges(sx, ex, pw_, w)
    bh, bw = max(int((he - hs).max()), 1), max(int((we - ws).max()), 1)
    step = max(1, _CHUNK // max(ph_ * pw_ * bh * bw * c, 1))
    flat = xp.zeros((k, c, ph_, pw_), dtype=xp.int64)
    empty = ((he - hs) <= 0)[:, :, None] | ((we - ws) <= 0)[:, None, :]      # (K, PH, PW)
    for s in range(0, k, step):
        sl = slice(s, s + step)
        rr = hs[sl, :, None] + xp.arange(bh)[None, None, :]                  # (k, PH, bh)
        cc = ws[sl, :, None] + xp.arange(bw)[None, None, :]                  # (k, PW, bw)
        ok = (rr < he[sl, :, None])[:, :, None, :, None] & (cc < we[sl, :, None])[:, None, :, None, :]
        rrc, ccc = xp.minimum(rr, h - 1), xp.minimum(cc, w - 1)
        b = bidx[sl][:, None, None, None, None]
        vals = x[b, :, rrc[:, :, None, :, None], ccc[:, None, :, None, :]]    # (k, PH, PW, bh, bw, C)
        vals = xp.where(ok[..., None] & ~xp.isnan(vals), vals, -xp.inf)
        kk = vals.shape[0]
        best = vals.reshape(kk, ph_, pw_, bh * bw, c).argmax(axis=3)         # first maximum, row-major
        r_at = rrc[xp.arange(kk)[:, None, None, None], xp.arange(ph_)[None, :, None, None], best // bw]
        c_at = ccc[xp.arange(kk)[:, None, None, None], xp.arange(pw_)[None, None, :, None], best % bw]
        pos = ((bidx[sl][:, None, None, None] * c + xp.arange(c)[None, None, None, :]) * h + r_at) * w + c_at
        flat[sl] = pos.transpose(0, 3, 1, 2)
    flat = xp.where(empty[:, None], 0, flat)
    out = input.reshape(-1)[_make(flat)]
    if empty.any():
        out = nt.where(_make(xp.broadcast_to(~empty[:, None], out.shape).copy()), out, out.new_zeros(()))
    return out


class RoIAlign(_nn.Module):
    """See ``roi_align``."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")


class RoIPool(_nn.Module):
    """See ``roi_pool``."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"


class PSRoIAlign(_nn.Module):
    """See ``ps_roi_align``."""

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio})")


class PSRoIPool(_nn.Module):
    """See ``ps_roi_pool``."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return ps_roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
