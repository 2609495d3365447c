"""``torchvision.ops.misc``: the layer blocks torchvision's models are assembled from."""
import warnings
from collections.abc import Sequence

import numtorch as _torch
from ... import nn as _nn

__all__ = ["FrozenBatchNorm2d", "ConvNormActivation", "Conv2dNormActivation", "Conv3dNormActivation",
           "SqueezeExcitation", "MLP", "Permute"]


class FrozenBatchNorm2d(_nn.Module):
    """BatchNorm2d with fixed statistics and affine parameters (buffers, never trained):
    ``y = (x - running_mean) * weight / sqrt(running_var + eps) + bias``."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", _torch.ones(num_features))
        self.register_buffer("bias", _torch.zeros(num_features))
        self.register_buffer("running_mean", _torch.zeros(num_features))
        self.register_buffer("running_var", _torch.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # BatchNorm2d checkpoints carry a counter this module has no use for
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, x):
        scale = self.weight.reshape(1, -1, 1, 1) * (self.running_var.reshape(1, -1, 1, 1) + self.eps).rsqrt()
        shift = self.bias.reshape(1, -1, 1, 1) - self.running_mean.reshape(1, -1, 1, 1) * scale
        return x * scale + shift

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


class ConvNormActivation(_nn.Sequential):
    """conv -> norm (optional) -> activation (optional), as one Sequential (children ``0``, ``1``, ``2``).

    ``padding=None`` keeps the spatial size at stride 1: ``(kernel_size - 1) // 2 * dilation`` per dimension;
    ``bias=None`` gives the convolution a bias only when there is no norm layer.
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=_nn.BatchNorm2d, activation_layer=_nn.ReLU, dilation=1, inplace=True, bias=None,
                 conv_layer=_nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                nd = len(kernel_size) if isinstance(kernel_size, Sequence) else len(dilation)
                ks = tuple(kernel_size) if isinstance(kernel_size, Sequence) else (kernel_size,) * nd
                dl = tuple(dilation) if isinstance(dilation, Sequence) else (dilation,) * nd
                kernel_size, dilation = ks, dl
                padding = tuple((k - 1) // 2 * d for k, d in zip(ks, dl))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                             groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels
        if self.__class__ == ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")


class Conv2dNormActivation(ConvNormActivation):
    """Conv2d -> norm (BatchNorm2d by default) -> activation (ReLU by default)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=_nn.BatchNorm2d, activation_layer=_nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, _nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    """Conv3d -> norm (BatchNorm3d by default) -> activation (ReLU by default)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=_nn.BatchNorm3d, activation_layer=_nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, _nn.Conv3d)


class SqueezeExcitation(_nn.Module):
    """Squeeze-and-Excitation (Hu et al. 2018): ``x * sigma(fc2(delta(fc1(avgpool(x)))))``, fc1/fc2 1x1 convs."""

    def __init__(self, input_channels, squeeze_channels, activation=_nn.ReLU, scale_activation=_nn.Sigmoid):
        super().__init__()
        self.avgpool = _nn.AdaptiveAvgPool2d(1)
        self.fc1 = _nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = _nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))

    def forward(self, input):
        return self._scale(input) * input


class MLP(_nn.Sequential):
    """Linear -> [norm] -> activation -> Dropout per hidden size, then Linear -> Dropout for the last one."""

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=_nn.ReLU, inplace=None,
                 bias=True, dropout=0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(_nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer(**params))
            layers.append(_nn.Dropout(dropout, **params))
            in_dim = hidden_dim
        layers.append(_nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(_nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(_nn.Module):
    """``x.permute(dims)`` as a module."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return _torch.permute(x, self.dims)
