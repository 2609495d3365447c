"""``torch.backends.mkl``: numtorch calls NumPy's BLAS, not MKL directly."""
__all__ = ["is_available"]


def is_available():
    return False
