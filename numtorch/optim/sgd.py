"""``torch.optim.SGD``: stochastic gradient descent with momentum, dampening and Nesterov."""
from .._backend import xp
from .._tensor import Tensor, _make
from .optimizer import _EXACT, Optimizer, _check_lr, _fma, _fma_, _foreach, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent.

    ``g = grad (+ weight_decay * p)``; with momentum ``b = momentum * b + (1 - dampening) * g``
    (the first buffer is ``g`` itself), ``g = g + momentum * b`` (Nesterov) or ``g = b``;
    then ``p = p - lr * g`` (``+`` when ``maximize``).
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        self._check_fused(fused, differentiable, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._group_defaults(nesterov=False, maximize=False, foreach=None, differentiable=False, fused=False)

    def step(self, closure=None):
        """One SGD step over every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        exact = _EXACT[0]
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            momentum, dampening = group["momentum"], group["dampening"]
            wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            if momentum == 0 and wd == 0 and not maximize and not exact:
                # plain SGD, p -= lr * g: _sgd_kernel's arithmetic (_fma_ with s = -lr) inlined per tensor
                s = -lr
                for p in group["params"]:
                    g = p._grad
                    if g is None:
                        continue
                    p._data += s * (g._data if g.__class__ is Tensor else _dense_grad(p))
                    p._vc[0] += 1
                continue
            plain, first, later = [], [], []
            for p in group["params"]:
                if p._grad is None:
                    continue
                g = _dense_grad(p)
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        # PyTorch's first buffer is a copy of the (decayed) gradient
                        buf = state["momentum_buffer"] = _make(xp.empty_like(p._data))
                        first.append((p._data, g, buf._data))
                    else:
                        later.append((p._data, g, buf._data))
                    buf._vc[0] += 1
                else:
                    plain.append((p._data, g))
                p._vc[0] += 1
            args = (lr, momentum, dampening, wd, nesterov, maximize)
            if plain:
                if _EXACT[0]:
                    _foreach(_sgd_kernel, plain, (0,), *args)
                else:
                    # one or two NumPy operations per tensor: cheaper run in place one by one than
                    # concatenated and written back (the same elementwise numbers either way)
                    for it in plain:
                        _sgd_kernel(*it, *args)
            if first:
                _foreach(_sgd_momentum_kernel, first, (0, 2), True, *args)
            if later:
                _foreach(_sgd_momentum_kernel, later, (0, 2), False, *args)
        return loss


def _sgd_kernel(d, g, lr, momentum, dampening, wd, nesterov, maximize):
    """``p -= lr * (g + wd * p)`` (``g`` negated when maximizing)."""
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    _fma_(d, g, -lr)


def _sgd_momentum_kernel(d, g, b, first, lr, momentum, dampening, wd, nesterov, maximize):
    """SGD with a momentum buffer ``b``: ``b = g`` on the first step, else
    ``b = momentum * b + (1 - dampening) * g``; the step uses ``g + momentum * b`` (Nesterov) or ``b``."""
    if maximize:
        g = -g
    if wd != 0:
        g = _fma(g, d, wd)
    if first:
        b[...] = g
    else:
        b *= momentum
        _fma_(b, g, 1 - dampening)
    g = _fma(g, b, momentum) if nesterov else b
    _fma_(d, g, -lr)


def _dense_grad(p):
    # a sparse gradient (nn.Embedding(sparse=True)) is applied densely: its absent rows are zeros, which
    # leave the parameter, the momentum buffer and the update exactly as PyTorch's sparse add leaves them
    g = p._grad
    return g.to_dense()._data if getattr(g, "is_sparse", False) else g._data
