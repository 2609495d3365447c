"""``transforms.v2`` classes for detection and segmentation samples (boxes, masks, keypoints), plus the v2
names that are neither classification nor geometry (JPEG, AugMix, RandomPhotometricDistort,
UniformTemporalSubsample). Random draws are torchvision's calls in its order, on numtorch's generator."""
import numbers

from ...._tensor import Tensor
from ... import tv_tensors
from ..transforms import _check_sequence_input
from . import functional as F
from . import _boxes as _B
from .functional import InterpolationMode, is_pure_tensor
from ._transforms import (Transform, _RandomApplyTransform, _AutoAugmentBase, _flatten, _nt, _get_fill, query_size,
                          query_chw, has_any, has_all, get_bounding_boxes, get_keypoints, _default_labels)


def _parse_labels_getter(labels_getter):
    if labels_getter == "default":
        return _default_labels
    if callable(labels_getter):
        return labels_getter
    if labels_getter is None:
        return lambda _: None
    raise ValueError(f"labels_getter should either be 'default', a callable, or None, but got {labels_getter}.")


def _check_fill(fill):
    if isinstance(fill, dict):
        for v in fill.values():
            _check_fill(v)
    elif fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed.")


# --------------------------------------------------------------------------- box metadata
class ConvertBoundingBoxFormat(Transform):
    """Boxes re-expressed in ``format``."""
    _transformed_types = (tv_tensors.BoundingBoxes,)
    _v2_meta = True

    def __init__(self, format):
        super().__init__()
        self.format = format

    def transform(self, inpt, params):
        return F.convert_bounding_box_format(inpt, new_format=self.format)


class ClampBoundingBoxes(Transform):
    """Boxes clamped to their canvas (``clamping_mode="auto"``: each box set's own mode)."""
    _transformed_types = (tv_tensors.BoundingBoxes,)
    _v2_meta = True

    def __init__(self, clamping_mode="auto"):
        super().__init__()
        self.clamping_mode = clamping_mode

    def transform(self, inpt, params):
        return F.clamp_bounding_boxes(inpt, clamping_mode=self.clamping_mode)


class ClampKeyPoints(Transform):
    """Keypoints clamped to ``[0, W - 1] x [0, H - 1]``."""
    _transformed_types = (tv_tensors.KeyPoints,)
    _v2_meta = True

    def transform(self, inpt, params):
        return F.clamp_keypoints(inpt)


class SetClampingMode(Transform):
    """Boxes with ``clamping_mode`` set (``"soft"``, ``"hard"`` or ``None``)."""
    _transformed_types = (tv_tensors.BoundingBoxes,)
    _v2_meta = True

    def __init__(self, clamping_mode):
        super().__init__()
        self.clamping_mode = clamping_mode
        if clamping_mode not in (None, "soft", "hard"):
            raise ValueError(f"clamping_mode must be soft, hard or None, got {clamping_mode}")

    def transform(self, inpt, params):
        out = inpt.clone()
        out.clamping_mode = self.clamping_mode
        return out


def _labels_tuple(labels):
    msg = "The labels in the input to forward() must be a tensor or None, got {type} instead."
    if labels is None:
        return None
    if isinstance(labels, Tensor):
        return (labels,)
    if isinstance(labels, (tuple, list)):
        for entry in labels:
            if not isinstance(entry, Tensor):
                raise ValueError(msg.format(type=type(entry)))
        return labels
    raise ValueError(msg.format(type=type(labels)))


def _keep(inpt, valid, labels, kinds):
    is_label = labels is not None and any(inpt is lab for lab in labels)
    if not (is_label or isinstance(inpt, kinds)):
        return inpt
    try:
        out = inpt[valid]
    except IndexError:
        return inpt
    return out if is_label else tv_tensors.wrap(out, like=inpt)


def _sanitize(transform, inputs, get, mismatch, valid_of):
    """SanitizeBoundingBoxes/KeyPoints: find the items and their labels, check the counts (torchvision's messages,
    typos included), keep the valid rows of every item of that kind and of the labels."""
    inputs = inputs if len(inputs) > 1 else inputs[0]
    labels = _labels_tuple(transform._labels_getter(inputs))
    flat, build = _flatten(inputs)
    items = get(flat)
    if labels is not None:
        for label in labels:
            if items.shape[0] != label.shape[0]:
                raise ValueError(mismatch.format(items.shape) + " the number of labels."
                                 f"Found labels with shape={label.shape}).")
    params = dict(valid=_B._t(valid_of(items)), labels=labels)
    return build([transform.transform(x, params) for x in flat])


class SanitizeBoundingBoxes(Transform):
    """Drop degenerate boxes (a side < ``min_size``, area < ``min_area``, a corner off the canvas) together with
    the matching rows of the masks and of the labels ``labels_getter`` finds."""

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        super().__init__()
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1, got {min_size}.")
        if min_area < 1:
            raise ValueError(f"min_area must be >= 1, got {min_area}.")
        self.min_size = min_size
        self.min_area = min_area
        self.labels_getter = labels_getter
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        return _sanitize(self, inputs, get_bounding_boxes, "Number of boxes (shape={}) and must match",
                         lambda b: _B._sanitize_boxes_valid(b._data, b.format, b.canvas_size, self.min_size,
                                                            self.min_area))

    def transform(self, inpt, params):
        return _keep(inpt, params["valid"], params["labels"], (tv_tensors.BoundingBoxes, tv_tensors.Mask))


class SanitizeKeyPoints(Transform):
    """Drop keypoints (or whole groups ``[N, ..., 2]``) off the canvas, with the labels ``labels_getter`` finds."""

    def __init__(self, labels_getter=None):
        super().__init__()
        self.labels_getter = labels_getter
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        return _sanitize(self, inputs, get_keypoints, "Number of kepyoints (shape={}) must match",
                         lambda p: _B._sanitize_keypoints_valid(p._data, p.canvas_size))

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is lab for lab in params["labels"])
        if not (is_label or isinstance(inpt, tv_tensors.KeyPoints)):
            return inpt
        out = inpt[params["valid"]]
        return out if is_label else tv_tensors.wrap(out, like=inpt)


# --------------------------------------------------------------------------- detection geometry
class RandomZoomOut(_RandomApplyTransform):
    """Place the input on a canvas ``r`` times larger (``r`` uniform in ``side_range``) at a random offset,
    filling with ``fill`` (SSD's zoom-out)."""
    _v2_meta = True

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        _check_fill(fill)
        self.fill = fill
        _check_sequence_input(side_range, "side_range", req_sizes=(2,))
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")

    def make_params(self, flat_inputs):
        nt = _nt()
        orig_h, orig_w = query_size(flat_inputs)
        r = self.side_range[0] + nt.rand(1) * (self.side_range[1] - self.side_range[0])
        canvas_w = int(orig_w * r)
        canvas_h = int(orig_h * r)
        r = nt.rand(2)
        left = int((canvas_w - orig_w) * r[0])
        top = int((canvas_h - orig_h) * r[1])
        right = canvas_w - (left + orig_w)
        bottom = canvas_h - (top + orig_h)
        return dict(padding=[left, top, right, bottom])

    def transform(self, inpt, params):
        return F.pad(inpt, **params, fill=_get_fill(inpt, self.fill))


class RandomIoUCrop(Transform):
    """SSD's crop: pick a minimum IoU from ``sampler_options`` (1.0 or more: leave the sample as is), then up to
    ``trials`` crops of random scale and aspect until one contains a box centre and overlaps some such box by
    at least that IoU; boxes whose centre falls outside the crop are zeroed (remove them with
    SanitizeBoundingBoxes)."""
    _v2_meta = True

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0, sampler_options=None,
                 trials=40):
        super().__init__()
        self.min_scale = min_scale
        self.max_scale = max_scale
        self.min_aspect_ratio = min_aspect_ratio
        self.max_aspect_ratio = max_aspect_ratio
        self.options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None else sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        if not (has_all(flat_inputs, tv_tensors.BoundingBoxes)
                and has_any(flat_inputs, _is_pil, tv_tensors.Image, is_pure_tensor)):
            raise TypeError(f"{type(self).__name__}() requires input sample to contain tensor or PIL images and "
                            "bounding boxes. Sample can also contain masks.")

    def make_params(self, flat_inputs):
        from ...ops import box_iou
        nt = _nt()
        orig_h, orig_w = query_size(flat_inputs)
        bboxes = get_bounding_boxes(flat_inputs)
        while True:
            idx = int(nt.randint(low=0, high=len(self.options), size=(1,)))
            min_jaccard_overlap = self.options[idx]
            if min_jaccard_overlap >= 1.0:
                return dict()
            for _ in range(self.trials):
                r = self.min_scale + (self.max_scale - self.min_scale) * nt.rand(2)
                new_w = int(orig_w * r[0])
                new_h = int(orig_h * r[1])
                aspect_ratio = new_w / new_h
                if not (self.min_aspect_ratio <= aspect_ratio <= self.max_aspect_ratio):
                    continue
                r = nt.rand(2)
                left = int((orig_w - new_w) * r[0])
                top = int((orig_h - new_h) * r[1])
                right = left + new_w
                bottom = top + new_h
                if left == right or top == bottom:
                    continue
                xyxy = _B._convert(bboxes._data, bboxes.format, tv_tensors.BoundingBoxFormat.XYXY)
                cx = 0.5 * (xyxy[..., 0] + xyxy[..., 2])
                cy = 0.5 * (xyxy[..., 1] + xyxy[..., 3])
                within = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
                if not within.any():
                    continue
                ious = box_iou(_B._t(xyxy[within]), nt.tensor([[left, top, right, bottom]],
                                                               dtype=nt.from_numpy(xyxy).dtype))
                if ious.max() < min_jaccard_overlap:
                    continue
                return dict(top=top, left=left, height=new_h, width=new_w, is_within_crop_area=_B._t(within))

    def transform(self, inpt, params):
        if len(params) < 1:
            return inpt
        out = F.crop(inpt, top=params["top"], left=params["left"], height=params["height"], width=params["width"])
        if isinstance(out, tv_tensors.BoundingBoxes):
            out._data[~params["is_within_crop_area"]._data] = 0
        return out


class ScaleJitter(Transform):
    """Large-scale jitter: resize by ``min(target_h / H, target_w / W) * s``, ``s`` uniform in ``scale_range``."""
    _v2_meta = True

    def __init__(self, target_size, scale_range=(0.1, 2.0), interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
        super().__init__()
        self.target_size = target_size
        self.scale_range = scale_range
        self.interpolation = F._interp(interpolation)
        self.antialias = antialias

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        scale = self.scale_range[0] + _nt().rand(1) * (self.scale_range[1] - self.scale_range[0])
        r = min(self.target_size[1] / orig_h, self.target_size[0] / orig_w) * scale
        return dict(size=(int(orig_h * r), int(orig_w * r)))

    def transform(self, inpt, params):
        return F.resize(inpt, size=params["size"], interpolation=self.interpolation, antialias=self.antialias)


def _is_pil(x):
    from .. import _functional_pil as _F_pil
    return _F_pil.is_pil(x)


# --------------------------------------------------------------------------- the rest of v2's names
class UniformTemporalSubsample(Transform):
    """``num_samples`` evenly spaced frames of a video ``[..., T, C, H, W]``."""
    _transformed_types = (Tensor,)

    def __init__(self, num_samples):
        super().__init__()
        self.num_samples = num_samples

    def transform(self, inpt, params):
        return F.uniform_temporal_subsample(inpt, self.num_samples)


class JPEG(Transform):
    """JPEG compression artefacts at a quality drawn uniformly from ``quality`` (one ``randint``)."""

    def __init__(self, quality):
        super().__init__()
        if isinstance(quality, int):
            if isinstance(quality, bool):
                raise TypeError("quality can't be bool")
            quality = [quality, quality]
        else:
            _check_sequence_input(quality, "quality", req_sizes=(2,))
        if not (1 <= quality[0] <= quality[1] <= 100 and isinstance(quality[0], int) and isinstance(quality[1], int)):
            raise ValueError(f"quality must be an integer from 1 to 100, got {quality =}")
        self.quality = quality

    def make_params(self, flat_inputs):
        return dict(quality=_nt().randint(self.quality[0], self.quality[1] + 1, ()).item())

    def transform(self, inpt, params):
        return F.jpeg(inpt, quality=params["quality"])


class RandomPhotometricDistort(Transform):
    """SSD's photometric distortion: brightness, contrast (before or after), saturation, hue and a channel
    permutation, each applied with probability ``p``."""

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5), hue=(-0.05, 0.05),
                 p=0.5):
        super().__init__()
        self.brightness = brightness
        self.contrast = contrast
        self.hue = hue
        self.saturation = saturation
        self.p = p

    def make_params(self, flat_inputs):
        nt = _nt()
        num_channels, *_ = query_chw(flat_inputs)
        params = {}
        for key, rng in (("brightness_factor", self.brightness), ("contrast_factor", self.contrast),
                         ("saturation_factor", self.saturation), ("hue_factor", self.hue)):
            params[key] = (nt.empty(1).uniform_(rng[0], rng[1]).item() if nt.rand(1) < self.p else None)
        params["contrast_before"] = bool(nt.rand(()) < 0.5)
        params["channel_permutation"] = nt.randperm(num_channels) if nt.rand(1) < self.p else None
        return params

    def transform(self, inpt, params):
        if params["brightness_factor"] is not None:
            inpt = F.adjust_brightness(inpt, brightness_factor=params["brightness_factor"])
        if params["contrast_factor"] is not None and params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, contrast_factor=params["contrast_factor"])
        if params["saturation_factor"] is not None:
            inpt = F.adjust_saturation(inpt, saturation_factor=params["saturation_factor"])
        if params["hue_factor"] is not None:
            inpt = F.adjust_hue(inpt, hue_factor=params["hue_factor"])
        if params["contrast_factor"] is not None and not params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, contrast_factor=params["contrast_factor"])
        if params["channel_permutation"] is not None:
            inpt = F.permute_channels(inpt, permutation=params["channel_permutation"].tolist())
        return inpt


class AugMix(_AutoAugmentBase):
    """AugMix (Hendrycks et al. 2020): ``m0 x + m1 sum_i w_i chain_i(x)`` with ``(m0, m1)`` ~ Dirichlet(alpha,
    alpha) and ``w`` ~ Dirichlet(alpha, ..., alpha), each chain 1-3 random operations at ``severity``. The
    Dirichlet draws come from numtorch's own Gamma sampler (torch's ``_sample_dirichlet`` stream is not
    reproduced); the operation and magnitude draws are torchvision's calls."""
    from ._transforms import _lin as _l, _bits as _b
    _PARTIAL_AUGMENTATION_SPACE = {
        "ShearX": (lambda n, h, w, _l=_l: _l(0.0, 0.3, n), True),
        "ShearY": (lambda n, h, w, _l=_l: _l(0.0, 0.3, n), True),
        "TranslateX": (lambda n, h, w, _l=_l: _l(0.0, w / 3.0, n), True),
        "TranslateY": (lambda n, h, w, _l=_l: _l(0.0, h / 3.0, n), True),
        "Rotate": (lambda n, h, w, _l=_l: _l(0.0, 30.0, n), True),
        "Posterize": (lambda n, h, w, _b=_b: _b(4, n, 4), False),
        "Solarize": (lambda n, h, w, _l=_l: _l(1.0, 0.0, n), False),
        "AutoContrast": (lambda n, h, w: None, False),
        "Equalize": (lambda n, h, w: None, False),
    }
    _AUGMENTATION_SPACE = dict(_PARTIAL_AUGMENTATION_SPACE, **{
        "Brightness": (lambda n, h, w, _l=_l: _l(0.0, 0.9, n), True),
        "Color": (lambda n, h, w, _l=_l: _l(0.0, 0.9, n), True),
        "Contrast": (lambda n, h, w, _l=_l: _l(0.0, 0.9, n), True),
        "Sharpness": (lambda n, h, w, _l=_l: _l(0.0, 0.9, n), True),
    })
    del _l, _b

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self._PARAMETER_MAX = 10
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops

    def _sample_dirichlet(self, params):
        from ..autoaugment import _sample_dirichlet
        return _sample_dirichlet(params._data[0].tolist(), params.shape[0])

    def forward(self, *inputs):
        nt = _nt()
        put_back, orig = self._extract_image(inputs)
        height, width = F.get_size(orig)
        image = orig if isinstance(orig, Tensor) else F.pil_to_tensor(orig)
        image = image.as_subclass(Tensor) if isinstance(image, tv_tensors.TVTensor) else image
        space = self._AUGMENTATION_SPACE if self.all_ops else self._PARTIAL_AUGMENTATION_SPACE
        orig_dims = list(image.shape)
        expected_ndim = 5 if isinstance(orig, tv_tensors.Video) else 4
        batch = image.reshape([1] * max(expected_ndim - image.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)
        m = self._sample_dirichlet(nt.tensor([self.alpha, self.alpha]).expand(batch_dims[0], -1))
        combined = self._sample_dirichlet(nt.tensor([self.alpha] * self.mixture_width).expand(batch_dims[0], -1)) \
            * m[:, 1].reshape([batch_dims[0], -1])
        mix = m[:, 0].reshape(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else int(nt.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op, (fn, signed) = self._get_random_item(space)
                mags = fn(self._PARAMETER_MAX, height, width)
                if mags is not None:
                    magnitude = float(mags[int(nt.randint(self.severity, ()))])
                    if signed and nt.rand(()) <= 0.5:
                        magnitude *= -1
                else:
                    magnitude = 0.0
                aug = self._apply(aug, op, magnitude)
            mix = mix + combined[:, i].reshape(batch_dims) * aug
        mix = mix.reshape(orig_dims).to(dtype=image.dtype)
        if isinstance(orig, (tv_tensors.Image, tv_tensors.Video)):
            mix = tv_tensors.wrap(mix, like=orig)
        elif not isinstance(orig, Tensor):
            mix = F.to_pil_image(mix)
        return put_back(mix)
