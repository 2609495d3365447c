"""MobileNetV2 (Sandler et al. 2018): inverted residuals with linear bottlenecks."""
import numtorch as _torch
from ... import nn
from ..ops.misc import Conv2dNormActivation
from ._api import _weights_enum
from ._utils import _builder, _init_mobile_convnet, _make_divisible, _ovewrite_named_param, _load

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]


class InvertedResidual(nn.Module):
    """[1x1 expand, ReLU6] -> 3x3 depthwise (stride), ReLU6 -> 1x1 project (linear) -> BN; plus the input when
    the stride is 1 and the channel count is unchanged."""

    def __init__(self, inp, oup, stride, expand_ratio, norm_layer=None):
        super().__init__()
        self.stride = stride
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(Conv2dNormActivation(inp, hidden_dim, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.ReLU6))
        layers.extend([
            Conv2dNormActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim, norm_layer=norm_layer,
                                 activation_layer=nn.ReLU6),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
            norm_layer(oup)])
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """3x3/2 stem (32 channels) -> inverted residual stages ``[t, c, n, s]`` -> 1x1 conv to 1280 -> global average
    pool -> Dropout -> Linear. Channels scale by ``width_mult``, rounded to ``round_nearest``. Init: convolutions
    kaiming_normal_(fan_out), norms 1/0, Linear normal(0, 0.01)/0."""

    def __init__(self, num_classes=1000, width_mult=1.0, inverted_residual_setting=None, round_nearest=8,
                 block=None, norm_layer=None, dropout=0.2):
        super().__init__()
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        input_channel = 32
        last_channel = 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1],
                                         [6, 160, 3, 2], [6, 320, 1, 1]]
        if len(inverted_residual_setting) == 0 or len(inverted_residual_setting[0]) != 4:
            raise ValueError("inverted_residual_setting should be non-empty or a 4-element list, got "
                             f"{inverted_residual_setting}")
        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features = [Conv2dNormActivation(3, input_channel, stride=2, norm_layer=norm_layer,
                                         activation_layer=nn.ReLU6)]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(block(input_channel, output_channel, s if i == 0 else 1, expand_ratio=t,
                                      norm_layer=norm_layer))
                input_channel = output_channel
        features.append(Conv2dNormActivation(input_channel, self.last_channel, kernel_size=1, norm_layer=norm_layer,
                                             activation_layer=nn.ReLU6))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))
        _init_mobile_convnet(self, lambda m: nn.init.normal_(m.weight, 0, 0.01))

    def _forward_impl(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(_torch.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v2(weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(MobileNetV2(**kwargs), weights, progress)


MobileNet_V2_Weights = _weights_enum("MobileNet_V2_Weights", __name__)
mobilenet_v2 = _builder("mobilenet_v2", MobileNet_V2_Weights, _mobilenet_v2,
                        "MobileNetV2 from `MobileNetV2: Inverted Residuals and Linear Bottlenecks "
                        "<https://arxiv.org/abs/1801.04381>`_.", __name__)
