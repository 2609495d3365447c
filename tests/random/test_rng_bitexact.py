"""numtorch's random numbers equal PyTorch 2.13 CPU's bit for bit (same seed, same calls, same values)."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, to_torch  # noqa: F401

SEEDS = [0, 1, 42, 2 ** 40 + 7]
# 15/16/17: the normal kernel's vectorised path starts at 16 elements; 31/33: a ragged tail
SIZES = [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000]
FLOATS = [("float32", torch.float32, nt.float32), ("float64", torch.float64, nt.float64)]


def same(got, want):
    """Bit-for-bit equality of a numtorch result with a torch result (shape, dtype, bytes)."""
    g = got._data if isinstance(got, nt.Tensor) else np.asarray(got)
    w = want.detach().numpy() if isinstance(want, torch.Tensor) else np.asarray(want)
    assert g.shape == w.shape, f"shape {g.shape} != {w.shape}"
    assert g.dtype == w.dtype, f"dtype {g.dtype} != {w.dtype}"
    eq = np.ascontiguousarray(g).view(np.uint8) == np.ascontiguousarray(w).view(np.uint8)
    assert eq.all(), f"{(g != w).sum()} of {g.size} differ; first: {g.ravel()[:4]} vs {w.ravel()[:4]}"


def pair(seed):
    return nt.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_engine_words_and_reference_twist(seed):
    from numtorch._mt19937 import Engine
    fast, ref = Engine(seed), Engine(seed)
    a = np.concatenate([fast.draw(5), fast.draw(1300)])
    b = np.concatenate([ref.reference_draw(5), ref.reference_draw(1300)])
    np.testing.assert_array_equal(a, b)
    want = torch.empty(1305, dtype=torch.int64).random_(0, 2 ** 28 - 1, generator=torch.Generator().manual_seed(seed))
    # random_(0, 2**28 - 1) is one 32-bit draw modulo the range
    np.testing.assert_array_equal(a % (2 ** 28 - 1), want.numpy())
    assert fast.key_pos()[1] == ref.key_pos()[1]
    np.testing.assert_array_equal(fast.key_pos()[0], ref.key_pos()[0])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name,td,nd", FLOATS)
def test_rand_randn_uniform_normal(seed, n, name, td, nd):
    g, tg = pair(seed)
    same(nt.rand(n, dtype=nd, generator=g), torch.rand(n, dtype=td, generator=tg))
    same(nt.randn(n, dtype=nd, generator=g), torch.randn(n, dtype=td, generator=tg))
    same(nt.empty(n, dtype=nd).uniform_(-0.37, 1.91, generator=g),
         torch.empty(n, dtype=td).uniform_(-0.37, 1.91, generator=tg))
    same(nt.empty(n, dtype=nd).normal_(0.3, 1.7, generator=g),
         torch.empty(n, dtype=td).normal_(0.3, 1.7, generator=tg))
    # the cached Box-Muller value carries over between calls
    same(nt.randn(3, dtype=nd, generator=g), torch.randn(3, dtype=td, generator=tg))
    same(nt.randn(2, 17, dtype=nd, generator=g), torch.randn(2, 17, dtype=td, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_global_generator_and_like(seed):
    nt.manual_seed(seed)
    torch.manual_seed(seed)
    assert nt.initial_seed() == torch.initial_seed()
    x = torch.zeros(4, 5, dtype=torch.float64)
    same(nt.rand(3, 4), torch.rand(3, 4))
    same(nt.randn(5, 7), torch.randn(5, 7))
    same(nt.rand_like(to_nt(x)), torch.rand_like(x))
    same(nt.randn_like(to_nt(x)), torch.randn_like(x))
    same(nt.randint_like(to_nt(x), 3, 9), torch.randint_like(x, 3, 9))
    same(nt.randint(10, (6,)), torch.randint(10, (6,)))
    same(nt.normal(2.0, 3.0, size=(4, 5)), torch.normal(2.0, 3.0, size=(4, 5)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("low,high", [(0, 10), (-5, 7), (0, 2 ** 28 - 1), (0, 2 ** 28), (0, 2 ** 31 - 1),
                                      (0, 2 ** 32), (-2 ** 40, 2 ** 41), (3, 2 ** 62)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
def test_randint_ranges(seed, low, high, dtype):
    if (dtype == "float32" and high - low > 2 ** 24) or (dtype == "int32" and high > 2 ** 31 - 1) or (
            dtype == "float64" and high - low > 2 ** 53):
        pytest.skip("range outside the dtype (torch warns or rejects)")
    g, tg = pair(seed)
    same(nt.randint(low, high, (37,), dtype=getattr(nt, dtype), generator=g),
         torch.randint(low, high, (37,), dtype=getattr(torch, dtype), generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool", "float32", "float64"])
def test_random_no_range(seed, dtype):
    g, tg = pair(seed)
    same(nt.empty(40, dtype=getattr(nt, dtype)).random_(generator=g),
         torch.empty(40, dtype=getattr(torch, dtype)).random_(generator=tg))
    if dtype != "bool":
        same(nt.empty(40, dtype=getattr(nt, dtype)).random_(3, generator=g),
             torch.empty(40, dtype=getattr(torch, dtype)).random_(3, generator=tg))
        same(nt.empty(40, dtype=getattr(nt, dtype)).random_(1, None, generator=g),
             torch.empty(40, dtype=getattr(torch, dtype)).random_(1, None, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 60000])
def test_randperm(seed, n):
    g, tg = pair(seed)
    same(nt.randperm(n, generator=g), torch.randperm(n, generator=tg))
    same(nt.rand(3, generator=g), torch.rand(3, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,td,nd", FLOATS)
def test_bernoulli_tensor_and_scalar(seed, name, td, nd):
    g, tg = pair(seed)
    p = torch.rand(5, 7, dtype=td, generator=torch.Generator().manual_seed(seed + 1))
    same(nt.bernoulli(to_nt(p), generator=g), torch.bernoulli(p, generator=tg))
    same(nt.bernoulli(to_nt(p), 0.3, generator=g), torch.bernoulli(p, 0.3, generator=tg))
    same(nt.empty(5, 7, dtype=nd).bernoulli_(0.6, generator=g), torch.empty(5, 7, dtype=td).bernoulli_(0.6, generator=tg))
    same(nt.empty(5, 7, dtype=nd).bernoulli_(to_nt(p[0]), generator=g),
         torch.empty(5, 7, dtype=td).bernoulli_(p[0], generator=tg))
    # non-contiguous output: visited in memory order
    same(nt.empty(7, 5, dtype=nd).t().bernoulli_(to_nt(p), generator=g),
         torch.empty(7, 5, dtype=td).t().bernoulli_(p, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,td,nd", FLOATS)
def test_other_distributions(seed, name, td, nd):
    g, tg = pair(seed)
    for meth, args in [("exponential_", (1.5,)), ("geometric_", (0.3,)), ("cauchy_", (0.5, 2.0)),
                       ("log_normal_", (0.2, 0.7)), ("log_normal_", ()), ("exponential_", ())]:
        for n in (1, 3, 17, 50):
            same(getattr(nt.empty(n, dtype=nd), meth)(*args, generator=g),
                 getattr(torch.empty(n, dtype=td), meth)(*args, generator=tg))
    same(nt.empty(20, dtype=nt.int64).geometric_(0.2, generator=g),
         torch.empty(20, dtype=torch.int64).geometric_(0.2, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_normal_overloads(seed):
    g, tg = pair(seed)
    for n in (3, 16, 40):
        mean, std = torch.rand(n, dtype=torch.float64) * 4 - 2, torch.rand(n) + 0.5
        same(nt.normal(to_nt(mean), 2.0, generator=g), torch.normal(mean, 2.0, generator=tg))
        same(nt.normal(1.5, to_nt(std), generator=g), torch.normal(1.5, std, generator=tg))
        same(nt.normal(to_nt(mean.float()), to_nt(std), generator=g), torch.normal(mean.float(), std, generator=tg))
        same(nt.normal(0.5, 2.0, (n, 2), generator=g), torch.normal(0.5, 2.0, (n, 2), generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial(seed, replacement):
    g, tg = pair(seed)
    for dt in (torch.float32, torch.float64):
        p = torch.rand(4, 30, dtype=dt, generator=torch.Generator().manual_seed(seed + 7))
        for k in (1, 5, 30):
            same(nt.multinomial(to_nt(p), k, replacement, generator=g), torch.multinomial(p, k, replacement, generator=tg))
        same(nt.multinomial(to_nt(p[0]), 7, True, generator=g), torch.multinomial(p[0], 7, True, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_poisson(seed):
    g, tg = pair(seed)
    rates = torch.tensor([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 300.0] * 3)
    same(nt.poisson(to_nt(rates), generator=g), torch.poisson(rates, generator=tg))
    same(nt.poisson(to_nt(rates.double()), generator=g), torch.poisson(rates.double(), generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_state_round_trips(seed):
    g, tg = pair(seed)
    # fresh, mid-block, with a cached normal: numtorch's state bytes equal torch's
    for step in range(4):
        same(g.get_state(), tg.get_state())
        same(nt.randn(3, dtype=nt.float64, generator=g), torch.randn(3, dtype=torch.float64, generator=tg))
        same(nt.rand(700, generator=g), torch.rand(700, generator=tg))
    # torch -> numtorch
    torch.randn(5, generator=tg)
    g2 = nt.Generator().set_state(to_nt(tg.get_state()))
    same(nt.randn(33, generator=g2), torch.randn(33, generator=tg))
    # numtorch -> torch
    nt.randn(1, generator=g2)
    tg2 = torch.Generator()
    tg2.set_state(to_torch(g2.get_state()))
    same(nt.randn(33, generator=g2), torch.randn(33, generator=tg2))
    assert g2.initial_seed() == tg2.initial_seed() == seed
    # the global generator
    torch.manual_seed(seed)
    nt.set_rng_state(to_nt(torch.get_rng_state()))
    same(nt.get_rng_state(), torch.get_rng_state())
    same(nt.rand(4), torch.rand(4))


def test_state_errors():
    g = nt.Generator()
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056"):
        g.set_state(nt.zeros(10, dtype=nt.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(nt.zeros(5056, dtype=nt.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.Generator().set_state(torch.zeros(5056, dtype=torch.uint8))


def test_seed_range():
    for s in (-1, 2 ** 64 - 1, -2 ** 63):
        assert nt.Generator().manual_seed(s).initial_seed() == torch.Generator().manual_seed(s).initial_seed()
    for s in (2 ** 64, -2 ** 63 - 1):
        with pytest.raises(ValueError):
            torch.Generator().manual_seed(s)
        with pytest.raises(ValueError):
            nt.Generator().manual_seed(s)
    assert nt.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721


def test_fork_rng_restores():
    nt.manual_seed(3)
    with nt.random.fork_rng():
        nt.rand(5)
    a = nt.rand(2)
    nt.manual_seed(3)
    torch.manual_seed(3)
    with torch.random.fork_rng():
        torch.rand(5)
    same(a, torch.rand(2))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [5, 16, 17, 40, 48, 1000])
@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_half_types(seed, n, name):
    g, tg = pair(seed)
    td, nd = getattr(torch, name), getattr(nt, name)
    for got, want in [(nt.rand(n, dtype=nd, generator=g), torch.rand(n, dtype=td, generator=tg)),
                      (nt.randn(n, dtype=nd, generator=g), torch.randn(n, dtype=td, generator=tg)),
                      (nt.empty(n, dtype=nd).uniform_(-0.3, 0.9, generator=g),
                       torch.empty(n, dtype=td).uniform_(-0.3, 0.9, generator=tg)),
                      (nt.empty(n, dtype=nd).normal_(0.5, 2.0, generator=g),
                       torch.empty(n, dtype=td).normal_(0.5, 2.0, generator=tg))]:
        np.testing.assert_array_equal(got._data.astype(np.float32), want.float().numpy())
    same(nt.rand(3, generator=g), torch.rand(3, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_non_contiguous_layouts(seed):
    """*_like keep the input's layout and fill it in memory order; in-place samplers on a transposed view fill
    in memory order (normal_ then takes the per-element path); bernoulli/poisson return contiguous results."""
    xb = torch.randn(40, 30, generator=torch.Generator().manual_seed(9))
    pb = torch.rand(40, 30, generator=torch.Generator().manual_seed(8))
    x, p = xb.t(), pb.t()
    xn, pn = to_nt(xb).t(), to_nt(pb).t()  # transposed views in both
    assert not xn._data.flags.c_contiguous
    g, tg = pair(seed)
    nt.manual_seed(seed)
    torch.manual_seed(seed)
    same(nt.rand_like(xn), torch.rand_like(x))
    same(nt.randn_like(xn), torch.randn_like(x))
    same(nt.randint_like(xn, 10), torch.randint_like(x, 10))
    same(nt.bernoulli(pn), torch.bernoulli(p))
    same(nt.bernoulli(pn, 0.3), torch.bernoulli(p, 0.3))
    same(nt.poisson(pn * 5), torch.poisson(p * 5))
    for meth, args in [("uniform_", (-1.0, 2.0)), ("normal_", (0.5, 2.0)), ("random_", (0, 7)), ("exponential_", ())]:
        same(getattr(nt.zeros(30, 40, dtype=nt.float64).t(), meth)(*args, generator=g),
             getattr(torch.zeros(30, 40, dtype=torch.float64).t(), meth)(*args, generator=tg))


@pytest.mark.parametrize("seed", SEEDS)
def test_like_functions_take_a_generator(seed):
    g, tg = pair(seed)
    x = torch.zeros(5, 7, dtype=torch.float64)
    same(nt.rand_like(to_nt(x), generator=g), torch.rand_like(x, generator=tg))
    same(nt.randn_like(to_nt(x), generator=g), torch.randn_like(x, generator=tg))
    same(nt.randint_like(to_nt(x), 2, 9, generator=g), torch.randint_like(x, 2, 9, generator=tg))


@pytest.mark.parametrize("n", [2, 3, 5, 17, 200, 3000])
def test_randperm_swaps_fast_path_equals_reference(n):
    from numtorch._random import _swaps_fast, _swaps_reference
    r = np.random.default_rng(n)
    for _ in range(20):
        j = np.array([i + r.integers(0, n - i) for i in range(n - 1)], dtype=np.int64)
        np.testing.assert_array_equal(_swaps_fast(j, n), _swaps_reference(j, n))
