"""numtorch.vision.ops roi_align / roi_pool / nms against plain float64 references of torchvision's CPU kernels
(the compiled kernels do not load against this torch), torchvision's own pure-Python roi_align fallback where it
agrees with the kernel (boxes inside the image), and gradients by gradcheck."""
import math

import numpy as np
import pytest

import numtorch as nt
from numtorch.vision import ops
from conftest import torch, to_nt, import_torchvision


# ------------------------------------------------------------------------------------------ references
def ref_roi_align(x, rois, ph, pw, scale, sr, aligned):
    """torchvision's roi_align CPU kernel, written out one sample at a time in float64."""
    n, c, h, w = x.shape
    out = np.zeros((len(rois), c, ph, pw))
    for k, r in enumerate(rois):
        b = int(r[0])
        off = 0.5 if aligned else 0.0
        sw, sh, ew, eh = r[1] * scale - off, r[2] * scale - off, r[3] * scale - off, r[4] * scale - off
        rw, rh = ew - sw, eh - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = sr if sr > 0 else int(math.ceil(rh / ph))
        gw = sr if sr > 0 else int(math.ceil(rw / pw))
        count = max(gh * gw, 1)
        for i in range(ph):
            for j in range(pw):
                acc = np.zeros(c)
                for iy in range(gh):
                    y = sh + i * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        xx = sw + j * bw + (ix + 0.5) * bw / gw
                        if y < -1.0 or y > h or xx < -1.0 or xx > w:
                            continue
                        yy, xv = max(y, 0.0), max(xx, 0.0)
                        yl, xl = int(yy), int(xv)
                        if yl >= h - 1:
                            yl = yhi = h - 1
                            yy = float(yl)
                        else:
                            yhi = yl + 1
                        if xl >= w - 1:
                            xl = xhi = w - 1
                            xv = float(xl)
                        else:
                            xhi = xl + 1
                        ly, lx = yy - yl, xv - xl
                        acc += ((1 - ly) * (1 - lx) * x[b, :, yl, xl] + (1 - ly) * lx * x[b, :, yl, xhi]
                                + ly * (1 - lx) * x[b, :, yhi, xl] + ly * lx * x[b, :, yhi, xhi])
                out[k, :, i, j] = acc / count
    return out


def ref_roi_pool(x, rois, ph, pw, scale):
    """torchvision's roi_pool CPU kernel in plain Python (bins in float32 as the kernel computes them)."""
    n, c, h, w = x.shape
    out = np.zeros((len(rois), c, ph, pw))
    f = np.float32
    rnd = lambda v: int(math.copysign(math.floor(abs(v) + 0.5), v))  # noqa: E731  (C's round)
    for k, r in enumerate(rois):
        b = int(r[0])
        sw, sh = rnd(f(r[1]) * f(scale)), rnd(f(r[2]) * f(scale))
        ew, eh = rnd(f(r[3]) * f(scale)), rnd(f(r[4]) * f(scale))
        rw, rh = max(ew - sw + 1, 1), max(eh - sh + 1, 1)
        bh, bw = f(rh) / f(ph), f(rw) / f(pw)
        for i in range(ph):
            for j in range(pw):
                hs = min(max(int(math.floor(f(i) * bh)) + sh, 0), h)
                he = min(max(int(math.ceil(f(i + 1) * bh)) + sh, 0), h)
                ws = min(max(int(math.floor(f(j) * bw)) + sw, 0), w)
                we = min(max(int(math.ceil(f(j + 1) * bw)) + sw, 0), w)
                for ch in range(c):
                    if he <= hs or we <= ws:
                        out[k, ch, i, j] = 0
                        continue
                    out[k, ch, i, j] = x[b, ch, hs:he, ws:we].max()
    return out


def ref_nms(boxes, scores, thr):
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep, dead = [], set()
    for a, i in enumerate(order):
        if i in dead:
            continue
        keep.append(i)
        for j in order[a + 1:]:
            xx1, yy1 = max(boxes[i][0], boxes[j][0]), max(boxes[i][1], boxes[j][1])
            xx2, yy2 = min(boxes[i][2], boxes[j][2]), min(boxes[i][3], boxes[j][3])
            inter = max(0.0, xx2 - xx1) * max(0.0, yy2 - yy1)
            ai = (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1])
            aj = (boxes[j][2] - boxes[j][0]) * (boxes[j][3] - boxes[j][1])
            if inter / (ai + aj - inter) > thr:
                dead.add(j)
    return keep


def _rois(rng, k, n, size=12.0):
    xy = rng.uniform(-3, size + 3, (k, 2, 2))
    lo, hi = xy.min(1), xy.max(1)
    return np.concatenate([rng.integers(0, n, (k, 1)).astype(float), lo, hi], 1)


# ------------------------------------------------------------------------------------------ roi_align
@pytest.mark.parametrize("aligned,sr,scale", [(False, -1, 1.0), (False, 2, 0.7), (False, 0, 0.5), (True, -1, 0.7),
                                               (True, 1, 1.0), (True, 3, 0.5)])
def test_roi_align_matches_kernel_reference(aligned, sr, scale):
    rng = np.random.default_rng(int(scale * 10) + sr + 10 * aligned)
    x = rng.standard_normal((2, 3, 9, 11))
    rois = _rois(rng, 7, 2, size=12 / scale)
    rois = np.concatenate([rois, [[1, 5, 5, 2, 2], [0, 3, 3, 3, 3], [1, -8, -8, -4, -4]]], 0)  # reversed, empty
    want = ref_roi_align(x, rois, 3, 4, scale, sr, aligned)
    got = ops.roi_align(nt.tensor(x), nt.tensor(rois), (3, 4), scale, sr, aligned)
    assert got.dtype == nt.float64 and tuple(got.shape) == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)
    # float32 input: same values to float32 precision, dtype kept
    got32 = ops.roi_align(nt.tensor(x, dtype=nt.float32), nt.tensor(rois, dtype=nt.float32), (3, 4), scale, sr,
                          aligned)
    assert got32.dtype == nt.float32
    np.testing.assert_allclose(got32.numpy(), want, rtol=1e-4, atol=1e-5)


def test_roi_align_matches_torchvision_python_path_inside_image():
    """torchvision's pure-Python roi_align (used when its kernels are missing) agrees with the kernel for boxes
    inside the image: compare with it directly, list-of-boxes form included."""
    tv = import_torchvision()
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.standard_normal((2, 4, 10, 12)))
    b0 = torch.tensor([[1.0, 1.5, 6.2, 7.9], [0.0, 0.0, 9.0, 8.0]], dtype=torch.float64)
    b1 = torch.tensor([[2.2, 3.3, 4.4, 5.5]], dtype=torch.float64)
    for sr, aligned in [(-1, False), (2, False), (2, True), (-1, True)]:
        want = tv.ops.roi_align(x, [b0, b1], (2, 3), 1.0, sr, aligned)
        got = ops.roi_align(to_nt(x), [to_nt(b0), to_nt(b1)], (2, 3), 1.0, sr, aligned)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)
        m = ops.RoIAlign((2, 3), 1.0, sr, aligned)
        assert repr(m) == repr(tv.ops.RoIAlign((2, 3), 1.0, sr, aligned))
        np.testing.assert_allclose(m(to_nt(x), [to_nt(b0), to_nt(b1)]).numpy(), want.numpy(), rtol=1e-10)


def test_roi_align_gradcheck():
    rng = np.random.default_rng(1)
    x = nt.tensor(rng.standard_normal((2, 2, 6, 7)), requires_grad=True)
    rois = nt.tensor(_rois(rng, 5, 2, size=7.0))
    for sr, aligned in [(-1, False), (2, True)]:
        assert nt.autograd.gradcheck(lambda t: ops.roi_align(t, rois, 2, 0.9, sr, aligned), (x,))
    # the gradient is the transposed sampling: <grad, x> = <out, upstream> for this linear map
    g = rng.standard_normal((5, 2, 2, 2))
    out = ops.roi_align(x, rois, 2, 0.9, -1, False)
    (out * nt.tensor(g)).sum().backward()
    np.testing.assert_allclose((x.grad.numpy() * x.detach().numpy()).sum(), (out.detach().numpy() * g).sum(),
                               rtol=1e-10)


def test_roi_align_errors():
    x = nt.zeros(1, 1, 4, 4)
    with pytest.raises(AssertionError, match="Tensor\\[K, 5\\]"):
        ops.roi_align(x, nt.zeros(2, 4), 2)
    with pytest.raises(AssertionError, match="List\\[Tensor\\[L, 4\\]\\]"):
        ops.roi_align(x, [nt.zeros(2, 5)], 2)
    assert tuple(ops.roi_align(x, nt.zeros(0, 5), (2, 3)).shape) == (0, 1, 2, 3)


# ------------------------------------------------------------------------------------------ roi_pool
@pytest.mark.parametrize("scale", [1.0, 0.63])
def test_roi_pool_matches_kernel_reference(scale):
    rng = np.random.default_rng(int(scale * 100))
    x = rng.standard_normal((2, 3, 9, 11)).astype(np.float32)
    x[0, 0, 2:4, 2:4] = 5.0   # ties: the first position in row-major order wins the gradient
    rois = np.concatenate([_rois(rng, 8, 2, size=12 / scale), [[0, 2, 2, 5, 5], [1, 30, 30, 40, 40]]], 0)
    want = ref_roi_pool(x.astype(np.float64), rois, 3, 2, scale)
    xt = nt.tensor(x, requires_grad=True)
    got = ops.roi_pool(xt, nt.tensor(rois, dtype=nt.float32), (3, 2), scale)
    assert got.dtype == nt.float32
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=0, atol=0)
    got.sum().backward()
    # the gradient: one unit per bin at its first maximum (none for empty bins)
    g = np.zeros_like(x, dtype=np.float64)
    # rebuild the expected gradient from the reference bins
    f = np.float32
    rnd = lambda v: int(math.copysign(math.floor(abs(v) + 0.5), v))  # noqa: E731
    for k, r in enumerate(rois):
        b = int(r[0])
        sw, sh = rnd(f(r[1]) * f(scale)), rnd(f(r[2]) * f(scale))
        ew, eh = rnd(f(r[3]) * f(scale)), rnd(f(r[4]) * f(scale))
        bh, bw = f(max(eh - sh + 1, 1)) / f(3), f(max(ew - sw + 1, 1)) / f(2)
        for i in range(3):
            for j in range(2):
                hs = min(max(int(math.floor(f(i) * bh)) + sh, 0), 9)
                he = min(max(int(math.ceil(f(i + 1) * bh)) + sh, 0), 9)
                ws = min(max(int(math.floor(f(j) * bw)) + sw, 0), 11)
                we = min(max(int(math.ceil(f(j + 1) * bw)) + sw, 0), 11)
                if he <= hs or we <= ws:
                    continue
                for ch in range(3):
                    win = x[b, ch, hs:he, ws:we]
                    a = np.argmax(win)
                    g[b, ch, hs + a // win.shape[1], ws + a % win.shape[1]] += 1
    np.testing.assert_allclose(xt.grad.numpy(), g)


def test_roi_pool_gradcheck_and_module():
    tv = import_torchvision()
    rng = np.random.default_rng(5)
    x = nt.tensor(rng.standard_normal((1, 1, 6, 6)), requires_grad=True)
    rois = nt.tensor([[0, 0.0, 0.0, 4.0, 5.0], [0, 1.0, 2.0, 5.0, 5.0]], dtype=nt.float64)
    assert nt.autograd.gradcheck(lambda t: ops.roi_pool(t, rois, 2, 1.0), (x,))
    m = ops.RoIPool((2, 3), 0.5)
    assert repr(m) == repr(tv.ops.RoIPool((2, 3), 0.5))
    np.testing.assert_allclose(m(x, [rois[:, 1:]]).detach().numpy(),
                               ref_roi_pool(x.detach().numpy(), rois.numpy(), 2, 3, 0.5))


# ------------------------------------------------------------------------------------------ nms
@pytest.mark.parametrize("thr", [0.0, 0.5, 0.8])
def test_nms_matches_reference(thr):
    rng = np.random.default_rng(int(thr * 10))
    xy = rng.uniform(0, 50, (60, 2))
    wh = rng.uniform(1, 20, (60, 2))
    boxes = np.concatenate([xy, xy + wh], 1).astype(np.float32)
    scores = rng.permutation(60).astype(np.float32)
    got = ops.nms(nt.tensor(boxes), nt.tensor(scores), thr)
    assert got.dtype == nt.int64
    assert got.tolist() == ref_nms(boxes.astype(np.float64).tolist(), scores.tolist(), thr)


def test_batched_nms_per_category():
    tv = import_torchvision()
    rng = np.random.default_rng(7)
    for n in (40, 1200):   # the coordinate trick and the per-category path (> 4000 coordinates)
        xy = rng.uniform(0, 100, (n, 2))
        boxes = np.concatenate([xy, xy + rng.uniform(2, 30, (n, 2))], 1)
        scores = rng.permutation(n).astype(np.float64)
        idxs = rng.integers(0, 4, n)
        got = ops.batched_nms(nt.tensor(boxes), nt.tensor(scores), nt.tensor(idxs), 0.4)
        want = []
        for c in range(4):
            sel = np.flatnonzero(idxs == c)
            want += [int(sel[i]) for i in ref_nms(boxes[sel].tolist(), scores[sel].tolist(), 0.4)]
        want.sort(key=lambda i: -scores[i])
        assert got.tolist() == want
        # torchvision's batched_nms (pure Python) around our nms gives the same
        orig = tv.ops.boxes.nms
        tv.ops.boxes.nms = lambda b, s, t: torch.from_numpy(ops.nms(to_nt(b), to_nt(s), t).numpy())
        try:
            tvk = tv.ops.boxes.batched_nms(torch.from_numpy(boxes), torch.from_numpy(scores),
                                           torch.from_numpy(idxs), 0.4)
        finally:
            tv.ops.boxes.nms = orig
        assert got.tolist() == tvk.tolist()
    assert ops.batched_nms(nt.zeros(0, 4), nt.zeros(0), nt.zeros(0, dtype=nt.int64), 0.5).tolist() == []


def test_nms_errors():
    with pytest.raises(RuntimeError, match="4 elements in dimension 1"):
        ops.nms(nt.zeros(3, 5), nt.zeros(3), 0.5)
    with pytest.raises(RuntimeError, match="same number of elements in dimension 0, got 3 and 2"):
        ops.nms(nt.zeros(3, 4), nt.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 3D"):
        ops.nms(nt.zeros(1, 3, 4), nt.zeros(3), 0.5)
    with pytest.raises(RuntimeError, match="dets should have the same type as scores"):
        ops.nms(nt.zeros(3, 4), nt.zeros(3, dtype=nt.float64), 0.5)
    assert ops.nms(nt.zeros(0, 4), nt.zeros(0), 0.5).tolist() == []


# ------------------------------------------------------------------------------------------ position-sensitive
def ref_ps_roi_align(x, rois, ph, pw, scale, sr):
    """torchvision's ps_roi_align CPU kernel in plain Python (offset 0.5, no minimum size)."""
    n, c, h, w = x.shape
    cout = c // (ph * pw)
    out = np.zeros((len(rois), cout, ph, pw))
    for k, r in enumerate(rois):
        b = int(r[0])
        sw, sh, ew, eh = (r[i] * scale - 0.5 for i in range(1, 5))
        rw, rh = ew - sw, eh - sh
        bh, bw = rh / ph, rw / pw
        gh = sr if sr > 0 else int(math.ceil(rh / ph))
        gw = sr if sr > 0 else int(math.ceil(rw / pw))
        count = gh * gw
        for co in range(cout):
            for i in range(ph):
                for j in range(pw):
                    cin = (co * ph + i) * pw + j
                    acc = 0.0
                    for iy in range(gh):
                        y = i * bh + sh + (iy + 0.5) * bh / gh
                        for ix in range(gw):
                            xx = j * bw + sw + (ix + 0.5) * bw / gw
                            if not (-1.0 <= y <= h and -1.0 <= xx <= w):
                                continue
                            yy, xv = max(y, 0.0), max(xx, 0.0)
                            yl, xl = int(yy), int(xv)
                            if yl >= h - 1:
                                yl = yhi = h - 1
                                yy = float(yl)
                            else:
                                yhi = yl + 1
                            if xl >= w - 1:
                                xl = xhi = w - 1
                                xv = float(xl)
                            else:
                                xhi = xl + 1
                            ly, lx = yy - yl, xv - xl
                            v = x[b, cin]
                            acc += ((1 - ly) * (1 - lx) * v[yl, xl] + (1 - ly) * lx * v[yl, xhi]
                                    + ly * (1 - lx) * v[yhi, xl] + ly * lx * v[yhi, xhi])
                    out[k, co, i, j] = acc / count if count else float("nan")
    return out


def ref_ps_roi_pool(x, rois, ph, pw, scale):
    """torchvision's ps_roi_pool CPU forward kernel (bins clipped to [0, size - 1]) in plain Python."""
    n, c, h, w = x.shape
    cout = c // (ph * pw)
    out = np.zeros((len(rois), cout, ph, pw))
    rnd = lambda v: int(math.copysign(math.floor(abs(v) + 0.5), v))  # noqa: E731
    for k, r in enumerate(rois):
        b = int(r[0])
        sw, sh, ew, eh = (rnd(r[i] * scale) for i in range(1, 5))
        bh, bw = max(eh - sh, 1) / ph, max(ew - sw, 1) / pw
        for co in range(cout):
            for i in range(ph):
                for j in range(pw):
                    hs = min(max(int(math.floor(i * bh)) + sh, 0), h - 1)
                    he = min(max(int(math.ceil((i + 1) * bh)) + sh, 0), h - 1)
                    ws = min(max(int(math.floor(j * bw)) + sw, 0), w - 1)
                    we = min(max(int(math.ceil((j + 1) * bw)) + sw, 0), w - 1)
                    if he <= hs or we <= ws:
                        continue
                    out[k, co, i, j] = x[b, (co * ph + i) * pw + j, hs:he, ws:we].mean()
    return out


@pytest.mark.parametrize("sr,scale", [(-1, 1.0), (2, 0.6)])
def test_ps_roi_align_matches_kernel_reference(sr, scale):
    tv = import_torchvision()
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 2 * 6, 8, 9))
    rois = np.concatenate([_rois(rng, 6, 2, size=9 / scale), [[1, 2, 2, 3, 2.5]]], 0)
    got = ops.ps_roi_align(nt.tensor(x), nt.tensor(rois), (2, 3), scale, sr)
    np.testing.assert_allclose(got.numpy(), ref_ps_roi_align(x, rois, 2, 3, scale, sr), rtol=1e-10, atol=1e-12)
    xt = nt.tensor(x[:1, :, :5, :5], requires_grad=True)
    assert nt.autograd.gradcheck(lambda t: ops.ps_roi_align(t, nt.tensor(rois[:3] * [0, 0.5, 0.5, 0.5, 0.5]), (2, 3),
                                                             1.0, sr), (xt,))
    assert repr(ops.PSRoIAlign((2, 3), scale, sr)) == repr(tv.ops.PSRoIAlign((2, 3), scale, sr))
    with pytest.raises(RuntimeError, match="multiple of pooling height"):
        ops.ps_roi_align(nt.zeros(1, 5, 4, 4), nt.zeros(1, 5), 2)


@pytest.mark.parametrize("scale", [1.0, 0.6])
def test_ps_roi_pool_matches_kernel_reference(scale):
    tv = import_torchvision()
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 3 * 4, 8, 9))
    rois = np.concatenate([_rois(rng, 6, 2, size=9 / scale), [[0, 7, 7, 30, 30]]], 0)
    got = ops.ps_roi_pool(nt.tensor(x), nt.tensor(rois), 2, scale)
    np.testing.assert_allclose(got.numpy(), ref_ps_roi_pool(x, rois, 2, 2, scale), rtol=1e-10, atol=1e-12)
    xt = nt.tensor(x[:, :, :5, :5], requires_grad=True)
    assert nt.autograd.gradcheck(lambda t: ops.ps_roi_pool(t, nt.tensor(rois[:3] * [1, .5, .5, .5, .5]), 2, 1.0),
                                 (xt,))
    m = ops.PSRoIPool(2, scale)
    assert repr(m) == repr(tv.ops.PSRoIPool(2, scale))
    np.testing.assert_allclose(m(nt.tensor(x), nt.tensor(rois)).numpy(), got.numpy())
