"""Loss functions (the math; modules in nn.modules.loss forward here)."""
from ... import ops

__all__ = ["mse_loss"]


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    d = input - target
    l = d * d
    return ops.mean(l) if reduction == "mean" else ops.sum(l) if reduction == "sum" else l
