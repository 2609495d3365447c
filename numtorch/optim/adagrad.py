"""``torch.optim.Adagrad`` (dense and sparse gradients)."""
from .._backend import xp
from .optimizer import (Optimizer, _addcdiv_, _addcmul_, _check_lr, _fma, _foreach, _scalar, _state_tensor,
                        _step_inc_fast, _to_scalar)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad.

    ``clr = lr / (1 + (t - 1) * lr_decay)``; ``s += g^2``; ``p -= clr * g / (sqrt(s) + eps)``.
    The state (``step``, ``sum`` = ``initial_accumulator_value``) is created at construction, as PyTorch.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _scalar(0.0)
                state["sum"] = _state_tensor(p, initial_accumulator_value)

    def share_memory(self):
        pass

    def step(self, closure=None):
        """One Adagrad step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lr_decay, eps, wd, maximize = group["lr_decay"], group["eps"], group["weight_decay"], group["maximize"]
            by_clr = {}
            for p in group["params"]:
                if p._grad is None:
                    continue
                state = self.state[p]
                step = _step_inc_fast(state["step"])
                clr = lr / (1 + (step - 1) * lr_decay)
                grad = p._grad
                p._vc[0] += 1
                if getattr(grad, "is_sparse", False):
                    if wd != 0:
                        raise RuntimeError("weight_decay option is not compatible with sparse gradients")
                    grad = grad.coalesce()
                    idx = tuple(grad._indices()._data)
                    vals = grad._values()._data
                    if maximize:
                        vals = -vals
                    # only the rows present in the gradient are touched (indices are unique once coalesced)
                    s = state["sum"]._data
                    s[idx] += vals ** 2
                    std = xp.sqrt(s[idx])
                    std += eps
                    p._data[idx] += -clr * (vals / std)
                    continue
                by_clr.setdefault(clr, []).append((p._data, grad._data, state["sum"]._data))
            for clr, items in by_clr.items():
                _foreach(_adagrad_kernel, items, (0, 2), clr, eps, wd, maximize)
        return loss


def _adagrad_kernel(d, g, s, clr, eps, wd, maximize):
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    _addcmul_(s, g, g, 1)
    std = xp.sqrt(s)
    std += eps
    _addcdiv_(d, g, std, -clr)
