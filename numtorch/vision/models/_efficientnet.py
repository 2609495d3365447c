"""EfficientNet B0-B7 (Tan & Le 2019) and EfficientNetV2 S/M/L (Tan & Le 2021)."""
import copy
import math
from functools import partial

import numtorch as _torch
from ... import nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._api import _weights_enum
from ._utils import _builder, _init_mobile_convnet, _make_divisible, _ovewrite_named_param, _load

__all__ = ["EfficientNet", "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights",
           "EfficientNet_B3_Weights", "EfficientNet_B4_Weights", "EfficientNet_B5_Weights", "EfficientNet_B6_Weights",
           "EfficientNet_B7_Weights", "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights",
           "EfficientNet_V2_L_Weights", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
           "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s",
           "efficientnet_v2_m", "efficientnet_v2_l"]


class _MBConvConfig:
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block):
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """An MBConv stage: channels scaled by ``width_mult`` (multiples of 8), depth by ``ceil(n * depth_mult)``."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0,
                 depth_mult=1.0, block=None):
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = self.adjust_depth(num_layers, depth_mult)
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         MBConv if block is None else block)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """A Fused-MBConv stage (EfficientNetV2)."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class MBConv(nn.Module):
    """[1x1 expand, SiLU] -> kxk depthwise, SiLU -> squeeze-excitation (SiLU, sigmoid) -> 1x1 project; residual
    with row-wise stochastic depth when shapes match."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class FusedMBConv(nn.Module):
    """kxk conv (expand, stride), SiLU -> [1x1 project]; residual with stochastic depth when shapes match."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel,
                                               stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU))
            layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=None))
        else:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                               stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class EfficientNet(nn.Module):
    """3x3/2 SiLU stem, MBConv/Fused-MBConv stages (stochastic depth growing linearly with block index to
    ``stochastic_depth_prob``), 1x1 conv (``last_channel`` or 4x), global average pool, Dropout, Linear.
    Init: convolutions kaiming_normal_(fan_out), norms 1/0, Linear uniform(+-1/sqrt(out_features)) / 0."""

    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000,
                 norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        layers = [Conv2dNormActivation(3, inverted_residual_setting[0].input_channels, kernel_size=3, stride=2,
                                       norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                stage.append(block_cnf.block(block_cnf, stochastic_depth_prob * float(block_id) / total,
                                             norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        _init_mobile_convnet(self, lambda m: nn.init.uniform_(m.weight, -1.0 / math.sqrt(m.out_features),
                                                               1.0 / math.sqrt(m.out_features)))

    def _forward_impl(self, x):
        return self.classifier(_torch.flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet(inverted_residual_setting, dropout, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs), weights,
                 progress)


def _efficientnet_conf(arch, **kwargs):
    if arch.startswith("efficientnet_b"):
        b = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"), depth_mult=kwargs.pop("depth_mult"))
        return [b(1, 3, 1, 32, 16, 1), b(6, 3, 2, 16, 24, 2), b(6, 5, 2, 24, 40, 2), b(6, 3, 2, 40, 80, 3),
                b(6, 5, 1, 80, 112, 3), b(6, 5, 2, 112, 192, 4), b(6, 3, 1, 192, 320, 1)], None
    F_, M_ = FusedMBConvConfig, MBConvConfig
    if arch.startswith("efficientnet_v2_s"):
        return [F_(1, 3, 1, 24, 24, 2), F_(4, 3, 2, 24, 48, 4), F_(4, 3, 2, 48, 64, 4), M_(4, 3, 2, 64, 128, 6),
                M_(6, 3, 1, 128, 160, 9), M_(6, 3, 2, 160, 256, 15)], 1280
    if arch.startswith("efficientnet_v2_m"):
        return [F_(1, 3, 1, 24, 24, 3), F_(4, 3, 2, 24, 48, 5), F_(4, 3, 2, 48, 80, 5), M_(4, 3, 2, 80, 160, 7),
                M_(6, 3, 1, 160, 176, 14), M_(6, 3, 2, 176, 304, 18), M_(6, 3, 1, 304, 512, 5)], 1280
    if arch.startswith("efficientnet_v2_l"):
        return [F_(1, 3, 1, 32, 32, 4), F_(4, 3, 2, 32, 64, 7), F_(4, 3, 2, 64, 96, 7), M_(4, 3, 2, 96, 192, 10),
                M_(6, 3, 1, 192, 224, 19), M_(6, 3, 2, 224, 384, 25), M_(6, 3, 1, 384, 640, 7)], 1280
    raise ValueError(f"Unsupported model type {arch}")


def _variant(tag, dropout, width=None, depth=None, norm=None):
    name = f"efficientnet_{tag}"
    enum = _weights_enum(f"EfficientNet_{tag.upper()}_Weights", __name__)

    def build(weights, progress, **kwargs):
        conf = {} if width is None else {"width_mult": width, "depth_mult": depth}
        setting, last = _efficientnet_conf(name, **conf)
        extra = {} if norm is None else {"norm_layer": norm}
        return _efficientnet(setting, kwargs.pop("dropout", dropout), last, weights, progress, **extra, **kwargs)
    paper = ("`EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks "
             "<https://arxiv.org/abs/1905.11946>`_" if width is not None else
             "`EfficientNetV2: Smaller Models and Faster Training <https://arxiv.org/abs/2104.00298>`_")
    return enum, _builder(name, enum, build, f"EfficientNet {tag.upper()} from {paper}.", __name__)


_BN_TF = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
_BN_V2 = partial(nn.BatchNorm2d, eps=1e-03)
EfficientNet_B0_Weights, efficientnet_b0 = _variant("b0", 0.2, 1.0, 1.0)
EfficientNet_B1_Weights, efficientnet_b1 = _variant("b1", 0.2, 1.0, 1.1)
EfficientNet_B2_Weights, efficientnet_b2 = _variant("b2", 0.3, 1.1, 1.2)
EfficientNet_B3_Weights, efficientnet_b3 = _variant("b3", 0.3, 1.2, 1.4)
EfficientNet_B4_Weights, efficientnet_b4 = _variant("b4", 0.4, 1.4, 1.8)
EfficientNet_B5_Weights, efficientnet_b5 = _variant("b5", 0.4, 1.6, 2.2, _BN_TF)
EfficientNet_B6_Weights, efficientnet_b6 = _variant("b6", 0.5, 1.8, 2.6, _BN_TF)
EfficientNet_B7_Weights, efficientnet_b7 = _variant("b7", 0.5, 2.0, 3.1, _BN_TF)
EfficientNet_V2_S_Weights, efficientnet_v2_s = _variant("v2_s", 0.2, norm=_BN_V2)
EfficientNet_V2_M_Weights, efficientnet_v2_m = _variant("v2_m", 0.3, norm=_BN_V2)
EfficientNet_V2_L_Weights, efficientnet_v2_l = _variant("v2_l", 0.4, norm=_BN_V2)
