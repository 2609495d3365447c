"""The less common torch.* functions of numtorch/_native.py (and the strided family) against PyTorch: values,
dtypes, gradients, errors."""
import warnings

import numpy as np
import pytest

from conftest import torch, to_torch, to_nt, assert_close

import numtorch as nt


def _pair(*shape, seed=0, dtype="float64", grad=True):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return torch.tensor(x, requires_grad=grad), nt.tensor(x, requires_grad=grad)


def _grads(t_out, n_out, t_in, n_in, seed=9):
    g = np.random.default_rng(seed).standard_normal(tuple(t_out.shape)).astype(str(t_out.dtype).split(".")[-1])
    tg = torch.autograd.grad(t_out, t_in, torch.tensor(g), allow_unused=True)
    ng = nt.autograd.grad(n_out, n_in, nt.tensor(g), allow_unused=True)
    for a, b in zip(ng, tg):
        assert_close(a, b)


def _same_error(fn_t, fn_n):
    with pytest.raises(Exception) as te:
        fn_t()
    with pytest.raises(type(te.value)) as ne:
        fn_n()
    assert str(ne.value) == str(te.value)


def test_fill():
    tx, nx = _pair(3, 4)
    tv, nv = _pair(seed=1)
    t, n = torch.fill(tx, tv), nt.fill(nx, nv)
    assert_close(n, t)
    _grads(t, n, [tx, tv], [nx, nv])
    assert_close(nt.fill(nt.ones(2, 3, dtype=nt.int32), 2.7), torch.fill(torch.ones(2, 3, dtype=torch.int32), 2.7))
    _same_error(lambda: torch.fill(tx, torch.ones(2)), lambda: nt.fill(nx, nt.ones(2)))


def test_scalar_tensor_empty_permuted_nonzero_static():
    for v in (3, True, 2.5):
        assert_close(nt.scalar_tensor(v), torch.scalar_tensor(v))
    assert_close(nt.scalar_tensor(3, dtype=nt.int64), torch.scalar_tensor(3, dtype=torch.int64))
    t, n = torch.empty_permuted((2, 3, 4), (2, 0, 1)), nt.empty_permuted((2, 3, 4), (2, 0, 1))
    assert tuple(n.shape) == tuple(t.shape) and n.stride() == t.stride()
    _same_error(lambda: torch.empty_permuted((2, 3), (0, 0)), lambda: nt.empty_permuted((2, 3), (0, 0)))
    _same_error(lambda: torch.empty_permuted((2, 3, 4), (0, 1)), lambda: nt.empty_permuted((2, 3, 4), (0, 1)))
    x = np.random.default_rng(0).standard_normal((3, 4)) > 0
    for size, fill in ((0, -1), (3, -1), (20, 7)):
        assert_close(nt.nonzero_static(nt.tensor(x), size=size, fill_value=fill),
                     torch.nonzero_static(torch.tensor(x), size=size, fill_value=fill))
    _same_error(lambda: torch.nonzero_static(torch.tensor(x), size=-1),
                lambda: nt.nonzero_static(nt.tensor(x), size=-1))


def test_deprecated_norms():
    tx, nx = _pair(3, 4, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in (([1, 2],), ([0], True), (2,)):
            t, n = torch.frobenius_norm(tx, *args), nt.frobenius_norm(nx, *args)
            assert_close(n, t)
            _grads(t, n, [tx], [nx])
        _same_error(lambda: torch.frobenius_norm(tx, [0, 1, 2]), lambda: nt.frobenius_norm(nx, [0, 1, 2]))
        t, n = torch.nuclear_norm(tx, (1, 2)), nt.nuclear_norm(nx, (1, 2))
        assert_close(n, t)
        _grads(t, n, [tx], [nx])
        t2, n2 = _pair(3, 4, seed=3)
        assert_close(nt.nuclear_norm(n2, True), torch.nuclear_norm(t2, True))
        assert_close(nt.nuclear_norm(nx), torch.nuclear_norm(tx))
        with pytest.warns(UserWarning, match="deprecated"):
            nt.nuclear_norm(n2)
    for p, d in ((2, 0), (2, 1), (3, 2), (2, -1)):
        t, n = torch.norm_except_dim(tx, p, d), nt.norm_except_dim(nx, p, d)
        assert_close(n, t)
        _grads(t, n, [tx], [nx])


def test_native_norm_sparse_only():
    x = torch.randn(3, 4).relu()
    assert_close(nt.native_norm(to_nt(x).to_sparse()), torch.native_norm(x.to_sparse()))
    with pytest.raises(NotImplementedError):
        torch.native_norm(x)
    with pytest.raises(NotImplementedError):
        nt.native_norm(to_nt(x))


@pytest.mark.parametrize("training", [True, False])
def test_native_batch_norm(training):
    tx, nx = _pair(4, 3, 5)
    tw, nw = _pair(3, seed=1)
    tb, nb = _pair(3, seed=2)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    nrm, nrv = to_nt(trm), to_nt(trv)
    t = torch.native_batch_norm(tx, tw, tb, trm, trv, training, 0.1, 1e-5)
    n = nt.native_batch_norm(nx, nw, nb, nrm, nrv, training, 0.1, 1e-5)
    for a, b in zip(n, t):
        assert_close(a, b)
    assert_close(nrm, trm)
    assert_close(nrv, trv)
    _grads(t[0], n[0], [tx, tw, tb], [nx, nw, nb])


def test_native_layer_and_group_norm():
    tx, nx = _pair(2, 4, 6)
    tw, nw = _pair(6, seed=1)
    tb, nb = _pair(6, seed=2)
    t, n = torch.native_layer_norm(tx, [6], tw, tb, 1e-5), nt.native_layer_norm(nx, [6], nw, nb, 1e-5)
    for a, b in zip(n, t):
        assert_close(a, b)
    _grads(t[0], n[0], [tx, tw, tb], [nx, nw, nb])
    t = torch.native_layer_norm(tx, [4, 6], None, None, 1e-5)
    n = nt.native_layer_norm(nx, [4, 6], None, None, 1e-5)
    for a, b in zip(n, t):
        assert_close(a, b)
    tw, nw = _pair(4, seed=1)
    tb, nb = _pair(4, seed=2)
    t = torch.native_group_norm(tx, tw, tb, 2, 4, 6, 2, 1e-5)
    n = nt.native_group_norm(nx, nw, nb, 2, 4, 6, 2, 1e-5)
    for a, b in zip(n, t):
        assert_close(a, b)
    _grads(t[0], n[0], [tx, tw, tb], [nx, nw, nb])


@pytest.mark.parametrize("train", [True, False, None])
def test_native_dropout_same_stream(train):
    tx, nx = _pair(5, 7, dtype="float32")
    torch.manual_seed(3)
    nt.manual_seed(3)
    t, n = torch.native_dropout(tx, 0.4, train), nt.native_dropout(nx, 0.4, train)
    assert_close(n[0], t[0])
    assert_close(n[1], t[1])
    _grads(t[0], n[0], [tx], [nx])


def test_native_channel_shuffle_conv_tbc():
    tx, nx = _pair(2, 6, 3, 3)
    assert_close(nt.native_channel_shuffle(nx, 3), torch.native_channel_shuffle(tx, 3))
    ti, ni = _pair(7, 2, 3)
    tw, nw = _pair(3, 3, 4, seed=1)
    tb, nb = _pair(4, seed=2)
    for pad in (0, 1):
        t, n = torch.conv_tbc(ti, tw, tb, pad), nt.conv_tbc(ni, nw, nb, pad)
        assert_close(n, t)
        _grads(t, n, [ti, tw, tb], [ni, nw, nb])


@pytest.mark.parametrize("mode,pad", [(0, 0), (0, 1), (1, 0), (2, 0), (2, 2)])
def test_grid_sampler_codes(mode, pad):
    ti, ni = _pair(2, 3, 5, 6)
    tg, ng = _pair(2, 4, 3, 2, seed=1)
    t, n = torch.grid_sampler(ti, tg, mode, pad, False), nt.grid_sampler(ni, ng, mode, pad, False)
    assert_close(n, t)
    _grads(t, n, [ti, tg], [ni, ng])
    assert_close(nt.grid_sampler_2d(ni, ng, mode, pad, True), torch.grid_sampler_2d(ti, tg, mode, pad, True))
    if mode != 2:
        ti3, ni3 = _pair(1, 2, 3, 4, 5)
        tg3, ng3 = _pair(1, 2, 2, 2, 3, seed=2)
        assert_close(nt.grid_sampler_3d(ni3, ng3, mode, pad, False), torch.grid_sampler_3d(ti3, tg3, mode, pad, False))
    th, nh = _pair(2, 2, 3, seed=4)
    t, n = torch.affine_grid_generator(th, [2, 3, 4, 5], False), nt.affine_grid_generator(nh, [2, 3, 4, 5], False)
    assert_close(n, t)
    _grads(t, n, [th], [nh])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,padding_idx,ilo,psw", [(0, None, False, False), (1, None, False, False),
                                                      (2, None, False, False), (0, 2, False, False),
                                                      (1, 2, False, False), (2, 2, False, False),
                                                      (1, None, True, False), (0, None, True, True)])
def test_embedding_bag_aten_tuple(dtype, mode, padding_idx, ilo, psw):
    tw, nw = _pair(10, 3, dtype=dtype)
    idx = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    off = torch.tensor([0, 3, 3, 8] if ilo else [0, 4, 4])
    tp = torch.rand(8, dtype=getattr(torch, dtype)) if psw else None
    t = torch.embedding_bag(tw, idx, off, False, mode, False, tp, ilo, padding_idx)
    n = nt.embedding_bag(nw, to_nt(idx), to_nt(off), False, mode, False, None if tp is None else to_nt(tp), ilo,
                         padding_idx)
    for a, b in zip(n, t):
        assert_close(a, b)
    _grads(t[0], n[0], [tw], [nw])
    if padding_idx is None:  # the overload without padding_idx
        t = torch.embedding_bag(tw.detach(), idx, off, False, mode, False, tp, ilo)
        n = nt.embedding_bag(nw.detach(), to_nt(idx), to_nt(off), False, mode, False,
                             None if tp is None else to_nt(tp), ilo)
        for a, b in zip(n, t):
            assert_close(a, b)


@pytest.mark.parametrize("bins,kw", [(4, {}), ([3, 5], {"range": [-1.0, 1.0, -2.0, 0.5]}), (3, {"density": True}),
                                     (4, {"weight": True})])
def test_histogramdd(bins, kw):
    x = np.random.default_rng(0).standard_normal((50, 2)).astype("float32")
    if kw.get("weight"):
        w = np.random.default_rng(1).random(50).astype("float32")
        kw = {"weight": torch.tensor(w)}
        nkw = {"weight": nt.tensor(w)}
    else:
        nkw = kw
    t = torch.histogramdd(torch.tensor(x), bins, **kw)
    n = nt.histogramdd(nt.tensor(x), bins, **nkw)
    assert_close(n.hist, t.hist)
    for a, b in zip(n.bin_edges, t.bin_edges):
        assert_close(a, b)
    edges = [torch.tensor([-3.0, 0.0, 1.0, 3.0]), torch.tensor([-1.0, 2.0])]
    t = torch.histogramdd(torch.tensor(x), edges)
    n = nt.histogramdd(nt.tensor(x), [to_nt(e) for e in edges])
    assert_close(n.hist, t.hist)


def test_binomial_distribution():
    count = torch.full((20000,), 10.0)
    prob = torch.full((20000,), 0.3)
    n = nt.binomial(to_nt(count), to_nt(prob))
    t = torch.binomial(count, prob)
    assert str(n.dtype) == str(t.dtype) and tuple(n.shape) == tuple(t.shape)
    a = n._data
    assert a.min() >= 0 and a.max() <= 10 and abs(a.mean() - 3.0) < 0.05 and abs(a.var() - 2.1) < 0.1


@pytest.mark.parametrize("name,bidirectional,batch_first,proj",
                         [(n, False, False, 0) for n in ("RNN", "LSTM", "GRU")] +
                         [(n, True, True, 0) for n in ("RNN", "LSTM", "GRU")] + [("LSTM", False, True, 2)])
def test_functional_rnns(name, bidirectional, batch_first, proj):
    torch.manual_seed(0)
    kw = {"proj_size": proj} if proj else {}
    m = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=bidirectional, batch_first=batch_first,
                                dtype=torch.float64, **kw)
    params_t = list(m._flat_weights)
    params_n = [nt.tensor(p.detach().numpy(), requires_grad=True) for p in params_t]
    tx, nx = _pair(5, 2, 3)
    nd = 2 if bidirectional else 1
    hsz = proj or 4
    th, nh = _pair(2 * nd, 5 if batch_first else 2, hsz, seed=1)
    if batch_first:
        tx, nx = _pair(2, 5, 3)
        th, nh = _pair(2 * nd, 2, hsz, seed=1)
    if name == "LSTM":
        tc, nc = _pair(2 * nd, 2, 4, seed=2)
        t = torch.lstm(tx, [th, tc], params_t, True, 2, 0.0, False, bidirectional, batch_first)
        n = nt.lstm(nx, [nh, nc], params_n, True, 2, 0.0, False, bidirectional, batch_first)
    else:
        f = {"RNN": "rnn_tanh", "GRU": "gru"}[name]
        t = getattr(torch, f)(tx, th, params_t, True, 2, 0.0, False, bidirectional, batch_first)
        n = getattr(nt, f)(nx, nh, params_n, True, 2, 0.0, False, bidirectional, batch_first)
    for a, b in zip(n, t):
        assert_close(a, b)
    _grads(t[0], n[0], [tx, th] + params_t, [nx, nh] + params_n)


def test_rnn_relu():
    torch.manual_seed(1)
    m = torch.nn.RNN(3, 4, nonlinearity="relu", bias=False, dtype=torch.float64)
    pt = list(m._flat_weights)
    pn = [to_nt(p.detach()) for p in pt]
    tx, nx = _pair(5, 2, 3)
    th, nh = _pair(1, 2, 4, seed=1)
    t = torch.rnn_relu(tx, th, pt, False, 1, 0.0, False, False, False)
    n = nt.rnn_relu(nx, nh, pn, False, 1, 0.0, False, False, False)
    for a, b in zip(n, t):
        assert_close(a, b)


def test_sparse_copy_accessors():
    x = torch.randn(3, 4).relu()
    for name in ("values_copy", "indices_copy"):
        _same_error(lambda: getattr(torch, name)(x), lambda: getattr(nt, name)(to_nt(x)))
        with pytest.raises(NotImplementedError):
            getattr(torch, name)(x.to_sparse())
        with pytest.raises(NotImplementedError):
            getattr(nt, name)(to_nt(x).to_sparse())
    with pytest.raises(NotImplementedError, match="CSR"):
        nt.crow_indices_copy(to_nt(x).to_sparse())


# ---- the strided family (numtorch/_ops/strided.py)

@pytest.mark.parametrize("size,stride,offset", [((3, 3), (1, 2), None), ((2, 2), (1, 2), 1), ((4, 3), (1, 1), 0),
                                                ((2, 3), (0, 1), 2), ((0, 2), (1, 1), 3), ((), (), 5)])
def test_as_strided_values_and_grads(size, stride, offset):
    tx, nx = _pair(12)
    t, n = torch.as_strided(tx, size, stride, offset), nt.as_strided(nx, size, stride, offset)
    assert_close(n, t)
    assert n.stride() == t.stride()
    _grads(t, n, [tx], [nx])
    t, n = tx.as_strided(size, stride, offset), nx.as_strided(size, stride, offset)
    assert_close(n, t)
    t, n = torch.as_strided_copy(tx, size, stride, offset), nt.as_strided_copy(nx, size, stride, offset)
    assert_close(n, t)
    _grads(t, n, [tx], [nx])


def test_as_strided_of_views_and_overlapping_inputs():
    tx, nx = _pair(3, 4)
    # a transposed / sliced input reads the same storage
    for f in (lambda x: x.t().as_strided((2, 2), (4, 1), 1), lambda x: x[1].as_strided((2, 2), (1, 1)),
              lambda x: x[:, 1:].as_strided((3,), (4,))):
        t, n = f(tx), f(nx)
        assert_close(n, t)
        _grads(t, n, [tx], [nx])
    assert nx[1].storage_offset() == tx[1].storage_offset()
    assert nx.t().storage_offset() == tx.t().storage_offset()
    # an expanded input: its elements share a storage position, so they share its gradient (as_strided_backward)
    tc, nc = _pair(3, 1, seed=2)
    te, ne = tc.expand(3, 4), nc.expand(3, 4)
    t, n = te.as_strided((2, 2), (1, 1)), ne.as_strided((2, 2), (1, 1))
    assert_close(n, t)
    g = np.random.default_rng(3).standard_normal((2, 2))
    assert_close(nt.autograd.grad(n, ne, nt.tensor(g))[0], torch.autograd.grad(t, te, torch.tensor(g))[0])


def test_as_strided_is_a_view_and_errors():
    t, n = torch.arange(6.0), nt.arange(6.0)
    t.as_strided((2,), (2,), 1).add_(10)
    n.as_strided((2,), (2,), 1).add_(10)
    assert_close(n, t)
    for args in (((3, 3), (1, 2)), ((2,), (-1,)), ((2, 2), (1,)), ((2,), (1,), 9)):
        _same_error(lambda: torch.as_strided(torch.zeros(4), *args), lambda: nt.as_strided(nt.zeros(4), *args))


def test_as_strided_higher_order():
    from numtorch.autograd import gradcheck, gradgradcheck
    x = nt.randn(12, dtype=nt.float64, requires_grad=True)
    assert gradcheck(lambda a: nt.as_strided(a, (3, 3), (1, 2), 1), (x,))
    assert gradgradcheck(lambda a: nt.as_strided(a, (3, 3), (1, 2), 1), (x,))


@pytest.mark.parametrize("size,stride,offset", [((2, 2), (1, 2), None), ((3,), (4,), 1), ((2, 3), (4, 1), 4)])
def test_as_strided_scatter(size, stride, offset):
    tx, nx = _pair(3, 4)
    ts, ns = _pair(*size, seed=1)
    t = torch.as_strided_scatter(tx, ts, size, stride, offset)
    n = nt.as_strided_scatter(nx, ns, size, stride, offset)
    assert_close(n, t)
    # the src gradient is PyTorch's; the input gradient is the upstream gradient with the overwritten positions
    # zeroed (PyTorch 2.13 returns the opposite positions there, which a finite-difference check rejects)
    g = np.random.default_rng(4).standard_normal((3, 4))
    gs_t = torch.autograd.grad(t, ts, torch.tensor(g))[0]
    gx_n, gs_n = nt.autograd.grad(n, [nx, ns], nt.tensor(g))
    assert_close(gs_n, gs_t)
    written = torch.as_strided_scatter(torch.zeros(3, 4), torch.ones(size), size, stride, offset).bool()
    assert_close(gx_n, torch.tensor(g).masked_fill(written, 0))
    from numtorch.autograd import gradcheck
    assert gradcheck(lambda a, b: nt.as_strided_scatter(a, b, size, stride, offset), (nx, ns))


@pytest.mark.parametrize("sizes", [(2, 2), (5,), (4, 4), (0,), (3, 2)])
def test_resize_(sizes):
    t, n = torch.arange(6.0).view(2, 3).t(), nt.arange(6.0).view(2, 3).t()
    rt, rn = t.resize_(*sizes), n.resize_(*sizes)
    assert rn is n and tuple(n.shape) == tuple(t.shape) and n.stride() == t.stride()
    k = min(6, t.numel())  # growing leaves the new elements uninitialized in PyTorch
    assert_close(n.reshape(-1)[:k], t.reshape(-1)[:k])
    t2, n2 = torch.zeros(3), nt.zeros(3)
    assert tuple(n2.resize_as_(nt.zeros(2, 5)).shape) == tuple(t2.resize_as_(torch.zeros(2, 5)).shape)
    _same_error(lambda: torch.ones(2, requires_grad=True).resize_(3),
                lambda: nt.ones(2, requires_grad=True).resize_(3))


def test_new_empty_strided_and_rdiv():
    t = torch.ones(2, dtype=torch.float64).new_empty_strided((2, 3), (1, 2))
    n = nt.ones(2, dtype=nt.float64).new_empty_strided((2, 3), (1, 2))
    assert tuple(n.shape) == tuple(t.shape) and n.stride() == t.stride() and str(n.dtype) == str(t.dtype)
    n = nt.ones(2).new_empty_strided((2, 3), (3, 1), dtype=nt.int32)
    assert str(n.dtype) == "torch.int32"
    tx, nx = _pair(3, 4)
    t, n = tx.__rdiv__(2.5), nx.__rdiv__(2.5)
    assert_close(n, t)
    _grads(t, n, [tx], [nx])


# ---- fractional max pooling (nn/functional/_fractional_pool.py)

@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batched", [True, False])
def test_fractional_max_pool_exact(nd, dtype, batched):
    shape = (2, 3, 9, 11) if nd == 2 else (2, 3, 6, 7, 8)
    tx, nx = _pair(*shape, dtype=dtype)
    u = np.random.default_rng(1).random((2, 3, nd)).astype(dtype)
    k = (2, 3) if nd == 2 else (2, 2, 3)
    f, g = getattr(torch.nn.functional, f"fractional_max_pool{nd}d"), getattr(nt.nn.functional,
                                                                                f"fractional_max_pool{nd}d")
    for kw in ({"output_size": (4, 5) if nd == 2 else (3, 4, 5)}, {"output_ratio": (0.5,) * nd},
               {"output_size": 1}):
        xt, xn = (tx, nx) if batched else (tx[0], nx[0])
        ut, un = (torch.tensor(u), nt.tensor(u)) if batched else (torch.tensor(u[:1]), nt.tensor(u[:1]))
        t, ti = f(xt, k, return_indices=True, _random_samples=ut, **kw)
        n, ni = g(xn, k, return_indices=True, _random_samples=un, **kw)
        assert np.array_equal(n._data, t.detach().numpy()) and np.array_equal(ni._data, ti.numpy())
        _grads(t, n, [tx], [nx])


def test_fractional_max_pool_ties_nan_and_seeded_modules():
    x = np.zeros((1, 1, 6, 6), "float32")
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 2, 3] = np.nan
    u = torch.rand(1, 1, 2)
    t = torch.nn.functional.fractional_max_pool2d(torch.tensor(x), 3, output_size=2, return_indices=True,
                                                  _random_samples=u)
    n = nt.nn.functional.fractional_max_pool2d(nt.tensor(x), 3, output_size=2, return_indices=True,
                                               _random_samples=to_nt(u))
    assert np.array_equal(n[1]._data, t[1].numpy())
    torch.manual_seed(5)
    nt.manual_seed(5)
    xt = torch.randn(2, 3, 8, 8)
    xn = nt.randn(2, 3, 8, 8)
    for cls, kw in (("FractionalMaxPool2d", {"output_ratio": 0.5}), ("FractionalMaxPool2d", {"output_size": (3, 4)})):
        t = getattr(torch.nn, cls)(2, return_indices=True, **kw)(xt)
        n = getattr(nt.nn, cls)(2, return_indices=True, **kw)(xn)
        assert np.array_equal(n[0]._data, t[0].numpy()) and np.array_equal(n[1]._data, t[1].numpy())
    xt3, xn3 = torch.randn(1, 2, 6, 6, 6), nt.randn(1, 2, 6, 6, 6)
    assert np.array_equal(nt.nn.FractionalMaxPool3d(2, output_size=3)(xn3)._data,
                          torch.nn.FractionalMaxPool3d(2, output_size=3)(xt3).numpy())


def test_fractional_max_pool_errors():
    x = torch.randn(1, 2, 5, 5)
    cases = [lambda M, a: M.nn.functional.fractional_max_pool2d(a(x), 6, output_size=2),
             lambda M, a: M.nn.functional.fractional_max_pool2d(a(x), 3, output_size=4),
             lambda M, a: M.nn.functional.fractional_max_pool2d(a(x), 2),
             lambda M, a: M.nn.functional.fractional_max_pool2d(a(x), 2, output_ratio=0.5),
             lambda M, a: M.nn.functional.fractional_max_pool2d(a(x), 2, output_size=3,
                                                                _random_samples=a(torch.rand(1, 3, 2))),
             lambda M, a: M.nn.FractionalMaxPool2d(2),
             lambda M, a: M.nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5),
             lambda M, a: M.nn.FractionalMaxPool3d(2, output_ratio=1.5)]
    for case in cases:
        _same_error(lambda: case(torch, lambda v: v), lambda: case(nt, to_nt))


# ---- F.linear_cross_entropy

@pytest.mark.parametrize("kw", [{}, {"reduction": "sum", "label_smoothing": 0.1}, {"reduction": "none",
                                                                                  "ignore_index": 1},
                                {"bias": True, "weight": True}, {"kdim": True}, {"probs": True}])
def test_linear_cross_entropy(kw):
    kw = dict(kw)
    tx, nx = _pair(5, 4)
    kdim = kw.pop("kdim", False)
    tw, nw = _pair(*((3, 2, 4) if kdim else (3, 4)), seed=1)
    extra_t, extra_n = {}, {}
    if kw.pop("bias", False):
        tb, nb = _pair(3, seed=2)
        extra_t["linear_bias"], extra_n["linear_bias"] = tb, nb
    if kw.pop("weight", False):
        cw = np.random.default_rng(3).random(3)
        extra_t["weight"], extra_n["weight"] = torch.tensor(cw), nt.tensor(cw)
    if kw.pop("probs", False):
        p = np.random.default_rng(4).random((5, 3))
        tt, ntt = torch.tensor(p / p.sum(1, keepdims=True)), nt.tensor(p / p.sum(1, keepdims=True))
    else:
        y = np.random.default_rng(4).integers(0, 3, (5, 2) if kdim else (5,))
        tt, ntt = torch.tensor(y), nt.tensor(y)
    t = torch.nn.functional.linear_cross_entropy(tx, tw, tt, **kw, **extra_t)
    n = nt.nn.functional.linear_cross_entropy(nx, nw, ntt, **kw, **extra_n)
    assert_close(n, t)
    ins_t = [tx, tw] + ([extra_t["linear_bias"]] if "linear_bias" in extra_t else [])
    ins_n = [nx, nw] + ([extra_n["linear_bias"]] if "linear_bias" in extra_n else [])
    _grads(t, n, ins_t, ins_n)


def test_linear_cross_entropy_errors():
    cases = [lambda M, a: M.nn.functional.linear_cross_entropy(a(torch.randn(2, 3, 4)), a(torch.randn(3, 4)),
                                                               a(torch.zeros(2, dtype=torch.long))),
             lambda M, a: M.nn.functional.linear_cross_entropy(a(torch.randn(2, 4)), a(torch.randn(3, 5)),
                                                               a(torch.zeros(2, dtype=torch.long))),
             lambda M, a: M.nn.functional.linear_cross_entropy(a(torch.randn(2, 4)), a(torch.randn(3, 4)),
                                                               a(torch.zeros(2, dtype=torch.long)),
                                                               linear_bias=a(torch.randn(2)))]
    for case in cases:
        _same_error(lambda: case(torch, lambda v: v), lambda: case(nt, to_nt))


# ---- svd_lowrank / pca_lowrank (numtorch/_lowrank.py)

@pytest.mark.parametrize("shape", [(20, 8), (8, 20), (2, 12, 7)])
def test_lowrank_same_draws(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    for name, kw in (("svd_lowrank", {"q": 4}), ("pca_lowrank", {"q": 4}), ("pca_lowrank", {"center": False})):
        torch.manual_seed(1)
        t = getattr(torch, name)(torch.tensor(x), **kw)
        nt.manual_seed(1)
        n = getattr(nt, name)(nt.tensor(x), **kw)
        assert_close(n[1], t[1])  # the same Gaussian test matrix gives the same singular values
        # the factors agree up to the sign of each singular pair
        s = np.sign(np.sum(n[0]._data * t[0].numpy(), axis=-2, keepdims=True))
        assert_close(nt.tensor(n[0]._data * s), t[0])
        assert_close(nt.tensor(n[2]._data * s), t[2])
    with pytest.raises(ValueError, match="must be non-negative integer"):
        nt.pca_lowrank(nt.tensor(x), q=100)


@pytest.mark.parametrize("args", [(), (1,), (1, 1, 3), (0, -2, None), (-1, None, None, 2), (1, -10, 10, 3)])
def test_slice_copy(args):
    tx, nx = _pair(4, 5)
    t, n = torch.slice_copy(tx, *args), nt.slice_copy(nx, *args)
    assert_close(n, t)
    _grads(t, n, [tx], [nx])
    _same_error(lambda: torch.slice_copy(tx, 0, 0, 2, 0), lambda: nt.slice_copy(nx, 0, 0, 2, 0))
