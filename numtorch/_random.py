"""Random number generation with PyTorch's CPU algorithm, bit for bit.

``Generator`` is PyTorch's ``CPUGeneratorImpl``: a 32-bit MT19937 (``_mt19937.Engine``) seeded with the
low 32 bits of the seed, ``random()`` = one 32-bit draw, ``random64()`` = two draws (first = high word),
and a cached second Box-Muller value (double) for the scalar normal path.  The samplers below turn draws
into values the way ATen's CPU kernels do (``DistributionsHelper.h``, ``TransformationHelper.h``,
``cpu/DistributionTemplates.h``):

* uniform: float32 (and half) take the low 24 (11) bits of ``random()`` times 2**-24; float64 the low 53
  bits of ``random64()`` times 2**-53; ``x * (to - from) + from`` is one fused multiply-add (the AVX2
  kernels are compiled with FMA contraction), emulated exactly by ``_fma32`` / ``_fma64``.
* normal: a contiguous tensor of >= 16 elements is filled with uniforms, then every block of 16 becomes
  8 Box-Muller pairs (``u1 = 1 - data[j]``, ``u2 = data[j + 8]``, cos into ``j``, sin into ``j + 8``); a
  ragged tail redraws the last 16 uniforms and transforms them again.  float32 runs the AVX2 cephes
  polynomials of ``avx_mathfun.h`` (emulated here op for op in float32).  Smaller or non-contiguous
  tensors draw ``normal_distribution<double>`` per element, which caches its sin value.
* everything else per element in the tensor's memory order (``cpu_serial_kernel``).
"""
import math
import os

from ._backend import xp
from ._mt19937 import Engine, N as _MT_N

_DEFAULT_SEED = 67280421310721
_U64 = (1 << 64) - 1

# the byte layout of PyTorch's CPUGeneratorImplState (5056 bytes): the legacy THGeneratorState
# (initial seed, left, seeded, next, 624 state words widened to uint64, the old normal_x/y/rho/is_valid
# fields, of which normal_y/normal_is_valid carry the cached double normal), then the float cache
_STATE_DTYPE = xp.dtype([
    ("the_initial_seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"),
    ("state", "<u8", (_MT_N,)), ("normal_x", "<f8"), ("normal_y", "<f8"), ("normal_rho", "<f8"),
    ("normal_is_valid", "<i4"), ("_pad0", "<i4"), ("next_float_normal_sample", "<f4"),
    ("is_next_float_normal_sample_valid", "u1"), ("_pad1", "u1", (3,))])
assert _STATE_DTYPE.itemsize == 5056


def _nondeterministic_seed():
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """A seeded source of random numbers, as ``torch.Generator`` (CPU, MT19937)."""

    def __init__(self, device="cpu"):
        from ._tensor import device as _device
        self.device = _device(device)
        self._engine = Engine(_DEFAULT_SEED)
        self._next_double = None
        self._next_float = None

    def manual_seed(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, int):
            try:
                import operator
                if isinstance(seed, bool):
                    raise TypeError
                seed = operator.index(seed)
            except TypeError:
                raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}") from None
        seed = int(seed)
        if seed < -(1 << 63) or seed > _U64:
            raise ValueError("Overflow when unpacking long long")
        self._engine.seed(seed & _U64)
        self._next_double = self._next_float = None
        return self

    def seed(self):
        s = _nondeterministic_seed()
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._engine.initial_seed

    def get_state(self):
        """PyTorch's 5056-byte state (a uint8 tensor), readable by ``torch.Generator.set_state``."""
        from ._tensor import _make
        rec = xp.zeros((), dtype=_STATE_DTYPE)
        key, _ = self._engine.key_pos()
        left, nxt = self._engine.counters()
        rec["the_initial_seed"] = self._engine.initial_seed
        rec["left"], rec["seeded"], rec["next"] = left, 1, nxt
        rec["state"] = key.astype(xp.uint64)
        if self._next_double is not None:
            rec["normal_is_valid"], rec["normal_y"] = 1, self._next_double
        if self._next_float is not None:
            rec["is_next_float_normal_sample_valid"], rec["next_float_normal_sample"] = 1, self._next_float
        return _make(xp.frombuffer(rec.tobytes(), dtype=xp.uint8).copy())

    def set_state(self, new_state):
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state._data.dtype != xp.uint8:
            raise RuntimeError(f"expected a torch.ByteTensor, but got {new_state.type()}" if hasattr(
                new_state, "type") else "expected a torch.ByteTensor")
        raw = xp.ascontiguousarray(new_state._data).reshape(-1)
        if raw.size != _STATE_DTYPE.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_DTYPE.itemsize} but found the "
                               f"input RNG state size to be {raw.size}")
        rec = xp.frombuffer(raw.tobytes(), dtype=_STATE_DTYPE)[0]
        left, nxt, seeded = int(rec["left"]), int(rec["next"]) & 0xFFFFFFFF, int(rec["seeded"])
        if not (seeded and 0 < left <= _MT_N and nxt <= _MT_N):
            raise RuntimeError("Invalid mt19937 state")
        self._engine.initial_seed = int(rec["the_initial_seed"])
        self._engine.set_counters((rec["state"] & 0xFFFFFFFF).astype(xp.uint32), left, nxt)
        self._next_double = float(rec["normal_y"]) if rec["normal_is_valid"] else None
        self._next_float = xp.float32(rec["next_float_normal_sample"]) \
            if rec["is_next_float_normal_sample_valid"] else None
        return self

    def clone_state(self):
        g = Generator(self.device)
        g._engine = self._engine.copy()
        g._next_double, g._next_float = self._next_double, self._next_float
        return g

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # -------------------------------------------------------------- raw draws
    def _random32(self, n):
        """``n`` draws of ``random()`` (uint32)."""
        return self._engine.draw(n)

    def _random(self, n):
        """``n`` draws of ``random()`` (as uint64, for modular arithmetic)."""
        return self._engine.draw(n).astype(xp.uint64)

    def _random64(self, n):
        """``n`` draws of ``random64()``: (first << 32) | second (uint64)."""
        r = self._engine.draw(2 * n)
        if not xp.little_endian:
            r = r.reshape(-1, 2)
            return (r[:, 0].astype(xp.uint64) << xp.uint64(32)) | r[:, 1]
        # little-endian: the pair (first, second) read as one uint64 is (second << 32) | first: swap halves
        v = r.view(xp.uint64)
        hi = v >> xp.uint64(32)
        v <<= xp.uint64(32)
        v |= hi
        return v


default_generator = Generator()
default_generator.manual_seed(_nondeterministic_seed())  # as torch: a fresh process is seeded at random


def _g(generator):
    return default_generator if generator is None else generator


def manual_seed(seed):
    """Seed the default generator; like torch.manual_seed the seed goes through int() first ('5', 1.5 and True
    are accepted, 'x' raises ValueError), where Generator.manual_seed itself takes integers only."""
    default_generator.manual_seed(int(seed))
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


# ------------------------------------------------------------------ exact fused multiply-add
def _fma32(a, b, c):
    """float32 ``a * b + c`` rounded once (what ``_mm256_fmadd_ps`` / a contracted kernel computes)."""
    a, b, c = (xp.asarray(v, dtype=xp.float32).astype(xp.float64) for v in (a, b, c))
    p = a * b  # exact: 24 + 24 bits
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)  # TwoSum: s + err == p + c exactly
    r = s.astype(xp.float32)
    r64 = r.astype(xp.float64)
    d = s - r64
    toward = xp.where(d > 0, xp.float32(xp.inf), xp.float32(-xp.inf))
    r2 = xp.nextafter(r, toward)
    tie = (d != 0) & (2 * d == r2.astype(xp.float64) - r64) & (err != 0) & ((err > 0) == (d > 0))
    return xp.where(tie, r2, r)


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter


def _two_prod(a, b):
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _fma64(a, b, c):
    """float64 ``a * b + c`` with one rounding (error-free transforms; a double-rounding miss needs the
    exact value to sit within 2**-106 relative of a rounding boundary)."""
    a, b, c = (xp.asarray(v, dtype=xp.float64) for v in (a, b, c))
    with xp.errstate(over="ignore", invalid="ignore"):
        p, e = _two_prod(a, b)
        s = p + c
        bb = s - p
        t = (p - (s - bb)) + (c - bb)
        out = s + (t + e)
    return xp.where(xp.isfinite(out), out, a * b + c)


# ------------------------------------------------------------------ iteration order
def _iter_view(arr):
    """``arr`` viewed so that C order is the order ATen's serial kernels visit its elements (memory order)."""
    if arr.ndim <= 1 or arr.flags.c_contiguous:
        return arr
    strides = [abs(s) for s in arr.strides]
    perm = sorted(range(arr.ndim), key=lambda i: -strides[i])
    return arr.transpose(perm)


def _on_real_view(out, fill):
    """Run a real fill on the (..., 2) real view of a complex array (through a contiguous copy when the
    array's layout has no such view)."""
    real = xp.dtype("float32" if out.dtype == xp.complex64 else "float64")
    if out.flags.c_contiguous:   # (a 0-d array has no dtype-changing view: through its 1-element view)
        fill((out if out.ndim else out.reshape(1)).view(real).reshape(out.shape + (2,)))
        return out
    tmp = xp.empty(out.shape, out.dtype)
    fill(tmp.view(real).reshape(out.shape + (2,)))
    out[...] = tmp
    return out


def _write(out, values):
    v = _iter_view(out)
    v[...] = values.reshape(v.shape)
    return out


_DIGITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8}


def _fkind(dtype):
    name = xp.dtype(dtype).name
    return name if name in _DIGITS else None


# ------------------------------------------------------------------ uniform
def _std_uniform32(g, n, digits=24):
    """``n`` float32 uniforms in [0, 1) from ``random()`` (low ``digits`` bits)."""
    # the masked value fits an int32, whose conversion to float32 NumPy vectorises (uint64's it does not)
    v = (g._random32(n) & xp.uint32((1 << digits) - 1)).view(xp.int32).astype(xp.float32)
    v *= xp.float32(2.0 ** -digits)
    return v


def _std_uniform64(g, n):
    """``n`` float64 uniforms in [0, 1) from ``random64()`` (low 53 bits)."""
    r = g._random64(n)
    r &= xp.uint64((1 << 53) - 1)
    v = r.view(xp.int64).astype(xp.float64)
    v *= 2.0 ** -53
    return v


_FMA_SLAB = 1 << 14


def _fma32_slabs(x, b, c):
    """``_fma32`` over a 1-D array and scalars, a cache-sized slab at a time: its ~15 float64 passes over a whole
    weight matrix (100M elements: 800 MB per temporary) run several times slower than over slabs."""
    if x.size <= _FMA_SLAB:
        return _fma32(x, b, c)
    out = xp.empty(x.shape, dtype=xp.float32)
    for i in range(0, x.size, _FMA_SLAB):
        out[i:i + _FMA_SLAB] = _fma32(x[i:i + _FMA_SLAB], b, c)
    return out


def uniform_values(g, n, dtype, low=0.0, high=1.0):
    """``uniform_real_distribution<T>(low, high)`` drawn ``n`` times, as an array of ``dtype``."""
    kind = _fkind(dtype)
    if kind == "float64":
        x = _std_uniform64(g, n)
        if low == 0.0 and high == 1.0:
            return x
        return _fma64(x, float(high) - float(low), float(low))
    if kind is None:
        raise NotImplementedError(f"\"uniform_kernel_cpu\" not implemented for '{xp.dtype(dtype).name}'")
    # float32, and half/bfloat16 through float32 (24 bits): a value that rounds up to ``high`` in the
    # narrow type becomes ``low``, as PyTorch's kernel keeps the range half-open
    x = _std_uniform32(g, n, 24)
    lo, hi = xp.float32(low), xp.float32(high)
    v = x if (lo == 0 and hi == 1) else _fma32_slabs(x, hi - lo, lo)
    if kind == "float32":
        return v
    r = v.astype(dtype)
    top = xp.asarray(high).astype(dtype)
    return xp.where(r == top, xp.asarray(low).astype(dtype), r)


def uniform_(out, low=0.0, high=1.0, generator=None):
    if out.dtype.kind == "c":   # complex: both parts drawn, as PyTorch, on the real view
        return _on_real_view(out, lambda r: uniform_(r, low, high, generator))
    g = _g(generator)
    low, high = float(low), float(high)
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    return _write(out, uniform_values(g, out.size, out.dtype, low, high))


# ------------------------------------------------------------------ normal
def _box_muller_serial(g, n):
    """``n`` draws of ``normal_distribution<double>`` (standard; the generator's cached sin value first)."""
    out = xp.empty(n, dtype=xp.float64)
    i = 0
    if n and g._next_double is not None:
        out[0] = g._next_double
        g._next_double = None
        i = 1
    rest = n - i
    if rest > 0:
        pairs = (rest + 1) // 2
        u = _std_uniform64(g, 2 * pairs)
        u1, u2 = u[0::2], u[1::2]
        r = xp.sqrt(-2.0 * xp.log1p(-u2))
        theta = 2.0 * math.pi * u1
        vals = xp.empty(2 * pairs, dtype=xp.float64)
        vals[0::2] = r * xp.cos(theta)
        vals[1::2] = r * xp.sin(theta)
        out[i:] = vals[:rest]
        if rest % 2:
            g._next_double = float(vals[-1])
    return out


def _f32fma(a, b, c):
    """float32 ``a * b + c`` with one rounding, as a fused multiply-add: the product of two float32 is exact
    in float64; the float64 sum then rounds twice (to float64, to float32), which differs from one rounding
    only when the sum lands exactly on a float32 halfway point (about 2**-29 of random cases)."""
    t = a.astype(xp.float64)
    t *= b if isinstance(b, xp.ndarray) else float(b)
    t += c if isinstance(c, xp.ndarray) else float(c)
    return t.astype(xp.float32)


def _cephes_logf(x, normal_positive=False):
    """``log256_ps`` of avx_mathfun.h in float32, op for op; GCC contracts its multiply-then-add pairs
    into fused multiply-adds (PyTorch's AVX2 kernels are built with ``-mfma``), and so do we.
    ``normal_positive``: the caller guarantees positive normal floats (skips the NaN and denormal guards)."""
    f = xp.float32
    x = xp.asarray(x, dtype=f)
    invalid = None
    if not normal_positive:
        invalid = x <= 0
        x = xp.maximum(x, xp.array(0x00800000, dtype=xp.int32).view(f))
    bits = x.view(xp.int32)
    e = ((bits >> 23) - 0x7F).astype(f) + f(1)
    x = ((bits & ~0x7F800000) | xp.array(0.5, dtype=f).view(xp.int32)).view(f)
    mask = x < f(0.707106781186547524)
    tmp = xp.where(mask, x, f(0))
    x = x - f(1)
    e = e - xp.where(mask, f(1), f(0))
    x = x + tmp
    z = x * x
    x64 = x.astype(xp.float64)
    y = _f32fma(x, f(7.0376836292E-2), f(-1.1514610310E-1))
    for c in (1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
              2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1):
        y = _f32fma(y, x64, f(c))
    y = y * x
    y = _f32fma(y, z, e * f(-2.12194440e-4))
    y = _f32fma(-z, f(0.5), y)
    x = x + y
    x = _f32fma(e, f(0.693359375), x)
    return x if invalid is None else xp.where(invalid, f(xp.nan), x)


def _cephes_sincosf(x):
    """``sincos256_ps`` of avx_mathfun.h in float32, op for op (with GCC's contractions): (sin, cos)."""
    f = xp.float32
    x = xp.asarray(x, dtype=f)
    sign_sin = x.view(xp.int32) & xp.int32(-0x80000000)
    x = xp.abs(x)
    y = x * f(1.27323954473516)
    j = y.astype(xp.int32)  # truncation, as cvttps
    j = (j + 1) & ~1
    y = j.astype(f)
    swap_sin = (j & 4) << 29
    poly = (j & 2) == 0
    x = _f32fma(y, f(-0.78515625), x)
    x = _f32fma(y, f(-2.4187564849853515625e-4), x)
    x = _f32fma(y, f(-3.77489497744594108e-8), x)
    sign_cos = (~(j - 2) & 4) << 29
    sign_sin = sign_sin ^ swap_sin
    z = x * x
    yc = _f32fma(z, f(2.443315711809948E-005), f(-1.388731625493765E-003))
    yc = _f32fma(yc, z, f(4.166664568298827E-002))
    yc = yc * z
    yc = _f32fma(yc, z, -(z * f(0.5)))
    yc = yc + f(1)
    ys = _f32fma(z, f(-1.9515295891E-4), f(8.3321608736E-3))
    ys = _f32fma(ys, z, f(-1.6666654611E-1))
    ys = ys * z
    ys = _f32fma(ys, x, x)
    ysin2 = xp.where(poly, ys, f(0))
    ysin1 = xp.where(poly, f(0), yc)
    s = (ysin1 + ysin2).view(xp.int32) ^ sign_sin
    c = ((yc - ysin1) + (ys - ysin2)).view(xp.int32) ^ sign_cos
    return s.view(f), c.view(f)


def _normal_fill_16(data, mean, std, kind):
    """Box-Muller on blocks of 16 (rows of ``data``, shape (k, 16)), as ``normal_fill_16[_AVX2]``."""
    if kind == "float32":
        f = xp.float32
        u1 = f(1) - data[:, :8]
        u2 = data[:, 8:]
        radius = xp.sqrt(f(-2) * _cephes_logf(u1, normal_positive=True))  # u1 in [2**-24, 1]
        theta = f(2.0 * math.pi) * u2
        s, c = _cephes_sincosf(theta)
        n1, n2 = radius * c, radius * s
        if std == 1 and mean == 0:
            return xp.concatenate([n1, n2], axis=1)
        return xp.concatenate([_fma32(n1, std, mean), _fma32(n2, std, mean)], axis=1)
    u1 = 1.0 - data[:, :8]
    u2 = data[:, 8:]
    radius = xp.sqrt(-2.0 * xp.log(u1))
    theta = 2.0 * math.pi * u2
    n1, n2 = radius * xp.cos(theta), radius * xp.sin(theta)
    if std == 1 and mean == 0:
        return xp.concatenate([n1, n2], axis=1)
    return xp.concatenate([_fma64(n1, std, mean), _fma64(n2, std, mean)], axis=1)


_NORMAL_CHUNK_ROWS = 2048


def normal_values(g, n, dtype, mean=0.0, std=1.0, contiguous=True):
    """``normal_(mean, std)`` on ``n`` elements of ``dtype`` (ATen's ``normal_kernel``)."""
    kind = _fkind(dtype)
    if kind is None:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{xp.dtype(dtype).name}'")
    if n >= 16 and contiguous:
        if kind == "float64":
            data = _std_uniform64(g, n)
            m, s = float(mean), float(std)
        else:
            # half/bfloat16 run the float32 transform, but draw uniforms only for the whole blocks before
            # the ragged tail's 16 (float32 draws all n first)
            data = _std_uniform32(g, n if kind == "float32" else n // 16 * 16, 24)
            m, s = xp.float32(mean), xp.float32(std)
        full = n // 16 * 16
        out = xp.empty(n, dtype=data.dtype)
        k = "float64" if kind == "float64" else "float32"
        blocks = data[:full].reshape(-1, 16)
        rows = out[:full].reshape(-1, 16)
        step = _NORMAL_CHUNK_ROWS  # a cache-sized slab at a time: the transform is ~100 array passes

        def transform(lo, hi):
            for r0 in range(lo, hi, step):
                r1 = min(hi, r0 + step)
                rows[r0:r1] = _normal_fill_16(blocks[r0:r1], m, s, k)
        from . import _cpu
        nrows = blocks.shape[0]
        # the blocks are independent once the uniforms are drawn: numtorch's threads share them
        _cpu.run_parallel(transform, _cpu.chunks(nrows, _cpu.parallel_threads(nrows // step, 200 * full)))
        if n % 16:
            out[full:] = data[full:] if data.size == n else 0
            tail = _std_uniform64(g, 16) if kind == "float64" else _std_uniform32(g, 16, 24)
            out[n - 16:] = _normal_fill_16(tail.reshape(1, 16), m, s, "float64" if kind == "float64"
                                           else "float32").reshape(-1)
        return out.astype(dtype)
    v = _box_muller_serial(g, n)
    if not (std == 1 and mean == 0):
        v = _fma64(v, float(std), float(mean))
    return v.astype(dtype)


def normal_(out, mean=0.0, std=1.0, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if out.dtype.kind == "c":   # complex: each part N(mean, std^2/2) on the real view, as PyTorch
        return _on_real_view(out, lambda r: normal_(r, mean, std / math.sqrt(2), generator))
    g = _g(generator)
    return _write(out, normal_values(g, out.size, out.dtype, mean, std, out.flags.c_contiguous))


# ------------------------------------------------------------------ integers
_INT_MAX = {"int64": (1 << 63) - 1, "int32": (1 << 31) - 1, "int16": (1 << 15) - 1, "int8": (1 << 7) - 1,
            "uint8": 255, "uint16": (1 << 16) - 1, "uint32": (1 << 32) - 1, "uint64": (1 << 64) - 1}


def random_values(g, n, dtype, low=None, high=None):
    """``random_()`` / ``random_(to)`` / ``random_(from, to)`` on ``n`` elements of ``dtype``."""
    name = xp.dtype(dtype).name
    if low is None and high is None:  # uniform_int_distribution: [0, max] ([0, 2**digits] for floats)
        if name == "bool":
            return (g._random(n) & xp.uint64(1)).astype(bool)
        if name in ("float64", "int64", "uint64"):
            v = g._random64(n)
        else:
            v = g._random(n)
        if name in _DIGITS:
            mod = (1 << _DIGITS[name]) + 1
        else:
            mod = _INT_MAX[name] + 1 if name != "uint64" else 1 << 63
        return (v % xp.uint64(mod)).astype(dtype)
    low = 0 if low is None else int(low)
    high = int(high)
    span = high - low
    if span <= 0:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if span >= 1 << 64:
        v = g._random64(n).view(xp.int64).astype(dtype)
        return v
    # PyTorch 2.13 takes random64() from a range of 2**28 on (less modulo bias), random() below
    if span < 1 << 28:  # one 32-bit draw each; the remainder fits 32 bits
        r = (g._random32(n) % xp.uint32(span)).astype(xp.int64)
        if low:
            r += low
        return r.astype(dtype, copy=False)
    r = g._random64(n) % xp.uint64(span)  # < span <= 2**64 - 1; the sum wraps like int64 arithmetic
    r = (r + xp.uint64(low & _U64)).view(xp.int64)
    return r.astype(dtype)


def random_(out, low=None, high=None, generator=None):
    return _write(out, random_values(_g(generator), out.size, out.dtype, low, high))


def _swaps_reference(j, n):
    """The forward Fisher-Yates shuffle of ``range(n)``: swap positions ``i`` and ``j[i]`` (>= i) in turn."""
    perm = list(range(n))
    for i, p in enumerate(j.tolist()):
        perm[i], perm[p] = perm[p], perm[i]
    return xp.array(perm, dtype=xp.int64)


def _swaps_fast(j, n):
    """``_swaps_reference`` without the loop.  Position ``i`` is final after step ``i``, and it then holds what
    position ``j[i]`` held, which is ``v[m]`` for the last earlier step ``m`` with ``j[m] == j[i]`` (that step
    moved ``v[m]`` there), or ``j[i]`` itself if no step touched it; ``v[k]``, what position ``k`` holds when its
    step comes, is likewise ``v[k*]`` for the last step ``k* < k`` with ``j[k*] == k``, else ``k``: a forest,
    resolved by pointer doubling."""
    m = n - 1
    idx = xp.arange(m)
    order = xp.argsort(j * n + idx)  # steps grouped by target, in step order (unique keys)
    sj = j[order]
    same = sj[1:] == sj[:-1]
    prev_sorted = xp.empty(m, dtype=xp.int64)
    prev_sorted[0] = -1
    prev_sorted[1:] = xp.where(same, order[:-1], -1)
    prev = xp.empty(m, dtype=xp.int64)
    prev[order] = prev_sorted  # the previous step with the same target, or -1
    last = xp.ones(m, dtype=bool)
    last[:-1] = ~same
    last_step, target = order[last], sj[last]
    kstar = xp.arange(n)
    # a step k with j[k] == k comes too late for position k's own step: take the one before it
    ks = xp.where(last_step == target, prev[last_step], last_step)
    kstar[target] = xp.where(ks >= 0, ks, target)
    while True:
        nxt = kstar[kstar]
        if (nxt == kstar).all():
            break
        kstar = nxt
    v = kstar
    out = xp.empty(n, dtype=xp.int64)
    out[:m] = xp.where(j == idx, v[:m], xp.where(prev >= 0, v[xp.maximum(prev, 0)], j))
    out[m] = v[m]
    return out


def randperm_values(g, n):
    """ATen's ``randperm_cpu``: below (2**32 - 1) / 20 a forward Fisher-Yates swap with ``random() % (n - i)``;
    above, the inside-out variant with ``random64() % (i + 1)``."""
    n = int(n)
    if n < (0xFFFFFFFF // 20):
        if n <= 1:
            return xp.arange(n, dtype=xp.int64)
        j = (g._random32(n - 1) % xp.arange(n, 1, -1, dtype=xp.uint32)).astype(xp.int64) + xp.arange(n - 1)
        return _swaps_fast(j, n)
    z = (g._random64(n) % xp.arange(1, n + 1, dtype=xp.uint64)).tolist()
    perm = [0] * n
    for i, j in enumerate(z):
        perm[i] = perm[j]
        perm[j] = i
    return xp.array(perm, dtype=xp.int64)


# ------------------------------------------------------------------ other distributions
def bernoulli_scalar_values(g, n, p):
    """``bernoulli_(p)`` with a float ``p`` on CPUs where ATen takes its portable path (non-Intel, or no
    MKL): ``uniform_real_distribution<double>`` per element, ``u < p``."""
    if xp.little_endian:
        return _bernoulli_scalar_int(g, n, p)
    return _bernoulli_scalar_reference(g, n, p)


def _bernoulli_scalar_reference(g, n, p):
    """u < p with u = (random64() & (2^53 - 1)) * 2^-53 in float64."""
    return _std_uniform64(g, n) < float(p)


def _bernoulli_scalar_int(g, n, p):
    """The same decision on the 32-bit words, without float64 uniforms (1.5x faster): u = r * 2^-53 < p
    <=> r < T = ceil(p * 2^53) (p * 2^53 is exact), r = (first & (2^21 - 1)) * 2^32 + second, so
    r < T <=> hi < T_hi or (hi == T_hi and second < T_lo). tests/random/test_bernoulli_int_path.py pins it."""
    t = math.ceil(float(p) * 2.0 ** 53)
    th, tl = xp.uint32(t >> 32), xp.uint32(t & 0xFFFFFFFF)
    r = g._engine.draw(2 * n)
    hi = r[0::2] & xp.uint32((1 << 21) - 1)
    lt = hi < th
    eq = xp.flatnonzero(hi == th)     # 1 in 2^21 words on average: decided by the low word one by one
    if eq.size:
        lt[eq] = r[1::2][eq] < tl
    return lt


def bernoulli_tensor_values(g, p):
    """``bernoulli_(p_tensor)``: per element (in memory order of the output, ``p`` broadcast to it) a float32
    uniform (``random()``) against a float32 ``p``, or a float64 uniform (``random64()``) against a float64 ``p``."""
    p = xp.ascontiguousarray(p)
    if p.dtype == xp.float64:
        return _std_uniform64(g, p.size).reshape(p.shape) < p
    p32 = p.astype(xp.float32)
    return _std_uniform32(g, p.size).reshape(p.shape) < p32


def exponential_values(g, n, lambd):
    """``-1 / lambda * log1p(-u)`` with a float64 uniform ``u``."""
    u = _std_uniform64(g, n)
    with xp.errstate(divide="ignore"):
        return (-1.0 / float(lambd)) * xp.log1p(-u)


def geometric_values(g, n, p):
    """``ceil(log(u) / log(1 - p))`` with a float64 uniform ``u``."""
    u = _std_uniform64(g, n)
    with xp.errstate(divide="ignore"):
        return xp.ceil(xp.log(u) / xp.log(1.0 - float(p)))


def cauchy_values(g, n, median, sigma):
    """``median + sigma * tan(pi * (u - 0.5))`` with a float64 uniform ``u``."""
    u = _std_uniform64(g, n)
    return _fma64(float(sigma), xp.tan(math.pi * (u - 0.5)), float(median))


def log_normal_values(g, n, mean, std):
    """``exp(normal_distribution<double>(mean, std))`` per element (shares the cached sin value)."""
    v = _box_muller_serial(g, n)
    return xp.exp(_fma64(v, float(std), float(mean)))


def poisson_values(g, lam):
    """ATen's ``sample_poisson`` per element (memory order): Hormann's transformed rejection for
    lambda >= 10, the product of uniforms below."""
    lam = xp.ascontiguousarray(lam, dtype=xp.float64).reshape(-1)
    out = xp.empty(lam.size, dtype=xp.float64)

    def unif():
        return float(_std_uniform64(g, 1)[0])
    for idx, L in enumerate(lam.tolist()):
        if L >= 10:
            slam, loglam = math.sqrt(L), math.log(L)
            b = 0.931 + 2.53 * slam
            a = -0.059 + 0.02483 * b
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2)
            while True:
                U = unif() - 0.5
                V = unif()
                us = 0.5 - abs(U)
                k = math.floor((2 * a / us + b) * U + L + 0.43)
                if us >= 0.07 and V <= vr:
                    break
                if k < 0 or (us < 0.013 and V > us):
                    continue
                if (math.log(V) + math.log(invalpha) - math.log(a / (us * us) + b)) <= \
                        (-L + k * loglam - math.lgamma(k + 1.0)):
                    break
            out[idx] = k
        elif L == 0:
            out[idx] = 0
        else:
            enlam = math.exp(-L)
            x, prod = 0, 1.0
            while True:
                prod *= unif()
                if prod > enlam:
                    x += 1
                else:
                    break
            out[idx] = x
    return out


def multinomial_values(g, probs, num_samples, replacement):
    """``torch.multinomial`` on CPU. Without replacement (or one sample): the exponential trick
    (``argmax``/``topk`` of ``p / q`` with ``q = exponential_(1)`` drawn on a tensor like ``probs``).
    With replacement: per row a cumulative sum (in the accumulate type), normalised, and per sample a
    float64 uniform located by binary search (first index with ``cum >= u``)."""
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or num_samples == 1:
        q = exponential_values(g, rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
        with xp.errstate(divide="ignore", invalid="ignore"):
            r = rows / q
        if num_samples == 1:
            return xp.argmax(r, axis=-1)[:, None]
        return xp.argsort(-r, axis=-1, kind="stable")[:, :num_samples]
    acc = xp.float64 if rows.dtype == xp.float64 else xp.float32
    out = xp.empty((rows.shape[0], num_samples), dtype=xp.int64)
    for i in range(rows.shape[0]):
        cum = xp.cumsum(rows[i].astype(acc), dtype=acc)
        total = cum[-1]
        if total > 0:
            cum = cum / total
        u = _std_uniform64(g, num_samples)
        out[i] = xp.searchsorted(cum.astype(xp.float64), u, side="left")
    return out


# ------------------------------------------------------------------ compatibility
class _NumpyStyle:
    """A NumPy-``Generator``-like face over a numtorch ``Generator`` for internal callers that still speak
    NumPy (``random``, ``integers``, ``uniform``, ``normal``, ``permutation``, ``choice``): the draws come
    from the MT19937 stream, so seeding governs them, but their transforms are not PyTorch's."""

    def __init__(self, g):
        self._gen = g

    def random(self, size=None, dtype=xp.float64):
        n = 1 if size is None else int(xp.prod(size))
        v = uniform_values(self._gen, n, xp.float64).astype(dtype)
        return float(v[0]) if size is None else v.reshape(size)

    def uniform(self, low=0.0, high=1.0, size=None):
        n = 1 if size is None else int(xp.prod(size))
        v = uniform_values(self._gen, n, xp.float64, low, high)
        return float(v[0]) if size is None else v.reshape(size)

    def normal(self, loc=0.0, scale=1.0, size=None):
        n = 1 if size is None else int(xp.prod(size))
        v = normal_values(self._gen, n, xp.float64, loc, scale)
        return float(v[0]) if size is None else v.reshape(size)

    def standard_normal(self, size=None, dtype=xp.float64):
        return xp.asarray(self.normal(0.0, 1.0, size)).astype(dtype)

    def integers(self, low, high=None, size=None):
        if high is None:
            low, high = 0, low
        n = 1 if size is None else int(xp.prod(size))
        v = random_values(self._gen, n, xp.int64, low, high)
        return int(v[0]) if size is None else v.reshape(size)

    def permutation(self, n):
        return randperm_values(self._gen, n)

    def choice(self, a, size=None, replace=True, p=None):
        n = a if isinstance(a, int) else len(a)
        p = xp.full(n, 1.0 / n) if p is None else xp.asarray(p, dtype=xp.float64)
        k = 1 if size is None else int(xp.prod(size))
        idx = multinomial_values(self._gen, p[None, :], k, replace)[0]
        res = idx if isinstance(a, int) else xp.asarray(a)[idx]
        return res[0] if size is None else res.reshape(size)


def gen(generator=None):
    """A NumPy-style face over ``generator`` (or the global one); see ``_NumpyStyle``."""
    return _NumpyStyle(_g(generator))


# ------------------------------------------------------------------ in-place fills (Tensor methods)
def random_method(out, args, kwargs, generator=None):
    """``Tensor.random_()``, ``random_(to)``, ``random_(from, to)`` (``to=None``: up to the dtype's maximum)."""
    g = _g(generator)
    args = list(args)
    if "from" in kwargs:
        args = [kwargs.pop("from")] + args
    if "to" in kwargs:
        args = (args or [0])[:1] + [kwargs.pop("to")]
    if kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    name = out.dtype.name
    if not args:
        return _write(out, random_values(g, out.size, out.dtype))
    if len(args) == 1:
        return _write(out, random_values(g, out.size, out.dtype, 0, int(args[0])))
    low, high = int(args[0]), args[1]
    if high is None:
        if low == -(1 << 63) and name in ("int64", "float64", "float32"):  # the full 64-bit range
            return _write(out, g._random64(out.size).view(xp.int64).astype(out.dtype))
        top = (1 << _DIGITS[name]) if name in _DIGITS else (1 if name == "bool" else _INT_MAX[name])
        if low > top:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                               f"casted to dtype, but got from={low} > to_inc={top}")
        high = top + 1
    return _write(out, random_values(g, out.size, out.dtype, low, int(high)))


def bernoulli_(out, p, generator=None):
    g = _g(generator)
    if isinstance(p, xp.ndarray):
        pb = xp.broadcast_to(p, out.shape)
        if pb.size and ((pb < 0) | (pb > 1)).any():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        pv = pb
        if _iter_view(out) is not out:  # visit p in the output's memory order
            strides = [abs(s) for s in out.strides]
            perm = sorted(range(out.ndim), key=lambda i: -strides[i])
            pv = pv.transpose(perm)
        return _write(out, bernoulli_tensor_values(g, pv))
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _write(out, bernoulli_scalar_values(g, out.size, p))


def exponential_(out, lambd=1.0, generator=None):
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={float(lambd)}")
    return _write(out, exponential_values(_g(generator), out.size, lambd).astype(out.dtype))


def geometric_(out, p, generator=None):
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={float(p)}")
    return _write(out, geometric_values(_g(generator), out.size, p).astype(out.dtype))


def log_normal_(out, mean=1.0, std=2.0, generator=None):
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={float(std)}")
    return _write(out, log_normal_values(_g(generator), out.size, mean, std).astype(out.dtype))


def cauchy_(out, median=0.0, sigma=1.0, generator=None):
    return _write(out, cauchy_values(_g(generator), out.size, median, sigma).astype(out.dtype))
