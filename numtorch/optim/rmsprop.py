"""``torch.optim.RMSprop`` (with momentum and the centered variant)."""
from .._backend import xp
from .optimizer import (Optimizer, _addcdiv_, _addcmul_, _check_lr, _fma, _fma_, _grad_array, _lerp_, _scalar,
                        _state_tensor, _step_inc_fast, _foreach, _to_scalar)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop.

    ``v = alpha * v + (1 - alpha) * g^2``; centered: ``ga = lerp(ga, g, 1 - alpha)``, ``avg = sqrt(v - ga^2) + eps``
    else ``avg = sqrt(v) + eps``; with momentum ``b = momentum * b + g / avg``, ``p -= lr * b``,
    else ``p -= lr * g / avg``.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One RMSprop step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum, centered = group["momentum"], group["centered"]
            items = []
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _grad_array(p, False, "RMSprop")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["square_avg"] = _state_tensor(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _state_tensor(p)
                    if centered:
                        state["grad_avg"] = _state_tensor(p)
                _step_inc_fast(state["step"])
                items.append((p._data, g, state["square_avg"]._data,
                              state["momentum_buffer"]._data if momentum > 0 else g,
                              state["grad_avg"]._data if centered else g))
                p._vc[0] += 1
            if items:
                _foreach(_rmsprop_kernel, items, (0, 2, 3, 4) if momentum > 0 and centered else
                         (0, 2, 3) if momentum > 0 else (0, 2, 4) if centered else (0, 2),
                         lr, group["alpha"], group["eps"], group["weight_decay"], momentum, centered,
                         group["maximize"])
        return loss


def _rmsprop_kernel(d, g, v, buf, ga, lr, alpha, eps, wd, momentum, centered, maximize):
    """One RMSprop update (``buf`` / ``ga`` are unused placeholders without momentum / centering)."""
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    v *= alpha
    _addcmul_(v, g, g, 1 - alpha)
    if centered:
        _lerp_(ga, g, 1 - alpha)
        avg = v.copy()
        _addcmul_(avg, ga, ga, -1)
        xp.sqrt(avg, out=avg)
    else:
        avg = xp.sqrt(v)
    avg += eps
    if momentum > 0:
        buf *= momentum
        _addcdiv_(buf, g, avg)
        _fma_(d, buf, -lr)
    else:
        _addcdiv_(d, g, avg, -lr)
