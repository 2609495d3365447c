"""torch.onnx.export of every supported layer and tensor op: the file passes onnx.checker and ONNX Runtime
gives numtorch's eager outputs (float32, rtol 1e-4), also at another batch size when the batch is dynamic."""
import numpy as np
import pytest

import numtorch as nt
from numtorch import nn
import numtorch.nn.functional as F
from conftest import torch  # noqa: F401  (the oracle must be installed)
from _onnx_check import check

DYN = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})


def r(*shape, seed=0):
    return nt.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


class Lambda(nn.Module):
    def __init__(self, fn, *mods):
        super().__init__()
        self.fn = fn
        self.mods = nn.ModuleList(mods)

    def forward(self, *x):
        return self.fn(*x)


LAYERS = {
    "linear": (lambda: nn.Linear(6, 4), (5, 6)),
    "linear3d": (lambda: nn.Linear(6, 4), (2, 3, 6)),
    "conv1d": (lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    "conv2d": (lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, dilation=1), (2, 4, 7, 7)),
    "conv2d_dil": (lambda: nn.Conv2d(3, 4, 3, stride=2, dilation=2, bias=False), (2, 3, 9, 9)),
    "conv2d_same": (lambda: nn.Conv2d(3, 4, 4, padding="same"), (2, 3, 7, 7)),
    "conv3d": (lambda: nn.Conv3d(2, 3, 3, padding=1), (2, 2, 4, 5, 5)),
    "convT1d": (lambda: nn.ConvTranspose1d(3, 2, 3, stride=2), (2, 3, 5)),
    "convT2d": (lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), (2, 3, 4, 4)),
    "convT3d": (lambda: nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1, output_padding=1), (2, 2, 3, 4, 3)),
    "convT3d_dil": (lambda: nn.ConvTranspose3d(2, 4, (2, 3, 1), dilation=(1, 2, 1), bias=False), (2, 2, 3, 4, 3)),
    "maxpool1d": (lambda: nn.MaxPool1d(2), (2, 3, 8)),
    "maxpool2d": (lambda: nn.MaxPool2d(3, stride=2, padding=1), (2, 3, 8, 8)),
    "maxpool2d_ceil": (lambda: nn.MaxPool2d(2, ceil_mode=True), (2, 3, 7, 7)),
    "avgpool1d": (lambda: nn.AvgPool1d(2), (2, 3, 8)),
    "avgpool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), (2, 3, 8, 8)),
    "avgpool2d_nopad": (lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), (2, 3, 8, 8)),
    "adaptive_avg1": (lambda: nn.AdaptiveAvgPool2d(1), (2, 3, 6, 6)),
    "adaptive_avg2": (lambda: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 6, 6)),
    "adaptive_max1": (lambda: nn.AdaptiveMaxPool2d(1), (2, 3, 6, 6)),
    "adaptive_max2": (lambda: nn.AdaptiveMaxPool2d(2), (2, 3, 6, 6)),
    "batchnorm1d": (lambda: nn.BatchNorm1d(4), (3, 4)),
    "batchnorm2d": (lambda: nn.BatchNorm2d(3), (2, 3, 5, 5)),
    "layernorm": (lambda: nn.LayerNorm(6), (2, 3, 6)),
    "layernorm2": (lambda: nn.LayerNorm((3, 6), elementwise_affine=False), (2, 3, 6)),
    "groupnorm": (lambda: nn.GroupNorm(2, 4), (2, 4, 5, 5)),
    "instancenorm": (lambda: nn.InstanceNorm2d(3, affine=True), (2, 3, 5, 5)),
    "relu": (nn.ReLU, (2, 7)), "gelu": (nn.GELU, (2, 7)), "gelu_tanh": (lambda: nn.GELU("tanh"), (2, 7)),
    "sigmoid": (nn.Sigmoid, (2, 7)), "tanh": (nn.Tanh, (2, 7)), "softmax": (lambda: nn.Softmax(-1), (2, 7)),
    "log_softmax": (lambda: nn.LogSoftmax(1), (2, 7)), "leaky_relu": (lambda: nn.LeakyReLU(0.1), (2, 7)),
    "elu": (nn.ELU, (2, 7)), "selu": (nn.SELU, (2, 7)), "celu": (lambda: nn.CELU(0.5), (2, 7)),
    "silu": (nn.SiLU, (2, 7)), "hardswish": (nn.Hardswish, (2, 7)), "hardsigmoid": (nn.Hardsigmoid, (2, 7)),
    "softplus": (nn.Softplus, (2, 7)), "mish": (nn.Mish, (2, 7)), "relu6": (nn.ReLU6, (2, 7)),
    "hardtanh": (lambda: nn.Hardtanh(-0.5, 0.5), (2, 7)), "logsigmoid": (nn.LogSigmoid, (2, 7)),
    "softsign": (nn.Softsign, (2, 7)), "tanhshrink": (nn.Tanhshrink, (2, 7)),
    "dropout": (lambda: nn.Dropout(0.5), (2, 7)), "flatten": (nn.Flatten, (2, 3, 4)),
    "identity": (nn.Identity, (2, 3)),
    "maxpool3d": (lambda: nn.MaxPool3d(2), (1, 2, 4, 4, 4)), "avgpool3d": (lambda: nn.AvgPool3d(2), (1, 2, 4, 4, 4)),
    "adaptive_avg3d": (lambda: nn.AdaptiveAvgPool3d(1), (1, 2, 4, 4, 4)),
    "batchnorm3d": (lambda: nn.BatchNorm3d(2), (1, 2, 3, 3, 3)),
    "upsample_nearest": (lambda: nn.Upsample(scale_factor=2, mode="nearest"), (1, 2, 3, 3)),
    "pixel_shuffle": (lambda: nn.PixelShuffle(2), (1, 4, 3, 3)), "glu": (nn.GLU, (2, 4)),
    "prelu": (nn.PReLU, (2, 4)), "softmin": (lambda: nn.Softmin(1), (2, 4)),
}


@pytest.mark.parametrize("opset", [17, 18, 21])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_exports_and_runs_at_two_batch_sizes(name, opset):
    make, shape = LAYERS[name]
    nt.manual_seed(0)
    m = make()
    x, x2 = r(*shape), r(*((shape[0] + 3,) + shape[1:]), seed=1)
    check(m, (x,), (x2,), opset_version=opset, **DYN)


def test_avg_pool_divisor_override_and_attention_masks():
    check(Lambda(lambda x: F.avg_pool2d(x, 2, divisor_override=3)), (r(2, 3, 6, 6),), (r(4, 3, 6, 6),), **DYN)
    nt.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    causal = nt.triu(nt.ones(5, 5, dtype=nt.bool), 1)
    wrap = Lambda(lambda q: mha(q, q, q, attn_mask=causal, need_weights=False)[0], mha)
    check(wrap, (r(2, 5, 8),), (r(3, 5, 8, seed=1),), **DYN)
    fmask = r(5, 5, seed=3)
    check(Lambda(lambda q: F.scaled_dot_product_attention(q, q, q, attn_mask=fmask)), (r(2, 2, 5, 4),),
          (r(3, 2, 5, 4, seed=1),), **DYN)


def test_batchnorm_running_stats_used_in_eval():
    nt.manual_seed(0)
    m = nn.BatchNorm2d(3)
    m(r(4, 3, 5, 5) * 3 + 1)          # updates running stats
    check(m, (r(2, 3, 5, 5),), (r(3, 3, 5, 5),), **DYN)


def test_embedding():
    nt.manual_seed(0)
    m = nn.Embedding(10, 4)
    ids = nt.tensor([[1, 2, 3], [4, 5, 9]])
    check(m, (ids,), (nt.tensor([[0, 7, 3], [4, 5, 9], [1, 1, 1]]),), **DYN)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first,layers,bidir", [(False, 1, False), (True, 2, False), (False, 2, True)])
def test_recurrent(kind, batch_first, layers, bidir):
    nt.manual_seed(0)
    extra = {"nonlinearity": "relu"} if kind == "RNN" and batch_first else {}
    m = getattr(nn, kind)(5, 6, num_layers=layers, batch_first=batch_first, bidirectional=bidir, **extra)
    bdim = 0 if batch_first else 1
    shape = (3, 4, 5)
    x = r(*shape)
    shape2 = list(shape)
    shape2[bdim] += 2
    shape2[1 - bdim] += 1
    x2 = r(*shape2, seed=1)
    dyn = {"x": {bdim: "batch", 1 - bdim: "seq"}}
    outs = ["y", "h"] + (["c"] if kind == "LSTM" else [])
    check(m, (x,), (x2,), input_names=["x"], output_names=outs, dynamic_axes=dyn)


def test_lstm_with_initial_state():
    nt.manual_seed(0)
    m = nn.LSTM(4, 3, num_layers=2)
    x, h, c = r(5, 2, 4), r(2, 2, 3, seed=2), r(2, 2, 3, seed=3)
    check(m.eval(), (x, (h, c)))


def test_multihead_attention_and_encoder_layer():
    nt.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    wrap = Lambda(lambda q: mha(q, q, q, need_weights=False)[0], mha)
    check(wrap, (r(2, 5, 8),), (r(3, 5, 8, seed=1),), **DYN)
    mha2 = nn.MultiheadAttention(8, 2)
    check(mha2, (r(5, 2, 8), r(6, 2, 8, seed=1), r(6, 2, 8, seed=2)))
    enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    check(enc, (r(2, 5, 8),), (r(4, 5, 8, seed=1),), **DYN)
    enc2 = nn.TransformerEncoderLayer(8, 2, 16, norm_first=True, activation="gelu")
    check(enc2, (r(5, 2, 8),))


TENSOR_OPS = {
    "reshape_view": lambda x: x.reshape(x.shape[0], -1).view(x.shape[0], 4, -1),
    "permute_transpose": lambda x: x.permute(0, 2, 1, 3).transpose(1, 3).contiguous(),
    "cat_stack": lambda x: nt.cat([nt.stack([x, x * 2], 1).sum(1), x], 2),
    "slicing": lambda x: x[:, 1:3, ::2, -1] + x[:, :2, 1, :2].sum(-1, keepdim=True),
    "index_none_ellipsis": lambda x: x[..., None, 1:] * 2,
    "index_list": lambda x: x[:, [2, 0, 1]],
    "gather": lambda x: nt.gather(x, 3, nt.zeros(x.shape[:3] + (2,), dtype=nt.long) + 1),
    "matmul_bmm": lambda x: nt.bmm(x[:, 0], x[:, 1].transpose(1, 2)) + (x @ x.transpose(-1, -2)).sum(1),
    "reductions": lambda x: (x.sum((2, 3)), x.mean(1), x.amax(-1), x.max(2)[0], x.min(2).values, x.var(1),
                             x.std(-1, keepdim=True).squeeze(-1), x.argmax(-1), x.prod(-1), nt.logsumexp(x, 1)),
    "arith": lambda x: (x + 1, 2 - x, x * x, x / 3, 1 / (x.abs() + 1), x ** 2, (x.abs() + 0.1).pow(0.5),
                        (x.abs() + 0.1).sqrt(), x.exp(), (x.abs() + 0.1).log(), -x, x.clamp(-0.5, 0.5),
                        x.clamp(min=0), nt.rsqrt(x.abs() + 1), x.abs() % 1 if False else x.floor() * 0 + x),
    "compare_where": lambda x: (nt.where(x > 0, x, 0.0), (x >= 0) & (x < 1), x == x, x != 0, ~(x <= 0),
                                x.masked_fill(x < -0.5, float("-inf")), nt.maximum(x, x.flip(-1))),
    "expand_squeeze": lambda x: (x[:, :1].expand(-1, 3, -1, -1), x.unsqueeze(1).squeeze(1), x[:, :, :1].squeeze(2)),
    "split_chunk": lambda x: tuple(x.split(1, 1)) + tuple(x.chunk(2, 2)) + tuple(x.split([1, 3], -1)),
    "unbind": lambda x: tuple(x.unbind(1)),
    "arange_mask": lambda x: x.masked_fill(nt.arange(x.shape[-1])[None, :] > nt.arange(x.shape[-2])[:, None],
                                           0.0),
    "tril_ones": lambda x: x * nt.tril(nt.ones(x.shape[-2], x.shape[-1])),
    "cast": lambda x: ((x > 0).float() + (x > 0).long().to(nt.float32), x.to(nt.float64) * 2),
    "softmax_dims": lambda x: (F.softmax(x, 1), F.log_softmax(x, -2)),
    "cumsum_repeat": lambda x: (x.cumsum(2), x.repeat(1, 2, 1, 1)),
    "trig": lambda x: (x.sin(), x.cos(), x.tanh(), x.sigmoid(), nt.erf(x)),
    "more_math": lambda x: ((x.abs() + 1).log1p(), (x.abs() + 1).log2(), (x.abs() + 1).log10(), x.expm1(),
                            x.atan(), x.sinh(), x.cosh(), x.floor(), x.ceil(), x.sign(), x.amin(1),
                            x.argmin(2), x.min(), x.max(), nt.reciprocal(x.abs() + 1)),
    "more_act": lambda x: (F.softshrink(x, 0.3), F.hardshrink(x, 0.3), F.threshold(x, 0.1, -2.0),
                           F.celu(x, 2.0), F.softplus(x, beta=2.0, threshold=1.0)),
    "index_select_flip_pad": lambda x: (x.index_select(1, nt.tensor([2, 0])), x.flip((1, 3)),
                                        F.pad(x, (1, 2, 0, 1), value=0.5), nt.triu(x, 1)),
    "einsum_addmm": lambda x: (nt.einsum("bchw,bcwk->bchk", x, x), nt.addmm(x[0, 0], x[0, 1], x[0, 2], beta=0.5,
                                                                            alpha=2.0)),
}


@pytest.mark.parametrize("opset", [17, 18, 21])
@pytest.mark.parametrize("name", sorted(TENSOR_OPS))
def test_tensor_ops(name, opset):
    fn = TENSOR_OPS[name]
    m = Lambda(fn)
    x = r(2, 3, 4, 4)
    outs = fn(x)
    n = len(outs) if isinstance(outs, tuple) else 1
    names = [f"y{i}" for i in range(n)]
    check(m, (x,), (r(5, 3, 4, 4, seed=1),), input_names=["x"], output_names=names,
          dynamic_axes={"x": {0: "batch"}}, opset_version=opset)


def test_sequence_dynamic_ops():
    """Sizes read from the input (x.size(1), arange(T), buffer slices [:T]) follow a dynamic sequence length."""
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mask", nt.tril(nt.ones(16, 16)).view(1, 16, 16))
            self.pos = nn.Embedding(16, 4)

        def forward(self, x):
            B, T, C = x.size()
            pos = self.pos(nt.arange(0, T, dtype=nt.long))
            att = (x @ x.transpose(1, 2)).masked_fill(self.mask[:, :T, :T] == 0, float("-inf"))
            y = F.softmax(att, -1) @ (x + pos)
            return y.view(B * T, C).reshape(B, T, C)[:, -1, :]
    nt.manual_seed(0)
    m = M()
    check(m, (r(2, 5, 4),), (r(3, 7, 4, seed=1),), input_names=["x"], output_names=["y"],
          dynamic_axes={"x": {0: "batch", 1: "seq"}, "y": {0: "batch"}})


@pytest.mark.parametrize("opset", [17, 18, 19, 20, 21])
def test_opsets(opset):
    nt.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.LayerNorm(8), nn.Linear(8, 3), nn.Softmax(-1))
    data = check(m, (r(2, 4),), (r(5, 4, seed=1),), opset_version=opset, **DYN)
    import onnx
    assert onnx.load_from_string(data).opset_import[0].version == opset


class _Block(nn.Module):
    """A ResNet basic block written with in-place ops (``out += identity``, ``ReLU(inplace=True)``, setitem)."""

    def __init__(self, c):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.c2, self.b2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(self.b1(self.c1(x)))
        out = self.b2(self.c2(out))
        out += x
        out = self.relu(out)
        out[:, 0] = 0.0
        out[:, 1:3, :2] = out[:, 1:3, -2:] * 2
        out.mul_(2).clamp_(max=5)
        return F.hardswish(out, inplace=True)


def test_inplace_ops_and_index_assignment():
    nt.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 4, 3), _Block(4), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))
    check(m, (r(1, 3, 10, 10),), (r(3, 3, 10, 10, seed=1),), **DYN)

    def view_write(x):
        y = x * 1
        v = y[:, 1]
        v += 1          # an in-place change of a view reaches its base
        return y
    check(Lambda(view_write), (r(2, 4, 5),))
