"""``FeaturePyramidNetwork`` (Lin et al. 2017) and its extra blocks, as torchvision's (same submodule names, so
state dicts load both ways).

Top-down: ``inner_i = conv1x1_i(C_i)``, ``last = inner_top``, then for the finer levels
``last = inner_i + nearest_upsample(last, size of inner_i)``; each output ``P_i = conv3x3_i(last)``.
"""
from collections import OrderedDict

from ... import nn
from ...nn import functional as F

__all__ = ["ExtraFPNBlock", "FeaturePyramidNetwork", "LastLevelMaxPool", "LastLevelP6P7"]


def _conv_norm(in_channels, out_channels, kernel_size, padding, norm_layer):
    """Conv2d (biased only without a norm) + optional norm, laid out as torchvision's Conv2dNormActivation."""
    try:   # the real class when vision.ops has it (same layout either way)
        from . import Conv2dNormActivation
    except ImportError:
        Conv2dNormActivation = None
    if Conv2dNormActivation is not None:
        return Conv2dNormActivation(in_channels, out_channels, kernel_size=kernel_size, padding=padding,
                                    norm_layer=norm_layer, activation_layer=None)
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size, 1, padding, bias=norm_layer is None)]
    if norm_layer is not None:
        layers.append(norm_layer(out_channels))
    return nn.Sequential(*layers)


class ExtraFPNBlock(nn.Module):
    """Base class of the blocks run on the FPN's outputs: ``forward(results, x, names) -> (results, names)``."""

    def forward(self, results, x, names):
        pass


class FeaturePyramidNetwork(nn.Module):
    """FPN over an ordered dict of feature maps (finest first); returns an ordered dict with the same keys
    (plus the extra block's)."""

    _version = 2

    def __init__(self, in_channels_list, out_channels, extra_blocks=None, norm_layer=None):
        super().__init__()
        self.inner_blocks = nn.ModuleList()
        self.layer_blocks = nn.ModuleList()
        for in_channels in in_channels_list:
            if in_channels == 0:
                raise ValueError("in_channels=0 is currently not supported")
            self.inner_blocks.append(_conv_norm(in_channels, out_channels, 1, 0, norm_layer))
            self.layer_blocks.append(_conv_norm(out_channels, out_channels, 3, 1, norm_layer))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, a=1)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
        if extra_blocks is not None and not isinstance(extra_blocks, ExtraFPNBlock):
            raise TypeError(f"extra_blocks should be of type ExtraFPNBlock not {type(extra_blocks)}")
        self.extra_blocks = extra_blocks

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # version-1 checkpoints had bare convolutions: blocks.i.weight -> blocks.i.0.weight
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for block in ("inner_blocks", "layer_blocks"):
                for i in range(len(self.inner_blocks)):
                    for kind in ("weight", "bias"):
                        old = f"{prefix}{block}.{i}.{kind}"
                        if old in state_dict:
                            state_dict[f"{prefix}{block}.{i}.0.{kind}"] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def get_result_from_inner_blocks(self, x, idx):
        return self.inner_blocks[idx % len(self.inner_blocks)](x)

    def get_result_from_layer_blocks(self, x, idx):
        return self.layer_blocks[idx % len(self.layer_blocks)](x)

    def forward(self, x):
        names = list(x.keys())
        x = list(x.values())
        last_inner = self.get_result_from_inner_blocks(x[-1], -1)
        results = [self.get_result_from_layer_blocks(last_inner, -1)]
        for idx in range(len(x) - 2, -1, -1):
            lateral = self.get_result_from_inner_blocks(x[idx], idx)
            top_down = F.interpolate(last_inner, size=tuple(lateral.shape[-2:]), mode="nearest")
            last_inner = lateral + top_down
            results.insert(0, self.get_result_from_layer_blocks(last_inner, idx))
        if self.extra_blocks is not None:
            results, names = self.extra_blocks(results, x, names)
        return OrderedDict(zip(names, results))


class LastLevelMaxPool(ExtraFPNBlock):
    """Adds ``pool``: the last output subsampled by 2 (max_pool2d, kernel 1, stride 2)."""

    def forward(self, x, y, names):
        names.append("pool")
        x.append(F.max_pool2d(x[-1], kernel_size=1, stride=2, padding=0))
        return x, names


class LastLevelP6P7(ExtraFPNBlock):
    """RetinaNet's P6 = conv3x3/2(P5 or C5), P7 = conv3x3/2(relu(P6))."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.p6 = nn.Conv2d(in_channels, out_channels, 3, 2, 1)
        self.p7 = nn.Conv2d(out_channels, out_channels, 3, 2, 1)
        for module in (self.p6, self.p7):
            nn.init.kaiming_uniform_(module.weight, a=1)
            nn.init.constant_(module.bias, 0)
        self.use_P5 = in_channels == out_channels

    def forward(self, p, c, names):
        x = p[-1] if self.use_P5 else c[-1]
        p6 = self.p6(x)
        p7 = self.p7(F.relu(p6))
        p.extend([p6, p7])
        names.extend(["p6", "p7"])
        return p, names
