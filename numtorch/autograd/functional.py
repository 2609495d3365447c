"""Jacobians and Hessians built from repeated reverse passes (``torch.autograd.functional``)."""
from .._backend import xp as _xp
from .._tensor import Tensor as _Tensor, _make

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _tup(x):
    return (x,) if isinstance(x, _Tensor) else tuple(x)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    from . import grad
    single = isinstance(inputs, _Tensor)
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    gs = grad(_tup(out), ins, None if v is None else _tup(v), create_graph=create_graph, allow_unused=True)
    gs = tuple(g if g is not None else _make(_xp.zeros_like(t._data)) for g, t in zip(gs, ins))
    return out.detach() if isinstance(out, _Tensor) else out, gs[0] if single else gs


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    from . import grad
    single = isinstance(inputs, _Tensor)
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    single_out = isinstance(out, _Tensor)
    outs = _tup(out)
    result = []
    for o in outs:
        rows = [[] for _ in ins]
        for j in range(o._data.size):
            go = _xp.zeros(o._data.shape, o._data.dtype)
            go.reshape(-1)[j] = 1
            gs = grad([o], ins, [_make(go)], retain_graph=True, create_graph=create_graph, allow_unused=True)
            for k, (g, t) in enumerate(zip(gs, ins)):
                rows[k].append(g if g is not None else _make(_xp.zeros_like(t._data)))
        from .._ops import stack, reshape
        per_in = tuple(reshape(stack(r), o.shape + t.shape) if r else
                       _make(_xp.zeros(o._data.shape + t._data.shape, t._data.dtype)) for r, t in zip(rows, ins))
        result.append(per_in[0] if single else per_in)
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    from . import grad
    single = isinstance(inputs, _Tensor)

    def gradf(*ins):
        out = func(*ins)
        gs = grad(out, ins, create_graph=True, allow_unused=True)
        return gs[0] if single else gs
    return jacobian(gradf, inputs, create_graph=create_graph)


def hvp(func, inputs, v, create_graph=False, strict=False):
    from . import grad
    single = isinstance(inputs, _Tensor)
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    g = grad(out, ins, create_graph=True)
    from .._ops import sum as _sum
    dot = None
    for gi, vi in zip(g, _tup(v)):
        d = _sum(gi * vi)
        dot = d if dot is None else dot + d
    h = grad(dot, ins, create_graph=create_graph, allow_unused=True)
    h = tuple(x if x is not None else _make(_xp.zeros_like(t._data)) for x, t in zip(h, ins))
    return out.detach(), h[0] if single else h


vhp = hvp


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """J v by the double-vjp trick: g(u) = J^T u is linear in u, so d<g(u), v>/du = J v."""
    from . import grad
    single = isinstance(inputs, _Tensor)
    ins = tuple(t.detach().requires_grad_() for t in _tup(inputs))
    out = func(*ins)
    outs = _tup(out)
    us = tuple(_make(_xp.zeros_like(o._data)).requires_grad_() for o in outs)
    gs = grad(outs, ins, us, create_graph=True, allow_unused=True)
    vs = _tup(v) if v is not None else tuple(_make(_xp.ones_like(t._data)) for t in ins)
    pairs = [(g, vi) for g, vi in zip(gs, vs) if g is not None and g.requires_grad]
    if not pairs:
        res = tuple(_make(_xp.zeros_like(o._data)) for o in outs)
    else:
        res = grad([g for g, _ in pairs], us, [vi for _, vi in pairs], create_graph=create_graph, allow_unused=True)
        res = tuple(r if r is not None else _make(_xp.zeros_like(o._data)) for r, o in zip(res, outs))
    det = out.detach() if isinstance(out, _Tensor) else tuple(o.detach() for o in outs)
    return det, res[0] if isinstance(out, _Tensor) else res
