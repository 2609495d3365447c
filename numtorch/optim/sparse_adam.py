"""``torch.optim.SparseAdam``: lazy Adam for sparse gradients (``nn.Embedding(sparse=True)``)."""
import math

from .._backend import xp
from .._tensor import Tensor
from .optimizer import Optimizer, _state_tensor, _to_scalar

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""SparseAdam: only the rows present in the sparse gradient have their moments and values updated.

    For those rows: ``m += (g - m)(1 - beta1)``, ``v += (g^2 - v)(1 - beta2)``,
    ``p -= lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)
        sparse_params = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])
                         if getattr(p, "is_sparse", False)]
        if sparse_params:
            raise ValueError(f"Sparse params at indices {sparse_params}: SparseAdam requires dense parameter tensors")

    def step(self, closure=None):
        """One SparseAdam step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            eps, lr, maximize = group["eps"], _to_scalar(group["lr"]), group.get("maximize", False)
            for p in group["params"]:
                if p._grad is None:
                    continue
                grad = p._grad
                if not getattr(grad, "is_sparse", False):
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = _state_tensor(p)
                    state["exp_avg_sq"] = _state_tensor(p)
                state["step"] += 1
                step = state["step"]
                grad = grad.coalesce()  # the update is non-linear, so indices must be unique
                vals = grad._values()._data
                if vals.size == 0:
                    continue
                if maximize:
                    vals = -vals
                idx = tuple(grad._indices()._data)
                m = state["exp_avg"]._data
                v = state["exp_avg_sq"]._data
                old_m = m[idx]
                m_upd = vals - old_m
                m_upd *= 1 - beta1
                m[idx] += m_upd
                old_v = v[idx]
                v_upd = vals ** 2
                v_upd -= old_v
                v_upd *= 1 - beta2
                v[idx] += v_upd
                numer = m_upd + old_m
                v_upd += old_v
                denom = xp.sqrt(v_upd)
                denom += eps
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr * math.sqrt(bias_correction2) / bias_correction1
                numer /= denom
                p._data[idx] += -step_size * numer
                p._vc[0] += 1
        return loss
