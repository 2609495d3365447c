"""Embedding (padding_idx, max_norm, scale_grad_by_freq, sparse COO gradient, from_pretrained), EmbeddingBag, one_hot."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_nt, assert_close
from _layer_twins import twin


def _idx():
    return torch.tensor([[1, 3, 3, 0], [2, 1, 9, 3]])


@pytest.mark.parametrize("kw", [dict(), dict(padding_idx=3), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
                                dict(max_norm=1.0), dict(max_norm=0.5, norm_type=1.0)])
def test_embedding_dense(kw):
    torch.manual_seed(0)
    tm, nm = twin("Embedding", 10, 4, **kw)
    idx = _idx()
    to = tm(idx)
    no = nm(to_nt(idx))
    assert_close(no, to, 1e-6, 1e-6)
    g = torch.randn(to.shape)
    to.backward(g)
    no.backward(to_nt(g))
    assert_close(nm.weight.grad, tm.weight.grad, 1e-6, 1e-6)
    assert_close(nm.weight, tm.weight, 1e-6, 1e-6)  # max_norm renormalises rows in place


def test_embedding_init_and_padding_row():
    nt.manual_seed(0)
    m = nt.nn.Embedding(1000, 20, padding_idx=0)
    w = m.weight._data
    assert w.dtype == np.float32 and np.all(w[0] == 0)
    assert abs(w[1:].mean()) < 0.02 and abs(w[1:].std() - 1) < 0.02  # N(0, 1)


@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_sparse_grad(padding_idx):
    torch.manual_seed(1)
    tm, nm = twin("Embedding", 10, 3, sparse=True, padding_idx=padding_idx)
    idx = _idx()
    g = torch.randn(2, 4, 3)
    tm(idx).backward(g)
    nm(to_nt(idx)).backward(to_nt(g))
    tg, ng = tm.weight.grad, nm.weight.grad
    assert ng.is_sparse and ng.layout == "torch.sparse_coo"
    assert tuple(ng.shape) == tuple(tg.shape) and ng.size() == tg.size()
    assert ng.is_coalesced() == tg.is_coalesced()
    assert_close(ng._indices(), tg._indices())
    assert_close(ng._values(), tg._values(), 1e-6, 1e-6)
    assert_close(ng.to_dense(), tg.to_dense(), 1e-6, 1e-6)
    with pytest.raises(RuntimeError):
        ng.indices()  # uncoalesced, as PyTorch
    tc, nc = tg.coalesce(), ng.coalesce()
    assert nc.is_coalesced()
    assert_close(nc.indices(), tc.indices())
    assert_close(nc.values(), tc.values(), 1e-6, 1e-6)
    assert repr(nc) == repr(tc)
    # a second backward accumulates into the sparse gradient (entries concatenated, coalesce sums them)
    idx2 = torch.tensor([[4, 1], [1, 0]])
    g2 = torch.randn(2, 2, 3)
    tm(idx2).backward(g2)
    nm(to_nt(idx2)).backward(to_nt(g2))
    assert nm.weight.grad.is_sparse and nm.weight.grad._nnz() == tm.weight.grad._nnz()
    assert_close(nm.weight.grad.coalesce().indices(), tm.weight.grad.coalesce().indices())
    assert_close(nm.weight.grad.coalesce().values(), tm.weight.grad.coalesce().values(), 1e-6, 1e-6)
    assert_close(nm.weight.grad.to_dense(), tm.weight.grad.to_dense(), 1e-6, 1e-6)


def test_embedding_sparse_and_dense_mix():
    """A weight used both sparsely and densely ends with a dense gradient equal to torch's."""
    torch.manual_seed(2)
    tm, nm = twin("Embedding", 6, 2, sparse=True)
    idx = torch.tensor([1, 1, 4])
    (tm(idx).sum() + tm.weight.pow(2).sum()).backward()
    (nm(to_nt(idx)).sum() + nm.weight.pow(2).sum()).backward()
    tg = tm.weight.grad.to_dense() if tm.weight.grad.is_sparse else tm.weight.grad
    ng = nm.weight.grad.to_dense() if nm.weight.grad.is_sparse else nm.weight.grad
    assert_close(ng, tg, 1e-6, 1e-6)


def test_from_pretrained():
    w = torch.randn(5, 3)
    tm = torch.nn.Embedding.from_pretrained(w, padding_idx=1)
    nm = nt.nn.Embedding.from_pretrained(to_nt(w), padding_idx=1)
    assert repr(nm) == repr(tm)
    assert not nm.weight.requires_grad
    idx = torch.tensor([0, 1, 4])
    assert_close(nm(to_nt(idx)), tm(idx))
    assert nt.nn.Embedding.from_pretrained(to_nt(w), freeze=False).weight.requires_grad


def test_embedding_errors():
    m = nt.nn.Embedding(5, 2)
    with pytest.raises(IndexError):
        m(nt.tensor([5]))
    with pytest.raises(RuntimeError):
        m(nt.tensor([1.0]))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(mode):
    torch.manual_seed(3)
    tm, nm = twin("EmbeddingBag", 10, 3, mode=mode)
    inp = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    off = torch.tensor([0, 4, 4])
    to, no = tm(inp, off), nm(to_nt(inp), to_nt(off))
    assert_close(no, to, 1e-6, 1e-6)
    g = torch.randn(to.shape)
    to.backward(g)
    no.backward(to_nt(g))
    assert_close(nm.weight.grad, tm.weight.grad, 1e-6, 1e-6)
    inp2 = torch.tensor([[1, 2, 4], [4, 3, 9]])
    assert_close(nm(to_nt(inp2)), tm(inp2), 1e-6, 1e-6)


def test_one_hot():
    x = torch.tensor([[0, 2], [1, 3]])
    assert_close(F.one_hot(to_nt(x)), torch.nn.functional.one_hot(x))
    assert_close(F.one_hot(to_nt(x), 6), torch.nn.functional.one_hot(x, 6))
