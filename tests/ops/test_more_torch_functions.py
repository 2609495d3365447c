"""The less common torch.* functions (numtorch/_ops/combine, numeric, scan, stats, calculus, scatter_ops)
against PyTorch: values, dtypes, shapes, first-order gradients of a random projection, second-order
gradients where the op is smooth, and the exception class on bad input."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_torch, to_nt, assert_close

R = np.random.default_rng(7)


def f64(*shape, lo=-2.0, hi=2.0):
    return R.uniform(lo, hi, shape)


def i64(*shape, lo=-5, hi=6):
    return R.integers(lo, hi, shape)


def _pair(arr, grad):
    a = np.array(arr)
    t = torch.tensor(a, requires_grad=grad and a.dtype.kind == "f")
    n = to_nt(t.detach(), requires_grad=grad and a.dtype.kind == "f")
    return n, t


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def run_case(fn, arrays, grad=True, rtol=1e-6, atol=1e-7, kwargs_fn=None):
    nts, ts = zip(*(_pair(a, grad) for a in arrays)) if arrays else ((), ())
    got = fn(nt, *nts)
    want = fn(torch, *ts)
    g_list, w_list = _flat(got), _flat(want)
    assert len(g_list) == len(w_list)
    for g, w in zip(g_list, w_list):
        assert_close(g, w, rtol=rtol, atol=atol)
    if not grad:
        return
    outs = [(g, w) for g, w in zip(g_list, w_list) if w.requires_grad]
    if not outs:
        return
    loss_t = sum((w * torch.tensor(np.cos(np.arange(w.numel())).reshape(w.shape), dtype=w.dtype)).sum()
                 for _, w in outs)
    loss_n = sum((g * nt.tensor(np.cos(np.arange(g.numel())).reshape(tuple(g.shape)), dtype=g.dtype)).sum()
                 for g, _ in outs)
    tin = [t for t in ts if t.requires_grad]
    nin = [n for n in nts if n.requires_grad]
    gt = torch.autograd.grad(loss_t, tin, allow_unused=True)
    gn = nt.autograd.grad(loss_n, nin, allow_unused=True)
    for a, b in zip(gn, gt):
        if b is None or a is None:   # no gradient on one side: the other's must be zero
            assert not np.any((a if b is None else b).detach().numpy() if b is not None else a._data)
        else:
            assert_close(a, b, rtol=1e-5, atol=1e-6)


CASES = {
    # combine
    "atleast_3d": (lambda m, a: m.atleast_3d(a), [f64(4)]),
    "atleast_3d_many": (lambda m, a, b: m.atleast_3d(a, b), [f64(), f64(2, 3)]),
    "block_diag": (lambda m, a, b, c: m.block_diag(a, b, c), [f64(2, 3), f64(3), f64()]),
    "cartesian_prod": (lambda m, a, b: m.cartesian_prod(a, b), [f64(3), f64(2)]),
    "combinations": (lambda m, a: m.combinations(a, 2), [f64(4)]),
    "combinations_r3_repl": (lambda m, a: m.combinations(a, 3, with_replacement=True), [f64(3)]),
    "combinations_r1": (lambda m, a: m.combinations(a, 1), [f64(3)]),
    "kron_2d": (lambda m, a, b: m.kron(a, b), [f64(2, 3), f64(3, 2)]),
    "kron_mixed_rank": (lambda m, a, b: m.kron(a, b), [f64(2), f64(2, 3, 2)]),
    "column_stack": (lambda m, a, b, c: m.column_stack([a, b, c]), [f64(3), f64(3, 2), f64(3)]),
    "row_stack": (lambda m, a, b: m.row_stack((a, b)), [f64(3), f64(2, 3)]),
    "dstack": (lambda m, a, b: m.dstack([a, b]), [f64(2, 3), f64(2, 3, 2)]),
    "hsplit_int": (lambda m, a: m.hsplit(a, 2), [f64(3, 4)]),
    "hsplit_list": (lambda m, a: m.hsplit(a, [1, 3]), [f64(3, 4)]),
    "hsplit_1d": (lambda m, a: m.hsplit(a, 3), [f64(6)]),
    "vsplit": (lambda m, a: m.vsplit(a, [1]), [f64(3, 4)]),
    "dsplit": (lambda m, a: m.dsplit(a, 2), [f64(2, 3, 4)]),
    "split_with_sizes": (lambda m, a: m.split_with_sizes(a, [1, 3], 1), [f64(2, 4)]),
    "unsafe_chunk": (lambda m, a: m.unsafe_chunk(a, 3), [f64(7)]),
    "rot90_k1": (lambda m, a: m.rot90(a), [f64(2, 3)]),
    "rot90_k2": (lambda m, a: m.rot90(a, 2, [1, 2]), [f64(2, 3, 4)]),
    "rot90_k3": (lambda m, a: m.rot90(a, -1, [0, 2]), [f64(2, 3, 4)]),
    "diagflat": (lambda m, a: m.diagflat(a, 1), [f64(2, 2)]),
    "addr": (lambda m, a, b, c: m.addr(a, b, c, beta=0.5, alpha=2), [f64(3, 2), f64(3), f64(2)]),
    "addr_beta0": (lambda m, a, b, c: m.addr(a, b, c, beta=0), [f64(3, 2), f64(3), f64(2)]),
    "vdot": (lambda m, a, b: m.vdot(a, b), [f64(4), f64(4)]),
    "positive": (lambda m, a: m.positive(a) * 1, [f64(3)]),
    # numeric
    "gcd": (lambda m, a, b: m.gcd(a, b), [i64(5, lo=-20, hi=21), i64(5, lo=-20, hi=21)]),
    "lcm": (lambda m, a, b: m.lcm(a, b), [i64(5, lo=-20, hi=21), i64(5, lo=-20, hi=21)]),
    "hypot": (lambda m, a, b: m.hypot(a, b), [f64(3, 4), f64(4)]),
    "copysign": (lambda m, a, b: m.copysign(a, b), [f64(3, 4), f64(4)]),
    "copysign_scalar": (lambda m, a: m.copysign(a, -1.0), [f64(5)]),
    "copysign_int": (lambda m, a, b: m.copysign(a, b), [i64(5), i64(5)]),
    "heaviside": (lambda m, a, b: m.heaviside(a, b), [np.array([-1.5, 0.0, 2.0, 0.0]), f64(4)]),
    "frexp": (lambda m, a: m.frexp(a), [f64(6, lo=-1e3, hi=1e3)]),
    "ldexp": (lambda m, a, b: m.ldexp(a, b), [f64(5), i64(5, lo=0, hi=9)]),
    "nextafter": (lambda m, a, b: m.nextafter(a, b), [f64(5), f64(5)]),
    "logaddexp2": (lambda m, a, b: m.logaddexp2(a, b), [f64(3, 4, lo=-50, hi=50), f64(4, lo=-50, hi=50)]),
    "lshift": (lambda m, a, b: m.bitwise_left_shift(a, b), [i64(6, lo=-9, hi=9), i64(6, lo=0, hi=70)]),
    "rshift": (lambda m, a, b: m.bitwise_right_shift(a, b), [i64(6, lo=-99, hi=99), i64(6, lo=0, hi=70)]),
    # scans
    "cummax": (lambda m, a: m.cummax(a, 1), [np.array([[1.0, 3, 3, 2, 5], [2, np.nan, 1, np.nan, 9]])]),
    "cummin": (lambda m, a: m.cummin(a, 0), [f64(4, 3)]),
    "cummax_ties": (lambda m, a: m.cummax(a, -1), [np.array([[1.0, 1, 0, 1], [2, 2, 2, 2]])]),
    "cummax_int": (lambda m, a: m.cummax(a, 0), [i64(6)]),
    "logcumsumexp": (lambda m, a: m.logcumsumexp(a, 1), [f64(3, 5, lo=-30, hi=30)]),
    "logcumsumexp_inf": (lambda m, a: m.logcumsumexp(a, 0), [np.array([-np.inf, 1.0, -np.inf, 3.0])]),
    # statistics
    "quantile": (lambda m, a: m.quantile(a, 0.3), [f64(4, 5)]),
    "quantile_ends": (lambda m, a: m.quantile(a, m.tensor([0.0, 1.0], dtype=a.dtype), dim=0), [f64(4, 3)]),
    "quantile_nearest": (lambda m, a: m.quantile(a, 0.5, dim=1, interpolation="nearest"), [f64(3, 6)]),
    "quantile_lower": (lambda m, a: m.quantile(a, 0.35, interpolation="lower"), [f64(3, 6)]),
    "quantile_higher": (lambda m, a: m.quantile(a, 0.35, interpolation="higher"), [f64(3, 6)]),
    "quantile_midpoint": (lambda m, a: m.quantile(a, 0.35, dim=0, interpolation="midpoint"), [f64(3, 6)]),
    "quantile_dim": (lambda m, a, q: m.quantile(a, q, dim=1, keepdim=True), [f64(3, 7), np.array([0.1, 0.25, 0.9])]),
    "quantile_nan": (lambda m, a: m.quantile(a, 0.5, dim=0), [np.array([[1.0, np.nan], [2, 3], [4, 5]])]),
    "nanquantile": (lambda m, a: m.nanquantile(a, 0.4, dim=0), [np.array([[1.0, np.nan], [2, np.nan], [4, 5]])]),
    "median_nan": (lambda m, a: m.nanmedian(a, 1), [np.array([[np.nan] * 3, [1, np.nan, 3], [3, 2, 1]])]),
    "nanmedian_all": (lambda m, a: m.nanmedian(a), [np.array([[np.nan, 4.0], [1, 2]])]),
    "mode": (lambda m, a: m.mode(a, 1), [np.array([[1, 2, 2, 1, 3], [5, 4, 4, 5, 5], [7, 7, 7, 7, 7]])]),
    "mode_float": (lambda m, a: m.mode(a, 0), [np.array([[1.0, 2], [1, 3], [2, 3], [2, 2]])]),
    "histogram": (lambda m, a: m.histogram(a, 5), [f64(40)]),
    "histogram_range_w": (lambda m, a, w: m.histogram(a, 4, range=(-1.0, 1.0), weight=w, density=True),
                          [f64(30), f64(30, lo=0, hi=1)]),
    "histogram_edges": (lambda m, a, e: m.histogram(a, e), [f64(30), np.array([-2.0, -0.5, 0.0, 3.0])]),
    "unique_consecutive": (lambda m, a: m.unique_consecutive(a, return_inverse=True, return_counts=True),
                           [np.array([1, 1, 2, 2, 3, 1, 1, 2])]),
    "unique_consecutive_dim": (lambda m, a: m.unique_consecutive(a, return_counts=True, dim=0),
                               [np.array([[1, 2], [1, 2], [3, 4], [1, 2]])]),
    "isin": (lambda m, a, b: m.isin(a, b), [i64(4, 3), i64(5)]),
    "isin_invert": (lambda m, a: m.isin(a, 2, invert=True), [i64(6, lo=0, hi=4)]),
    "unravel_index": (lambda m, a: m.unravel_index(a, (3, 4)), [np.array([0, 5, 11, -1])]),
    # calculus
    "trapezoid": (lambda m, a: m.trapezoid(a), [f64(3, 5)]),
    "trapezoid_dx": (lambda m, a: m.trapezoid(a, dx=0.5, dim=0), [f64(3, 5)]),
    "trapezoid_x": (lambda m, a, x: m.trapezoid(a, x), [f64(3, 5), np.sort(f64(5))]),
    "trapz": (lambda m, a, x: m.trapz(a, x, dim=0), [f64(4, 2), f64(4, 2)]),
    "cumulative_trapezoid": (lambda m, a, x: m.cumulative_trapezoid(a, x), [f64(3, 5), np.sort(f64(5))]),
    "gradient": (lambda m, a: m.gradient(a), [f64(4, 5)]),
    "gradient_edge2": (lambda m, a: m.gradient(a, spacing=2.0, dim=1, edge_order=2), [f64(4, 5)]),
    "gradient_coords": (lambda m, a, x: m.gradient(a, spacing=(x,), dim=0, edge_order=2),
                        [f64(5, 2), np.sort(f64(5)) + np.arange(5)]),
    "gradient_coords1": (lambda m, a, x: m.gradient(a, spacing=[x], dim=1), [f64(2, 5), np.arange(5.0) ** 1.5]),
    # scatter family
    "diagonal_scatter": (lambda m, a, s: m.diagonal_scatter(a, s, 1), [f64(3, 4), f64(3)]),
    "diagonal_scatter_dims": (lambda m, a, s: m.diagonal_scatter(a, s, -1, 0, 2), [f64(3, 2, 4), f64(2, 2)]),
    "select_scatter": (lambda m, a, s: m.select_scatter(a, s, 1, -1), [f64(3, 4), f64(3)]),
    "slice_scatter": (lambda m, a, s: m.slice_scatter(a, s, 1, 1, None, 2), [f64(3, 6), f64(3, 3)]),
    "put": (lambda m, a, v: m.put(a, m.tensor([0, 5, -1]), v), [f64(2, 3), f64(3)]),
    "put_acc": (lambda m, a, v: a.put(m.tensor([1, 1, 2]), v, accumulate=True), [f64(2, 3), f64(3)]),
    "renorm": (lambda m, a: m.renorm(a, 2, 0, 1.0), [f64(3, 4)]),
    "renorm_p1": (lambda m, a: a.renorm(1, 1, 2.0), [f64(3, 4)]),
    "narrow_copy": (lambda m, a: m.narrow_copy(a, 1, 1, 2), [f64(3, 4)]),
    "permute_copy": (lambda m, a: m.permute_copy(a, (1, 0)), [f64(3, 4)]),
    "unbind_copy": (lambda m, a: m.unbind_copy(a, 1), [f64(3, 2)]),
}

for _red in ("sum", "prod", "mean", "amax", "amin"):
    for _inc in (True, False):
        CASES[f"scatter_reduce_{_red}_{_inc}"] = (
            lambda m, a, s, r=_red, inc=_inc: m.scatter_reduce(a, 1, m.tensor([[0, 1, 0, 2], [2, 2, 1, 1]]), s, r,
                                                               include_self=inc),
            [f64(2, 3, lo=0.5, hi=2), f64(2, 4, lo=0.5, hi=2)])
for _red in ("prod", "mean", "amax", "amin"):
    CASES[f"index_reduce_{_red}"] = (
        lambda m, a, s, r=_red: a.index_reduce(0, m.tensor([0, 2, 0]), s, r), [f64(3, 2), f64(3, 2)])
CASES["scatter_reduce_prod_zeros"] = (
    lambda m, a, s: m.scatter_reduce(a, 0, m.tensor([0, 0, 1, 1, 2]), s, "prod"),
    [np.array([1.5, 0.0, 2.0]), np.array([2.0, 0.0, 3.0, 1.5, 0.5])])
CASES["scatter_reduce_amax_ties"] = (
    lambda m, a, s: m.scatter_reduce(a, 0, m.tensor([0, 0, 1]), s, "amax"),
    [np.array([1.0, 2.0]), np.array([1.0, 1.0, 0.5])])
CASES["scatter_reduce_int_mean"] = (
    lambda m, a, s: m.scatter_reduce(a, 0, m.tensor([0, 0, 1]), s, "mean"), [i64(2), i64(3)])


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    fn, arrays = CASES[name]
    run_case(fn, arrays, grad=name not in NO_GRAD)


# not differentiable in PyTorch (heaviside, histogram raise when asked for a gradient)
NO_GRAD = {"heaviside", "histogram", "histogram_edges", "histogram_range_w"}


@pytest.mark.parametrize("name", ["hypot", "logaddexp2", "logcumsumexp", "copysign", "kron_2d", "quantile_dim",
                                  "scatter_reduce_prod_True", "scatter_reduce_amax_False", "renorm",
                                  "diagonal_scatter", "gradient_coords"])
def test_second_order(name):
    fn, arrays = CASES[name]
    ins = [nt.tensor(np.array(a), dtype=nt.float64, requires_grad=True) for a in arrays]

    def f(*xs):
        out = _flat(fn(nt, *xs))
        return sum((o * o).sum() for o in out if o.dtype.is_floating_point)
    assert nt.autograd.gradgradcheck(f, ins)


def test_float32_dtype_kept():
    x = np.float32(R.uniform(-1, 1, (3, 4)))
    for fn in (lambda m, a: m.logcumsumexp(a, 1), lambda m, a: m.quantile(a, 0.5),
               lambda m, a: m.hypot(a, a), lambda m, a: m.trapezoid(a), lambda m, a: m.gradient(a)[0]):
        assert_close(fn(nt, nt.tensor(x)), fn(torch, torch.tensor(x)), rtol=1e-5, atol=1e-6)


BAD = {
    "gcd_float": lambda m: m.gcd(m.tensor([1.0]), m.tensor([2.0])),
    "frexp_int": lambda m: m.frexp(m.tensor([1])),
    "rot90_dims": lambda m: m.rot90(m.zeros(2, 2), 1, [0, 0]),
    "rot90_ndim": lambda m: m.rot90(m.zeros(2), 1),
    "rot90_three_dims": lambda m: m.rot90(m.zeros(2, 2, 2), 1, [0, 1, 2]),
    "hsplit_indivisible": lambda m: m.hsplit(m.zeros(2, 5), 2),
    "vsplit_1d": lambda m: m.vsplit(m.zeros(4), 2),
    "dsplit_2d": lambda m: m.dsplit(m.zeros(4, 4), 2),
    "quantile_q_range": lambda m: m.quantile(m.zeros(3), 1.5),
    "quantile_int": lambda m: m.quantile(m.tensor([1, 2]), 0.5),
    "quantile_empty": lambda m: m.quantile(m.zeros(0), 0.5),
    "quantile_bad_interp": lambda m: m.quantile(m.zeros(3), 0.5, interpolation="cubic"),
    "cartesian_2d": lambda m: m.cartesian_prod(m.zeros(2, 2), m.zeros(2)),
    "combinations_2d": lambda m: m.combinations(m.zeros(2, 2)),
    "block_diag_3d": lambda m: m.block_diag(m.zeros(2, 2, 2)),
    "heaviside_dtypes": lambda m: m.heaviside(m.tensor([1.0]), m.tensor([1])),
    "scatter_reduce_bad": lambda m: m.scatter_reduce(m.zeros(3), 0, m.tensor([0]), m.zeros(1), "maximum"),
    "index_reduce_sum": lambda m: m.zeros(3).index_reduce(0, m.tensor([0]), m.zeros(1), "sum"),
    "renorm_1d": lambda m: m.renorm(m.zeros(3), 2, 0, 1.0),
    "put_oob": lambda m: m.zeros(3).put(m.tensor([5]), m.zeros(1)),
    "unravel_float": lambda m: m.unravel_index(m.tensor([1.0]), (2, 2)),
    "split_with_sizes_sum": lambda m: m.split_with_sizes(m.zeros(4), [1, 2]),
    "select_scatter_shape": lambda m: m.select_scatter(m.zeros(3, 4), m.zeros(4), 1, 0),
    "vdot_2d": lambda m: m.vdot(m.zeros(2, 2), m.zeros(2, 2)),
    "positive_bool": lambda m: m.positive(m.tensor([True])),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_error_class(name):
    with pytest.raises(Exception) as want:
        BAD[name](torch)
    with pytest.raises(Exception) as got:
        BAD[name](nt)
    assert type(got.value) is type(want.value) or isinstance(got.value, type(want.value)), \
        f"torch raised {type(want.value).__name__}: {want.value}; numtorch {type(got.value).__name__}: {got.value}"


def test_tensor_methods_exist_like_torch():
    names = """kron hsplit vsplit dsplit rot90 diagflat addr vdot positive gcd lcm hypot copysign heaviside frexp
    ldexp nextafter logaddexp2 bitwise_left_shift cummax cummin logcumsumexp quantile nanquantile nanmedian mode
    histogram unique_consecutive diagonal_scatter select_scatter slice_scatter scatter_reduce index_reduce put renorm
    gcd_ hypot_ copysign_ ldexp_ scatter_reduce_ index_reduce_ put_ renorm_""".split()
    for n in names:
        assert hasattr(torch.Tensor, n), n
        assert hasattr(nt.Tensor, n), n


def test_inplace_variants():
    a = np.abs(f64(3, 4)) + 0.5
    x, y = nt.tensor(a), torch.tensor(a)
    x.renorm_(2, 0, 1.0)
    y.renorm_(2, 0, 1.0)
    assert_close(x, y)
    x.hypot_(nt.ones(4))
    y.hypot_(torch.ones(4))
    assert_close(x, y)
    idx = [[0, 1, 0, 2], [2, 2, 1, 1]]
    x.scatter_reduce_(1, nt.tensor(idx), nt.ones(2, 4, dtype=nt.float64), "amax", include_self=False)
    y.scatter_reduce_(1, torch.tensor(idx), torch.ones(2, 4, dtype=torch.float64), "amax", include_self=False)
    assert_close(x, y)


def test_ldexp_negative_exponent_gradient_is_the_derivative():
    # PyTorch 2.13 computes ldexp's gradient as grad * 2**other in the exponent's integer dtype, which is 0 for a
    # negative exponent; numtorch returns the derivative 2**other (the values agree with PyTorch's)
    x = nt.tensor([1.0, 2.0], dtype=nt.float64, requires_grad=True)
    e = nt.tensor([-4, 3])
    y = nt.ldexp(x, e)
    assert_close(y, torch.ldexp(torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([-4, 3])))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [2.0 ** -4, 8.0])


def test_heaviside_gradient_raises_at_backward_as_torch():
    a = np.array([-1.0, 0.0, 2.0])
    outs = []
    for m in (torch, nt):
        x = m.tensor(a, requires_grad=True)
        y = m.heaviside(x, m.tensor([0.5, 0.5, 0.5], dtype=x.dtype))
        assert y.requires_grad
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        outs.append(str(e.value))
    assert outs[0] == outs[1]


def test_diag_embed_method():
    a = np.arange(6.0).reshape(2, 3)
    assert_close(nt.tensor(a).diag_embed(1, 0, 2), torch.tensor(a).diag_embed(1, 0, 2))
