"""Transforms against torch.distributions.transforms: forward, inverse, log_abs_det_jacobian (values and
gradients), shapes, domains/codomains, and biject_to/transform_to for the common constraints."""
import numpy as np
import pytest

from conftest import torch, to_nt, assert_close
import numtorch as nt

R = np.random.default_rng(11)


def _x(*shape):
    return R.normal(size=shape)


# name, builder(T) -> transform (T = torch.distributions or numtorch.distributions), input array in the domain
CASES = [
    ("Exp", lambda T: T.ExpTransform(), _x(2, 3)),
    ("Sigmoid", lambda T: T.SigmoidTransform(), _x(2, 3)),
    ("Tanh", lambda T: T.TanhTransform(), _x(2, 3) * 0.5),
    ("Softplus", lambda T: T.SoftplusTransform(), _x(2, 3)),
    ("Abs", lambda T: T.AbsTransform(), _x(4)),
    ("Affine", lambda T: T.AffineTransform(0.5, -2.0), _x(2, 3)),
    ("Affine-ev1", lambda T: T.AffineTransform(0.5, 3.0, event_dim=1), _x(2, 3)),
    ("Power", lambda T: T.PowerTransform(2.5), np.abs(_x(2, 3)) + 0.1),
    ("Softmax", lambda T: T.SoftmaxTransform(), _x(2, 4)),
    ("StickBreaking", lambda T: T.StickBreakingTransform(), _x(2, 3)),
    ("LowerCholesky", lambda T: T.LowerCholeskyTransform(), _x(2, 3, 3)),
    ("PositiveDefinite", lambda T: T.PositiveDefiniteTransform(), np.tril(_x(2, 3, 3))),
    ("CorrCholesky", lambda T: T.CorrCholeskyTransform(), _x(2, 3)),
    ("Compose", lambda T: T.ComposeTransform([T.AffineTransform(1.0, 2.0), T.ExpTransform()]), _x(2, 3)),
    ("Independent", lambda T: T.IndependentTransform(T.SigmoidTransform(), 1), _x(2, 3)),
    ("Reshape", lambda T: T.ReshapeTransform((2, 3), (3, 2)), _x(4, 2, 3)),
    ("Cat", lambda T: T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=1, lengths=[2, 3]), _x(2, 5)),
    ("Stack", lambda T: T.StackTransform([T.ExpTransform(), T.TanhTransform()], dim=1), _x(3, 2) * 0.5),
    ("Inverse", lambda T: T.ExpTransform().inv, np.abs(_x(2, 3)) + 0.1),
    ("CDF", lambda T: T.CumulativeDistributionTransform(
        (torch.distributions if T is torch.distributions else nt.distributions).Normal(0.5, 2.0)), _x(2, 3)),
]


def _to(lib, a, grad=False):
    t = torch.from_numpy(a.copy()) if lib == "torch" else nt.from_numpy(a.copy())
    return t.requires_grad_(True) if grad else t


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,build,x", CASES, ids=[c[0] for c in CASES])
def test_transform(name, build, x, dtype):
    tt, nn_ = build(torch.distributions), build(nt.distributions)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-9, atol=1e-10)
    tx, nx = _to("torch", x.astype(dtype), True), _to("nt", x.astype(dtype), True)
    ty, ny = tt(tx), nn_(nx)
    assert_close(ny, ty, **tol)
    assert_close(nn_.inv(ny.detach()), tt.inv(ty.detach()), **tol)
    assert repr(nn_.domain) == repr(tt.domain)
    assert repr(nn_.codomain) == repr(tt.codomain)
    assert nn_.bijective == tt.bijective
    assert nn_.sign == tt.sign if name in ("Exp", "Sigmoid", "Affine", "Tanh", "Softplus") else True
    assert tuple(nn_.forward_shape(tuple(x.shape))) == tuple(tt.forward_shape(tuple(x.shape)))
    assert tuple(nn_.inverse_shape(tuple(ty.shape))) == tuple(tt.inverse_shape(tuple(ty.shape)))
    if name in ("Abs", "Softmax", "LowerCholesky", "PositiveDefinite"):   # torch defines no jacobian
        with pytest.raises(NotImplementedError):
            tt.log_abs_det_jacobian(tx, ty)
        with pytest.raises(NotImplementedError):
            nn_.log_abs_det_jacobian(nx, ny)
        return
    tj, nj = tt.log_abs_det_jacobian(tx, ty), nn_.log_abs_det_jacobian(nx, ny)
    assert_close(nj, tj, **tol)
    w = R.normal(size=tuple(ty.shape))
    tl = (ty * torch.from_numpy(w.astype(dtype))).sum() + tj.sum() if tj.requires_grad else \
        (ty * torch.from_numpy(w.astype(dtype))).sum()
    nl = (ny * nt.from_numpy(w.astype(dtype))).sum() + nj.sum() if tj.requires_grad else \
        (ny * nt.from_numpy(w.astype(dtype))).sum()
    (g,) = torch.autograd.grad(tl, [tx])
    nl.backward()
    assert_close(nx.grad, g, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10)


def test_transform_equality_and_repr():
    for T in (torch.distributions, nt.distributions):
        assert T.ExpTransform() == T.ExpTransform()
        assert T.ExpTransform() != T.SigmoidTransform()
        assert T.ExpTransform().inv.inv == T.ExpTransform()
    assert repr(nt.distributions.ExpTransform()) == repr(torch.distributions.ExpTransform())
    assert repr(nt.distributions.ExpTransform().inv) == repr(torch.distributions.ExpTransform().inv)


CONSTRAINTS = [
    ("real", lambda C: C.real, (2, 3)),
    ("positive", lambda C: C.positive, (2, 3)),
    ("greater_than", lambda C: C.greater_than(1.5), (2, 3)),
    ("less_than", lambda C: C.less_than(-1.0), (2, 3)),
    ("interval", lambda C: C.interval(-1.0, 2.0), (2, 3)),
    ("unit_interval", lambda C: C.unit_interval, (2, 3)),
    ("simplex", lambda C: C.simplex, (2, 3)),
    ("lower_cholesky", lambda C: C.lower_cholesky, (2, 3, 3)),
    ("positive_definite", lambda C: C.positive_definite, (2, 3, 3)),
    ("corr_cholesky", lambda C: C.corr_cholesky, (2, 3)),
    ("real_vector", lambda C: C.real_vector, (2, 3)),
    ("independent", lambda C: C.independent(C.positive, 1), (2, 3)),
]


@pytest.mark.parametrize("which", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name,mk,shape", CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS])
def test_biject_to_transform_to(name, mk, shape, which):
    tc, nc = mk(torch.distributions.constraints), mk(nt.distributions.constraints)
    try:
        tt = getattr(torch.distributions, which)(tc)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(nt.distributions, which)(nc)
        return
    nn_ = getattr(nt.distributions, which)(nc)
    assert repr(nn_) == repr(tt) or type(nn_).__name__ == type(tt).__name__
    x = R.normal(size=shape)
    ty, ny = tt(torch.from_numpy(x)), nn_(nt.from_numpy(x))
    assert_close(ny, ty, rtol=1e-9, atol=1e-10)
    assert bool(nc.check(ny).all())
    if tt.bijective:
        assert_close(nn_.inv(ny), tt.inv(ty), rtol=1e-7, atol=1e-8)
