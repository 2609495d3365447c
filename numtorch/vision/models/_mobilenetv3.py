"""MobileNetV3 large and small (Howard et al. 2019)."""
from functools import partial

import numtorch as _torch
from ... import nn
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation as SElayer
from ._api import _weights_enum
from ._utils import _builder, _init_mobile_convnet, _make_divisible, _ovewrite_named_param, _load

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One bottleneck's settings; channel counts scaled by ``width_mult`` and rounded to multiples of 8."""

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride,
                 dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        return _make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """[1x1 expand] -> kxk depthwise -> [squeeze-excitation, hard-sigmoid gate] -> 1x1 project (no activation);
    ReLU or Hardswish; residual when the stride is 1 and channels are unchanged."""

    def __init__(self, cnf, norm_layer, se_layer=partial(SElayer, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=activation_layer))
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
                                           stride=stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
                                           norm_layer=norm_layer, activation_layer=activation_layer))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        return result + input if self.use_res_connect else result


class MobileNetV3(nn.Module):
    """3x3/2 Hardswish stem -> bottlenecks -> 1x1 conv (6x channels) -> global average pool -> Linear ->
    Hardswish -> Dropout -> Linear. BN eps 1e-3, momentum 0.01. Init as MobileNetV2."""

    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None,
                 dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, (list, tuple))
                and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.Hardswish)]
        for cnf in inverted_residual_setting:
            layers.append(block(cnf, norm_layer))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(last_out, last_channel), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        _init_mobile_convnet(self, lambda m: nn.init.normal_(m.weight, 0, 0.01))

    def _forward_impl(self, x):
        return self.classifier(_torch.flatten(self.avgpool(self.features(x)), 1))

    def forward(self, x):
        return self._forward_impl(x)


# (input, kernel, expanded, out, use_se, activation, stride, dilated?) per bottleneck; "d" marks the C4 stage,
# whose channels halve with reduced_tail and whose dilation doubles with dilated
_LARGE = [(16, 3, 16, 16, False, "RE", 1, 0), (16, 3, 64, 24, False, "RE", 2, 0), (24, 3, 72, 24, False, "RE", 1, 0),
          (24, 5, 72, 40, True, "RE", 2, 0), (40, 5, 120, 40, True, "RE", 1, 0), (40, 5, 120, 40, True, "RE", 1, 0),
          (40, 3, 240, 80, False, "HS", 2, 0), (80, 3, 200, 80, False, "HS", 1, 0),
          (80, 3, 184, 80, False, "HS", 1, 0), (80, 3, 184, 80, False, "HS", 1, 0),
          (80, 3, 480, 112, True, "HS", 1, 0), (112, 3, 672, 112, True, "HS", 1, 0),
          (112, 5, 672, "160d", True, "HS", 2, 1), ("160d", 5, "960d", "160d", True, "HS", 1, 1),
          ("160d", 5, "960d", "160d", True, "HS", 1, 1)]
_SMALL = [(16, 3, 16, 16, True, "RE", 2, 0), (16, 3, 72, 24, False, "RE", 2, 0), (24, 3, 88, 24, False, "RE", 1, 0),
          (24, 5, 96, 40, True, "HS", 2, 0), (40, 5, 240, 40, True, "HS", 1, 0), (40, 5, 240, 40, True, "HS", 1, 0),
          (40, 5, 120, 48, True, "HS", 1, 0), (48, 5, 144, 48, True, "HS", 1, 0),
          (48, 5, 288, "96d", True, "HS", 2, 1), ("96d", 5, "576d", "96d", True, "HS", 1, 1),
          ("96d", 5, "576d", "96d", True, "HS", 1, 1)]


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
    div = 2 if reduced_tail else 1
    ch = lambda c: int(c[:-1]) // div if isinstance(c, str) else c  # noqa: E731
    if arch == "mobilenet_v3_large":
        table, last = _LARGE, 1280
    elif arch == "mobilenet_v3_small":
        table, last = _SMALL, 1024
    else:
        raise ValueError(f"Unsupported model type {arch}")
    setting = [InvertedResidualConfig(ch(i), k, ch(e), ch(o), se, act, s, 2 if (d and dilated) else 1, width_mult)
               for i, k, e, o, se, act, s, d in table]
    return setting, InvertedResidualConfig.adjust_channels(last // div, width_mult)


def _mobilenet_v3(inverted_residual_setting, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(MobileNetV3(inverted_residual_setting, last_channel, **kwargs), weights, progress)


def _v3(arch):
    def build(weights, progress, **kwargs):
        setting, last = _mobilenet_v3_conf(arch, **kwargs)
        return _mobilenet_v3(setting, last, weights, progress, **kwargs)
    return build


MobileNet_V3_Large_Weights = _weights_enum("MobileNet_V3_Large_Weights", __name__)
MobileNet_V3_Small_Weights = _weights_enum("MobileNet_V3_Small_Weights", __name__)
mobilenet_v3_large = _builder("mobilenet_v3_large", MobileNet_V3_Large_Weights, _v3("mobilenet_v3_large"),
                              "MobileNetV3-Large from `Searching for MobileNetV3 "
                              "<https://arxiv.org/abs/1905.02244>`__.",
                              __name__)
mobilenet_v3_small = _builder("mobilenet_v3_small", MobileNet_V3_Small_Weights, _v3("mobilenet_v3_small"),
                              "MobileNetV3-Small from `Searching for MobileNetV3 "
                              "<https://arxiv.org/abs/1905.02244>`__.",
                              __name__)
