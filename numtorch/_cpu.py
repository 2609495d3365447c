"""CPU tuning: OpenBLAS's thread count, glibc's malloc thresholds, and numtorch's own thread pool.

numtorch keeps OpenBLAS at one thread and splits convolutions, pooling, large losses and large matrix
products over its own threads (``run_parallel``); ``numtorch.set_num_threads`` sets that count.
"""
import os as _os

# numtorch keeps OpenBLAS at one thread (see "threads" below).  Should a user raise it again, its idle
# workers would spin ~2^28 cycles after each multi-threaded call and occupy the core that numtorch's own
# parallel pieces need; a short spin timeout limits that.  OpenBLAS reads it when it is loaded (numtorch
# imported before NumPy, as under `numtorch run`); a value the user set is kept.
_os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402  (the CPU backend is NumPy by definition)


def _tune_glibc_malloc():
    """Keep large freed arrays in the heap for reuse (glibc only; NUMTORCH_MALLOC_TUNING=0 disables).

    glibc serves every allocation above 32 MB with a fresh mmap and unmaps it on free, so each
    training step page-faults and zero-fills its im2col buffers and activations again (measured:
    a 52 MB im2col copy costs 7 ms fresh vs 2.5 ms into reused memory; ~13% of a CNN step).
    Raising the mmap and trim thresholds lets the freed blocks be reused.  Peak memory is
    unchanged; the process keeps its peak heap instead of returning it to the OS.
    """
    import os
    import sys
    if os.environ.get("NUMTORCH_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)   # M_MMAP_THRESHOLD: 1 GiB
        libc.mallopt(-1, 1 << 31)   # M_TRIM_THRESHOLD: 2 GiB
    except (OSError, AttributeError):
        pass


_tune_glibc_malloc()


# ---------------------------------------------------------------------------- threads
# numtorch's thread count (numtorch.set_num_threads / OMP_NUM_THREADS) is the number of pieces that
# convolutions, pooling, large losses and large matrix products (`mm`) run concurrently (NumPy releases
# the GIL in BLAS calls, copies and ufunc loops).  OpenBLAS itself is kept at ONE thread: its own
# 2-thread split of thin GEMMs scales badly, and switching its thread count between numtorch's parallel
# regions and multi-threaded calls costs ~0.1-0.3 ms per switch (measured on 2 cores: the seed CNN's
# step took 76 ms with OpenBLAS at 2 threads between regions, 47 ms with it kept at 1; the 784-256-128
# MLP step went from 3.0-8.9 ms to 4.1 ms, which is its 1-thread time).

def _env_threads():
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        v = _os.environ.get(var, "").split(",")[0].strip()
        if v.isdigit() and int(v) > 0:
            return int(v)
    return _os.cpu_count() or 1


_threads = [_env_threads()]
_blas = []      # [set_fn, get_fn] once looked up, [None, None] if the BLAS is not a reachable OpenBLAS
_pool = []      # [ThreadPoolExecutor, pid of its creator]


def _blas_fns():
    if not _blas:
        set_fn = get_fn = None
        try:
            import ctypes
            import glob
            base = _os.path.dirname(np.__file__)
            libs = (glob.glob(_os.path.join(base, "..", "numpy.libs", "*openblas*"))
                    + glob.glob(_os.path.join(base, ".libs", "*openblas*")))
            for path in libs:
                lib = ctypes.CDLL(path)
                for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
                    try:
                        s = getattr(lib, f"{prefix}_set_num_threads{suffix}")
                        g = getattr(lib, f"{prefix}_get_num_threads{suffix}")
                    except AttributeError:
                        continue
                    s.argtypes, s.restype, g.restype = [ctypes.c_int], None, ctypes.c_int
                    set_fn, get_fn = s, g
                    break
                if set_fn is not None:
                    break
        except OSError:
            pass
        _blas[:] = [set_fn, get_fn]
    return _blas


def blas_threads():
    """OpenBLAS's current thread count, or None when it cannot be reached."""
    g = _blas_fns()[1]
    return g() if g is not None else None


def set_blas_threads(n):
    """Set OpenBLAS's thread count (a no-op for another BLAS); returns the previous count or None."""
    s, g = _blas_fns()
    if s is None:
        return None
    old = g()
    if old != n:
        s(int(n))
    return old


def get_num_threads():
    return _threads[0]


def set_num_threads(n):
    n = int(n)
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _threads[0] = n
    _blas_one_thread()


def mm(a, b):
    """a @ b for 2-D float arrays; a large product is split into row (or column) blocks, one
    1-thread BLAS call per thread."""
    if a.dtype.kind == "V" and a.dtype == b.dtype:  # bfloat16 (ml_dtypes): float32 products, rounded once
        return mm(a.astype(np.float32), b.astype(np.float32)).astype(a.dtype)
    t = _threads[0]
    if t > 1 and a.ndim == 2 and b.ndim == 2 and a.dtype == b.dtype and a.dtype.kind in "fV":
        M, K = a.shape
        N = b.shape[1]
        if 2.0 * M * K * N >= _MM_SPLIT_FLOPS:
            out = np.empty((M, N), a.dtype)
            if M >= N:
                run_parallel(lambda lo, hi: np.matmul(a[lo:hi], b, out=out[lo:hi]), chunks(M, t))
            else:
                run_parallel(lambda lo, hi: np.matmul(a, b[:, lo:hi], out=out[:, lo:hi]), chunks(N, t))
            return out
    return a @ b


_blas_single = [False]
_MM_SPLIT_FLOPS = 2e8     # below this a product is not worth the thread handoff (measured: 5e7-flop products lose)


def _blas_one_thread():
    set_blas_threads(1)
    _blas_single[0] = True


def chunks(n, parts):
    """Split range(n) into at most `parts` contiguous (lo, hi) pieces of near-equal size."""
    parts = max(1, min(parts, n))
    q, r = divmod(n, parts)
    out, lo = [], 0
    for i in range(parts):
        hi = lo + q + (i < r)
        out.append((lo, hi))
        lo = hi
    return out


def parallel_threads(n_items, work):
    """How many chunks to run concurrently for `n_items` batch items and `work` (~flops or bytes)."""
    t = _threads[0]
    if t <= 1 or n_items < 2 or work < 1e7:
        return 1
    return min(t, n_items)


def run_parallel(fn, bounds):
    """[fn(lo, hi) for (lo, hi) in bounds], the pieces run on concurrent threads with a 1-thread BLAS.

    The calling thread runs the first piece itself; an exception in any piece is raised here.
    """
    if len(bounds) == 1:
        return [fn(*bounds[0])]
    if not _pool or _pool[0]._max_workers < len(bounds) - 1 or _pool[1] != _os.getpid():
        # (a forked child, e.g. a DataLoader worker, inherits the pool object but not its threads)
        from concurrent.futures import ThreadPoolExecutor
        _pool[:] = [ThreadPoolExecutor(max_workers=len(bounds) - 1, thread_name_prefix="numtorch"), _os.getpid()]
    if not _blas_single[0]:
        _blas_one_thread()
    futs = []
    try:
        futs = [_pool[0].submit(fn, lo, hi) for lo, hi in bounds[1:]]
        first = fn(*bounds[0])
    finally:
        from concurrent.futures import wait
        wait(futs)
    return [first] + [f.result() for f in futs]


_blas_one_thread()
