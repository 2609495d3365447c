"""``torch.optim.RAdam``: rectified Adam."""
from .._backend import xp
from .optimizer import (_weight_decay, _adam_moments_, Optimizer, _check_betas, _check_lr, _foreach, _to_scalar)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam.

    Adam's moments; with ``rho_inf = 2 / (1 - beta2) - 1`` and
    ``rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)``: if ``rho_t > 5`` the step is
    ``lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t`` with the rectification
    ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))``, else ``lr * m_hat``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _name = "RAdam"

    def step(self, closure=None):
        """One RAdam step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            by_step = self._by_step(group, ("exp_avg", "exp_avg_sq"))
            for step, items in by_step.items():
                _foreach(_radam_kernel, items, (0, 2, 3), step, _to_scalar(group["lr"]), beta1, beta2, group["eps"],
                         group["weight_decay"], group["decoupled_weight_decay"], group["maximize"])
        return loss


def _radam_kernel(d, g, m, v, step, lr, beta1, beta2, eps, wd, decoupled, maximize):
    if maximize:
        g = -g
    g = _weight_decay(d, g, lr, wd, decoupled)
    _adam_moments_(m, v, g, beta1, beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    upd = m / bias_correction1
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    upd *= lr
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        # PyTorch: ``sqrt(bc2) / (sqrt(v) + eps)`` is ``reciprocal(sqrt(v) + eps) * sqrt(bc2)``
        adaptive = xp.sqrt(v)
        adaptive += eps
        xp.reciprocal(adaptive, out=adaptive)
        adaptive *= bias_correction2 ** 0.5
        upd *= adaptive
        upd *= rect
    d -= upd
