"""Swin Transformer v1 (Liu et al. 2021) and v2 (Liu et al. 2022): swin_t/s/b, swin_v2_t/s/b.

Shifted-window attention is written on whole tensors: windows are cut by one reshape/permute, the cyclic shift
is a ``roll``, and the shifted-window mask (tokens from different image regions may not attend to each other)
is built once per (padded size, window, shift) and cached.
"""
import functools
import math
from functools import partial

import numtorch as _torch
from ... import nn
from ..._backend import xp
from ...nn import functional as F
from ..ops.misc import MLP, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import _weights_enum
from ._utils import _builder, _ovewrite_named_param, _load
from ...fx import wrap as _fx_wrap

__all__ = ["SwinTransformer", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights", "Swin_V2_T_Weights",
           "Swin_V2_S_Weights", "Swin_V2_B_Weights", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s",
           "swin_v2_b"]


def _patch_merging_pad(x):
    """(..., H, W, C) -> (..., ceil(H/2), ceil(W/2), 4C): the four 2x2 phases side by side (odd sizes padded)."""
    H, W, _ = x.shape[-3:]
    x = F.pad(x, (0, 0, 0, W % 2, 0, H % 2))
    return _torch.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :],
                       x[..., 1::2, 1::2, :]], -1)


# as torchvision: fx records a call of the function instead of tracing through its shape-dependent code
_fx_wrap("_patch_merging_pad")


def _get_relative_position_bias(relative_position_bias_table, relative_position_index, window_size):
    """table[index] arranged as (1, heads, N, N), N the tokens of a window."""
    N = window_size[0] * window_size[1]
    bias = relative_position_bias_table[relative_position_index].view(N, N, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


_fx_wrap("_get_relative_position_bias")


def _region_labels(n, window, shift):
    """Region number of each of ``n`` positions after the cyclic shift: torchvision's three slices
    [0, n-window), [n-window, n-shift), [n-shift, n), later ones overriding earlier ones."""
    lab = xp.zeros(n, dtype=xp.int64)
    for k, (a, b) in enumerate(((0, -window), (-window, -shift), (-shift, None))):
        lab[a:b] = k
    return lab


@functools.lru_cache(maxsize=64)
def _shift_mask(pad_H, pad_W, wh, ww, sh, sw):
    """(windows, N, N) additive mask: 0 where two tokens of a shifted window come from the same region of the
    image, -100 elsewhere. Read-only; built once per shape."""
    lab = _region_labels(pad_H, wh, sh)[:, None] * 3 + _region_labels(pad_W, ww, sw)[None, :]
    lab = lab.reshape(pad_H // wh, wh, pad_W // ww, ww).transpose(0, 2, 1, 3).reshape(-1, wh * ww)
    mask = xp.where(lab[:, None, :] != lab[:, :, None], -100.0, 0.0)
    mask.setflags(write=False)
    return mask


def shifted_window_attention(input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads,
                             shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None,
                             logit_scale=None, training=True):
    """Multi-head self-attention inside (shifted) windows of an (N, H, W, C) map.

    The map is padded to multiples of the window, rolled by ``-shift``, cut into windows; per window
    ``softmax(q k^T / sqrt(d) + bias [+ mask]) v`` (v1), or with ``logit_scale``
    ``softmax(cos(q, k) * exp(min(logit_scale, log 100)) + bias [+ mask]) v`` (v2, whose key bias is zero),
    projected, and the windows put back, rolled back and unpadded.
    """
    B, H, W, C = input.shape
    wh, ww = window_size[0], window_size[1]
    pad_r = (ww - W % ww) % ww
    pad_b = (wh - H % wh) % wh
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_H, pad_W, _ = x.shape
    shift_size = list(shift_size)
    # a window covering the whole map has nothing to shift
    if wh >= pad_H:
        shift_size[0] = 0
    if ww >= pad_W:
        shift_size[1] = 0
    shifted = sum(shift_size) > 0
    if shifted:
        x = _torch.roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))

    num_windows = (pad_H // wh) * (pad_W // ww)
    N = wh * ww
    x = x.view(B, pad_H // wh, wh, pad_W // ww, ww, C).permute(0, 1, 3, 2, 4, 5).reshape(B * num_windows, N, C)

    if logit_scale is not None and qkv_bias is not None:
        length = qkv_bias.numel() // 3
        keep = xp.ones(qkv_bias.shape[0], dtype=bool)
        keep[length:2 * length] = False
        qkv_bias = qkv_bias * _torch.as_tensor(keep, dtype=qkv_bias.dtype)
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), N, 3, num_heads, C // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * _torch.clamp(logit_scale, max=math.log(100.0)).exp()
    else:
        attn = (q * (C // num_heads) ** -0.5).matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias

    if shifted:
        mask = _torch.as_tensor(_shift_mask(pad_H, pad_W, wh, ww, shift_size[0], shift_size[1]), dtype=attn.dtype)
        attn = attn.view(B, num_windows, num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, num_heads, N, N)

    attn = F.softmax(attn, dim=-1)
    attn = F.dropout(attn, p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), N, C)
    x = F.linear(x, proj_weight, proj_bias)
    x = F.dropout(x, p=dropout, training=training)

    x = x.view(B, pad_H // wh, pad_W // ww, wh, ww, C).permute(0, 1, 3, 2, 4, 5).reshape(B, pad_H, pad_W, C)
    if shifted:
        x = _torch.roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :H, :W, :].contiguous()


_fx_wrap("shifted_window_attention")


class PatchMerging(nn.Module):
    """(..., H, W, C) -> (..., H/2, W/2, 2C): 2x2 neighbours concatenated, LayerNorm(4C), Linear(4C, 2C)."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin v2's patch merging: Linear(4C, 2C) first, then LayerNorm(2C)."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(_patch_merging_pad(x)))


def _relative_position_index(window_size):
    """(N*N,) index into the (2Wh-1)(2Ww-1) table of the offset (dy, dx) between every pair of window tokens."""
    wh, ww = window_size
    yy, xx = xp.meshgrid(xp.arange(wh), xp.arange(ww), indexing="ij")
    yy, xx = yy.ravel(), xx.ravel()
    dy = yy[:, None] - yy[None, :] + wh - 1
    dx = xx[:, None] - xx[None, :] + ww - 1
    return _torch.as_tensor((dy * (2 * ww - 1) + dx).ravel(), dtype=_torch.int64)


class ShiftedWindowAttention(nn.Module):
    """See :func:`shifted_window_attention`; the bias is a learned table over relative offsets (trunc-normal,
    std 0.02)."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True,
                 attention_dropout=0.0, dropout=0.0):
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        self.relative_position_bias_table = nn.Parameter(
            _torch.zeros((2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1), self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        self.register_buffer("relative_position_index", _relative_position_index(self.window_size))

    def get_relative_position_bias(self):
        return _get_relative_position_bias(self.relative_position_bias_table, self.relative_position_index,
                                           self.window_size)

    def forward(self, x):
        bias = self.get_relative_position_bias()   # first, as torchvision: fx traces list nodes in its order
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight, bias,
                                        self.window_size, self.num_heads, shift_size=self.shift_size,
                                        attention_dropout=self.attention_dropout, dropout=self.dropout,
                                        qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, training=self.training)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin v2's window attention: scaled cosine attention (per-head ``logit_scale``, initialised to log 10) and a
    continuous position bias ``16 sigmoid(MLP(log-spaced offsets))`` (``cpb_mlp``: Linear(2, 512) -> ReLU ->
    Linear(512, heads))."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True,
                 attention_dropout=0.0, dropout=0.0):
        super().__init__(dim, window_size, shift_size, num_heads, qkv_bias=qkv_bias, proj_bias=proj_bias,
                         attention_dropout=attention_dropout, dropout=dropout)
        self.logit_scale = nn.Parameter(_torch.log(10 * _torch.ones((num_heads, 1, 1))))
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True),
                                     nn.Linear(512, num_heads, bias=False))
        if qkv_bias:
            length = self.qkv.bias.numel() // 3
            with _torch.no_grad():
                self.qkv.bias[length:2 * length].zero_()

    def define_relative_position_bias_table(self):
        # offsets scaled to [-8, 8], then sign(t) * log2(1 + |t|) / 3
        wh, ww = self.window_size
        dy = xp.arange(-(wh - 1), wh, dtype=xp.float32)
        dx = xp.arange(-(ww - 1), ww, dtype=xp.float32)
        table = xp.stack(xp.meshgrid(dy, dx, indexing="ij"), axis=-1)[None]  # 1, 2Wh-1, 2Ww-1, 2
        table[..., 0] /= wh - 1
        table[..., 1] /= ww - 1
        table *= 8
        table = xp.sign(table) * xp.log2(xp.abs(table) + 1.0) / 3.0
        self.register_buffer("relative_coords_table", _torch.as_tensor(table.astype(xp.float32)))

    def get_relative_position_bias(self):
        bias = _get_relative_position_bias(self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
                                           self.relative_position_index, self.window_size)
        return 16 * _torch.sigmoid(bias)

    def forward(self, x):
        bias = self.get_relative_position_bias()   # first, as torchvision: fx traces list nodes in its order
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight, bias,
                                        self.window_size, self.num_heads, shift_size=self.shift_size,
                                        attention_dropout=self.attention_dropout, dropout=self.dropout,
                                        qkv_bias=self.qkv.bias, proj_bias=self.proj.bias,
                                        logit_scale=self.logit_scale, training=self.training)


class SwinTransformerBlock(nn.Module):
    """x + SD(attn(norm1(x))), then x + SD(MLP(norm2(x))); MLP: Linear(dim, mlp_ratio dim) -> GELU -> Linear."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttention):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout,
                               dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin v2's residual post-norm: x + SD(norm1(attn(x))), then x + SD(norm2(MLP(x)))."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttentionV2):
        super().__init__(dim, num_heads, window_size, shift_size, mlp_ratio=mlp_ratio, dropout=dropout,
                         attention_dropout=attention_dropout, stochastic_depth_prob=stochastic_depth_prob,
                         norm_layer=norm_layer, attn_layer=attn_layer)

    def forward(self, x):
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """Patch embedding (patch_size-strided convolution -> channels last -> LayerNorm), stages of Swin blocks
    (even blocks plain windows, odd ones shifted by half a window; stochastic depth rising linearly to
    ``stochastic_depth_prob``) with patch merging between them, LayerNorm, global average pool, Linear head.
    Init: every Linear trunc_normal_(std 0.02) with zero bias."""

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=1000, norm_layer=None, block=None,
                 downsample_layer=PatchMerging):
        super().__init__()
        self.num_classes = num_classes
        if block is None:
            block = SwinTransformerBlock
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-5)
        layers = [nn.Sequential(nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]),
                                          stride=(patch_size[0], patch_size[1])),
                                Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total = sum(depths)
        block_id = 0
        for i_stage in range(len(depths)):
            stage = []
            dim = embed_dim * 2 ** i_stage
            for i_layer in range(depths[i_stage]):
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=stochastic_depth_prob * float(block_id) / (total - 1),
                                   norm_layer=norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.norm(self.features(x))
        return self.head(self.flatten(self.avgpool(self.permute(x))))


def _swin_transformer(patch_size, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, weights,
                      progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = SwinTransformer(patch_size=patch_size, embed_dim=embed_dim, depths=depths, num_heads=num_heads,
                            window_size=window_size, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return _load(model, weights, progress)


def _variant(tag, embed_dim, depths, heads, sd, v2):
    enum = _weights_enum(f"Swin_{tag.upper()}_Weights", __name__)
    window = [8, 8] if v2 else [7, 7]
    extra = dict(block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2) if v2 else {}

    def build(weights, progress, **kwargs):
        return _swin_transformer([4, 4], embed_dim, list(depths), list(heads), list(window), sd, weights, progress,
                                 **extra, **kwargs)
    size = {"t": "tiny", "s": "small", "b": "base"}[tag[-1]]
    paper = ("`Swin Transformer V2: Scaling Up Capacity and Resolution <https://arxiv.org/abs/2111.09883>`_"
             if v2 else "`Swin Transformer: Hierarchical Vision Transformer using Shifted Windows "
             "<https://arxiv.org/abs/2103.14030>`_")
    return enum, _builder(f"swin_{tag}", enum, build,
                          f"Constructs a swin_{'v2_' if v2 else ''}{size} architecture from {paper}.", __name__)


Swin_T_Weights, swin_t = _variant("t", 96, (2, 2, 6, 2), (3, 6, 12, 24), 0.2, False)
Swin_S_Weights, swin_s = _variant("s", 96, (2, 2, 18, 2), (3, 6, 12, 24), 0.3, False)
Swin_B_Weights, swin_b = _variant("b", 128, (2, 2, 18, 2), (4, 8, 16, 32), 0.5, False)
Swin_V2_T_Weights, swin_v2_t = _variant("v2_t", 96, (2, 2, 6, 2), (3, 6, 12, 24), 0.2, True)
Swin_V2_S_Weights, swin_v2_s = _variant("v2_s", 96, (2, 2, 18, 2), (3, 6, 12, 24), 0.3, True)
Swin_V2_B_Weights, swin_v2_b = _variant("v2_b", 128, (2, 2, 18, 2), (4, 8, 16, 32), 0.5, True)
