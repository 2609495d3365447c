"""numtorch.utils.data against torch.utils.data: collation, batches, lengths, samplers, splits, errors."""
import collections
import math

import numpy as np
import pytest

import numtorch as nt
from numtorch.utils import data as ntd
from conftest import torch, to_torch, to_nt, assert_close

tdata = torch.utils.data

Point = collections.namedtuple("Point", ["x", "y"])


def _eq(got, want):
    """Recursive comparison of a numtorch batch with a torch batch (types, shapes, dtypes, values)."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, nt.Tensor), f"expected a tensor, got {type(got)}"
        assert_close(got, want, rtol=0, atol=0)
    elif isinstance(want, dict):
        assert type(got) is type(want) and list(got) == list(want)
        for k in want:
            _eq(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want), f"{type(got)} != {type(want)}"
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _eq(g, w)
    else:
        assert type(got) is type(want) and got == want


# ------------------------------------------------------------------------------------------ collate
def _collate_cases():
    r = np.random.default_rng(0)
    a = [r.standard_normal((2, 3)).astype(np.float32) for _ in range(4)]
    i = [r.integers(0, 9, (5,)) for _ in range(4)]
    return {
        "float32 tensors": ([("t", x) for x in a], None),
        "int64 tensors": ([("t", x) for x in i], None),
        "0-d tensors": ([("t", np.array(v, dtype=np.float64)) for v in (1.5, 2.5, 3.5)], None),
        "numpy arrays": ([("n", x) for x in a], None),
        "numpy scalars f32": ([("n", np.float32(v)) for v in (1.0, 2.5)], None),
        "numpy scalars i32": ([("n", np.int32(v)) for v in (1, 7)], None),
        "python floats": ([("p", v) for v in (1.0, 2.5, -3.0)], None),
        "python ints": ([("p", v) for v in (1, 2, -3)], None),
        "python bools": ([("p", v) for v in (True, False)], None),
        "strings": ([("p", v) for v in ("a", "bc")], None),
    }


def _build(kind, v, lib):
    if kind == "t":
        return (nt.from_numpy(v.copy()) if lib == "nt" else torch.from_numpy(v.copy()))
    return v


@pytest.mark.parametrize("name", list(_collate_cases()))
def test_default_collate_leaves_match_torch(name):
    items, _ = _collate_cases()[name]
    got = ntd.default_collate([_build(k, v, "nt") for k, v in items])
    want = tdata.default_collate([_build(k, v, "torch") for k, v in items])
    _eq(got, want)


def test_default_collate_containers_match_torch(rng):
    imgs = [rng.standard_normal((3, 4, 4)).astype(np.float32) for _ in range(3)]

    def samples(lib):
        T = nt if lib == "nt" else torch
        out = []
        for k, im in enumerate(imgs):
            t = T.from_numpy(im.copy())
            out.append({"img": t, "label": k, "name": f"s{k}", "pair": (t[0, 1, 2], float(k)),
                        "pt": Point(k, np.float64(k) / 2), "lst": [k, k + 1]})
        return out
    got = ntd.default_collate(samples("nt"))
    want = tdata.default_collate(samples("torch"))
    assert set(got) == set(want)
    _eq(got["img"], want["img"])
    _eq(got["label"], want["label"])
    assert got["name"] == want["name"]
    _eq(got["pair"], want["pair"])          # a tuple comes back as a list
    assert type(got["pt"]) is Point
    _eq(got["pt"].x, want["pt"].x)
    _eq(got["pt"].y, want["pt"].y)
    _eq(got["lst"], want["lst"])


def test_default_collate_tuples_of_tensor_and_int():
    r = np.random.default_rng(1)
    xs = [r.standard_normal(4).astype(np.float32) for _ in range(5)]
    got = ntd.default_collate([(nt.from_numpy(x.copy()), i) for i, x in enumerate(xs)])
    want = tdata.default_collate([(torch.from_numpy(x.copy()), i) for i, x in enumerate(xs)])
    _eq(got, want)


def test_default_collate_errors_like_torch():
    with pytest.raises(TypeError) as e_nt:
        ntd.default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError) as e_t:
        tdata.default_collate([np.array(["a"]), np.array(["b"])])
    assert str(e_nt.value) == str(e_t.value)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        ntd.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError) as e_nt:
        ntd.default_collate([object(), object()])
    assert "default_collate: batch must contain tensors" in str(e_nt.value)


def test_default_convert_matches_torch():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    got = ntd.default_convert({"a": a, "b": (a, 3), "s": "x"})
    want = tdata.default_convert({"a": a, "b": (a, 3), "s": "x"})
    _eq(got["a"], want["a"])
    _eq(got["b"][0], want["b"][0])
    assert got["b"][1] == want["b"][1] and got["s"] == want["s"]


def test_collate_keeps_autograd():
    xs = [nt.randn(3, requires_grad=True) for _ in range(2)]
    b = ntd.default_collate(xs)
    assert b.requires_grad
    b.sum().backward()
    assert_close(xs[0].grad, torch.ones(3))


# ------------------------------------------------------------------------------------------ DataLoader
def _tensor_pair(n=23, seed=0):
    r = np.random.default_rng(seed)
    return r.standard_normal((n, 3, 2)).astype(np.float32), r.integers(0, 5, n)


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (23, False), (50, False),
                                                  (7, True)])
def test_tensordataset_loader_matches_torch(batch_size, drop_last):
    x, y = _tensor_pair()
    dl_nt = ntd.DataLoader(ntd.TensorDataset(nt.from_numpy(x.copy()), nt.from_numpy(y.copy())),
                           batch_size=batch_size, drop_last=drop_last)
    dl_t = tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x.copy()), torch.from_numpy(y.copy())),
                            batch_size=batch_size, drop_last=drop_last)
    got, want = list(dl_nt), list(dl_t)
    assert len(dl_nt) == len(dl_t) == len(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        _eq(g, w)


def test_explicit_sampler_order_matches_torch():
    x, y = _tensor_pair()
    order = [5, 3, 22, 0, 0, 17, 9, 1, 2]
    for bs in (2, 4):
        got = list(ntd.DataLoader(ntd.TensorDataset(nt.from_numpy(x), nt.from_numpy(y)), batch_size=bs,
                                  sampler=order))
        want = list(tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                     batch_size=bs, sampler=order))
        for g, w in zip(got, want):
            _eq(g, w)
        assert len(got) == len(want)


def test_subset_of_tensordataset_matches_torch():
    x, y = _tensor_pair()
    idx = [4, 9, 2, 2, 11]
    got = list(ntd.DataLoader(ntd.Subset(ntd.TensorDataset(nt.from_numpy(x), nt.from_numpy(y)), idx),
                              batch_size=2))
    want = list(tdata.DataLoader(tdata.Subset(tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                              idx), batch_size=2))
    for g, w in zip(got, want):
        _eq(g, w)


class _DictDS:
    """A map-style dataset returning dicts of mixed types; works for both frameworks."""

    def __init__(self, lib, n=10):
        self.T, self.n = lib, n
        self.x = np.random.default_rng(3).standard_normal((n, 4)).astype(np.float32)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": self.T.from_numpy(self.x[i].copy()), "arr": self.x[i] * 2, "i": i, "f": i / 3.0,
                "tag": f"item{i}"}


@pytest.mark.parametrize("batch_size", [3, None])
def test_custom_dataset_loader_matches_torch(batch_size):
    got = list(ntd.DataLoader(_DictDS(nt), batch_size=batch_size))
    want = list(tdata.DataLoader(_DictDS(torch), batch_size=batch_size))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        _eq(g, w)


def test_batch_sampler_and_collate_fn_match_torch():
    x, y = _tensor_pair()
    bsamp = [[0, 1, 2], [5], [7, 8]]
    got = list(ntd.DataLoader(ntd.TensorDataset(nt.from_numpy(x), nt.from_numpy(y)), batch_sampler=bsamp))
    want = list(tdata.DataLoader(tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                 batch_sampler=bsamp))
    for g, w in zip(got, want):
        _eq(g, w)
    got = list(ntd.DataLoader(list(range(7)), batch_size=3, collate_fn=lambda b: sum(b)))
    want = list(tdata.DataLoader(list(range(7)), batch_size=3, collate_fn=lambda b: sum(b)))
    assert got == want


@pytest.mark.parametrize("n,bs,drop", [(10, 3, False), (10, 3, True), (9, 3, True), (1, 5, False)])
def test_len_matches_torch(n, bs, drop):
    assert len(ntd.DataLoader(list(range(n)), batch_size=bs, drop_last=drop)) == \
        len(tdata.DataLoader(list(range(n)), batch_size=bs, drop_last=drop))
    assert len(ntd.DataLoader(list(range(n)), batch_size=None)) == len(tdata.DataLoader(list(range(n)),
                                                                                       batch_size=None))


@pytest.mark.parametrize("kwargs", [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(persistent_workers=True),
    dict(shuffle=True, sampler=[0, 1]), dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]],
                                                                                        drop_last=True),
    dict(batch_size=None, drop_last=True)])
def test_bad_options_raise_like_torch(kwargs):
    with pytest.raises(Exception) as e_t:
        tdata.DataLoader(list(range(4)), **kwargs)
    with pytest.raises(type(e_t.value)) as e_nt:
        ntd.DataLoader(list(range(4)), **kwargs)
    assert str(e_nt.value) == str(e_t.value)


def test_attribute_frozen_after_init():
    dl = ntd.DataLoader(list(range(4)), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        dl.batch_size = 3


def test_shuffle_is_a_permutation_and_reproducible():
    ds = ntd.TensorDataset(nt.arange(50))
    g = nt.Generator().manual_seed(7)
    first = nt.cat([b[0] for b in ntd.DataLoader(ds, batch_size=8, shuffle=True, generator=g)])
    assert sorted(first.tolist()) == list(range(50))
    assert first.tolist() != list(range(50))
    g2 = nt.Generator().manual_seed(7)
    again = nt.cat([b[0] for b in ntd.DataLoader(ds, batch_size=8, shuffle=True, generator=g2)])
    assert again.tolist() == first.tolist()
    nt.manual_seed(3)
    a = nt.cat([b[0] for b in ntd.DataLoader(ds, batch_size=8, shuffle=True)]).tolist()
    nt.manual_seed(3)
    b = nt.cat([b[0] for b in ntd.DataLoader(ds, batch_size=8, shuffle=True)]).tolist()
    assert a == b


# ------------------------------------------------------------------------------------------ datasets
def test_tensordataset_concat_subset_stack_match_torch():
    x, y = _tensor_pair(8)
    a_nt = ntd.TensorDataset(nt.from_numpy(x), nt.from_numpy(y))
    a_t = tdata.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    c_nt = ntd.ConcatDataset([a_nt, ntd.Subset(a_nt, [7, 0, 3])])
    c_t = tdata.ConcatDataset([a_t, tdata.Subset(a_t, [7, 0, 3])])
    assert len(c_nt) == len(c_t) == 11
    assert c_nt.cumulative_sizes == c_t.cumulative_sizes
    for i in list(range(11)) + [-1, -11]:
        for g, w in zip(c_nt[i], c_t[i]):
            assert_close(g, w, rtol=0, atol=0)
    s_nt = ntd.StackDataset(a=a_nt, b=list(range(8)))
    s_t = tdata.StackDataset(a=a_t, b=list(range(8)))
    assert len(s_nt) == len(s_t) and s_nt[3]["b"] == s_t[3]["b"]
    with pytest.raises(AssertionError):
        ntd.TensorDataset(nt.zeros(3), nt.zeros(4))
    assert len(a_nt + a_nt) == 16


@pytest.mark.parametrize("n,lengths", [(10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]), (7, [0.2, 0.3, 0.5]),
                                       (100, [0.1] * 10), (5, [5, 0])])
def test_random_split_sizes_match_torch_and_disjoint(n, lengths):
    parts = ntd.random_split(list(range(n)), lengths, generator=nt.Generator().manual_seed(0))
    want = tdata.random_split(list(range(n)), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [len(w) for w in want]
    seen = [v for p in parts for v in (p[i] for i in range(len(p)))]
    assert sorted(seen) == list(range(n))          # disjoint and covering
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        ntd.random_split(list(range(n)), [n + 1])


def test_random_split_reproducible_with_generator():
    a = ntd.random_split(range(20), [10, 10], generator=nt.Generator().manual_seed(1))
    b = ntd.random_split(range(20), [10, 10], generator=nt.Generator().manual_seed(1))
    c = ntd.random_split(range(20), [10, 10], generator=nt.Generator().manual_seed(2))
    assert a[0].indices == b[0].indices and a[0].indices != c[0].indices


# ------------------------------------------------------------------------------------------ samplers
def test_sequential_and_batch_sampler_match_torch():
    assert list(ntd.SequentialSampler(range(7))) == list(tdata.SequentialSampler(range(7)))
    for bs, drop in [(3, False), (3, True), (7, False), (10, True)]:
        got = list(ntd.BatchSampler(ntd.SequentialSampler(range(7)), bs, drop))
        want = list(tdata.BatchSampler(tdata.SequentialSampler(range(7)), bs, drop))
        assert got == want
        assert len(ntd.BatchSampler(range(7), bs, drop)) == len(tdata.BatchSampler(range(7), bs, drop))
        assert list(ntd.BatchSampler(range(7), bs, drop)) == list(tdata.BatchSampler(range(7), bs, drop))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError):
            ntd.BatchSampler(range(3), bad, False)


def test_random_sampler_permutation_and_replacement():
    g = nt.Generator().manual_seed(0)
    s = list(ntd.RandomSampler(range(100), generator=g))
    assert sorted(s) == list(range(100)) and s != list(range(100))
    # num_samples larger than the dataset without replacement: whole permutations, then a partial one
    s = list(ntd.RandomSampler(range(10), num_samples=25, generator=g))
    assert len(s) == 25 and sorted(s[:10]) == list(range(10)) and sorted(s[10:20]) == list(range(10))
    assert len(set(s[20:])) == 5
    s = np.array(list(ntd.RandomSampler(range(10), replacement=True, num_samples=20000, generator=g)))
    assert s.min() == 0 and s.max() == 9
    freq = np.bincount(s, minlength=10) / len(s)
    assert np.abs(freq - 0.1).max() < 0.015          # ~7 standard deviations of a binomial count
    assert len(ntd.RandomSampler(range(10), replacement=True, num_samples=20000)) == 20000
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        ntd.RandomSampler(range(10), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        ntd.RandomSampler(range(10), replacement=1)
    # every position of a permutation is uniform: position 0 over many epochs
    firsts = np.bincount([next(iter(ntd.RandomSampler(range(5), generator=g))) for _ in range(5000)], minlength=5)
    assert np.abs(firsts / 5000 - 0.2).max() < 0.04


def test_subset_random_sampler():
    idx = [3, 8, 11, 20]
    s = list(ntd.SubsetRandomSampler(idx, generator=nt.Generator().manual_seed(0)))
    assert sorted(s) == idx and len(ntd.SubsetRandomSampler(idx)) == 4


def test_weighted_random_sampler_frequencies():
    w = [1.0, 2.0, 3.0, 4.0, 0.0]
    s = np.array(list(ntd.WeightedRandomSampler(w, 40000, generator=nt.Generator().manual_seed(0))))
    freq = np.bincount(s, minlength=5) / len(s)
    expected = np.array(w) / sum(w)
    assert np.abs(freq - expected).max() < 0.012     # > 5 standard deviations
    assert freq[4] == 0                              # zero weight: never drawn
    s = list(ntd.WeightedRandomSampler(nt.tensor(w), 4, replacement=False))
    assert sorted(s) == [0, 1, 2, 3]
    with pytest.raises(RuntimeError):
        list(ntd.WeightedRandomSampler(w, 5, replacement=False))
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        ntd.WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        ntd.WeightedRandomSampler(w, 0)
    # torch's sampler draws from the same distribution: compare its frequencies with ours
    ts = torch.tensor(list(tdata.WeightedRandomSampler(w, 40000, generator=torch.Generator().manual_seed(0))))
    tfreq = np.bincount(ts.numpy(), minlength=5) / 40000
    assert np.abs(freq - tfreq).max() < 0.017


def test_weighted_sampler_in_loader_balances_classes():
    y = np.array([0] * 90 + [1] * 10)
    weights = 1.0 / np.bincount(y)[y]
    ds = ntd.TensorDataset(nt.from_numpy(y))
    sampler = ntd.WeightedRandomSampler(weights, 4000, generator=nt.Generator().manual_seed(1))
    labels = nt.cat([b[0] for b in ntd.DataLoader(ds, batch_size=100, sampler=sampler)])
    assert abs(labels.float().mean().item() - 0.5) < 0.05
