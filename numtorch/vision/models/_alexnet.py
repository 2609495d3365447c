"""AlexNet (Krizhevsky 2014, "One weird trick" variant)."""
import numtorch as _torch
from ... import nn
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """Five convolutions (11x11/4, 5x5, three 3x3) with ReLU and 3x3/2 max pools, adaptive average pool to 6x6,
    classifier Dropout-Linear(4096)-ReLU-Dropout-Linear(4096)-ReLU-Linear. PyTorch's default layer init."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(_torch.flatten(self.avgpool(self.features(x)), 1))


def _alexnet(weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load(AlexNet(**kwargs), weights, progress)


AlexNet_Weights = _weights_enum("AlexNet_Weights", __name__)
alexnet = _builder("alexnet", AlexNet_Weights, _alexnet,
                   "AlexNet from `One weird trick for parallelizing convolutional neural networks "
                   "<https://arxiv.org/abs/1404.5997>`__; weights: ``AlexNet_Weights`` or None.", __name__)
