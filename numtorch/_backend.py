"""The one place the array module is chosen.

Everything in numtorch reaches NumPy (or, later, CuPy) through this module: ``xp`` (the array module),
``ndarray`` (its array type, for ``x.__class__ is ndarray`` checks on hot paths), ``is_array`` and
``errstate`` (floating-point error state; a no-op context for a backend without one).  CPU-specific
tuning (BLAS threads, malloc, the thread pool) lives in ``numtorch._cpu``.
"""
from . import _cpu  # noqa: F401  (sets OpenBLAS's environment before NumPy is first imported)
import numpy as np  # noqa: E402

xp = np
ndarray = xp.ndarray

__all__ = ["xp", "np", "ndarray", "is_array", "errstate"]


def is_array(x):
    """True for an array of the backend (not a Tensor, not a Python or NumPy scalar)."""
    return isinstance(x, ndarray)


errstate = getattr(xp, "errstate", None)
if errstate is None:  # pragma: no cover - backends without floating-point error state
    import contextlib

    def errstate(**kwargs):
        return contextlib.nullcontext()
