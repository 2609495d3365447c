"""``MultiScaleRoIAlign``: RoI Align over an FPN, each box on the level its size picks (Mask R-CNN's rule)."""
from ..._backend import xp
from ..._tensor import _make
from ... import nn
from ._boxes import box_area
from ._roi import roi_align

__all__ = ["MultiScaleRoIAlign", "LevelMapper"]


class LevelMapper:
    """Level of a box of area ``a``: ``clamp(floor(lvl0 + log2(sqrt(a) / s0) + eps), k_min, k_max) - k_min``."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min, self.k_max = k_min, k_max
        self.s0, self.lvl0, self.eps = canonical_scale, canonical_level, eps

    def __call__(self, boxlists):
        areas = xp.concatenate([box_area(b)._data for b in boxlists])
        s = xp.sqrt(areas)
        eps = xp.asarray(self.eps, dtype=s.dtype)
        with xp.errstate(divide="ignore"):
            lvls = xp.floor(self.lvl0 + xp.log2(s / s.dtype.type(self.s0)) + eps)
        lvls = xp.clip(lvls, self.k_min, self.k_max)
        return _make((lvls.astype(xp.int64) - self.k_min).astype(xp.int64))


def _infer_scale(feature, original_size):
    """The power of two nearest to feature size / image size (from the height, as torchvision)."""
    approx = float(feature.shape[-2]) / float(original_size[0])
    return 2 ** float(xp.round(xp.log2(xp.float32(approx))))


def _setup_scales(features, image_shapes, canonical_scale, canonical_level):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    max_x = max(s[0] for s in image_shapes)
    max_y = max(s[1] for s in image_shapes)
    scales = [_infer_scale(f, (max_x, max_y)) for f in features]
    lvl_min = -float(xp.log2(xp.float32(scales[0])))
    lvl_max = -float(xp.log2(xp.float32(scales[-1])))
    return scales, LevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                               canonical_level=canonical_level)


class MultiScaleRoIAlign(nn.Module):
    """``forward(x: dict of feature maps, boxes: list of [L, 4] per image, image_shapes) -> [K, C, PH, PW]``;
    only the maps named in ``featmap_names`` are used (in the dict's order, finest first)."""

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224, canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        import numtorch as nt
        feats = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(feats, image_shapes, self.canonical_scale,
                                                         self.canonical_level)
        dtype = feats[0]._data.dtype
        rois = nt.cat([nt.cat([nt.full_like(b[:, :1], i), b], dim=1) for i, b in enumerate(boxes)], dim=0)
        if len(feats) == 1:
            return roi_align(feats[0], rois, self.output_size, self.scales[0], self.sampling_ratio)
        levels = self.map_levels(boxes)._data
        pieces, order = [], []
        for level, (feat, scale) in enumerate(zip(feats, self.scales)):
            idx = xp.flatnonzero(levels == level)
            if len(idx) == 0:
                continue
            pieces.append(roi_align(feat, rois[_make(idx)], self.output_size, scale, self.sampling_ratio)
                          .to(feats[0].dtype))
            order.append(idx)
        k = len(rois)
        if not pieces:
            return feats[0].new_zeros((k, feats[0].shape[1]) + self.output_size)
        out = nt.cat(pieces, 0)
        order = xp.concatenate(order)
        inv = xp.empty(k, dtype=xp.int64)
        inv[order] = xp.arange(k)
        assert out._data.dtype == dtype
        return out[_make(inv)]

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, output_size={self.output_size}, "
                f"sampling_ratio={self.sampling_ratio})")
