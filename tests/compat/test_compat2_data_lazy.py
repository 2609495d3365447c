"""Samplers that draw lazily (minGPT's RandomSampler(replacement=True, num_samples=int(1e10))), generators
honoured by samplers, DataLoader and random_split, and the DataLoader options real scripts pass."""
import itertools
import tracemalloc

import numpy as np
import pytest

import numtorch as nt
from numtorch.utils.data import DataLoader, RandomSampler, BatchSampler, TensorDataset, random_split
from conftest import torch
import torch.utils.data as tud


class _Squares(nt.utils.data.Dataset):
    def __len__(self):
        return 50

    def __getitem__(self, i):
        return nt.tensor([float(i * i)]), i


def test_huge_random_sampler_draws_lazily():
    for lib_sampler, ds in ((RandomSampler, list(range(10))), (tud.RandomSampler, list(range(10)))):
        s = lib_sampler(ds, replacement=True, num_samples=int(1e10))
        assert len(s) == 10 ** 10
    s = RandomSampler(list(range(10)), replacement=True, num_samples=int(1e10))
    tracemalloc.start()
    first = list(itertools.islice(iter(s), 1000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 2 ** 20 and all(0 <= i < 10 for i in first) and len(set(first)) == 10
    loader = DataLoader(_Squares(), batch_size=8, sampler=RandomSampler(_Squares(), replacement=True,
                                                                        num_samples=int(1e10)))
    tl = tud.DataLoader(list(range(50)), batch_size=8,
                        sampler=tud.RandomSampler(list(range(50)), replacement=True, num_samples=int(1e10)))
    assert len(loader) == len(tl)
    x, y = next(iter(loader))
    assert x.shape == (8, 1) and y.shape == (8,)


def test_without_replacement_num_samples_as_torch():
    for n, k in ((5, 12), (7, 3), (4, 4)):
        for lib in (RandomSampler, tud.RandomSampler):
            idx = list(lib(list(range(n)), num_samples=k))
            assert len(idx) == k
            full = k // n
            for r in range(full):
                assert sorted(idx[r * n:(r + 1) * n]) == list(range(n))
            assert len(set(idx[full * n:])) == k - full * n


def test_batch_sampler_chunks_match_plain_iteration():
    g = nt.Generator().manual_seed(3)
    s = RandomSampler(list(range(200000)), replacement=True, num_samples=150001, generator=g)
    g.manual_seed(5)
    batches = list(BatchSampler(s, 64, drop_last=False))
    g.manual_seed(5)
    flat = list(s)
    assert [i for b in batches for i in b] == flat
    assert [len(b) for b in batches] == [len(b) for b in tud.BatchSampler(range(150001), 64, False)]
    g.manual_seed(5)
    assert [len(b) for b in BatchSampler(s, 64, drop_last=True)] == \
        [len(b) for b in tud.BatchSampler(range(150001), 64, True)]


def test_generators_honoured():
    def order(seed, **kw):
        g = nt.Generator().manual_seed(seed)
        return [y.tolist() for _, y in DataLoader(_Squares(), batch_size=10, shuffle=True, generator=g, **kw)]
    assert order(1) == order(1) and order(1) != order(2)
    assert sorted(sum(order(1), [])) == list(range(50))
    # the global seed drives shufflers without a generator, as in torch
    nt.manual_seed(0)
    a = [y.tolist() for _, y in DataLoader(_Squares(), batch_size=10, shuffle=True)]
    nt.manual_seed(0)
    b = [y.tolist() for _, y in DataLoader(_Squares(), batch_size=10, shuffle=True)]
    assert a == b
    parts = [random_split(range(30), [0.5, 0.3, 0.2], generator=nt.Generator().manual_seed(7)) for _ in range(2)]
    assert [list(p) for p in parts[0]] == [list(p) for p in parts[1]]
    tparts = random_split(range(30), [0.5, 0.3, 0.2], generator=nt.Generator().manual_seed(7))
    assert [len(p) for p in tparts] == [len(p) for p in tud.random_split(range(30), [0.5, 0.3, 0.2])]
    for sampler in (nt.utils.data.SubsetRandomSampler(list(range(20)), generator=nt.Generator().manual_seed(4)),
                    nt.utils.data.WeightedRandomSampler([1.0] * 20, 20, generator=nt.Generator().manual_seed(4))):
        sampler.generator.manual_seed(4)
        a = list(sampler)
        sampler.generator.manual_seed(4)
        assert list(sampler) == a


def _init(worker_id):
    info = nt.utils.data.get_worker_info()
    info.dataset.tag = 100 + worker_id


class _Tagged(nt.utils.data.Dataset):
    tag = 0

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return nt.tensor([self.tag])


def test_loader_options_accepted_and_honoured():
    kw = dict(batch_size=2, num_workers=2, worker_init_fn=_init, persistent_workers=True, prefetch_factor=3,
              pin_memory=True, pin_memory_device="", multiprocessing_context="fork", in_order=True)
    loader = DataLoader(_Tagged(), **kw)
    with pytest.warns(UserWarning) as rec:
        tags = [set(b.flatten().tolist()) for b in loader]
    assert set().union(*tags) == {100, 101}
    assert [set(b.flatten().tolist()) for b in loader] == tags   # persistent workers, same order per epoch
    assert all(b.is_pinned() is False for b in loader)
    # CPU-only: pin_memory warns (and pins nothing), with torch's messages
    import warnings
    for dev in ("", "cuda"):
        got = []
        for lib in (tud, nt.utils.data):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                b = next(iter(lib.DataLoader(list(range(4)), batch_size=2, pin_memory=True, pin_memory_device=dev)))
            got.append([str(x.message) for x in w])
            assert b.is_pinned() is False
        assert got[1] == got[0]
    for lib in (tud, nt.utils.data):
        ds = list(range(4))
        with pytest.raises(ValueError, match="prefetch_factor option could only be specified in multiprocessing"):
            lib.DataLoader(ds, prefetch_factor=2)
        with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
            lib.DataLoader(ds, persistent_workers=True)
