"""torch.fft against PyTorch: values and dtypes of all 18 transforms (real and complex inputs, n/s, dim, norm),
argument errors with PyTorch's classes and messages, out=, first and second-order gradients (vector-Jacobian
products with random complex cotangents, then their derivative in the cotangent), gradcheck/gradgradcheck on
real-to-real chains, fftfreq/rfftfreq, fftshift/ifftshift, and the torch.fft import name under numtorch run."""
import numpy as np
import pytest

from conftest import torch, assert_close

import numtorch as nt
import numtorch.fft as nf

TRANSFORMS = [n for n in torch.fft.__all__ if n not in ("fftfreq", "rfftfreq", "fftshift", "ifftshift", "Tensor")]
REAL_ONLY = ("rfft", "rfft2", "rfftn", "ihfft", "ihfft2", "ihfftn")


def _nd(name):
    return name.endswith("n") or name.endswith("2")


def _argsets(name):
    base = [{}, {"norm": "ortho"}, {"norm": "forward"}, {"norm": "backward"}]
    if _nd(name):
        base += [{"s": (4, 7)}, {"s": (3, -1), "dim": (0, 2)}, {"dim": (1,)}, {"dim": (-1, 0), "norm": "ortho"},
                 {"s": (5, 3), "norm": "forward"}]
        if name.endswith("n"):
            base += [{"s": (2, 4, 6)}, {"dim": (2, 0, 1)}]
    else:
        base += [{"n": 4}, {"n": 9, "dim": 1}, {"dim": 0}, {"n": 1}, {"n": 3, "norm": "ortho", "dim": -2}]
    return base


def _input(kind, dtype, rng, shape=(3, 6, 5)):
    if kind == "real":
        return rng.standard_normal(shape).astype(dtype)
    c = np.complex64 if dtype == np.float32 else np.complex128
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(c)


def _cases():
    for name in TRANSFORMS:
        for kind in ("real",) if name in REAL_ONLY else ("real", "complex"):
            for i, kw in enumerate(_argsets(name)):
                yield pytest.param(name, kind, kw, id=f"{name}-{kind}-{i}")


@pytest.mark.parametrize("name,kind,kw", list(_cases()))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values(name, kind, kw, dtype):
    a = _input(kind, dtype, np.random.default_rng(1))
    want = getattr(torch.fft, name)(torch.from_numpy(a.copy()), **kw)
    got = getattr(nf, name)(nt.from_numpy(a.copy()), **kw)
    tol = dict(rtol=1e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-11)
    assert_close(got, want, **tol)


@pytest.mark.parametrize("name,kind,kw", list(_cases()))
def test_gradients_first_and_second_order(name, kind, kw):
    rng = np.random.default_rng(2)
    a = _input(kind, np.float64, rng)
    xt = torch.tensor(a, requires_grad=True)
    xn = nt.tensor(a, requires_grad=True)
    yt = getattr(torch.fft, name)(xt, **kw)
    yn = getattr(nf, name)(xn, **kw)
    shape = tuple(yt.shape)
    v = rng.standard_normal(shape) + (1j * rng.standard_normal(shape) if yt.is_complex() else 0)
    vt, vn = torch.tensor(v, requires_grad=True), nt.tensor(v, requires_grad=True)
    gt, = torch.autograd.grad(yt, xt, vt, create_graph=True)
    gn, = nt.autograd.grad(yn, xn, vn, create_graph=True)
    assert_close(gn, gt, rtol=1e-10, atol=1e-10)
    # the gradient is linear in the cotangent: its own derivative is the transform applied again
    w = rng.standard_normal(tuple(gt.shape)) + (1j * rng.standard_normal(tuple(gt.shape)) if gt.is_complex() else 0)
    ggt, = torch.autograd.grad(gt, vt, torch.tensor(w))
    ggn, = nt.autograd.grad(gn, vn, nt.tensor(w))
    assert_close(ggn, ggt, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_grad_dtype_single_precision(name, dtype):
    a = _input("real", dtype, np.random.default_rng(3), (4, 8))
    xt, xn = torch.tensor(a, requires_grad=True), nt.tensor(a, requires_grad=True)
    yt, yn = getattr(torch.fft, name)(xt), getattr(nf, name)(xn)
    v = np.ones(tuple(yt.shape), dtype=np.complex64 if yt.is_complex() else dtype)
    if yt.is_complex() and dtype == np.float64:
        v = v.astype(np.complex128)
    gt, = torch.autograd.grad(yt, xt, torch.tensor(v))
    gn, = nt.autograd.grad(yn, xn, nt.tensor(v))
    assert_close(gn, gt, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("chain", ["irfft", "hfft", "fft_irfft", "rfftn_irfftn", "ihfft_hfft", "ifft2_hfft2",
                                   "fft_ifft_irfft"])
def test_gradcheck_real_chains(chain):
    f = {"irfft": lambda x: nf.irfft(x, n=7), "hfft": lambda x: nf.hfft(x, norm="ortho"),
         "fft_irfft": lambda x: nf.irfft(nf.fft(x, n=6), n=5),
         "rfftn_irfftn": lambda x: nf.irfftn(nf.rfftn(x, s=(3, 6)), s=(4, 5), norm="forward"),
         "ihfft_hfft": lambda x: nf.hfft(nf.ihfft(x), n=8),
         "ifft2_hfft2": lambda x: nf.hfft2(nf.ifft2(x), s=(3, 4)),
         "fft_ifft_irfft": lambda x: nf.irfft(nf.ifft(nf.fft(x, dim=0), dim=0, norm="ortho"), dim=1)}[chain]
    x = nt.tensor(np.random.default_rng(4).standard_normal((3, 5)), requires_grad=True)
    assert nt.autograd.gradcheck(f, (x,))
    assert nt.autograd.gradgradcheck(f, (x,))


@pytest.mark.parametrize("shape,kw", [((), {}), ((3, 4), {"dim": ()}), ((2, 3), {"s": ()})])
@pytest.mark.parametrize("name", ["fftn", "ifftn"])
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_no_transform_dims(shape, kw, name, kind):
    """fftn over no dimension (a 0-d input, dim=()) is a complex copy, and its gradient the identity."""
    a = _input(kind, np.float64, np.random.default_rng(8), shape)
    xt, xn = torch.tensor(a, requires_grad=True), nt.tensor(a, requires_grad=True)
    yt, yn = getattr(torch.fft, name)(xt, **kw), getattr(nf, name)(xn, **kw)
    assert_close(yn, yt)
    v = np.full(tuple(yt.shape), 1.5 + 0.5j)
    assert_close(nt.autograd.grad(yn, xn, nt.tensor(v))[0], torch.autograd.grad(yt, xt, torch.tensor(v))[0])
    if kind == "complex":
        assert yn._data is not xn._data and not np.shares_memory(yn._data, xn._data)


def test_grad_fn_names():
    x = nt.randn(4, requires_grad=True)
    assert nf.rfft(x).grad_fn.name() == torch.fft.rfft(torch.randn(4, requires_grad=True)).grad_fn.name()
    c = nt.randn(4, dtype=nt.complex64, requires_grad=True)
    tc = torch.randn(4, dtype=torch.complex64, requires_grad=True)
    assert nf.fft(c).grad_fn.name() == torch.fft.fft(tc).grad_fn.name()
    assert nf.irfft(c).grad_fn.name() == torch.fft.irfft(tc).grad_fn.name()


@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("src", ["int64", "bool", "int32"])
def test_integer_inputs_promote(name, src):
    a = np.arange(12).reshape(3, 4) % 3
    want = getattr(torch.fft, name)(torch.tensor(a).to(getattr(torch, src)))
    got = getattr(nf, name)(nt.tensor(a).to(getattr(nt, src)))
    assert_close(got, want, rtol=1e-5, atol=1e-5)
    nt.set_default_dtype(nt.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert_close(getattr(nf, name)(nt.tensor(a).to(getattr(nt, src))),
                     getattr(torch.fft, name)(torch.tensor(a).to(getattr(torch, src))), rtol=1e-10, atol=1e-10)
    finally:
        nt.set_default_dtype(nt.float32)
        torch.set_default_dtype(torch.float32)


def _same_error(ft, fn):
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(type(et.value)) as en:
        fn()
    assert str(en.value).split("\n")[0] == str(et.value).split("\n")[0]


ERRORS = [
    ("fft", lambda L, x, c: L.fft.fft(x, n=0)), ("fft", lambda L, x, c: L.fft.fft(x, n=-2)),
    ("fft", lambda L, x, c: L.fft.fft(x, dim=2)), ("fft", lambda L, x, c: L.fft.fft(x, norm="bad")),
    ("fft2", lambda L, x, c: L.fft.fft2(x, dim=(0, 0))), ("fftn", lambda L, x, c: L.fft.fftn(x, s=(2,), dim=(0, 1))),
    ("fftn", lambda L, x, c: L.fft.fftn(x, s=(2, 2, 2))), ("fftn", lambda L, x, c: L.fft.fftn(x, s=(0, 2))),
    ("fft2", lambda L, x, c: L.fft.fft2(x[0])), ("rfft", lambda L, x, c: L.fft.rfft(c)),
    ("ihfft", lambda L, x, c: L.fft.ihfft(c)), ("irfft", lambda L, x, c: L.fft.irfft(c[:, :1])),
    ("fft", lambda L, x, c: L.fft.fft(x.half())), ("rfft", lambda L, x, c: L.fft.rfft(x.to(L.bfloat16))),
    ("fft", lambda L, x, c: L.fft.fft(x[0, 0])), ("fft", lambda L, x, c: L.fft.fft(x[:, :0])),
    ("rfftn", lambda L, x, c: L.fft.rfftn(x, dim=())), ("irfftn", lambda L, x, c: L.fft.irfftn(c, dim=())),
    ("hfftn", lambda L, x, c: L.fft.hfftn(c, dim=())), ("ihfftn", lambda L, x, c: L.fft.ihfftn(x, dim=())),
    ("rfft2", lambda L, x, c: L.fft.rfft2(c)), ("ihfft2", lambda L, x, c: L.fft.ihfft2(c)),
    ("hfft2", lambda L, x, c: L.fft.hfft2(c, s=(3,))), ("fftshift", lambda L, x, c: L.fft.fftshift(x, dim=5)),
    ("ifftshift", lambda L, x, c: L.fft.ifftshift(x, dim=())),
    ("fft", lambda L, x, c: L.fft.fft(x, dim=[0])), ("fft", lambda L, x, c: L.fft.fft(x, n=2.0)),
    ("fft", lambda L, x, c: L.fft.fft(x, norm=1)), ("irfft", lambda L, x, c: L.fft.irfft(c, n=0)),
    ("hfft", lambda L, x, c: L.fft.hfft(c[:, :1])), ("ifftn", lambda L, x, c: L.fft.ifftn(x, norm="Ortho")),
    ("fftfreq", lambda L, x, c: L.fft.fftfreq(5, dtype=L.int64)), ("rfftfreq", lambda L, x, c: L.fft.rfftfreq(-5)),
    ("fftfreq", lambda L, x, c: L.fft.fftfreq(-1)),
    ("fftfreq", lambda L, x, c: L.fft.fftfreq(3, dtype=L.complex64)),
    ("fft", lambda L, x, c: L.fft.fft(x.requires_grad_(), out=L.empty(0, dtype=L.complex64))),
    ("fft", lambda L, x, c: L.fft.fft([1.0, 2.0])), ("rfft2", lambda L, x, c: L.fft.rfft2(x.tolist())),
    ("irfftn", lambda L, x, c: L.fft.irfftn(c.requires_grad_(), out=L.empty(0))),
    ("fft2", lambda L, x, c: L.fft.fft2(c.requires_grad_(), out=L.empty(0, dtype=L.complex64))),
]


@pytest.mark.parametrize("i", range(len(ERRORS)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(ERRORS)])
def test_errors(i):
    f = ERRORS[i][1]
    a = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)
    c = (a + 1j * a).astype(np.complex64)
    _same_error(lambda: f(torch, torch.from_numpy(a), torch.from_numpy(c)),
                lambda: f(nt, nt.from_numpy(a.copy()), nt.from_numpy(c.copy())))


@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("out_dtype", ["float32", "complex64", "float64", "complex128"])
def test_out(name, out_dtype):
    a = np.random.default_rng(6).standard_normal((3, 4)).astype(np.float32)

    def run(L, x):
        out = L.empty(0, dtype=getattr(L, out_dtype))
        r = getattr(L.fft, name)(x, out=out)
        assert r is out
        return out
    try:
        want = run(torch, torch.from_numpy(a))
    except RuntimeError as e:
        if "Found dtype" in str(e):   # ifft/ihfft's precision check on out= (numtorch casts instead)
            return
        with pytest.raises(RuntimeError, match="^" + str(e).split("\n")[0] + "$"):
            run(nt, nt.from_numpy(a.copy()))
        return
    assert_close(run(nt, nt.from_numpy(a.copy())), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fn", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8, 101])
@pytest.mark.parametrize("d", [1.0, 0.5, 3, 0.1])
@pytest.mark.parametrize("dtype", [None, "float64", "float16"])
def test_freqs(fn, n, d, dtype):
    kw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    want = getattr(torch.fft, fn)(n, d, **kw)
    got = getattr(nf, fn)(n, d, **({} if dtype is None else {"dtype": getattr(nt, dtype)}))
    assert_close(got, want, rtol=0, atol=0)


def test_freqs_flags_and_out():
    assert_close(nf.rfftfreq(-1), torch.fft.rfftfreq(-1), rtol=0, atol=0)   # C++'s truncating n / 2 + 1
    w = nf.fftfreq(4, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    assert_close(nf.fftfreq(5, 0), torch.fft.fftfreq(5, 0), rtol=0, atol=0)
    o = nt.empty(0, dtype=nt.float64)
    assert nf.rfftfreq(6, 0.25, out=o) is o
    assert_close(o, torch.fft.rfftfreq(6, 0.25, out=torch.empty(0, dtype=torch.float64)), rtol=0, atol=0)


@pytest.mark.parametrize("fn", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 1), (1,), (-1, 0)])
@pytest.mark.parametrize("kind", ["real", "complex", "int"])
def test_shifts(fn, dim, kind):
    a = np.arange(35).reshape(5, 7)
    if kind == "real":
        a = a.astype(np.float32)
    elif kind == "complex":
        a = (a + 2j * a).astype(np.complex64)
    kw = {} if dim is None else {"dim": dim}
    assert_close(getattr(nf, fn)(nt.from_numpy(a.copy()), **kw), getattr(torch.fft, fn)(torch.from_numpy(a), **kw),
                 rtol=0, atol=0)


def test_shift_gradient():
    x = nt.randn(4, 5, requires_grad=True)
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    v = np.random.default_rng(7).standard_normal((4, 5)).astype(np.float32)
    nf.fftshift(x, dim=1).backward(nt.tensor(v))
    torch.fft.fftshift(xt, dim=1).backward(torch.tensor(v))
    assert_close(x.grad, xt.grad)


def test_namespace():
    assert nf.__all__ == list(torch.fft.__all__)
    public = {n for n in dir(nf) if not n.startswith("_")}
    assert public <= set(dir(torch.fft))
    with pytest.raises(AttributeError, match="torch.fft.nope"):
        nf.nope


def test_torch_fft_import_name_under_run():
    import importlib
    import sys
    from numtorch import _shim
    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k == "torch" or k.startswith("torch.")}
    _shim.install()
    try:
        assert importlib.import_module("torch.fft") is nf
        assert importlib.import_module("torch").fft is nf
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _shim.TorchAliasFinder)]
        for k in [k for k in sys.modules if k == "torch" or k.startswith("torch.")]:
            del sys.modules[k]
        sys.modules.update(saved)


@pytest.mark.parametrize("case", ["fft", "ifft_n", "irfft", "hfft", "hfft2", "ifftn_ortho", "irfftn_s"])
def test_gradcheck_complex_inputs(case):
    """gradcheck and gradgradcheck in PyTorch's complex convention (conjugate Wirtinger), on complex inputs."""
    f = {"fft": lambda z: nf.fft(z), "ifft_n": lambda z: nf.ifft(z, n=7, dim=0), "irfft": lambda z: nf.irfft(z, n=7),
         "hfft": lambda z: nf.hfft(z, norm="forward"), "hfft2": lambda z: nf.hfft2(z),
         "ifftn_ortho": lambda z: nf.ifftn(z, s=(4, 4), norm="ortho"),
         "irfftn_s": lambda z: nf.irfftn(z, s=(2, 6))}[case]
    rng = np.random.default_rng(9)
    z = nt.tensor(rng.standard_normal((3, 5)) + 1j * rng.standard_normal((3, 5)), requires_grad=True)
    assert nt.autograd.gradcheck(f, (z,))
    assert nt.autograd.gradgradcheck(f, (z,))
