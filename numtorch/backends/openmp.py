"""``torch.backends.openmp``: numtorch parallelizes with its own threads, not OpenMP."""


def is_available():
    return False
