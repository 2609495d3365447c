"""``torchvision.models.swin_transformer``: the public path of numtorch's swin_transformer family (implemented in
``_swin_transformer.py``)."""
from ._presets import ImageClassification  # noqa: F401
from ..transforms.functional import InterpolationMode  # noqa: F401
from ._swin_transformer import (  # noqa: F401
    MLP, PatchMerging, PatchMergingV2, Permute, ShiftedWindowAttention, ShiftedWindowAttentionV2, StochasticDepth,
    SwinTransformer, SwinTransformerBlock, SwinTransformerBlockV2, Swin_B_Weights, Swin_S_Weights, Swin_T_Weights,
    Swin_V2_B_Weights, Swin_V2_S_Weights, Swin_V2_T_Weights, shifted_window_attention, swin_b, swin_s, swin_t,
    swin_v2_b, swin_v2_s, swin_v2_t)
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["SwinTransformer", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights", "Swin_V2_T_Weights",
           "Swin_V2_S_Weights", "Swin_V2_B_Weights", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s",
           "swin_v2_b"]
