"""``torchvision.utils``: image grids, saving, and drawing boxes / masks / keypoints / optical flow on images.

Drawing goes through Pillow (the ``images`` extra), exactly as torchvision does, so the pixels are Pillow's.
Nothing here records gradients (torchvision runs these under ``no_grad``).
"""
import math
import warnings

from .._backend import xp
from .._tensor import Tensor as _Tensor, _make

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks", "draw_keypoints",
           "flow_to_image"]


def _pil():
    try:
        from PIL import Image, ImageColor, ImageDraw, ImageFont
    except ImportError:
        raise ImportError("numtorch.vision.utils needs Pillow for drawing and saving images: "
                          "pip install numtorch[images] (or pip install pillow)") from None
    return Image, ImageColor, ImageDraw, ImageFont


def _is_float(a):
    return a.dtype.kind == "f"


# ---------------------------------------------------------------------------------------------------- grids
def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Tile a batch ``(B, C, H, W)`` (or a list of ``(C, H, W)``) into one ``(C, H', W')`` image, ``nrow``
    images per row with ``padding`` pixels of ``pad_value`` around each; one-channel images become three.
    ``normalize`` maps ``value_range`` (default: min..max, per image with ``scale_each``) to [0, 1]."""
    if not isinstance(tensor, _Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, _Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    a = xp.stack([t._data for t in tensor]) if isinstance(tensor, list) else tensor._data
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = xp.concatenate([a, a, a], 0)
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = xp.concatenate([a, a, a], 1)
    if normalize is True:
        a = a.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm(img):
            low, high = (value_range if value_range is not None else (float(img.min()), float(img.max())))
            xp.clip(img, low, high, out=img)
            img -= a.dtype.type(low)
            img /= a.dtype.type(max(high - low, 1e-5))

        if scale_each is True:
            for img in a:
                norm(img)
        else:
            norm(a)
    if a.shape[0] == 1:
        return _make(a[0].copy())
    nmaps = a.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(a.shape[2] + padding), int(a.shape[3] + padding)
    grid = xp.full((a.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=a.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = a[k]
    return _make(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """``make_grid(tensor, **kwargs)`` scaled to bytes (``clamp(x * 255 + 0.5, 0, 255)``) and saved by Pillow."""
    Image = _pil()[0]
    grid = make_grid(tensor, **kwargs)._data
    arr = xp.clip(grid * grid.dtype.type(255) + grid.dtype.type(0.5), 0, 255).transpose(1, 2, 0).astype(xp.uint8)
    Image.fromarray(arr).save(fp, format=format)


# ---------------------------------------------------------------------------------------------------- colours
def _palette(n):
    """torchvision's default colours: ``i * (2^25 - 1, 2^15 - 1, 2^21 - 1) mod 255``."""
    p = (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1)
    return [tuple((i * v) % 255 for v in p) for i in range(n)]


def _parse_colors(colors, *, num_objects, floating=False):
    ImageColor = _pil()[1]
    if colors is None:
        colors = _palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(f"Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else c for c in colors]
    if floating:
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _to_uint8(a):
    """Float images in [0, 1] to bytes as torchvision's ``to_dtype(scale=True)``: ``trunc(x * (256 - 1e-3))``."""
    return (a * a.dtype.type(255 + 1.0 - 1e-3)).astype(xp.uint8) if _is_float(a) else a


def _from_uint8(a, dtype):
    return (a.astype(dtype) * dtype.type(1.0 / 255)) if dtype.kind == "f" else a


def _check_image(image, what, rgb_only):
    if not isinstance(image, _Tensor):
        raise TypeError(f"{what} must be a tensor, got {type(image)}" if what != "Tensor"
                        else f"Tensor expected, got {type(image)}")
    a = image._data
    if not (a.dtype == xp.uint8 or _is_float(a)):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if a.ndim != 3:
        raise ValueError("Pass individual images, not batches")
    if rgb_only and a.shape[0] != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")
    return a


# ---------------------------------------------------------------------------------------------------- drawing
def _dashed_line(draw, p0, p1, fill, width, dash=5, space=5):
    """A dashed segment from ``p0`` to ``p1`` (the first edge of an oriented box marks its orientation)."""
    (x1, y1), (x2, y2) = p0, p1
    left, on = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, True
    while left > 0:
        step = min(left, dash if on else space)
        ang = math.atan2(y2 - y1, x2 - x1)
        ex, ey = x1 + math.cos(ang) * step, y1 + math.sin(ang) * step
        if on:
            draw.line([(x1, y1), (ex, ey)], fill, width, None)
        left -= step
        x1, y1, on = ex, ey, not on


def _oriented_rectangle(draw, xy, fill, outline, width):
    _dashed_line(draw, (xy[0], xy[1]), (xy[2], xy[3]), outline, width)
    for i in range(2, len(xy), 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % len(xy)], xy[(i + 3) % len(xy)])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None, font_size=None,
                        label_colors=None, label_background_colors=None, fill_labels=False):
    """Draw ``boxes`` (``[N, 4]`` xyxy, or ``[N, 8]`` corners of oriented boxes) on a ``(C, H, W)`` uint8 or float
    image with Pillow; ``fill`` paints them with alpha 100/255, ``labels`` are written inside the top-left
    corner. Returns an image of the input's dtype."""
    Image, _, ImageDraw, ImageFont = _pil()
    a = _check_image(image, "Tensor", rgb_only=False)
    if a.shape[0] not in (1, 3):
        raise ValueError("Only grayscale and RGB images are supported")
    b = boxes._data
    if b.shape[-1] == 4 and ((b[:, 0] > b[:, 2]).any() or (b[:, 1] > b[:, 3]).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert to "
                         "convert them")
    n = b.shape[0]
    if n == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * n
    elif len(labels) != n:
        raise ValueError(f"Number of boxes ({n}) and labels ({len(labels)}) mismatch. Please specify labels for "
                         f"each box.")
    colors = _parse_colors(colors, num_objects=n)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=n)
    else:
        label_colors = list(colors)
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=n)
    else:
        label_background_colors = list(colors)
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)
    if a.shape[0] == 1:
        a = xp.tile(a, (3, 1, 1))
    img = Image.fromarray(xp.ascontiguousarray(_to_uint8(a).transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img, "RGBA") if fill else ImageDraw.Draw(img)
    for bbox, color, label, lcol, lbg in zip(b.astype(xp.int64).tolist(), colors, labels, label_colors,
                                             label_background_colors):
        fill_color = tuple(color) + (100,) if fill else None
        if len(bbox) > 4:
            _oriented_rectangle(draw, bbox, fill=fill_color, outline=color, width=width)
        else:
            draw.rectangle(bbox, width=width, outline=color, fill=fill_color)
        if label is not None:
            margin = width + 1
            if fill_labels:
                left, top, right, bottom = draw.textbbox((bbox[0] + margin, bbox[1] + margin), label, font=txt_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=lbg)
            draw.text((bbox[0] + margin, bbox[1] + margin), label, fill=lcol, font=txt_font)
    out = xp.asarray(img).transpose(2, 0, 1)
    return _make(_from_uint8(out, a.dtype).copy() if _is_float(a) else out.copy())


def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Blend boolean ``masks`` (``[N, H, W]`` or ``[H, W]``) onto an RGB image:
    ``out = image (1 - alpha) + painted alpha``, where ``painted`` has each mask's colour (black where masks
    overlap)."""
    a = _check_image(image, "The image", rgb_only=True)
    m = masks._data
    if m.ndim == 2:
        m = m[None]
    if m.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if m.dtype != bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if m.shape[-2:] != a.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    if m.shape[0] == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    colors = _parse_colors(colors, num_objects=m.shape[0], floating=_is_float(a))
    painted = a.copy()
    for mask, color in zip(m, colors):
        painted[:, mask] = xp.asarray(color, dtype=a.dtype)[:, None]
    painted[:, m.sum(0) > 1] = 0
    ct = a.dtype if _is_float(a) else xp.dtype(xp.float32)   # uint8 * float scalar computes in float32 (torch's promotion)
    out = a.astype(ct) * ct.type(1 - alpha) + painted.astype(ct) * ct.type(alpha)
    return _make(out.astype(a.dtype))


def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3, visibility=None):
    """Draw keypoints (``[N, K, 2]``) as filled circles of ``radius`` and the ``connectivity`` pairs as lines
    (invisible keypoints and their connections are skipped)."""
    Image, _, ImageDraw, _ = _pil()
    a = _check_image(image, "The image", rgb_only=True)
    k = keypoints._data
    if k.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    vis = xp.ones(k.shape[:-1], dtype=bool) if visibility is None else visibility._data
    if vis.ndim == 3:
        vis = vis.squeeze(-1)
    if vis.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got ndim={vis.ndim}")
    if vis.shape != k.shape[:-1]:
        raise ValueError(f"keypoints and visibility must have the same dimensionality for num_instances and K. Got "
                         f"visibility.shape={_shape(vis.shape)!r} and keypoints.shape={_shape(k.shape)!r}")
    img = Image.fromarray(xp.ascontiguousarray(_to_uint8(a).transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img)
    for inst, vinst in zip(k.astype(xp.int64).tolist(), vis.astype(bool).tolist()):
        for (x, y), v in zip(inst, vinst):
            if v:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors, outline=None, width=0)
        for i, j in connectivity or ():
            if vinst[i] and vinst[j]:
                draw.line(((inst[i][0], inst[i][1]), (inst[j][0], inst[j][1])), width=width)
    out = xp.asarray(img).transpose(2, 0, 1)
    return _make(_from_uint8(out, a.dtype).copy() if _is_float(a) else out.copy())


def _shape(s):
    from .. import Size
    return Size(s)


# ---------------------------------------------------------------------------------------------------- flow
def _colorwheel():
    """The Middlebury colour wheel (55 hues: red-yellow-green-cyan-blue-magenta-red), ``[55, 3]`` in 0..255."""
    segs = [(15, 0, 1, True), (6, 1, 0, False), (4, 1, 2, True), (11, 2, 1, False), (13, 2, 0, True),
            (6, 0, 2, False)]
    rows = []
    for n, full, ramp, up in segs:
        r = xp.floor(255 * xp.arange(n, dtype=xp.float32) / xp.float32(n))
        blk = xp.zeros((n, 3), dtype=xp.float32)
        blk[:, full] = 255
        blk[:, ramp] = r if up else 255 - r
        rows.append(blk)
    return xp.concatenate(rows)


def flow_to_image(flow):
    """Colour-code optical flow ``(2, H, W)`` or ``(N, 2, H, W)`` (float32) as uint8 RGB: hue from the direction,
    saturation from the magnitude relative to the largest one."""
    f = flow._data
    if f.dtype != xp.float32:
        raise ValueError(f"Flow should be of dtype torch.float, got {flow.dtype}.")
    orig_ndim = f.ndim
    if f.ndim == 3:
        f = f[None]
    if f.ndim != 4 or f.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {flow.shape}.")
    max_norm = xp.sqrt((f ** 2).sum(1)).max()
    f = f / (max_norm + xp.finfo(xp.float32).eps)
    wheel = _colorwheel()
    ncols = wheel.shape[0]
    norm = xp.sqrt((f ** 2).sum(1))
    ang = xp.arctan2(-f[:, 1], -f[:, 0]) / xp.float32(math.pi)
    fk = (ang + 1) / 2 * (ncols - 1)
    k0 = xp.floor(fk).astype(xp.int64)
    k1 = k0 + 1
    k1[k1 == ncols] = 0
    frac = fk - k0
    out = xp.zeros((f.shape[0], 3, f.shape[2], f.shape[3]), dtype=xp.uint8)
    for c in range(3):
        col0, col1 = wheel[k0, c] / xp.float32(255.0), wheel[k1, c] / xp.float32(255.0)
        col = (1 - frac) * col0 + frac * col1
        col = 1 - norm * (1 - col)
        out[:, c] = xp.floor(255 * col)
    return _make(out[0] if orig_ndim == 3 else out)
