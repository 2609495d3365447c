"""``torch.masked``: reductions and normalizations that ignore masked-out elements (``mask=``), for strided
tensors. The prototype ``MaskedTensor`` class (and ``masked_tensor``, ``as_masked_tensor``,
``is_masked_tensor``) is not provided: asking for it raises AttributeError saying so."""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp, mean, median,
                   norm, normalize, prod, softmax, softmin, std, sum, var)

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp", "mean",
           "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]

_MISSING = ("MaskedTensor", "masked_tensor", "as_masked_tensor", "is_masked_tensor")


def __getattr__(name):
    if name in _MISSING:
        raise AttributeError(f"numtorch has no attribute 'torch.masked.{name}': the prototype MaskedTensor "
                             "subclass is not implemented; use the mask= argument of the torch.masked reductions")
    raise AttributeError(f"module 'numtorch.masked' has no attribute '{name}'")
