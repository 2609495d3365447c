"""Convolutions: conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d.

Every convolution is computed as strided windows of the (zero-)padded input
(``as_strided``, one im2col copy) and ONE batched BLAS product per layer:

    out[n, o, p] = sum_k W[o, k] * cols[n, k, p]      (k = (c, i, j), p = (ho, wo))

The two backward products are one BLAS call each too:

    dW = sum_n dY[n] cols[n]^T                       (the weight gradient)
    dcols = W^T dY[n]  then col2im                   (the input gradient = transposed convolution)

col2im adds one strided slice per kernel offset (a loop over kh*kw positions,
never over pixels or batch items, and no ``np.add.at`` scatter).

The three linear maps (conv, its input-adjoint = conv_transpose, and the weight
gradient) are three ``Function``s whose backwards are written in terms of each
other, so gradients of any order exist.  1-D convolutions run as 2-D ones over
a height-1 image.

3-D convolutions reuse the 2-D machinery: the kd depth taps of every output depth are
stacked into the channel axis (a strided window view, one copy), so conv3d is ONE conv2d
over N*D_out images with weight (O, C/g*kd, kh, kw); conv_transpose3d is its adjoint
(one conv_transpose2d, then the depth taps added back, one strided slice per tap).
Both are built from differentiable ops, so gradients of any order follow.
"""
from ..._backend import xp
from ..._cpu import chunks, parallel_threads, run_parallel
from ...autograd.function import Function
from ..._tensor import Tensor
from ... import _ops as ops
from ... import backends
from . import _conv_spectral as spectral

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold"]

_as_strided = xp.lib.stride_tricks.as_strided


def _pair(v, n, name="value"):
    if isinstance(v, (tuple, list)):
        if len(v) == 1 and n > 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match "
                               f"the convolution dimensions, but got {name}={list(v)}")
        return tuple(int(a) for a in v)
    return (int(v),) * n


class _Geom:
    """Geometry of a 2-D convolution: stride, (lo, hi) padding per dim, dilation, groups."""

    __slots__ = ("st", "pad", "dil", "groups", "nd")

    def __init__(self, st, pad, dil, groups, nd):
        self.st, self.pad, self.dil, self.groups, self.nd = st, pad, dil, groups, nd

    def out_hw(self, H, W, kh, kw):
        (sh, sw), ((p0, p1), (q0, q1)), (dh, dw) = self.st, self.pad, self.dil
        return (H + p0 + p1 - dh * (kh - 1) - 1) // sh + 1, (W + q0 + q1 - dw * (kw - 1) - 1) // sw + 1


def _to4(a, nd):
    """View a 1-D-spatial array (N, C, L) as (N, C, 1, L)."""
    return a if nd == 2 else a.reshape(a.shape[:2] + (1,) + a.shape[2:])


def _shape4(shape, nd):
    return tuple(shape) if nd == 2 else tuple(shape[:2]) + (1,) + tuple(shape[2:])


def _from4(a, nd):
    return a if nd == 2 else a.reshape(a.shape[:2] + a.shape[3:])


def _padded(x, pad):
    ((p0, p1), (q0, q1)) = pad
    if not (p0 or p1 or q0 or q1):
        return x
    N, C, H, W = x.shape
    out = xp.zeros((N, C, H + p0 + p1, W + q0 + q1), x.dtype)
    out[:, :, p0:p0 + H, q0:q0 + W] = x
    return out


def _im2col(x, kh, kw, g, Ho, Wo):
    """cols (C*kh*kw, N*Ho*Wo), contiguous: one column per output position (all images side by side).

    This layout makes every product of the layer ONE large GEMM (robust and fast on OpenBLAS,
    unlike a stack of N small ones).
    """
    N, C = x.shape[:2]
    (sh, sw), (dh, dw) = g.st, g.dil
    xp_ = _padded(x, g.pad)
    s = xp_.strides
    win = _as_strided(xp_, (C, kh, kw, N, Ho, Wo), (s[1], s[2] * dh, s[3] * dw, s[0], s[2] * sh, s[3] * sw),
                      writeable=False)
    return xp.ascontiguousarray(win).reshape(C * kh * kw, N * Ho * Wo)


def _col2im(cols, x_shape, kh, kw, g, Ho, Wo):
    """The adjoint of _im2col: add each kernel offset's slice back into the (padded) input grid."""
    N, C, H, W = x_shape
    (sh, sw), ((p0, p1), (q0, q1)), (dh, dw) = g.st, g.pad, g.dil
    c6 = cols.reshape(C, kh, kw, N, Ho, Wo)
    if kh == 1 and kw == 1 and sh == 1 and sw == 1 and not (p0 or p1 or q0 or q1):
        return xp.ascontiguousarray(c6[:, 0, 0].transpose(1, 0, 2, 3))
    # accumulate channel-major (C, N, Hp, Wp) so each add streams through contiguous rows
    out = xp.zeros((C, N, H + p0 + p1, W + q0 + q1), cols.dtype)
    he, we = sh * (Ho - 1) + 1, sw * (Wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += c6[:, i, j]
    return xp.ascontiguousarray(out[:, :, p0:p0 + H, q0:q0 + W].transpose(1, 0, 2, 3))


def _nhwc_padded(x, pad):
    """(N, C, H, W) -> zero-padded channels-last (N, Hp, Wp, C): windows then copy in runs of C floats."""
    ((p0, p1), (q0, q1)) = pad
    N, C, H, W = x.shape
    out = xp.empty((N, H + p0 + p1, W + q0 + q1, C), x.dtype)
    if p0 or p1 or q0 or q1:
        out[:, :p0] = 0
        out[:, p0 + H:] = 0
        out[:, :, :q0] = 0
        out[:, :, q0 + W:] = 0
    out[:, p0:p0 + H, q0:q0 + W, :] = x.transpose(0, 2, 3, 1)
    return out


def _cols(x, kh, kw, g, Ho, Wo, G):
    """im2col, channels-last: (N*Ho*Wo, G, kh*kw*Cg), one row per output position.

    Rows of positions make the forward product (positions x K) @ (K x O) with the long dimension
    first, which OpenBLAS runs near peak (a 32-row W @ cols product runs at half of it).
    """
    N, C = x.shape[:2]
    Cg = C // G
    (sh, sw), (dh, dw) = g.st, g.dil
    xh = _nhwc_padded(x, g.pad)
    s = xh.strides
    it = s[3]
    win = _as_strided(xh, (N, Ho, Wo, G, kh, kw, Cg),
                      (s[0], s[1] * sh, s[2] * sw, Cg * it, s[1] * dh, s[2] * dw, it), writeable=False)
    return xp.ascontiguousarray(win).reshape(N * Ho * Wo, G, kh * kw * Cg)


def _per_image(Cg, G, Wo, kk=0, L=0):
    """Channel-major per-image columns (W (O, K) @ cols[n] (K, L) writes NCHW output directly) instead of
    channels-last rows.

    Taken for few input channels and long rows (a first layer on images: NHWC columns would copy in runs of
    Cg floats), for 1x1 kernels (the columns are the input itself, or its strided subsample), and for large
    maps (L >= 784 positions: the (O, K) @ (K, L) product runs faster than (L, K) @ (K, O) on OpenBLAS and the
    NCHW<->NHWC copies of input and output are saved; measured on resnet18's 56x56 and 28x28 layers, -15-25%).
    """
    return G == 1 and (4 * Cg <= Wo or kk == 1 or L >= 784)


def _image_cols(x, kh, kw, g, Ho, Wo):
    """(N, C*kh*kw, Ho*Wo): each image's windows, one column per output position"""
    N, C = x.shape[:2]
    (sh, sw), (dh, dw) = g.st, g.dil
    ((p0, p1), (q0, q1)) = g.pad
    if kh == 1 and kw == 1 and sh == 1 and sw == 1 and not (p0 or p1 or q0 or q1):
        return x.reshape(N, C, Ho * Wo)           # a 1x1 convolution's columns are the input itself
    xp_ = _padded(x, g.pad)
    s = xp_.strides
    win = _as_strided(xp_, (N, C, kh, kw, Ho, Wo), (s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw),
                      writeable=False)
    return xp.ascontiguousarray(win).reshape(N, C * kh * kw, Ho * Wo)


# Bytes of per-image im2col columns built and multiplied at a time (a band of output rows): written and read back
# by the GEMM while still in cache (resnet18's 56x56 and 224x224 layers: ~15% faster than whole images).
_BAND_BYTES = 1 << 20


def _image_fwd_banded(x, w, g, Ho, Wo, res, keep):
    """res[n] = W (O, K) @ cols[n] (K, L), the columns built one band of output rows at a time just before
    their product; returns the full (N, K, L) columns when `keep` (each band written into them), else None."""
    N, C = x.shape[:2]
    O, _, kh, kw = w.shape
    K = C * kh * kw
    (sh, sw), (dh, dw) = g.st, g.dil
    xp_ = _padded(x, g.pad)
    s = xp_.strides
    rb = max(1, min(Ho, _BAND_BYTES // max(K * Wo * x.dtype.itemsize, 1)))
    w2 = w.reshape(O, K)
    cols = xp.empty((N, C, kh, kw, Ho, Wo), x.dtype) if keep else None
    buf = None if keep else xp.empty(K * rb * Wo, x.dtype)
    wins = _as_strided(xp_, (N, C, kh, kw, Ho, Wo), (s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw),
                       writeable=False)    # one view, sliced per band (as_strided itself costs ~50 us a call)
    for n in range(N):
        for r0 in range(0, Ho, rb):
            r1 = min(Ho, r0 + rb)
            win = wins[n, :, :, :, r0:r1]
            dst = cols[n, :, :, :, r0:r1] if keep else buf[:K * (r1 - r0) * Wo].reshape(C, kh, kw, r1 - r0, Wo)
            xp.copyto(dst, win)
            xp.matmul(w2, dst.reshape(K, (r1 - r0) * Wo), out=res[n, :, r0:r1].reshape(O, (r1 - r0) * Wo))
    return cols.reshape(N, K, Ho * Wo) if keep else None


def _wmat(w, G):
    """(O, Cg, kh, kw) -> (G, Og, kh*kw*Cg), the weight in the column order of _cols"""
    O, Cg, kh, kw = w.shape
    return xp.ascontiguousarray(w.reshape(G, O // G, Cg, kh, kw).transpose(0, 1, 3, 4, 2)).reshape(G, O // G, -1)


def _nhwc_rows(y):
    """(N, O, Ho, Wo) -> (N*Ho*Wo, O)"""
    N, O, Ho, Wo = y.shape
    return xp.ascontiguousarray(y.transpose(0, 2, 3, 1)).reshape(N * Ho * Wo, O)


def _conv_fwd(x, w, g, cols=None, bias=None, out=None, keep=True):
    """out = conv(x, w) (+ bias) for 4-D arrays; returns (out, cols).  `out`: optional destination; `keep`:
    whether the im2col matrix is wanted back (for a weight gradient)."""
    N, C, H, W = x.shape
    O, Cg, kh, kw = w.shape
    Ho, Wo = g.out_hw(H, W, kh, kw)
    if Ho <= 0 or Wo <= 0:
        raise RuntimeError(f"Calculated output size: ({O}x{max(Ho, 0)}x{max(Wo, 0)}). Output size is too small")
    G = g.groups
    dest = out
    if _per_image(Cg, G, Wo, kh * kw, Ho * Wo):
        res = xp.empty((N, O, Ho, Wo), x.dtype) if dest is None else dest
        r3 = res.reshape(N, O, Ho * Wo)
        if cols is None and not (kh == 1 and kw == 1 and g.st == (1, 1) and g.pad == ((0, 0), (0, 0))):
            cols = _image_fwd_banded(x, w, g, Ho, Wo, res, keep)
        else:
            if cols is None:
                cols = _image_cols(x, kh, kw, g, Ho, Wo)
            xp.matmul(w.reshape(O, -1), cols, out=r3)
        if bias is not None:
            r3 += bias.reshape(1, O, 1)
        return res, cols
    if cols is None:
        cols = _cols(x, kh, kw, g, Ho, Wo, G)
    wm = _wmat(w, G)
    if G == 1:
        out = cols[:, 0] @ wm[0].T                                    # (N*Ho*Wo, O): one GEMM
    else:
        out = xp.matmul(cols.transpose(1, 0, 2), wm.transpose(0, 2, 1))  # (G, NL, Og)
        out = out.transpose(1, 0, 2).reshape(N * Ho * Wo, O)
    nchw = out.reshape(N, Ho, Wo, O).transpose(0, 3, 1, 2)
    res = xp.empty((N, O, Ho, Wo), out.dtype) if dest is None else dest
    if bias is None:
        xp.copyto(res, nchw)
    else:
        # the layout change and the bias add in one pass
        xp.add(nchw, bias.reshape(1, O, 1, 1), out=res)
    return res, cols


def _conv_igrad(gy, w, x_shape, g, out=None):
    """d(conv)/dx applied to gy: the transposed convolution of gy with w, onto x_shape (into `out` if given)."""
    N, O, Ho, Wo = gy.shape
    _, Cg, kh, kw = w.shape
    G = g.groups
    (sh, sw), ((p0, p1), (q0, q1)), (dh, dw) = g.st, g.pad, g.dil
    H, W = x_shape[2], x_shape[3]
    fh, fw = dh * (kh - 1), dw * (kw - 1)
    if (G == 1 and sh == 1 and sw == 1 and min(fh - p0, fh - p1, fw - q0, fw - q1) >= 0
            and H + p0 + p1 - fh == Ho and W + q0 + q1 - fw == Wo):
        # stride 1: dx is the full convolution of gy with the flipped, channel-transposed kernel
        # (a dense GEMM with a long contraction, instead of a thin GEMM plus a col2im scatter)
        wf = xp.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        return _conv_fwd(gy, wf, _Geom((1, 1), ((fh - p0, fh - p1), (fw - q0, fw - q1)), (dh, dw), 1, 2),
                         out=out, keep=False)[0]
    if _per_image(Cg, G, Wo, kh * kw, Ho * Wo):
        return _igrad_image(gy, w, x_shape, g, out)
    rows = _nhwc_rows(gy)
    wm = _wmat(w, G)
    if G == 1:
        dcols = rows @ wm[0]                                             # (NL, K)
    else:
        dcols = xp.matmul(rows.reshape(-1, G, O // G).transpose(1, 0, 2), wm)  # (G, NL, Kg)
        dcols = dcols.transpose(1, 0, 2)
    d7 = dcols.reshape(N, Ho, Wo, G, kh, kw, Cg)
    dest = out
    out = xp.zeros((N, H + p0 + p1, W + q0 + q1, G, Cg), gy.dtype)
    he, we = sh * (Ho - 1) + 1, sw * (Wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            out[:, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += d7[:, :, :, :, i, j]
    out = out[:, p0:p0 + H, q0:q0 + W].reshape(N, H, W, G * Cg).transpose(0, 3, 1, 2)
    if dest is None:
        return xp.ascontiguousarray(out)
    xp.copyto(dest, out)
    return dest


def _igrad_image(gy, w, x_shape, g, out=None):
    """The input gradient in the channel-major per-image layout (G == 1): dcols[n] = W^T (K, O) @ gy[n] (O, L),
    then col2im per kernel offset into NCHW (no channels-last copies)."""
    N, O, Ho, Wo = gy.shape
    _, C, kh, kw = w.shape
    (sh, sw), ((p0, p1), (q0, q1)), (dh, dw) = g.st, g.pad, g.dil
    H, W = x_shape[2], x_shape[3]
    dcols = xp.matmul(w.reshape(O, -1).T, gy.reshape(N, O, Ho * Wo))          # (N, K, L)
    he, we = sh * (Ho - 1) + 1, sw * (Wo - 1) + 1
    if kh == 1 and kw == 1 and not (p0 or p1 or q0 or q1):
        res = xp.empty(x_shape, gy.dtype) if out is None else out
        if sh != 1 or sw != 1 or he != H or we != W:
            res.fill(0)
        res[:, :, :he:sh, :we:sw] = dcols.reshape(N, C, Ho, Wo)
        return res
    c6 = dcols.reshape(N, C, kh, kw, Ho, Wo)
    acc = xp.zeros((N, C, H + p0 + p1, W + q0 + q1), gy.dtype)
    for i in range(kh):
        for j in range(kw):
            acc[:, :, i * dh:i * dh + he:sh, j * dw:j * dw + we:sw] += c6[:, :, i, j]
    acc = acc[:, :, p0:p0 + H, q0:q0 + W]
    if out is None:
        return xp.ascontiguousarray(acc)
    xp.copyto(out, acc)
    return out


def _conv_wgrad(x, gy, w_shape, g, cols=None):
    """d(conv)/dw applied to gy: gy_rows^T (O, N*L) @ cols (N*L, K), one GEMM."""
    O, Cg, kh, kw = w_shape
    N, _, Ho, Wo = gy.shape
    G = g.groups
    if _per_image(Cg, G, Wo, kh * kw, Ho * Wo):
        if cols is None:
            cols = _image_cols(x, kh, kw, g, Ho, Wo)
        # sum_n gy[n] (O, L) @ cols[n]^T (L, K): K is ordered (c, i, j) like the weight itself; one image at a
        # time (a batched product would hold N (O, K) partial results)
        gy3 = gy.reshape(N, O, Ho * Wo)
        acc = gy3[0] @ cols[0].T
        tmp = xp.empty_like(acc) if N > 1 else None
        for n in range(1, N):
            acc += xp.matmul(gy3[n], cols[n].T, out=tmp)
        return acc.reshape(w_shape)
    if cols is None:
        cols = _cols(x, kh, kw, g, Ho, Wo, G)
    if G == 1:
        # gy as (O, N*Ho*Wo): copying (N, O, L) -> (O, N, L) moves whole rows of L floats (4x cheaper than
        # the channels-last transpose at MyNet's first layer); then one GEMM, (O, K)
        gyT = xp.ascontiguousarray(gy.transpose(1, 0, 2, 3)).reshape(O, N * Ho * Wo)
        gw = (gyT @ cols[:, 0]).reshape(O, kh, kw, Cg).transpose(0, 3, 1, 2)
        return xp.ascontiguousarray(gw)
    rows = _nhwc_rows(gy)
    gwT = xp.matmul(cols.transpose(1, 2, 0), rows.reshape(-1, G, O // G).transpose(1, 0, 2))  # (G, Kg, Og)
    # (G, kh, kw, Cg, Og) -> (G, Og, Cg, kh, kw)
    gw = gwT.reshape(G, kh, kw, Cg, O // G).transpose(0, 4, 3, 1, 2)
    return xp.ascontiguousarray(gw).reshape(w_shape)


def _flops(N, L, w_shape):
    return 2.0 * N * L * w_shape[0] * w_shape[1] * w_shape[2] * w_shape[3]


class _ChunkCols:
    """im2col matrices of a batch computed in pieces: per thread piece, a list of ((lo, hi), cols)"""
    __slots__ = ("bounds", "cols")

    def __init__(self, bounds, cols):
        self.bounds, self.cols = bounds, cols


# Bytes of im2col matrix per GEMM: the batch is cut into blocks of about this size, so that each block's
# im2col matrix is written and read back while it is still in cache (measured on MyNet's layers, 1 thread:
# ~10% faster training step than batch-wide GEMMs, and the peak im2col memory shrinks with it).
_BLOCK_BYTES = 2 << 20


def _blocks(lo, hi, L, w_shape):
    K = w_shape[1] * w_shape[2] * w_shape[3] * 4
    step = max(1, _BLOCK_BYTES // max(L * K, 1)) if _BLOCK_BYTES else hi - lo
    return [(a, min(a + step, hi)) for a in range(lo, hi, step)]


def _pieces(N, L, w_shape):
    """Thread pieces of the batch: numtorch.get_num_threads() of them for a large enough layer."""
    return chunks(N, parallel_threads(N, _flops(N, L, w_shape)))


def _par_fwd(x, w, g, bias, keep=True):
    """_conv_fwd over cache-sized batch blocks, the pieces on concurrent threads (get_num_threads() > 1)."""
    N, _, H, W = x.shape
    O, _, kh, kw = w.shape
    Ho, Wo = g.out_hw(H, W, kh, kw)
    if Ho <= 0 or Wo <= 0:
        return _conv_fwd(x, w, g, bias=bias)       # raises the size error
    res = xp.empty((N, O, Ho, Wo), x.dtype)
    bounds = _pieces(N, Ho * Wo, w.shape)

    def job(lo, hi):
        return [((a, b), _conv_fwd(x[a:b], w, g, bias=bias, out=res[a:b], keep=keep)[1]) for a, b in _blocks(lo, hi, Ho * Wo, w.shape)]
    return res, _ChunkCols(bounds, run_parallel(job, bounds))


def _par_igrad(gy, w, x_shape, g):
    N, _, Ho, Wo = gy.shape
    res = xp.empty(x_shape, gy.dtype)
    rest = tuple(x_shape[1:])

    def job(lo, hi):
        for a, b in _blocks(lo, hi, Ho * Wo, (w.shape[1], w.shape[0]) + w.shape[2:]):
            _conv_igrad(gy[a:b], w, (b - a,) + rest, g, out=res[a:b])
    run_parallel(job, _pieces(N, Ho * Wo, w.shape))
    return res


def _par_wgrad(x, gy, w_shape, g, cols=None):
    N, _, Ho, Wo = gy.shape

    def job_of(parts):
        def job(lo, hi):
            total = None
            for (a, b), c in (parts(lo, hi)):
                p = _conv_wgrad(x[a:b], gy[a:b], w_shape, g, c)
                if total is None:
                    total = p
                else:
                    total += p
            return total
        return job
    if isinstance(cols, _ChunkCols):
        by = dict(zip(cols.bounds, cols.cols))
        outs = run_parallel(job_of(lambda lo, hi: by[(lo, hi)]), cols.bounds)
    else:
        outs = run_parallel(job_of(lambda lo, hi: [(ab, None) for ab in _blocks(lo, hi, Ho * Wo, w_shape)]),
                            _pieces(N, Ho * Wo, w_shape))
    total = outs[0] if outs else None
    for o in outs[1:]:
        total += o
    if total is None:   # empty batch: no block ran, the weight gradient is zero
        return xp.zeros(w_shape, gy.dtype)
    return total


def _check(x, w, b, name):
    if x._data.dtype != w._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype}) and weight type ({w.dtype}) should be the same")
    if b is not None and b._data.dtype != w._data.dtype:
        raise RuntimeError(f"Input type ({x.dtype}) and bias type ({b.dtype}) should be the same")
    if x._data.dtype.kind not in "fV":
        raise RuntimeError(f'"{name}" not implemented for \'{x.dtype}\'')


class Convolution(Function):
    """y = conv(x, w) + b; dx = conv_transpose(dy, w), dw = wgrad(x, dy), db = sum dy"""
    _builtin = True
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, w, b, g):
        ctx.save_for_backward(x, w)
        ctx.g = g
        x4, w4 = _to4(x._data, g.nd), _to4(w._data, g.nd)
        bd = None if b is None else b._data
        # the weight gradient will be asked for only when this call is recorded (not under no_grad)
        nig = ctx.needs_input_grad
        keep = bool(nig) and nig[1]
        if spectral.usable(x4.shape, w4.shape, g, backends.conv.algorithm, x4.dtype, train=keep):
            # the cache holds the kernel's spectrum (input gradient) and the input's (weight gradient)
            out, ctx.cols = spectral.forward(x4, w4, g, bd, keep_input=keep)
            return _from4(out, g.nd)
        out, cols = _par_fwd(x4, w4, g, bd, keep=keep)
        # keep the im2col matrix for the weight gradient (saves recomputing it in backward)
        ctx.cols = cols if keep else None
        return _from4(out, g.nd)

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad[:3]
        g = ctx.g
        cols, ctx.cols = ctx.cols, None
        spec = cols if isinstance(cols, spectral.Cache) else None
        if spec is not None and nx and nw:
            spec.gY = spectral.output_spectra(_to4(gy._data, g.nd), spec)   # one transform of gy for both
        gx = ConvInputGrad.apply(gy, w, x._data.shape, g, spec) if nx else None
        gw = ConvWeightGrad.apply(x, gy, w._data.shape, g, cols) if nw else None
        gb = gy.sum(tuple(i for i in range(gy.ndim) if i != 1)) if nb else None
        return gx, gw, gb, None


class ConvInputGrad(Function):
    """x = conv_transpose(y, w) onto x_shape (the adjoint of conv in its input)"""
    _builtin = True
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, gy, w, x_shape, g, spec=None):
        ctx.save_for_backward(gy, w)
        ctx.g = g
        gy4, w4, xs4 = _to4(gy._data, g.nd), _to4(w._data, g.nd), _shape4(x_shape, g.nd)
        if spec is not None or spectral.usable(xs4, w4.shape, g, backends.conv.algorithm, gy4.dtype):
            return _from4(spectral.input_grad(gy4, w4, xs4, g, spec), g.nd)
        return _from4(_par_igrad(gy4, w4, xs4, g), g.nd)

    @staticmethod
    def backward(ctx, gg):
        # <gg, convT(gy, w)> = <conv(gg, w), gy>
        gy, w = ctx.saved_tensors
        ng, nw = ctx.needs_input_grad[:2]
        g = ctx.g
        dgy = Convolution.apply(gg, w, None, g) if ng else None
        if dgy is not None and dgy._data.shape != gy._data.shape:
            # output_padding rows (no input reaches them) can add one more window position: crop it
            dgy = dgy[tuple(slice(0, n) for n in gy._data.shape)]
        dw = ConvWeightGrad.apply(gg, gy, w._data.shape, g, None) if nw else None
        return dgy, dw, None, None, None


class ConvWeightGrad(Function):
    """dw = wgrad(x, gy): sum over batch and positions of gy * windows(x)"""
    _builtin = True
    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, gy, w_shape, g, cols=None):
        ctx.save_for_backward(x, gy)
        ctx.g = g
        x4, gy4, ws4 = _to4(x._data, g.nd), _to4(gy._data, g.nd), _shape4(w_shape, g.nd)
        if isinstance(cols, spectral.Cache) or (
                cols is None and spectral.usable(x4.shape, ws4, g, backends.conv.algorithm, x4.dtype)):
            return _from4(spectral.weight_grad(x4, gy4, ws4, g, cols), g.nd)
        return _from4(_par_wgrad(x4, gy4, ws4, g, cols), g.nd)

    @staticmethod
    def backward(ctx, A):
        # <A, wgrad(x, gy)> = <conv(x, A), gy>
        x, gy = ctx.saved_tensors
        nx, ng = ctx.needs_input_grad[:2]
        g = ctx.g
        dx = ConvInputGrad.apply(gy, A, x._data.shape, g) if nx else None
        dgy = Convolution.apply(x, A, None, g) if ng else None
        return dx, dgy, None, None, None


_C10 = {"complex64": "c10::complex<float>", "complex128": "c10::complex<double>", "float32": "float",
        "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}


def _type_name(t):
    """PyTorch's name of a tensor type in its convolution dtype-mismatch messages."""
    from ... import _dtype as D
    n = D.scalar_name(t._data.dtype)
    return f"CPU{n}Type" if t.dtype.is_complex else f"torch.{n}Tensor"


def _complex_conv(fn, name, x, w, b, *args):
    """A complex convolution as four real ones (it is bilinear):
    conv(xr + i xi, wr + i wi) + (br + i bi)
        = conv(xr, wr) - conv(xi, wi) + br + i (conv(xr, wi) + conv(xi, wr) + bi).
    real/imag/complex are differentiable, so the gradients are PyTorch's (conjugate Wirtinger) ones."""
    from ..._ops.complex import real, imag, complex as _cplx
    if not isinstance(w, Tensor):
        raise TypeError(f"{name}() expected Tensor arguments")
    if w._data.dtype != x._data.dtype:
        raise RuntimeError(f"Input type ({_type_name(x)}) and weight type ({_type_name(w)}) should be the same")
    if b is not None and b._data.dtype != x._data.dtype:
        if "transpose" in name:
            raise RuntimeError(f"Input type ({_type_name(x)}) and bias type ({_type_name(b)}) should be the same")
        raise RuntimeError(f"Input type ({_C10.get(x._data.dtype.name)}) and bias type "
                           f"({_C10.get(b._data.dtype.name, b._data.dtype.name)}) should be the same")
    xr, xi, wr, wi = real(x), imag(x), real(w), imag(w)
    br, bi = (None, None) if b is None else (real(b), imag(b))
    re = fn(xr, wr, br, *args) - fn(xi, wi, None, *args)
    im = fn(xr, wi, bi, *args) + fn(xi, wr, None, *args)
    return _cplx(re, im)


def _conv(input, weight, bias, stride, padding, dilation, groups, nd, name):
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{name}() expected Tensor arguments")
    _check(input, weight, bias, name)
    batched = input.ndim == nd + 2
    if not batched:
        if input.ndim != nd + 1:
            raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
                               f"input of size: {list(input.shape)}")
        input = input.unsqueeze(0)
    if weight.ndim != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input, but got weight of "
                           f"size {list(weight.shape)}")
    st = _pair(stride, nd, "stride")
    dil = _pair(dilation, nd, "dilation")
    k = weight.shape[2:]
    C = input.shape[1]
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if C != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got {C} channels "
                           f"instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {list(weight.shape)} instead")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in st):
                raise ValueError("padding='same' is not supported for strided convolutions")
            pl = []
            for d_, k_ in zip(dil, k):
                tot = d_ * (k_ - 1)
                pl.append((tot // 2, tot - tot // 2))
            pads = tuple(pl)
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
    else:
        pads = tuple((p, p) for p in _pair(padding, nd, "padding"))
    if any(s <= 0 for s in st):
        raise RuntimeError("non-positive stride is not supported")
    if nd == 1:
        g = _Geom((1,) + st, ((0, 0),) + pads, (1,) + dil, groups, 1)
    else:
        g = _Geom(st, pads, dil, groups, 2)
    out = Convolution.apply(input, weight, bias, g)
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation: y[n,o,l] = b[o] + sum_{c,k} W[o,c,k] x_pad[n, c, l*s + k*d]"""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv1d, 'conv1d', input, weight, bias, stride, padding, dilation, groups)
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation: y[n,o,h,w] = b[o] + sum_{c,i,j} W[o,c,i,j] x_pad[n, c, h*sh + i*dh, w*sw + j*dw]"""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv2d, 'conv2d', input, weight, bias, stride, padding, dilation, groups)
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def _conv_t(input, weight, bias, stride, padding, output_padding, groups, dilation, nd, name):
    _check(input, weight, bias, name)
    batched = input.ndim == nd + 2
    if not batched:
        input = input.unsqueeze(0)
    st = _pair(stride, nd, "stride")
    dil = _pair(dilation, nd, "dilation")
    pad = _pair(padding, nd, "padding")
    opad = _pair(output_padding, nd, "output_padding")
    for o, s, d in zip(opad, st, dil):
        if o >= s and o >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding: {o}, stride: {s}, dilation: {d}")
    Cin = input.shape[1]
    if weight.shape[0] != Cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input "
                           f"{list(input.shape)} to have {weight.shape[0]} channels, but got {Cin} channels instead")
    k = weight.shape[2:]
    N = input.shape[0]
    sizes = [(i - 1) * s - 2 * p + d * (kk - 1) + op + 1
             for i, s, p, d, kk, op in zip(input.shape[2:], st, pad, dil, k, opad)]
    x_shape = (N, weight.shape[1] * groups) + tuple(sizes)
    # output_padding adds rows at the high end that no input position reaches: widen the high padding
    pads = tuple((p, p) for p in pad)
    if nd == 1:
        g = _Geom((1,) + st, ((0, 0),) + pads, (1,) + dil, groups, 1)
    else:
        g = _Geom(st, pads, dil, groups, 2)
    out = ConvInputGrad.apply(input, weight, x_shape, g)
    if bias is not None:
        out = out + bias.reshape((-1,) + (1,) * nd)
    if out.grad_fn is not None:   # printed as PyTorch's node (one identity node)
        from ._loss._common import _named_as
        out = _named_as(out, "ConvolutionBackward0")
    return out if batched else out.squeeze(0)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv1d in its input (weight of shape (C_in, C_out/groups, k))."""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv_transpose1d, 'conv_transpose1d', input, weight, bias, stride, padding,
                             output_padding, groups, dilation)
    return _conv_t(input, weight, bias, stride, padding, output_padding, groups, dilation, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d in its input (weight of shape (C_in, C_out/groups, kh, kw))."""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv_transpose2d, 'conv_transpose2d', input, weight, bias, stride, padding,
                             output_padding, groups, dilation)
    return _conv_t(input, weight, bias, stride, padding, output_padding, groups, dilation, 2, "conv_transpose2d")


def _depth_pad(x, lo, hi):
    """Zero-pad (lo, hi >= 0) or crop (< 0) the depth axis (dim 2) of an (N, C, D, H, W) tensor."""
    if lo == 0 and hi == 0:
        return x
    from ..._ops.copies import pad
    return pad(x, (0, 0, 0, 0, lo, hi))


def _depth_taps(x, kd, sd, dd, Do):
    """(N, Do, C, kd, H, W): x[n, c, do*sd + k*dd] for every output depth and tap (a strided view, then a copy)."""
    span = dd * (kd - 1) + 1
    w = x.unfold(2, span, sd)                       # (N, C, D', H, W, span)
    if dd > 1:
        w = w[..., ::dd]
    return w[:, :, :Do].permute(0, 2, 1, 5, 3, 4)


def _weight3(weight):
    """(O, Cg, kd, kh, kw) -> (O, Cg*kd, kh, kw), channel index ci*kd + k (matches _depth_taps stacking)."""
    O, Cg, kd, kh, kw = weight.shape
    return weight.reshape(O, Cg * kd, kh, kw)


class _DepthFold(Function):
    """out[n, c, i*sd + k*dd - pd] += v[n, i, c, k] (the adjoint of taking depth taps): one strided add per tap.

    backward: the depth taps of the gradient (``_depth_taps``, differentiable), so any order works."""

    _builtin = True

    @staticmethod
    def forward(ctx, v, sd, dd, pd, Do):
        a = v._data
        N, Di, C, kd, H, W = a.shape
        full = (Di - 1) * sd + dd * (kd - 1) + 1
        ctx.geom = (sd, dd, pd, Do, kd, full, Di)
        acc = xp.zeros((N, C, max(full, pd + Do), H, W), a.dtype)
        at = a.transpose(0, 2, 1, 3, 4, 5)                  # (N, C, Di, kd, H, W) view
        for k in range(kd):
            acc[:, :, k * dd:k * dd + (Di - 1) * sd + 1:sd] += at[:, :, :, k]
        return xp.ascontiguousarray(acc[:, :, pd:pd + Do])

    @staticmethod
    def backward(ctx, g):
        sd, dd, pd, Do, kd, full, Di = ctx.geom
        gp = _depth_pad(g, pd, full - pd - Do)            # back to the uncropped depth grid
        return _depth_taps(gp, kd, sd, dd, Di), None, None, None, None


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D cross-correlation:
    y[n,o,d,h,w] = b[o] + sum_{c,k,i,j} W[o,c,k,i,j] x_pad[n, c, d*sd + k*dd, h*sh + i*dh, w*sw + j*dw]"""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv3d, 'conv3d', input, weight, bias, stride, padding, dilation, groups)
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError("conv3d() expected Tensor arguments")
    _check(input, weight, bias, "conv3d")
    batched = input.ndim == 5
    if not batched:
        if input.ndim != 4:
            raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: "
                               f"{list(input.shape)}")
        input = input.unsqueeze(0)
    if weight.ndim != 5:
        raise RuntimeError("weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected 5-dimensional weight for 5-dimensional input, but got weight of size "
                           f"{list(weight.shape)}")
    st = _pair(stride, 3, "stride")
    dil = _pair(dilation, 3, "dilation")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(v <= 0 for v in st):
        raise RuntimeError("non-positive stride is not supported")
    N, C = input.shape[:2]
    if C != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got {C} channels "
                           f"instead")
    kd = weight.shape[2]
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        if padding == "same" and any(v != 1 for v in st):
            raise ValueError("padding='same' is not supported for strided convolutions")
        tot = dil[0] * (kd - 1) if padding == "same" else 0
        dlo, dhi, plane = tot // 2, tot - tot // 2, padding
    else:
        pd, ph, pw = _pair(padding, 3, "padding")
        dlo = dhi = pd
        plane = (ph, pw)
    x = _depth_pad(input, dlo, dhi)
    Dp = x.shape[2]
    Do = (Dp - dil[0] * (kd - 1) - 1) // st[0] + 1
    if Do <= 0:
        raise RuntimeError(f"Calculated padded input size per channel: ({Dp} x {x.shape[3]} x {x.shape[4]}). Kernel "
                           f"size: ({' x '.join(str(k) for k in weight.shape[2:])}). Kernel size can't be greater "
                           f"than actual input size")
    H, W = x.shape[3:]
    taps = _depth_taps(x, kd, st[0], dil[0], Do).reshape(N * Do, C * kd, H, W)
    y = conv2d(taps, _weight3(weight), bias, st[1:], plane, dil[1:], groups)
    y = y.reshape((N, Do) + tuple(y.shape[1:])).permute(0, 2, 1, 3, 4)
    from ._loss._common import _named_as
    y = _named_as(y, "ConvolutionBackward0")
    return y if batched else y.squeeze(0)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv3d in its input (weight of shape (C_in, C_out/groups, kd, kh, kw))."""
    if isinstance(input, Tensor) and input.dtype.is_complex:
        return _complex_conv(conv_transpose3d, 'conv_transpose3d', input, weight, bias, stride, padding,
                             output_padding, groups, dilation)
    _check(input, weight, bias, "conv_transpose3d")
    batched = input.ndim == 5
    if not batched:
        if input.ndim != 4:
            raise RuntimeError(f"Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of "
                               f"size: {list(input.shape)}")
        input = input.unsqueeze(0)
    if weight.ndim != 5:
        raise RuntimeError(f"Expected 5-dimensional weight for 5-dimensional input, but got weight of size "
                           f"{list(weight.shape)}")
    st = _pair(stride, 3, "stride")
    dil = _pair(dilation, 3, "dilation")
    pad = _pair(padding, 3, "padding")
    opad = _pair(output_padding, 3, "output_padding")
    for o, s_, d in zip(opad, st, dil):
        if o >= s_ and o >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                               f"output_padding: {o}, stride: {s_}, dilation: {d}")
    N, Cin, Di, H, W = input.shape
    if weight.shape[0] != Cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input "
                           f"{list(input.shape)} to have {weight.shape[0]} channels, but got {Cin} channels instead")
    _, Cog, kd, kh, kw = weight.shape
    # in-plane: one conv_transpose2d over N*Di images whose output channels are (c_out, depth tap)
    w2 = weight.reshape(Cin, Cog * kd, kh, kw)
    x2 = input.permute(0, 2, 1, 3, 4).reshape(N * Di, Cin, H, W)
    z = conv_transpose2d(x2, w2, None, st[1:], pad[1:], opad[1:], groups, dil[1:])
    Ho, Wo = z.shape[2:]
    z = z.reshape(N, Di, groups, Cog, kd, Ho, Wo)
    # depth: tap k of input depth i lands at i*sd + k*dd - pd
    Do = (Di - 1) * st[0] + dil[0] * (kd - 1) + 1 - 2 * pad[0] + opad[0]
    out = _DepthFold.apply(z.reshape(N, Di, groups * Cog, kd, Ho, Wo), st[0], dil[0], pad[0], Do)
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1, 1)
    from ._loss._common import _named_as
    out = _named_as(out, "ConvolutionBackward0")
    return out if batched else out.squeeze(0)


class _Unfold(Function):
    _builtin = True
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, k, g):
        ctx.shape, ctx.k, ctx.g = x._data.shape, k, g
        Ho, Wo = g.out_hw(x._data.shape[2], x._data.shape[3], *k)
        ctx.o = (Ho, Wo)
        N = x._data.shape[0]
        cols = _im2col(x._data, k[0], k[1], g, Ho, Wo)
        return xp.ascontiguousarray(cols.reshape(-1, N, Ho * Wo).transpose(1, 0, 2))

    @staticmethod
    def backward(ctx, gc):
        return _Fold.apply(gc, ctx.shape, ctx.k, ctx.g), None, None


class _Fold(Function):
    _builtin = True
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, c, x_shape, k, g):
        ctx.k, ctx.g = k, g
        Ho, Wo = g.out_hw(x_shape[2], x_shape[3], *k)
        if c._data.shape[2] != Ho * Wo:
            raise RuntimeError(f"Given output_size={list(x_shape[2:])}, kernel_size={list(k)}, expected size of "
                               f"input's dimension 2 to match the calculated number of sliding blocks {Ho} * {Wo} = "
                               f"{Ho * Wo}, but got input.size(2)={c._data.shape[2]}.")
        cols = xp.ascontiguousarray(c._data.transpose(1, 0, 2)).reshape(c._data.shape[1], -1)
        return _col2im(cols, x_shape, k[0], k[1], g, Ho, Wo)

    @staticmethod
    def backward(ctx, gx):
        return _Unfold.apply(gx, ctx.k, ctx.g), None, None, None


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, L), the sliding blocks as columns."""
    k = _pair(kernel_size, 2)
    p = _pair(padding, 2)
    g = _Geom(_pair(stride, 2), ((p[0], p[0]), (p[1], p[1])), _pair(dilation, 2), 1, 2)
    if input.dim() == 3:   # unbatched (C, H, W) -> (C*kh*kw, L)
        return _Unfold.apply(input.unsqueeze(0), k, g).squeeze(0)
    if input.dim() == 4 and input.shape[0] == 0:  # an empty batch: an empty (0, C*kh*kw, L) result
        d, st = _pair(dilation, 2), _pair(stride, 2)
        L = 1
        for n, kk, pp, dd, ss in zip(input.shape[2:], k, p, d, st):
            L *= max((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1, 0)
        return input.reshape(-1).reshape(0, input.shape[1] * k[0] * k[1], L)
    return _Unfold.apply(input, k, g)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: (N, C*kh*kw, L) -> (N, C, H, W), overlapping values summed."""
    k = _pair(kernel_size, 2)
    p = _pair(padding, 2)
    os_ = _pair(output_size, 2)
    g = _Geom(_pair(stride, 2), ((p[0], p[0]), (p[1], p[1])), _pair(dilation, 2), 1, 2)
    if input.dim() == 2:   # unbatched (C*kh*kw, L) -> (C, H, W)
        return fold(input.unsqueeze(0), output_size, kernel_size, dilation, padding, stride).squeeze(0)
    if input.dim() != 3:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    N, CK = input.shape[0], input.shape[1]
    if CK % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={CK} and kernel_size={k}")
    return _Fold.apply(input, (N, CK // (k[0] * k[1])) + os_, k, g)
