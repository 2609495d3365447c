"""Vision Transformer (Dosovitskiy et al. 2020): ViT-B/16, B/32, L/16, L/32, H/14."""
import math
from collections import OrderedDict, namedtuple
from functools import partial

import numtorch as _torch
from ... import nn
from ..ops.misc import Conv2dNormActivation, MLP
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["VisionTransformer", "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
           "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]

ConvStemConfig = namedtuple("ConvStemConfig", ["out_channels", "kernel_size", "stride", "norm_layer",
                                               "activation_layer"], defaults=[nn.BatchNorm2d, nn.ReLU])


class MLPBlock(MLP):
    """Linear -> GELU -> Dropout -> Linear -> Dropout; xavier_uniform_ weights, normal(std 1e-6) biases."""
    _version = 2

    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # version-1 checkpoints named the layers linear_1 / linear_2
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(2):
                for kind in ["weight", "bias"]:
                    old_key = f"{prefix}linear_{i + 1}.{kind}"
                    if old_key in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old_key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: x + Dropout(MHA(LN(x))), then + MLP(LN(.))."""

    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout,
                                                    batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        # torch._assert rather than ``if``: fx records the check instead of branching on a traced shape
        _torch._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding (normal, std 0.02) + dropout, ``num_layers`` blocks, final LayerNorm."""

    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.pos_embedding = nn.Parameter(_torch.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                                                        norm_layer)
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        # torch._assert rather than ``if``: fx records the check instead of branching on a traced shape
        _torch._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """Patchify (``patch_size`` conv, or a conv stem), prepend the class token, encoder, head on the class
    token. Init: patch conv trunc_normal_(std sqrt(1/fan_in)) / 0, head zeros, class token zeros."""

    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0,
                 attention_dropout=0.0, num_classes=1000, representation_size=None,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6), conv_stem_configs=None):
        super().__init__()
        if image_size % patch_size != 0:
            raise AssertionError("Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        if conv_stem_configs is not None:
            seq_proj = nn.Sequential()
            prev = 3
            for i, cfg in enumerate(conv_stem_configs):
                seq_proj.add_module(f"conv_bn_relu_{i}", Conv2dNormActivation(
                    in_channels=prev, out_channels=cfg.out_channels, kernel_size=cfg.kernel_size, stride=cfg.stride,
                    norm_layer=cfg.norm_layer, activation_layer=cfg.activation_layer))
                prev = cfg.out_channels
            seq_proj.add_module("conv_last", nn.Conv2d(in_channels=prev, out_channels=hidden_dim, kernel_size=1))
            self.conv_proj = seq_proj
        else:
            self.conv_proj = nn.Conv2d(in_channels=3, out_channels=hidden_dim, kernel_size=patch_size,
                                       stride=patch_size)
        seq_length = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(_torch.zeros(1, 1, hidden_dim))
        seq_length += 1
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                               norm_layer)
        self.seq_length = seq_length
        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)

        if isinstance(self.conv_proj, nn.Conv2d):
            fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] * self.conv_proj.kernel_size[1]
            nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                nn.init.zeros_(self.conv_proj.bias)
        elif getattr(self.conv_proj, "conv_last", None) is not None and isinstance(self.conv_proj.conv_last,
                                                                                   nn.Conv2d):
            nn.init.normal_(self.conv_proj.conv_last.weight, mean=0.0,
                            std=math.sqrt(2.0 / self.conv_proj.conv_last.out_channels))
            if self.conv_proj.conv_last.bias is not None:
                nn.init.zeros_(self.conv_proj.conv_last.bias)
        if hasattr(self.heads, "pre_logits") and isinstance(self.heads.pre_logits, nn.Linear):
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / self.heads.pre_logits.in_features))
            nn.init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            nn.init.zeros_(self.heads.head.weight)
            nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        _torch._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        _torch._assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        n_h, n_w = h // p, w // p   # before the convolution, so fx traces list nodes in torchvision's order
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, n_h * n_w).permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        n = x.shape[0]
        x = _torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
        return self.heads(self.encoder(x)[:, 0])


def _vision_transformer(patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size, num_layers=num_layers,
                              num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim, **kwargs)
    return _load(model, weights, progress)


def _variant(tag, patch, layers, heads, hidden, mlp, legacy="IMAGENET1K_V1"):
    enum = _weights_enum(f"ViT_{tag.upper()}_Weights", __name__)
    fn = _builder(f"vit_{tag}", enum,
                  lambda w, p, **kw: _vision_transformer(patch, layers, heads, hidden, mlp, w, p, **kw),
                  f"ViT-{tag.upper().replace('_', '/')} from `An Image is Worth 16x16 Words: Transformers for Image "
                  "Recognition at Scale <https://arxiv.org/abs/2010.11929>`_.", __name__, legacy=legacy)
    return enum, fn


ViT_B_16_Weights, vit_b_16 = _variant("b_16", 16, 12, 12, 768, 3072)
ViT_B_32_Weights, vit_b_32 = _variant("b_32", 32, 12, 12, 768, 3072)
ViT_L_16_Weights, vit_l_16 = _variant("l_16", 16, 24, 16, 1024, 4096)
ViT_L_32_Weights, vit_l_32 = _variant("l_32", 32, 24, 16, 1024, 4096)
ViT_H_14_Weights, vit_h_14 = _variant("h_14", 14, 32, 16, 1280, 5120, legacy=None)


def interpolate_embeddings(image_size, patch_size, model_state, interpolation_mode="bicubic", reset_heads=False):
    """A ViT state_dict adapted to ``image_size``: the patch position embeddings (class token's excluded) resampled
    on their 2-D grid with ``interpolate(..., align_corners=True)``; ``reset_heads`` drops the ``heads.*`` entries
    (only when the size changes, as torchvision)."""
    pos_embedding = model_state["encoder.pos_embedding"]
    n, seq_length, hidden_dim = pos_embedding.shape
    if n != 1:
        raise ValueError(f"Unexpected position embedding shape: {pos_embedding.shape}")
    new_seq_length = (image_size // patch_size) ** 2 + 1
    if new_seq_length != seq_length:
        seq_length -= 1
        new_seq_length -= 1
        token, img = pos_embedding[:, :1, :], pos_embedding[:, 1:, :].permute(0, 2, 1)
        side = int(math.sqrt(seq_length))
        if side * side != seq_length:
            raise ValueError(f"seq_length is not a perfect square! Instead got seq_length_1d * seq_length_1d = "
                             f"{side * side} and seq_length = {seq_length}")
        img = nn.functional.interpolate(img.reshape(1, hidden_dim, side, side), size=image_size // patch_size,
                                        mode=interpolation_mode, align_corners=True)
        img = img.reshape(1, hidden_dim, new_seq_length).permute(0, 2, 1)
        model_state["encoder.pos_embedding"] = _torch.cat([token, img], dim=1)
        if reset_heads:
            model_state = OrderedDict((k, v) for k, v in model_state.items() if not k.startswith("heads"))
    return model_state
