"""``numtorch.linalg`` against ``torch.linalg``: values, dtypes, gradients and errors of the functions it serves."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

INF = float("inf")


def _pair(*shape, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    t = torch.randn(*shape, generator=g, dtype=dtype).requires_grad_(True)
    return t, to_nt(t)


def _check(fn_t, fn_n, *pairs, rtol=1e-5, atol=1e-6):
    """Forward and the gradient of sum(out * cotangent) on both libraries."""
    out_t = fn_t(*[p[0] for p in pairs])
    out_n = fn_n(*[p[1] for p in pairs])
    assert_close(out_n, out_t, rtol, atol)
    g = torch.randn(out_t.shape, generator=torch.Generator().manual_seed(7), dtype=out_t.dtype)
    gt = torch.autograd.grad(out_t, [p[0] for p in pairs], g)
    gn = nt.autograd.grad(out_n, [p[1] for p in pairs], to_nt(g))
    for a, b in zip(gn, gt):
        assert_close(a, b, rtol * 10, atol * 10)


def test_matmul_is_the_same_function():
    assert nt.linalg.matmul is nt.matmul


@pytest.mark.parametrize("sa,sb,dim", [((5, 3), (5, 3), -1), ((2, 4, 3), (4, 3), -1), ((3, 4), (3, 1), 0)])
def test_vecdot(sa, sb, dim):
    _check(lambda a, b: torch.linalg.vecdot(a, b, dim=dim), lambda a, b: nt.linalg.vecdot(a, b, dim=dim),
           _pair(*sa, seed=1), _pair(*sb, seed=2))


@pytest.mark.parametrize("shapes", [[(3,), (3, 4), (4, 2)], [(2, 3), (3, 4), (4,)], [(2, 3), (3, 5), (5, 4), (4, 2)],
                                    [(3,), (3,)]])
def test_multi_dot(shapes):
    pairs = [_pair(*s, seed=i) for i, s in enumerate(shapes)]
    _check(lambda *a: torch.linalg.multi_dot(a), lambda *a: nt.linalg.multi_dot(a), *pairs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shapes", [[(2, 3, 4), (4, 5)], [(3,)], [(2, 3), (3, 4, 5)]])
def test_multi_dot_errors(shapes):
    ts = [torch.ones(s) for s in shapes]
    with pytest.raises(RuntimeError) as et:
        torch.linalg.multi_dot(ts)
    with pytest.raises(RuntimeError) as en:
        nt.linalg.multi_dot([nt.ones(*s) for s in shapes])
    assert str(en.value) == str(et.value)


@pytest.mark.parametrize("sa,sb,dim", [((4, 3), (4, 3), -1), ((3, 5), (3, 5), 0), ((2, 4, 3), (1, 4, 3), -1)])
def test_cross(sa, sb, dim):
    _check(lambda a, b: torch.linalg.cross(a, b, dim=dim), lambda a, b: nt.linalg.cross(a, b, dim=dim),
           _pair(*sa, seed=3), _pair(*sb, seed=4))


@pytest.mark.parametrize("sa,sb", [((2, 4), (2, 4)), ((2, 4, 3), (4, 3))])
def test_cross_errors(sa, sb):
    with pytest.raises(RuntimeError) as et:
        torch.linalg.cross(torch.ones(sa), torch.ones(sb))
    with pytest.raises(RuntimeError) as en:
        nt.linalg.cross(nt.ones(sa), nt.ones(sb))
    assert str(en.value) == str(et.value)


@pytest.mark.parametrize("offset,dim1,dim2", [(0, -2, -1), (1, -2, -1), (-1, 0, 2), (2, 1, 0)])
def test_diagonal(offset, dim1, dim2):
    _check(lambda a: torch.linalg.diagonal(a, offset=offset, dim1=dim1, dim2=dim2),
           lambda a: nt.linalg.diagonal(a, offset=offset, dim1=dim1, dim2=dim2), _pair(3, 4, 5, seed=5))


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, INF, -INF, 0])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), ((0, 2), True), (-1, True)])
def test_vector_norm(ord, dim, keepdim):
    kw = dict(ord=ord, dim=dim, keepdim=keepdim)
    pair = _pair(3, 4, 5, seed=6)
    if ord == 0:
        # the count of non-zeros: torch's gradient is zero; numtorch.norm(x, 0) returns a result without a
        # grad_fn (a known difference of the underlying op, numtorch._ops.reduce.norm), so values only here
        assert_close(nt.linalg.vector_norm(pair[1], **kw), torch.linalg.vector_norm(pair[0], **kw))
        return
    _check(lambda a: torch.linalg.vector_norm(a, **kw), lambda a: nt.linalg.vector_norm(a, **kw), pair,
           rtol=1e-4, atol=1e-5)


def test_vector_norm_dtype_and_integer_input():
    x = torch.arange(6.0).reshape(2, 3)
    assert_close(nt.linalg.vector_norm(to_nt(x), dtype=nt.float64), torch.linalg.vector_norm(x, dtype=torch.float64))
    with pytest.raises(RuntimeError) as et:
        torch.linalg.vector_norm(torch.arange(4))
    with pytest.raises(RuntimeError) as en:
        nt.linalg.vector_norm(nt.arange(4))
    # same message up to the dtype's name: numtorch.norm says Int64 where torch says Long (the op's own message)
    assert str(en.value).split(" Got ")[0] == str(et.value).split(" Got ")[0]


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, INF, -INF])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm(ord, dim, keepdim):
    kw = dict(ord=ord, dim=dim, keepdim=keepdim)
    _check(lambda a: torch.linalg.matrix_norm(a, **kw), lambda a: nt.linalg.matrix_norm(a, **kw),
           _pair(3, 4, 5, seed=8, dtype=torch.float64), rtol=1e-6, atol=1e-8)


def test_matrix_norm_errors():
    with pytest.raises(RuntimeError) as et:
        torch.linalg.matrix_norm(torch.ones(3))
    with pytest.raises(RuntimeError) as en:
        nt.linalg.matrix_norm(nt.ones(3))
    assert str(en.value) == str(et.value)


@pytest.mark.parametrize("shape,ord,dim", [((5,), None, None), ((3, 4), None, None), ((2, 3, 4), None, None),
                                           ((3, 4), "fro", None), ((3, 4), "nuc", None), ((3, 4), INF, None), ((3, 4), 2, None), ((4, 3), -2, None),
                                           ((3, 4), 1, None), ((5,), 3, None), ((5,), INF, None),
                                           ((2, 3, 4), None, (1, 2)), ((2, 3, 4), -1, (0, 2)),
                                           ((2, 3, 4), 2, 1), ((2, 3, 4), None, -1)])
def test_norm(shape, ord, dim):
    _check(lambda a: torch.linalg.norm(a, ord, dim), lambda a: nt.linalg.norm(a, ord, dim),
           _pair(*shape, seed=9, dtype=torch.float64), rtol=1e-6, atol=1e-8)


def test_norm_ord_needs_1d_or_2d_without_dim():
    with pytest.raises(RuntimeError) as et:
        torch.linalg.norm(torch.ones(2, 3, 4), 2)
    with pytest.raises(RuntimeError) as en:
        nt.linalg.norm(nt.ones(2, 3, 4), 2)
    assert str(en.value) == str(et.value)


def test_out_argument_writes_into_the_given_tensor():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = nt.empty(())
    r = nt.linalg.vector_norm(nt.tensor(x), out=out)
    assert r is out
    assert_close(out, torch.linalg.vector_norm(torch.tensor(x)))


def test_missing_function_names_torch():
    with pytest.raises(AttributeError, match=r"numtorch has no attribute 'torch.linalg.common_notes'"):
        nt.linalg.common_notes
