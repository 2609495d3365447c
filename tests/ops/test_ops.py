"""Every differentiable op of issue 2 against PyTorch: forward values, dtypes, gradients,
float64 gradcheck and second derivatives (create_graph=True) on random inputs, with
broadcasting, 0-d, empty and non-contiguous inputs.

Each table entry is ``(name, fn(T, *tensors), input shapes, domain)`` where ``T`` is
either the ``numtorch`` or the ``torch`` module, so one lambda runs in both libraries.
"""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as ntF
from conftest import torch, to_torch, assert_close

tF = torch.nn.functional


def _F(T):
    return ntF if T is nt else tF


def _arr(shape, domain, rng, dtype=np.float32):
    a = rng.standard_normal(shape)
    if domain == "pos":
        a = np.abs(a) + 0.5
    elif domain == "unit":          # (-0.9, 0.9)
        a = np.tanh(a) * 0.9
    elif domain == "away":          # no values near integers or kinks (floor/round/abs/relu/clamp)
        a = np.round(a * 4) / 4 + rng.choice([-0.13, 0.13], size=shape)
    return a.astype(dtype)


# name, fn, shapes, domain ------------------------------------------------------------------
UNARY = [
    ("neg", lambda T, x: -x), ("neg_fn", lambda T, x: T.neg(x)),
    ("abs", lambda T, x: T.abs(x)), ("reciprocal", lambda T, x: T.reciprocal(x)),
    ("exp", lambda T, x: T.exp(x)), ("log", lambda T, x: T.log(x)), ("log1p", lambda T, x: T.log1p(x)),
    ("expm1", lambda T, x: T.expm1(x)), ("log2", lambda T, x: T.log2(x)), ("sqrt", lambda T, x: T.sqrt(x)),
    ("rsqrt", lambda T, x: T.rsqrt(x)), ("sin", lambda T, x: T.sin(x)), ("cos", lambda T, x: T.cos(x)),
    ("tanh", lambda T, x: T.tanh(x)), ("sigmoid", lambda T, x: T.sigmoid(x)), ("relu", lambda T, x: T.relu(x)),
    ("sign", lambda T, x: T.sign(x)), ("floor", lambda T, x: T.floor(x)), ("ceil", lambda T, x: T.ceil(x)),
    ("round", lambda T, x: T.round(x)), ("round_dec", lambda T, x: T.round(x, decimals=1)),
    ("clamp", lambda T, x: T.clamp(x, -0.5, 0.7)), ("clamp_min", lambda T, x: x.clamp(min=0.1)),
    ("clamp_max", lambda T, x: x.clamp(max=0.1)), ("clip", lambda T, x: T.clip(x, -1.0, 1.0)),
    ("pow2", lambda T, x: x ** 2), ("pow3", lambda T, x: x ** 3), ("pow_half", lambda T, x: x ** 0.5),
    ("pow_neg", lambda T, x: x ** -1.5), ("pow0", lambda T, x: x ** 0), ("rpow", lambda T, x: 2.0 ** x),
    ("square", lambda T, x: T.square(x)), ("erf", lambda T, x: T.erf(x)), ("erfc", lambda T, x: T.erfc(x)),
    ("radd", lambda T, x: 3 + x), ("rsub", lambda T, x: 3 - x), ("rmul", lambda T, x: 3 * x),
    ("rdiv", lambda T, x: 3 / x), ("div_scalar", lambda T, x: x / 4), ("sub_scalar", lambda T, x: x - 1.5),
    ("log_softmax_last", lambda T, x: T.log_softmax(x, -1)), ("softmax_last", lambda T, x: T.softmax(x, -1)),
    ("sigmoid_F", lambda T, x: _F(T).sigmoid(x)),
]
DOMAIN = {"log": "pos", "log2": "pos", "sqrt": "pos", "rsqrt": "pos", "pow_half": "pos", "pow_neg": "pos",
          "log1p": "pos", "reciprocal": "pos", "rdiv": "pos", "abs": "away", "relu": "away", "sign": "away",
          "floor": "away", "ceil": "away", "round": "away", "round_dec": "pos", "clamp": "away",
          "clamp_min": "away", "clamp_max": "away", "clip": "away", "leaky_relu": "away"}
NO_DOUBLE = {"floor", "ceil", "round", "round_dec", "sign"}  # zero derivative: nothing to differentiate twice
SHAPES = [(3, 4), (), (0, 3), (2, 1, 3)]


BINARY = [
    ("add", lambda T, a, b: a + b), ("sub", lambda T, a, b: a - b), ("mul", lambda T, a, b: a * b),
    ("div", lambda T, a, b: a / b), ("add_alpha", lambda T, a, b: T.add(a, b, alpha=2.5)),
    ("sub_alpha", lambda T, a, b: T.sub(a, b, alpha=0.5)), ("pow", lambda T, a, b: a ** b),
    ("maximum", lambda T, a, b: T.maximum(a, b)), ("minimum", lambda T, a, b: T.minimum(a, b)),
    ("where", lambda T, a, b: T.where(a > b, a, b * 2)), ("atan2_like", lambda T, a, b: a * b - a / b),
]
BIN_DOMAIN = {"div": ("any", "pos"), "pow": ("pos", "any"), "atan2_like": ("any", "pos")}
BIN_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3)), ((3,), ()), ((0, 3), (3,)),
              ((), ())]


REDUCE = [
    ("sum", lambda T, x: x.sum()), ("sum_dim", lambda T, x: x.sum(1)), ("sum_dims", lambda T, x: x.sum((0, 2))),
    ("sum_keep", lambda T, x: x.sum(-1, keepdim=True)), ("mean", lambda T, x: x.mean()),
    ("mean_dim", lambda T, x: T.mean(x, dim=0)), ("mean_keep", lambda T, x: x.mean((1, 2), keepdim=True)),
    ("var", lambda T, x: x.var()), ("var_dim", lambda T, x: x.var(1)),
    ("var_c0", lambda T, x: T.var(x, dim=2, correction=0)), ("var_unb", lambda T, x: x.var(0, unbiased=False)),
    ("std", lambda T, x: x.std()), ("std_dim", lambda T, x: x.std(dim=1, keepdim=True)),
    ("std_c0", lambda T, x: T.std(x, correction=0)), ("prod", lambda T, x: x.prod()),
    ("prod_dim", lambda T, x: x.prod(1)),
    ("max", lambda T, x: x.max()), ("max_dim", lambda T, x: x.max(1)[0]), ("max_dim_idx", lambda T, x: x.max(1)[1]),
    ("min", lambda T, x: x.min()), ("min_dim", lambda T, x: T.min(x, dim=-1, keepdim=True).values),
    ("min_dim_idx", lambda T, x: T.min(x, dim=-1).indices),
    ("amax", lambda T, x: T.amax(x, dim=(0, 1))), ("amin", lambda T, x: x.amin(-1)),
    ("argmax", lambda T, x: x.argmax()), ("argmax_dim", lambda T, x: x.argmax(dim=1)),
    ("argmin", lambda T, x: T.argmin(x, 0)), ("argmin_keep", lambda T, x: x.argmin(2, keepdim=True)),
    ("logsumexp", lambda T, x: T.logsumexp(x, 1)), ("logsumexp_keep", lambda T, x: x.logsumexp((0, 2), True)),
    ("norm", lambda T, x: x.norm()), ("norm_dim", lambda T, x: x.norm(dim=1)), ("norm1", lambda T, x: x.norm(p=1)),
    ("norm_p3", lambda T, x: T.norm(x, p=3, dim=-1)), ("norm_inf", lambda T, x: x.norm(p=float("inf"))),
    ("cumsum", lambda T, x: x.cumsum(1)), ("cumsum0", lambda T, x: T.cumsum(x, dim=0)),
    ("softmax", lambda T, x: T.softmax(x, dim=1)), ("log_softmax", lambda T, x: T.log_softmax(x, dim=0)),
    ("F_softmax", lambda T, x: _F(T).softmax(x, dim=-1)), ("F_log_softmax", lambda T, x: _F(T).log_softmax(x, 1)),
]
RED_DOMAIN = {"norm1": "away", "norm_inf": "away", "prod": "pos", "prod_dim": "pos"}
INT_OUT = {"max_dim_idx", "min_dim_idx", "argmax", "argmax_dim", "argmin", "argmin_keep"}


SHAPE_OPS = [
    ("reshape", lambda T, x: x.reshape(4, 6), (2, 3, 4)), ("reshape_neg", lambda T, x: T.reshape(x, (-1, 4)), (2, 3, 4)),
    ("view", lambda T, x: x.view(6, 4), (2, 3, 4)), ("view_neg", lambda T, x: x.view(-1), (2, 3, 4)),
    ("flatten", lambda T, x: x.flatten(), (2, 3, 4)), ("flatten1", lambda T, x: T.flatten(x, 1), (2, 3, 4)),
    ("unflatten", lambda T, x: x.unflatten(1, (3, 1)), (2, 3, 4)),
    ("squeeze", lambda T, x: x.squeeze(), (2, 1, 4)), ("squeeze1", lambda T, x: x.squeeze(1), (2, 1, 4)),
    ("unsqueeze", lambda T, x: x.unsqueeze(0), (2, 3)), ("unsqueeze_neg", lambda T, x: T.unsqueeze(x, -1), (2, 3)),
    ("transpose", lambda T, x: x.transpose(0, 2), (2, 3, 4)), ("t", lambda T, x: x.t(), (2, 3)),
    ("permute", lambda T, x: x.permute(2, 0, 1), (2, 3, 4)), ("T", lambda T, x: x.T, (2, 3)),
    ("mT", lambda T, x: x.mT, (2, 3, 4)), ("expand", lambda T, x: x.expand(3, 2, 4), (2, 1)),
    ("expand_neg", lambda T, x: x.expand(-1, 5), (3, 1)), ("repeat", lambda T, x: x.repeat(2, 1, 3), (2, 3)),
    ("cat", lambda T, x: T.cat([x, x * 2], dim=1), (2, 3)), ("cat0", lambda T, x: T.cat((x, x[:1])), (2, 3)),
    ("stack", lambda T, x: T.stack([x, -x], 1), (2, 3)),
    ("split", lambda T, x: x.split(2, dim=1)[1], (2, 5)), ("split_list", lambda T, x: T.split(x, [1, 4], 1)[1], (2, 5)),
    ("chunk", lambda T, x: x.chunk(3, 0)[2], (5, 2)),
    ("gather", lambda T, x: T.gather(x, 1, T.tensor([[0, 2], [1, 1]])), (2, 3)),
    ("scatter", lambda T, x: T.zeros(3, 4, dtype=x.dtype).scatter(1, T.tensor([[1, 3], [0, 2]]), x), (2, 2)),
    ("scatter_self", lambda T, x: x.scatter(0, T.tensor([[1, 0, 1]]), 5.0), (2, 3)),
    ("index_select", lambda T, x: x.index_select(0, T.tensor([2, 0, 2])), (3, 4)),
    ("masked_fill", lambda T, x: x.masked_fill(x > 0, -1.0), (3, 4)),
    ("tril", lambda T, x: x.tril(), (3, 4)), ("triu1", lambda T, x: T.triu(x, 1), (3, 4)),
    ("tril_neg", lambda T, x: x.tril(-1), (2, 3, 3)),
    ("pad", lambda T, x: _F(T).pad(x, (1, 2)), (2, 3)), ("pad2", lambda T, x: _F(T).pad(x, (1, 0, 0, 2), value=1.5), (2, 3)),
    ("pad_reflect", lambda T, x: _F(T).pad(x, (2, 1), mode="reflect"), (2, 4)),
    ("getitem_int", lambda T, x: x[1], (3, 4)), ("getitem_slice", lambda T, x: x[:, 1:3], (3, 4)),
    ("getitem_step", lambda T, x: x[::2, ::-1] if T is nt else x[::2].flip(1), (3, 4)),
    ("getitem_none", lambda T, x: x[None, 1, ..., None], (3, 4)),
    ("getitem_arr", lambda T, x: x[T.tensor([0, 2, 0])], (3, 4)),
    ("getitem_arr2", lambda T, x: x[T.tensor([0, 2]), T.tensor([1, 3])], (3, 4)),
    ("getitem_mask", lambda T, x: x[x > 0], (3, 4)), ("getitem_list", lambda T, x: x[:, [0, 0, 2]], (3, 4)),
    ("getitem_ell", lambda T, x: x[..., 1], (2, 3, 4)),
]

LINALG = [
    ("matmul_mm", lambda T, a, b: a @ b, (3, 4), (4, 2)), ("matmul_vv", lambda T, a, b: a @ b, (4,), (4,)),
    ("matmul_mv", lambda T, a, b: T.matmul(a, b), (3, 4), (4,)), ("matmul_vm", lambda T, a, b: a @ b, (4,), (4, 2)),
    ("matmul_bb", lambda T, a, b: a @ b, (2, 3, 4), (2, 4, 5)),
    ("matmul_bcast", lambda T, a, b: a @ b, (2, 1, 3, 4), (3, 4, 2)),
    ("matmul_b2", lambda T, a, b: a @ b, (2, 3, 4), (4, 2)), ("matmul_1b", lambda T, a, b: a @ b, (4,), (2, 4, 3)),
    ("matmul_b1", lambda T, a, b: a @ b, (2, 3, 4), (4,)),
    ("mm", lambda T, a, b: T.mm(a, b), (3, 4), (4, 2)), ("bmm", lambda T, a, b: T.bmm(a, b), (2, 3, 4), (2, 4, 2)),
    ("mv", lambda T, a, b: T.mv(a, b), (3, 4), (4,)), ("dot", lambda T, a, b: T.dot(a, b), (4,), (4,)),
    ("einsum_ij", lambda T, a, b: T.einsum("ij,jk->ik", a, b), (3, 4), (4, 2)),
    ("einsum_b", lambda T, a, b: T.einsum("bij,bkj->bik", a, b), (2, 3, 4), (2, 5, 4)),
    ("einsum_tr", lambda T, a, b: T.einsum("ii,i", a, b), (3, 3), (3,)),
    ("matmul_empty", lambda T, a, b: a @ b, (0, 4), (4, 2)),
]


# ------------------------------------------------------------------------------- helpers
def _make_pair(arrays, noncontig=False):
    """numtorch and torch leaves with the same values (optionally fed in as transposed views)."""
    nts, ths, leaves_n, leaves_t = [], [], [], []
    for a in arrays:
        if noncontig and a.ndim >= 2:
            base = np.ascontiguousarray(np.swapaxes(a, 0, -1))
            bn = nt.tensor(base, requires_grad=base.dtype.kind == "f")
            bt = torch.tensor(base, requires_grad=base.dtype.kind == "f")
            n, t = bn.transpose(0, -1), bt.transpose(0, -1)
            assert n.is_contiguous() == t.is_contiguous()
        else:
            bn = nt.tensor(a, requires_grad=a.dtype.kind == "f")
            bt = torch.tensor(a, requires_grad=a.dtype.kind == "f")
            n, t = bn, bt
        nts.append(n), ths.append(t), leaves_n.append(bn), leaves_t.append(bt)
    return nts, ths, leaves_n, leaves_t


def _check_fwd_bwd(fn, arrays, rtol=1e-5, atol=1e-6, noncontig=False, grads=True, name_check=True):
    nts, ths, ln, lt = _make_pair(arrays, noncontig)
    on, ot = fn(nt, *nts), fn(torch, *ths)
    assert_close(on, ot, rtol, atol)
    assert on.requires_grad == ot.requires_grad
    if not (grads and ot.requires_grad):
        return
    if name_check:
        assert type(on.grad_fn).__name__ == type(ot.grad_fn).__name__
    g = np.random.default_rng(1).standard_normal(tuple(ot.shape)).astype(str(ot.dtype).replace("torch.", ""))
    on.backward(nt.tensor(g))
    ot.backward(torch.tensor(g))
    for a, b in zip(ln, lt):
        if b.grad is None:
            assert a.grad is None or not np.any(a.grad._data)
        else:
            assert_close(a.grad, b.grad, rtol, atol)


def _gradcheck(fn, arrays):
    ins = [nt.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
    assert nt.autograd.gradcheck(lambda *x: fn(nt, *x), ins, eps=1e-6, atol=1e-5, rtol=1e-3)


def _double(fn, arrays, rtol=1e-6, atol=1e-8):
    """Second derivatives: d/dx <grad_x f(x), v> compared with torch (float64)."""
    arrays = [a.astype(np.float64) for a in arrays]
    nts = [nt.tensor(a, requires_grad=True) for a in arrays]
    ths = [torch.tensor(a, requires_grad=True) for a in arrays]
    on, ot = fn(nt, *nts), fn(torch, *ths)
    g = np.random.default_rng(2).standard_normal(tuple(ot.shape))
    gn = nt.autograd.grad(on, nts, nt.tensor(g), create_graph=True, allow_unused=True)
    gt = torch.autograd.grad(ot, ths, torch.tensor(g), create_graph=True, allow_unused=True)
    vs = [np.random.default_rng(3 + i).standard_normal(a.shape) for i, a in enumerate(arrays)]
    sn = sum((x * nt.tensor(v)).sum() for x, v in zip(gn, vs) if x is not None and x.requires_grad)
    st = sum((x * torch.tensor(v)).sum() for x, v in zip(gt, vs) if x is not None and x.requires_grad)
    n_const = isinstance(sn, int) or not sn.requires_grad
    if isinstance(st, int) or n_const:  # the gradient does not depend on the inputs: zero Hessian
        if not isinstance(st, int):
            assert all(h is None or not h.any() for h in torch.autograd.grad(st, ths, allow_unused=True))
        if not n_const:
            assert all(h is None or not h._data.any() for h in nt.autograd.grad(sn, nts, allow_unused=True))
        return
    assert_close(sn, st, rtol, atol)
    hn = nt.autograd.grad(sn, nts, allow_unused=True)
    ht = torch.autograd.grad(st, ths, allow_unused=True)
    for a, b in zip(hn, ht):
        if b is None:
            assert a is None or not np.any(a._data)
        else:
            assert a is not None
            assert_close(a, torch.zeros(b.shape, dtype=b.dtype) + b, rtol, atol)  # materialise ZeroTensors


# ------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,fn", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, fn, shape):
    if name.endswith("_last") and shape == ():
        shape = (3,)
    a = _arr(shape, DOMAIN.get(name), np.random.default_rng(len(name)))
    _check_fwd_bwd(fn, [a])


@pytest.mark.parametrize("name,fn", UNARY, ids=[u[0] for u in UNARY])
def test_unary_noncontig_float64(name, fn):
    a = _arr((3, 4), DOMAIN.get(name), np.random.default_rng(7), np.float64)
    _check_fwd_bwd(fn, [a], 1e-12, 1e-12, noncontig=True)


@pytest.mark.parametrize("name,fn", UNARY, ids=[u[0] for u in UNARY])
def test_unary_gradcheck_and_double(name, fn):
    a = _arr((2, 3), DOMAIN.get(name), np.random.default_rng(3), np.float64)
    _gradcheck(fn, [a])
    if name not in NO_DOUBLE:
        _double(fn, [a])


@pytest.mark.parametrize("shapes", BIN_SHAPES, ids=str)
@pytest.mark.parametrize("name,fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, fn, shapes):
    rng = np.random.default_rng(11)
    da, db = BIN_DOMAIN.get(name, ("any", "any"))
    _check_fwd_bwd(fn, [_arr(shapes[0], da, rng), _arr(shapes[1], db, rng)])


@pytest.mark.parametrize("name,fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_noncontig_gradcheck_double(name, fn):
    rng = np.random.default_rng(5)
    da, db = BIN_DOMAIN.get(name, ("any", "any"))
    a, b = _arr((3, 4), da, rng, np.float64), _arr((3, 4), db, rng, np.float64)
    _check_fwd_bwd(fn, [a, b], 1e-12, 1e-12, noncontig=True)
    a, b = _arr((2, 3), da, rng, np.float64), _arr((3,), db, rng, np.float64)
    _gradcheck(fn, [a, b])
    _double(fn, [a, b])


@pytest.mark.parametrize("name,fn", REDUCE, ids=[r[0] for r in REDUCE])
def test_reduce(name, fn):
    rng = np.random.default_rng(13)
    a = _arr((3, 4, 5), RED_DOMAIN.get(name), rng)
    _check_fwd_bwd(fn, [a], 1e-5, 1e-5)
    _check_fwd_bwd(fn, [_arr((3, 4, 5), RED_DOMAIN.get(name), rng, np.float64)], 1e-10, 1e-10, noncontig=True)
    if name not in INT_OUT:
        a = _arr((2, 3, 2), RED_DOMAIN.get(name), rng, np.float64)
        _gradcheck(fn, [a])
        _double(fn, [a])


@pytest.mark.parametrize("name,fn", [r for r in REDUCE if r[0] in
                                     ("sum", "sum_dim", "mean", "prod", "max", "argmax", "logsumexp", "norm",
                                      "cumsum", "softmax", "var", "amax")], ids=lambda r: str(r))
def test_reduce_0d(name, fn):
    # dim=1 on a 0-d tensor is out of range in both libraries; only dim-less calls or dim 0/-1 apply
    a = _arr((), RED_DOMAIN.get(name), np.random.default_rng(0))
    try:
        ot = fn(torch, torch.tensor(a, requires_grad=True))
    except (IndexError, RuntimeError) as e:
        with pytest.raises(type(e)):
            fn(nt, nt.tensor(a, requires_grad=True))
        return
    _check_fwd_bwd(fn, [a], 1e-5, 1e-5)


@pytest.mark.parametrize("name", ["sum", "sum_dim", "mean", "mean_dim", "prod", "amax", "logsumexp", "norm",
                                  "cumsum", "softmax", "var"])
def test_reduce_empty(name):
    fn = dict((r[0], r[1]) for r in REDUCE)[name]
    a = np.zeros((0, 3, 2), np.float32)
    try:
        fn(torch, torch.tensor(a, requires_grad=True))
    except (IndexError, RuntimeError) as e:
        with pytest.raises(type(e)):
            fn(nt, nt.tensor(a, requires_grad=True))
        return
    _check_fwd_bwd(fn, [a])


@pytest.mark.parametrize("name,fn,shape", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
def test_shape_ops(name, fn, shape):
    rng = np.random.default_rng(17)
    if name == "getitem_step":      # torch has no negative steps: compare with flip
        a = _arr(shape, None, rng)
        n = nt.tensor(a, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        on, ot = n[::2, ::-1], t[::2].flip(1)
        assert_close(on, ot)
        g = rng.standard_normal(tuple(ot.shape)).astype(np.float32)
        on.backward(nt.tensor(g)), ot.backward(torch.tensor(g))
        assert_close(n.grad, t.grad)
        return
    _check_fwd_bwd(fn, [_arr(shape, None, rng)])
    if len(shape) >= 2 and name not in ("view", "view_neg"):
        _check_fwd_bwd(fn, [_arr(shape, None, rng, np.float64)], 1e-12, 1e-12, noncontig=True)
    a = _arr(shape, None, rng, np.float64)
    _gradcheck(fn, [a])
    _double(fn, [a])


def test_view_noncontig_raises_like_torch():
    for lib in (nt, torch):
        x = lib.zeros(3, 4).t()
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            x.view(12)


@pytest.mark.parametrize("name,fn,sa,sb", LINALG, ids=[m[0] for m in LINALG])
def test_linalg(name, fn, sa, sb):
    rng = np.random.default_rng(19)
    # torch names einsum's node after its internal bmm/view plan: only values are compared there
    _check_fwd_bwd(fn, [_arr(sa, None, rng), _arr(sb, None, rng)], 1e-5, 1e-5, name_check="einsum" not in name)
    _check_fwd_bwd(fn, [_arr(sa, None, rng, np.float64), _arr(sb, None, rng, np.float64)], 1e-12, 1e-12,
                   noncontig=True, name_check="einsum" not in name)
    a, b = _arr(sa, None, rng, np.float64), _arr(sb, None, rng, np.float64)
    _gradcheck(fn, [a, b])
    _double(fn, [a, b])


@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addmm(beta, alpha):
    rng = np.random.default_rng(23)
    fn = lambda T, c, a, b: T.addmm(c, a, b, beta=beta, alpha=alpha)  # noqa: E731
    arrays = [_arr((2,), None, rng), _arr((2, 3), None, rng), _arr((3, 2), None, rng)]
    _check_fwd_bwd(fn, arrays, 1e-5, 1e-5)
    arrays = [a.astype(np.float64) for a in arrays]
    _gradcheck(fn, arrays)
    _double(fn, arrays)


def test_linear_grad_fn_names():
    rng = np.random.default_rng(0)
    x, w, b = (_arr(s, None, rng) for s in [(2, 3), (4, 3), (4,)])
    names = []
    for T, F in ((nt, ntF), (torch, tF)):
        xs = [T.tensor(v, requires_grad=True) for v in (x, w, b)]
        y = F.linear(*xs)
        y1 = F.linear(xs[0], xs[1])
        names.append((type(y.grad_fn).__name__, type(y1.grad_fn).__name__))
    assert names[0] == names[1]


# ---------------------------------------------------------------- dtypes and promotion
DT = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32, "u8": np.uint8, "b": np.bool_}


def _val(kind, shape, rng):
    if kind == "b":
        return rng.random(shape) > 0.5
    if kind in ("i64", "i32", "u8"):
        return rng.integers(1, 4, shape).astype(DT[kind])
    return (np.abs(rng.standard_normal(shape)) + 0.5).astype(DT[kind])


@pytest.mark.parametrize("op", ["add", "mul", "div", "sub", "pow", "floordiv", "maximum", "where", "eq"])
@pytest.mark.parametrize("ka", list(DT))
@pytest.mark.parametrize("kb", list(DT) + ["int", "float", "bool", "0d_f64", "0d_i64", "0d_f32"])
def test_promotion(op, ka, kb):
    rng = np.random.default_rng(0)
    a = _val(ka, (2, 3), rng)
    if kb == "int":
        b = [2] * 2
    elif kb == "float":
        b = [1.5] * 2
    elif kb == "bool":
        b = [True] * 2
    elif kb.startswith("0d"):
        b = [_val(kb[3:], (), rng)] * 2
    else:
        b = [_val(kb, (2, 3), rng)] * 2
    if kb in DT or kb.startswith("0d"):
        bn, bt = nt.tensor(b[0]), torch.tensor(b[0])
    else:
        bn = bt = b[0]
    an, at = nt.tensor(a), torch.tensor(a)
    fns = {"add": lambda x, y: x + y, "mul": lambda x, y: x * y, "div": lambda x, y: x / y,
           "sub": lambda x, y: x - y, "pow": lambda x, y: x ** y, "floordiv": lambda x, y: x // y,
           "eq": lambda x, y: x == y}
    if op == "maximum":
        if not isinstance(bn, nt.Tensor):
            return
        fn = lambda x, y: (nt if isinstance(x, nt.Tensor) else torch).maximum(x, y)  # noqa: E731
    elif op == "where":
        fn = lambda x, y: (nt if isinstance(x, nt.Tensor) else torch).where(x > 1, x, y)  # noqa: E731
    else:
        fn = fns[op]
    try:
        ot = fn(at, bt)
    except Exception as e:  # noqa: BLE001  (both must refuse the same combinations)
        with pytest.raises(type(e)):
            fn(an, bn)
        return
    on = fn(an, bn)
    assert_close(on, ot, 1e-6, 1e-6)
    # and the reflected operation (scalar/0-d on the left)
    try:
        ot2 = fn(bt, at) if op not in ("maximum", "where") else None
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(bn, an)
        return
    if ot2 is not None:
        assert_close(fn(bn, an), ot2, 1e-6, 1e-6)


@pytest.mark.parametrize("kind", ["i64", "i32", "u8", "b", "f64"])
@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sigmoid", "tanh", "abs", "neg", "sign", "floor", "sum",
                                  "mean", "prod", "cumsum", "relu", "reciprocal", "square", "clamp"])
def test_unary_dtypes(kind, name):
    a = _val(kind, (2, 3), np.random.default_rng(0))
    fn = {"clamp": lambda T, x: T.clamp(x, 1, 2), "mean": lambda T, x: x.mean()}.get(
        name, lambda T, x: getattr(T, name)(x))
    try:
        ot = fn(torch, torch.tensor(a))
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(nt, nt.tensor(a))
        return
    assert_close(fn(nt, nt.tensor(a)), ot, 1e-6, 1e-6)


# ------------------------------------------------------------------ non-differentiable ops
def test_non_differentiable_ops():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 5)).astype(np.float32)
    a[0, 1], a[1, 2], a[2, 3] = np.nan, np.inf, -np.inf
    b = a.copy()
    b[0, 0] += 1e-7
    for name, fn in [("isfinite", lambda T, x, y: T.isfinite(x)), ("isnan", lambda T, x, y: x.isnan()),
                     ("eq", lambda T, x, y: x == y), ("ne", lambda T, x, y: x != y),
                     ("lt", lambda T, x, y: x < 0), ("le", lambda T, x, y: T.le(x, y)),
                     ("gt", lambda T, x, y: x.gt(0.5)), ("ge", lambda T, x, y: x >= y),
                     ("any", lambda T, x, y: (x > 2).any()), ("any_dim", lambda T, x, y: T.any(x > 1, dim=1)),
                     ("all", lambda T, x, y: T.isfinite(x).all()), ("all_dim", lambda T, x, y: (x < 5).all(0)),
                     ("eq_fn", lambda T, x, y: T.eq(x, 0.0))]:
        assert_close(fn(nt, nt.tensor(a), nt.tensor(b)), fn(torch, torch.tensor(a), torch.tensor(b)))
    for kw in [{}, {"equal_nan": True}, {"rtol": 0, "atol": 0}]:
        assert nt.allclose(nt.tensor(a), nt.tensor(b), **kw) == torch.allclose(torch.tensor(a), torch.tensor(b),
                                                                                 **kw)
    assert nt.equal(nt.tensor(a[1:]), nt.tensor(a[1:])) == torch.equal(torch.tensor(a[1:]), torch.tensor(a[1:]))
    assert nt.equal(nt.tensor(b), nt.tensor(a)) == torch.equal(torch.tensor(b), torch.tensor(a))
    c = rng.standard_normal((4, 6)).astype(np.float32)
    for kw in [{}, {"dim": 0}, {"descending": True}, {"dim": 0, "descending": True}]:
        vn, in_ = nt.sort(nt.tensor(c), **kw)
        vt, it = torch.sort(torch.tensor(c), **kw)
        assert_close(vn, vt), assert_close(in_, it)
    for k, kw in [(2, {}), (3, {"dim": 0}), (1, {"largest": False}), (4, {"dim": 1, "largest": False})]:
        vn, in_ = nt.tensor(c).topk(k, **kw)
        vt, it = torch.tensor(c).topk(k, **kw)
        assert_close(vn, vt), assert_close(in_, it)


def test_sort_topk_gradients():
    rng = np.random.default_rng(1)
    c = rng.standard_normal((3, 5))
    for fn in [lambda T, x: T.sort(x, 1)[0] * T.arange(5.0, dtype=x.dtype),
               lambda T, x: x.topk(2, dim=0)[0].sum(0) * x[0, :5]]:
        _check_fwd_bwd(fn, [c])
        _gradcheck(fn, [c])


# ------------------------------------------------------------------ erf accuracy
def test_erf_matches_math_erf():
    import math
    xs = np.concatenate([np.linspace(-6, 6, 2001), [0.0, 1e-10, -1e-300, 0.4999, 0.5, 2.5, 5.9, 27.0, -30.0, np.inf, -np.inf, np.nan]])
    got = nt.erf(nt.tensor(xs, dtype=nt.float64))._data
    want = np.array([math.erf(v) for v in xs])
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-300)
    got = nt.erfc(nt.tensor(xs, dtype=nt.float64))._data
    want = np.array([math.erfc(v) for v in xs])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)
    x32 = xs.astype(np.float32)
    assert_close(nt.erf(nt.tensor(x32)), torch.erf(torch.tensor(x32)), 1e-6, 1e-7)
    assert_close(nt.erfc(nt.tensor(x32)), torch.erfc(torch.tensor(x32)), 1e-5, 1e-30)


# ------------------------------------------------------------------ ties, zeros, NaN, overflow
CA = np.array([[1.0, 2.0, 2.0], [0.0, -1.0, 0.0]], np.float32)
CB = np.array([[1.0, 3.0, 2.0], [0.0, -2.0, 1.0]], np.float32)
CORNERS = {
    "maximum_ties": lambda T, x, y: T.maximum(x, y), "minimum_ties": lambda T, x, y: T.minimum(x, y),
    "max_all_ties": lambda T, x, y: x.max(), "min_all_ties": lambda T, x, y: x.min(),
    "max_dim_ties": lambda T, x, y: x.max(1)[0], "amax_ties": lambda T, x, y: x.amax(1),
    "amin_ties": lambda T, x, y: x.amin(0), "clamp_bounds": lambda T, x, y: x.clamp(0.0, 2.0),
    "relu_0": lambda T, x, y: x.relu(), "abs_0": lambda T, x, y: x.abs(), "clamp_tensor": lambda T, x, y: x.clamp(min=y),
    "clamp_tensors": lambda T, x, y: T.clamp(x, y, y + 0.5), "where_eq": lambda T, x, y: T.where(x == y, x, y),
    "sort_ties": lambda T, x, y: x.sort(1)[0] * T.tensor([1.0, 2, 3]), "norm_0": lambda T, x, y: (x * 0).norm(),
    "std_single": lambda T, x, y: x[:, :1].std(1), "sqrt_0": lambda T, x, y: (x * 0).sqrt(),
    "pow_half_0": lambda T, x, y: (x * 0) ** 0.5, "log_0": lambda T, x, y: (x * 0).log(),
    "div_0": lambda T, x, y: x / (y * 0), "prod_zeros": lambda T, x, y: x.prod(1), "prod_all": lambda T, x, y: x.prod(),
    "cumprod_zeros": lambda T, x, y: x.cumprod(1), "maximum_nan": lambda T, x, y: T.maximum(x, y * T.nan),
    "logsumexp_minf": lambda T, x, y: T.logsumexp(x - T.inf, 1), "softmax_big": lambda T, x, y: T.softmax(x * 1e4, 1),
    "log_softmax_big": lambda T, x, y: T.log_softmax(x * 1e4, 1), "sigmoid_big": lambda T, x, y: (x * 1e3).sigmoid(),
    "tanh_big": lambda T, x, y: (x * 1e3).tanh(), "var_single": lambda T, x, y: x[:1, :1].var(),
    "mean_empty": lambda T, x, y: x[:0].mean(), "sum_empty": lambda T, x, y: x[:0].sum(),
    "rsqrt_0": lambda T, x, y: (x * 0).rsqrt(), "round_half_even": lambda T, x, y: (x + 0.5).round(),
    "floor_divide": lambda T, x, y: x // 1.5, "div_floor": lambda T, x, y: T.div(x, 1.5, rounding_mode="floor"),
    "div_trunc": lambda T, x, y: T.div(x, -1.5, rounding_mode="trunc"), "fmod": lambda T, x, y: T.fmod(x, 1.5),
    "remainder": lambda T, x, y: T.remainder(x, -1.5), "exp_big": lambda T, x, y: (x * 100).exp(),
}


@pytest.mark.parametrize("name", list(CORNERS))
def test_corner_cases(name):
    fn = CORNERS[name]
    out = []
    for T in (nt, torch):
        x, y = T.tensor(CA, requires_grad=True), T.tensor(CB, requires_grad=True)
        try:
            o = fn(T, x, y)
            if o.requires_grad:
                o.sum().backward()
        except Exception as e:  # noqa: BLE001  (both must refuse alike)
            out.append(type(e))
            continue
        out.append((o, x.grad, y.grad))
    if not isinstance(out[1], tuple):
        assert out[0] is out[1]
        return
    assert isinstance(out[0], tuple), out[0]
    for p, q in zip(*out):
        assert_close(p, q)


# ------------------------------------------------------------------ empty inputs for every table op
def _empty_cases():
    cases = []
    for name, fn, shape in SHAPE_OPS:
        if name != "getitem_step":
            cases.append((name, fn, [(0,) + tuple(shape[1:])]))
    for name, fn in REDUCE:
        for sh in [(0, 4, 5), (3, 0, 5), (3, 4, 0)]:
            cases.append((f"{name}{sh}", fn, [sh]))
    for name, fn, sa, sb in LINALG:
        cases.append((name, fn, [(0,) + tuple(sa[1:]), sb]))
    return cases


@pytest.mark.parametrize("name,fn,shapes", _empty_cases(), ids=[c[0] for c in _empty_cases()])
def test_empty_inputs(name, fn, shapes):
    arrays = [np.zeros(s, np.float32) for s in shapes]
    try:
        ot = fn(torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
    except Exception as e:  # noqa: BLE001  (numtorch must refuse with the same exception type)
        with pytest.raises(type(e)):
            fn(nt, *[nt.tensor(a, requires_grad=True) for a in arrays])
        return
    if isinstance(ot, tuple):
        return
    _check_fwd_bwd(fn, arrays, name_check="einsum" not in name)


# ------------------------------------------------------------------ less common ops
EXTRA = [
    ("atan2", lambda T, a, b: T.atan2(a, b), (3, 4), (4,)), ("logaddexp", lambda T, a, b: T.logaddexp(a, b), (3, 4), (3, 1)),
    ("median", lambda T, a, b: a.median() * b.sum(), (3, 5), (2,)), ("median_dim", lambda T, a, b: a.median(1)[0] * b, (3, 5), (3,)),
    ("median_keep", lambda T, a, b: T.median(a, 0, keepdim=True).values + b, (4, 3), (3,)),
    ("unfold", lambda T, a, b: a.unfold(1, 2, 1) * b, (3, 5), (2,)), ("unfold_step", lambda T, a, b: a.unfold(0, 2, 2), (5, 2), (1,)),
    ("nan_to_num", lambda T, a, b: T.nan_to_num(a / (b - b), nan=1.5), (2, 3), (3,)),
    ("erfinv", lambda T, a, b: T.erfinv(a.tanh() * 0.95) * b, (2, 3), (3,)), ("dist", lambda T, a, b: T.dist(a, b), (2, 3), (3,)),
    ("dist_p1", lambda T, a, b: T.dist(a, b, 1.5), (2, 3), (2, 3)),
]


@pytest.mark.parametrize("name,fn,sa,sb", EXTRA, ids=[e[0] for e in EXTRA])
def test_extra_ops(name, fn, sa, sb):
    rng = np.random.default_rng(29)
    # median/unfold gradients route to chosen elements: the check runs away from ties
    _check_fwd_bwd(fn, [_arr(sa, None, rng), _arr(sb, None, rng)], 1e-5, 1e-5, name_check=False)
    if name != "nan_to_num":
        arrays = [_arr(sa, None, rng, np.float64), _arr(sb, None, rng, np.float64)]
        _gradcheck(fn, arrays)
        _double(fn, arrays)


def test_extra_ops_non_differentiable():
    for f in (lambda T: T.tril_indices(3, 4, 1), lambda T: T.triu_indices(4, 3, -1), lambda T: T.tensor(
              [[1.0, np.nan], [np.inf, -np.inf]]).nan_to_num(), lambda T: T.tensor([[1.0, 2.0], [3.0, 4.0]]).median(),
              lambda T: T.tensor([3.0, np.nan, 1.0]).median(), lambda T: T.tensor([[1, 5, 3], [4, 4, 4]]).median(1)[0],
              lambda T: T.zeros(2, 3).new_ones(2), lambda T: T.zeros(2, dtype=T.int32).new_full((3,), 7),
              lambda T: T.ones(2).new_tensor([1, 2]), lambda T: T.ones(2, 3).new_zeros((1, 2), dtype=T.int64),
              lambda T: T.zeros(3, 3).fill_diagonal_(2.0), lambda T: T.zeros(7, 3).fill_diagonal_(1.0, wrap=True),
              lambda T: T.arange(6.0).unfold(0, 3, 2), lambda T: T.ones(2, 3).sum_to_size(1, 3),
              lambda T: T.tensor([1.0, -2.0]).where(T.tensor([True, False]), T.tensor(0.0))):
        assert_close(f(nt), f(torch))
    y = np.linspace(-0.9999, 0.9999, 2001)
    assert_close(nt.erfinv(nt.tensor(y)), torch.erfinv(torch.tensor(y)), 1e-12, 1e-12)
    for dt in ("float32", "float64", "float16"):
        a, b = nt.finfo(getattr(nt, dt)), torch.finfo(getattr(torch, dt))
        assert (a.eps, a.max, a.min, a.tiny, a.bits, a.resolution) == (b.eps, b.max, b.min, b.tiny, b.bits, b.resolution)
    for dt in ("int64", "int32", "uint8"):
        a, b = nt.iinfo(getattr(nt, dt)), torch.iinfo(getattr(torch, dt))
        assert (a.max, a.min, a.bits) == (b.max, b.min, b.bits)


PADS = [((1, -1), "constant"), ((-1, -2, 1, 0), "constant"), ((2, 1, 1, 2), "reflect"), ((1, 2, 0, 3), "replicate"),
        ((1, 1), "circular"), ((1, 2, 2, 1), "circular"), ((1, 0, 0, 1, 1, 1), "constant"),
        ((1, 1, 1, 1, 1, 1), "replicate"), ((3, 3), "reflect")]


@pytest.mark.parametrize("pad,mode", PADS, ids=str)
def test_pad_modes_4d(pad, mode):
    a = np.random.default_rng(31).standard_normal((2, 3, 4, 5))
    fn = lambda T, x: _F(T).pad(x, pad, mode=mode) ** 2  # noqa: E731
    try:
        fn(torch, torch.tensor(a, requires_grad=True))
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            fn(nt, nt.tensor(a, requires_grad=True))
        return
    _check_fwd_bwd(fn, [a], 1e-12, 1e-12, name_check=mode != "circular")


# ------------------------------------------------------------------ dim=0 / -1 on 0-d tensors
ZERO_D = {
    "softmax": lambda T, x: x.softmax(-1), "log_softmax": lambda T, x: x.log_softmax(0), "max": lambda T, x: x.max(-1)[0],
    "amax": lambda T, x: x.amax(0), "stack": lambda T, x: T.stack([x, -x], -1), "mask": lambda T, x: x[x > 0],
    "transpose": lambda T, x: x.transpose(0, -1), "norm": lambda T, x: x.norm(dim=-1, keepdim=True),
    "logsumexp": lambda T, x: x.logsumexp(-1), "prod": lambda T, x: x.prod(-1), "flip": lambda T, x: x.flip(0),
    "slice": lambda T, x: x[..., :2], "cumsum": lambda T, x: x.cumsum(-1), "sum_keep": lambda T, x: x.sum(-1, keepdim=True),
    "var": lambda T, x: x.var(0, correction=0), "repeat": lambda T, x: x.repeat(2), "expand": lambda T, x: x.expand(2),
    "mean": lambda T, x: x.mean(0), "std": lambda T, x: x.std(-1, keepdim=True, correction=0), "amin": lambda T, x: x.amin(-1),
    "sort": lambda T, x: x.sort(0)[0], "topk": lambda T, x: x.topk(1)[0], "gather": lambda T, x: x.gather(0, T.tensor(0)),
    "squeeze": lambda T, x: x.squeeze(0), "unsqueeze": lambda T, x: x.unsqueeze(-1), "cumprod": lambda T, x: x.cumprod(0),
    "min": lambda T, x: x.min(0)[0], "sum_dup": lambda T, x: x.sum((0, -1)), "select": lambda T, x: x.unsqueeze(0).select(0, 0),
}


@pytest.mark.parametrize("name", list(ZERO_D))
def test_dim_args_on_0d(name):
    fn = ZERO_D[name]
    out = []
    for T in (nt, torch):
        x = T.tensor(1.5, requires_grad=True)
        try:
            y = fn(T, x)
            (y.sum() * 2).backward()
        except Exception as e:  # noqa: BLE001
            out.append(type(e))
            continue
        out.append((y, x.grad))
    if not isinstance(out[1], tuple):
        assert out[0] is out[1]
        return
    assert isinstance(out[0], tuple), out[0]
    assert_close(out[0][0], out[1][0])
    assert_close(out[0][1], out[1][1])


def test_integer_index_gives_a_view():
    for T in (nt, torch):
        x = T.tensor([1.0, 2.0, 3.0])
        x[0].add_(5)
        x.select(0, 1).mul_(2)
        x[-1, ...].fill_(0)
        assert x.tolist() == [6.0, 4.0, 0.0]


MASKING = {
    "relu": lambda T, x, y: x.relu().sqrt(), "maximum": lambda T, x, y: T.maximum(x.relu(), y.tanh()).sqrt(),
    "minimum": lambda T, x, y: T.minimum(-x.relu(), -y.tanh().abs()).abs().sqrt(),
    "where": lambda T, x, y: T.where(x > 0, x, x * 0).sqrt(), "clamp": lambda T, x, y: x.clamp(min=0).sqrt(),
    "clamp_max": lambda T, x, y: (-x).clamp(max=0).neg().sqrt(), "masked_fill": lambda T, x, y: x.masked_fill(x < 0, 0).sqrt(),
}


@pytest.mark.parametrize("name", list(MASKING))
def test_masked_gradients_stop_inf_and_nan(name):
    # sqrt(0) sends an infinite gradient back; PyTorch's masks drop it in the unselected positions
    a = np.array([[-1.0, 0.5, -2.0], [1.5, -0.3, 2.0]])
    b = np.array([[-0.5, 0.2, -1.0], [0.1, -0.2, 0.3]])
    out = []
    for T in (nt, torch):
        x, y = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
        MASKING[name](T, x, y).sum().backward()
        out.append((x.grad, y.grad))
    for p, q in zip(*out):
        assert_close(p, q)
