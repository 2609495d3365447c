"""``torch.optim.Adafactor`` (Shazeer & Stern 2018, PyTorch 2.5+'s variant), step for step as PyTorch.

Per parameter at step t (beta2_t = 1 - t^beta2_decay, rho_t = min(lr, 1/sqrt(t))):
    alpha = max(eps2, RMS(p)) * rho_t;  p *= 1 - lr * weight_decay
    matrices (factored):  R = lerp(R, mean_cols(g^2), 1 - beta2_t); C = lerp(C, mean_rows(g^2), 1 - beta2_t)
                          v = R C / max(mean(R), eps1)
    vectors:              v = lerp(v, g^2, 1 - beta2_t)
    u = g / sqrt(max(v, eps1^2));  p -= alpha / max(1, RMS(u) / d) * u
"""
from .._backend import xp
from .optimizer import Optimizer, _grad_array, _lerp_, _scalar, _step_inc_fast, _to_scalar
from .._tensor import Tensor, _make

__all__ = ["Adafactor"]


def _norm(a):
    return float(xp.sqrt(xp.dot(a.reshape(-1), a.reshape(-1)))) if a.dtype.kind in "fV" else float(xp.linalg.norm(a))


class Adafactor(Optimizer):
    """Adafactor with factored second moments for tensors of 2+ dims (see the module docstring)."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    _name = "Adafactor"

    def step(self, closure=None):
        """One Adafactor step; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                if p._data.dtype.kind == "c":
                    raise RuntimeError("Adafactor does not support complex parameters")
                g = _grad_array(p, group["maximize"], "Adafactor")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _scalar(0.0)
                    if g.ndim > 1:
                        state["row_var"] = _make(xp.zeros(g.shape[:-1] + (1,), g.dtype))
                        state["col_var"] = _make(xp.zeros(g.shape[:-2] + (1, g.shape[-1]), g.dtype))
                    else:
                        state["variance"] = _make(xp.zeros_like(g))
                self._update(p._data, g, state, lr, group, eps1, eps2)
                p._vc[0] += 1
        return loss

    @staticmethod
    def _update(d_, g, state, lr, group, eps1, eps2):
        dt = d_.dtype
        if eps1 is None:
            eps1 = float(xp.finfo(dt).eps)
        t = _step_inc_fast(state["step"])
        w = t ** group["beta2_decay"]
        rho = min(lr, 1 / (t ** 0.5))
        alpha = max(eps2, _norm(d_) / (d_.size ** 0.5)) * rho
        if group["weight_decay"] != 0:
            d_ *= dt.type(1 - lr * group["weight_decay"])
        g2 = g * g
        if g.ndim > 1:
            R, Cv = state["row_var"]._data, state["col_var"]._data
            _lerp_(R, g2.sum(-1, keepdims=True) / dt.type(g.shape[-1]), w)
            _lerp_(Cv, g2.sum(-2, keepdims=True) / dt.type(g.shape[-2]), w)
            v = xp.matmul(R, Cv)
            v /= xp.maximum(R.mean(axis=-2, keepdims=True), dt.type(eps1))
        else:
            V = state["variance"]._data
            _lerp_(V, g2, w)
            v = V.copy()
        xp.maximum(v, dt.type(eps1 * eps1), out=v)
        u = xp.sqrt(v, out=v)
        xp.divide(g, u, out=u)
        denom = max(1.0, _norm(u) / ((u.size ** 0.5) * group["d"]))
        d_ += u * dt.type(-alpha / denom)
