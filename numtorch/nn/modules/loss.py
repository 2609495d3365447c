"""Loss modules: each holds its options and forwards to ``nn.functional``."""
from .module import Module
from .. import functional as F

__all__ = ["MSELoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)
