"""``torch.optim.Adadelta``."""
from .._backend import xp
from .optimizer import (Optimizer, _addcmul_, _check_lr, _fma, _fma_, _foreach, _grad_array, _scalar,
                        _state_tensor, _step_inc_fast, _to_scalar)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta.

    ``v = rho * v + (1 - rho) * g^2``; ``delta = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho * u + (1 - rho) * delta^2``; ``p -= lr * delta``.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One Adadelta step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            items = []
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _grad_array(p, False, "Adadelta")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _state_tensor(p)
                    state["acc_delta"] = _state_tensor(p)
                _step_inc_fast(state["step"])
                items.append((p._data, g, state["square_avg"]._data, state["acc_delta"]._data))
                p._vc[0] += 1
            if items:
                _foreach(_adadelta_kernel, items, (0, 2, 3), _to_scalar(group["lr"]), group["rho"], group["eps"],
                         group["weight_decay"], group["maximize"])
        return loss


def _adadelta_kernel(d, g, sq, acc, lr, rho, eps, wd, maximize):
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    sq *= rho
    _addcmul_(sq, g, g, 1 - rho)
    std = sq + eps
    xp.sqrt(std, out=std)
    delta = acc + eps
    xp.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc *= rho
    _addcmul_(acc, delta, delta, 1 - rho)
    _fma_(d, delta, -lr)
