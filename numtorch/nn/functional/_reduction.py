"""The one place where a loss's ``reduction`` is validated and applied.

``reduction`` is ``'none'`` (the elementwise losses), ``'mean'`` (their average) or
``'sum'`` (their total); KLDivLoss adds ``'batchmean'`` (total / batch size). The
deprecated ``size_average`` / ``reduce`` pair maps onto it exactly as PyTorch's
``torch.nn._reduction.legacy_get_string`` does, with the same warning.
"""
import warnings

from ..._backend import xp, errstate
from ..._tensor import Tensor

__all__ = []

_ENUM = {"none": 0, "mean": 1, "sum": 2}


def get_enum(reduction):
    """'none' -> 0, 'mean' -> 1, 'sum' -> 2; anything else is a ValueError (as PyTorch)."""
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.")
        return 1
    try:
        return _ENUM[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def check(reduction, extra=()):
    """Validate ``reduction`` and return its canonical string."""
    if reduction in extra:
        return reduction
    return ("none", "mean", "sum")[get_enum(reduction)]


def legacy_get_string(size_average, reduce, emit_warning=True):
    """Map the deprecated (size_average, reduce) pair to a reduction string.

    None counts as True for both; reduce=False gives 'none' whatever size_average says.
    """
    warning = "size_average and reduce args will be deprecated, please use reduction='{}' instead."
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(warning.format(ret), stacklevel=3)
    return ret


def legacy_get_enum(size_average, reduce, emit_warning=True):
    return get_enum(legacy_get_string(size_average, reduce, emit_warning))


def resolve(size_average, reduce, reduction):
    """The reduction a loss uses: the legacy pair wins when either is given (as PyTorch)."""
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    return reduction


def apply_reduction(loss, reduction, divisor=None):
    """Reduce elementwise losses: a Tensor (through autograd) or a NumPy array (inside a fused op).

    'none' returns ``loss``; 'sum' its total; 'mean' its average, or its total / ``divisor``
    when given (the summed class weights of CrossEntropy/NLL, the batch size of 'batchmean').
    """
    r = check(reduction, ("batchmean",))
    if r == "none":
        return loss
    if isinstance(loss, Tensor):
        if r == "sum":
            return loss.sum()
        if r == "batchmean":
            return loss.sum() / (loss.shape[0] if loss.dim() != 0 else 1) if divisor is None else loss.sum() / divisor
        return loss.mean() if divisor is None else loss.sum() / divisor
    # NumPy: accumulate in the array's dtype as PyTorch does, 0-d result
    if r == "sum":
        return xp.asarray(loss.sum(dtype=loss.dtype))
    if divisor is None:
        divisor = loss.size if r == "mean" else (loss.shape[0] if loss.ndim else 1)
    with errstate(invalid="ignore", divide="ignore"):
        return xp.asarray(loss.sum(dtype=loss.dtype) / xp.asarray(divisor, dtype=loss.dtype), dtype=loss.dtype)


def grad_scale(reduction, n):
    """The factor d(reduced)/d(elementwise) for 'mean' (1/n) and 'sum' (1); None for 'none'."""
    if reduction == "none":
        return None
    return 1.0 / n if reduction in ("mean", "batchmean") and n else (1.0 if reduction == "sum" else float("nan"))
