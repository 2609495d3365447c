"""``DistributedSampler``: each of ``num_replicas`` ranks visits its own share of the dataset.

PyTorch's assignment exactly: the epoch's order (``randperm(n)`` from a generator seeded with
``seed + epoch``, or ``0..n-1``) is padded by repeating it from the start up to ``num_replicas *
num_samples`` indices (or cut to that length with ``drop_last``), and rank ``r`` takes every
``num_replicas``-th index starting at ``r``. (numtorch's generator draws other permutations than
PyTorch's for the same seed: the split of a given order is the same.)
"""
import math

from ..._backend import xp
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """The ``rank``-th of ``num_replicas`` disjoint, equally long shards of the dataset's indices."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        from ... import distributed as dist
        if num_replicas is None:
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = dist.get_world_size()
        if rank is None:
            if not dist.is_available():
                raise RuntimeError("Requires distributed package to be available")
            rank = dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def _order(self):
        """The epoch's order of all indices, before padding and splitting."""
        n = len(self.dataset)
        if self.shuffle:
            import numtorch
            g = numtorch.Generator()
            g.manual_seed(self.seed + self.epoch)
            return numtorch.randperm(n, generator=g).numpy()
        return xp.arange(n)

    def _indices(self):
        order = self._order()
        if self.drop_last:
            order = order[:self.total_size]
        elif len(order):
            # PyTorch's padding: the order repeated from its start until total_size
            order = xp.resize(order, self.total_size)
        return order[self.rank:self.total_size:self.num_replicas]

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use a different shuffle in epoch ``epoch`` (every rank must call it with the same value)."""
        self.epoch = epoch
