"""``torch.optim.ASGD``: averaged stochastic gradient descent."""
from .optimizer import (Optimizer, _check_lr, _fma, _fma_, _foreach, _grad_array, _scalar, _state_tensor,
                        _step_inc_fast, _to_scalar)

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD.

    ``p = p * (1 - lambd * eta) - eta * g``; the average ``ax`` follows ``ax += (p - ax) * mu``
    (``ax = p`` while ``mu == 1``); then ``eta = lr / (1 + lambd * lr * t)^alpha`` and
    ``mu = 1 / max(1, t - t0)``.
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One ASGD step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lambd, alpha, t0, wd = group["lambd"], group["alpha"], group["t0"], group["weight_decay"]
            batches = {}
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _grad_array(p, False, "ASGD")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["eta"] = _scalar(lr)
                    state["mu"] = _scalar(1.0)
                    state["ax"] = _state_tensor(p)
                step = _step_inc_fast(state["step"])
                key = (state["eta"].item(), state["mu"].item())
                batches.setdefault(key, []).append((p._data, g, state["ax"]._data))
                p._vc[0] += 1
                # PyTorch stores the new eta / mu (computed in double) into the float32 0-d tensors
                state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
                state["mu"]._data[...] = 1 / max(1, step - t0)
            for (eta, mu), items in batches.items():
                _foreach(_asgd_kernel, items, (0, 2), eta, mu, lambd, wd, group["maximize"])
        return loss


def _asgd_kernel(d, g, ax, eta, mu, lambd, wd, maximize):
    """``p = p (1 - lambd eta) - eta g``; the average ``ax`` moves toward ``p`` by ``mu`` (copies it while mu = 1)."""
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    d *= 1 - lambd * eta
    _fma_(d, g, -eta)
    if mu != 1:
        tmp = d - ax
        tmp *= mu
        ax += tmp
    else:
        ax[...] = d
