"""``torch.optim.Adamax``: Adam with the infinity norm."""
from .._backend import xp
from .optimizer import (Optimizer, _addcdiv_, _check_betas, _check_lr, _fma, _lerp_, _foreach, _to_scalar)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax.

    ``m = lerp(m, g, 1 - beta1)``; ``u = max(beta2 * u, |g| + eps)``; ``p -= lr / (1 - beta1^t) * m / u``.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    _name = "Adamax"

    def step(self, closure=None):
        """One Adamax step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            by_step = self._by_step(group, ("exp_avg", "exp_inf"))
            for step, items in by_step.items():
                _foreach(_adamax_kernel, items, (0, 2, 3), step, _to_scalar(group["lr"]), beta1, beta2, group["eps"],
                         group["weight_decay"], group["maximize"])
        return loss


def _adamax_kernel(d, g, m, u, step, lr, beta1, beta2, eps, wd, maximize):
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    _lerp_(m, g, 1 - beta1)
    u *= beta2
    a = xp.abs(g)
    a += eps
    xp.maximum(u, a, out=u)
    clr = lr / (1 - beta1 ** step)
    _addcdiv_(d, m, u, -clr)
