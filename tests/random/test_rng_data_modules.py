"""Seeded module initialisation, dropout and data shuffling equal PyTorch 2.13's (bit for bit where the
arithmetic is the same; orthogonal_ to LAPACK rounding)."""
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as NF
from conftest import torch, to_nt

import torch.nn.functional as TF

SEEDS = [0, 1, 42, 2 ** 40 + 7]


def same(got, want):
    g = got._data if isinstance(got, nt.Tensor) else np.asarray(got)
    w = want.detach().numpy() if isinstance(want, torch.Tensor) else np.asarray(want)
    assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
    assert (g == w).all(), f"{(g != w).sum()} of {g.size} differ"


def seed_both(seed):
    torch.manual_seed(seed)
    nt.manual_seed(seed)


INITS = [("uniform_", (-0.5, 0.8)), ("normal_", (0.1, 0.3)), ("xavier_uniform_", ()), ("xavier_normal_", ()),
         ("kaiming_uniform_", ()), ("kaiming_normal_", (0, "fan_out", "relu")), ("trunc_normal_", (0, 0.02)),
         ("trunc_normal_", (0.0, 1.0, -0.1, 0.1)), ("sparse_", (0.3,))]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,args", INITS)
@pytest.mark.parametrize("shape", [(5, 3), (16, 1), (30, 40)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_init_functions(seed, name, args, shape, dtype):
    seed_both(seed)
    want = getattr(torch.nn.init, name)(torch.empty(shape, dtype=getattr(torch, dtype)), *args)
    got = getattr(nt.nn.init, name)(nt.empty(shape, dtype=getattr(nt, dtype)), *args)
    same(got, want)
    same(nt.rand(2), torch.rand(2))  # the same number of draws was consumed


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 7), (16, 3), (3, 4, 5)])
def test_orthogonal_init(seed, shape):
    seed_both(seed)
    want = torch.nn.init.orthogonal_(torch.empty(shape), gain=1.5)
    got = nt.nn.init.orthogonal_(nt.empty(shape), gain=1.5)
    # same normals; the QR runs in NumPy's LAPACK instead of PyTorch's, so the last bits may differ
    np.testing.assert_allclose(got._data, want.numpy(), rtol=0, atol=2e-6)
    same(nt.rand(2), torch.rand(2))


MODULES = [lambda m: m.Linear(3, 2), lambda m: m.Conv2d(3, 8, 3), lambda m: m.Conv1d(2, 4, 5, bias=False),
           lambda m: m.ConvTranspose2d(3, 4, 3), lambda m: m.Embedding(10, 4), lambda m: m.LSTM(4, 5, 2),
           lambda m: m.GRU(3, 4, bidirectional=True), lambda m: m.RNN(3, 4), lambda m: m.MultiheadAttention(8, 2),
           lambda m: m.TransformerEncoderLayer(8, 2, 16), lambda m: m.TransformerDecoderLayer(8, 2, 16),
           lambda m: m.Bilinear(3, 4, 5), lambda m: m.BatchNorm2d(3), lambda m: m.LayerNorm(6)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("make", MODULES)
def test_module_initialisation(seed, make):
    seed_both(seed)
    tm, nm = make(torch.nn), make(nt.nn)
    tp, npar = dict(tm.named_parameters()), dict(nm.named_parameters())
    assert list(tp) == list(npar)
    for k in tp:
        same(npar[k], tp[k])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn,p,shape", [("dropout", 0.3, (4, 6, 5)), ("dropout", 0.5, (17,)), ("dropout", 1.0, (3, 4)),
                                        ("dropout1d", 0.2, (4, 6, 5)), ("dropout1d", 0.2, (6, 5)),
                                        ("dropout2d", 0.3, (4, 6, 5, 5)), ("dropout3d", 0.3, (2, 3, 4, 5, 5)),
                                        ("dropout3d", 0.3, (3, 4, 5, 5)), ("alpha_dropout", 0.2, (4, 6, 5)),
                                        ("feature_alpha_dropout", 0.4, (4, 6, 5, 5))])
def test_dropout_masks(seed, dtype, fn, p, shape):
    x = torch.randn(shape, dtype=getattr(torch, dtype), generator=torch.Generator().manual_seed(5))
    seed_both(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(getattr(NF, fn)(to_nt(x), p, True), getattr(TF, fn)(x, p, True))
    same(nt.rand(2), torch.rand(2))


@pytest.mark.parametrize("seed", SEEDS)
def test_sdpa_and_transformer_dropout(seed):
    q = torch.randn(2, 3, 7, 4, generator=torch.Generator().manual_seed(3))
    seed_both(seed)
    want = TF.scaled_dot_product_attention(q, q, q, dropout_p=0.3)
    got = NF.scaled_dot_product_attention(to_nt(q), to_nt(q), to_nt(q), dropout_p=0.3)
    np.testing.assert_allclose(got._data, want.numpy(), rtol=1e-5, atol=1e-6)
    seed_both(seed)
    tm, nm = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.2), nt.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.2)
    x = torch.randn(5, 3, 8, generator=torch.Generator().manual_seed(4))
    np.testing.assert_allclose(nm(to_nt(x))._data, tm(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    same(nt.rand(2), torch.rand(2))


@pytest.mark.parametrize("seed", SEEDS)
def test_samplers(seed):
    tu, nu = torch.utils.data, nt.utils.data
    data = list(range(37))
    seed_both(seed)
    assert list(nu.RandomSampler(data)) == list(tu.RandomSampler(data))
    assert list(nu.RandomSampler(data, num_samples=80)) == list(tu.RandomSampler(data, num_samples=80))
    assert list(nu.RandomSampler(data, replacement=True, num_samples=70)) == \
        list(tu.RandomSampler(data, replacement=True, num_samples=70))
    assert list(nu.SubsetRandomSampler(data[3:20])) == list(tu.SubsetRandomSampler(data[3:20]))
    w = [0.1, 2.0, 0.5, 3.0, 0.0, 1.0]
    assert list(nu.WeightedRandomSampler(w, 20)) == list(tu.WeightedRandomSampler(w, 20))
    assert list(nu.WeightedRandomSampler(w, 4, replacement=False)) == \
        list(tu.WeightedRandomSampler(w, 4, replacement=False))
    g, tg = nt.Generator().manual_seed(seed + 1), torch.Generator().manual_seed(seed + 1)
    assert list(nu.RandomSampler(data, generator=g, num_samples=37)) == \
        list(tu.RandomSampler(data, generator=tg, num_samples=37))
    same(g.get_state(), tg.get_state())
    assert [list(s) for s in nu.random_split(data, [0.5, 0.3, 0.2])] == \
        [list(s) for s in tu.random_split(data, [0.5, 0.3, 0.2])]
    same(nt.rand(2), torch.rand(2))


@pytest.mark.parametrize("seed", SEEDS)
def test_dataloader_shuffle_and_base_seed(seed):
    tu, nu = torch.utils.data, nt.utils.data
    x = np.arange(50, dtype=np.float32).reshape(25, 2)
    tds, nds = tu.TensorDataset(torch.from_numpy(x)), nu.TensorDataset(nt.from_numpy(x.copy()))
    seed_both(seed)
    for _ in range(2):  # two epochs
        tl, nl = tu.DataLoader(tds, batch_size=4, shuffle=True), nu.DataLoader(nds, batch_size=4, shuffle=True)
        ti, ni = iter(tl), iter(nl)
        assert ni._base_seed == ti._base_seed
        for (a,), (b,) in zip(ni, ti):
            same(a, b)
    same(nt.rand(2), torch.rand(2))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_training_noise(seed, dtype):
    x = torch.randn(40, 37, dtype=getattr(torch, dtype), generator=torch.Generator().manual_seed(2))
    seed_both(seed)
    same(NF.rrelu(to_nt(x), training=True), TF.rrelu(x, training=True))
    same(nt.rand(2), torch.rand(2))
