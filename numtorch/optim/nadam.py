"""``torch.optim.NAdam``: Adam with Nesterov momentum (and momentum decay)."""
from .._backend import xp
from .optimizer import (_weight_decay, _adam_moments_, Optimizer, _addcdiv_, _check_betas, _check_lr, _grad_array,
                        _scalar, _state_tensor, _step_inc_fast, _foreach, _to_scalar)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam.

    ``mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay))``, ``prod_t = prod_{i<=t} mu_i``;
    ``p -= lr (1 - mu_t) / (1 - prod_t) * g / d + lr mu_{t+1} / (1 - prod_t mu_{t+1}) * m / d`` with
    ``d = sqrt(v / (1 - beta2^t)) + eps``.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One NAdam step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            momentum_decay = group["momentum_decay"]
            batches = {}
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _grad_array(p, False, "NAdam")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    state["mu_product"] = _scalar(1.0)
                    state["exp_avg"] = _state_tensor(p)
                    state["exp_avg_sq"] = _state_tensor(p)
                step = _step_inc_fast(state["step"])
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mp = state["mu_product"]._data
                mp *= mu  # a float32 0-d product, as PyTorch keeps it
                batches.setdefault((step, float(mp)), []).append(
                    (p._data, g, state["exp_avg"]._data, state["exp_avg_sq"]._data))
                p._vc[0] += 1
            for (step, mu_product), items in batches.items():
                _foreach(_nadam_kernel, items, (0, 2, 3), step, mu_product, _to_scalar(group["lr"]), beta1, beta2,
                         group["eps"], group["weight_decay"], momentum_decay, group["decoupled_weight_decay"],
                         group["maximize"])
        return loss


def _nadam_kernel(d, g, m, v, step, mu_product, lr, beta1, beta2, eps, wd, momentum_decay, decoupled, maximize):
    if maximize:
        g = -g
    bias_correction2 = 1 - beta2 ** step
    g = _weight_decay(d, g, lr, wd, decoupled)
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    _adam_moments_(m, v, g, beta1, beta2)
    denom = v / bias_correction2
    xp.sqrt(denom, out=denom)
    mu_product_next = mu_product * mu_next
    denom += eps
    _addcdiv_(d, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
    _addcdiv_(d, m, denom, (-lr * mu_next) / (1.0 - mu_product_next))
