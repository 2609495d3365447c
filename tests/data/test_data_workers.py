"""DataLoader with worker processes: same batches as num_workers=0 (and as torch), seeding, errors, no hangs."""
import os

import numpy as np
import pytest

import numtorch as nt
from numtorch.utils import data as ntd
from conftest import torch

tdata = torch.utils.data


class _Squares(ntd.Dataset):
    """Sample i: (a float tensor that depends on i, i, i as a float). Slow enough that workers interleave."""

    def __init__(self, n=37):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = nt.full((2, 3), float(i)) * nt.arange(3).float()
        return x, i, i / 7.0


def _flatten(batches):
    return [(b[0].tolist(), b[1].tolist(), b[2].tolist()) for b in batches]


@pytest.mark.parametrize("workers,bs,drop", [(1, 4, False), (2, 4, False), (2, 5, True), (3, 1, False)])
def test_workers_give_the_same_batches_as_main_process(workers, bs, drop):
    ds = _Squares()
    ref = _flatten(ntd.DataLoader(ds, batch_size=bs, drop_last=drop))
    got = _flatten(ntd.DataLoader(ds, batch_size=bs, drop_last=drop, num_workers=workers))
    assert got == ref
    assert len(ntd.DataLoader(ds, batch_size=bs, drop_last=drop, num_workers=workers)) == len(ref)


def test_workers_tensordataset_and_shuffle_with_generator():
    x = nt.randn(50, 4)
    y = nt.arange(50)
    ds = ntd.TensorDataset(x, y)
    a = list(ntd.DataLoader(ds, batch_size=8, shuffle=True, generator=nt.Generator().manual_seed(5)))
    b = list(ntd.DataLoader(ds, batch_size=8, shuffle=True, generator=nt.Generator().manual_seed(5),
                            num_workers=2, prefetch_factor=3))
    assert len(a) == len(b) == 7
    for (xa, ya), (xb, yb) in zip(a, b):
        assert np.array_equal(xa.numpy(), xb.numpy()) and ya.tolist() == yb.tolist()
        assert np.array_equal(x.numpy()[ya.numpy()], xb.numpy())


def test_batch_size_none_with_workers():
    ds = _Squares(5)
    ref = [(s[0].tolist(), s[1], s[2]) for s in ntd.DataLoader(ds, batch_size=None)]
    got = [(s[0].tolist(), s[1], s[2]) for s in ntd.DataLoader(ds, batch_size=None, num_workers=2)]
    assert got == ref


class _Range(ntd.IterableDataset):
    """Iterable dataset that shards itself across workers with get_worker_info (the documented pattern)."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = ntd.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class _TRange(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = tdata.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


@pytest.mark.parametrize("workers,bs,drop", [(0, 3, False), (2, 3, False), (2, 4, True), (3, 2, False)])
def test_iterable_dataset_order_matches_torch(workers, bs, drop):
    got = [b.tolist() for b in ntd.DataLoader(_Range(17), batch_size=bs, drop_last=drop, num_workers=workers)]
    want = [b.tolist() for b in tdata.DataLoader(_TRange(17), batch_size=bs, drop_last=drop,
                                                 num_workers=workers)]
    assert got == want


def test_worker_info_and_init_fn():
    class Who(ntd.Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, i):
            info = ntd.get_worker_info()
            return [info.id, info.num_workers, info.seed, int(os.environ.get("NT_TEST_INIT", "-1"))]

    def init(worker_id):
        os.environ["NT_TEST_INIT"] = str(100 + worker_id)

    assert ntd.get_worker_info() is None
    rows = [r for b in ntd.DataLoader(Who(), batch_size=2, num_workers=2, worker_init_fn=init)
            for r in zip(*[c.tolist() for c in b])]
    ids = [r[0] for r in rows]
    assert ids == [0, 0, 1, 1, 0, 0, 1, 1]               # batches go to workers round robin
    assert all(r[1] == 2 for r in rows)
    assert all(r[3] == 100 + r[0] for r in rows)         # worker_init_fn ran in that worker
    seeds = {r[0]: r[2] for r in rows}
    assert seeds[1] == seeds[0] + 1                      # seed = base_seed + worker_id
    assert "NT_TEST_INIT" not in os.environ              # ... and not in the main process


def test_workers_are_seeded_differently_per_worker_and_epoch():
    class Rand(ntd.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return nt.rand(1).item()

    dl = ntd.DataLoader(Rand(), batch_size=1, num_workers=2)
    e1 = [b.item() for b in dl]
    e2 = [b.item() for b in dl]
    assert e1[0] != e1[1]          # two workers: different streams
    assert e1 != e2                # new epoch: new base seed


class _Fails(ntd.Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i == 9:
            raise ValueError(f"bad sample {i}")
        return i


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_worker_exception_is_raised_with_its_traceback(workers):
    dl = ntd.DataLoader(_Fails(), batch_size=2, num_workers=workers)
    seen = []
    with pytest.raises(ValueError) as e:
        for b in dl:
            seen.append(b.tolist())
    assert "bad sample 9" in str(e.value)
    assert seen == [[0, 1], [2, 3], [4, 5], [6, 7]]        # everything before the failing batch arrived
    if workers:
        msg = str(e.value)
        assert "Caught ValueError in DataLoader worker process" in msg
        assert "Traceback (most recent call last)" in msg and "__getitem__" in msg
    # the loader is still usable afterwards
    assert list(ntd.DataLoader(list(range(4)), batch_size=2, num_workers=workers)) is not None


def test_worker_init_fn_exception_propagates():
    def bad_init(worker_id):
        raise KeyError("init failed")
    with pytest.raises(KeyError, match="init failed"):
        list(ntd.DataLoader(list(range(4)), batch_size=1, num_workers=2, worker_init_fn=bad_init))


def test_unpicklable_batch_is_an_error_not_a_hang():
    with pytest.raises(Exception, match="pickl"):
        list(ntd.DataLoader(list(range(4)), batch_size=2, num_workers=1,
                            collate_fn=lambda b: (lambda: b)))


def test_dead_worker_is_an_error_not_a_hang():
    class Dies(ntd.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            if i == 3:
                os._exit(3)
            return i
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(ntd.DataLoader(Dies(), batch_size=1, num_workers=2))


def test_timeout_raises():
    import time

    class Slow(ntd.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(2)
            return i
    with pytest.raises(RuntimeError, match="timed out"):
        list(ntd.DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.5))


def test_persistent_workers_survive_epochs_and_early_break():
    ds = _Squares(20)
    ref = _flatten(ntd.DataLoader(ds, batch_size=3))
    dl = ntd.DataLoader(ds, batch_size=3, num_workers=2, persistent_workers=True)
    assert _flatten(dl) == ref
    it = iter(dl)
    pids = [w.pid for w in it._workers]
    next(it)                      # stop early: outstanding prefetched batches must not leak into the next epoch
    assert _flatten(dl) == ref
    assert [w.pid for w in iter(dl)._workers] == pids
    # persistent workers with an iterable dataset restart its iterator every epoch
    dl = ntd.DataLoader(_Range(9), batch_size=2, num_workers=2, persistent_workers=True)
    want = [b.tolist() for b in tdata.DataLoader(_TRange(9), batch_size=2, num_workers=2)]
    assert [b.tolist() for b in dl] == want
    assert [b.tolist() for b in dl] == want


def test_workers_exit_after_iteration_and_on_early_break():
    dl = ntd.DataLoader(_Squares(30), batch_size=2, num_workers=2)
    it = iter(dl)
    workers = list(it._workers)
    for _ in it:
        pass
    assert all(not w.is_alive() for w in workers)
    it = iter(dl)
    workers = list(it._workers)
    next(it)
    del it
    import gc
    gc.collect()
    for w in workers:
        w.join(timeout=10)
    assert all(not w.is_alive() for w in workers)
