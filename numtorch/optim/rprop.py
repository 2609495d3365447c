"""``torch.optim.Rprop``: resilient backpropagation (sign-based steps)."""
from .._backend import xp
from .optimizer import Optimizer, _check_lr, _grad_array, _scalar, _state_tensor, _step_inc_fast, _foreach, _to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop.

    Per element: if ``g * prev > 0`` the step size is multiplied by ``etaplus``, if ``< 0`` by ``etaminus``
    (and the gradient is treated as 0 for this step), clamped to ``step_sizes``; ``p -= sign(g) * step_size``.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One Rprop step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            items = []
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _grad_array(p, False, "Rprop")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["prev"] = _state_tensor(p)
                    state["step_size"] = _state_tensor(p, _to_scalar(group["lr"]))
                _step_inc_fast(state["step"])
                items.append((p._data, g, state["prev"]._data, state["step_size"]._data))
                p._vc[0] += 1
            if items:
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                _foreach(_rprop_kernel, items, (0, 2, 3), etaminus, etaplus, step_size_min, step_size_max,
                         group["maximize"])
        return loss


def _rprop_kernel(d, g, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize):
    if maximize:
        g = -g
    sign = xp.sign(g * prev)
    dt = sign.dtype.type
    sign = xp.where(sign > 0, dt(etaplus), xp.where(sign < 0, dt(etaminus), dt(1)))
    step_size *= sign
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    g = g.copy()
    g[sign == dt(etaminus)] = 0
    d -= xp.sign(g) * step_size
    prev[...] = g
