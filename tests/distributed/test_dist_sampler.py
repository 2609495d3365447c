"""DistributedSampler: PyTorch's exact shard assignment (shuffle=False, and shuffle=True given the same
permutation, since numtorch's generator draws other permutations than PyTorch's), disjoint and covering."""
import numpy as np
import pytest

import numtorch
from conftest import torch
from numtorch.utils.data import DistributedSampler

import torch.utils.data.distributed as tdist   # noqa: E402  (the oracle)

CASES = [(n, r, d) for n in (1, 5, 10, 11, 12) for r in (1, 2, 3, 4) for d in (False, True)]


def shards(cls, n, replicas, drop_last, **kw):
    return [list(cls(range(n), num_replicas=replicas, rank=k, drop_last=drop_last, **kw))
            for k in range(replicas)]


@pytest.mark.parametrize("n,replicas,drop_last", CASES)
def test_dist_sampler_unshuffled_equals_torch(n, replicas, drop_last):
    ours = shards(DistributedSampler, n, replicas, drop_last, shuffle=False)
    assert ours == shards(tdist.DistributedSampler, n, replicas, drop_last, shuffle=False)
    s = DistributedSampler(range(n), num_replicas=replicas, rank=0, shuffle=False, drop_last=drop_last)
    t = tdist.DistributedSampler(range(n), num_replicas=replicas, rank=0, shuffle=False, drop_last=drop_last)
    assert (len(s), s.num_samples, s.total_size) == (len(t), t.num_samples, t.total_size)


@pytest.mark.parametrize("n,replicas,drop_last", CASES)
def test_dist_sampler_given_permutation_equals_torch(n, replicas, drop_last, monkeypatch):
    perm = np.random.default_rng(n * 10 + replicas).permutation(n)
    seeds = []

    def nt_randperm(m, generator=None, **kw):
        seeds.append(generator.initial_seed())
        return numtorch.from_numpy(perm.copy())
    monkeypatch.setattr(numtorch, "randperm", nt_randperm)
    monkeypatch.setattr(torch, "randperm", lambda m, generator=None, **kw: torch.from_numpy(perm.copy()))
    for epoch in (0, 3):
        ours, theirs = [], []
        for k in range(replicas):
            s = DistributedSampler(range(n), num_replicas=replicas, rank=k, drop_last=drop_last, seed=7)
            t = tdist.DistributedSampler(range(n), num_replicas=replicas, rank=k, drop_last=drop_last, seed=7)
            s.set_epoch(epoch)
            t.set_epoch(epoch)
            ours.append(list(s))
            theirs.append(list(t))
        assert ours == theirs
        assert seeds[-1] == 7 + epoch          # the generator is seeded with seed + epoch, as PyTorch


@pytest.mark.parametrize("n,replicas", [(10, 3), (12, 4), (7, 2)])
def test_dist_sampler_shards_disjoint_covering(n, replicas):
    for drop_last in (False, True):
        sh = [list(DistributedSampler(range(n), replicas, k, shuffle=True, seed=3, drop_last=drop_last))
              for k in range(replicas)]
        assert len({len(x) for x in sh}) == 1                   # equal lengths
        flat = [i for x in sh for i in x]
        if drop_last:
            assert len(set(flat)) == len(flat) == n - n % replicas      # disjoint
        else:
            assert set(flat) == set(range(n))                           # covering
            assert len(flat) - len(set(flat)) == (-n) % replicas        # only the padding repeats


def test_dist_sampler_epochs_reshuffle_and_agree():
    a = DistributedSampler(range(50), num_replicas=2, rank=0, seed=1)
    b = DistributedSampler(range(50), num_replicas=2, rank=1, seed=1)
    e0 = list(a) + list(b)
    assert list(a) == list(a)                                   # deterministic within an epoch
    a.set_epoch(1)
    b.set_epoch(1)
    e1 = list(a) + list(b)
    assert sorted(e0) == sorted(e1) == list(range(50)) and e0 != e1


def test_dist_sampler_errors_match_torch():
    for rank in (2, -1):
        with pytest.raises(ValueError) as ours:
            DistributedSampler(range(4), num_replicas=2, rank=rank)
        with pytest.raises(ValueError) as theirs:
            tdist.DistributedSampler(range(4), num_replicas=2, rank=rank)
        assert str(ours.value) == str(theirs.value)
    # no process group: the world size cannot be known
    with pytest.raises(ValueError) as ours:
        DistributedSampler(range(4))
    with pytest.raises(ValueError) as theirs:
        tdist.DistributedSampler(range(4))
    assert str(ours.value) == str(theirs.value)


def test_dist_sampler_in_dataloader():
    def batches(tt):
        ds = tt.utils.data.TensorDataset(tt.arange(11))
        s = tt.utils.data.DistributedSampler(ds, num_replicas=2, rank=1, shuffle=False)
        return [b[0].tolist() for b in tt.utils.data.DataLoader(ds, batch_size=2, sampler=s)]
    assert batches(numtorch) == batches(torch)
