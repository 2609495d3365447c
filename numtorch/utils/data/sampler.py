"""Samplers: which dataset indices to visit, and in what order.

``SequentialSampler`` (0..n-1), ``RandomSampler`` (a permutation, or draws with replacement),
``SubsetRandomSampler`` (a permutation of given indices), ``WeightedRandomSampler`` (draws with
probability proportional to weights) and ``BatchSampler`` (groups another sampler's indices).
Random samplers draw exactly what PyTorch's draw (``randperm`` / ``randint`` / ``multinomial`` on the given
``Generator``; ``RandomSampler`` without one seeds a fresh generator from ``empty((), int64).random_()`` on
the global one at each ``__iter__``), so a seeded run visits the same indices as under PyTorch.
"""
import numbers

from ..._backend import xp
from ..._tensor import Tensor
from ... import _random

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]


_CHUNK = 1 << 16   # indices drawn at a time by the lazy samplers


def _fresh_rng(generator):
    """The generator to draw from: the given one, or (as PyTorch) a new one seeded with
    ``torch.empty((), dtype=torch.int64).random_()`` drawn from the global generator."""
    if generator is not None:
        return generator
    seed = int(_random.random_values(_random.default_generator, 1, xp.int64)[0])
    return _random.Generator().manual_seed(seed)


class Sampler:
    """Base class: subclasses define ``__iter__`` (yielding indices) and usually ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def _chunks(self):
        n = len(self.data_source)
        for i in range(0, n, _CHUNK):
            yield xp.arange(i, min(n, i + _CHUNK))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices (``replacement=False``), repeated when ``num_samples`` is
    larger than the dataset; or ``num_samples`` uniform draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _chunks(self):
        """Index arrays of at most ``_CHUNK`` entries, drawn as they are asked for (a sampler of 10**10
        draws with replacement never holds more than one chunk), as PyTorch draws them lazily."""
        n = len(self.data_source)
        rng = _fresh_rng(self.generator)
        if self.replacement:  # PyTorch: randint(high=n, size=(32,)) at a time; the same stream in bigger chunks
            left = self.num_samples
            while left > 0:
                k = min(left, _CHUNK)
                left -= k
                yield _random.random_values(rng, k, xp.int64, 0, n)
            return
        full, rest = divmod(self.num_samples, n)
        for _ in range(full):
            yield _random.randperm_values(rng, n)
        yield _random.randperm_values(rng, n)[:rest]  # drawn even when rest == 0, as PyTorch

    def __iter__(self):
        for chunk in self._chunks():
            yield from chunk.tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a fresh permutation per ``__iter__``)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        # PyTorch: randperm(len(indices), generator=self.generator), the global generator when None
        perm = _random.randperm_values(_random._g(self.generator), len(self.indices)).tolist()
        return iter([self.indices[i] for i in perm])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability ``weights[i] / sum(weights)``
    (without replacement: each index at most once, as ``torch.multinomial``)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, numbers.Integral) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = weights._data if isinstance(weights, Tensor) else xp.asarray(weights)
        w = xp.asarray(w, dtype=xp.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        from ... import as_tensor
        self.weights = as_tensor(w)
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def _indices(self):
        w = self.weights._data
        if (w < 0).any() or not xp.isfinite(w).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0 or inf/nan)")
        total = w.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not self.replacement and self.num_samples > int((w > 0).sum()):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        # PyTorch: torch.multinomial(weights (float64), num_samples, replacement, generator=generator)
        return _random.multinomial_values(_random._g(self.generator), w[None, :], self.num_samples,
                                          self.replacement)[0].astype(xp.int64)

    def _chunks(self):
        yield self._indices()

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (the last may be shorter unless
    ``drop_last``)."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        # samplers that can produce all their indices at once are chunked with NumPy
        if type(self.sampler) in (SequentialSampler, RandomSampler, WeightedRandomSampler):
            bs = self.batch_size
            carry = []
            for chunk in self.sampler._chunks():
                idx = carry + chunk.tolist()
                stop = len(idx) - len(idx) % bs
                for i in range(0, stop, bs):
                    yield idx[i:i + bs]
                carry = idx[stop:]
            if carry and not self.drop_last:
                yield carry
            return
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
