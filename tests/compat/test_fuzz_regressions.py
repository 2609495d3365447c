"""Regressions found by fuzzing (issue 21 and tests/fuzz): each case runs the same program on numtorch and on
real torch and compares values, dtypes, gradients and exception classes/messages."""
import math

import pytest

import numtorch as nt
from conftest import torch, assert_close


def _run(fn):
    """(result, None) or (None, exception) for ``fn`` run on one library."""
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return None, e


def _same(fn, msg=True):
    """fn(lib) on torch and numtorch: same exception class (and message), or the same results."""
    want, we = _run(lambda: fn(torch))
    got, ge = _run(lambda: fn(nt))
    if we is not None or ge is not None:
        assert we is not None and ge is not None, f"torch: {we!r}, numtorch: {ge!r}"
        assert type(ge).__name__ == type(we).__name__, f"torch: {we!r}, numtorch: {ge!r}"
        if msg:
            assert str(ge).split("\n")[0] == str(we).split("\n")[0]
        return None
    if not isinstance(want, tuple):
        want, got = (want,), (got,)
    for g, w in zip(got, want):
        assert_close(g, w)
    return got


# --------------------------------------------------------------- floor_divide with a gradient
@pytest.mark.parametrize("which", ["a", "b", "both"])
def test_floor_divide_requires_grad_forward_ok_backward_raises(which):
    def fwd(m):
        a = m.tensor([5.0, -7.0, 3.0, 0.5], requires_grad=which in ("a", "both"))
        b = m.tensor([2.0, 2.0, -2.0, 0.25], requires_grad=which in ("b", "both"))
        r = a // b
        return r.detach(), r.requires_grad, type(r.grad_fn).__name__
    want, got = fwd(torch), fwd(nt)
    assert_close(got[0], want[0])
    assert got[1:] == want[1:]

    def bwd(m):
        a = m.tensor([5.0, -7.0], requires_grad=True)
        b = m.tensor([2.0, 2.0], requires_grad=which != "a")
        (m.floor_divide(a, b) * 2).sum().backward()
    _same(bwd)


# --------------------------------------------------------------- gather: the index may be longer along dim
@pytest.mark.parametrize("dim,ishape", [(1, (1, 3)), (0, (7, 2)), (1, (5, 4)), (1, (6, 3)), (0, (2, 3)), (-1, (2, 5))])
def test_gather_index_longer_along_dim(dim, ishape):
    def f(m):
        a = m.arange(10.0).reshape(5, 2).requires_grad_()
        idx = (m.arange(math.prod(ishape)) % 2).reshape(ishape)
        r = a.gather(dim, idx)
        (r * m.arange(1.0, 1.0 + r.numel()).reshape(r.shape)).sum().backward()
        return r.detach(), a.grad
    _same(f)


# --------------------------------------------------------------- ravel; flatten's dims on a 0-d tensor
def test_ravel_method_and_function():
    _same(lambda m: m.arange(6.0).reshape(2, 3).t().ravel())
    _same(lambda m: m.ravel(m.tensor(3.0)))
    _same(lambda m: m.arange(6.0).reshape(2, 3)[:, ::2].ravel())


@pytest.mark.parametrize("dims", [(0, 1), (-2, 0), (0, 0), (-1, 0), (0, -1), (1, 1)])
def test_flatten_dims_of_0d(dims):
    _same(lambda m: m.tensor([[1.0, 0.0]]).argmin().flatten(*dims))
    _same(lambda m: m.tensor(2.0).flatten(*dims))


# --------------------------------------------------------------- softmax family of one element
@pytest.mark.parametrize("v", [float("nan"), float("inf"), -float("inf"), 3.0, -0.0])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_0d_special(fn, v):
    def f(m):
        x = m.tensor(v, requires_grad=True)
        y = getattr(x, fn)(0)
        y.backward()
        return y.detach(), x.grad
    _same(f)


# --------------------------------------------------------------- activations on integer / bool inputs
_ACTS = ["gelu", "silu", "elu", "selu", "celu", "leaky_relu", "rrelu", "softplus", "mish", "hardswish",
         "hardsigmoid", "logsigmoid", "softshrink", "hardshrink", "glu", "prelu", "softmax", "log_softmax", "softmin",
         "threshold", "hardtanh", "relu6", "relu", "sigmoid", "tanh", "softsign", "tanhshrink"]


_INPLACE = ["elu", "selu", "celu", "leaky_relu", "rrelu", "hardswish", "hardsigmoid", "silu", "mish", "threshold",
            "hardtanh", "relu6", "relu"]


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("name,inplace", [(n, False) for n in _ACTS] + [(n, True) for n in _INPLACE])
def test_activation_integer_input(name, dtype, inplace):
    def f(m):
        fn = getattr(m.nn.functional, name)
        x = m.tensor([[1, 0], [1, 1]], dtype=getattr(m, dtype))
        args = {"softmax": (0,), "log_softmax": (1,), "softmin": (0,), "glu": (0,), "threshold": (1, 0),
                "prelu": (m.tensor([1], dtype=getattr(m, dtype)),)}.get(name, ())
        return fn(x, *args, inplace=True) if inplace else fn(x, *args)
    _same(f)


# --------------------------------------------------------------- found by tests/fuzz/test_fuzz_differential.py
def _grad_case(f, values=(-0.0, 0.0, float("nan"), -1.0, 2.0, 7.0, -2.0)):
    def run(m):
        x = m.tensor(list(values), requires_grad=True)
        r = f(m, x)
        r.backward(m.ones(r.shape))
        return r.detach(), r.detach().signbit(), x.grad
    return run


_FOUND = {
    # bitwise ops on floats: PyTorch's NotImplementedError; `&` on bools is the bitwise op; out=
    "bitwise_and float": lambda m: m.bitwise_and(m.ones(2), 1),
    "bitwise_or half": lambda m: m.bitwise_or(m.ones(2, dtype=m.float16), m.ones(2, dtype=m.int64)),
    "xor bool float": lambda m: m.tensor([True, False]) ^ m.tensor([1.0, 2.0]),
    "and bool scalar": lambda m: m.tensor([True, False]) & 1,
    "and int32 scalar": lambda m: m.tensor([3, 5], dtype=m.int32) & 6,
    "bitwise out": lambda m: m.bitwise_and(m.tensor([3, 5]), m.tensor([1, 1]), out=m.zeros(2, dtype=m.int32)),
    "logical scalar": lambda m: m.logical_or(m.ones(2), 1.0),
    "logical out": lambda m: m.logical_and(m.tensor([3, 0]), m.tensor([0.0, 1]), out=m.zeros(2)),
    "eq out": lambda m: m.eq(m.ones(2), m.zeros(2), out=m.zeros(2, dtype=m.int64)),
    # out= that was silently ignored
    "maximum out": lambda m: m.maximum(m.ones(2), m.arange(2.0), out=m.zeros(2)),
    "minimum out grad": lambda m: m.minimum(m.ones(2, requires_grad=True), m.arange(2.0), out=m.zeros(2)),
    "where out": lambda m: m.where(m.tensor([True, False]), m.ones(2), m.zeros(2), out=m.zeros(0)),
    "max dim out": lambda m: tuple(m.max(m.arange(6.0).reshape(2, 3), 1, out=(m.zeros(2), m.zeros(2, dtype=m.long)))),
    "max other out": lambda m: m.max(m.ones(2), m.arange(2.0), out=m.zeros(2)),
    "stack out": lambda m: m.stack([m.ones(2), m.zeros(2)], out=m.zeros(0)),
    "mm out": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2), out=m.zeros(2, 2)),
    "matmul out": lambda m: m.matmul(m.ones(2, 2, 3), m.ones(3), out=m.zeros(0)),
    "bmm out": lambda m: m.bmm(m.ones(1, 2, 3), m.ones(1, 3, 2), out=m.zeros(1, 2, 2)),
    "mv out": lambda m: m.mv(m.ones(2, 3), m.ones(3), out=m.zeros(2)),
    "dot out": lambda m: m.dot(m.ones(3), m.ones(3), out=m.zeros(())),
    "addmm out": lambda m: m.addmm(m.ones(2, 2), m.ones(2, 3), m.ones(3, 2), out=m.zeros(2, 2)),
    "clamp out grad": lambda m: m.clamp(m.ones(2, requires_grad=True), 0, 1, out=m.zeros(2)),
    "clamp out": lambda m: m.clamp(m.arange(4.0), 1, 2, out=m.zeros(4)),
    "clamp tensor out": lambda m: m.clamp(m.arange(4.0), m.tensor(1.0), out=m.zeros(4)),
    # xlogy: promoted dtype, a Python scalar operand, NaN, gradients
    "xlogy half scalar": lambda m: m.xlogy(m.ones(2, dtype=m.float16), 2),
    "xlogy scalar first": lambda m: m.xlogy(2, m.ones(2, dtype=m.float64)),
    "xlogy half": lambda m: m.xlogy(m.ones(2, dtype=m.float16), m.ones(2, dtype=m.float16)),
    "xlogy int": lambda m: m.xlogy(m.tensor([0, 1]), m.tensor([0, 3])),
    "xlogy grads": lambda m: _xlogy_grads(m),
    # integer division by zero; empty results; bools
    "remainder int zero": lambda m: m.remainder(m.ones(2, dtype=m.int64), m.zeros(2, dtype=m.int64)),
    "fmod int zero scalar": lambda m: m.fmod(m.ones(2, dtype=m.int64), 0),
    "rmod int zero": lambda m: 5 % m.zeros(2, dtype=m.int64),
    "floor_divide empty zero": lambda m: m.floor_divide(m.ones(0, 2, dtype=m.int64), m.zeros(2, dtype=m.int64)),
    "remainder empty zero": lambda m: m.remainder(m.ones(0, 2, dtype=m.int64), m.zeros(2, dtype=m.int64)),
    "remainder bool": lambda m: m.ones(2, dtype=m.bool) % m.zeros(2, dtype=m.bool),
    "fmod bool": lambda m: m.fmod(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    # -0 and NaN through relu / hardtanh / clamp (values, sign and gradients)
    "relu -0 nan": _grad_case(lambda m, x: m.relu(x)),
    "F.relu -0 nan": _grad_case(lambda m, x: m.nn.functional.relu(x)),
    "relu6 -0 nan": _grad_case(lambda m, x: m.nn.functional.relu6(x)),
    "hardtanh -0 bound": _grad_case(lambda m, x: m.nn.functional.hardtanh(x, -0.0, 1.0)),
    "clamp min 0": _grad_case(lambda m, x: m.clamp(x, min=0)),
    "clamp -0 1": _grad_case(lambda m, x: m.clamp(x, -0.0, 1.0)),
    "clamp max 0": _grad_case(lambda m, x: m.clamp(x, max=0.0)),
    "clamp nan bound": lambda m: (m.clamp(m.arange(3.0), min=float("nan")), m.clamp(m.arange(3.0), max=float("nan"))),
    # dtype / rank checks PyTorch makes and numtorch skipped (or failed with another class)
    "topk bool": lambda m: m.ones(2, 2, dtype=m.bool).topk(1),
    "argmin bool": lambda m: m.ones(2, 2, dtype=m.bool).argmin(),
    "argmax bool dim": lambda m: m.ones(2, 2, dtype=m.bool).argmax(0),
    "median bool dim": lambda m: m.ones(2, 2, dtype=m.bool).median(0),
    "median bool": lambda m: m.ones(2, 2, dtype=m.bool).median(),
    "kthvalue bool": lambda m: m.ones(2, 2, dtype=m.bool).kthvalue(1),
    "positive": lambda m: m.positive(m.ones(2)),
    "positive bool": lambda m: m.positive(m.ones(2, dtype=m.bool)),
    "unary plus bool": lambda m: +m.ones(2, dtype=m.bool),
    "frac int": lambda m: m.frac(m.ones(2, dtype=m.int32)),
    "logit bool": lambda m: m.logit(m.ones(2, dtype=m.bool)),
    "logit out": lambda m: m.logit(m.full((2,), 0.25), out=m.zeros(2, dtype=m.float64)),
    "deg2rad out": lambda m: m.deg2rad(m.ones(2), out=m.zeros(2)),
    "sgn_": lambda m: m.ones(2).sgn_(),
    "exp2_ int": lambda m: m.ones(2, dtype=m.int32).exp2_(),
    "inplace cast message": lambda m: m.ones(2, dtype=m.int32).sqrt_(),
    "maximum_ is not a method": lambda m: m.ones(2).maximum_,
    "inplace on expanded": lambda m: m.ones(1, 2).expand(3, 2).add_(1),
    "celu inplace on expanded": lambda m: m.nn.functional.celu(m.ones(1, 2).expand(3, 2), inplace=True),
    "inplace on empty expanded": lambda m: m.ones(1, 0).expand(3, 0).add_(1),
    "outer 0-d": lambda m: m.outer(m.tensor(1.0), m.ones(2)),
    "outer 2-d": lambda m: m.outer(m.ones(2), m.ones(2, 1)),
    "chunk 0-d": lambda m: m.tensor(1.0).chunk(1, 0),
    "split 0-d": lambda m: m.tensor(1.0).split(1, 0),
    "diff 0-d": lambda m: m.tensor(1.0).diff(),
    "diag 0-d": lambda m: m.tensor(1.0).diag(),
    "diag 3-d": lambda m: m.zeros(2, 2, 2).diag(),
    "diagonal same dims": lambda m: m.ones(2, 2).diagonal(0, 0, -2),
    "narrow start past end": lambda m: m.ones(0).narrow(0, 2, 0),
    "narrow start below": lambda m: m.ones(3).narrow(0, -5, 0),
    "narrow start at end": lambda m: m.ones(3).narrow(0, 3, 0),
    "narrow 0-d": lambda m: m.tensor(1).narrow(0, 0, 1),
    "movedim 0-d": lambda m: m.tensor(1).movedim(-1, 0),
    "movedim 0-d bad": lambda m: m.tensor(1).movedim(0, 1),
    "any uint8": lambda m: m.ones(0, 3, dtype=m.uint8).any(),
    "all uint8 dim": lambda m: m.ones(2, 3, dtype=m.uint8).all(1),
    "logaddexp int": lambda m: m.logaddexp(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)),
    "topk 0-d bad dim": lambda m: m.tensor(1.0).topk(1, 1),
    "argsort 0-d bad dim": lambda m: m.tensor(1.0).argsort(1),
    "sort 0-d bad dim": lambda m: m.tensor(1.0).sort(1),
    "lerp end dtype": lambda m: m.lerp(m.ones(2, dtype=m.float16), m.ones(2), 0.5),
    "lerp weight dtype": lambda m: m.lerp(m.ones(2), m.ones(2), m.ones(2, dtype=m.float64)),
    "lerp int": lambda m: m.lerp(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), 0.5),
    "einsum dtypes": lambda m: m.einsum("i,ij->j", m.ones(2, dtype=m.int64), m.ones(2, 2)),
    "bmm dtypes": lambda m: m.bmm(m.ones(1, 2, 2, dtype=m.uint8), m.ones(1, 2, 2)),
    "mv dtypes": lambda m: m.mv(m.ones(2, 2, dtype=m.int64), m.ones(2)),
    "threshold overflow": lambda m: m.nn.functional.threshold(m.ones(2, dtype=m.uint8), 0.5, -2.0),
    "roll empty bad dim": lambda m: m.roll(m.ones(0, 0), 3, 2),
    "nanmean int": lambda m: m.nanmean(m.ones(2, dtype=m.int64)),
    "add bool alpha": lambda m: m.add(m.ones(2), m.ones(2), alpha=True),
    "add bool alpha bools": lambda m: m.add(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool), alpha=True),
    "bitwise_not float": lambda m: m.bitwise_not(m.ones(2)),
    "diff empty dim": lambda m: m.ones(4, 0, dtype=m.uint8).diff(1, -1),
    "diff n past size": lambda m: m.ones(4, 1).diff(2, -1),
    "cumsum 0-d uint8": lambda m: m.tensor(3, dtype=m.uint8).cumsum(0),
    "softmax dtype int": lambda m: m.softmax(m.ones(2), 0, dtype=m.int64),
    "softmax int empty": lambda m: m.softmax(m.ones(2, 0, dtype=m.int32), 1),
    "softmax int to float64": lambda m: m.softmax(m.ones(2, dtype=m.int32), 0, dtype=m.float64),
    "mT 1-d": lambda m: m.ones(2).mT,
    "einsum empty mixed dtypes": lambda m: m.einsum("abi,ij->abj", m.ones(2, 3, 0, dtype=m.bool), m.ones(0, 1)),
    "remainder zero sign": lambda m: _remainder_zero_signs(m),
    "cat promotes with empty": lambda m: m.cat([m.ones(3, dtype=m.uint8), m.ones(0)]),
    "stack promotes": lambda m: m.stack([m.ones(2, dtype=m.int32), m.ones(2)]),
    "stack grads keep dtypes": lambda m: _stack_grads(m),
    "clamp tensor bounds promote": lambda m: m.clamp(m.ones(2), m.zeros(2, dtype=m.float64), m.ones(2, dtype=m.float64)),
    "clamp int by float tensor": lambda m: m.clamp(m.ones(2, dtype=m.int64), m.zeros(2), None),
    "nanmean dtype": lambda m: m.nanmean(m.ones(2, dtype=m.float64), 0, dtype=m.float32),
    "nanmean uint8 with dtype": lambda m: m.nanmean(m.ones(2, dtype=m.uint8), 0, dtype=m.float64),
    "flip repeated dim": lambda m: m.ones(3).flip((0, -1)),
    "floor_divide broadcast error": lambda m: m.floor_divide(m.ones(3, 4), m.ones(3, 5)),
    "softmax dim before dtype": lambda m: m.softmax(m.tensor(1, dtype=m.uint8), 1),
    "mv 0-d": lambda m: m.mv(m.tensor(1.0), m.ones(1)),
    "sub bool alpha": lambda m: m.sub(m.ones(2), 1.0, alpha=True),
    "transpose_": lambda m: m.ones(1, 3).expand(2, 3).contiguous().transpose_(0, 1),
    "transpose_ 3-d": lambda m: m.arange(24.0).reshape(3, 4, 2).transpose_(0, -2),
    "t_ unsqueeze_ squeeze_": lambda m: m.arange(3.0).reshape(1, 3).t_().unsqueeze_(0).squeeze_(),
    "t_ grad": lambda m: _t_grad(m),
    "t_ on leaf": lambda m: m.ones(1, 3, requires_grad=True).t_(),
    "true_divide mixed int types": lambda m: m.true_divide(m.tensor(-4, dtype=m.int32), m.tensor([4, 1], dtype=m.uint8)),
    "div int8 uint8": lambda m: m.tensor([-4, 3], dtype=m.int8) / m.tensor([4, 1], dtype=m.uint8),
    "sub_ uint8 by int32": lambda m: m.tensor([5, 3], dtype=m.uint8).sub_(m.tensor([[7]], dtype=m.int32)),
    "add_ float into uint8": lambda m: m.tensor([5, 3], dtype=m.uint8).add_(m.tensor([1.5])),
    "add_ int into bool": lambda m: m.tensor([True, False]).add_(m.tensor([1])),
    "mT 0-d": lambda m: m.tensor(1.0).mT,
    "diff bool": lambda m: m.tensor([[True, False, False, True]]).diff(2, -1),
    "median bad dim bool": lambda m: m.tensor([True, False]).median(2),
    "addcdiv int": lambda m: m.addcdiv(m.ones(2), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)),
    "unflatten 0-d": lambda m: m.tensor(True).unflatten(-1, (-1, 1)),
    "unflatten 0-d bad dim": lambda m: m.tensor(True).unflatten(1, (-1, 1)),
    "hardtanh uint8 fractional negative limit": lambda m: m.nn.functional.hardtanh(m.arange(4, dtype=m.uint8), -0.5),
    "hardtanh uint8 negative limit": lambda m: m.nn.functional.hardtanh(m.arange(4, dtype=m.uint8), -1.0),
    "cumprod integer dtypes": lambda m: tuple(m.cumprod(x, -1) for x in (
        m.ones(3, 0, dtype=m.uint8), m.full((3, 2), 7, dtype=m.uint8), m.ones(3, 2, dtype=m.bool),
        m.ones(3, 2, dtype=m.int32), m.tensor(3, dtype=m.uint8))),
    "norm float16": lambda m: (m.norm(m.tensor([60000.0, 100, -3], dtype=m.float16)),
                               m.norm(m.tensor([[60000.0, 100, -3]], dtype=m.float16), dim=1)),
}


def _stack_grads(m):
    a, b = m.ones(2, dtype=m.float64, requires_grad=True), m.ones(2, requires_grad=True)
    r = m.stack([a, b])
    (r * m.arange(4.0, dtype=m.float64).reshape(2, 2)).sum().backward()
    return r.detach(), a.grad, b.grad


def _t_grad(m):
    a = m.ones(1, 3, requires_grad=True)
    x = a * 2
    x.t_()
    (x * m.arange(3.0).reshape(3, 1)).sum().backward()
    return x.detach(), a.grad


def _remainder_zero_signs(m):
    v = [-2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 3.0, float("inf"), -float("inf"), 1e30]
    out = []
    for dt in (m.float32, m.float64):
        r = m.remainder(m.tensor(v, dtype=dt)[:, None], m.tensor(v, dtype=dt)[None])
        out += [r, r.signbit() & (r == 0), m.remainder(m.tensor(v, dtype=dt), 0.5).signbit()]
    return tuple(out)


def _xlogy_grads(m):
    x = m.tensor([0.0, 0.0, 2.0, 3.0], requires_grad=True)
    y = m.tensor([float("nan"), 2.0, 0.5, -1], requires_grad=True)
    r = m.xlogy(x, y)
    r.sum().backward()
    return r.detach(), x.grad, y.grad


@pytest.mark.parametrize("case", sorted(_FOUND))
def test_found_by_fuzzer(case):
    _same(_FOUND[case])


# ------------------------------------------------- issue 21, second round (tests/fuzz/_fuzz_driver.py, seeds 1-)
def _sort_desc_ints(m):
    out = []
    for dt in (m.uint8, m.int32, m.int64):
        x = m.tensor([[1, 4, 2], [3, 0, 4], [2, 2, 1], [0, 0, 3]], dtype=dt)
        s = m.sort(x, dim=0, descending=True, stable=True)
        out += [s.values, s.indices, m.topk(x, 2, 0).values]
    x = m.tensor([-2 ** 63, 2 ** 63 - 1, 0, -2 ** 63])
    return tuple(out) + tuple(m.sort(x, descending=True, stable=True))


_FOUND2 = {
    # values
    "floor_divide by inf": lambda m: m.floor_divide(m.tensor([-2.0, 2.0, -0.0, float("nan")]), float("inf")),
    "floor_divide underflow": lambda m: m.floor_divide(m.tensor([-6e-8, -0.3, 5.0], dtype=m.float16),
                                                       m.tensor([4, 4, -2])),
    "div floor int by float": lambda m: m.div(m.tensor([5, -5]), 2.0, rounding_mode="floor"),
    "sign nan": lambda m: tuple(m.sign(m.tensor([float("nan"), -0.0, 0.0, -3.0], dtype=dt))
                                for dt in (m.float16, m.float32, m.float64)),
    "sgn nan": lambda m: m.sgn(m.tensor([float("nan"), -0.0])).signbit(),
    "sort descending ints": _sort_desc_ints,
    "topk k=0 of 0-d": lambda m: tuple(m.topk(m.tensor(2.5), 0)),
    # argument checks in PyTorch's order
    "topk bool bad dim": lambda m: m.topk(m.tensor(True), 1, 2),
    "topk bool": lambda m: m.topk(m.tensor([True]), 1),
    "kthvalue k out of range": lambda m: m.kthvalue(m.ones(3, 1, 2), 3, 1),
    "kthvalue k=0": lambda m: m.kthvalue(m.ones(3), 0),
    "kthvalue bool k out of range": lambda m: m.kthvalue(m.tensor([True, False]), 5),
    "kthvalue empty dim": lambda m: m.kthvalue(m.ones(2, 0), 1, 1),
    "kthvalue bool": lambda m: m.kthvalue(m.tensor([True, False]), 1),
    # Tensor-only second arguments: PyTorch's argument parser refuses a Python scalar
    **{f"{f} scalar": (lambda f_: lambda m: getattr(m, f_)(m.ones(2, dtype=m.int64 if f_ in ("gcd", "lcm") else
                                                                      m.float32), 2))(f)
       for f in ("maximum", "minimum", "fmax", "fmin", "hypot", "gcd", "lcm", "logaddexp", "logaddexp2",
                 "nextafter", "atan2", "ldexp")},
    "hypot ints": lambda m: m.hypot(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.uint8)),
    "hypot_ bool": lambda m: m.tensor([True]).hypot_(m.tensor([True])),
    "hypot int float": lambda m: m.hypot(m.ones(2, dtype=m.int64), m.ones(2)),
    "nextafter ints": lambda m: m.nextafter(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.uint8)),
    "ldexp float bool": lambda m: m.ldexp(m.ones(2), m.tensor([True, False])),
    "ldexp uint8 bool": lambda m: m.ldexp(m.ones(2, dtype=m.uint8), m.tensor([True, False])),
    # out= and in-place forms
    "relu out": lambda m: m.relu(m.ones(2), out=m.ones(2)),
    "bitwise_not out dtype": lambda m: m.bitwise_not(m.ones(2, dtype=m.int32), out=m.ones(2, dtype=m.int64)),
    "bitwise_not out": lambda m: m.bitwise_not(m.tensor([1, 2], dtype=m.int32), out=m.ones(0, dtype=m.int32)),
    "bitwise_not float out": lambda m: m.bitwise_not(m.ones(2), out=m.ones(0, dtype=m.int32)),
    "float_power out float": lambda m: m.float_power(m.ones(2), 2, out=m.ones(2)),
    "float_power out": lambda m: m.float_power(m.tensor([1.5, 2]), 2, out=m.ones(2, dtype=m.float64)),
    "float_power_ float": lambda m: m.ones(2).float_power_(2),
    "float_power_ double": lambda m: m.tensor([1.5, 2], dtype=m.float64).float_power_(2),
    "heaviside_": lambda m: m.tensor([-1.0, 0, 2]).heaviside_(m.full((3,), 0.5)),
    "xlogy_": lambda m: m.tensor([1.0, 0, 2]).xlogy_(3),
    "xlogy_ int": lambda m: m.ones(2, dtype=m.int64).xlogy_(m.ones(2)),
    # a Python scalar written into a tensor: PyTorch's overflow check
    **{f"masked_fill {dt} {v}": (lambda dt_, v_: lambda m: m.zeros(2, dtype=getattr(m, dt_)).masked_fill(
        m.tensor([True, False]), v_))(dt, v)
       for dt, v in [("uint8", float("nan")), ("uint8", -1), ("uint8", -255), ("uint8", -256), ("uint8", 255.5),
                     ("uint8", -1.0), ("int8", 127.2), ("int32", 2 ** 31), ("int32", float("inf")),
                     ("int64", 2 ** 63 - 1), ("float16", 1e5), ("float16", float("inf")), ("float32", 1e39),
                     ("bool", 2)]},
    "index_fill uint8 inf": lambda m: m.zeros(2, 3, dtype=m.uint8).index_fill(1, m.tensor([0]), float("inf")),
    "fill_ int32 overflow": lambda m: m.zeros(2, dtype=m.int32).fill_(2 ** 40),
    "setitem uint8 nan": lambda m: m.zeros(2, dtype=m.uint8).__setitem__(0, float("nan")),
    "setitem empty expanded": lambda m: m.zeros(1, 0).expand(0, 0).__setitem__((Ellipsis, slice(None, None, 3),
                                                                               None), 0),
    # dtype checks first
    "trace bool 1-D": lambda m: m.trace(m.ones(3, dtype=m.bool)),
    "bmm bool": lambda m: m.bmm(m.ones(2, 2, 3, dtype=m.bool), m.ones(2, 3, 2, dtype=m.float64)),
    "bmm float bool": lambda m: m.bmm(m.ones(2, 2, 3), m.ones(2, 3, 2, dtype=m.bool)),
    "bmm empty bool": lambda m: m.bmm(m.ones(2, 2, 0, dtype=m.bool), m.ones(2, 0, 2, dtype=m.bool)),
    "einsum bool contraction": lambda m: m.einsum("i,ij->j", m.ones(2, dtype=m.bool), m.ones(2, 3, dtype=m.bool)),
    "einsum bool product": lambda m: m.einsum("ij,ij->ij", m.ones(2, 3, dtype=m.bool), m.ones(2, 3, dtype=m.bool)),
    "einsum bool empty": lambda m: m.einsum("i,ij->j", m.ones(0, dtype=m.bool), m.ones(0, 3, dtype=m.bool)),
    "median bool empty dim": lambda m: m.median(m.ones(2, 0, dtype=m.bool), 1),
    "median empty dim": lambda m: m.median(m.ones(2, 0), 1),
    "nanmedian bool dim": lambda m: m.nanmedian(m.ones(2, 1, dtype=m.bool), 0),
    "nanmedian bool": lambda m: m.nanmedian(m.ones(2, 1, dtype=m.bool)),
    "nanmedian empty dim": lambda m: m.nanmedian(m.ones(2, 0), 1),
    # round 3
    **{f"addcmul {k}": v for k, v in {
        "uint8 negative value": lambda m: m.addcmul(m.zeros(2, dtype=m.uint8), m.full((2,), 3, dtype=m.uint8),
                                                    m.ones(2, dtype=m.uint8), value=-2),
        "float16 uint8": lambda m: m.addcmul(m.zeros(2, dtype=m.float16), m.full((2,), 3, dtype=m.uint8),
                                             m.ones(2, dtype=m.uint8), value=-2),
        "int value truncated": lambda m: m.addcmul(m.zeros(2, dtype=m.int32), m.full((2,), 3, dtype=m.int32),
                                                   m.ones(2, dtype=m.int32), value=-1.5),
        "bool int": lambda m: m.addcmul(m.zeros(2, dtype=m.bool), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.uint8),
                                        value=0.5),
        "bool": lambda m: m.addcmul(m.zeros(2, dtype=m.bool), m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
        "0-d float64": lambda m: m.addcmul(m.zeros(2), m.ones(2, dtype=m.int32), m.ones((), dtype=m.float64),
                                           value=-2),
        "0-d all": lambda m: m.addcmul(m.zeros((), dtype=m.float64), m.ones((), dtype=m.float64),
                                       m.ones((), dtype=m.float16)),
        "shapes": lambda m: m.addcmul(m.zeros(2, dtype=m.int32), m.ones(3, dtype=m.int32), m.ones(2, dtype=m.int32)),
    }.items()},
    "cumsum leading -0": lambda m: m.cumsum(m.tensor([[-0.0, -0.0], [1.0, -0.0]]), 1).signbit(),
    "logcumsumexp -0": lambda m: m.logcumsumexp(m.tensor([-0.0, 0.0, float("-inf")]), 0).signbit(),
    "logcumsumexp int": lambda m: m.logcumsumexp(m.ones(2, dtype=m.int64), 0),
    "logcumsumexp 0-d dim": lambda m: m.logcumsumexp(m.ones(()), 1),
    "cumulative_trapezoid -0": lambda m: m.cumulative_trapezoid(m.tensor([[-0.0, 0.0, -0.0], [1, -0.0, 0]]),
                                                                m.tensor([-0.0, 1, 1]), dim=1).signbit(),
    "cumulative_trapezoid empty int": lambda m: m.cumulative_trapezoid(m.ones(0, dtype=m.int64)),
    "trapezoid bool": lambda m: m.trapezoid(m.ones(3, dtype=m.bool)),
    "cumulative_trapezoid bool": lambda m: m.cumulative_trapezoid(m.ones(3, dtype=m.bool), dx=2),
    "histc max < min": lambda m: m.histc(m.ones(3), 3, 2, 1),
    "histc bool": lambda m: m.histc(m.ones(3, dtype=m.bool), 3),
    "histc int": lambda m: m.histc(m.ones(3, dtype=m.int32), 3),
    "histc uint8 negative min": lambda m: m.histc(m.ones(3, dtype=m.uint8), 3, -1.0, 1.0),
    "histc nan and outside": lambda m: m.histc(m.tensor([float("inf"), 1.0, float("nan"), -4]), 3, 0, 3),
    "histc infinite range": lambda m: m.histc(m.tensor([float("inf"), 1.0]), 3),
    "cummax 0-d dim": lambda m: m.cummax(m.ones(()), 2),
    "cummax empty": lambda m: tuple(m.cummax(m.ones(0, 1), 5)),
    "lcm bool": lambda m: m.lcm(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    "logaddexp2 ints": lambda m: m.logaddexp2(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int32)),
    "mean uint8 bad dim": lambda m: m.mean(m.ones((), dtype=m.uint8), (2,), keepdim=True),
    "mean dtype int64": lambda m: m.mean(m.ones(2), dtype=m.int64),
    "nanmean dtype int64": lambda m: m.nanmean(m.ones(()), (0,), keepdim=True, dtype=m.int64),
    "sum grad to int64": lambda m: m.sum(m.ones(2, requires_grad=True), dtype=m.int64),
    "cumsum grad to int64": lambda m: m.cumsum(m.ones(2, requires_grad=True), 0, dtype=m.int64),
    "prod grad to int64": lambda m: m.prod(m.ones(2, requires_grad=True), dtype=m.int64),
    "index_add 0-d empty index": lambda m: m.ones(()).index_add(0, m.tensor([], dtype=m.int64), m.ones(())),
    "index_add dtypes": lambda m: m.ones(2).index_add(0, m.tensor([0]), m.ones(1, dtype=m.float64)),
    "index_add uint8 alpha": lambda m: m.ones(2, dtype=m.uint8).index_add(0, m.tensor([0, 1]),
                                                                          m.ones(2, dtype=m.uint8), alpha=-1),
    "index_add int alpha": lambda m: m.ones(2, dtype=m.int64).index_add(0, m.tensor([0, 1]),
                                                                        m.ones(2, dtype=m.int64), alpha=0.5),
    "index_copy 0-d empty index": lambda m: m.ones(()).index_copy(0, m.tensor([], dtype=m.int64), m.ones(())),
    "index_copy dtypes": lambda m: m.ones(2).index_copy(0, m.tensor([0]), m.ones(1, dtype=m.float64)),
    "index_fill dim before value": lambda m: m.ones(2, dtype=m.int32).index_fill(2, m.tensor([0]), float("inf")),
    "ifloordiv bool": lambda m: m.tensor(True).__ifloordiv__(m.tensor(3, dtype=m.int32)),
    "searchsorted 0-d": lambda m: m.searchsorted(m.tensor(1.0), m.tensor([])),
    "searchsorted dims": lambda m: m.searchsorted(m.tensor([[1, 2]]), m.tensor([], dtype=m.int64)),
    # round 4
    "transpose 0-d": lambda m: m.ones(()).transpose(0, 1),
    "transpose_ 0-d": lambda m: m.ones(()).transpose_(0, 1),
    "diag_embed identical": lambda m: m.diag_embed(m.ones(()), 0, 0, 0),
    "rad2deg half": lambda m: m.rad2deg(m.tensor([1.7559, 1.0], dtype=m.float16)),
    "deg2rad half": lambda m: m.deg2rad(m.tensor([100.6, 33.0], dtype=m.float16)),
}


def _inplace_operators(m):
    out = []
    for a, b in [(([5.0, -3], "float32"), (2, "int64")), (([5, 3], "int32"), ([6, 1], "int64")),
                 (([True, False], "bool"), ([False, False], "bool"))]:
        x = m.tensor(a[0], dtype=getattr(m, a[1]))
        y = x
        for op in ("__imod__", "__iand__", "__ior__", "__ixor__", "__ifloordiv__"):
            if a[1] == "float32" and op in ("__iand__", "__ior__", "__ixor__"):
                continue
            r = getattr(y, op)(m.tensor(b[0], dtype=getattr(m, b[1])))
            assert r is y
        out.append(x)
    return tuple(out)


_FOUND2["in-place operators"] = _inplace_operators


def _reduction_grad_dtype(m):
    out = []
    for fn in (lambda x: m.mean(x, dtype=m.float32), lambda x: m.sum(x, 1, dtype=m.float64).sum(),
               lambda x: m.mean(x, (0, 1), dtype=m.float64)):
        x = m.ones(2, 3, dtype=m.float16, requires_grad=True)
        out.append(m.autograd.grad(fn(x), x)[0])
    return tuple(out)


def _logit_grads(m):
    out = []
    for eps in (None, 0.3):
        x = m.tensor([0.0, 1.0, 0.5, 2.0, -1, float("inf"), float("nan"), 0.25], requires_grad=True)
        y = m.logit(x, eps)
        out += [y, m.autograd.grad(y.sum(), x)[0]]
    x = m.tensor([0.1, 0.5, 0.25], dtype=m.float64, requires_grad=True)
    g, = m.autograd.grad(m.logit(x).sum(), x, create_graph=True)
    return tuple(out) + (m.autograd.grad(g.sum(), x)[0],)


_FOUND2.update({
    # round 5: in-place changes of views while recording
    "split output mul_": lambda m: (m.ones(4, requires_grad=True) * 1).split(2)[1].mul_(2),
    "chunk output mul_": lambda m: (m.ones(4, requires_grad=True) * 1).chunk(2)[0].mul_(2),
    "unbind output mul_": lambda m: (m.ones(2, 2, requires_grad=True) * 1).unbind(0)[1].mul_(2),
    "split output t_": lambda m: (m.ones(4, requires_grad=True) * 1).split(2)[1].t_(),
    "split output without grad": lambda m: m.ones(4).split(2)[1].mul_(2),
    "leaf view transpose_": lambda m: m.ones(3, requires_grad=True)[::2].transpose_(0, 0),
    "leaf view t_": lambda m: m.ones(3, 2, requires_grad=True)[::2].t_(),
    "leaf view of view mul_": lambda m: m.ones(3, requires_grad=True)[::2][1:].mul_(2),
    "round decimals bool": lambda m: m.round(m.ones(2, dtype=m.bool), decimals=1),
    "round decimals int": lambda m: m.round(m.ones(2, dtype=m.int64), decimals=-1),
    "take_along_dim 0-d": lambda m: m.take_along_dim(m.ones(()), m.tensor(0), 0),
    "take_along_dim 0-d flat": lambda m: m.take_along_dim(m.ones(()), m.tensor(0)),
    "trapezoid inf": lambda m: m.trapezoid(m.tensor([float("inf"), -float("inf")]), dx=-1.0),
    "trapezoid dx": lambda m: m.trapezoid(m.tensor([[1.0, 2, 4], [3, 5, -1]]), dx=0.5),
    "trapezoid int": lambda m: m.trapezoid(m.tensor([[1, 2, 4], [3, 5, -1]]), dx=2, dim=1),
    "trapezoid empty int": lambda m: m.trapezoid(m.ones(2, 0, dtype=m.int32), dim=1),
    "trapezoid empty off graph": lambda m: m.trapezoid(m.ones(2, 0, requires_grad=True), dim=1).requires_grad,
    "trapezoid bool bad dim": lambda m: m.trapezoid(m.ones(2, dtype=m.bool), dx=0.5, dim=2),
    "nextafter shapes": lambda m: m.nextafter(m.ones(16), m.ones(17)),
    "addcdiv uint8 negative value": lambda m: m.addcdiv(m.ones(4, dtype=m.float16), m.ones(4, dtype=m.uint8),
                                                        m.ones(4), value=-2),
})
_FOUND2.update({
    # round 6
    **{f"bool product {k}": v for k, v in {
        "matmul 3d 1d": lambda m: m.matmul(m.ones(2, 3, 4, dtype=m.bool), m.ones(4, dtype=m.bool)),
        "matmul 1d 1d": lambda m: m.matmul(m.ones(4, dtype=m.bool), m.ones(4, dtype=m.bool)),
        "matmul 2d 2d": lambda m: m.matmul(m.ones(3, 4, dtype=m.bool), m.ones(4, 2, dtype=m.bool)),
        "matmul empty": lambda m: m.matmul(m.ones(3, 0, dtype=m.bool), m.ones(0, 2, dtype=m.bool)),
        "mm": lambda m: m.mm(m.ones(3, 4, dtype=m.bool), m.ones(4, 2, dtype=m.bool)),
        "mv": lambda m: m.mv(m.ones(3, 4, dtype=m.bool), m.ones(4, dtype=m.bool)),
        "dot": lambda m: m.dot(m.ones(4, dtype=m.bool), m.ones(4, dtype=m.bool)),
    }.items()},
    "cartesian_prod dtypes": lambda m: m.cartesian_prod(m.ones(2, dtype=m.float16), m.ones(1)),
    "round int decimals=0": lambda m: m.round(m.ones(2, dtype=m.int32), decimals=0),
    "round int": lambda m: m.ones(2, dtype=m.int32).round(),
    "round float decimals=0": lambda m: m.round(m.tensor([1.5, 2.5, -0.5]), decimals=0),
    "scatter_reduce dim first": lambda m: m.ones(()).scatter_reduce_(1, m.tensor([], dtype=m.int64),
                                                                      m.ones((), dtype=m.float64), "prod"),
    "cumulative_trapezoid bool first": lambda m: m.cumulative_trapezoid(m.ones((), dtype=m.bool), dx=-1.0, dim=2),
    "index_add 0-d two indices": lambda m: m.ones((), dtype=m.bool).index_add_(0, m.tensor([0, 0]),
                                                                               m.ones((), dtype=m.bool)),
})


def _reciprocal_half_grad(m):
    x = m.tensor([0.004, 0.0045, 100.0], dtype=m.float16, requires_grad=True)
    return m.autograd.grad(-2 / x, x, m.tensor([7.3, -5.1, 1], dtype=m.float16))[0]


_FOUND2.update({
    # round 7 (the 11,575-program run)
    "trapezoid uint8 ends wrap": lambda m: m.trapezoid(m.tensor([200, 255, 3, 250], dtype=m.uint8)),
    "trapezoid 0-d": lambda m: m.trapezoid(m.tensor(True), dim=-1),
    "tensordot dtypes": lambda m: m.tensordot(m.ones(2, 3, dtype=m.float16), m.ones(0), 0),
    "sub int float alpha": lambda m: m.sub(m.ones(2, dtype=m.int64), m.ones(1, dtype=m.int64), alpha=0.5),
    "add int scalar float alpha": lambda m: m.add(m.ones(2, dtype=m.int64), 3, alpha=0.5),
    "add int float alpha float result": lambda m: m.add(m.ones(2, dtype=m.int64), m.ones(1), alpha=0.5),
    "index_add dtype before 0-d": lambda m: m.ones((), dtype=m.float16).index_add(-1, m.tensor([0, 0]), m.ones(())),
    "index_add_ leaf view": lambda m: m.ones(3, 4, 1, requires_grad=True)[::1].index_add_(2, m.tensor([0]),
                                                                                         m.ones(3, 4, 1)),
    "kthvalue 0-d bool": lambda m: tuple(m.kthvalue(m.tensor(True), 1, 0, True)),
    "ldexp half uint8": lambda m: m.ldexp(m.ones(2, dtype=m.float16), m.tensor([1, 3], dtype=m.uint8)),
    "ldexp half float": lambda m: m.ldexp(m.ones(2, dtype=m.float16), m.ones(2)),
    # round 8
    "setitem expanded": lambda m: m.ones(1, dtype=m.int32).expand(2).__setitem__(slice(None), 1.5),
    "heaviside shapes": lambda m: m.heaviside(m.ones(2, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "searchsorted bools": lambda m: m.searchsorted(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    "searchsorted bool values": lambda m: m.searchsorted(m.tensor([1, 2]), m.ones(2, dtype=m.bool)),
    "bucketize bools": lambda m: m.bucketize(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
})


def test_setitem_into_expanded_leaf_view_raises_runtime_error():
    """Same class as PyTorch (numtorch does not track expand as a view, so its message is the overlap one)."""
    _same(lambda m: m.ones(1, 4, requires_grad=True).expand(3, 4).__setitem__(slice(None), 1.5), msg=False)
_FOUND2["reciprocal half grad grouping"] = _reciprocal_half_grad
_FOUND2["reduction dtype= grad dtype"] = _reduction_grad_dtype
_FOUND2["logit grads"] = _logit_grads


@pytest.mark.parametrize("case", sorted(_FOUND2))
def test_found_by_fuzzer_round2(case):
    _same(_FOUND2[case])


@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median_of_empty_stays_on_the_graph(fn):
    out = {}
    for m in (torch, nt):
        x = m.ones(0, 2, requires_grad=True)
        r = getattr(m, fn)(x)
        out[m] = (r.requires_grad, math.isnan(r.item()), m.autograd.grad(r, x)[0].shape)
    assert out[nt][:2] == out[torch][:2] and tuple(out[nt][2]) == tuple(out[torch][2])


def test_softshrink_passes_nan_and_hardswish_half_does_not_overflow():
    """Found by the fuzzer: softshrink(NaN) gave 0 (PyTorch: NaN); float16 hardswish of large values overflowed
    (PyTorch computes in float32)."""
    import numpy as _np
    vals = [float("nan"), 0.3, -0.7, 2.0, -0.0, 60000.0, -60000.0, 3.0, -3.0, 1e4]
    for dt in ("float16", "float32", "float64"):
        for fn in ("softshrink", "hardswish"):
            want = getattr(torch.nn.functional, fn)(torch.tensor(vals, dtype=getattr(torch, dt))).numpy()
            got = getattr(nt.nn.functional, fn)(nt.tensor(vals, dtype=getattr(nt, dt))).numpy()
            assert got.dtype == want.dtype
            assert _np.array_equal(got, want, equal_nan=True), (dt, fn, got, want)


def test_trapezoid_of_an_empty_bool_dim_is_zeros_of_bool():
    """Found by the fuzzer: PyTorch returns zeros of y's dtype for an empty dim before its bool check."""
    for shape in ((0,), (2, 0)):
        want = torch.trapezoid(torch.zeros(shape, dtype=torch.bool), dim=-1)
        got = nt.trapezoid(nt.zeros(shape, dtype=nt.bool), dim=-1)
        assert str(got.dtype) == str(want.dtype) and got.tolist() == want.tolist()
    with pytest.raises(RuntimeError):
        nt.trapezoid(nt.zeros(3, dtype=nt.bool))
    with pytest.raises(RuntimeError):
        torch.trapezoid(torch.zeros(3, dtype=torch.bool))


# ------------------------------------------------- issue 21, third round (tests/fuzz/_fuzz_driver.py, seeds 11-)
def _grads(m, f, *leaves):
    """f's result and the gradients of sum(result * w) (w fixed) with respect to ``leaves``."""
    r = f(m, *leaves)
    w = m.linspace(-1.5, 2.0, r.numel()).reshape(r.shape).to(r.dtype)
    gs = m.autograd.grad((r * w).sum(), leaves, allow_unused=True)
    return (r.detach(),) + tuple(g if g is not None else m.zeros(()) for g in gs)


_FOUND3 = {
    # lerp: a 0-d weight of another dtype is taken like a scalar (its category promotes)
    "lerp 0-d float64 weight": lambda m: m.lerp(m.ones(3), m.zeros(3), m.tensor(0.25, dtype=m.float64)),
    "lerp 0-d weight half": lambda m: m.lerp(m.ones(3, dtype=m.float16), m.zeros(3, dtype=m.float16),
                                             m.tensor(0.3, dtype=m.float64)),
    "lerp 0-d int weight": lambda m: m.lerp(m.ones(3), m.zeros(3), m.tensor(1)),
    "lerp 0-d bool weight": lambda m: m.lerp(m.ones(3), m.zeros(3), m.tensor(True)),
    "lerp int input 0-d float weight": lambda m: m.lerp(m.ones(3, dtype=m.int64), m.zeros(3, dtype=m.int64),
                                                        m.tensor(0.5)),
    "lerp int input 0-d int weight": lambda m: m.lerp(m.ones(3, dtype=m.int64), m.zeros(3, dtype=m.int64),
                                                      m.tensor(1)),
    "lerp all 0-d": lambda m: m.lerp(m.tensor(1.0), m.tensor(0.0), m.tensor(0.3, dtype=m.float64)),
    "lerp 1-d weight other dtype": lambda m: m.lerp(m.ones(3), m.zeros(3), m.ones(1, dtype=m.float64)),
    "lerp 0-d end other dtype": lambda m: m.lerp(m.ones(3), m.tensor(0.0, dtype=m.float64), 0.5),
    # einsum: a contraction of length 1 multiplies (promotion, bool allowed); a bmm dispatches on the first dtype
    "einsum bool length 1": lambda m: m.einsum("i,ij->j", m.ones(1, dtype=m.bool), m.ones(1, 3, dtype=m.bool)),
    "einsum bool float length 1": lambda m: m.einsum("ai,ij->aj", m.ones(2, 1, dtype=m.bool), m.ones(1, 3)),
    "einsum f32 f64 length 1": lambda m: m.einsum("i,ij->j", m.ones(1), m.ones(1, 3, dtype=m.float64)),
    "einsum outer mixed": lambda m: m.einsum("i,j->ij", m.ones(2), m.ones(3, dtype=m.float64)),
    "einsum one-sided sum of bools": lambda m: m.einsum("i,ij->j", m.ones(1, dtype=m.bool),
                                                        m.ones(2, 3, dtype=m.bool)),
    "einsum summed-away bool letter": lambda m: m.einsum("ai,ij->j", m.ones(2, 2, dtype=m.bool),
                                                         m.ones(2, 3, dtype=m.bool)),
    "einsum bool bmm": lambda m: m.einsum("i,ij->j", m.ones(2, dtype=m.bool), m.ones(2, 3)),
    "einsum float bool bmm": lambda m: m.einsum("i,ij->j", m.ones(2), m.ones(2, 3, dtype=m.bool)),
    "einsum uint8 length 1": lambda m: m.einsum("ai,ij->aj", m.full((2, 1), 200, dtype=m.uint8),
                                                m.full((1, 2), 3, dtype=m.int32)),
    # batched matmul: bmm's bool error comes before its dtype error
    "batched matmul bool float": lambda m: m.matmul(m.ones(2, 2, 3, dtype=m.bool), m.ones(2, 3, 2)),
    "vector @ batch bool int": lambda m: m.matmul(m.ones(3, dtype=m.bool), m.ones(2, 3, 2, dtype=m.int64)),
    "batched matmul float bool": lambda m: m.matmul(m.ones(2, 2, 3), m.ones(2, 3, 2, dtype=m.bool)),
    # in-place ops write float64 results into float16/float32 (0-d operands), also while recording
    "true_divide_ 0-d half by 0-d double": lambda m: m.ones((), dtype=m.float16).true_divide_(
        m.tensor(2.0, dtype=m.float64)),
    "index_fill_ expanded bad dim": lambda m: m.ones(1, 3).expand(2, 3).index_fill_(5, m.tensor([0]), 1.0),
    "index_add_ expanded bad dim": lambda m: m.ones(1, 3).expand(2, 3).index_add_(5, m.tensor([0]), m.ones(2, 1)),
    "index_copy_ expanded bad dim": lambda m: m.ones(1, 3).expand(2, 3).index_copy_(-3, m.tensor([0]),
                                                                                     m.ones(2, 1)),
    "bucketize list boundaries": lambda m: m.bucketize(m.ones(3), [0, 1, 2]),
    "bucketize tuple boundaries": lambda m: m.bucketize(m.ones(3), (0, 1)),
    "bucketize number": lambda m: m.bucketize(1.0, m.tensor([0.0, 1.0, 2.0])),
    "searchsorted list sequence": lambda m: m.searchsorted([0, 1], m.ones(2)),
    "searchsorted list values": lambda m: m.searchsorted(m.tensor([0.0, 1.0]), [1.0]),
    "cumulative_trapezoid bool with x bad dim": lambda m: m.cumulative_trapezoid(m.zeros(0, 2, dtype=m.bool),
                                                                                m.ones(1), dim=3),
    "cumulative_trapezoid bool x": lambda m: m.cumulative_trapezoid(m.zeros(3, 2), m.ones(2, dtype=m.bool), dim=1),
    "trapezoid bool x": lambda m: m.trapezoid(m.zeros(3, 2), m.ones(2, dtype=m.bool), dim=1),
    "cosine_similarity float64 uint8": lambda m: m.nn.functional.cosine_similarity(
        m.tensor([[-2.0, -1.0], [1.0, 3.0]], dtype=m.float64), m.tensor([[4, 2], [1, 0]], dtype=m.uint8), -1),
    "cosine_similarity bool half": lambda m: m.nn.functional.cosine_similarity(
        m.tensor([True, False]), m.tensor([0.5, 2.0], dtype=m.float16), 0),
    "cosine_similarity integers": lambda m: m.nn.functional.cosine_similarity(m.ones(2, dtype=m.int64),
                                                                               m.ones(2, dtype=m.int64), 0),
}
# integer ops with a Python int beyond the dtype: PyTorch wraps the scalar into the dtype (uint8: -1 is 255)
for _name in ("add", "sub", "mul", "remainder", "fmod", "floor_divide", "bitwise_and", "bitwise_or", "bitwise_xor",
              "lt", "eq", "maximum", "pow"):
    for _s in (-1, -3, 300):
        _FOUND3[f"{_name} uint8 by {_s}"] = (lambda n, s: lambda m: getattr(m, n)(
            m.tensor([3, 200], dtype=m.uint8), s))(_name, _s)
_FOUND3["uint8 % -1"] = lambda m: m.tensor([3, 200], dtype=m.uint8) % -1
_FOUND3["-1 % uint8"] = lambda m: -1 % m.tensor([3, 200], dtype=m.uint8)
_FOUND3["300 ** uint8"] = lambda m: 300 ** m.tensor([3, 2], dtype=m.uint8)
_FOUND3["div trunc uint8 by -1"] = lambda m: m.div(m.tensor([3, 200], dtype=m.uint8), -1, rounding_mode="trunc")
_FOUND3["true div uint8 by -1"] = lambda m: m.tensor([3, 200], dtype=m.uint8) / -1
_FOUND3["int32 + 2**40"] = lambda m: m.tensor([3, -200], dtype=m.int32) + 2 ** 40


@pytest.mark.parametrize("case", sorted(_FOUND3))
def test_found_by_fuzzer_round3(case):
    _same(_FOUND3[case])


@pytest.mark.parametrize("op", ["true_divide_", "copysign_", "mul_", "hypot_", "ldexp_"])
@pytest.mark.parametrize("dt", ["float16", "float32"])
def test_inplace_0d_by_0d_double_that_requires_grad(op, dt):
    """Found by the fuzzer: both 0-d, the result is float64; PyTorch casts it into x's dtype also while
    recording (numtorch refused the cast)."""
    def f(m, x, y):
        return getattr(x * 1, op)(y)

    def run(m):
        x = m.tensor(1.5, dtype=getattr(m, dt), requires_grad=True)
        y = m.tensor(-2.0, dtype=m.float64, requires_grad=True)
        out = _grads(m, f, x, y)
        assert [str(t.dtype) for t in out] == [f"torch.{dt}", f"torch.{dt}", "torch.float64"]
        return out
    _same(run)


def test_lerp_0d_weight_of_another_dtype_gradients():
    def f(m, x, e, w):
        return m.lerp(x, e, w)

    def run(m):
        x = m.tensor([1.0, 2.0, -3.0], dtype=m.float16, requires_grad=True)
        e = m.tensor([3.0, -1.0, 0.5], dtype=m.float16, requires_grad=True)
        w = m.tensor(0.3, dtype=m.float64, requires_grad=True)
        return _grads(m, f, x, e, w)
    got = run(nt)
    want = run(torch)
    assert [str(t.dtype) for t in got] == [str(t.dtype) for t in want]
    for g, w in zip(got, want):
        assert_close(g, w, rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_einsum_length_1_contraction_gradients_keep_each_dtype(dt):
    def f(m, a, b):
        return m.einsum("ai,ij->aj", a, b)

    def run(m):
        a = m.tensor([[1.5], [-2.0]], requires_grad=True)
        b = m.tensor([[0.5, -1.0, 2.0]], dtype=getattr(m, dt), requires_grad=True)
        return _grads(m, f, a, b)
    got, want = run(nt), run(torch)
    assert [str(t.dtype) for t in got] == [str(t.dtype) for t in want]
    for g, w in zip(got, want):
        assert_close(g, w)


@pytest.mark.parametrize("how", ["mul_", "setitem", "masked_fill_", "index_fill_", "relu"])
def test_inplace_on_expanded_view_of_a_leaf_is_refused(how):
    """Found by the fuzzer: PyTorch's expand is a view, so an in-place change of an expanded leaf that requires
    grad is refused even when it is empty or has one element (numtorch's expand is a read-only broadcast)."""
    ops_ = {"mul_": lambda m, t: t.mul_(2), "setitem": lambda m, t: t.__setitem__(slice(None), 1.5),
            "masked_fill_": lambda m, t: t.masked_fill_(m.ones(t.shape, dtype=m.bool), 1.0),
            "index_fill_": lambda m, t: t.index_fill_(0, m.tensor([0]), 1.0),
            "relu": lambda m, t: m.nn.functional.relu(t, inplace=True)}
    for base, shape in (((1, 0), (3, 0)), ((1,), (1, 1)), ((2, 1, 0), (2, 4, 0))):
        _same(lambda m: ops_[how](m, m.ones(base, requires_grad=True).expand(*shape)))
        _same(lambda m: ops_[how](m, m.ones(base, requires_grad=True)[:1].expand(*shape)))
    # an expanded non-leaf stays writable when it is empty
    _same(lambda m: ops_[how](m, (m.ones(1, 0, requires_grad=True) * 2).expand(3, 0)))


def test_divide_gradient_groups_like_pytorch_so_softsign_half_does_not_overflow():
    """Found by the fuzzer: the divisor's gradient -g * a / (b * b) overflowed float16 (b * b > 65504) where
    PyTorch's -g * ((a / b) / b) does not; softsign's float16 backward gave inf/NaN."""
    import numpy as _np
    vals = [0.5, -3.0, 100.0, 300.0, -300.0, 1000.0, 6e4, -6e4, 65504.0, 0.0, -0.0, float("inf"), float("nan")]
    for dt in ("float16", "float32", "float64"):
        out = []
        for m in (torch, nt):
            x = m.tensor(vals, dtype=getattr(m, dt), requires_grad=True)
            r = m.nn.functional.softsign(x)
            g = m.autograd.grad((r * m.linspace(-1, 2, len(vals)).to(x.dtype)).sum(), x)[0]
            out.append((r.detach().numpy(), g.numpy()))
        for a, b in zip(out[1], out[0]):
            assert a.dtype == b.dtype
            _np.testing.assert_allclose(a, b, rtol=1e-3 if dt == "float16" else 1e-6, atol=1e-12)
    _same(lambda m: _grads(m, lambda m_, a, b: a / b, m.tensor([300.0, -2.0], dtype=m.float16, requires_grad=True),
                           m.tensor([301.0, 0.5], dtype=m.float16, requires_grad=True)))


def test_cumprod_gradient_with_zeros_matches():
    """cumprod's gradient where the dim holds one or several zeros (the fuzzer's case was block_diag's, see the
    rule block-diag-empty-grad)."""
    for vals in ([2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 5.0], [0.0, 0.0], [1.5, -2.0, 0.0], [0.0]):
        for dt in ("float32", "float64"):
            _same(lambda m: _grads(m, lambda m_, x: m_.cumprod(x, 0),
                                   m.tensor(vals, dtype=getattr(m, dt), requires_grad=True)))
        _same(lambda m: _grads(m, lambda m_, x: m_.cumprod(x, 1),
                               m.tensor([vals, vals[::-1]], requires_grad=True)))


_FOUND3B = {   # seeds 11-12
    "einsum 0-d operand": lambda m: m.einsum("i,ij->j", m.ones(()), m.ones(1, 3)),
    "lcm broadcast": lambda m: m.lcm(m.ones(3, 3, dtype=m.int64), m.ones(4, 3, dtype=m.int64)),
    "gcd_ broadcast": lambda m: m.ones(4, 4, dtype=m.uint8).gcd_(m.ones(5, 4, dtype=m.int64)),
    "gcd int64 min": lambda m: m.gcd(m.tensor([-2 ** 63, -2 ** 63, 5, -2 ** 63, 0]), m.tensor([-1, 1, -2 ** 63, 6, 0])),
    "lcm signs": lambda m: m.lcm(m.tensor([-4, 6, -7, 0, 2 ** 40 + 1]), m.tensor([6, -4, -3, 5, -(2 ** 20)])),
    "clamp_ uint8 -1": lambda m: m.ones(3, dtype=m.uint8).clamp_(-1, None),
    "clamp uint8 300": lambda m: m.ones(3, dtype=m.uint8).clamp(-1, 300),
    "sub uint8 alpha -1": lambda m: m.sub(m.ones(2, dtype=m.uint8), m.ones((), dtype=m.uint8), alpha=-1),
    "add uint8 scalar alpha -1": lambda m: m.add(m.ones(2, dtype=m.uint8), 2, alpha=-1),
    "dot empty bools": lambda m: m.dot(m.ones(0, dtype=m.bool), m.ones(0, dtype=m.bool)),
    "tensordot bools": lambda m: m.tensordot(m.ones(3, 4, dtype=m.bool), m.ones((), dtype=m.bool), 0),
    "tensordot empty bools": lambda m: m.tensordot(m.ones(0, dtype=m.bool), m.ones((), dtype=m.bool), 0),
    "index_select empty 1-D": lambda m: m.ones(0, dtype=m.float64).index_select(0, m.tensor([0, 0])),
    "index_select empty dim 2-D": lambda m: m.ones(2, 0).index_select(1, m.tensor([0])),
    "frexp denormal float32": lambda m: tuple(m.frexp(m.tensor([-1e-40, 3e38, 0.75, -0.0]))),
    "frexp denormal half": lambda m: tuple(m.frexp(m.tensor([1e-7, 6e4, 0.75], dtype=m.float16))),
    "norm of one huge element": lambda m: m.norm(m.tensor(3e38)),
    "norm p=3 per element": lambda m: m.norm(m.tensor([[3e38], [1.0]]), 3, (1,)),
    "std beyond float32": lambda m: m.std(m.tensor([3e38, 1.0, 0.0])),
    "var beyond float32": lambda m: m.var(m.tensor([3e38, 0.0])),
    "std half": lambda m: m.std(m.tensor([6e4, 1.0], dtype=m.float16)),
    "block_diag half with 0-d float": lambda m: m.block_diag(m.ones(3, dtype=m.float16), m.ones(())),
    "block_diag 0-d double with float": lambda m: m.block_diag(m.ones((), dtype=m.float64), m.ones(3)),
    "clamp tensor bounds 0-d": lambda m: m.clamp(m.ones((), dtype=m.uint8), m.ones(1, dtype=m.float16),
                                                 m.ones((), dtype=m.float64)),
    "heaviside out dtype": lambda m: m.heaviside(m.ones(2, dtype=m.uint8), m.ones(1, dtype=m.uint8),
                                                 out=m.empty(0, dtype=m.int64)),
    "scatter_reduce mean bool": lambda m: m.scatter_reduce(m.ones(3, dtype=m.bool), 0, m.tensor([0, 1, 0]),
                                                           m.ones(3, dtype=m.bool), "mean"),
    "round_ of sorted 0-d": lambda m: m.sort(m.ones((), requires_grad=True), 0).values.round_(),
    "index_add_ expanded leaf, bad dim": lambda m: m.ones(1, requires_grad=True).expand(1).index_add_(
        1, m.tensor([], dtype=m.int64), m.ones(0)),
}


@pytest.mark.parametrize("case", sorted(_FOUND3B))
def test_found_by_fuzzer_round3_seeds_11_12(case):
    _same(_FOUND3B[case], msg=case != "einsum 0-d operand")   # (the class: einsum's own message differs)


@pytest.mark.parametrize("fn", ["median", "nanmedian"])
@pytest.mark.parametrize("vals", [[1.0, 2.0, 2.0, 3.0], [2.0, 2.0, 2.0], [float("nan"), 1.0, 1.0],
                                  [1.0, 1.0, 5.0, float("nan")], [float("inf"), 1.0, float("inf")]])
def test_full_median_shares_the_gradient_among_ties(fn, vals):
    """Found by the fuzzer: PyTorch's median()/nanmedian() spread the gradient evenly over the elements equal to
    the result (numtorch gave it to one of them)."""
    _same(lambda m: _grads(m, lambda m_, x: getattr(m_, fn)(x).reshape(1), m.tensor(vals, requires_grad=True)))


@pytest.mark.parametrize("fn", ["fmax", "fmin"])
def test_fmax_fmin_give_a_tie_to_input(fn):
    """Found by the fuzzer: a tie's gradient goes wholly to input (maximum/minimum split it)."""
    nan = float("nan")
    _same(lambda m: _grads(m, lambda m_, a, b: getattr(m_, fn)(a, b),
                           m.tensor([1.0, 2.0, -0.0, 0.0, nan, nan, 3.0, -1.0], requires_grad=True),
                           m.tensor([1.0, 1.0, 0.0, -0.0, nan, 2.0, nan, -1.0], requires_grad=True)))
    _same(lambda m: _grads(m, lambda m_, a: getattr(m_, fn)(a, m_.tensor([True, False, True])),
                           m.tensor([1.0, 0.0, 3.0], requires_grad=True)))


def test_std_gradient_beyond_float32():
    _same(lambda m: _grads(m, lambda m_, x: m_.std(x).reshape(1), m.tensor([3e38, 1.0, 0.0], requires_grad=True)))
    _same(lambda m: _grads(m, lambda m_, x: m_.std(x, 0), m.tensor([[1.0, 2.0], [4.0, 2.0]], requires_grad=True)))


_FOUND3C = {   # seed 13
    "searchsorted empty bool values": lambda m: m.searchsorted(m.tensor([True, True]), m.ones(2, 0, dtype=m.bool)),
    "bucketize empty bool input": lambda m: m.bucketize(m.ones(2, 0, dtype=m.bool), m.tensor([True, True])),
    "floor_divide out= with grad": lambda m: m.floor_divide(m.ones(2, dtype=m.int64),
                                                            m.ones(2, dtype=m.float64, requires_grad=True),
                                                            out=m.empty(0)),
    "number % tensor backward": lambda m: (2 % m.ones(3, requires_grad=True)).sum().backward(),
    "index_copy_ leaf, bad dim": lambda m: m.ones((), requires_grad=True).index_copy_(
        1, m.tensor([], dtype=m.int64), m.ones(())),
    "norm fro over 3 dims": lambda m: m.norm(m.ones(1, 4, 2), "fro", (0, 1, 2)),
    "clamp bool tensor bounds": lambda m: m.clamp(m.ones((), dtype=m.bool), m.ones((), dtype=m.bool),
                                                  m.ones(1, dtype=m.bool)),
}


@pytest.mark.parametrize("case", sorted(_FOUND3C))
def test_found_by_fuzzer_round3_seed_13(case):
    _same(_FOUND3C[case])


_FOUND3D = {   # seed 14
    "scatter_reduce_ expanded bad dim": lambda m: m.ones(1, 4, dtype=m.int64).expand(2, 4).scatter_reduce_(
        3, m.zeros(2, 4, dtype=m.int64), m.ones(2, 4, dtype=m.int64), "amin", include_self=False),
    "masked_fill_ of a 0-d isinf": lambda m: m.isinf(m.ones((), dtype=m.float16)).masked_fill_(m.tensor(True),
                                                                                              float("nan")),
    "isnan 0-d then setitem": lambda m: m.isnan(m.tensor(1.0)).__setitem__((), True),
    "floor_divide out= float with grad": lambda m: m.floor_divide(m.ones(3, 0, 2, dtype=m.float64,
                                                                         requires_grad=True),
                                                                  m.ones(3, 0, 2, dtype=m.float16),
                                                                  out=m.empty(0, dtype=m.float64)),
}


@pytest.mark.parametrize("case", sorted(_FOUND3D))
def test_found_by_fuzzer_round3_seed_14(case):
    _same(_FOUND3D[case])


# --------------------------------------------------------------- issue 21, fourth round (driver seeds 15-)
def _nextafter_grads(m):
    x = m.tensor([1.0, 1.0, float("nan"), 0.0], requires_grad=True)
    y = m.tensor([1.0, 2.0, 1.0, -0.0], requires_grad=True)
    r = m.nextafter(x, y)
    return (r,) + m.autograd.grad(r, (x, y), m.tensor([-0.5, -0.5, 2.0, float("inf")]))


def _nextafter_after_cast(m):   # the seed-15 program: at x == other the result is other, PyTorch's gradient 0
    x = m.tensor(-1.0, requires_grad=True)
    r = m.nextafter(m.neg(x.view(-1)).to(m.float64), m.tensor([True]))
    return m.autograd.grad((r * m.tensor([0.76], dtype=m.float64)).sum(), [x])


def _lerp_inf(m, weight):
    a = m.tensor([float("inf"), 2.0, -0.0, 1.0, 0.0], requires_grad=True)
    b = m.tensor([1.0, float("inf"), -0.0, -0.0, 3.0], requires_grad=True)
    w = weight(m)
    r = m.lerp(a, b, w)
    leaves = (a, b) + ((w,) if isinstance(w, m.Tensor) and w.requires_grad else ())
    return (r,) + m.autograd.grad(r, leaves, m.full((5,), 1.5))


def _floor_divide_out_grad(m):
    o = m.empty(0)
    r = m.floor_divide(m.ones(1, 2, dtype=m.float16, requires_grad=True) * 2, m.ones(1, 2, dtype=m.int64), out=o)
    assert r is o and r.requires_grad and r.dtype == m.float32
    r.sum().backward()   # PyTorch's "derivative for aten::floor_divide is not implemented"


def _take_along_dim_empty_inplace(m):
    x = m.ones(2, 1, 3, requires_grad=True)
    y = m.take_along_dim(x, m.zeros(2, 0, 3, dtype=m.int64), -1)
    y.tanh_()   # a new tensor, not a view of the leaf
    return (y,) + m.autograd.grad(y.sum(), x)


_FOUND4 = {
    # seed 15
    "nextafter gradient where x == other": _nextafter_grads,
    "nextafter gradient after a cast": _nextafter_after_cast,
    "lerp of inf, 0-d int32 weights": lambda m: tuple(
        m.lerp(m.tensor(a), m.tensor([b]), m.tensor(w, dtype=m.int32)) for w in (0, 1, 2, -1)
        for a, b in ((math.inf, 1.0), (2.0, math.inf), (math.inf, -math.inf), (-0.0, 0.0), (1.0, -0.0))),
    "lerp of inf, scalar weights": lambda m: tuple(m.lerp(m.tensor([2.0, float("inf")]), m.tensor([float("inf"), 1.0]),
                                                          w) for w in (0.0, 0.25, 0.5, 1.0, 2.0, -1.0)),
    "lerp inf tensor weight 1 with grads": lambda m: _lerp_inf(m, lambda m: m.ones(5, requires_grad=True)),
    "lerp inf tensor weight 0.75 with grads": lambda m: _lerp_inf(m, lambda m: m.full((5,), 0.75, requires_grad=True)),
    "lerp inf scalar weight 1 with grads": lambda m: _lerp_inf(m, lambda m: 1.0),
    "lerp inf scalar weight 0.25 with grads": lambda m: _lerp_inf(m, lambda m: 0.25),
    "histc of one huge float64 value": lambda m: tuple(m.histc(m.tensor([v], dtype=m.float64), b, 0, 0)
                                                       for v in (1e300, -1e300, 1e16) for b in (1, 2, 3, 4, 5)),
    "histc bins finer than the spacing": lambda m: (m.histc(m.tensor([1e16, 1e16 + 2, 1e16 + 4], dtype=m.float64), 7),
                                                    m.histc(m.tensor([1e16, 1e16 + 2], dtype=m.float64), 5)),
    # seed 16
    "cumprod dtype=int64 with grad": lambda m: m.cumprod(m.ones(3, dtype=m.float64, requires_grad=True), 0,
                                                         dtype=m.int64),
    "cumprod dtype=bool": lambda m: m.cumprod(m.ones(3), 0, dtype=m.bool),
    "cumsum dtype=bool with grad": lambda m: m.cumsum(m.ones(3, requires_grad=True), 0, dtype=m.bool),
    "floor_divide out= with grad records a node": _floor_divide_out_grad,
    "take_along_dim empty result then in place": _take_along_dim_empty_inplace,
    # seed 17
    "sort of an empty tensor then in place": lambda m: m.nn.functional.celu(
        m.sort(m.ones(1, dtype=m.float64, requires_grad=True).expand(1)[0:0], stable=True).values, inplace=True),
    "fmax/fmin ties return input": lambda m: tuple(
        f(x, y).signbit() for f in (m.fmax, m.fmin)
        for x, y in ((m.tensor([0, 0, -1], dtype=m.int32), m.tensor([-0.0, 0.0, -0.0])),
                     (m.tensor([-0.0, 0.0, 2.0]), m.tensor([0.0, -0.0, 2.0])))),
    "addcmul 0-d float64 beside int32": lambda m: m.addcmul(m.ones(()), m.ones(2, dtype=m.int32),
                                                            m.ones((), dtype=m.float64)),
    "lerp 0-d weight type among 0-d and full": lambda m: m.lerp(m.ones(()), m.ones(2), m.ones((), dtype=m.float64)),
    "tensordot of bools contracting everything": lambda m: m.tensordot(m.ones(3, 0, dtype=m.bool),
                                                                       m.ones(3, 0, dtype=m.bool), 2),
    "tensordot of bools contracting part": lambda m: m.tensordot(m.ones(3, 0, dtype=m.bool),
                                                                 m.ones(3, 0, 4, dtype=m.bool), 2),
    "inf norm of an empty tensor along a full dim": lambda m: m.norm(m.ones(2, 0, 2), float("inf"), (2,),
                                                                     keepdim=True),
    "-inf norm along an empty dim": lambda m: m.linalg.vector_norm(m.ones(2, 0, 2), float("-inf"), (0, 1)),
    "-inf norm of an empty tensor": lambda m: m.linalg.vector_norm(m.ones(2, 0, 2), float("-inf")),
    # seed 19
    "take_along_dim without dim, empty input": lambda m: m.take_along_dim(m.ones(4, 4, 0, dtype=m.int32),
                                                                          m.zeros(3, dtype=m.int64)),
    "take_along_dim without dim, index too large": lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([7])),
    "take_along_dim without dim": lambda m: m.take_along_dim(m.arange(6.0).reshape(2, 3), m.tensor([[5, 0], [2, 1]])),
    "ldexp_ with an int64 exponent beyond int32": lambda m: tuple(
        m.tensor([0.5, -2.0]).ldexp_(m.tensor(e)) for e in (2 ** 40, -2 ** 40, 2 ** 32 + 3, 127, -200)),
}


@pytest.mark.parametrize("case", sorted(_FOUND4))
def test_found_by_fuzzer_round4(case):
    _same(_FOUND4[case])
