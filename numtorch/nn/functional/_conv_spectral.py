"""Stride-1 convolutions in the frequency domain, with the DFT written as small matrix products.

A stride-1 cross-correlation is a pointwise product of spectra.  With X = DFT2(x) on a P x Q grid
(real input: F = Q//2 + 1 columns) and the kernel's conjugate spectrum Wh[u,v] = sum_ab w[a,b] e^{+2 pi i (u a dh/P + v b dw/Q)}:

    Y[f, n, o] = sum_c X[f, n, c] Wh[f, c, o]          one small complex GEMM per frequency f = (u, v)
    y[n, o, i, j] = IDFT2(Y)[i - p0, j - q0]           read back on the output grid

P >= H + max(p0, p1) and Q >= W + max(q0, q1) keep the circular wrap-around off every output that is kept
(a pad may not exceed the kernel's reach).  The DFTs are real matrices (cos/sin tables) applied one axis at
a time as BLAS products, so nothing here but NumPy is needed; every array stays float32 (or the input's
float64).  For MyNet's 5x5 kernels on 16x16 and 8x8 maps this needs ~4x fewer flops than im2col + GEMM,
and it is at least as accurate (the transforms are orthogonal up to scale; errors measured against a
float64 reference are below float32 direct convolution's).

Spectra are held planar, real and imaginary parts as the leading axis of size 2:
    X  (2, P*F, N, C)   input      Wh (P*F, 2, C, O)   kernel      Y (2, P*F, N, O)   output
The kernel's parts are stacked per frequency so that every per-frequency complex product is ONE real GEMM that
reads the (large) kernel spectrum once: [Yr; Yi] = [[Xr, -Xi], [Xi, Xr]] @ [Whr; Whi].
The backward maps are the exact real adjoints (transposes) of the forward ones:
    gX = gY conj(Wh)^T,   gWh = conj(X)^T gY,   and the transforms' transposes.
"""
from functools import lru_cache

from ..._backend import xp
from ..._cpu import chunks, parallel_threads, run_parallel

__all__ = ["usable", "forward", "input_grad", "weight_grad", "output_spectra", "Cache"]

# "auto": frequency domain where the cost model says it is clearly cheaper; "direct": always im2col + GEMM;
# "spectral": the frequency domain wherever it applies (tests use it to exercise this path on small shapes).
ALGORITHMS = ("auto", "direct", "spectral")


def _cmatmul(ar, ai, br, bi, out, conj_a=False, conj_b=False):
    """out[0] + i out[1] = a @ b for complex matrices held as real pairs (batched, any BLAS-able views).

    conj_a / conj_b take the conjugate of that factor.  Four real products and two adds.
    """
    sa = -1.0 if conj_a else 1.0
    sb = -1.0 if conj_b else 1.0
    # re = ar br - (sa sb) ai bi ;  im = sb ar bi + sa ai br
    t = xp.matmul(ai, bi)
    xp.matmul(ar, br, out=out[0])
    if sa * sb > 0:
        out[0] -= t
    else:
        out[0] += t
    t = xp.matmul(ai, br, out=t)
    xp.matmul(ar, bi, out=out[1])
    if sb > 0:
        if sa > 0:
            out[1] += t
        else:
            out[1] -= t
    elif sa > 0:
        xp.subtract(t, out[1], out=out[1])
    else:
        xp.add(out[1], t, out=out[1])
        xp.negative(out[1], out=out[1])


def _stacked(l1, l2, br, bi, out):
    """out = l1 @ br + l2 @ bi: a complex product by a constant left factor whose real and imaginary
    rows are stacked in l1 = [ar; ai], l2 = [-ai; ar] (two GEMMs and one add instead of four and two)."""
    xp.matmul(l1, br, out=out)
    out += l2 @ bi


def _spectral_product(X, Wh):
    """Y = X Wh per frequency, X (2, PF, n, C), Wh (PF, 2, C, O) -> Y (2, PF, n, O):
    [Yr; Yi] = [[Xr, -Xi], [Xi, Xr]] (2n, 2C) @ [Whr; Whi] (2C, O), one GEMM per frequency."""
    _, PF, n, C = X.shape
    O = Wh.shape[3]
    A = xp.empty((PF, 2, n, 2, C), X.dtype)
    A[:, 0, :, 0] = X[0]
    xp.negative(X[1], out=A[:, 0, :, 1])
    A[:, 1, :, 0] = X[1]
    A[:, 1, :, 1] = X[0]
    Y = xp.matmul(A.reshape(PF, 2 * n, 2 * C), Wh.reshape(PF, 2 * C, O))       # (PF, 2n, O)
    return xp.ascontiguousarray(Y.reshape(PF, 2, n, O).transpose(1, 0, 2, 3))


def _spectral_product_adj(gY, Wh):
    """gX = gY conj(Wh)^T per frequency, gY (2, PF, n, O) -> gX (2, PF, n, C), from ONE GEMM per frequency:
    M = [Whr; Whi] (2C, O) @ [gYr^T, gYi^T] (O, 2n);  gXr^T = Whr gYr^T + Whi gYi^T,  gXi^T = Whr gYi^T - Whi gYr^T."""
    _, PF, n, O = gY.shape
    C = Wh.shape[2]
    B = xp.empty((PF, O, 2, n), gY.dtype)
    B[:, :, 0] = gY[0].transpose(0, 2, 1)
    B[:, :, 1] = gY[1].transpose(0, 2, 1)
    M = xp.matmul(Wh.reshape(PF, 2 * C, O), B.reshape(PF, O, 2 * n)).reshape(PF, 2, C, 2, n)
    gX = xp.empty((2, PF, n, C), gY.dtype)
    xp.add(M[:, 0, :, 0], M[:, 1, :, 1], out=gX[0].transpose(0, 2, 1))
    xp.subtract(M[:, 0, :, 1], M[:, 1, :, 0], out=gX[1].transpose(0, 2, 1))
    return gX


def _spectral_wgrad(X, gY):
    """gW = conj(X)^T gY per frequency -> (2, PF, C, O), each part ONE GEMM with a 2n contraction written in place:
    gWr = [Xr^T, Xi^T] @ [gYr; gYi],  gWi = [Xr^T, Xi^T] @ [gYi; -gYr]."""
    _, PF, n, C = X.shape
    O = gY.shape[3]
    L = xp.empty((PF, C, 2, n), X.dtype)
    L[:, :, 0] = X[0].transpose(0, 2, 1)
    L[:, :, 1] = X[1].transpose(0, 2, 1)
    L = L.reshape(PF, C, 2 * n)
    R = xp.empty((PF, 2, n, O), gY.dtype)
    R[:, 0] = gY[0]
    R[:, 1] = gY[1]
    gW = xp.empty((2, PF, C, O), X.dtype)
    xp.matmul(L, R.reshape(PF, 2 * n, O), out=gW[0])
    R[:, 0] = gY[1]
    xp.negative(gY[0], out=R[:, 1])
    xp.matmul(L, R.reshape(PF, 2 * n, O), out=gW[1])
    return gW


# ---- the per-frequency products over a frequency range [a, b), the batch pieces side by side ----------------
# With numtorch's threads > 1 the transforms run per batch piece but the products per frequency range: each
# thread then reads only its frequencies' part of the kernel spectrum (57-84 MB for resnet18's layers) and
# writes only its part of the weight gradient's spectrum, instead of every thread streaming all of it; each
# frequency's GEMM is the whole batch's, the same product as with one thread.

def _offsets(pieces):
    out, s = [], 0
    for p in pieces:
        out.append((s, s + p.shape[2]))
        s += p.shape[2]
    return out, s


def _product_range(Xs, Wh, a, b, Ys):
    """Ys[k][:, a:b] = X_k Wh per frequency f in [a, b) (see _spectral_product), one GEMM per frequency."""
    offs, n = _offsets(Xs)
    C, O = Wh.shape[2], Wh.shape[3]
    A = xp.empty((b - a, 2, n, 2, C), Xs[0].dtype)
    for X, (s, e) in zip(Xs, offs):
        A[:, 0, s:e, 0] = X[0, a:b]
        xp.negative(X[1, a:b], out=A[:, 0, s:e, 1])
        A[:, 1, s:e, 0] = X[1, a:b]
        A[:, 1, s:e, 1] = X[0, a:b]
    Y = xp.matmul(A.reshape(b - a, 2 * n, 2 * C), Wh[a:b].reshape(b - a, 2 * C, O)).reshape(b - a, 2, n, O)
    for Yk, (s, e) in zip(Ys, offs):
        Yk[:, a:b] = Y[:, :, s:e].transpose(1, 0, 2, 3)


def _product_adj_range(gYs, Wh, a, b, gXs):
    """gXs[k][:, a:b] = gY_k conj(Wh)^T per frequency f in [a, b) (see _spectral_product_adj)."""
    offs, n = _offsets(gYs)
    C, O = Wh.shape[2], Wh.shape[3]
    B = xp.empty((b - a, O, 2, n), gYs[0].dtype)
    for gY, (s, e) in zip(gYs, offs):
        B[:, :, 0, s:e] = gY[0, a:b].transpose(0, 2, 1)
        B[:, :, 1, s:e] = gY[1, a:b].transpose(0, 2, 1)
    M = xp.matmul(Wh[a:b].reshape(b - a, 2 * C, O), B.reshape(b - a, O, 2 * n)).reshape(b - a, 2, C, 2, n)
    for gX, (s, e) in zip(gXs, offs):
        xp.add(M[:, 0, :, 0, s:e], M[:, 1, :, 1, s:e], out=gX[0, a:b].transpose(0, 2, 1))
        xp.subtract(M[:, 0, :, 1, s:e], M[:, 1, :, 0, s:e], out=gX[1, a:b].transpose(0, 2, 1))


def _wgrad_range(Xs, gYs, a, b, gW):
    """gW[:, a:b] = sum over the batch of conj(X)^T gY per frequency f in [a, b) (see _spectral_wgrad)."""
    offs, n = _offsets(Xs)
    C, O = Xs[0].shape[3], gYs[0].shape[3]
    L = xp.empty((b - a, C, 2, n), Xs[0].dtype)
    R = xp.empty((b - a, 2, n, O), gYs[0].dtype)
    for X, gY, (s, e) in zip(Xs, gYs, offs):
        L[:, :, 0, s:e] = X[0, a:b].transpose(0, 2, 1)
        L[:, :, 1, s:e] = X[1, a:b].transpose(0, 2, 1)
        R[:, 0, s:e] = gY[0, a:b]
        R[:, 1, s:e] = gY[1, a:b]
    L = L.reshape(b - a, C, 2 * n)
    xp.matmul(L, R.reshape(b - a, 2 * n, O), out=gW[0, a:b])
    for gY, (s, e) in zip(gYs, offs):
        R[:, 0, s:e] = gY[1, a:b]
        xp.negative(gY[0, a:b], out=R[:, 1, s:e])
    xp.matmul(L, R.reshape(b - a, 2 * n, O), out=gW[1, a:b])


class Plan:
    """DFT tables for one geometry: input H x W, kernel kh x kw, pads, dilation; dtype float32/float64."""

    __slots__ = ("P", "Q", "F", "Ho", "Wo", "BwT", "Ar", "Ai", "ErT", "EiT", "Csb", "GT", "G", "A1", "A2", "S1", "S2")

    def __init__(self, H, W, kh, kw, p0, p1, q0, q1, dh, dw, dtype):
        np = xp
        fh, fw = dh * (kh - 1), dw * (kw - 1)
        Ho, Wo = H + p0 + p1 - fh, W + q0 + q1 - fw
        P, Q = max(H + max(p0, p1), Ho), max(W + max(q0, q1), Wo)
        F = Q // 2 + 1
        two_pi = 2 * np.pi
        v, s = np.arange(F), np.arange(W)
        th = two_pi * np.outer(v, s) / Q
        BwT = np.concatenate([np.cos(th), -np.sin(th)])                  # (2F, W): real DFT along w
        u, h = np.arange(P), np.arange(H)
        ph = two_pi * np.outer(u, h) / P
        Ar, Ai = np.cos(ph), -np.sin(ph)                                 # (P, H): DFT along h
        pe = two_pi * np.outer(u, np.arange(Ho) - p0) / P
        ErT, EiT = np.cos(pe) / P, np.sin(pe) / P                        # (P, Ho): inverse along h, cropped
        # inverse along w from the half spectrum: bins 0 < v < Q/2 stand for their mirror image too
        cv = np.where((v == 0) | ((Q % 2 == 0) & (v == Q // 2)), 1.0, 2.0) / Q
        pj = two_pi * np.outer(v, np.arange(Wo) - q0) / Q
        Csb = np.concatenate([cv[:, None] * np.cos(pj), -cv[:, None] * np.sin(pj)])   # (2F, Wo)
        ang = (two_pi * np.outer(u, np.arange(kh) * dh) / P)[:, None, :, None] \
            + (two_pi * np.outer(v, np.arange(kw) * dw) / Q)[None, :, None, :]
        GT = np.concatenate([np.cos(ang), np.sin(ang)]).reshape(2 * P * F, kh * kw)   # kernel -> spectrum

        def c(m):
            return np.ascontiguousarray(m, dtype)
        self.P, self.Q, self.F, self.Ho, self.Wo = P, Q, F, Ho, Wo
        self.BwT, self.Ar, self.Ai, self.ErT, self.EiT = c(BwT), c(Ar), c(Ai), c(ErT), c(EiT)
        self.Csb, self.G = c(Csb), c(GT.T)
        # kernel -> spectrum rows ordered (frequency, re/im): each frequency's [Re; Im] is one (2C, O) block
        self.GT = c(GT.reshape(2, P * F, kh * kw).transpose(1, 0, 2).reshape(2 * P * F, kh * kw))
        self.A1, self.A2 = c(np.concatenate([Ar, Ai])), c(np.concatenate([-Ai, Ar]))        # A
        self.S1, self.S2 = c(np.concatenate([ErT, -EiT])), c(np.concatenate([EiT, ErT]))   # conj(E)^T

    # --- transforms (each method's adjoint follows it) ---------------------------------------------
    def analysis(self, x):
        """x (n, C, H, W) -> X (2, P*F, n, C)"""
        n, C, H, W = x.shape
        P, F, M = self.P, self.F, n * C
        T = (self.BwT @ x.reshape(M * H, W).T).reshape(2, F * M, H)    # along w: (re/im, (v, n, c), h)
        X = xp.empty((2 * P, F * M), x.dtype)
        _stacked(self.A1, self.A2, T[0].T, T[1].T, X)                      # along h
        return X.reshape(2, P * F, n, C)

    def analysis_adj(self, gX, out):
        """(2, P*F, n, C) -> out (n, C, H, W), the transpose of analysis"""
        n, C, H, W = out.shape
        F, M = self.F, n * C
        g = gX.reshape(2, self.P, F * M)
        gT = xp.empty((2, F * M, H), gX.dtype)
        _cmatmul(g[0].T, g[1].T, self.Ar, self.Ai, gT, conj_b=True)
        xp.matmul(gT.reshape(2 * F, M * H).T, self.BwT, out=out.reshape(M * H, W))
        return out

    def synthesis(self, Y, out):
        """Y (2, P*F, n, O) -> out (n, O, Ho, Wo): the inverse DFT read on the output grid"""
        P, F, Ho = self.P, self.F, self.Ho
        no = out.shape[0] * out.shape[1]
        Yt = Y.reshape(2, P, F * no)
        Z = xp.empty((2, F * no, Ho), Y.dtype)
        _cmatmul(Yt[0].T, Yt[1].T, self.ErT, self.EiT, Z)               # along h: (v, n, o) x i
        xp.matmul(Z.reshape(2 * F, no * Ho).T, self.Csb, out=out.reshape(no * Ho, self.Wo))
        return out

    def synthesis_adj(self, gy):
        """gy (n, O, Ho, Wo) -> gY (2, P*F, n, O), the transpose of synthesis"""
        n, O = gy.shape[:2]
        P, F, Ho, no = self.P, self.F, self.Ho, n * O
        gZ = (self.Csb @ gy.reshape(no * Ho, self.Wo).T).reshape(2, F * no, Ho)
        gY = xp.empty((2 * P, F * no), gy.dtype)
        _stacked(self.S1, self.S2, gZ[0].T, gZ[1].T, gY)
        return gY.reshape(2, P * F, n, O)

    def kernel(self, w):
        """w (O, C, kh, kw) -> Wh (P*F, 2, C, O): per frequency the real part stacked over the imaginary one"""
        O, C = w.shape[:2]
        wt = xp.ascontiguousarray(w.reshape(O, C, -1).transpose(2, 1, 0)).reshape(-1, C * O)
        R = self.GT.shape[0]
        Wh = xp.empty((R, C * O), w.dtype)
        # the spectrum is 6-9x the kernel's size (57-84 MB for resnet18's layers): with numtorch's threads > 1
        # its rows are written by concurrent pieces (each output element is the same K = kh*kw dot product)
        run_parallel(lambda lo, hi: xp.matmul(self.GT[lo:hi], wt, out=Wh[lo:hi]),
                     chunks(R, parallel_threads(R, Wh.size)))
        return Wh.reshape(self.P * self.F, 2, C, O)

    def kernel_adj_part(self, gW):
        """(2, P*F, C, O) -> (kh*kw, C*O): the transpose of kernel's table applied to a spectrum; with numtorch's
        threads > 1 over column pieces (each output element the same dot product)"""
        g2 = gW.reshape(self.G.shape[1], -1)
        out = xp.empty((self.G.shape[0], g2.shape[1]), gW.dtype)
        run_parallel(lambda lo, hi: xp.matmul(self.G, g2[:, lo:hi], out=out[:, lo:hi]),
                     chunks(g2.shape[1], parallel_threads(g2.shape[1], g2.size)))
        return out

    def kernel_adj_finish(self, g, w_shape):
        O, C, kh, kw = w_shape
        return xp.ascontiguousarray(g.reshape(kh, kw, C, O).transpose(3, 2, 0, 1))

    def kernel_adj(self, gW, w_shape):
        return self.kernel_adj_finish(self.kernel_adj_part(gW), w_shape)


@lru_cache(maxsize=64)
def _plan(key, dtype):
    return Plan(*key, dtype)


def plan(x_shape, w_shape, g, dtype):
    (p0, p1), (q0, q1) = g.pad
    return _plan((x_shape[2], x_shape[3], w_shape[2], w_shape[3], p0, p1, q0, q1) + tuple(g.dil), xp.dtype(dtype))


def _flops(N, C, O, H, W, kh, kw, g):
    """(direct, spectral) multiply-add counts x2 of one forward convolution."""
    (p0, p1), (q0, q1) = g.pad
    dh, dw = g.dil
    Ho, Wo = H + p0 + p1 - dh * (kh - 1), W + q0 + q1 - dw * (kw - 1)
    P, Q = max(H + max(p0, p1), Ho), max(W + max(q0, q1), Wo)
    F = Q // 2 + 1
    direct = 2.0 * N * O * C * kh * kw * Ho * Wo
    spectral = (4.0 * F * W * N * C * H + 8.0 * P * H * F * N * C            # analysis
                + 8.0 * P * F * N * C * O                                   # per-frequency products
                + 8.0 * F * N * O * P * Ho + 4.0 * N * O * Ho * F * Wo)     # synthesis
    return direct, spectral


def usable(x_shape, w_shape, g, algorithm, dtype, train=False):
    """True when this convolution should run in the frequency domain.

    ``train``: the forward's cache will serve a backward too (the input and kernel spectra are reused and gy is
    transformed once for both gradients), so the frequency domain wins at a smaller flop advantage."""
    if algorithm == "direct" or g.groups != 1 or tuple(g.st) != (1, 1) or xp.dtype(dtype).kind not in "fV" \
            or xp.dtype(dtype).itemsize < 4:
        return False
    N, C, H, W = x_shape
    O, _, kh, kw = w_shape
    (p0, p1), (q0, q1) = g.pad
    dh, dw = g.dil
    if max(p0, p1) > dh * (kh - 1) or max(q0, q1) > dw * (kw - 1) or min(N, C, O, H, W) == 0:
        return False       # a pad beyond the kernel's reach would wrap around: direct
    Ho, Wo = g.out_hw(H, W, kh, kw)
    if Ho <= 0 or Wo <= 0:
        return False
    if algorithm == "spectral":
        return True
    direct, spectral = _flops(N, C, O, H, W, kh, kw, g)
    # the transforms are thin GEMMs (~half the speed of im2col's one large product): demand a clear win.
    # With a backward (resnet18's 128-channel 28x28 layers, flop ratio 0.41, batch 16, 1 thread): forward +
    # both gradients 174 ms spectral vs 248 ms direct; the forward alone is even at batch 32.
    return direct >= 2e7 and spectral < (0.5 if train else 0.4) * direct


class Cache:
    """What a spectral forward keeps for its backward: the plan, the kernel's spectrum, the batch pieces,
    each piece's input spectrum (when the weight needs a gradient) and, once computed, gy's spectra."""

    __slots__ = ("plan", "Wh", "bounds", "X", "gY")

    def __init__(self, pl, Wh, bounds, X):
        self.plan, self.Wh, self.bounds, self.X, self.gY = pl, Wh, bounds, X, None


def _pieces(x_shape, w_shape, g):
    N, C, H, W = x_shape
    return chunks(N, parallel_threads(N, _flops(N, C, w_shape[0], H, W, w_shape[2], w_shape[3], g)[0]))


def _cache(x_shape, w, g, cache):
    if cache is not None:
        return cache
    pl = plan(x_shape, w.shape, g, w.dtype)
    return Cache(pl, pl.kernel(w), _pieces(x_shape, w.shape, g), None)


def forward(x, w, g, bias=None, keep_input=True):
    """y = conv(x, w) (+ bias) for 4-D arrays; returns (y, Cache)."""
    N, O = x.shape[0], w.shape[0]
    c = _cache(x.shape, w, g, None)
    pl, Wh = c.plan, c.Wh
    res = xp.empty((N, O, pl.Ho, pl.Wo), x.dtype)

    if len(c.bounds) > 1:
        Xs = run_parallel(lambda lo, hi: pl.analysis(x[lo:hi]), c.bounds)
        PF = pl.P * pl.F
        Ys = [xp.empty((2, PF, hi - lo, O), x.dtype) for lo, hi in c.bounds]
        run_parallel(lambda a, b: _product_range(Xs, Wh, a, b, Ys), chunks(PF, len(c.bounds)))

        def synth(lo, hi):
            out = pl.synthesis(Ys[c.bounds.index((lo, hi))], res[lo:hi])
            if bias is not None:
                out += bias.reshape(1, O, 1, 1)
        run_parallel(synth, c.bounds)
        c.X = Xs if keep_input else None
        return res, c

    def job(lo, hi):
        X = pl.analysis(x[lo:hi])
        out = pl.synthesis(_spectral_product(X, Wh), res[lo:hi])
        if bias is not None:
            out += bias.reshape(1, O, 1, 1)
        return X if keep_input else None
    c.X = run_parallel(job, c.bounds)
    if not keep_input:
        c.X = None
    return res, c


def output_spectra(gy, cache):
    """gy's spectra per batch piece (shared by the input and the weight gradient)."""
    pl = cache.plan
    return run_parallel(lambda lo, hi: pl.synthesis_adj(gy[lo:hi]), cache.bounds)


def input_grad(gy, w, x_shape, g, cache=None):
    """dx = conv_transpose(gy, w) onto x_shape (the adjoint of forward in x)."""
    c = _cache(x_shape, w, g, cache)
    pl = c.plan
    res = xp.empty(x_shape, gy.dtype)
    index = {b: k for k, b in enumerate(c.bounds)}
    if len(c.bounds) > 1:
        gYs = c.gY if c.gY is not None else run_parallel(lambda lo, hi: pl.synthesis_adj(gy[lo:hi]), c.bounds)
        PF, C = pl.P * pl.F, x_shape[1]
        gXs = [xp.empty((2, PF, hi - lo, C), gy.dtype) for lo, hi in c.bounds]
        run_parallel(lambda a, b: _product_adj_range(gYs, c.Wh, a, b, gXs), chunks(PF, len(c.bounds)))
        run_parallel(lambda lo, hi: pl.analysis_adj(gXs[index[(lo, hi)]], res[lo:hi]), c.bounds)
        return res

    def job(lo, hi):
        gY = c.gY[index[(lo, hi)]] if c.gY is not None else pl.synthesis_adj(gy[lo:hi])
        pl.analysis_adj(_spectral_product_adj(gY, c.Wh), res[lo:hi])
    run_parallel(job, c.bounds)
    return res


def weight_grad(x, gy, w_shape, g, cache=None):
    """dw = sum over batch of conj(X)^T gY, taken back to the kernel's grid."""
    if cache is None:
        pl = plan(x.shape, w_shape, g, x.dtype)
        cache = Cache(pl, None, _pieces(x.shape, w_shape, g), None)
    c, pl = cache, cache.plan
    if len(c.bounds) > 1:
        Xs = c.X if c.X is not None else run_parallel(lambda lo, hi: pl.analysis(x[lo:hi]), c.bounds)
        gYs = c.gY if c.gY is not None else run_parallel(lambda lo, hi: pl.synthesis_adj(gy[lo:hi]), c.bounds)
        PF = pl.P * pl.F
        gW = xp.empty((2, PF, w_shape[1], w_shape[0]), x.dtype)
        run_parallel(lambda a, b: _wgrad_range(Xs, gYs, a, b, gW), chunks(PF, len(c.bounds)))
        return pl.kernel_adj_finish(pl.kernel_adj_part(gW), w_shape)
    X = c.X[0] if c.X is not None else pl.analysis(x)
    gY = c.gY[0] if c.gY is not None else pl.synthesis_adj(gy)
    return pl.kernel_adj(_spectral_wgrad(X, gY), w_shape)
