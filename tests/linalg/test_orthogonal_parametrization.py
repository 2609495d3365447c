"""``nn.utils.parametrizations.orthogonal`` against torch's: the same weight gives the same parametrized weight,
original and gradients, for every map, with and without the trivialization, square / tall / wide / batched."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close


class _Holder:
    def __init__(self, lib, w):
        self.m = lib.nn.Module()
        self.m.weight = lib.nn.Parameter(w)


def _pair(shape, seed=0, orthogonal=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    if orthogonal:   # already orthogonal: kept as it is by right_inverse
        q, _ = np.linalg.qr(a if shape[-2] >= shape[-1] else np.swapaxes(a, -1, -2))
        a = q if shape[-2] >= shape[-1] else np.swapaxes(q, -1, -2)
    t = torch.from_numpy(np.ascontiguousarray(a))
    return _Holder(torch, t).m, _Holder(nt, to_nt(t)).m


SHAPES = [(4, 4), (5, 3), (3, 5), (2, 4, 4), (2, 5, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
@pytest.mark.parametrize("orth_init", [False, True])
def test_orthogonal_matches_torch(shape, orthogonal_map, use_trivialization, orth_init):
    mt, mn = _pair(shape, orthogonal=orth_init)
    P_t, P_n = torch.nn.utils.parametrizations, nt.nn.utils.parametrizations
    P_t.orthogonal(mt, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    P_n.orthogonal(mn, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    pt, pn = mt.parametrizations.weight, mn.parametrizations.weight
    if use_trivialization and shape[-1] != shape[-2]:
        # the base is completed with random columns (torch.randn): copy torch's so gradients can be compared
        pn[0].base = to_nt(pt[0].base)
    assert_close(pn.original, pt.original, 1e-10, 1e-12)
    assert_close(mn.weight, mt.weight, 1e-10, 1e-12)
    w = mn.weight._data
    k = min(w.shape[-2:])
    gram = w @ np.swapaxes(w, -1, -2) if w.shape[-2] <= w.shape[-1] else np.swapaxes(w, -1, -2) @ w
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(k), gram.shape), atol=1e-10)
    c = torch.randn(mt.weight.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    (mt.weight * c).sum().backward()
    (mn.weight * to_nt(c)).sum().backward()
    assert_close(pn.original.grad, pt.original.grad, 1e-9, 1e-11)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_assignment_and_second_order(orthogonal_map):
    mt, mn = _pair((4, 4), seed=3)
    torch.nn.utils.parametrizations.orthogonal(mt, orthogonal_map=orthogonal_map)
    nt.nn.utils.parametrizations.orthogonal(mn, orthogonal_map=orthogonal_map)
    q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((4, 4)))
    with torch.no_grad():
        mt.weight = torch.from_numpy(q)
    with nt.no_grad():
        mn.weight = nt.from_numpy(q)
    assert_close(mn.weight, mt.weight, 1e-10, 1e-12)
    ot, on = mt.parametrizations.weight.original, mn.parametrizations.weight.original
    gt, = torch.autograd.grad((mt.weight ** 3).sum(), ot, create_graph=True)
    gn, = nt.autograd.grad((mn.weight ** 3).sum(), on, create_graph=True)
    assert_close(gn, gt, 1e-9, 1e-11)
    ggt, = torch.autograd.grad((gt ** 2).sum(), ot)
    ggn, = nt.autograd.grad((gn ** 2).sum(), on)
    assert_close(ggn, ggt, 1e-8, 1e-10)


def test_orthogonal_errors():
    for lib in (torch, nt):
        m = lib.nn.Linear(3, 3)
        with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
            lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map="qr")
        with pytest.raises(ValueError, match="Expected a matrix or batch of matrices. Got a tensor of 1 dimensions."):
            lib.nn.utils.parametrizations.orthogonal(m, "bias")
        with pytest.raises(ValueError, match="has no parameter or buffer with name 'nope'"):
            lib.nn.utils.parametrizations.orthogonal(m, "nope")
        lib.nn.utils.parametrizations.orthogonal(m, use_trivialization=False)
        with pytest.raises(NotImplementedError, match="It is not possible to assign to the matrix exponential"):
            m.weight = lib.eye(3)
