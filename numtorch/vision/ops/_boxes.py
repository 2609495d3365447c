"""Box operators of ``torchvision.ops``: formats, areas, IoU family and their losses, NMS, mask boxes.

Boxes are ``(x1, y1, x2, y2)`` rows unless a ``fmt`` says otherwise. Everything except ``nms`` (an index
selection, not differentiable in torchvision either) is composed of differentiable tensor ops.
"""
import math

from ..._backend import xp
from ... import _creation as _c
from ..._tensor import _make
from ... import float32 as _f32, float64 as _f64, int32 as _i32, int64 as _i64

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert", "box_area", "box_iou",
           "generalized_box_iou", "distance_box_iou", "complete_box_iou", "masks_to_boxes",
           "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]


def _nt():
    import numtorch
    return numtorch


def _upcast(t):
    """Floats below float32 and ints below int32 are widened first, so products do not overflow."""
    if t.is_floating_point():
        return t if t.dtype in (_f32, _f64) else t.float()
    return t if t.dtype in (_i32, _i64) else t.int()


def _upcast_non_float(t):
    return t if t.dtype in (_f32, _f64) else t.float()


# ---------------------------------------------------------------------------------------------------- formats
def _cxcywh_to_xyxy(b):
    cx, cy, w, h = b.unbind(-1)
    return _nt().stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def _xyxy_to_cxcywh(b):
    x1, y1, x2, y2 = b.unbind(-1)
    return _nt().stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _xywh_to_xyxy(b):
    x, y, w, h = b.unbind(-1)
    return _nt().stack((x, y, x + w, y + h), dim=-1)


def _xyxy_to_xywh(b):
    x1, y1, x2, y2 = b.unbind(-1)
    return _nt().stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def _rounded_like(out, dtype):
    """Integer boxes stay integer after a rotation (rounded), as torchvision does."""
    if dtype.is_floating_point:
        return out
    return out.round().to(dtype)


def _cxcywhr_to_xywhr(b):
    dtype = b.dtype
    cx, cy, w, h, r = b.unbind(-1)
    rad = r * math.pi / 180.0
    cos, sin = rad.cos(), rad.sin()
    out = _nt().stack((cx - w / 2 * cos - h / 2 * sin, cy - h / 2 * cos + w / 2 * sin, w, h, r), dim=-1)
    return _rounded_like(out, dtype)


def _xywhr_to_cxcywhr(b):
    dtype = b.dtype
    x1, y1, w, h, r = b.unbind(-1)
    rad = r * math.pi / 180.0
    cos, sin = rad.cos(), rad.sin()
    out = _nt().stack((x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos, w, h, r), dim=-1)
    return _rounded_like(out, dtype)


def _xywhr_to_xyxyxyxy(b):
    dtype = b.dtype
    x1, y1, w, h, r = b.unbind(-1)
    rad = r * math.pi / 180.0
    cos, sin = rad.cos(), rad.sin()
    x2, y2 = x1 + w * cos, y1 - w * sin          # the corners go clockwise from the top-left one
    x3, y3 = x2 + h * sin, y2 + h * cos
    x4, y4 = x1 + h * sin, y1 + h * cos
    return _rounded_like(_nt().stack((x1, y1, x2, y2, x3, y3, x4, y4), dim=-1), dtype)


def _xyxyxyxy_to_xywhr(b):
    nt = _nt()
    dtype = b.dtype
    x1, y1, x2, y2, x3, y3, x4, y4 = b.unbind(-1)
    r = nt.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return _rounded_like(nt.stack((x1, y1, w, h, r), dim=-1), dtype)


_FMTS = ("xyxy", "xywh", "cxcywh", "xywhr", "cxcywhr", "xyxyxyxy")
_CONVERT = {
    ("xywh", "xyxy"): [_xywh_to_xyxy], ("cxcywh", "xyxy"): [_cxcywh_to_xyxy],
    ("xyxy", "xywh"): [_xyxy_to_xywh], ("xyxy", "cxcywh"): [_xyxy_to_cxcywh],
    ("xywh", "cxcywh"): [_xywh_to_xyxy, _xyxy_to_cxcywh], ("cxcywh", "xywh"): [_cxcywh_to_xyxy, _xyxy_to_xywh],
    ("cxcywhr", "xywhr"): [_cxcywhr_to_xywhr], ("xywhr", "cxcywhr"): [_xywhr_to_cxcywhr],
    ("cxcywhr", "xyxyxyxy"): [_cxcywhr_to_xywhr, _xywhr_to_xyxyxyxy],
    ("xyxyxyxy", "cxcywhr"): [_xyxyxyxy_to_xywhr, _xywhr_to_cxcywhr],
    ("xywhr", "xyxyxyxy"): [_xywhr_to_xyxyxyxy], ("xyxyxyxy", "xywhr"): [_xyxyxyxy_to_xywhr],
}


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between 'xyxy', 'xywh', 'cxcywh' (and the rotated 'xywhr', 'cxcywhr', 'xyxyxyxy')."""
    if in_fmt not in _FMTS or out_fmt not in _FMTS:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    steps = _CONVERT.get((in_fmt, out_fmt))
    if steps is None:
        raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt "
                                  f"{out_fmt}")
    for step in steps:
        boxes = step(boxes)
    return boxes


# ---------------------------------------------------------------------------------------------------- areas, IoU
def box_area(boxes, fmt="xyxy"):
    """(x2 - x1) (y2 - y1) for 'xyxy', w h for 'xywh' / 'cxcywh'."""
    if fmt not in ("xyxy", "xywh", "cxcywh"):
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(b, fmt):
    if fmt == "xyxy":
        return b[..., :2], b[..., 2:]
    if fmt == "xywh":
        return b[..., :2], b[..., :2] + b[..., 2:]
    return b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection and union areas, ``[..., N, M]``."""
    nt = _nt()
    area1, area2 = box_area(boxes1, fmt=fmt), box_area(boxes2, fmt=fmt)
    lo1, hi1 = _corners(boxes1, fmt)
    lo2, hi2 = _corners(boxes2, fmt)
    lt = nt.max(lo1[..., None, :], lo2[..., None, :, :])
    rb = nt.min(hi1[..., None, :], hi2[..., None, :, :])
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise IoU = |A n B| / |A u B|, ``[..., N, M]``."""
    axis_aligned, rotated = ("xyxy", "xywh", "cxcywh"), ("cxcywhr", "xywhr", "xyxyxyxy")
    if fmt in axis_aligned:
        inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
        return inter / union
    if fmt in rotated:
        raise NotImplementedError(f"box_iou: rotated boxes (fmt={fmt!r}) are not supported by numtorch "
                                  f"(torchvision computes them in a compiled kernel)")
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {axis_aligned}. "
                     f"Supported rotated formats: {rotated}.")


def _enclosing_wh(boxes1, boxes2):
    nt = _nt()
    lti = nt.min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = nt.max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rbi - lti).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """GIoU = IoU - (|C| - |A u B|) / |C|, C the smallest box enclosing both."""
    inter, union = _box_inter_union(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    areai = whi[..., 0] * whi[..., 1]
    return inter / union - (areai - union) / areai


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    """DIoU = IoU - d^2(centres) / (c^2 + eps), c the diagonal of the enclosing box; also returns IoU."""
    iou = box_iou(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    diag2 = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps
    x_p = (boxes1[..., 0] + boxes1[..., 2]) / 2
    y_p = (boxes1[..., 1] + boxes1[..., 3]) / 2
    x_g = (boxes2[..., 0] + boxes2[..., 2]) / 2
    y_g = (boxes2[..., 1] + boxes2[..., 3]) / 2
    cent2 = _upcast(x_p[..., None] - x_g[..., None, :]) ** 2 + _upcast(y_p[..., None] - y_g[..., None, :]) ** 2
    return iou - cent2 / diag2, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU (see ``_box_diou_iou``)."""
    diou, _ = _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps=eps)
    return diou


def _aspect_term(w1, h1, w2, h2):
    """v = 4 / pi^2 (atan(w1 / h1) - atan(w2 / h2))^2, the aspect-ratio penalty of CIoU."""
    return (4 / (math.pi ** 2)) * ((w1 / h1).atan() - (w2 / h2).atan()) ** 2


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """CIoU = DIoU - alpha v, alpha = v / (1 - IoU + v + eps) held constant (no gradient through it)."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    v = _aspect_term(boxes1[..., None, 2] - boxes1[..., None, 0], boxes1[..., None, 3] - boxes1[..., None, 1],
                     boxes2[..., None, :, 2] - boxes2[..., None, :, 0], boxes2[..., None, :, 3] - boxes2[..., None, :, 1])
    with _nt().no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


# ---------------------------------------------------------------------------------------------------- losses
def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', "
                     f"'mean', 'sum'")


def _loss_inter_union(boxes1, boxes2):
    """Elementwise (not pairwise) intersection and union; the intersection is 0 where the boxes are apart."""
    nt = _nt()
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xk1, yk1, xk2, yk2 = nt.max(x1, x1g), nt.max(y1, y1g), nt.min(x2, x2g), nt.min(y2, y2g)
    overlap = (yk2 > yk1) & (xk2 > xk1)
    inter = nt.where(overlap, (xk2 - xk1) * (yk2 - yk1), nt.zeros_like(x1))
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """1 - GIoU of matching rows: 1 - (I / (U + eps) - (|C| - U) / (|C| + eps))."""
    nt = _nt()
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _loss_inter_union(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    area_c = (nt.max(x2, x2g) - nt.min(x1, x1g)) * (nt.max(y2, y2g) - nt.min(y1, y1g))
    miou = inter / (union + eps) - (area_c - union) / (area_c + eps)
    return _reduce(1 - miou, reduction)


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    nt = _nt()
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    diag2 = (nt.max(x2, x2g) - nt.min(x1, x1g)) ** 2 + (nt.max(y2, y2g) - nt.min(y1, y1g)) ** 2 + eps
    cent2 = ((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2 + ((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2
    return 1 - iou + cent2 / diag2, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """1 - IoU + d^2(centres) / (c^2 + eps) of matching rows."""
    loss, _ = _diou_iou_loss(_upcast_non_float(boxes1), _upcast_non_float(boxes2), eps)
    return _reduce(loss, reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """DIoU loss + alpha v (v the aspect term, alpha = v / (1 - IoU + v + eps) without gradient).

    As torchvision, the DIoU part uses the default eps whatever ``eps`` is (only alpha uses it)."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = _aspect_term(x2g - x1g, y2g - y1g, x2 - x1, y2 - y1)
    with _nt().no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)


# ---------------------------------------------------------------------------------------------------- selection
def _nms_keep(b, s, iou_threshold):
    """Greedy NMS on arrays: indices kept, in decreasing score order (ties: the earlier box first).

    The loop runs once per *kept* box; each step drops, vectorized, every remaining box whose IoU with the
    kept one exceeds the threshold. Arithmetic stays in the boxes' dtype, as torchvision's CPU kernel."""
    order = xp.argsort(-s, kind="stable")
    x1, y1, x2, y2 = (b[:, i] for i in range(4))
    areas = (x2 - x1) * (y2 - y1)
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        w = xp.maximum(xp.minimum(x2[i], x2[rest]) - xp.maximum(x1[i], x1[rest]), 0)
        h = xp.maximum(xp.minimum(y2[i], y2[rest]) - xp.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        with xp.errstate(invalid="ignore", divide="ignore"):
            iou = inter / (areas[i] + areas[rest] - inter)
        order = rest[~(iou > iou_threshold)]
    return xp.asarray(keep, dtype=xp.int64)


def nms(boxes, scores, iou_threshold):
    """Indices (int64) of the boxes kept by greedy non-maximum suppression, highest score first: a box is
    dropped when its IoU with a higher-scoring kept box is > ``iou_threshold``."""
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError(f"boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.size(0)} and {scores.size(0)}")
    if boxes._data.dtype != scores._data.dtype:
        raise RuntimeError("dets should have the same type as scores")
    if boxes.size(0) == 0:
        return _make(xp.zeros(0, dtype=xp.int64))
    return _make(_nms_keep(boxes._data, scores._data, float(iou_threshold)))


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category ``idxs``: boxes of different categories never suppress each other."""
    if boxes.numel() == 0:
        return _make(xp.zeros(0, dtype=xp.int64))
    b, s, cls = boxes._data, scores._data, xp.asarray(idxs._data)
    if b.size > 4000:   # per category (as torchvision's CPU path for many boxes), then merged by score
        keep = xp.zeros(len(s), dtype=bool)
        for c in xp.unique(cls):
            where = xp.flatnonzero(cls == c)
            keep[where[_nms_keep(b[where], s[where], float(iou_threshold))]] = True
        kept = xp.flatnonzero(keep)
        return _make(kept[xp.argsort(-s[kept], kind="stable")].astype(xp.int64))
    # one NMS with every category moved to its own region of the plane (the coordinate trick)
    offsets = cls.astype(b.dtype) * (b.max() + xp.asarray(1, dtype=b.dtype))
    return _make(_nms_keep(b + offsets[:, None], s, float(iou_threshold)))


def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both >= ``min_size``."""
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    return _nt().where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size):
    """x clamped to [0, width], y to [0, height]; ``size = (height, width)``."""
    height, width = size
    bx = boxes[..., 0::2].clamp(min=0, max=width)
    by = boxes[..., 1::2].clamp(min=0, max=height)
    return _nt().stack((bx, by), dim=boxes.dim()).reshape(boxes.shape)


def masks_to_boxes(masks):
    """``[N, 4]`` float boxes (x1, y1, x2, y2) tightly around the non-zero pixels of each ``[N, H, W]`` mask;
    an empty mask gives zeros."""
    if masks.numel() == 0:
        return _c.zeros((0, 4), dtype=_f32)
    m = masks._data.astype(bool)
    n, h, w = m.shape
    rows, cols = m.any(axis=2), m.any(axis=1)
    y1, x1 = rows.argmax(axis=1), cols.argmax(axis=1)
    y2 = (h - 1) - rows[:, ::-1].argmax(axis=1)
    x2 = (w - 1) - cols[:, ::-1].argmax(axis=1)
    out = xp.stack([x1, y1, x2, y2], axis=1).astype(xp.float32)
    out[~rows.any(axis=1)] = 0
    return _make(out)
