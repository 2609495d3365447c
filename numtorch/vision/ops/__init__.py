"""``torchvision.ops``: detection and layer operators (one private module per family)."""
# torchvision's public module paths, imported first: as in torchvision, the function ``roi_align`` then rebinds
# the package attribute its module got
from . import boxes, roi_align, feature_pyramid_network  # noqa: F401
from ._focal_loss import sigmoid_focal_loss
from .misc import Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation
from .stochastic_depth import stochastic_depth, StochasticDepth
from ._boxes import (nms, batched_nms, remove_small_boxes, clip_boxes_to_image, box_convert, box_area, box_iou,
                     generalized_box_iou, distance_box_iou, complete_box_iou, masks_to_boxes,
                     generalized_box_iou_loss, distance_box_iou_loss, complete_box_iou_loss)
from ._roi import roi_align, RoIAlign, roi_pool, RoIPool, ps_roi_align, PSRoIAlign, ps_roi_pool, PSRoIPool
from ._fpn import FeaturePyramidNetwork
from ._poolers import MultiScaleRoIAlign
from ._drop_block import drop_block2d, DropBlock2d, drop_block3d, DropBlock3d

__all__ = ["sigmoid_focal_loss", "Conv2dNormActivation", "Conv3dNormActivation", "FrozenBatchNorm2d", "MLP",
           "Permute", "SqueezeExcitation", "stochastic_depth", "StochasticDepth", "nms", "batched_nms",
           "remove_small_boxes", "clip_boxes_to_image", "box_convert", "box_area", "box_iou", "generalized_box_iou",
           "distance_box_iou", "complete_box_iou", "masks_to_boxes", "generalized_box_iou_loss",
           "distance_box_iou_loss", "complete_box_iou_loss", "roi_align", "RoIAlign", "roi_pool", "RoIPool",
           "ps_roi_align", "PSRoIAlign", "ps_roi_pool", "PSRoIPool", "FeaturePyramidNetwork", "MultiScaleRoIAlign",
           "drop_block2d", "DropBlock2d", "drop_block3d", "DropBlock3d"]
