"""MT19937 (32-bit Mersenne Twister) as PyTorch's CPU generator runs it, vectorised with NumPy.

Two implementations side by side (the fast-path-beside-reference rule):

* ``twist`` / ``temper`` / ``Engine.reference_draw``: the algorithm written with array operations: the
  624-word state is regenerated in three slices (words 0..226 read only old words; 227..453 read the
  words the first slice just wrote; 454..623 read the second slice), then tempered as one array.
* ``Engine.draw``: NumPy's own compiled ``MT19937`` bit generator, which runs the same recurrence; its
  ``random_raw`` returns the tempered 32-bit outputs. ``tests/random/test_rng_bitexact.py`` pins the two.

PyTorch seeds with ``init_with_uint32`` (Knuth's multiplier 1812433253 on the low 32 bits of the seed)
and keeps ``(left_, next_)`` counters; NumPy keeps ``pos`` (words used in the current block), with
``left_ = 625 - pos`` and ``next_ = pos``, except right after seeding (``left_=1, next_=0``, ``pos=624``).
"""
from ._backend import xp

N, M = 624, 397
_MATRIX_A = 0x9908B0DF
_UPPER, _LOWER = 0x80000000, 0x7FFFFFFF


def seed_key(seed):
    """PyTorch's ``init_with_uint32``: state[0] = seed mod 2**32, state[j] = 1812433253 *
    (state[j-1] ^ (state[j-1] >> 30)) + j (mod 2**32)."""
    key = [0] * N
    s = int(seed) & 0xFFFFFFFF
    key[0] = s
    for j in range(1, N):
        s = (1812433253 * (s ^ (s >> 30)) + j) & 0xFFFFFFFF
        key[j] = s
    return xp.array(key, dtype=xp.uint32)


def _mix(cur, nxt, far):
    y = (cur & xp.uint32(_UPPER)) | (nxt & xp.uint32(_LOWER))
    return far ^ (y >> xp.uint32(1)) ^ ((y & xp.uint32(1)) * xp.uint32(_MATRIX_A))


def twist(mt):
    """The next 624-word block from ``mt`` (uint32), as MT19937's ``next_state``."""
    mt = mt.copy()
    k = N - M  # 227
    mt[:k] = _mix(mt[:k], mt[1:k + 1], mt[M:])
    mt[k:2 * k] = _mix(mt[k:2 * k], mt[k + 1:2 * k + 1], mt[:k])
    mt[2 * k:N - 1] = _mix(mt[2 * k:N - 1], mt[2 * k + 1:N], mt[k:N - 1 - k])
    mt[N - 1:] = _mix(mt[N - 1:], mt[:1], mt[M - 1:M])
    return mt


def temper(y):
    """MT19937's output tempering of a uint32 array."""
    y = y ^ (y >> xp.uint32(11))
    y = y ^ ((y << xp.uint32(7)) & xp.uint32(0x9D2C5680))
    y = y ^ ((y << xp.uint32(15)) & xp.uint32(0xEFC60000))
    return y ^ (y >> xp.uint32(18))


class Engine:
    """PyTorch's ``at::mt19937``: the 624-word state, its position, the seed and PyTorch's counters."""

    def __init__(self, seed=5489):
        self._bg = xp.random.MT19937(0)
        self._gen = xp.random.Generator(self._bg)
        self.seed(seed)

    def seed(self, seed):
        self.initial_seed = int(seed)
        self._set(seed_key(seed), N, 0)

    def _set(self, key, pos, next_at_end):
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(pos)}}
        # torch's next_ when a block is exhausted: 0 right after seeding, 624 after drawing
        self._next_at_end = next_at_end

    def key_pos(self):
        st = self._bg.state["state"]
        return st["key"].astype(xp.uint32), int(st["pos"])

    def counters(self):
        """PyTorch's ``(left_, next_)``."""
        _, pos = self.key_pos()
        return 625 - pos, (self._next_at_end if pos == N else pos)

    def set_counters(self, key, left, nxt):
        self._set(xp.asarray(key, dtype=xp.uint32), 625 - int(left), int(nxt))

    def draw(self, n):
        """``n`` 32-bit outputs (uint32 array).  ``Generator.integers(0, 2**32, dtype=uint32)`` on the bit
        generator returns its outputs one for one (the full range needs no rejection), faster than
        ``random_raw``."""
        if n <= 0:
            return xp.zeros(0, dtype=xp.uint32)
        self._next_at_end = N
        return self._gen.integers(0, 1 << 32, size=int(n), dtype=xp.uint32)

    def reference_draw(self, n):
        """The same outputs as ``draw`` from the array-op twist and tempering (advances the state)."""
        key, pos = self.key_pos()
        out = []
        need = int(n)
        while need > 0:
            if pos == N:
                key, pos = twist(key), 0
            take = min(need, N - pos)
            out.append(temper(key[pos:pos + take]))
            pos += take
            need -= take
        self._set(key, pos, N if n > 0 else self._next_at_end)
        return xp.concatenate(out) if out else xp.zeros(0, dtype=xp.uint32)

    def copy(self):
        e = Engine.__new__(Engine)
        e._bg = xp.random.MT19937(0)
        e._gen = xp.random.Generator(e._bg)
        e._bg.state = self._bg.state
        e.initial_seed = self.initial_seed
        e._next_at_end = self._next_at_end
        return e
