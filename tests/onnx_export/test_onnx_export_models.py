"""Whole models through torch.onnx.export: the seed CIFAR CNN, an LSTM language model and a small GPT (causal
attention through F.scaled_dot_product_attention).  ONNX Runtime runs numtorch's file with numtorch's eager
numbers at two batch sizes (and two sequence lengths), and for the same weights the file PyTorch's own exporter
writes (dynamo=False) gives the same ONNX Runtime outputs."""
import io
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch
from _onnx_check import check, run_ort


def build_cnn(nn):
    """The seed example's CIFAR-10 network (s000_cifar_backward.py)."""
    return nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2),
                         nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1024, 64), nn.Linear(64, 10))


def build_lstm_lm(tm):
    nn = tm.nn

    class LM(nn.Module):
        def __init__(self, ntoken=50, ninp=16, nhid=24, nlayers=2):
            super().__init__()
            self.encoder = nn.Embedding(ntoken, ninp)
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=0.2)
            self.decoder = nn.Linear(nhid, ntoken)
            self.drop = nn.Dropout(0.2)

        def forward(self, tokens, h, c):
            emb = self.drop(self.encoder(tokens))
            out, (h, c) = self.rnn(emb, (h, c))
            logits = self.decoder(self.drop(out))
            return tm.nn.functional.log_softmax(logits.view(-1, logits.size(-1)), dim=1), h, c
    return LM()


def build_gpt(tm):
    nn, F = tm.nn, tm.nn.functional

    class Attn(nn.Module):
        def __init__(self, d, h):
            super().__init__()
            self.qkv, self.proj, self.h = nn.Linear(d, 3 * d), nn.Linear(d, d), h

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.qkv(x).split(C, dim=2)
            q = q.view(B, T, self.h, C // self.h).transpose(1, 2)
            k = k.view(B, T, self.h, C // self.h).transpose(1, 2)
            v = v.view(B, T, self.h, C // self.h).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))

    class Block(nn.Module):
        def __init__(self, d, h):
            super().__init__()
            self.ln1, self.attn, self.ln2 = nn.LayerNorm(d), Attn(d, h), nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self, vocab=40, block=16, d=16, h=2, layers=2):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(block, d)
            self.blocks = nn.ModuleList([Block(d, h) for _ in range(layers)])
            self.ln_f, self.head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)
            self.head.weight = self.wte.weight     # tied weights

        def forward(self, idx):
            B, T = idx.size()
            pos = tm.arange(0, T, dtype=tm.long)
            x = self.wte(idx) + self.wpe(pos)
            for blk in self.blocks:
                x = blk(x)
            return self.head(self.ln_f(x))
    return GPT()


def copy_weights(nt_model, t_model):
    t_model.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in nt_model.state_dict().items()})
    return t_model.eval()


def torch_onnx(model, args, **kw):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, buf, dynamo=False, **kw)
    return buf.getvalue()


def ints(shape, high, seed):
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.int64)


def rnd(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_seed_cnn_matches_eager_and_pytorch_export():
    nt.manual_seed(0)
    m = build_cnn(nt.nn).eval()
    x, x2 = rnd((2, 3, 32, 32), 0), rnd((5, 3, 32, 32), 1)
    kw = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    data = check(m, (nt.from_numpy(x),), (nt.from_numpy(x2),), **kw)
    tdata = torch_onnx(copy_weights(m, build_cnn(torch.nn)), (torch.from_numpy(x),), **kw)
    for a in (x, x2):
        np.testing.assert_allclose(run_ort(data, [a])[0], run_ort(tdata, [a])[0], rtol=1e-4, atol=1e-5)


def test_lstm_language_model_matches_eager_and_pytorch_export():
    nt.manual_seed(0)
    m = build_lstm_lm(nt).eval()
    feeds = [(ints((7, 3), 50, 0), rnd((2, 3, 24), 1), rnd((2, 3, 24), 2)),
             (ints((4, 5), 50, 3), rnd((2, 5, 24), 4), rnd((2, 5, 24), 5))]
    kw = dict(input_names=["tokens", "h0", "c0"], output_names=["logp", "h", "c"],
              dynamic_axes={"tokens": {0: "seq", 1: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"},
                            "logp": {0: "rows"}, "h": {1: "batch"}, "c": {1: "batch"}})
    data = check(m, tuple(map(nt.from_numpy, feeds[0])), tuple(map(nt.from_numpy, feeds[1])), **kw)
    tdata = torch_onnx(copy_weights(m, build_lstm_lm(torch)), tuple(map(torch.from_numpy, feeds[0])), **kw)
    for f in feeds:
        for g, w in zip(run_ort(data, list(f)), run_ort(tdata, list(f))):
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("opset", [17, 20])
def test_small_gpt_causal_attention(opset):
    nt.manual_seed(0)
    m = build_gpt(nt).eval()
    a, a2 = ints((2, 9), 40, 0), ints((3, 16), 40, 1)
    kw = dict(input_names=["idx"], output_names=["logits"], opset_version=opset,
              dynamic_axes={"idx": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})
    data = check(m, (nt.from_numpy(a),), (nt.from_numpy(a2),), **kw)
    tdata = torch_onnx(copy_weights(m, build_gpt(torch)), (torch.from_numpy(a),), **kw)
    for f in (a, a2):
        np.testing.assert_allclose(run_ort(data, [f])[0], run_ort(tdata, [f])[0], rtol=1e-4, atol=1e-5)
    # causal: logits at position t do not change when later tokens change
    b = a.copy()
    b[:, 5:] = (b[:, 5:] + 1) % 40
    np.testing.assert_allclose(run_ort(data, [a])[0][:, :5], run_ort(data, [b])[0][:, :5], rtol=1e-5, atol=1e-6)
