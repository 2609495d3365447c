"""Numerical calculus on sampled values: gradient (finite differences), trapezoid and
cumulative_trapezoid (the trapezoidal rule). Compositions of differentiable slicing and arithmetic."""
from .. import _dtype as D
from .._tensor import Tensor
from ._util import wrap_dim


def _sl(t, axis, start, stop):
    return t.narrow(axis, start, stop - start)


def _spacing_1d(x, axis, ndim):
    """A 1-d coordinate tensor shaped to broadcast along axis."""
    shape = [1] * ndim
    shape[axis] = -1
    return x.reshape(shape)


def _no_bool_y(name, y, x=None):
    """PyTorch's bool check; its message names `x` too where an x tensor is given."""
    if y._data.dtype.kind == "b" or isinstance(x, Tensor) and x._data.dtype.kind == "b":
        which = "`x` or `y`" if isinstance(x, Tensor) else "`y`"
        raise RuntimeError(f"{name}: received a bool input for {which}, but bool is not supported")


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """sum over dim of (x_{i+1} - x_i) (y_i + y_{i+1}) / 2, with x given, or a constant spacing dx (1)."""
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments: x and dx given together")
    if y.dim() == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = wrap_dim(dim, y.dim())
    n = y.shape[axis]
    if n == 0:   # zeros of y's dtype, off the graph, before any dtype check (as PyTorch: bool gives False)
        return (y.detach().sum(axis) * 0).to(y.dtype)
    _no_bool_y("trapezoid", y, x)
    pair = _sl(y, axis, 1, n) + _sl(y, axis, 0, n - 1)
    if isinstance(x, Tensor):
        if x.dim() == 1:
            if x.shape[0] != n:
                raise RuntimeError(f"trapezoid: There must be one `x` value for each sample point")
            d = _spacing_1d(x[1:] - x[:-1], axis, y.dim())
        else:
            xa = wrap_dim(dim, x.dim())
            d = _sl(x, xa, 1, x.shape[xa]) - _sl(x, xa, 0, x.shape[xa] - 1)
        return (d * pair).sum(axis) / 2
    h = 1 if dx is None and x is None else (x if x is not None else dx)
    # PyTorch's form for a constant spacing: (sum(y) - (y_0 + y_last) / 2) * h (inf - inf is NaN there)
    # (the two ends are added in y's dtype, as PyTorch: a uint8 sum wraps)
    return (y.sum(axis) - (_sl(y, axis, 0, 1) + _sl(y, axis, n - 1, n)).sum(axis) * 0.5) * h


def trapz(y, x=None, *, dx=None, dim=-1):
    """Old spelling of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral along dim (one value fewer than y along dim)."""
    if not isinstance(x, Tensor):   # without x PyTorch checks bool before the dim, with x after it
        _no_bool_y("cumulative_trapezoid", y)
    axis = wrap_dim(dim, y.dim())
    _no_bool_y("cumulative_trapezoid", y, x)
    n = y.shape[axis]
    if n == 0:   # nothing to integrate: the dtype the products with x's spacing would have had
        xf = isinstance(x, Tensor) and x.dtype.is_floating_point
        if not y.dtype.is_floating_point:
            r = y.to(x.dtype) if xf else y.float()
        else:
            dt = D.promote(y.dtype, x.dtype) if xf else y.dtype
            r = y.clone() if dt == y.dtype else y.to(dt)
        if xf and x.requires_grad:   # the (empty) result stays in x's graph, as PyTorch's products with x's spacing
            r = r + x.sum().to(r.dtype) * 0
        return r
    pair = _sl(y, axis, 1, n) + _sl(y, axis, 0, n - 1)
    if isinstance(x, Tensor):
        if x.dim() == 1:
            if x.shape[0] != n:
                raise RuntimeError("cumulative_trapezoid: There must be one `x` value for each sample point")
            d = _spacing_1d(x[1:] - x[:-1], axis, y.dim())
        else:
            xa = wrap_dim(dim, x.dim())
            d = _sl(x, xa, 1, x.shape[xa]) - _sl(x, xa, 0, x.shape[xa] - 1)
        return (d * pair / 2).cumsum(axis)
    h = 1 if dx is None and x is None else (x if x is not None else dx)
    return (pair * (h / 2)).cumsum(axis)


def _grad_along(f, axis, h, edge_order):
    """Second-order central differences inside, one-sided of order edge_order at both ends; h is a number
    (uniform spacing) or a 1-d coordinate tensor."""
    from .copies import cat
    n = f.shape[axis]
    if n < edge_order + 1:
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    nd = f.dim()
    if not isinstance(h, Tensor):
        inner = (_sl(f, axis, 2, n) - _sl(f, axis, 0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (_sl(f, axis, 1, 2) - _sl(f, axis, 0, 1)) / h
            last = (_sl(f, axis, n - 1, n) - _sl(f, axis, n - 2, n - 1)) / h
        else:
            first = (-1.5 * _sl(f, axis, 0, 1) + 2 * _sl(f, axis, 1, 2) - 0.5 * _sl(f, axis, 2, 3)) / h
            last = (0.5 * _sl(f, axis, n - 3, n - 2) - 2 * _sl(f, axis, n - 2, n - 1)
                    + 1.5 * _sl(f, axis, n - 1, n)) / h
        return cat([first, inner, last], axis)
    dxs = h[1:] - h[:-1]
    a, b = dxs[:-1], dxs[1:]                 # the spacings left and right of each interior point
    ca = _spacing_1d(-b / (a * (a + b)), axis, nd)
    cb = _spacing_1d((b - a) / (a * b), axis, nd)
    cc = _spacing_1d(a / (b * (a + b)), axis, nd)
    inner = ca * _sl(f, axis, 0, n - 2) + cb * _sl(f, axis, 1, n - 1) + cc * _sl(f, axis, 2, n)
    if edge_order == 1:
        first = (_sl(f, axis, 1, 2) - _sl(f, axis, 0, 1)) / dxs[0]
        last = (_sl(f, axis, n - 1, n) - _sl(f, axis, n - 2, n - 1)) / dxs[-1]
    else:
        d1, d2 = dxs[0], dxs[1]
        first = (-(2 * d1 + d2) / (d1 * (d1 + d2)) * _sl(f, axis, 0, 1) + (d1 + d2) / (d1 * d2) * _sl(f, axis, 1, 2)
                 - d1 / (d2 * (d1 + d2)) * _sl(f, axis, 2, 3))
        e1, e2 = dxs[-2], dxs[-1]
        last = (e2 / (e1 * (e1 + e2)) * _sl(f, axis, n - 3, n - 2) - (e1 + e2) / (e1 * e2) * _sl(f, axis, n - 2, n - 1)
                + (2 * e2 + e1) / (e2 * (e1 + e2)) * _sl(f, axis, n - 1, n))
    return cat([first, inner, last], axis)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """The derivative estimated by finite differences along each of dims; spacing is one number, one
    number per dim, or one coordinate tensor per dim."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    nd = input.dim()
    if dim is None:
        dims = list(range(nd))
    elif isinstance(dim, int):
        dims = [wrap_dim(dim, nd)]
    else:
        dims = [wrap_dim(d, nd) for d in dim]
    if spacing is None:
        spacing = 1
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
                               f"dim arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
        hs = list(spacing)
    else:
        hs = [spacing] * len(dims)
    hs = [h.item() if isinstance(h, Tensor) and h.dim() == 0 else h for h in hs]
    out = []
    for axis, h in zip(dims, hs):
        r = _grad_along(input, axis, h, edge_order)
        if not r.dtype.is_floating_point and not r.dtype.is_complex:
            r = r.float()
        out.append(r)
    return tuple(out)


__all__ = ["trapezoid", "trapz", "cumulative_trapezoid", "gradient"]
