"""``torch.optim.Adam`` (with amsgrad, L2 or decoupled weight decay, maximize)."""
from .._backend import xp
from .._tensor import Tensor
from .optimizer import (_weight_decay, _adam_moments_, Optimizer, _addcdiv_, _check_betas, _check_lr, _scalar,
                        _foreach, _to_scalar, _EXACT)

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam.

    ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g``,
    ``p -= lr / (1 - beta1^t) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)`` where
    ``v_hat = max(v_hat, v)`` with amsgrad, else ``v``. ``weight_decay`` adds ``wd * p`` to the
    gradient, or with ``decoupled_weight_decay`` (AdamW) multiplies ``p`` by ``1 - lr * wd`` first.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        self._check_fused(fused, differentiable, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._group_defaults(amsgrad=False, maximize=False, foreach=None, capturable=False, differentiable=False,
                             decoupled_weight_decay=False, fused=None)
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state.get(p)
                if st and not isinstance(st.get("step"), Tensor) and "step" in st:
                    st["step"] = _scalar(float(st["step"]))

    _name = "Adam"

    def step(self, closure=None):
        """One Adam step over every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            amsgrad = group["amsgrad"]
            by_step = self._by_step(group, ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if amsgrad
                                    else ("exp_avg", "exp_avg_sq"))
            # parameters at the same step share the bias corrections: update them together
            for step, items in by_step.items():
                _foreach(_adam_kernel, items, (0, 2, 3, 4) if amsgrad else (0, 2, 3), step, lr, beta1, beta2,
                         group["eps"], group["weight_decay"], group["maximize"], group["decoupled_weight_decay"])
        return loss


# elements per chunk of the fast kernel: d, g, m, v and two scratch rows (6 x 128 KiB in float32) stay in L2
_CHUNK = 32768


def _adam_fast(d, g, m, v, step, lr, beta1, beta2, eps):
    """The plain Adam update (no weight decay, amsgrad or maximize), the same operations and roundings
    as ``_adam_kernel``'s generic path, without temporaries and chunk by chunk so that the dozen
    element-wise passes run on cache-resident data instead of streaming the arrays a dozen times."""
    w = m.dtype.type(1 - beta1)
    c2 = 1 - beta2
    bias_correction1 = 1 - beta1 ** step
    step_size = lr / bias_correction1
    bc2_sqrt = (1 - beta2 ** step) ** 0.5
    n = d.size
    df, gf, mf, vf = d.reshape(-1), g.reshape(-1), m.reshape(-1), v.reshape(-1)
    c = min(n, _CHUNK)
    s1 = xp.empty(c, d.dtype)
    s2 = xp.empty(c, d.dtype)
    for lo in range(0, n, c):
        hi = min(lo + c, n)
        dd, gg, mm, vv = df[lo:hi], gf[lo:hi], mf[lo:hi], vf[lo:hi]
        if hi - lo != c:
            s1, s2 = s1[:hi - lo], s2[:hi - lo]
        xp.subtract(gg, mm, out=s1)        # m.lerp_(g, 1 - beta1) = m + w * (g - m)
        s1 *= w
        mm += s1
        vv *= beta2                        # v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        xp.multiply(gg, c2, out=s1)
        s1 *= gg
        vv += s1
        xp.sqrt(vv, out=s1)                # denom = sqrt(v) / sqrt(bc2) + eps
        s1 /= bc2_sqrt
        s1 += eps
        xp.multiply(mm, -step_size, out=s2)  # p.addcdiv_(m, denom, value=-step_size)
        s2 /= s1
        dd += s2


def _adam_kernel(d, g, m, v, *rest):
    """One Adam update of parameter ``d`` (in place) with gradient ``g`` and moments ``m``, ``v``
    (and ``vmax`` with amsgrad), following PyTorch's single-tensor operation order."""
    if len(rest) == 9:
        vmax, rest = rest[0], rest[1:]
    else:
        vmax = None
    step, lr, beta1, beta2, eps, wd, maximize, decoupled = rest
    if (vmax is None and wd == 0 and not maximize and not _EXACT[0] and abs(1 - beta1) < 0.5
            and d.flags.c_contiguous and g.flags.c_contiguous and m.flags.c_contiguous and v.flags.c_contiguous):
        _adam_fast(d, g, m, v, step, lr, beta1, beta2, eps)
        return
    if maximize:
        g = -g
    g = _weight_decay(d, g, lr, wd, decoupled)
    _adam_moments_(m, v, g, beta1, beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        denom = xp.sqrt(vmax)
    else:
        denom = xp.sqrt(v)
    denom /= bias_correction2_sqrt
    denom += eps
    _addcdiv_(d, m, denom, -step_size)
