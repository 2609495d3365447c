"""``torchvision.models.vision_transformer``: the public path of numtorch's vision_transformer family (implemented in
``_vision_transformer.py``)."""
from ._vision_transformer import (  # noqa: F401
    Conv2dNormActivation, ConvStemConfig, Encoder, EncoderBlock, MLP, MLPBlock, ViT_B_16_Weights, ViT_B_32_Weights,
    ViT_H_14_Weights, ViT_L_16_Weights, ViT_L_32_Weights, VisionTransformer, interpolate_embeddings, vit_b_16,
    vit_b_32, vit_h_14, vit_l_16, vit_l_32)
from ._presets import ImageClassification  # noqa: F401
from ..transforms.functional import InterpolationMode  # noqa: F401
from ._api import Weights, WeightsEnum, register_model  # noqa: F401
from ._utils import handle_legacy_interface  # noqa: F401

__all__ = ["VisionTransformer", "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
           "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]
