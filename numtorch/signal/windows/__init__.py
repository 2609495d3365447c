"""``torch.signal.windows``: SciPy-style window functions (``sym=True`` gives the symmetric window)."""
from .windows import bartlett, blackman, cosine, exponential, gaussian, general_cosine, general_hamming, \
    hamming, hann, kaiser, nuttall

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.signal.windows.{name}'")
