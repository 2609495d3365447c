"""Gradients through complex tensors against real torch: PyTorch's convention (the gradient of a real loss
with respect to z = x + iy is dL/dx + i dL/dy; grad * conj(f'(z)) for a holomorphic f), vector-Jacobian
products for a random complex grad_output, real -> complex -> real chains, second derivatives, the implicit
grad errors and gradcheck on complex inputs."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch

RNG = np.random.default_rng(7)
Z = (RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3))) * 0.6
W = (RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3))) * 0.6
R = RNG.standard_normal((2, 3))

FUNCS = {
    "add": lambda T, a, b, c: a + b * c, "sub": lambda T, a, b, c: a - 2 * b, "mul": lambda T, a, b, c: a * b,
    "mul_real": lambda T, a, b, c: a * c, "div": lambda T, a, b, c: a / b, "rdiv": lambda T, a, b, c: (1 + 2j) / a,
    "div_real": lambda T, a, b, c: c / a, "pow": lambda T, a, b, c: a ** b, "pow_s": lambda T, a, b, c: a ** 2.5,
    "pow_3": lambda T, a, b, c: a ** 3, "rpow": lambda T, a, b, c: 2 ** a, "pow_c": lambda T, a, b, c: a ** (1 + 1j),
    "neg": lambda T, a, b, c: -a, "reciprocal": lambda T, a, b, c: a.reciprocal(), "square": lambda T, a, b, c: a.square(),
    **{f: (lambda f: lambda T, a, b, c: getattr(T, f)(a))(f) for f in [
        "exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh",
        "tanh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "sigmoid", "abs", "angle", "sgn", "conj",
        "conj_physical", "real", "imag", "view_as_real"]},
    "complex": lambda T, a, b, c: T.complex(c, c * c), "polar": lambda T, a, b, c: T.polar(c.abs(), c),
    "view_as_complex": lambda T, a, b, c: T.view_as_complex(T.stack([c, 2 * c], -1)),
    "real_prop": lambda T, a, b, c: a.real * a.imag, "to_real": lambda T, a, b, c: (a * b).abs().to(a.dtype),
    "to_complex": lambda T, a, b, c: c.to(a.dtype) * a, "cast_back": lambda T, a, b, c: (c.to(a.dtype) * 1j).real,
    "sum": lambda T, a, b, c: a.sum(), "sum1": lambda T, a, b, c: (a * b).sum(1), "mean": lambda T, a, b, c: a.mean(0),
    "prod": lambda T, a, b, c: a.prod(1), "prod_all": lambda T, a, b, c: a.prod(), "cumsum": lambda T, a, b, c: a.cumsum(1),
    "cumprod": lambda T, a, b, c: a.cumprod(1), "var": lambda T, a, b, c: a.var(1), "std": lambda T, a, b, c: a.std(),
    "norm": lambda T, a, b, c: a.norm(), "vector_norm3": lambda T, a, b, c: T.linalg.vector_norm(a, 3, dim=1),
    "matmul": lambda T, a, b, c: a @ b.mT, "matmul_mH": lambda T, a, b, c: a @ b.mH, "bmm": lambda T, a, b, c: T.bmm(a[None], b.mT[None]),
    "mv": lambda T, a, b, c: T.mv(a, b[0]), "dot": lambda T, a, b, c: T.dot(a[0], b[0]),
    "vdot": lambda T, a, b, c: T.vdot(a[0], b[0]), "einsum": lambda T, a, b, c: T.einsum("ij,kj->ik", a, b),
    "tensordot": lambda T, a, b, c: T.tensordot(a, b, dims=([1], [1])), "outer": lambda T, a, b, c: T.outer(a[0], b[1]),
    "reshape": lambda T, a, b, c: a.reshape(3, 2) * 2, "T": lambda T, a, b, c: a.T * b.T, "index": lambda T, a, b, c: a[1, ::2],
    "fancy": lambda T, a, b, c: a[:, [2, 0, 2]], "cat": lambda T, a, b, c: T.cat([a, b]), "stack": lambda T, a, b, c: T.stack([a, b * c]),
    "where": lambda T, a, b, c: T.where(c > 0, a, b), "masked_fill": lambda T, a, b, c: a.masked_fill(c > 0, 1 + 1j),
    "flip": lambda T, a, b, c: a.flip(0), "gather": lambda T, a, b, c: a.gather(1, T.tensor([[0, 2], [1, 1]])),
    "expand": lambda T, a, b, c: a[0].expand(2, 3) * b, "trace": lambda T, a, b, c: T.trace(a[:, :2]),
    "mH": lambda T, a, b, c: a.mH, "adjoint": lambda T, a, b, c: a.adjoint() * 2, "H": lambda T, a, b, c: a.H,
    "softmax_abs": lambda T, a, b, c: a.abs().softmax(0),
    "abs_of_holo": lambda T, a, b, c: (a.exp() * a.sin()).abs(), "angle_of_holo": lambda T, a, b, c: (a * a).angle(),
    "setitem": lambda T, a, b, c: (lambda x: (x.__setitem__(0, b[1]), x)[1])(a * 1),
    "inplace_real": lambda T, a, b, c: (lambda x: (x.real.mul_(3), x)[1])(a * 1),
    "inplace_imag": lambda T, a, b, c: (lambda x: (x.imag.add_(c), x)[1])(a * 1),
    "inplace_view_as_real": lambda T, a, b, c: (lambda x: (T.view_as_real(x).mul_(2), x)[1])(a * b),
    "mul_": lambda T, a, b, c: (a * 1).mul_(b), "lerp": lambda T, a, b, c: T.lerp(a, b, 0.3),
    "addcmul": lambda T, a, b, c: T.addcmul(a, b, a, value=0.5), "diff": lambda T, a, b, c: T.diff(a),
}


def _make(lib, arr, dtype, rg=True):
    t = lib.tensor(arr, dtype=dtype)
    return t.requires_grad_(rg)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_vjp_matches_torch(name):
    f = FUNCS[name]
    ins_t = [_make(torch, Z, torch.complex128), _make(torch, W, torch.complex128), _make(torch, R, torch.float64)]
    ins_n = [_make(nt, Z, nt.complex128), _make(nt, W, nt.complex128), _make(nt, R, nt.float64)]
    out_t, out_n = f(torch, *ins_t), f(nt, *ins_n)
    assert repr(out_n.dtype) == repr(out_t.dtype) and tuple(out_n.shape) == tuple(out_t.shape)
    np.testing.assert_allclose(out_n.detach().numpy(), out_t.detach().resolve_conj().resolve_neg().numpy(),
                               rtol=1e-10, atol=1e-12)
    u = RNG.standard_normal(tuple(out_t.shape)) + (1j * RNG.standard_normal(tuple(out_t.shape))
                                                   if out_t.is_complex() else 0)
    gt = torch.autograd.grad(out_t, ins_t, torch.tensor(u, dtype=out_t.dtype), allow_unused=True)
    gn = nt.autograd.grad(out_n, ins_n, nt.tensor(u, dtype=out_n.dtype), allow_unused=True)
    for k, (a, b) in enumerate(zip(gt, gn)):
        if a is None:
            assert b is None or not b.numpy().any(), f"input {k}: torch has no gradient"
            continue
        assert b is not None, f"input {k}: numtorch has no gradient"
        assert repr(b.dtype) == repr(a.dtype), f"input {k}: {b.dtype} != torch {a.dtype}"
        np.testing.assert_allclose(b.numpy(), a.resolve_conj().numpy(), rtol=1e-8, atol=1e-10, err_msg=f"input {k}")


SECOND = {
    "exp_sin": lambda T, a: (a.exp() * a.sin()).abs().sum(),
    "pow_div": lambda T, a: ((a ** 3) / (a + 2)).real.sum(),
    "matmul": lambda T, a: (a @ a.mH).abs().pow(2).sum(),
    "angle": lambda T, a: (a * a).angle().sum(),
    "sgn": lambda T, a: (a.sgn() * a).imag.sum(),
    "sqrt_log": lambda T, a: a.sqrt().log().abs().sum(),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivatives_match_torch(name):
    f = SECOND[name]
    zt, zn = _make(torch, Z, torch.complex128), _make(nt, Z, nt.complex128)
    (gt,) = torch.autograd.grad(f(torch, zt), zt, create_graph=True)
    (gn,) = nt.autograd.grad(f(nt, zn), zn, create_graph=True)
    np.testing.assert_allclose(gn.detach().numpy(), gt.detach().numpy(), rtol=1e-9, atol=1e-11)
    (ht,) = torch.autograd.grad((gt * gt.conj()).real.sum() + gt.imag.sum(), zt)
    (hn,) = nt.autograd.grad((gn * gn.conj()).real.sum() + gn.imag.sum(), zn)
    np.testing.assert_allclose(hn.numpy(), ht.numpy(), rtol=1e-8, atol=1e-10)


def test_backward_leaf_grad_and_real_leaf():
    zt, zn = _make(torch, Z, torch.complex64), _make(nt, Z, nt.complex64)
    xt, xn = _make(torch, R, torch.float32), _make(nt, R, nt.float32)
    (zt * xt).abs().sum().backward()
    (zn * xn).abs().sum().backward()
    assert repr(zn.grad.dtype) == repr(zt.grad.dtype) and repr(xn.grad.dtype) == repr(xt.grad.dtype)
    np.testing.assert_allclose(zn.grad.numpy(), zt.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xn.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", ["scalar", "vector"])
def test_implicit_grad_of_complex_output_raises_as_torch(case):
    def out(T, z):
        return (z * 2).sum() if case == "scalar" else z * 2
    zt, zn = _make(torch, Z, torch.complex64), _make(nt, Z, nt.complex64)
    with pytest.raises(RuntimeError) as et:
        out(torch, zt).backward()
    with pytest.raises(RuntimeError) as en:
        out(nt, zn).backward()
    assert str(en.value) == str(et.value)


def test_nan_to_num_refuses_complex_autograd_as_torch():
    with pytest.raises(RuntimeError) as et:
        torch.nan_to_num(_make(torch, Z, torch.complex64))
    with pytest.raises(RuntimeError, match=str(et.value)):
        nt.nan_to_num(_make(nt, Z, nt.complex64))


def test_requires_grad_on_complex_leaf():
    z = nt.tensor([1 + 2j], requires_grad=True)
    assert z.requires_grad and (z * 2).grad_fn is not None
    assert repr((z * 2).grad_fn.name()) == repr((torch.tensor([1 + 2j], requires_grad=True) * 2).grad_fn.name())


GRADCHECK = {
    "holomorphic": lambda a, b: (a * a * b).exp(),
    "abs": lambda a, b: a.abs() * b,
    "sgn": lambda a, b: a.sgn(),
    "conj_sin": lambda a, b: a.conj() * a.sin(),
    "angle": lambda a, b: a.angle() + b,
    "view_as_real": lambda a, b: nt.view_as_real(a * a),
    "polar": lambda a, b: nt.polar(b.abs() + 0.1, b),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck_complex_inputs(name):
    z = nt.tensor(Z[0], dtype=nt.complex128, requires_grad=True)
    x = nt.tensor(R[0], dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(GRADCHECK[name], (z, x))
    assert nt.autograd.gradgradcheck(GRADCHECK[name], (z, x))


def test_gradcheck_catches_a_wrong_complex_gradient():
    class Wrong(nt.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2 * a   # missing the conjugate: PyTorch's convention is g * conj(2a)
    z = nt.tensor(Z[0], dtype=nt.complex128, requires_grad=True)
    assert not nt.autograd.gradcheck(Wrong.apply, (z,), raise_exception=False)
    # and torch's own gradcheck agrees that this formula is wrong
    class TWrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 2 * a
    assert not torch.autograd.gradcheck(TWrong.apply, (torch.tensor(Z[0], requires_grad=True),), raise_exception=False)
