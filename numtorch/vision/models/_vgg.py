"""VGG (Simonyan & Zisserman 2014), configurations A/B/D/E (11/13/16/19 layers), with or without BatchNorm."""
import numtorch as _torch
from ... import nn
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
           "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """``features`` -> adaptive average pool to 7x7 -> classifier (4096, 4096, num_classes; ReLU + Dropout).
    Init: convolutions kaiming_normal_(fan_out, relu) with zero bias, BN 1/0, Linear normal(0, 0.01) / 0."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = _torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(cfg, batch_norm=False):
    """3x3 convolutions (padding 1) with ReLU (and BN), ``"M"`` = 2x2 max pool."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else \
                [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), weights, progress)


def _variant(name, cfg, bn):
    enum = _weights_enum(f"VGG{name[3:5]}{'_BN' if bn else ''}_Weights", __name__)
    doc = (f"VGG-{name[3:5]}{'-BN' if bn else ''} from `Very Deep Convolutional Networks for Large-Scale Image "
           f"Recognition <https://arxiv.org/abs/1409.1556>`__; weights: ``{enum.__name__}`` or None.")
    return enum, _builder(name, enum, lambda w, p, **kw: _vgg(cfg, bn, w, p, **kw), doc, __name__)


VGG11_Weights, vgg11 = _variant("vgg11", "A", False)
VGG11_BN_Weights, vgg11_bn = _variant("vgg11_bn", "A", True)
VGG13_Weights, vgg13 = _variant("vgg13", "B", False)
VGG13_BN_Weights, vgg13_bn = _variant("vgg13_bn", "B", True)
VGG16_Weights, vgg16 = _variant("vgg16", "D", False)
VGG16_BN_Weights, vgg16_bn = _variant("vgg16_bn", "D", True)
VGG19_Weights, vgg19 = _variant("vgg19", "E", False)
VGG19_BN_Weights, vgg19_bn = _variant("vgg19_bn", "E", True)
