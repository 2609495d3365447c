"""Bounding-box and keypoint kernels of ``transforms.v2.functional`` on NumPy arrays.

Boxes are transformed through their corners: axis-aligned formats go to XYXY, the four corners are mapped, and
the result is the corners' min/max; rotated formats go to XYXYXYXY, the mapped parallelogram is turned back into
a rectangle keeping its longest diagonal. Arithmetic runs in the boxes' own float dtype (integer boxes in
float32, truncated back), as torchvision's does, so results agree to float rounding."""
import math

from ...._backend import xp as _xp
from ...._tensor import Tensor as _Tensor, _make
from ... import tv_tensors as _tvt
from ..functional import _get_inverse_affine_matrix, _compute_resized_output_size, _get_perspective_coeffs

BBF = _tvt.BoundingBoxFormat


def _fmt(format):
    return BBF[format.upper()] if isinstance(format, str) else format


def _is_float(a):
    return a.dtype.kind == "f"


def _f32(a):
    """Floating copy: float boxes keep their dtype, integer ones go to float32 (torchvision's ``.float()``)."""
    return a.astype(a.dtype if _is_float(a) else _xp.float32, copy=True)


def _back(a, dtype):
    return a.astype(dtype, copy=False) if a.dtype != dtype else a


def _arr(t):
    return t._data if isinstance(t, _Tensor) else _xp.asarray(t)


def _mm3(p, m):
    """``p @ m`` for ``p`` ``[N, 3]``: summed left to right without fused multiply-adds, the order torch's CPU
    matmul uses for these shapes (so float32 results, and integer boxes truncated from them, agree bit for bit)."""
    return (p[:, 0:1] * m[0] + p[:, 1:2] * m[1]) + p[:, 2:3] * m[2]


def _t(a):
    return _make(_xp.ascontiguousarray(a))


# --------------------------------------------------------------------------- format conversion
def _xywh_to_xyxy(a):
    a = a.copy()
    a[..., 2:] += a[..., :2]
    return a


def _xyxy_to_xywh(a):
    a = a.copy()
    a[..., 2:] -= a[..., :2]
    return a


def _xywh_to_cxcywh(a):
    a = a.copy()
    a[..., :2] += a[..., 2:] / a.dtype.type(2) if _is_float(a) else a[..., 2:] // 2
    return a


def _cxcywh_to_xywh(a):
    dtype = a.dtype
    f = _f32(a)
    f[..., :2] -= f[..., 2:] / f.dtype.type(2)
    if _is_float(a):
        return f
    x2y2 = (f[..., :2] + f[..., 2:]).astype(dtype)
    out = f.astype(dtype)
    out[..., 2:] = x2y2 - out[..., :2]
    return out


def _cxcywh_to_xyxy(a):
    f = _f32(a)
    f[..., :2] -= f[..., 2:] / f.dtype.type(2)
    f[..., 2:] += f[..., :2]
    return _back(f, a.dtype)


def _xyxy_to_cxcywh(a):
    a = a.copy()
    a[..., 2:] -= a[..., :2]
    if _is_float(a):
        a[..., :2] = (a[..., :2] * a.dtype.type(2) + a[..., 2:]) / a.dtype.type(2)
    else:
        a[..., :2] = (a[..., :2] * 2 + a[..., 2:]) // 2
    return a


def _rad(deg):
    return deg * deg.dtype.type(math.pi) / deg.dtype.type(180.0)


def _cxcywhr_to_xywhr(a):
    a = a.copy()
    half = _xp.abs(a[..., 2:4] / a.dtype.type(-2)) if _is_float(a) else _xp.abs(a[..., 2:4] // -2)
    r = _rad(a[..., 4])
    cos, sin = _xp.cos(r), _xp.sin(r)
    a[..., 0] = a[..., 0] - half[..., 0] * cos - half[..., 1] * sin
    a[..., 1] = a[..., 1] + half[..., 0] * sin - half[..., 1] * cos
    return a


def _xywhr_to_cxcywhr(a):
    a = a.copy()
    half = _xp.abs(a[..., 2:4] / a.dtype.type(-2)) if _is_float(a) else _xp.abs(a[..., 2:4] // -2)
    r = _rad(a[..., 4])
    cos, sin = _xp.cos(r), _xp.sin(r)
    a[..., 0] = a[..., 0] + half[..., 0] * cos + half[..., 1] * sin
    a[..., 1] = a[..., 1] - half[..., 0] * sin + half[..., 1] * cos
    return a


def _xywhr_to_xyxyxyxy(a):
    w, h = a[..., 2], a[..., 3]
    r = _rad(a[..., 4])
    cos, sin = _xp.cos(r), _xp.sin(r)
    out = _xp.tile(a[..., :2], (1,) * (a.ndim - 1) + (4,))
    out[..., 2] += w * cos
    out[..., 3] -= w * sin
    out[..., 4] += w * cos + h * sin
    out[..., 5] -= w * sin - h * cos
    out[..., 6] += h * sin
    out[..., 7] += h * cos
    return out


def _xyxyxyxy_to_xywhr(a):
    dtype = a.dtype
    f = a.astype(_xp.float32) if dtype not in (_xp.float32, _xp.float64) else a.copy()
    r = _xp.arctan2(f[..., 1] - f[..., 3], f[..., 2] - f[..., 0])
    d34 = f[..., 4:6] - f[..., 2:4]
    d12 = f[..., 2:4] - f[..., :2]
    out = f[..., :5].copy()
    out[..., 2] = _xp.sqrt(d12[..., 0] ** 2 + d12[..., 1] ** 2)
    out[..., 3] = _xp.sqrt(d34[..., 0] ** 2 + d34[..., 1] ** 2)
    out[..., 4] = r / f.dtype.type(math.pi) * f.dtype.type(180.0)
    return _back(out, dtype)


def _convert(a, old, new):
    """``a`` (``[..., K]``) from format ``old`` to ``new`` (a new array)."""
    old, new = _fmt(old), _fmt(new)
    if old == new:
        return a.copy()
    if _tvt.is_rotated_bounding_format(old) ^ _tvt.is_rotated_bounding_format(new):
        raise ValueError("Cannot convert between rotated and unrotated bounding boxes.")
    if old == BBF.XYWH and new == BBF.CXCYWH:
        return _xywh_to_cxcywh(a)
    if old == BBF.CXCYWH and new == BBF.XYWH:
        return _cxcywh_to_xywh(a)
    to_base = {BBF.XYWH: _xywh_to_xyxy, BBF.CXCYWH: _cxcywh_to_xyxy, BBF.CXCYWHR: _cxcywhr_to_xywhr,
               BBF.XYXYXYXY: _xyxyxyxy_to_xywhr}
    from_base = {BBF.XYWH: _xyxy_to_xywh, BBF.CXCYWH: _xyxy_to_cxcywh, BBF.CXCYWHR: _xywhr_to_cxcywhr,
                 BBF.XYXYXYXY: _xywhr_to_xyxyxyxy}
    if old in to_base:
        a = to_base[old](a)
    if new in from_base:
        a = from_base[new](a)
    return a


def _width(format):
    format = _fmt(format)
    return 8 if format == BBF.XYXYXYXY else 5 if _tvt.is_rotated_bounding_format(format) else 4


# --------------------------------------------------------------------------- clamping
def _clamp(a, format, canvas_size, clamping_mode):
    """Axis-aligned boxes clamped to ``[0, W] x [0, H]`` (both modes clamp them alike)."""
    if clamping_mode is None:
        return a.copy()
    if _tvt.is_rotated_bounding_format(format):
        return _clamp_rotated(a, format, canvas_size, clamping_mode)
    f = _convert(_f32(a), format, BBF.XYXY)
    f[..., 0::2] = _xp.clip(f[..., 0::2], 0, canvas_size[1])
    f[..., 1::2] = _xp.clip(f[..., 1::2], 0, canvas_size[0])
    return _back(_convert(f, BBF.XYXY, format), a.dtype)


def _order_points(b, indices=None):
    """Corners rolled so that the first is the leftmost (ties: the topmost), or by the given ``indices``."""
    if indices is None:
        x, y = b[:, 0::2], b[:, 1::2]
        y_max = _xp.abs(y).max(1, keepdims=True)
        x_max = _xp.abs(x).max(1, keepdims=True)
        with _xp.errstate(divide="ignore", invalid="ignore"):
            first = _xp.argmin(y / y_max + (x / x_max) * b.dtype.type(100), axis=1)
        indices = (first[:, None] * 2 + _xp.arange(8)) % 8
    return indices, _xp.take_along_axis(b, indices, 1)


def _slope_intercept(b):
    x, y = b[:, 0::2], b[:, 1::2]
    with _xp.errstate(divide="ignore", invalid="ignore"):
        a = (_xp.roll(y, -1, 1) - y) / (_xp.roll(x, -1, 1) - x)
        return a, y - a * x


def _intersections(a, b):
    """Corner i where edge i - 1 meets edge i (lines ``y = a x + b``)."""
    with _xp.errstate(divide="ignore", invalid="ignore"):
        x = -(b - _xp.roll(b, 1, 1)) / (a - _xp.roll(a, 1, 1))
        y = a * x + b
    return _xp.stack([x, y], -1).reshape(-1, 8)


def _clamp_intercepts(b, orig, canvas_size, clamping_mode):
    """The edges' intercepts moved inside the canvas along y = 0 ... H (``"hard"``: the largest box with the
    same angles inside both the box and the canvas; ``"soft"``: the smallest one around their intersection)."""
    a, bb = _slope_intercept(b)
    a1, a2, a3, a4 = a.T
    b1, b2, b3, b4 = bb.T
    _, bm = _slope_intercept(orig)
    b1m, b2m, b3m, b4m = bm.T
    h, w = canvas_size

    def clamp(v, lo, hi):
        return _xp.minimum(_xp.maximum(v, lo), hi)
    with _xp.errstate(divide="ignore", invalid="ignore"):
        n1 = clamp(clamp(b2, b1, b3), 0, h)
        n4 = clamp(clamp(b3, b2, b4), 0, h)
        b1, b4 = n1, n4
        if clamping_mode == "hard":
            b1 = b4 = (b1 + b4) / b.dtype.type(2)
            c2 = _xp.stack([b1 * a2 / a1, b3 * a2 / a3, (a1 - a2) * w + b1, (a3 - a2) * w + b3], 1)
            b2 = _xp.minimum(c2.max(1), b2)
            c3 = _xp.stack([h * (1 - a3 / a4) + b4 * a3 / a4, h * (1 - a3 / a2) + b2 * a3 / a2,
                            (a2 - a3) * w + b2, (a4 - a3) * w + b4], 1)
            b3 = _xp.maximum(c3.min(1), b3)
            # torchvision clamps its one shared tensor for the first and fourth intercepts twice
            b1 = b4 = clamp(clamp(b1, b1m, b3m), b2m, b4m)
        else:
            b1 = clamp(b1, b1m, b3m)
            b4 = clamp(b4, b2m, b4m)
        b3 = clamp(b3, b1m, b3m)
        b2 = clamp(b2, b2m, b4m)
    return _xp.stack([b1, b2, b3, b4], -1)


def _isclose(p, q):
    return _xp.abs(p - q) <= 1e-8 + 1e-5 * _xp.abs(q)


def _clamp_along_y(b, orig, canvas_size, clamping_mode):
    a, _ = _slope_intercept(b)
    x1, y1, x2, y2, x3, y3, x4, y4 = b.T
    case_a = _intersections(a, _clamp_intercepts(b, orig, canvas_size, clamping_mode))
    case_b = b.copy()
    case_b[:, 0] = _xp.maximum(case_b[:, 0], 0)
    case_b[:, 6] = _xp.maximum(case_b[:, 6], 0)
    cond_a = (x1 < 0) & ~_xp.isnan(case_a).any(-1)
    cond_b = _isclose(y1, y2) | _isclose(y3, y4)
    cond_c = (x1 <= 0) & (x2 <= 0) & (x3 <= 0) & (x4 <= 0)
    cond_c = cond_c | _isclose(y1, y4) | _isclose(y2, y3) | (cond_b & _isclose(x1, x2))
    out = _xp.where(cond_a[:, None], case_a, b)
    out = _xp.where(cond_b[:, None], case_b, out)
    return _xp.where(cond_c[:, None], b.dtype.type(0), out)


def _clamp_rotated(a, format, canvas_size, clamping_mode):
    """Rotated boxes clamped one canvas side at a time: the box is turned by 90 degrees four times, each time
    its corners are re-ordered from the leftmost one and its edges clipped against the left side."""
    if clamping_mode is None:
        return a.copy()
    out = _convert(a, format, BBF.XYXYXYXY).reshape(-1, 8)
    orig = out.copy()
    canvas_size = tuple(canvas_size)
    for _ in range(4):
        idx, out = _order_points(out)
        _, orig = _order_points(orig, idx)
        out = _clamp_along_y(out, orig, canvas_size, clamping_mode)
        _, out = _order_points(out, idx)
        _, orig = _order_points(orig, idx)
        for box in (out, orig):
            xs, ys = box[:, 0::2].copy(), box[:, 1::2].copy()
            box[:, 0::2] = ys
            box[:, 1::2] = canvas_size[1] - xs
        canvas_size = (canvas_size[1], canvas_size[0])
    return _convert(out, BBF.XYXYXYXY, format).reshape(a.shape)


def _clamp_keypoints(a, canvas_size):
    f = _f32(a)
    f[..., 0] = _xp.clip(f[..., 0], 0, canvas_size[1] - 1)
    f[..., 1] = _xp.clip(f[..., 1], 0, canvas_size[0] - 1)
    return _back(f, a.dtype)


def _parallelogram_to_boxes(p):
    """The rectangle (XYXYXYXY) that keeps the parallelogram's longest diagonal and its centre."""
    dtype = p.dtype
    if dtype not in (_xp.float32, _xp.float64):
        p = p.astype(_xp.float32)
    x1, y1, x2, y2, x3, y3, x4, y4 = (p[..., i] for i in range(8))
    ft = p.dtype.type
    cx, cy = (x1 + x3) / ft(2), (y1 + y3) / ft(2)
    wp = _xp.sqrt((x2 - x1) ** 2 + (y2 - y1) ** 2)
    hp = _xp.sqrt((x4 - x1) ** 2 + (y4 - y1) ** 2)
    r12 = _xp.arctan2(y1 - y2, x2 - x1)
    r14 = _xp.arctan2(y1 - y4, x4 - x1)
    r = r12 - r14
    sign = _xp.where(r > ft(math.pi / 2), ft(-1), ft(1))
    cos, sin = _xp.cos(r), _xp.sin(r)
    w = _xp.where(wp < hp, wp * sin, wp + hp * cos * sign)
    h = _xp.where(wp > hp, hp * sin, hp + wp * cos * sign)
    r = _xp.where(hp > wp, r14 + ft(math.pi / 2), r12)
    cos, sin = _xp.cos(r), _xp.sin(r)
    hw, hh = w / ft(2), h / ft(2)
    out = _xp.stack((cx - hw * cos - hh * sin, cy - hh * cos + hw * sin,
                     cx + hw * cos - hh * sin, cy - hh * cos - hw * sin,
                     cx + hw * cos + hh * sin, cy + hh * cos - hw * sin,
                     cx - hw * cos + hh * sin, cy + hh * cos + hw * sin), axis=-1)
    return _back(out, dtype)


# --------------------------------------------------------------------------- flips
def horizontal_flip_keypoints(a, canvas_size):
    a = a.copy()
    a[..., 0] = -(a[..., 0] - (canvas_size[1] - 1))
    return a


def vertical_flip_keypoints(a, canvas_size):
    a = a.copy()
    a[..., 1] = -(a[..., 1] - (canvas_size[0] - 1))
    return a


def _flip_boxes(a, format, canvas_size, axis):
    format = _fmt(format)
    shape = a.shape
    b = a.reshape(-1, _width(format)).copy()
    size = canvas_size[1] if axis == 0 else canvas_size[0]
    x, y = (0, 1) if axis == 0 else (1, 0)
    if format == BBF.XYXY:
        b[:, [x + 2, x]] = -(b[:, [x, x + 2]] - size)
    elif format == BBF.XYWH:
        b[:, x] = -(b[:, x] + b[:, x + 2] - size)
    elif format == BBF.CXCYWH:
        b[:, x] = -(b[:, x] - size)
    elif format == BBF.XYXYXYXY:
        b[:, x::2] = -(b[:, x::2] - size)
        b = b[:, [2, 3, 0, 1, 6, 7, 4, 5]]
    elif format == BBF.XYWHR:
        r = _rad(b[:, 4])
        if axis == 0:
            b[:, 0] = -(b[:, 0] + b[:, 2] * _xp.cos(r) - size)
            b[:, 1] = b[:, 1] - b[:, 2] * _xp.sin(r)
            b[:, 4] = -b[:, 4]
        else:
            b[:, 1] = -(b[:, 1] - b[:, 2] * _xp.sin(r) - size)
            b[:, 0] = b[:, 0] + b[:, 2] * _xp.cos(r)
            b[:, 4] = -b[:, 4] + 180
    else:
        b[:, x] = -(b[:, x] - size)
        b[:, 4] = -b[:, 4] + (0 if axis == 0 else 180)
    return b.reshape(shape)


def horizontal_flip_bounding_boxes(a, format, canvas_size):
    return _flip_boxes(a, format, canvas_size, 0)


def vertical_flip_bounding_boxes(a, format, canvas_size):
    return _flip_boxes(a, format, canvas_size, 1)


# --------------------------------------------------------------------------- resize / crop / pad
def resize_keypoints(a, size, canvas_size, max_size=None):
    old_h, old_w = canvas_size
    new_h, new_w = _compute_resized_output_size(canvas_size, size, max_size, allow_size_none=True)
    if (new_h, new_w) == (old_h, old_w):
        return a, canvas_size
    ratios = _xp.array([new_w / old_w, new_h / old_h], _xp.float32)
    f = a.astype(_xp.float32) if not _is_float(a) else a
    return _back(f * ratios.astype(f.dtype), a.dtype), (new_h, new_w)


def resize_bounding_boxes(a, canvas_size, size, max_size=None, format=BBF.XYXY, clamping_mode="soft"):
    format = _fmt(format)
    old_h, old_w = canvas_size
    new_h, new_w = _compute_resized_output_size(canvas_size, size, max_size, allow_size_none=True)
    if (new_h, new_w) == (old_h, old_w):
        return a, canvas_size
    wr, hr = new_w / old_w, new_h / old_h
    f = a.astype(_xp.float32) if not _is_float(a) else a
    if _tvt.is_rotated_bounding_format(format):
        pts = _convert(a, format, BBF.XYXYXYXY).reshape(-1, 8)
        ratios = _xp.array([wr, hr] * 4, _xp.float32)
        pts = pts.astype(_xp.float32) if not _is_float(pts) else pts
        out = _parallelogram_to_boxes(pts * ratios.astype(pts.dtype))
        out = _clamp(out, BBF.XYXYXYXY, (new_h, new_w), clamping_mode)
        return _back(_convert(out, BBF.XYXYXYXY, format), a.dtype).reshape(a.shape), (new_h, new_w)
    ratios = _xp.array([wr, hr, wr, hr], _xp.float32).astype(f.dtype)
    return _back(f * ratios, a.dtype), (new_h, new_w)


def _shift(format, dx, dy):
    format = _fmt(format)
    if format == BBF.XYXYXYXY:
        return [dx, dy] * 4
    if format in (BBF.XYWHR, BBF.CXCYWHR):
        return [dx, dy, 0, 0, 0]
    if format == BBF.XYXY:
        return [dx, dy, dx, dy]
    return [dx, dy, 0, 0]


def crop_keypoints(a, top, left, height, width):
    return a - _xp.array([left, top], a.dtype), (height, width)


def crop_bounding_boxes(a, format, top, left, height, width, clamping_mode="soft"):
    format = _fmt(format)
    out = a - _xp.array(_shift(format, left, top), a.dtype)
    if format == BBF.XYXYXYXY:
        out = _parallelogram_to_boxes(out)
    return _clamp(out, format, (height, width), clamping_mode), (height, width)


def _parse_pad_padding(padding):
    if isinstance(padding, int):
        return [padding] * 4
    if isinstance(padding, (tuple, list)):
        if len(padding) == 1:
            return [padding[0]] * 4
        if len(padding) == 2:
            return [padding[0], padding[0], padding[1], padding[1]]
        if len(padding) == 4:
            return [padding[0], padding[2], padding[1], padding[3]]
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple or list. Found {len(padding)}")
    raise TypeError(f"`padding` should be an integer or tuple or list of integers, but got {padding}")


def pad_keypoints(a, canvas_size, padding, padding_mode="constant"):
    if padding_mode not in ["constant"]:
        raise ValueError(f"Padding mode '{padding_mode}' is not supported with KeyPoints (supported modes are "
                         f"constant)")
    left, right, top, bottom = _parse_pad_padding(padding)
    out = a + _xp.array([left, top], a.dtype)
    return out, (canvas_size[0] + top + bottom, canvas_size[1] + left + right)


def pad_bounding_boxes(a, format, canvas_size, padding, padding_mode="constant", clamping_mode="soft"):
    if padding_mode not in ["constant"]:
        raise ValueError(f"Padding mode '{padding_mode}' is not supported with bounding boxes")
    left, right, top, bottom = _parse_pad_padding(padding)
    out = a + _xp.array(_shift(format, left, top), a.dtype)
    canvas_size = (canvas_size[0] + top + bottom, canvas_size[1] + left + right)
    return _clamp(out, format, canvas_size, clamping_mode), canvas_size


def _center_crop_size(output_size):
    if isinstance(output_size, (int, float)):
        return [int(output_size)] * 2
    if isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        return [output_size[0], output_size[0]]
    return list(output_size)


def _center_crop_anchor(ch, cw, h, w):
    return int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))


def center_crop_keypoints(a, canvas_size, output_size):
    ch, cw = _center_crop_size(output_size)
    top, left = _center_crop_anchor(ch, cw, *canvas_size)
    return crop_keypoints(a, top, left, ch, cw)


def center_crop_bounding_boxes(a, format, canvas_size, output_size, clamping_mode="soft"):
    ch, cw = _center_crop_size(output_size)
    top, left = _center_crop_anchor(ch, cw, *canvas_size)
    return crop_bounding_boxes(a, format, top, left, ch, cw, clamping_mode)


def resized_crop_keypoints(a, top, left, height, width, size):
    a, canvas_size = crop_keypoints(a, top, left, height, width)
    return resize_keypoints(a, size, canvas_size)


def resized_crop_bounding_boxes(a, format, top, left, height, width, size, clamping_mode="soft"):
    a, canvas_size = crop_bounding_boxes(a, format, top, left, height, width, clamping_mode)
    return resize_bounding_boxes(a, canvas_size, size, format=format, clamping_mode=clamping_mode)


# --------------------------------------------------------------------------- affine / perspective / elastic
def _affine_parse_args(angle, translate, scale, shear, center):
    import numbers
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None:
        if not isinstance(center, (list, tuple)):
            raise TypeError("Argument center should be a sequence")
        center = [float(c) for c in center]
    return float(angle), list(translate), shear, center


def _affine_output_size(matrix, w, h):
    """Width and height of the canvas holding the whole warped image (as the image kernels' ``expand``)."""
    hw, hh = 0.5 * w, 0.5 * h
    pts = _xp.array([[-hw, -hh, 1.0], [-hw, hh, 1.0], [hw, hh, 1.0], [hw, -hh, 1.0]], _xp.float32)
    theta = _xp.array(matrix, _xp.float32).reshape(2, 3)
    new = _mm3(pts, theta.T)
    halfs = _xp.array([hw, hh], _xp.float32)
    lo, hi = new.min(0) + halfs, new.max(0) + halfs
    tol = _xp.float32(1e-4)
    inv = _xp.float32(1.0 / 1e-4)
    cmax = _xp.ceil(_xp.trunc(hi * inv) * tol)
    cmin = _xp.floor(_xp.trunc(lo * inv) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _affine_points(points, canvas_size, angle, translate, scale, shear, center, expand):
    """(mapped points ``[N, 2]``, the expand shift or None, new canvas size)."""
    angle, translate, shear, center = _affine_parse_args(angle, translate, scale, shear, center)
    height, width = canvas_size
    if center is None:
        center = [width * 0.5, height * 0.5]
    m = _xp.array(_get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=False),
                  points.dtype).reshape(2, 3).T
    ones = _xp.ones((points.shape[0], 1), points.dtype)
    out = _mm3(_xp.concatenate([points, ones], -1), m)
    shift = None
    if expand:
        corners = _xp.array([[0.0, 0.0, 1.0], [0.0, float(height), 1.0], [float(width), float(height), 1.0],
                             [float(width), 0.0, 1.0]], points.dtype)
        shift = _mm3(corners, m).min(0, keepdims=True)
        inv = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        new_w, new_h = _affine_output_size(inv, width, height)
        canvas_size = (new_h, new_w)
    return out, shift, canvas_size


def _affine_keypoints(a, canvas_size, angle, translate, scale, shear, center=None, expand=False):
    if a.size == 0:
        return a, canvas_size
    f = _f32(a)
    out, shift, canvas_size = _affine_points(f.reshape(-1, 2), canvas_size, angle, translate, scale, shear,
                                             center, expand)
    if shift is not None:
        out = out - shift
    return _back(out.reshape(a.shape), a.dtype), canvas_size


def _corners(b, rotated):
    return b.reshape(-1, 2) if rotated else b[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)


def _from_corners(pts, rotated):
    if rotated:
        return _parallelogram_to_boxes(pts.reshape(-1, 8))
    pts = pts.reshape(-1, 4, 2)
    return _xp.concatenate([pts.min(1), pts.max(1)], 1)


def _affine_boxes(a, format, canvas_size, angle, translate, scale, shear, center=None, expand=False,
                  clamping_mode="soft"):
    format = _fmt(format)
    if a.size == 0:
        return a, canvas_size
    rotated = _tvt.is_rotated_bounding_format(format)
    mid = BBF.XYXYXYXY if rotated else BBF.XYXY
    b = _convert(_f32(a), format, mid).reshape(-1, 8 if rotated else 4)
    pts, shift, canvas_size = _affine_points(_corners(b, rotated), canvas_size, angle, translate, scale, shear,
                                             center, expand)
    out = _from_corners(pts, rotated)
    if shift is not None:
        out = out - _xp.tile(shift, (1, 4 if rotated else 2))
    out = _clamp(out, mid, canvas_size, clamping_mode)
    out = _convert(out, mid, format).reshape(a.shape)
    return _back(out, a.dtype), canvas_size


def affine_keypoints(a, canvas_size, angle, translate, scale, shear, center=None):
    return _affine_keypoints(a, canvas_size, angle, translate, scale, shear, center, False)


def affine_bounding_boxes(a, format, canvas_size, angle, translate, scale, shear, center=None, clamping_mode="soft"):
    return _affine_boxes(a, format, canvas_size, angle, translate, scale, shear, center, False, clamping_mode)[0]


def rotate_keypoints(a, canvas_size, angle, expand=False, center=None):
    return _affine_keypoints(a, canvas_size, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center, expand)


def rotate_bounding_boxes(a, format, canvas_size, angle, expand=False, center=None, clamping_mode="soft"):
    return _affine_boxes(a, format, canvas_size, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center, expand, clamping_mode)


def _perspective_coefficients(startpoints, endpoints, coefficients):
    if coefficients is not None:
        if startpoints is not None and endpoints is not None:
            raise ValueError("The startpoints/endpoints and the coefficients shouldn't be defined concurrently.")
        if len(coefficients) != 8:
            raise ValueError("Argument coefficients should have 8 float values")
        return coefficients
    if startpoints is not None and endpoints is not None:
        return _get_perspective_coeffs(startpoints, endpoints)
    raise ValueError("Either the startpoints/endpoints or the coefficients must have non `None` values.")


def _perspective_points(points, coeffs, what):
    """Map points through the inverse of the output -> input homography ``coeffs``."""
    c = coeffs
    denom = c[0] * c[4] - c[1] * c[3]
    if denom == 0:
        raise RuntimeError(f"Provided perspective_coeffs {coeffs} can not be inverted to transform {what}. "
                           f"Denominator is zero, denom={denom}")
    inv = [(c[4] - c[5] * c[7]) / denom, (-c[1] + c[2] * c[7]) / denom, (c[1] * c[5] - c[2] * c[4]) / denom,
           (-c[3] + c[5] * c[6]) / denom, (c[0] - c[2] * c[6]) / denom, (-c[0] * c[5] + c[2] * c[3]) / denom,
           (-c[4] * c[6] + c[3] * c[7]) / denom, (-c[0] * c[7] + c[1] * c[6]) / denom]
    dt = points.dtype
    theta1 = _xp.array([[inv[0], inv[1], inv[2]], [inv[3], inv[4], inv[5]]], dt)
    theta2 = _xp.array([[inv[6], inv[7], 1.0], [inv[6], inv[7], 1.0]], dt)
    p = _xp.concatenate([points, _xp.ones((points.shape[0], 1), dt)], -1)
    return _mm3(p, theta1.T) / _mm3(p, theta2.T)


def perspective_keypoints(a, canvas_size, startpoints, endpoints, coefficients=None):
    if a.size == 0:
        return a
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    out = _perspective_points(_f32(a).reshape(-1, 2), coeffs, "keypoints")
    return _back(out, a.dtype).reshape(a.shape)


def perspective_bounding_boxes(a, format, canvas_size, startpoints, endpoints, coefficients=None,
                               clamping_mode="soft"):
    format = _fmt(format)
    if a.size == 0:
        return a
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    rotated = _tvt.is_rotated_bounding_format(format)
    mid = BBF.XYXYXYXY if rotated else BBF.XYXY
    b = _convert(a, format, mid).reshape(-1, 8 if rotated else 4)
    out = _from_corners(_perspective_points(_f32(_corners(b, rotated)), coeffs, "bounding boxes"), rotated)
    out = _clamp(out, mid, canvas_size, clamping_mode)
    return _back(_convert(out, mid, format).reshape(a.shape), a.dtype)


def _inverse_grid_points(points, canvas_size, displacement, dtype):
    """Points moved by the approximate inverse of the elastic grid, ``id_grid - displacement``, sampled at
    their (truncated, clamped) pixel, back in pixel units."""
    disp = _arr(displacement).astype(dtype, copy=False)
    h, w = canvas_size
    xs = _xp.linspace((-w + 1) / w, (w - 1) / w, w, dtype=dtype)
    ys = _xp.linspace((-h + 1) / h, (h - 1) / h, h, dtype=dtype)
    idx = points.astype(_xp.int64)
    ix = _xp.clip(idx[:, 0], 0, w - 1)
    iy = _xp.clip(idx[:, 1], 0, h - 1)
    g = _xp.stack([xs[ix], ys[iy]], -1) - disp[0, iy, ix, :]
    size = _xp.array([w, h], dtype)
    return (g + dtype.type(1)) * (dtype.type(0.5) * size) - dtype.type(0.5)


def _check_displacement(displacement, canvas_size):
    expected = (1, canvas_size[0], canvas_size[1], 2)
    if not isinstance(displacement, _Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    if tuple(displacement.shape) != expected:
        raise ValueError(f"Argument displacement shape should be {expected}, but given {displacement.shape}")


def elastic_keypoints(a, canvas_size, displacement):
    _check_displacement(displacement, canvas_size)
    if a.size == 0:
        return a
    dtype = a.dtype if _is_float(a) else _xp.dtype(_xp.float32)
    out = _inverse_grid_points(a.reshape(-1, 2), canvas_size, displacement, dtype)
    return _back(out, a.dtype).reshape(a.shape)


def elastic_bounding_boxes(a, format, canvas_size, displacement, clamping_mode="soft"):
    format = _fmt(format)
    _check_displacement(displacement, canvas_size)
    if a.size == 0:
        return a
    dtype = a.dtype if _is_float(a) else _xp.dtype(_xp.float32)
    rotated = _tvt.is_rotated_bounding_format(format)
    mid = BBF.CXCYWHR if rotated else BBF.XYXY
    b = _convert(a, format, mid).reshape(-1, 5 if rotated else 4)
    pts = b[:, :2] if rotated else b[:, [[0, 1], [2, 1], [2, 3], [0, 3]]]
    pts = pts.reshape(-1, 2)
    if _is_float(pts):
        pts = _xp.ceil(pts)
    moved = _inverse_grid_points(pts, canvas_size, displacement, dtype)
    if rotated:
        out = _xp.concatenate([moved.reshape(-1, 2), b[:, 2:]], 1).astype(b.dtype)
    else:
        moved = moved.reshape(-1, 4, 2)
        out = _xp.concatenate([moved.min(1), moved.max(1)], 1).astype(b.dtype)
    out = _clamp(out, mid, canvas_size, clamping_mode)
    return _convert(out, mid, format).reshape(a.shape)


# --------------------------------------------------------------------------- sanitizing
def _sanitize_boxes_valid(a, format, canvas_size, min_size=1.0, min_area=1.0):
    """Boxes with both sides >= min_size, area >= min_area and every corner inside the canvas (torchvision's
    rule, including its choice of coordinates for a rotated box's second side)."""
    format = _fmt(format)
    rotated = _tvt.is_rotated_bounding_format(format)
    b = _convert(a, format, BBF.XYXYXYXY if rotated else BBF.XYXY)
    h, w = canvas_size
    if rotated:
        ws = _xp.sqrt((b[..., 0] - b[..., 2]) ** 2 + (b[..., 1] - b[..., 3]) ** 2)
        hs = _xp.sqrt((b[..., 3] - b[..., 5]) ** 2 + (b[..., 4] - b[..., 6]) ** 2)
    else:
        ws, hs = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (b >= 0).all(-1) & (ws * hs >= min_area)
    valid &= (b[:, 0] <= w) & (b[:, 2] <= w) & (b[:, 1] <= h) & (b[:, 3] <= h)
    if rotated:
        valid &= (b[..., 4] <= w) & (b[..., 5] <= h) & (b[..., 6] <= w) & (b[..., 7] <= h)
    return valid


def _sanitize_keypoints_valid(a, canvas_size):
    h, w = canvas_size
    x, y = a[..., 0], a[..., 1]
    valid = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    return valid.reshape(valid.shape[0], -1).all(1) if valid.ndim > 1 else valid
