"""Complex tensors: PyTorch's complex-only functions (complex, polar, real/imag views, view_as_real /
view_as_complex, conj and its flags, angle, sgn) and ``torch.result_type``.

Autograd follows PyTorch's convention: the gradient of a real loss L with respect to z = x + iy is
dL/dx + i dL/dy (twice the conjugate Wirtinger derivative), so for a holomorphic f the backward is
``grad * conj(f'(z))``.  The engine gets that from the real formulas of the holomorphic ops (see
``autograd.engine._complex_backward``); the Functions here are not holomorphic and state their own
(``_complex_aware``)."""
import numbers

from .._backend import xp
from .. import _dtype as D
from ..autograd.function import Function
from ..autograd.grad_mode import state as _gs
from .._tensor import Tensor, _make
from ._util import as_view, sum_to, write_out


def _scalar_dtype(s):
    if isinstance(s, bool):
        return D.bool_
    if isinstance(s, numbers.Integral):
        return D.int64
    if isinstance(s, numbers.Real):
        return D.get_default_dtype()
    return D.default_complex()


def result_type(tensor, other):
    """``torch.result_type``: the dtype of an elementwise op of two operands, with PyTorch's priority of
    dimensioned tensors over 0-d tensors over Python numbers (a lower level only lifts the category)."""
    if isinstance(tensor, Tensor) and isinstance(other, Tensor):
        return D.result_type(tensor.dtype, tensor._data.ndim == 0, other.dtype, other._data.ndim == 0)
    if isinstance(tensor, Tensor):
        t, s = tensor, other
    elif isinstance(other, Tensor):
        t, s = other, tensor
    else:
        return D.promote(_scalar_dtype(tensor), _scalar_dtype(other))
    return D._combine(t.dtype, _scalar_dtype(s))


def _flagged(t, name):
    t.__dict__[name] = True
    return t


# ------------------------------------------------------------------------------------------ conj
class Conj(Function):
    """conj(z) = x - iy; grad = conj(grad)"""
    _builtin = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        return xp.conj(a._data)

    @staticmethod
    def backward(ctx, g):
        return Conj.apply(g) if g._data.dtype.kind == "c" else g


class ConjPhysical(Conj):
    node_name = "ConjPhysicalBackward0"


def conj(input):
    """The complex conjugate. PyTorch returns a lazy view with the conjugate bit set; numtorch computes the
    values (so the result does not alias ``input``) and keeps the bit for ``is_conj``/``resolve_conj``."""
    if input._data.dtype.kind != "c":
        return input
    r = Conj.apply(input)
    return r if input._conj else _flagged(r, "_conj")   # conj of a conjugated view clears the bit


def conj_physical(input, *, out=None):
    if input._data.dtype.kind != "c":
        return write_out(input, out) if out is not None else input
    return write_out(ConjPhysical.apply(input), out)


def conj_physical_(input):
    if input._data.dtype.kind != "c":
        return input
    from .inplace import inplace
    return inplace(input, conj_physical)


def is_conj(input):
    return input._conj


def is_neg(input):
    return input._neg


def resolve_conj(input):
    """A tensor whose conjugate bit is unset (a copy when it was set)."""
    if not input._conj:
        return input
    from .conversion import clone
    return clone(input)


def resolve_neg(input):
    if not input._neg:
        return input
    from .conversion import clone
    return clone(input)


# ------------------------------------------------------------------------------------ real / imag
class Real(Function):
    """x of z = x + iy, sharing z's memory; grad_z = grad + 0i"""
    _builtin = True
    _is_view = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        ctx.dtype = D.from_numpy_dtype(a._data.dtype)
        return a._data.real

    @staticmethod
    def backward(ctx, g):
        return g.to(ctx.dtype)

    @staticmethod
    def _write_back(base, new):
        """The base after an in-place change of its real view."""
        return ComplexFn.apply(new, Imag.apply(base))


class Imag(Function):
    """y of z = x + iy, sharing z's memory; grad_z = 0 + i grad"""
    _builtin = True
    _is_view = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        return a._data.imag

    @staticmethod
    def backward(ctx, g):
        return g * 1j

    @staticmethod
    def _write_back(base, new):
        return ComplexFn.apply(Real.apply(base), new)


def real(input):
    """The real part, a view that writes through (``x.real.mul_(2)`` changes ``x``); a real tensor itself."""
    if input._data.dtype.kind != "c":
        return input
    return as_view(Real, input)


def imag(input):
    """The imaginary part, a view that writes through."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    r = as_view(Imag, input)
    return _flagged(r, "_neg") if input._conj else r


def real_part_for(t, v):
    """A complex value written into a real tensor: PyTorch drops a tensor's imaginary part silently and refuses
    a Python complex number. Into a bool tensor both parts count: z != 0."""
    if t._data.dtype.kind == "b":
        return v != 0
    if not hasattr(v, "dtype"):   # a Python complex number
        raise RuntimeError(f"value cannot be converted to type {'double' if t._data.dtype == xp.float64 else 'float'}"
                           " without overflow")
    return v.real


def _set_real(self, value):
    real(self).copy_(value)


def _set_imag(self, value):
    imag(self).copy_(value)


# ------------------------------------------------------------------------- view_as_real / complex
class ViewAsReal(Function):
    """z of shape S as the reals of shape S + (2,) on the same memory; grad = view_as_complex(grad)"""
    _builtin = True
    _is_view = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        d = a._data
        return xp.lib.stride_tricks.as_strided(d.real, shape=d.shape + (2,), strides=d.strides + (d.itemsize // 2,))

    @staticmethod
    def backward(ctx, g):
        from .conversion import contiguous
        return ViewAsComplex.apply(contiguous(g))

    @staticmethod
    def _write_back(base, new):
        from .conversion import contiguous
        return ViewAsComplex.apply(contiguous(new))


class ViewAsComplex(Function):
    """reals of shape S + (2,) as complex numbers of shape S on the same memory; grad = view_as_real(grad)"""
    _builtin = True
    _is_view = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        d = a._data
        cd = xp.complex64 if d.dtype == xp.float32 else xp.complex128
        return d.view(cd)[..., 0]

    @staticmethod
    def backward(ctx, g):
        return ViewAsReal.apply(g)

    @staticmethod
    def _write_back(base, new):
        return ViewAsReal.apply(new)


def view_as_real(input):
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if input._conj:
        raise RuntimeError("view_as_real doesn't work on unresolved conjugated tensors.  To resolve the conjugate "
                           "tensor so you can view it as real, use self.resolve_conj(); however, be warned that the "
                           "resulting tensor will NOT alias the original.")
    return as_view(ViewAsReal, input)


def _storage_offset(d):
    root = d
    while root.base is not None and isinstance(root.base, xp.ndarray):
        root = root.base
    return (d.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // d.itemsize


def view_as_complex(input):
    d = input._data
    if d.dtype.kind != "f" or d.dtype == xp.float16:
        if d.dtype == xp.float16:
            return D.complex32.np   # raises: NumPy has no complex32
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {D.scalar_name(d.dtype)}")
    if d.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if d.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    st = d.strides
    if st[-1] != d.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any((s // d.itemsize) % 2 for s, n in zip(st[:-1], d.shape[:-1])):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if _storage_offset(d) % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return as_view(ViewAsComplex, input)


def view_as_real_copy(input, *, out=None):
    from .conversion import clone
    return write_out(clone(view_as_real(input)), out)


def view_as_complex_copy(input, *, out=None):
    from .conversion import clone
    return write_out(clone(view_as_complex(input)), out)


# ---------------------------------------------------------------------------------- complex / polar
class ComplexFn(Function):
    """real + i imag (broadcast); grad_real = Re(grad), grad_imag = Im(grad)"""
    _builtin = True
    _complex_aware = True
    node_name = "ComplexBackward0"

    @staticmethod
    def forward(ctx, re, im):
        r, i = xp.broadcast_arrays(re._data, im._data)
        ctx.shapes = (re._data.shape, im._data.shape)
        out = xp.empty(r.shape, xp.complex64 if r.dtype == xp.float32 else xp.complex128)
        out.real = r
        out.imag = i
        return out

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad[:2]
        return (sum_to(real(g), ctx.shapes[0]) if na else None,
                sum_to(imag(g), ctx.shapes[1]) if nb else None)


def _check_float_pair(a, b):
    da, db = a._data.dtype, b._data.dtype
    ok = ("float16", "float32", "float64")
    if da.name not in ok or db.name not in ok:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.scalar_name(da)} and {D.scalar_name(db)}")
    if da != db:
        raise RuntimeError(f"Expected object of scalar type {D.scalar_name(da)} but got scalar type "
                           f"{D.scalar_name(db)} for second argument")
    if da == xp.float16:
        D.complex32.np   # raises: NumPy has no complex32
    from .._tensor import broadcast_error
    e = broadcast_error(tuple(a._data.shape), tuple(b._data.shape))
    if e is not None:
        raise e


def complex(real, imag, *, out=None):
    """``real + i imag`` from two float tensors of the same dtype (float32 -> complex64)."""
    _check_float_pair(real, imag)
    return write_out(ComplexFn.apply(real, imag), out)


class Polar(Function):
    """out = abs (cos(angle) + i sin(angle)); grad_abs = Re(conj(grad) sgn(out)),
    grad_angle = Re(conj(grad) i out) (PyTorch's formula, which takes abs >= 0)"""
    _builtin = True
    _complex_aware = True
    _save_output = True

    @staticmethod
    def forward(ctx, r, th):
        ctx.shapes = (r._data.shape, th._data.shape)
        with xp.errstate(all="ignore"):
            re, im = r._data * xp.cos(th._data), r._data * xp.sin(th._data)
        out = xp.empty(re.shape, xp.complex64 if re.dtype == xp.float32 else xp.complex128)
        out.real = re
        out.imag = im
        return out

    @staticmethod
    def backward(ctx, g):
        y = ctx.saved_output
        gc = conj(g)
        na, nb = ctx.needs_input_grad[:2]
        return (sum_to(real(gc * sgn(y)), ctx.shapes[0]) if na else None,
                sum_to(real(gc * (y * 1j)), ctx.shapes[1]) if nb else None)


def polar(abs, angle, *, out=None):
    """``abs * (cos(angle) + i sin(angle))``."""
    _check_float_pair(abs, angle)
    return write_out(Polar.apply(abs, angle), out)


# --------------------------------------------------------------------------------- angle / sgn
class Angle(Function):
    """arg(z) = atan2(y, x); grad_z = grad * i z / |z|^2 (0 at 0); real x: 0 or pi, gradient 0"""
    _builtin = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        d = a._data
        ctx.save_for_backward(a)
        if d.dtype.kind == "c":
            return xp.angle(d)
        if d.dtype.kind not in "fV":
            d = d.astype(D.get_default_dtype().np)
        r = xp.where(d < 0, xp.asarray(xp.pi, d.dtype), xp.zeros((), d.dtype))
        return xp.where(xp.isnan(d), d, r).astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        from .pointwise_binary import where
        if a._data.dtype.kind != "c":
            return g * 0
        from .arith import abs as _abs
        r = g * a * 1j / _abs(a) ** 2
        return where(a == 0, _make(xp.zeros((), a._data.dtype)), r)


def angle(input, *, out=None):
    return write_out(Angle.apply(input), out)


class Sgn(Function):
    """sgn(z) = z / |z| (0 at 0); grad_z = (grad - sgn^2 conj(grad)) / (2|z|) (0 at 0)"""
    _builtin = True
    _complex_aware = True

    @staticmethod
    def forward(ctx, a):
        d = a._data
        ctx.save_for_backward(a)
        m = xp.abs(d)
        with xp.errstate(invalid="ignore", divide="ignore"):
            return xp.where(m == 0, xp.zeros((), d.dtype), d / xp.where(m == 0, 1, m)).astype(d.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        from .pointwise_binary import where
        from .arith import abs as _abs
        m = _abs(a)
        s = sgn(a)
        r = (g - s * s * conj(g)) / (2 * m)
        return where(m == 0, _make(xp.zeros((), a._data.dtype)), r)


def sgn(input, *, out=None):
    """``z / |z|`` for complex tensors (0 at 0); ``sign`` for real ones."""
    if input._data.dtype.kind != "c":
        from .unary import sign
        return write_out(sign(input), out)
    return write_out(Sgn.apply(input), out)


def isreal(input):
    d = input._data
    return _make(d.imag == 0 if d.dtype.kind == "c" else xp.ones(d.shape, bool))


def adjoint(input):
    """The conjugate transpose of the last two dims (a view with the conjugate bit for complex tensors)."""
    from .views import transpose
    return conj(transpose(input, -2, -1))


def _mH(self):
    if self._data.ndim < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return adjoint(self)


def _H(self):
    nd = self._data.ndim
    if nd != 2 and nd != 0:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor." +
                           (" For batches of matrices, consider using tensor.mH" if nd > 2 else ""))
    return adjoint(self) if nd == 2 else conj(self)


def _install():
    """The Tensor methods and properties (replacing the real-only ``sgn``/``isreal``/``adjoint``)."""
    from .._tensor import _METHODS
    Tensor.real = property(real, _set_real)
    Tensor.imag = property(imag, _set_imag)
    Tensor.mH = property(_mH)
    Tensor.H = property(_H)
    def abs_(self):
        if self._data.dtype.kind == "c":
            raise RuntimeError("In-place abs is not supported for complex tensors.")
        return _abs_inplace(self)
    _abs_inplace = Tensor.__dict__.get("abs_")
    if _abs_inplace is not None:
        Tensor.abs_ = Tensor.absolute_ = abs_
    for name, fn in {"conj": conj, "conj_physical": conj_physical, "conj_physical_": conj_physical_,
                     "is_conj": is_conj, "is_neg": is_neg, "resolve_conj": resolve_conj, "resolve_neg": resolve_neg,
                     "angle": angle, "sgn": sgn, "isreal": isreal, "adjoint": adjoint}.items():
        setattr(Tensor, name, fn)
        _METHODS[name] = fn


_install()

__all__ = ["result_type", "complex", "polar", "real", "imag", "view_as_real", "view_as_complex",
           "view_as_real_copy", "view_as_complex_copy", "conj", "conj_physical", "conj_physical_", "is_conj",
           "is_neg", "resolve_conj", "resolve_neg", "angle", "sgn", "isreal", "adjoint"]


# ------------------------------------------------------------------------------ complex log-sum-exp
def cx_logaddexp(x, y):
    """PyTorch's complex logaddexp of two arrays: with mx / mn the operand of larger / smaller real part (``x``
    on ties), log1p(exp(mn - mx)) + mx; so the imaginary part follows ``mx`` and need not lie in (-pi, pi].
    A NaN anywhere gives NaN + NaN j; both real parts -inf gives mn; both +inf gives log(e^mn + e^mx)."""
    x, y = xp.broadcast_arrays(x, y)
    first = x.real >= y.real
    mx, mn = xp.where(first, x, y), xp.where(first, y, x)
    with xp.errstate(all="ignore"):
        r = xp.log1p(xp.exp(mn - mx)) + mx
        inf = ~xp.isfinite(mn.real) & (mn.real == mx.real)
        if inf.any():
            r = xp.where(inf & (mn.real < 0), mn, r)
            r = xp.where(inf & (mn.real > 0), xp.log(xp.exp(mn) + xp.exp(mx)), r)
    nan = xp.isnan(x) | xp.isnan(y)
    if nan.any():
        r = xp.where(nan, xp.asarray(xp.nan + xp.nan * 1j, r.dtype), r)
    return r.astype(x.dtype, copy=False)


def cx_logcumsumexp(d, axis):
    """PyTorch's complex logcumsumexp: r_0 = x_0, r_i = logaddexp(x_i, r_{i-1}) (``cx_logaddexp``), accumulated in
    complex128 as PyTorch's kernel (its accumulate type).

    Vectorized: the value mod 2 pi i is log(cumsum(exp(x - R))) + R over blocks in which the running maximum of the
    real part spans less than ``_LCSE_SPAN`` (a block is halved until it does, so nothing under- or overflows; the
    log-sum at a block's end is carried into the next). The imaginary part then takes the recursion's branch: each
    step adds arg(1 + e^(mn - mx)) in (-pi/2, pi/2] to the operand of larger real part (x_i on ties), so it is the
    value nearest to Im x_i where x_i leads, else the previous output's imaginary part plus the wrapped change of the
    principal argument. Slices holding NaN, +inf or an infinite imaginary part step through ``cx_logaddexp``."""
    dt = d.dtype
    x = xp.moveaxis(d, axis, 0).astype(xp.complex128)
    n = x.shape[0]
    rest = x.shape[1:]
    x = x.reshape(n, -1)
    out = xp.empty_like(x)
    if n and x.shape[1]:
        odd = (xp.isnan(x) | xp.isinf(x.imag) | (x.real == xp.inf)).any(0)
        good = ~odd
        if good.any():
            out[:, good] = _lcse_finite(x[:, good])
        if odd.any():
            xo = x[:, odd]
            r = out[0, odd] = cx_logaddexp(xo[0], xp.asarray(-xp.inf + 0j, xo.dtype))
            for i in range(1, n):
                r = out[i, odd] = cx_logaddexp(xo[i], r)
    return xp.moveaxis(out.reshape((n,) + rest).astype(dt, copy=False), 0, axis)


_LCSE_SPAN = 500.0   # e^-500 is still a normal float64: the terms of a block keep full relative precision


def _lcse_finite(x):
    """cx_logcumsumexp along axis 0 of (n, k) complex128 values whose real parts are finite or -inf (imaginary
    parts finite)."""
    s = xp.empty_like(x)
    with xp.errstate(all="ignore"):
        _lcse_blocks(x, xp.full(x.shape[1], -xp.inf + 0j), s)
        lead = x.real == -xp.inf
        s[0] = xp.where(lead[0], -xp.inf + 0j, x[0] + 0j)   # logaddexp(x_0, -inf) is x_0 exactly (-0 turned +0)
        th = s.imag
        # where x_i has the larger real part (ties included) the branch restarts next to Im x_i
        reset = xp.empty(x.shape, bool)
        reset[0] = True
        reset[1:] = x.real[1:] >= s.real[:-1]
        two_pi = 2 * xp.pi
        wrap = lambda t: t - two_pi * xp.round(t / two_pi)   # noqa: E731
        base = x.imag + wrap(th - x.imag)
        step = xp.zeros_like(th)
        step[1:] = wrap(th[1:] - th[:-1])
        csum = xp.cumsum(xp.where(reset, 0.0, step), axis=0)
        idx = xp.maximum.accumulate(xp.where(reset, xp.arange(x.shape[0])[:, None], 0), axis=0)
        im = xp.take_along_axis(base - csum, idx, axis=0) + csum
        im[0] = s.imag[0]
        s = s.real + 1j * im
        # an empty sum so far (leading -inf): -inf + 0j, as the kernel's start value
        none = xp.logical_and.accumulate(lead, axis=0)
        s[none] = -xp.inf + 0j
    return s


def _lcse_blocks(x, carry, out):
    """The principal log(e^carry + cumsum(e^x)) of ``x`` (m, k) into ``out``; returns the last row."""
    m = x.shape[0]
    run = xp.maximum.accumulate(xp.maximum(x.real, carry.real[None, :]), axis=0)
    top = run[-1]
    first = xp.where(xp.isfinite(run), run, xp.inf).min(0)
    span = xp.where(xp.isfinite(top) & xp.isfinite(first), top - first, 0.0)
    if m > 1 and span.max() > _LCSE_SPAN:
        h = m // 2
        c = _lcse_blocks(x[:h], carry, out[:h])
        return _lcse_blocks(x[h:], c, out[h:])
    ref = xp.where(xp.isfinite(top), top, 0.0)
    terms = xp.where(x.real == -xp.inf, 0j, xp.exp(x - ref))
    c0 = xp.where(carry.real == -xp.inf, 0j, xp.exp(carry - ref))
    out[:] = xp.log(xp.cumsum(terms, axis=0) + c0) + ref
    return out[-1]


# ------------------------------------------------------------------------------ refusals
def _complex_name(*xs):
    for x in xs:
        d = getattr(x, "_data", x)
        if getattr(d, "dtype", None) is not None and d.dtype.kind == "c":
            return D.scalar_name(d.dtype)
    return D.scalar_name(D.default_complex().np)


def any_complex(*xs):
    """True when one of the operands (tensors, arrays or Python numbers) is complex."""
    for x in xs:
        d = getattr(x, "_data", x)
        k = getattr(getattr(d, "dtype", None), "kind", None)
        if k == "c" or (k is None and isinstance(d, numbers.Complex) and not isinstance(d, numbers.Real)):
            return True
    return False


def refuse_kernel(kernel, *xs):
    """PyTorch's NotImplementedError for a kernel without a complex version: '"lt_cpu" not implemented for
    'ComplexFloat''."""
    if any_complex(*xs):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_complex_name(*xs)}'")


def refuse(message, *xs, cls=RuntimeError):
    """PyTorch's own sentence for an op that refuses complex inputs."""
    if any_complex(*xs):
        raise cls(message)


# (name, message or kernel, exception class, which arguments to look at): the ops PyTorch refuses for complex
# inputs, checked before the op runs (wrapped once at import; a real call pays one isinstance-free kind test)
_REFUSED = {
    "max": ('"max_all"', 'max(): does not support complex input'), "min": ('"min_all"', 'min(): does not support complex input'),
    "amax": ('"max_values_cpu"',), "amin": ('"min_values_cpu"',), "aminmax": ('"aminmax_cpu"',),
    "argmax": ("argmax(): does not support complex input", RuntimeError),
    "argmin": ("argmin(): does not support complex input", RuntimeError),
    "sort": (" Sort does not support complex dtypes on CPU", RuntimeError),
    "argsort": (" Sort does not support complex dtypes on CPU", RuntimeError),
    "msort": (" Sort does not support complex dtypes on CPU", RuntimeError),
    "topk": (" topk does not support complex dtypes on CPU", RuntimeError),
    "atan2": ('"atan2_cpu"',), "arctan2": ('"atan2_cpu"',), "erf": ('"erf_vml_cpu"',), "erfc": ('"erfc_vml_cpu"',),
    "erfinv": ('"erfinv_vml_cpu"',), "logit": ('"logit_cpu"',), "median": ('"median_cpu"',),
    "nanmedian": ('"nanmedian_cpu"',), "kthvalue": ('"kthvalue_cpu"',), "cummax": ('"cummax_cpu"',),
    "cummin": ('"cummin_cpu"',), "hypot": ('"hypot_cpu"',),
    "signbit": ("signbit is not implemented for complex tensors.", NotImplementedError),
    "heaviside": ("heaviside is not yet implemented for complex tensors.", RuntimeError),
    "fmax": ("fmax not implemented for complex tensors.", RuntimeError),
    "fmin": ("fmin not implemented for complex tensors.", RuntimeError),
    "unique": ('"unique"',), "histc": ('"aminmax_cpu"',), "searchsorted": ('"searchsorted_out_cpu"',),
    "bucketize": ('"searchsorted_out_cpu"',),
    "isposinf": ("isposinf does not support complex inputs.", RuntimeError),
    "isneginf": ("isneginf does not support complex inputs.", RuntimeError),
    "lgamma": ('"lgamma_vml_cpu"',), "digamma": ('"digamma"',), "xlogy": ('"xlogy_cpu"',),
    "deg2rad": ("deg2rad is not supported for complex tensors.", RuntimeError),
    "rad2deg": ("rad2deg is not supported for complex tensors.", RuntimeError),
    "copysign": ('"copysign_cpu"',), "nansum": ("nansum on CPU does not support complex inputs", RuntimeError),
    "nanmean": ("nansum on CPU does not support complex inputs", RuntimeError),
    "cdist": (None,), "frac": ('"frac_cpu"',),
}


def _guard(name, fn, spec):
    import functools

    def complex_in(args, kwargs):
        for a in args[:2]:
            if a.__class__ is Tensor or isinstance(a, Tensor):
                if a._data.dtype.kind == "c":
                    return True
        return False

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        if complex_in(args, kwargs):
            first = spec[0]
            if name == "cdist":
                raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_complex_name(*args[:2])}")
            if name in ("max", "min") and (len(args) > 1 or "dim" in kwargs):
                raise RuntimeError(spec[1])
            if len(spec) == 2 and isinstance(spec[1], type):
                raise spec[1](first)
            raise NotImplementedError(f"{first} not implemented for '{_complex_name(*args[:2])}'")
        return fn(*args, **kwargs)
    guarded._complex_guarded = True
    return guarded


def _install_refusals():
    import sys
    from .._tensor import _METHODS
    ops = sys.modules[__name__.rsplit(".", 1)[0]]
    for name, spec in _REFUSED.items():
        fn = getattr(ops, name, None)
        if fn is not None and not getattr(fn, "_complex_guarded", False):
            setattr(ops, name, _guard(name, fn, spec))
        m = Tensor.__dict__.get(name)
        if m is not None and callable(m) and not getattr(m, "_complex_guarded", False):
            g = _guard(name, m, spec)
            setattr(Tensor, name, g)
            if name in _METHODS:
                _METHODS[name] = g


def install_refusals_in(namespace, names):
    """Guard ``names`` of another namespace (the top-level ``torch.lgamma`` from torch.special) and the Tensor
    methods of the same names."""
    for name in names:
        spec = _REFUSED[name]
        fn = namespace.get(name)
        if fn is not None and not getattr(fn, "_complex_guarded", False):
            namespace[name] = _guard(name, fn, spec)
        m = Tensor.__dict__.get(name)
        if m is not None and callable(m) and not getattr(m, "_complex_guarded", False):
            setattr(Tensor, name, _guard(name, m, spec))
