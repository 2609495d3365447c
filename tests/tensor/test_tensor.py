"""The Tensor API against PyTorch: attributes, conversions, data/grad, in-place rules,
indexing and assignment with gradients, comparisons, iteration."""
import copy
import pickle

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_torch, assert_close

R = np.random.default_rng(0)


def both(a, **kw):
    return nt.tensor(a, **kw), torch.tensor(a, **kw)


def test_attributes():
    a = R.standard_normal((2, 3, 4)).astype(np.float32)
    n, t = both(a)
    assert n.shape == t.shape and isinstance(n.shape, nt.Size) and isinstance(n.shape, tuple)
    assert n.size() == t.size() and n.size(1) == t.size(1) and n.size(-1) == t.size(-1)
    assert n.dim() == t.dim() == n.ndim == t.ndim
    assert n.numel() == t.numel() and n.shape.numel() == t.shape.numel()
    assert str(n.dtype) == str(t.dtype) and n.dtype == nt.float32 and n.dtype is nt.float
    assert str(n.device) == str(t.device) == "cpu"
    assert n.is_leaf and not n.requires_grad and n.grad is None and n.grad_fn is None
    assert n.stride() == t.stride() and n.t().stride() == t.t().stride() if n.ndim == 2 else True
    assert n.is_contiguous() and not n.transpose(0, 1).is_contiguous()
    assert n.is_floating_point() and not nt.tensor([1]).is_floating_point()
    assert n.element_size() == t.element_size()
    assert len(n) == len(t) == 2
    with pytest.raises(IndexError):
        n.size(3)
    assert n.shape[1:] == t.shape[1:] and repr(n.shape[1:]) == repr(t.shape[1:])
    assert nt.tensor(1.5).item() == torch.tensor(1.5).item()
    assert n.tolist() == t.tolist()
    assert nt.tensor([1, 2]).tolist() == [1, 2] and isinstance(nt.tensor(3).item(), int)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        n.item()
    with pytest.raises(TypeError):
        len(nt.tensor(1.0))


@pytest.mark.parametrize("conv", ["float", "double", "long", "int", "bool", "half", "byte"])
def test_conversions(conv):
    a = (R.standard_normal((2, 3)) * 3).astype(np.float32)
    n, t = both(a)
    assert_close(getattr(n, conv)(), getattr(t, conv)())
    assert_close(n.to(getattr(nt, conv if conv != "byte" else "uint8")),
                 t.to(getattr(torch, conv if conv != "byte" else "uint8")))
    assert_close(n.type_as(nt.tensor([1], dtype=nt.int32)), t.type_as(torch.tensor([1], dtype=torch.int32)))


def test_to_and_type_strings():
    n, t = both(np.arange(3.0))
    assert n.type() == t.type()
    assert n.to(nt.float32).dtype == nt.float32
    assert n.to("cpu") is n and n.to(device="cpu", dtype=nt.float64) is n
    assert n.to(nt.float64, copy=True) is not n
    assert n.type("torch.LongTensor").dtype == nt.int64
    assert n.cpu() is n
    x = nt.tensor([1.0], requires_grad=True)
    y = x.double()
    assert type(y.grad_fn).__name__ == type(torch.tensor([1.0], requires_grad=True).double().grad_fn).__name__
    y.sum().backward()
    assert x.grad.dtype == nt.float32


def test_numpy_rules():
    n = nt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        n.numpy()
    with pytest.raises(RuntimeError):
        torch.tensor([1.0], requires_grad=True).numpy()
    d = n.detach().numpy()
    d[0] = 5.0  # shares memory, as in PyTorch
    assert n[0].item() == 5.0
    a = np.array([1.0, 2.0])
    f = nt.from_numpy(a)
    a[1] = 7.0
    assert f[1].item() == 7.0 and f.dtype == nt.float64
    assert np.asarray(nt.tensor([1, 2])).tolist() == [1, 2]


def test_data_getter_and_setter():
    w = nt.tensor([[1.0, 2.0]], requires_grad=True)
    d = w.data
    assert not d.requires_grad and d.is_leaf
    d[0, 0] = 9.0          # .data shares storage and is not tracked
    assert w[0, 0].item() == 9.0
    w.data = nt.zeros(3)   # the seeds reassign data, shape may change
    assert w.shape == (3,) and w.requires_grad
    (w * 2).sum().backward()
    assert_close(w.grad, torch.full((3,), 2.0))
    with pytest.raises(TypeError):
        w.data = [1, 2]
    tw = torch.tensor([[1.0, 2.0]], requires_grad=True)
    tw.data = torch.zeros(3)
    assert tuple(tw.shape) == tuple(w.shape)


def test_grad_setter_and_detach():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    x.grad = nt.tensor([0.5, 0.5])
    (x * 3).sum().backward()
    assert_close(x.grad, torch.tensor([3.5, 3.5]))
    with pytest.raises(RuntimeError):
        x.grad = nt.zeros(3)
    x.grad = None
    assert x.grad is None
    y = x * 2
    z = y.detach()
    assert not z.requires_grad and z.grad_fn is None
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        nt.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        torch.tensor([1, 2]).requires_grad_()


def test_non_leaf_grad_warns_and_is_none():
    x = nt.tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    y.retain_grad()
    (y * 3).sum().backward()
    assert_close(y.grad, torch.tensor([3.0]))


def test_clone_copy_zero_fill():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert type(c.grad_fn).__name__ == "CloneBackward0"
    c.sum().backward()
    assert_close(x.grad, torch.ones(2))
    a = nt.zeros(2, 3)
    a.copy_(nt.tensor([1.0, 2.0, 3.0]))   # broadcast source
    ta = torch.zeros(2, 3)
    ta.copy_(torch.tensor([1.0, 2.0, 3.0]))
    assert_close(a, ta)
    a.copy_(nt.tensor([[1, 2, 3], [4, 5, 6]]))   # dtype converted
    assert a.dtype == nt.float32 and a[1, 2].item() == 6.0
    a.zero_()
    assert not a._data.any()
    a.fill_(2.5)
    assert_close(a, torch.full((2, 3), 2.5))
    # copy_ into a tensor in the graph keeps gradients flowing to the source
    src = nt.tensor([1.0, 2.0], requires_grad=True)
    dst = nt.zeros(2)
    dst.copy_(src * 3)
    dst.sum().backward()
    tsrc = torch.tensor([1.0, 2.0], requires_grad=True)
    tdst = torch.zeros(2)
    tdst.copy_(tsrc * 3)
    tdst.sum().backward()
    assert_close(src.grad, tsrc.grad)
    assert type(dst.grad_fn).__name__ == type(tdst.grad_fn).__name__


def test_random_inplace_fills():
    nt.manual_seed(0)
    a = nt.empty(1000).uniform_(-2, 3)
    assert a._data.min() >= -2 and a._data.max() < 3 and a.dtype == nt.float32
    b = nt.empty(5000).normal_(1.0, 2.0)
    assert abs(b._data.mean() - 1.0) < 0.15 and abs(b._data.std() - 2.0) < 0.15
    c = nt.zeros(100, dtype=nt.int64).random_(0, 5)
    assert set(c.tolist()) <= set(range(5))
    d = nt.zeros(100).random_(10)
    assert d.dtype == nt.float32 and d._data.max() < 10 and (d._data == np.floor(d._data)).all()


# ----------------------------------------------------------------------------- in place
def test_inplace_arithmetic_matches_torch():
    a = R.standard_normal((2, 3)).astype(np.float32)
    b = R.standard_normal((3,)).astype(np.float32)
    for op in ["add_", "sub_", "mul_", "div_"]:
        n, t = both(a)
        getattr(n, op)(nt.tensor(b))
        getattr(t, op)(torch.tensor(b))
        assert_close(n, t)
    n, t = both(a)
    n.add_(nt.tensor(b), alpha=2)
    t.add_(torch.tensor(b), alpha=2)
    assert_close(n, t)
    n, t = both(a)
    n += 1
    n -= nt.tensor(b)
    n *= 2
    n /= 4
    t += 1
    t -= torch.tensor(b)
    t *= 2
    t /= 4
    assert_close(n, t)
    n0 = n
    n += 1
    assert n is n0  # in place keeps identity
    i = nt.tensor([1, 2])
    with pytest.raises(RuntimeError):
        i += 1.5      # result type float can't be cast to Long
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).add_(1.5)
    for op in ["exp_", "clamp_", "sigmoid_", "relu_", "neg_", "abs_", "sqrt_", "pow_"]:
        args = {"clamp_": (-0.5, 0.5), "pow_": (2,)}.get(op, ())
        n, t = both(np.abs(a) + 0.1 if op == "sqrt_" else a)
        getattr(n, op)(*args)
        getattr(t, op)(*args)
        assert_close(n, t)


def test_inplace_leaf_requiring_grad_raises():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    for f in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.fill_(1.0),
              lambda: x.__iadd__(1), lambda: x.__setitem__(0, 5.0), lambda: x.copy_(nt.zeros(2))):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place "
                                               "operation."):
            f()
    with nt.no_grad():
        x.add_(1)
        x[0] = 5.0
        x.mul_(2)
    assert x.tolist() == [10.0, 6.0] and x.requires_grad and x.is_leaf


def test_inplace_on_non_leaf_gradients():
    a = R.standard_normal((2, 3)).astype(np.float32)
    res = []
    for T in (nt, torch):
        x = T.tensor(a, requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(x)
        y[0, 1] = 0.0
        y.sigmoid_()
        y.sum().backward()
        res.append((y, x.grad, type(y.grad_fn).__name__))
    assert_close(res[0][0], res[1][0])
    assert_close(res[0][1], res[1][1])
    assert res[0][2] == res[1][2]


def test_modified_saved_tensor_raises_at_backward():
    msgs = []
    for T in (nt, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y.exp()        # saves its output
        w = y * y          # saves y
        y.add_(1)
        with pytest.raises(RuntimeError) as e:
            w.sum().backward()
        msgs.append(str(e.value))
        z2 = x.exp()
        z2.add_(1)         # modifies exp's saved output
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z2.sum().backward()
    assert msgs[0].lower() == msgs[1].lower()


def test_version_counter_shared_by_views():
    x = nt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[1:]
    w = y * y
    v.mul_(2)
    assert y._version == v._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


# ----------------------------------------------------------------------------- indexing
IDX = [
    lambda T, x: x[1], lambda T, x: x[-1, 2], lambda T, x: x[:, 1:3], lambda T, x: x[None, ..., 0],
    lambda T, x: x[..., None], lambda T, x: x[T.tensor([2, 0, 2])], lambda T, x: x[[0, 1], [2, 3]],
    lambda T, x: x[x > 0.1], lambda T, x: x[T.tensor([True, False, True])], lambda T, x: x[1:, [0, 3]],
    lambda T, x: x[T.tensor([[0, 1], [2, 2]])], lambda T, x: x[:, T.tensor(1)], lambda T, x: x[T.tensor(2)],
    lambda T, x: x[..., 1:2, None], lambda T, x: x[0][1], lambda T, x: x[:0],
]


@pytest.mark.parametrize("k", range(len(IDX)))
def test_getitem_values_and_grads(k):
    a = R.standard_normal((3, 4)).astype(np.float32)
    n, t = both(a, requires_grad=True)
    on, ot = IDX[k](nt, n), IDX[k](torch, t)
    assert_close(on, ot)
    assert type(on.grad_fn).__name__ == type(ot.grad_fn).__name__
    g = R.standard_normal(tuple(ot.shape)).astype(np.float32)
    on.backward(nt.tensor(g))
    ot.backward(torch.tensor(g))
    assert_close(n.grad, t.grad)


def test_getitem_errors():
    n, t = both(np.zeros((2, 3), np.float32))
    for idx in [5, (0, 7), (0, 0, 0)]:
        with pytest.raises(IndexError):
            t[idx]
        with pytest.raises(IndexError):
            n[idx]
    with pytest.raises(IndexError):
        nt.tensor(1.0)[0]
    with pytest.raises(IndexError):
        n[nt.tensor([0.5])]


SET = [
    (lambda T, x, v: x.__setitem__(1, v), (4,)), (lambda T, x, v: x.__setitem__((slice(None), 2), v), (3,)),
    (lambda T, x, v: x.__setitem__(x > 0, v), ()), (lambda T, x, v: x.__setitem__(T.tensor([0, 2]), v), (4,)),
    (lambda T, x, v: x.__setitem__((Ellipsis, slice(1, 3)), v), (3, 2)),
    (lambda T, x, v: x.__setitem__((T.tensor([0, 1]), T.tensor([3, 3])), v), (2,)),
]


@pytest.mark.parametrize("k", range(len(SET)))
def test_setitem_values_and_grads(k):
    fn, vshape = SET[k]
    a = R.standard_normal((3, 4)).astype(np.float32)
    v = R.standard_normal(vshape).astype(np.float32)
    res = []
    for T in (nt, torch):
        x = T.tensor(a, requires_grad=True)
        val = T.tensor(v, requires_grad=True)
        y = x * 1.5
        fn(T, y, val * 2)
        g = T.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
        (y * g).sum().backward()
        res.append((y, x.grad, val.grad, type(y.grad_fn).__name__))
    for p, q in zip(res[0][:3], res[1][:3]):
        assert_close(p, q)
    assert res[0][3] == res[1][3]
    # plain (no-grad) assignment of scalars and arrays
    n, t = both(a)
    fn(nt, n, 7.0)
    fn(torch, t, 7.0)
    assert_close(n, t)


def test_setitem_dtype_cast():
    n, t = both(np.zeros(3, np.int64))
    n[1] = 2.7
    t[1] = 2.7
    assert_close(n, t)


# ----------------------------------------------------------------------------- misc
def test_comparisons_and_bool():
    a, b = R.standard_normal(5).astype(np.float32), R.standard_normal(5).astype(np.float32)
    n1, t1 = both(a)
    n2, t2 = both(b)
    for f in (lambda x, y: x < y, lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y,
              lambda x, y: x == y, lambda x, y: x != y, lambda x, y: x > 0, lambda x, y: 0 < x,
              lambda x, y: (x > 0) & (y > 0), lambda x, y: (x > 0) | (y > 0), lambda x, y: ~(x > 0),
              lambda x, y: (x > 0) ^ (y > 0)):
        assert_close(f(n1, n2), f(t1, t2))
    assert bool(nt.tensor([1.0])) and not bool(nt.tensor(0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(nt.tensor([1.0, 2.0]))
    assert float(nt.tensor(2.5)) == 2.5 and int(nt.tensor(3)) == 3
    assert [1, 2, 3][nt.tensor(1)] == 2
    assert hash(n1) != hash(n2)
    assert n1 in {n1: 1}


def test_iteration_and_unbind():
    a = R.standard_normal((3, 2)).astype(np.float32)
    n = nt.tensor(a, requires_grad=True)
    rows = list(n)
    assert len(rows) == 3 and all(r.shape == (2,) for r in rows)
    sum(r.sum() * i for i, r in enumerate(rows)).backward()
    t = torch.tensor(a, requires_grad=True)
    sum(r.sum() * i for i, r in enumerate(t)).backward()
    assert_close(n.grad, t.grad)
    with pytest.raises(TypeError):
        iter(nt.tensor(1.0))


def test_pickle_and_deepcopy():
    x = nt.tensor([[1.0, 2.0]], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == x.tolist() and y.requires_grad
    z = copy.deepcopy(x)
    assert z.tolist() == x.tolist() and z.requires_grad and z._data is not x._data
    with pytest.raises(RuntimeError):
        copy.deepcopy(x * 2)
    # a copy made after a backward pass accumulates into itself, never into the original
    x.grad = None
    (z * 3).sum().backward()
    assert x.grad is None and z.grad.tolist() == [[3.0, 3.0]]
    (x * 2).sum().backward()
    w = copy.deepcopy(x)
    w.grad = None
    (w * 5).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0]] and w.grad.tolist() == [[5.0, 5.0]]


def test_tensor_constructor_class():
    assert nt.Tensor(2, 3).shape == (2, 3) and nt.Tensor(2, 3).dtype == nt.float32
    assert_close(nt.Tensor([1, 2]), torch.Tensor([1, 2]))
    assert isinstance(nt.tensor([1.0]), nt.Tensor)
    assert_close(nt.FloatTensor([1, 2]), torch.FloatTensor([1, 2]))
    assert_close(nt.LongTensor([1, 2]), torch.LongTensor([1, 2]))
    assert nt.is_tensor(nt.zeros(1)) and not nt.is_tensor([1])


def test_inplace_on_views_updates_base_history():
    a = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    res = []
    for T in (nt, torch):
        x = T.tensor(a, requires_grad=True)
        y = x * 2
        v = y[:, 0]
        v.mul_(3)                     # a select view
        w = y.t()
        w[1].add_(x[:, 0] * 10)       # a view of a view, with a second input
        y[1, 2] = 0.0
        z = y.view(-1)
        z[:2].sigmoid_()              # slice of a reshaped view
        (y * T.arange(6.0).view(2, 3)).sum().backward()
        res.append((y, v, x.grad, type(y.grad_fn).__name__, y._version, v._version))
    for p, q in zip(res[0][:3], res[1][:3]):
        assert_close(p, q)
    assert res[0][3:] == res[1][3:]
    # a view of a leaf that requires grad cannot be changed in place
    for T in (nt, torch):
        x = T.tensor(a, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            x[0].mul_(2)
    # outside autograd the base sees the change, no history is made
    n = nt.zeros(2, 3)
    n[:, 1].fill_(4.0)
    n.t()[2].add_(1.0)
    assert n.tolist() == [[0.0, 4.0, 1.0], [0.0, 4.0, 1.0]] and n.grad_fn is None


def test_fill_and_zero_on_non_leaf_cut_the_gradient():
    res = []
    for T in (nt, torch):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = T.tensor(2.5, requires_grad=True)
        y = x * 2
        y[:1].zero_()
        y[1:2].fill_(v)
        z = x * 3
        z.fill_(7.0)
        (y * T.tensor([1.0, 2.0, 3.0]) + z).sum().backward()
        res.append((y, x.grad, v.grad, type(z.grad_fn).__name__))
    for p, q in zip(res[0][:3], res[1][:3]):
        assert_close(p, q)
    assert res[0][3] == res[1][3]


def test_iterated_rows_and_unbind_are_views():
    res = []
    for T in (nt, torch):
        W = T.zeros(3, 2)
        for i, row in enumerate(W):
            row.fill_(float(i))
        a, b = W.unbind(1)
        a.add_(10)
        x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        p, q = (x * 2).unbind(1)
        (p * 3 + q).sum().backward()
        res.append((W, x.grad, type(p.grad_fn).__name__))
    assert_close(res[0][0], res[1][0])
    assert_close(res[0][1], res[1][1])
    assert res[0][2] == res[1][2]


def test_writing_graph_values_into_a_plain_buffer():
    res = []
    for T in (nt, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        buf = T.zeros(4)
        buf[0] = x[0] * 3
        buf[2:].copy_(x * 5)
        (buf * T.arange(4.0)).sum().backward()
        res.append((buf, x.grad, type(buf.grad_fn).__name__, buf.requires_grad))
    for p, q in zip(res[0][:2], res[1][:2]):
        assert_close(p, q)
    assert res[0][2:] == res[1][2:]
