"""Random number generation: ``manual_seed``, ``Generator`` and the global default generator.

numtorch draws from NumPy's PCG64: seeding is reproducible within numtorch, but
the numbers differ from PyTorch's Mersenne-Twister streams.
"""
from ._backend import xp


class Generator:
    """A seeded source of random numbers, as ``torch.Generator``."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721
        self._rng = xp.random.default_rng(self._seed)
        self.device = device

    def manual_seed(self, seed):
        self._seed = int(seed)
        self._rng = xp.random.default_rng(self._seed & ((1 << 64) - 1))
        return self

    def seed(self):
        import random
        s = random.getrandbits(63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._tensor import _make
        import json
        raw = json.dumps(self._rng.bit_generator.state).encode()
        return _make(xp.frombuffer(raw, dtype=xp.uint8).copy())

    def set_state(self, state):
        import json
        self._rng.bit_generator.state = json.loads(state._data.tobytes().decode())
        return self


default_generator = Generator()


def gen(generator=None):
    """The NumPy generator behind ``generator`` (or the global one)."""
    return (generator or default_generator)._rng


def manual_seed(seed):
    default_generator.manual_seed(seed)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)
