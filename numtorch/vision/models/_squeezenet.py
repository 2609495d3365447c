"""SqueezeNet 1.0 (Iandola et al. 2016) and 1.1."""
import numtorch as _torch
from ... import nn
from ...nn import init
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["SqueezeNet", "SqueezeNet1_0_Weights", "SqueezeNet1_1_Weights", "squeezenet1_0", "squeezenet1_1"]


class Fire(nn.Module):
    """1x1 squeeze -> ReLU -> concat(ReLU(1x1 expand), ReLU(3x3 expand)) on channels."""

    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return _torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                           self.expand3x3_activation(self.expand3x3(x))], 1)


class SqueezeNet(nn.Module):
    """Fire modules between ceil-mode 3x3/2 max pools; the head is Dropout -> 1x1 conv to classes -> ReLU ->
    global average pool. Init: kaiming_uniform_ (a=0) for convolutions, normal(0, 0.01) for the final one,
    zero biases."""

    def __init__(self, version="1_0", num_classes=1000, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        pool = lambda: nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)  # noqa: E731
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, kernel_size=7, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                pool(), Fire(512, 64, 256, 256))
        elif version == "1_1":
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, kernel_size=3, stride=2), nn.ReLU(inplace=True), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256))
        else:
            raise ValueError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    init.constant_(m.bias, 0)

    def forward(self, x):
        return _torch.flatten(self.classifier(self.features(x)), 1)


def _squeezenet(version, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(SqueezeNet(version, **kwargs), weights, progress)


SqueezeNet1_0_Weights = _weights_enum("SqueezeNet1_0_Weights", __name__)
SqueezeNet1_1_Weights = _weights_enum("SqueezeNet1_1_Weights", __name__)
squeezenet1_0 = _builder("squeezenet1_0", SqueezeNet1_0_Weights, lambda w, p, **kw: _squeezenet("1_0", w, p, **kw),
                         "SqueezeNet 1.0 from `SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and "
                         "<0.5MB model size <https://arxiv.org/abs/1602.07360>`_.", __name__)
squeezenet1_1 = _builder("squeezenet1_1", SqueezeNet1_1_Weights, lambda w, p, **kw: _squeezenet("1_1", w, p, **kw),
                         "SqueezeNet 1.1 (2.4x less computation than 1.0) from the `official SqueezeNet repo "
                         "<https://github.com/forresti/SqueezeNet/tree/master/SqueezeNet_v1.1>`_.", __name__)
