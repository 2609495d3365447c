"""The one place the array module is chosen.

Everything in numtorch reaches NumPy (or, later, CuPy) through ``xp`` from here,
so swapping the backend touches a single file.
"""
import numpy as np

xp = np

__all__ = ["xp", "np"]


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
