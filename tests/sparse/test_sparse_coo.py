"""Sparse COO tensors against PyTorch: construction, coalescing, dense <-> sparse, sparse @ dense with
gradients for the dense operand, the values and a sparse leaf, and the torch.sparse reductions."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

IDX = [[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]]     # (0, 2) appears twice: uncoalesced
VAL = [3.0, 4.0, 5.0, -1.0, 2.5]


def pair_sparse(requires_grad=False, dtype="float64"):
    a = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VAL, dtype=getattr(torch, dtype)), (3, 4),
                                requires_grad=requires_grad)
    b = nt.sparse_coo_tensor(nt.tensor(IDX), nt.tensor(VAL, dtype=getattr(nt, dtype)), (3, 4),
                             requires_grad=requires_grad)
    return a, b


def test_construction_and_coalesce():
    a, b = pair_sparse()
    assert tuple(b.shape) == tuple(a.shape) and b.sparse_dim() == a.sparse_dim() and b.dense_dim() == a.dense_dim()
    assert b._nnz() == a._nnz() and b.is_sparse and not b.is_coalesced()
    ac, bc = a.coalesce(), b.coalesce()
    assert bc.is_coalesced()
    assert_close(bc.indices(), ac.indices())
    assert_close(bc.values(), ac.values())
    assert_close(b.to_dense(), a.to_dense())
    # size inferred from the indices, dense trailing dims from the values
    t = torch.sparse_coo_tensor(torch.tensor([[0, 3]]), torch.ones(2, 2))
    n = nt.sparse_coo_tensor(nt.tensor([[0, 3]]), nt.ones(2, 2))
    assert tuple(n.shape) == tuple(t.shape) == (4, 2)
    assert_close(n.to_dense(), t.to_dense())
    with pytest.raises(RuntimeError):
        torch.sparse_coo_tensor(torch.tensor([[0, 5]]), torch.ones(2), (3,), check_invariants=True)
    with pytest.raises(RuntimeError):
        nt.sparse_coo_tensor(nt.tensor([[0, 5]]), nt.ones(2), (3,))
    for m in (torch, nt):
        with pytest.raises(RuntimeError):
            m.sparse_coo_tensor(m.tensor([[0, 1]]), m.ones(3), (3,))


def test_uncoalesced_access_errors():
    a, b = pair_sparse()
    for s in (a, b):
        with pytest.raises(RuntimeError):
            s.indices()


@pytest.mark.parametrize("sparse_dim", [None, 1, 2])
def test_dense_to_sparse(sparse_dim):
    d = np.array([[[0.0, 1.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, -3.0]], [[0.0, 0.0], [0.0, 0.0]]])
    args = () if sparse_dim is None else (sparse_dim,)
    a = torch.tensor(d).to_sparse(*args)
    b = nt.tensor(d).to_sparse(*args)
    assert b.sparse_dim() == a.sparse_dim()
    assert_close(b.indices(), a.indices())
    assert_close(b.values(), a.values())
    assert_close(b.to_dense(), a.to_dense())


def test_sparse_mm_values_and_gradients():
    xa = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    xb = to_nt(xa.detach(), requires_grad=True)
    va = torch.tensor(VAL, dtype=torch.float64, requires_grad=True)
    vb = nt.tensor(VAL, dtype=nt.float64, requires_grad=True)
    w = np.cos(np.arange(9.0)).reshape(3, 3)
    for fn_t, fn_n in ((lambda A: torch.sparse.mm(A, xa), lambda B: nt.sparse.mm(B, xb)),
                       (lambda A: torch.mm(A, xa), lambda B: nt.mm(B, xb)),
                       (lambda A: A @ xa, lambda B: B @ xb),
                       (lambda A: torch.spmm(A, xa), lambda B: nt.spmm(B, xb))):
        yt = fn_t(torch.sparse_coo_tensor(torch.tensor(IDX), va, (3, 4)))
        yn = fn_n(nt.sparse_coo_tensor(nt.tensor(IDX), vb, (3, 4)))
        assert_close(yn, yt, rtol=1e-12)
        gt = torch.autograd.grad((yt * torch.tensor(w)).sum(), (va, xa))
        gn = nt.autograd.grad((yn * nt.tensor(w)).sum(), (vb, xb))
        for g1, g2 in zip(gn, gt):
            assert_close(g1, g2, rtol=1e-12)


def test_sparse_leaf_gets_a_sparse_grad():
    a, b = pair_sparse(requires_grad=True)
    x = np.random.default_rng(0).standard_normal((4, 2))
    torch.sparse.mm(a, torch.tensor(x)).pow(2).sum().backward()
    nt.sparse.mm(b, nt.tensor(x)).pow(2).sum().backward()
    assert b.grad.is_sparse
    assert_close(b.grad.to_dense(), a.grad.to_dense(), rtol=1e-12)


def test_second_order_through_sparse_mm():
    vb = nt.tensor(VAL, dtype=nt.float64, requires_grad=True)
    xb = nt.tensor(np.random.default_rng(1).standard_normal((4, 2)), requires_grad=True)

    def f(v, x):
        return (nt.sparse.mm(nt.sparse_coo_tensor(nt.tensor(IDX), v, (3, 4)), x) ** 2).sum()
    assert nt.autograd.gradgradcheck(f, (vb, xb))


def test_to_dense_is_differentiable_in_the_values():
    va = torch.tensor(VAL, dtype=torch.float64, requires_grad=True)
    vb = nt.tensor(VAL, dtype=nt.float64, requires_grad=True)
    w = np.arange(12.0).reshape(3, 4)
    gt, = torch.autograd.grad((torch.sparse_coo_tensor(torch.tensor(IDX), va, (3, 4)).to_dense()
                               * torch.tensor(w)).sum(), va)
    gn, = nt.autograd.grad((nt.sparse_coo_tensor(nt.tensor(IDX), vb, (3, 4)).to_dense() * nt.tensor(w)).sum(), vb)
    assert_close(gn, gt)


def test_addmm_sum_softmax_spdiags():
    a, b = pair_sparse()
    m = np.ones((3, 2))
    x = np.arange(8.0).reshape(4, 2)
    assert_close(nt.sparse.addmm(nt.tensor(m), b, nt.tensor(x), beta=0.5, alpha=2.0),
                 torch.sparse.addmm(torch.tensor(m), a, torch.tensor(x), beta=0.5, alpha=2.0))
    assert_close(nt.sparse.sum(b), torch.sparse.sum(a))
    assert_close(nt.sparse.sum(b, 1).to_dense(), torch.sparse.sum(a, 1).to_dense())
    for fn in ("softmax", "log_softmax"):
        st, sn = getattr(torch.sparse, fn)(a.coalesce(), 1), getattr(nt.sparse, fn)(b, 1)
        assert_close(sn.values(), st.values(), rtol=1e-12)
        assert_close(sn.indices(), st.indices())
    d = np.arange(12.0).reshape(3, 4)
    st = torch.sparse.spdiags(torch.tensor(d), torch.tensor([0, -1, 2]), (4, 4))
    sn = nt.sparse.spdiags(nt.tensor(d), nt.tensor([0, -1, 2]), (4, 4))
    assert_close(sn.to_dense(), st.to_dense())


def test_transpose_and_csr_layouts_refused():
    a, b = pair_sparse()
    assert_close(b.t().to_dense(), a.t().to_dense())
    with pytest.raises(AttributeError, match="CSR"):
        nt.sparse.sampled_addmm


def test_repr_matches_torch():
    a = torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), torch.tensor([2.0, 3.0]), (2, 2))
    b = nt.sparse_coo_tensor(nt.tensor([[0, 1], [1, 0]]), nt.tensor([2.0, 3.0]), (2, 2))
    assert repr(b) == repr(a)
