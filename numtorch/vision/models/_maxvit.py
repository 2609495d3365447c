"""MaxViT (Tu et al. 2022): maxvit_t. Each layer is an MBConv block, then self-attention inside P x P windows,
then self-attention across a P x P grid of dilated positions; both partitions are one reshape/permute."""
import math
from collections import OrderedDict
from functools import partial

import numtorch as _torch
from ... import nn
from ..._backend import xp
from ...nn import functional as F
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load

__all__ = ["MaxVit", "MaxVit_T_Weights", "maxvit_t"]


def _get_conv_output_shape(input_size, kernel_size, stride, padding):
    return ((input_size[0] - kernel_size + 2 * padding) // stride + 1,
            (input_size[1] - kernel_size + 2 * padding) // stride + 1)


def _make_block_input_shapes(input_size, n_blocks):
    """Feature-map size entering each block (after the stride-2 stem and each block's stride-2 MBConv)."""
    shapes = []
    shape = _get_conv_output_shape(input_size, 3, 2, 1)
    for _ in range(n_blocks):
        shape = _get_conv_output_shape(shape, 3, 2, 1)
        shapes.append(shape)
    return shapes


def _get_relative_position_index(height, width):
    """(HW, HW) index of the offset (dy, dx) between two positions of a height x width window in the
    (2H-1)(2W-1) bias table."""
    yy, xx = xp.meshgrid(xp.arange(height), xp.arange(width), indexing="ij")
    yy, xx = yy.ravel(), xx.ravel()
    idx = (yy[:, None] - yy[None, :] + height - 1) * (2 * width - 1) + (xx[:, None] - xx[None, :] + width - 1)
    return _torch.as_tensor(idx, dtype=_torch.int64)


class MBConv(nn.Module):
    """proj(x) + SD(conv_c(SE(conv_b(conv_a(pre_norm(x)))))): pre-norm, 1x1 expansion, 3x3 depthwise (carrying the
    stride), squeeze-excitation (SiLU), 1x1 projection; ``proj`` is avgpool 3x3/2 + 1x1 convolution when the
    shape changes, else identity."""

    def __init__(self, in_channels, out_channels, expansion_ratio, squeeze_ratio, stride, activation_layer,
                 norm_layer, p_stochastic_dropout=0.0):
        super().__init__()
        if stride != 1 or in_channels != out_channels:
            proj = [nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=1, bias=True)]
            if stride == 2:
                proj = [nn.AvgPool2d(kernel_size=3, stride=stride, padding=1)] + proj
            self.proj = nn.Sequential(*proj)
        else:
            self.proj = nn.Identity()
        mid_channels = int(out_channels * expansion_ratio)
        sqz_channels = int(out_channels * squeeze_ratio)
        if p_stochastic_dropout:
            self.stochastic_depth = StochasticDepth(p_stochastic_dropout, mode="row")
        else:
            self.stochastic_depth = nn.Identity()
        layers = OrderedDict()
        layers["pre_norm"] = norm_layer(in_channels)
        layers["conv_a"] = Conv2dNormActivation(in_channels, mid_channels, kernel_size=1, stride=1, padding=0,
                                                activation_layer=activation_layer, norm_layer=norm_layer,
                                                inplace=None)
        layers["conv_b"] = Conv2dNormActivation(mid_channels, mid_channels, kernel_size=3, stride=stride, padding=1,
                                                activation_layer=activation_layer, norm_layer=norm_layer,
                                                groups=mid_channels, inplace=None)
        layers["squeeze_excitation"] = SqueezeExcitation(mid_channels, sqz_channels, activation=nn.SiLU)
        layers["conv_c"] = nn.Conv2d(in_channels=mid_channels, out_channels=out_channels, kernel_size=1, bias=True)
        self.layers = nn.Sequential(layers)

    def forward(self, x):
        return self.proj(x) + self.stochastic_depth(self.layers(x))


class RelativePositionalMultiHeadAttention(nn.Module):
    """Attention over the P tokens of each group of a (B, G, P, D) tensor:
    ``softmax(q (k / sqrt(D))^T + bias) v`` merged by a Linear, the bias a learned table over relative offsets
    (note: scaled by the full feature width D, as torchvision)."""

    def __init__(self, feat_dim, head_dim, max_seq_len):
        super().__init__()
        if feat_dim % head_dim != 0:
            raise ValueError(f"feat_dim: {feat_dim} must be divisible by head_dim: {head_dim}")
        self.n_heads = feat_dim // head_dim
        self.head_dim = head_dim
        self.size = int(math.sqrt(max_seq_len))
        self.max_seq_len = max_seq_len
        self.to_qkv = nn.Linear(feat_dim, self.n_heads * self.head_dim * 3)
        self.scale_factor = feat_dim ** -0.5
        self.merge = nn.Linear(self.head_dim * self.n_heads, feat_dim)
        self.relative_position_bias_table = nn.Parameter(
            _torch.empty(((2 * self.size - 1) * (2 * self.size - 1), self.n_heads), dtype=_torch.float32))
        self.register_buffer("relative_position_index", _get_relative_position_index(self.size, self.size))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def get_relative_positional_bias(self):
        idx = self.relative_position_index.view(-1)
        bias = self.relative_position_bias_table[idx].view(self.max_seq_len, self.max_seq_len, -1)
        return bias.permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x):
        B, G, P, D = x.shape
        H, DH = self.n_heads, self.head_dim
        q, k, v = _torch.chunk(self.to_qkv(x), 3, dim=-1)
        q = q.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4)
        k = k.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4) * self.scale_factor
        v = v.reshape(B, G, P, H, DH).permute(0, 1, 3, 2, 4)
        attn = F.softmax(q.matmul(k.transpose(-2, -1)) + self.get_relative_positional_bias(), dim=-1)
        out = attn.matmul(v).permute(0, 1, 3, 2, 4).reshape(B, G, P, D)
        return self.merge(out)


class SwapAxes(nn.Module):
    """``x.swapaxes(a, b)`` as a module."""

    def __init__(self, a, b):
        super().__init__()
        self.a = a
        self.b = b

    def forward(self, x):
        return _torch.swapaxes(x, self.a, self.b)


class WindowPartition(nn.Module):
    """(B, C, H, W) -> (B, H/p * W/p, p*p, C): non-overlapping p x p windows."""

    def forward(self, x, p):
        B, C, H, W = x.shape
        x = x.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 3, 5, 1)
        return x.reshape(B, (H // p) * (W // p), p * p, C)


class WindowDepartition(nn.Module):
    """(B, HP*WP, p*p, C) -> (B, C, HP*p, WP*p), the inverse of :class:`WindowPartition`."""

    def forward(self, x, p, h_partitions, w_partitions):
        B, G, PP, C = x.shape
        x = x.reshape(B, h_partitions, w_partitions, p, p, C).permute(0, 5, 1, 3, 2, 4)
        return x.reshape(B, C, h_partitions * p, w_partitions * p)


class PartitionAttentionLayer(nn.Module):
    """Partition (``"window"``: P x P blocks; ``"grid"``: a P x P grid of positions spread over the map, i.e.
    windows of the transposed partition), then x + SD(attention(LN(x))), x + SD(MLP(LN(x))), and back."""

    def __init__(self, in_channels, head_dim, partition_size, partition_type, grid_size, mlp_ratio,
                 activation_layer, norm_layer, attention_dropout, mlp_dropout, p_stochastic_dropout):
        super().__init__()
        self.n_heads = in_channels // head_dim
        self.head_dim = head_dim
        self.n_partitions = grid_size[0] // partition_size
        self.partition_type = partition_type
        self.grid_size = grid_size
        if partition_type not in ["grid", "window"]:
            raise ValueError("partition_type must be either 'grid' or 'window'")
        if partition_type == "window":
            self.p, self.g = partition_size, self.n_partitions
        else:
            self.p, self.g = self.n_partitions, partition_size
        self.partition_op = WindowPartition()
        self.departition_op = WindowDepartition()
        self.partition_swap = SwapAxes(-2, -3) if partition_type == "grid" else nn.Identity()
        self.departition_swap = SwapAxes(-2, -3) if partition_type == "grid" else nn.Identity()
        self.attn_layer = nn.Sequential(norm_layer(in_channels),
                                        RelativePositionalMultiHeadAttention(in_channels, head_dim,
                                                                             partition_size ** 2),
                                        nn.Dropout(attention_dropout))
        self.mlp_layer = nn.Sequential(nn.LayerNorm(in_channels), nn.Linear(in_channels, in_channels * mlp_ratio),
                                       activation_layer(), nn.Linear(in_channels * mlp_ratio, in_channels),
                                       nn.Dropout(mlp_dropout))
        self.stochastic_dropout = StochasticDepth(p_stochastic_dropout, mode="row")

    def forward(self, x):
        gh, gw = self.grid_size[0] // self.p, self.grid_size[1] // self.p
        if not (self.grid_size[0] % self.p == 0 and self.grid_size[1] % self.p == 0):
            raise AssertionError(f"Grid size must be divisible by partition size. Got grid size of {self.grid_size} "
                                 f"and partition size of {self.p}")
        x = self.partition_swap(self.partition_op(x, self.p))
        x = x + self.stochastic_dropout(self.attn_layer(x))
        x = x + self.stochastic_dropout(self.mlp_layer(x))
        return self.departition_op(self.departition_swap(x), self.p, gh, gw)


class MaxVitLayer(nn.Module):
    """MBConv, then window attention, then grid attention."""

    def __init__(self, in_channels, out_channels, squeeze_ratio, expansion_ratio, stride, norm_layer,
                 activation_layer, head_dim, mlp_ratio, mlp_dropout, attention_dropout, p_stochastic_dropout,
                 partition_size, grid_size):
        super().__init__()
        layers = OrderedDict()
        layers["MBconv"] = MBConv(in_channels=in_channels, out_channels=out_channels,
                                  expansion_ratio=expansion_ratio, squeeze_ratio=squeeze_ratio, stride=stride,
                                  activation_layer=activation_layer, norm_layer=norm_layer,
                                  p_stochastic_dropout=p_stochastic_dropout)
        for kind in ("window", "grid"):
            layers[f"{kind}_attention"] = PartitionAttentionLayer(
                in_channels=out_channels, head_dim=head_dim, partition_size=partition_size, partition_type=kind,
                grid_size=grid_size, mlp_ratio=mlp_ratio, activation_layer=activation_layer,
                norm_layer=nn.LayerNorm, attention_dropout=attention_dropout, mlp_dropout=mlp_dropout,
                p_stochastic_dropout=p_stochastic_dropout)
        self.layers = nn.Sequential(layers)

    def forward(self, x):
        return self.layers(x)


class MaxVitBlock(nn.Module):
    """``n_layers`` MaxVit layers, the first with stride 2."""

    def __init__(self, in_channels, out_channels, squeeze_ratio, expansion_ratio, norm_layer, activation_layer,
                 head_dim, mlp_ratio, mlp_dropout, attention_dropout, partition_size, input_grid_size, n_layers,
                 p_stochastic):
        super().__init__()
        if not len(p_stochastic) == n_layers:
            raise ValueError(f"p_stochastic must have length n_layers={n_layers}, got p_stochastic={p_stochastic}.")
        self.layers = nn.ModuleList()
        self.grid_size = _get_conv_output_shape(input_grid_size, kernel_size=3, stride=2, padding=1)
        for idx, p in enumerate(p_stochastic):
            self.layers += [MaxVitLayer(in_channels=in_channels if idx == 0 else out_channels,
                                        out_channels=out_channels, squeeze_ratio=squeeze_ratio,
                                        expansion_ratio=expansion_ratio, stride=2 if idx == 0 else 1,
                                        norm_layer=norm_layer, activation_layer=activation_layer, head_dim=head_dim,
                                        mlp_ratio=mlp_ratio, mlp_dropout=mlp_dropout,
                                        attention_dropout=attention_dropout, partition_size=partition_size,
                                        grid_size=self.grid_size, p_stochastic_dropout=p)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MaxVit(nn.Module):
    """Stem (3x3/2 conv-BN-act, 3x3 conv), MaxVit blocks (stochastic depth rising linearly to
    ``stochastic_depth_prob`` over all layers), then avgpool -> LayerNorm -> Linear -> Tanh -> Linear (no bias).
    BatchNorm defaults to eps 1e-3, momentum 0.01. Init: convolutions and Linear normal(std 0.02), zero biases."""

    def __init__(self, input_size, stem_channels, partition_size, block_channels, block_layers, head_dim,
                 stochastic_depth_prob, norm_layer=None, activation_layer=nn.GELU, squeeze_ratio=0.25,
                 expansion_ratio=4, mlp_ratio=4, mlp_dropout=0.0, attention_dropout=0.0, num_classes=1000):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.01)
        block_input_sizes = _make_block_input_shapes(input_size, len(block_channels))
        for idx, size in enumerate(block_input_sizes):
            if size[0] % partition_size != 0 or size[1] % partition_size != 0:
                raise ValueError(
                    f"Input size {size} of block {idx} is not divisible by partition size {partition_size}. "
                    f"Consider changing the partition size or the input size.\n"
                    f"Current configuration yields the following block input sizes: {block_input_sizes}.")
        self.stem = nn.Sequential(
            Conv2dNormActivation(3, stem_channels, 3, stride=2, norm_layer=norm_layer,
                                 activation_layer=activation_layer, bias=False, inplace=None),
            Conv2dNormActivation(stem_channels, stem_channels, 3, stride=1, norm_layer=None, activation_layer=None,
                                 bias=True))
        input_size = _get_conv_output_shape(input_size, kernel_size=3, stride=2, padding=1)
        self.partition_size = partition_size
        self.blocks = nn.ModuleList()
        in_channels = [stem_channels] + list(block_channels[:-1])
        total = sum(block_layers)
        # torchvision's np.linspace(0, p, total): i * p / (total - 1)
        p_stochastic = [float(v) for v in xp.linspace(0, stochastic_depth_prob, total)]
        p_idx = 0
        for in_channel, out_channel, num_layers in zip(in_channels, block_channels, block_layers):
            self.blocks.append(MaxVitBlock(in_channels=in_channel, out_channels=out_channel,
                                           squeeze_ratio=squeeze_ratio, expansion_ratio=expansion_ratio,
                                           norm_layer=norm_layer, activation_layer=activation_layer,
                                           head_dim=head_dim, mlp_ratio=mlp_ratio, mlp_dropout=mlp_dropout,
                                           attention_dropout=attention_dropout, partition_size=partition_size,
                                           input_grid_size=input_size, n_layers=num_layers,
                                           p_stochastic=p_stochastic[p_idx:p_idx + num_layers]))
            input_size = self.blocks[-1].grid_size
            p_idx += num_layers
        self.classifier = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LayerNorm(block_channels[-1]),
                                        nn.Linear(block_channels[-1], block_channels[-1]), nn.Tanh(),
                                        nn.Linear(block_channels[-1], num_classes, bias=False))
        self._init_weights()

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.classifier(x)

    def _init_weights(self):
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)


def _maxvit(stem_channels, block_channels, block_layers, stochastic_depth_prob, partition_size, head_dim,
            weights=None, progress=False, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "input_size", weights.meta["min_size"])
    input_size = kwargs.pop("input_size", (224, 224))
    model = MaxVit(stem_channels=stem_channels, block_channels=block_channels, block_layers=block_layers,
                   stochastic_depth_prob=stochastic_depth_prob, head_dim=head_dim, partition_size=partition_size,
                   input_size=input_size, **kwargs)
    return _load(model, weights, progress)


MaxVit_T_Weights = _weights_enum("MaxVit_T_Weights", __name__)
maxvit_t = _builder("maxvit_t", MaxVit_T_Weights,
                    lambda w, p, **kw: _maxvit(64, [64, 128, 256, 512], [2, 2, 5, 2], 0.2, 7, 32, weights=w,
                                               progress=p, **kw),
                    "Constructs a maxvit_t architecture from `MaxViT: Multi-Axis Vision Transformer "
                    "<https://arxiv.org/abs/2204.01697>`_.", __name__)
