"""ResNet (He et al. 2015), ResNeXt (Xie et al. 2016) and Wide ResNet (Zagoruyko & Komodakis 2016)."""
import numtorch as _torch
from ... import nn
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["ResNet", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights",
           "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights", "ResNeXt101_64X4D_Weights",
           "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
           "wide_resnet101_2"]


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution, padding = dilation (size kept at stride 1), no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution, no bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3x3 convolutions."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        # the shortcut runs after the main branch, as in torchvision, so traced graphs list nodes in its order
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 (reduce) -> 3x3 (stride, groups) -> 1x1 (expand x4), each with BN; the stride sits on the 3x3
    convolution (ResNet v1.5). Width = planes * base_width / 64 * groups."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)   # after the main branch, as torchvision
        return self.relu(out + identity)


class ResNet(nn.Module):
    """Stem (7x7/2 conv, BN, ReLU, 3x3/2 max pool), four stages of ``block`` (64, 128, 256, 512 planes), global
    average pool, ``fc``. Init: convolutions kaiming_normal_(fan_out, relu), norms weight 1 / bias 0, Linear
    PyTorch's default; ``zero_init_residual`` zeroes each block's last BN weight."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None "
                             f"or a 3-element tuple, got {replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = _torch.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)


def _resnet(block, layers, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(ResNet(block, layers, **kwargs), weights, progress)


ResNet18_Weights = _weights_enum("ResNet18_Weights", __name__)
ResNet34_Weights = _weights_enum("ResNet34_Weights", __name__)
ResNet50_Weights = _weights_enum("ResNet50_Weights", __name__)
ResNet101_Weights = _weights_enum("ResNet101_Weights", __name__)
ResNet152_Weights = _weights_enum("ResNet152_Weights", __name__)
ResNeXt50_32X4D_Weights = _weights_enum("ResNeXt50_32X4D_Weights", __name__)
ResNeXt101_32X8D_Weights = _weights_enum("ResNeXt101_32X8D_Weights", __name__)
ResNeXt101_64X4D_Weights = _weights_enum("ResNeXt101_64X4D_Weights", __name__)
Wide_ResNet50_2_Weights = _weights_enum("Wide_ResNet50_2_Weights", __name__)
Wide_ResNet101_2_Weights = _weights_enum("Wide_ResNet101_2_Weights", __name__)


def _variant(name, enum, block, layers, doc, groups=None, width=None):
    def build(weights, progress, **kwargs):
        if groups is not None:
            _ovewrite_named_param(kwargs, "groups", groups)
        if width is not None:
            _ovewrite_named_param(kwargs, "width_per_group", width)
        return _resnet(block, layers, weights, progress, **kwargs)
    return _builder(name, enum, build, doc + f"\n\n    weights: ``{enum.__name__}`` or None (random init).",
                    __name__)


_R = "from `Deep Residual Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`__."
_X = "from `Aggregated Residual Transformation for Deep Neural Networks <https://arxiv.org/abs/1611.05431>`_."
_W = ("from `Wide Residual Networks <https://arxiv.org/abs/1605.07146>`_: ResNet-50/101 with the bottleneck "
      "width doubled.")
resnet18 = _variant("resnet18", ResNet18_Weights, BasicBlock, [2, 2, 2, 2], "ResNet-18 " + _R)
resnet34 = _variant("resnet34", ResNet34_Weights, BasicBlock, [3, 4, 6, 3], "ResNet-34 " + _R)
resnet50 = _variant("resnet50", ResNet50_Weights, Bottleneck, [3, 4, 6, 3], "ResNet-50 " + _R)
resnet101 = _variant("resnet101", ResNet101_Weights, Bottleneck, [3, 4, 23, 3], "ResNet-101 " + _R)
resnet152 = _variant("resnet152", ResNet152_Weights, Bottleneck, [3, 8, 36, 3], "ResNet-152 " + _R)
resnext50_32x4d = _variant("resnext50_32x4d", ResNeXt50_32X4D_Weights, Bottleneck, [3, 4, 6, 3],
                           "ResNeXt-50 32x4d " + _X, groups=32, width=4)
resnext101_32x8d = _variant("resnext101_32x8d", ResNeXt101_32X8D_Weights, Bottleneck, [3, 4, 23, 3],
                            "ResNeXt-101 32x8d " + _X, groups=32, width=8)
resnext101_64x4d = _variant("resnext101_64x4d", ResNeXt101_64X4D_Weights, Bottleneck, [3, 4, 23, 3],
                            "ResNeXt-101 64x4d " + _X, groups=64, width=4)
wide_resnet50_2 = _variant("wide_resnet50_2", Wide_ResNet50_2_Weights, Bottleneck, [3, 4, 6, 3],
                           "Wide ResNet-50-2 " + _W, width=128)
wide_resnet101_2 = _variant("wide_resnet101_2", Wide_ResNet101_2_Weights, Bottleneck, [3, 4, 23, 3],
                            "Wide ResNet-101-2 " + _W, width=128)
