"""Finite-difference checks of analytical gradients (float64), as ``torch.autograd.gradcheck``."""
from .._backend import xp
from .._tensor import Tensor, _make


class GradcheckError(RuntimeError):
    pass


def _flat_outputs(out):
    if isinstance(out, Tensor):
        return [out]
    return [o for o in out if isinstance(o, Tensor)]


def _real_flat(a):
    """An output as real numbers: a complex one as (re, im) pairs, as PyTorch's gradcheck views it."""
    a = xp.asarray(a)
    if a.dtype.kind == "c":
        return xp.stack([a.real, a.imag], -1).astype(xp.float64).reshape(-1)
    return a.astype(xp.float64).reshape(-1)


def _numerical_jacobian(fn, inputs, eps):
    """J[k][i, j] = d out_j / d input_k_i by central differences, over real coordinates: a complex input is
    perturbed in its real and its imaginary part (rows 2i, 2i + 1), a complex output gives two columns."""
    outs0 = [_real_flat(o._data) for o in _flat_outputs(fn(*inputs))]
    jac = []
    for t in inputs:
        if not (isinstance(t, Tensor) and t.requires_grad):
            jac.append(None)
            continue
        d = t._data
        flat = d.reshape(-1)
        steps = (eps, eps * 1j) if d.dtype.kind == "c" else (eps,)
        J = [xp.zeros((flat.size * len(steps), o.size)) for o in outs0]
        for i in range(flat.size):
            orig = flat[i].item()
            for s, step in enumerate(steps):
                flat[i] = orig + step
                plus = [_real_flat(o._data) for o in _flat_outputs(fn(*inputs))]
                flat[i] = orig - step
                minus = [_real_flat(o._data) for o in _flat_outputs(fn(*inputs))]
                flat[i] = orig
                for k in range(len(J)):
                    J[k][i * len(steps) + s] = (plus[k] - minus[k]) / (2 * eps)
        jac.append(J)
    return jac


def _analytical_jacobian(fn, inputs):
    """The same Jacobian from backward: grad_output e_j gives the gradient of Re(out_j) and 1j e_j that of
    Im(out_j); a complex input's gradient g = dL/dx + i dL/dy fills its rows (Re g, Im g), PyTorch's convention."""
    from . import grad
    outs = _flat_outputs(fn(*inputs))
    diff_in = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    nrow = {id(t): t._data.size * (2 if t._data.dtype.kind == "c" else 1) for t in diff_in}
    jac = {id(t): [xp.zeros((nrow[id(t)], o._data.size * (2 if o._data.dtype.kind == "c" else 1))) for o in outs]
           for t in diff_in}
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        units = (1, 1j) if o._data.dtype.kind == "c" else (1,)
        for j in range(o._data.size):
            for s, unit in enumerate(units):
                go = xp.zeros(o._data.shape, o._data.dtype)
                go.reshape(-1)[j] = unit
                gs = grad([o], diff_in, [_make(go)], retain_graph=True, allow_unused=True)
                col = j * len(units) + s
                for t, g in zip(diff_in, gs):
                    if g is not None:
                        jac[id(t)][k][:, col] = _real_flat(g._data) if t._data.dtype.kind == "c" else \
                            g._data.reshape(-1)
    return [jac.get(id(t)) if isinstance(t, Tensor) and t.requires_grad else None for t in inputs]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """Compare analytical gradients with central finite differences; True when they agree."""
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    for t in inputs:
        if isinstance(t, Tensor) and t.requires_grad and t._data.dtype not in (xp.float64, xp.complex128):
            import warnings
            warnings.warn("Input #0 requires gradient and is not a double precision floating point. This check "
                          "will likely fail if all the inputs are not of double precision floating point. ")
    num = _numerical_jacobian(func, inputs, eps)
    ana = _analytical_jacobian(func, inputs)
    for k, (n, a) in enumerate(zip(num, ana)):
        if n is None:
            continue
        for o, (nj, aj) in enumerate(zip(n, a)):
            if not xp.allclose(aj, nj, rtol=rtol, atol=atol):
                msg = (f"Jacobian mismatch for output {o} with respect to input {k},\n"
                       f"numerical:{nj}\nanalytical:{aj}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """gradcheck applied to the first derivative (checks second derivatives)."""
    from . import grad
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    outs = _flat_outputs(func(*inputs))
    rng = xp.random.default_rng(0)
    if grad_outputs is None:
        grad_outputs = [_make(xp.asarray(rng.standard_normal(o._data.shape) if o._data.dtype.kind != "c" else
                                         rng.standard_normal(o._data.shape) + 1j * rng.standard_normal(o._data.shape)))
                         .requires_grad_() for o in outs]
    n_in = len(inputs)

    def first(*args):
        ins, gos = args[:n_in], args[n_in:]
        o = _flat_outputs(func(*ins))
        diff = [t for t in ins if isinstance(t, Tensor) and t.requires_grad]
        return grad(o, diff, list(gos), create_graph=True, allow_unused=True)

    return gradcheck(lambda *a: tuple(g for g in first(*a) if g is not None), inputs + tuple(grad_outputs),
                     eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
