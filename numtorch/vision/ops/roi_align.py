"""``torchvision.ops.roi_align``: the public path of ``roi_align`` / ``RoIAlign`` (implemented in ``_roi.py``)."""
from ._roi import RoIAlign, roi_align, convert_boxes_to_roi_format, _check_roi_boxes_shape as check_roi_boxes_shape

__all__ = ["RoIAlign", "check_roi_boxes_shape", "convert_boxes_to_roi_format", "roi_align"]
