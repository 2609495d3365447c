"""ConvNeXt (Liu et al. 2022): tiny, small, base, large."""
from functools import partial

import numtorch as _torch
from ... import nn
from ...nn import functional as F
from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights",
           "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an (N, C, H, W) map (channels moved last and back)."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """x + StochasticDepth(gamma * [7x7 depthwise -> LayerNorm -> Linear 4x -> GELU -> Linear](x)), gamma a
    per-channel ``layer_scale`` parameter."""

    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True), Permute([0, 2, 3, 1]),
            norm_layer(dim), nn.Linear(in_features=dim, out_features=4 * dim, bias=True), nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(_torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        return self.stochastic_depth(self.layer_scale * self.block(input)) + input


class CNBlockConfig:
    """A stage: ``num_layers`` blocks at ``input_channels``, then a 2x2/2 downsampling to ``out_channels``
    (None for the last stage)."""

    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self):
        return (f"{self.__class__.__name__}(input_channels={self.input_channels}, "
                f"out_channels={self.out_channels}, num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    """4x4/4 patchify stem with LayerNorm2d, stages of CNBlocks (stochastic depth rising linearly to
    ``stochastic_depth_prob``) with LayerNorm2d + 2x2/2 downsampling between them, global average pool,
    LayerNorm2d -> Flatten -> Linear. Init: convolutions and Linear trunc_normal_(std 0.02), zero biases."""

    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None,
                 norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (isinstance(block_setting, (list, tuple)) and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        norm_layer = partial(LayerNorm2d, eps=1e-6) if norm_layer is None else norm_layer
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4, stride=4, padding=0,
                                       norm_layer=norm_layer, activation_layer=None, bias=True)]
        total = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                stage.append(block(cnf.input_channels, layer_scale,
                                   stochastic_depth_prob * block_id / (total - 1.0)))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels),
                                            nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_out = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_out), nn.Flatten(1), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(block_setting, stochastic_depth_prob, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs), weights, progress)


def _variant(tag, widths, depths, sd):
    enum = _weights_enum(f"ConvNeXt_{tag.capitalize()}_Weights", __name__)

    def build(weights, progress, **kwargs):
        setting = [CNBlockConfig(w, widths[i + 1] if i + 1 < len(widths) else None, d)
                   for i, (w, d) in enumerate(zip(widths, depths))]
        return _convnext(setting, kwargs.pop("stochastic_depth_prob", sd), weights, progress, **kwargs)
    return enum, _builder(f"convnext_{tag}", enum, build,
                          f"ConvNeXt {tag.capitalize()} from `A ConvNet for the 2020s "
                          "<https://arxiv.org/abs/2201.03545>`_.", __name__)


ConvNeXt_Tiny_Weights, convnext_tiny = _variant("tiny", (96, 192, 384, 768), (3, 3, 9, 3), 0.1)
ConvNeXt_Small_Weights, convnext_small = _variant("small", (96, 192, 384, 768), (3, 3, 27, 3), 0.4)
ConvNeXt_Base_Weights, convnext_base = _variant("base", (128, 256, 512, 1024), (3, 3, 27, 3), 0.5)
ConvNeXt_Large_Weights, convnext_large = _variant("large", (192, 384, 768, 1536), (3, 3, 27, 3), 0.5)
