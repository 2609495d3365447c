"""Complex tensors through numtorch's ops, against real torch: values and dtypes of every op PyTorch computes
for complex inputs, and PyTorch's exception class and message for those it refuses (and the gradients, with
PyTorch's conjugate convention, in test_complex_autograd.py)."""
import warnings

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

Z = np.array([[1+2j, -0.5+0.3j, 2-1j], [0.3-0.7j, -1.2-0.4j, 0.25+0.5j]], dtype=np.complex64)
W = np.array([[0.5-1j, 1.5+0.2j, -1+1j], [2+0.1j, 0.4-0.3j, -0.6-0.9j]], dtype=np.complex64)
R = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]], dtype=np.float32)

OPS = {
 "add": lambda T,a,b,c: a+b, "sub": lambda T,a,b,c: a-b, "mul": lambda T,a,b,c: a*b, "div": lambda T,a,b,c: a/b,
 "add_real": lambda T,a,b,c: a+c, "mul_real": lambda T,a,b,c: c*a, "div_real": lambda T,a,b,c: c/a,
 "pow": lambda T,a,b,c: a**b, "pow_s": lambda T,a,b,c: a**2.5, "rpow": lambda T,a,b,c: 2**a, "pow_int": lambda T,a,b,c: a**3,
 "neg": lambda T,a,b,c: -a, "reciprocal": lambda T,a,b,c: a.reciprocal(), "square": lambda T,a,b,c: a.square(),
 **{f: (lambda f: lambda T,a,b,c: getattr(T, f)(a))(f) for f in ["exp","log","log2","log10","log1p","expm1","sqrt","rsqrt","sin","cos","tan","sinh","cosh","tanh","asin","acos","atan","asinh","acosh","atanh","sigmoid","abs","angle","sgn","conj","conj_physical","isnan","isinf","isfinite","isreal","nan_to_num","exp2","positive"]},
 "sum": lambda T,a,b,c: a.sum(), "sum1": lambda T,a,b,c: a.sum(1), "mean": lambda T,a,b,c: a.mean(0), "prod": lambda T,a,b,c: a.prod(1), "prod_all": lambda T,a,b,c: a.prod(),
 "cumsum": lambda T,a,b,c: a.cumsum(1), "cumprod": lambda T,a,b,c: a.cumprod(1),
 "matmul": lambda T,a,b,c: a @ b.T, "mm_real": lambda T,a,b,c: a @ c.T, "bmm": lambda T,a,b,c: T.bmm(a[None], b.T[None]), "mv": lambda T,a,b,c: T.mv(a, b[0]),
 "dot": lambda T,a,b,c: T.dot(a[0], b[0]), "vdot": lambda T,a,b,c: T.vdot(a[0], b[0]), "einsum": lambda T,a,b,c: T.einsum("ij,kj->ik", a, b), "tensordot": lambda T,a,b,c: T.tensordot(a, b, dims=([1],[1])),
 "outer": lambda T,a,b,c: T.outer(a[0], b[1]), "inner": lambda T,a,b,c: T.inner(a, b),
 "reshape": lambda T,a,b,c: a.reshape(3,2), "T": lambda T,a,b,c: a.T, "index": lambda T,a,b,c: a[1, ::2], "fancy": lambda T,a,b,c: a[:, [2,0]],
 "cat": lambda T,a,b,c: T.cat([a,b]), "cat_mixed": lambda T,a,b,c: T.cat([a,c]), "stack": lambda T,a,b,c: T.stack([a,b]),
 "where": lambda T,a,b,c: T.where(c > 0, a, b), "where_real": lambda T,a,b,c: T.where(c > 0, a, c), "masked_fill": lambda T,a,b,c: a.masked_fill(c > 0, 1+1j),
 "allclose": lambda T,a,b,c: T.allclose(a, a+1e-9), "isclose": lambda T,a,b,c: T.isclose(a, b), "eq": lambda T,a,b,c: a == b, "ne": lambda T,a,b,c: a != a, "equal": lambda T,a,b,c: T.equal(a,a),
 "flip": lambda T,a,b,c: a.flip(0), "roll": lambda T,a,b,c: a.roll(1, 1), "gather": lambda T,a,b,c: a.gather(1, T.tensor([[0,2],[1,1]])),
 "index_select": lambda T,a,b,c: a.index_select(1, T.tensor([2,0])), "diag": lambda T,a,b,c: T.diag(a[0]), "trace": lambda T,a,b,c: T.trace(a[:, :2]),
 "tril": lambda T,a,b,c: a.tril(), "repeat": lambda T,a,b,c: a.repeat(2,1), "expand": lambda T,a,b,c: a[0].expand(2,3), "squeeze": lambda T,a,b,c: a[None].squeeze(0),
 "var": lambda T,a,b,c: a.var(1), "std": lambda T,a,b,c: a.std(), "norm": lambda T,a,b,c: a.norm(), "linalg_vector_norm": lambda T,a,b,c: T.linalg.vector_norm(a, dim=1),
 "addmm": lambda T,a,b,c: T.addmm(a[:, :2], a, b.T), "lerp": lambda T,a,b,c: T.lerp(a, b, 0.3), "addcmul": lambda T,a,b,c: T.addcmul(a, b, a, value=0.5),
 "softmax": lambda T,a,b,c: a.softmax(0), "logsumexp": lambda T,a,b,c: T.logsumexp(a, 1),
 "count_nonzero": lambda T,a,b,c: T.count_nonzero(a), "nonzero": lambda T,a,b,c: T.nonzero(a), "any": lambda T,a,b,c: a.any(), "all": lambda T,a,b,c: a.all(),
 "clone": lambda T,a,b,c: a.clone(), "unbind": lambda T,a,b,c: a.unbind(0)[1], "split": lambda T,a,b,c: a.split(1,1)[2], "diff": lambda T,a,b,c: T.diff(a),
 "sub_alpha": lambda T,a,b,c: T.sub(a, b, alpha=2), "add_alpha_c": lambda T,a,b,c: T.add(a, b, alpha=1j), "mul_scalar": lambda T,a,b,c: a * (2-1j), "rdiv": lambda T,a,b,c: (1+1j) / a,
 "float_power": lambda T,a,b,c: T.float_power(a, 2), "sign": lambda T,a,b,c: a.sign(), "lt": lambda T,a,b,c: a < b, "gt": lambda T,a,b,c: a > 0, "le": lambda T,a,b,c: a <= b, "ge": lambda T,a,b,c: a >= b,
 "max": lambda T,a,b,c: a.max(), "min": lambda T,a,b,c: a.min(), "max_dim": lambda T,a,b,c: a.max(1)[0], "amax": lambda T,a,b,c: a.amax(), "amin": lambda T,a,b,c: a.amin(), "maximum": lambda T,a,b,c: T.maximum(a,b), "minimum": lambda T,a,b,c: T.minimum(a,b),
 "floor": lambda T,a,b,c: a.floor(), "ceil": lambda T,a,b,c: a.ceil(), "round": lambda T,a,b,c: a.round(), "trunc": lambda T,a,b,c: a.trunc(), "frac": lambda T,a,b,c: a.frac(),
 "clamp": lambda T,a,b,c: a.clamp(0, 1), "clamp_min": lambda T,a,b,c: a.clamp(min=0), "sort": lambda T,a,b,c: a.sort()[0], "argsort": lambda T,a,b,c: a.argsort(), "topk": lambda T,a,b,c: a.topk(1)[0],
 "argmax": lambda T,a,b,c: a.argmax(), "argmin": lambda T,a,b,c: a.argmin(), "remainder": lambda T,a,b,c: a % 2, "fmod": lambda T,a,b,c: T.fmod(a, 2), "floor_divide": lambda T,a,b,c: a // 2,
 "relu": lambda T,a,b,c: T.relu(a), "atan2": lambda T,a,b,c: T.atan2(a, b), "erf": lambda T,a,b,c: T.erf(a), "erfinv": lambda T,a,b,c: T.erfinv(a), "logit": lambda T,a,b,c: T.logit(a),
 "median": lambda T,a,b,c: a.median(), "kthvalue": lambda T,a,b,c: a.kthvalue(1)[0], "cummax": lambda T,a,b,c: T.cummax(a, 1)[0], "hypot": lambda T,a,b,c: T.hypot(a, b), "logaddexp": lambda T,a,b,c: T.logaddexp(a,b),
 "signbit": lambda T,a,b,c: T.signbit(a), "heaviside": lambda T,a,b,c: T.heaviside(a, b), "fmax": lambda T,a,b,c: T.fmax(a,b), "unique": lambda T,a,b,c: T.unique(a), "histc": lambda T,a,b,c: T.histc(a),
 "searchsorted": lambda T,a,b,c: T.searchsorted(a[0], a[1]), "bucketize": lambda T,a,b,c: T.bucketize(a, a[0]), "aminmax": lambda T,a,b,c: T.aminmax(a)[0], "isposinf": lambda T,a,b,c: T.isposinf(a), "isneginf": lambda T,a,b,c: T.isneginf(a),
 "lgamma": lambda T,a,b,c: T.lgamma(a), "digamma": lambda T,a,b,c: T.digamma(a), "xlogy": lambda T,a,b,c: T.xlogy(a, b), "deg2rad": lambda T,a,b,c: T.deg2rad(a), "rad2deg": lambda T,a,b,c: T.rad2deg(a),
 "bitwise_and": lambda T,a,b,c: a & b, "logical_not": lambda T,a,b,c: T.logical_not(a), "logical_and": lambda T,a,b,c: T.logical_and(a, b), "copysign": lambda T,a,b,c: T.copysign(a, b), "nanmean": lambda T,a,b,c: T.nanmean(a), "nansum": lambda T,a,b,c: T.nansum(a),
 "cross": lambda T,a,b,c: T.cross(a, b, dim=1), "cdist": lambda T,a,b,c: T.cdist(a, b), "dist": lambda T,a,b,c: T.dist(a, b), "kron": lambda T,a,b,c: T.kron(a, b), "cov": lambda T,a,b,c: T.cov(a), "std_mean": lambda T,a,b,c: T.std_mean(a)[0],
 "masked_select": lambda T,a,b,c: a.masked_select(c > 0), "take": lambda T,a,b,c: a.take(T.tensor([0, 4])), "scatter_add": lambda T,a,b,c: T.zeros(2,3,dtype=a.dtype).scatter_add(1, T.tensor([[0,1,2],[2,1,0]]), a), "index_add": lambda T,a,b,c: a.index_add(0, T.tensor([1,0]), b),
 "zeros_like": lambda T,a,b,c: T.zeros_like(a), "full_like": lambda T,a,b,c: T.full_like(a, 1j), "ones_like": lambda T,a,b,c: T.ones_like(a), "sum_dtype": lambda T,a,b,c: a.sum(dtype=T.complex128), "mean_all": lambda T,a,b,c: a.mean(),
 "cumsum0": lambda T,a,b,c: a.cumsum(0), "logcumsumexp": lambda T,a,b,c: T.logcumsumexp(a, 1), "renorm": lambda T,a,b,c: a.renorm(2, 0, 1.0), "addcdiv": lambda T,a,b,c: T.addcdiv(a, b, a, value=0.5),
 "tanh_": lambda T,a,b,c: a.clone().tanh_(), "mul_": lambda T,a,b,c: a.clone().mul_(b), "add_real_": lambda T,a,b,c: a.clone().add_(c), "copy_": lambda T,a,b,c: T.zeros(2,3,dtype=a.dtype).copy_(c), "setitem": lambda T,a,b,c: (lambda x: (x.__setitem__(0, b[1]), x)[1])(a.clone()),
 "fill_": lambda T,a,b,c: a.clone().fill_(2-1j), "zero_": lambda T,a,b,c: a.clone().zero_(), "pow_t_real": lambda T,a,b,c: a ** c, "pow_real_t": lambda T,a,b,c: c.abs() ** a,
}


def test_nan_inf_queries_and_nan_to_num():
    a = np.array([complex("nan"), complex(float("inf"), 1), complex(1, float("-inf")), complex(float("nan"), 2), 1j],
                 dtype=np.complex64)
    for f in ("isnan", "isinf", "isfinite", "isreal", "nan_to_num"):
        want = getattr(torch, f)(torch.from_numpy(a.copy()))
        got = getattr(nt, f)(nt.from_numpy(a.copy()))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert got.numpy().dtype == want.numpy().dtype
    want = torch.nan_to_num(torch.from_numpy(a.copy()), nan=1.0, posinf=2.0, neginf=-3.0)
    got = nt.nan_to_num(nt.from_numpy(a.copy()), nan=1.0, posinf=2.0, neginf=-3.0)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def _inputs(lib, dtype):
    conv = (lambda a: torch.from_numpy(a.copy())) if lib is torch else (lambda a: nt.from_numpy(a.copy()))
    cd = np.complex64 if dtype == "complex64" else np.complex128
    rd = np.float32 if dtype == "complex64" else np.float64
    return conv(Z.astype(cd)), conv(W.astype(cd)), conv(R.astype(rd))


def _run(lib, f, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return f(lib, *_inputs(lib, dtype)), None
        except Exception as e:   # noqa: BLE001 (the exception is the result compared)
            return None, e


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_op_on_complex(name, dtype):
    f = OPS[name]
    want, terr = _run(torch, f, dtype)
    got, nerr = _run(nt, f, dtype)
    if terr is not None:
        assert nerr is not None, f"torch raises {type(terr).__name__}: {terr}; numtorch returned {got!r}"
        assert type(nerr) is type(terr), f"{type(nerr).__name__}: {nerr} != torch {type(terr).__name__}: {terr}"
        assert str(nerr) == str(terr).split(" (Triggered")[0]
        return
    assert nerr is None, f"numtorch raises {type(nerr).__name__}: {nerr}"
    if isinstance(want, torch.Tensor):
        w = want.detach().resolve_conj().resolve_neg().numpy()
        g = got.detach().numpy()
        assert g.dtype == w.dtype and g.shape == w.shape, f"{g.dtype}{g.shape} != torch {w.dtype}{w.shape}"
        tol = 2e-5 if dtype == "complex64" else 1e-10
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol, equal_nan=True)
    else:
        assert got == want


def test_lists_cover_supported_and_refused():
    """The report's two lists come from this table: every op is either computed or refused as PyTorch."""
    refused, computed = [], []
    for name, f in OPS.items():
        _, terr = _run(torch, f, "complex64")
        (refused if terr is not None else computed).append(name)
    assert len(refused) > 40 and len(computed) > 100
