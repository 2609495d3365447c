"""Every loss x reduction x option against PyTorch: values, gradients of every differentiable
input (targets included where PyTorch differentiates them), kinks, extremes, K-dim and
unbatched shapes, grad_fn names, legacy size_average/reduce, errors, gradcheck, double backward."""
import warnings

import numpy as np
import pytest

import numtorch as nt
import numtorch.nn as ntnn
import numtorch.nn.functional as ntF
from conftest import torch, assert_close

thF = torch.nn.functional
RED = ["none", "mean", "sum"]


# --------------------------------------------------------------------------- harness
def _pair(a, grad):
    """The same array as a numtorch and a torch tensor (copies), optionally requiring grad."""
    a = np.array(a)
    n, t = nt.from_numpy(a.copy()), torch.from_numpy(a.copy())
    if grad:
        n.requires_grad_(True)
        t.requires_grad_(True)
    return n, t


def compare(fname, args, kwargs=None, grad=(0,), rtol=1e-4, atol=1e-5, seed=0, name=None, check_name=False):
    """Run F.<fname> in both frameworks on the same data; compare output and the gradients of the
    arguments listed in ``grad`` (under a random upstream gradient). Arrays in kwargs are tensors."""
    kwargs = kwargs or {}
    nargs, targs = [], []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            n, t = _pair(a, i in grad)
        else:
            n = t = a
        nargs.append(n)
        targs.append(t)
    nkw, tkw = {}, {}
    for k, v in kwargs.items():
        if isinstance(v, np.ndarray):
            nkw[k], tkw[k] = _pair(v, False)
        else:
            nkw[k] = tkw[k] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ot = getattr(thF, name or fname)(*targs, **tkw)
        on = getattr(ntF, fname)(*nargs, **nkw)
    assert_close(on, ot, rtol=rtol, atol=atol)
    if check_name:
        assert (on.grad_fn.name() if on.grad_fn else None) == (ot.grad_fn.name() if ot.grad_fn else None)
    if not grad or not ot.requires_grad:
        return on, ot
    go = np.random.default_rng(seed).standard_normal(tuple(ot.shape)).astype(np.array(args[0]).dtype)
    on.backward(nt.from_numpy(go.copy()))
    ot.backward(torch.from_numpy(go.copy()))
    for i in grad:
        assert_close(nargs[i].grad, targs[i].grad, rtol=rtol, atol=atol)
    return on, ot


def R(*shape, seed=0, scale=1.0, dtype=np.float32):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def U(*shape, seed=0, lo=0.05, hi=0.95, dtype=np.float32):
    return np.asarray(np.random.default_rng(seed).uniform(lo, hi, shape)).astype(dtype)


def I(high, *shape, seed=0):
    return np.random.default_rng(seed).integers(0, high, shape).astype(np.int64)


# --------------------------------------------------------------------------- L1 / MSE / SmoothL1 / Huber
SHAPES = [((3, 4), (3, 4)), ((2, 3, 4), (2, 3, 4)), ((), ()), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4))]


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("fn,kw", [("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {}),
                                   ("smooth_l1_loss", {"beta": 0.5}), ("smooth_l1_loss", {"beta": 0.0}),
                                   ("smooth_l1_loss", {"beta": 2.0}), ("huber_loss", {}),
                                   ("huber_loss", {"delta": 0.3}), ("huber_loss", {"delta": 2.5})])
def test_pointwise(fn, kw, shapes, red):
    compare(fn, [R(*shapes[0], seed=1, scale=2), R(*shapes[1], seed=2, scale=2)], dict(kw, reduction=red),
            grad=(0, 1), check_name=True)


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("fn,kw", [("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
                                   ("smooth_l1_loss", {"beta": 1.0}), ("huber_loss", {"delta": 0.5}),
                                   ("huber_loss", {"delta": 1.0})])
def test_pointwise_kinks(fn, kw, red):
    # zero differences and |x - y| exactly at beta/delta (0.5, 1.0 are exact in binary)
    x = np.array([0.0, 1.0, -1.0, 0.5, 2.0, 3.0, -0.5, 0.25], np.float32)
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.5, 2.0, 0.0, 0.25], np.float32)
    compare(fn, [x, y], dict(kw, reduction=red), grad=(0, 1))


@pytest.mark.parametrize("fn", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"])
def test_pointwise_extreme_and_float64(fn):
    compare(fn, [R(5, 3, scale=1e4, dtype=np.float64), R(5, 3, seed=3, scale=1e4, dtype=np.float64)], {},
            grad=(0, 1), rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("fn", ["l1_loss", "mse_loss", "huber_loss"])
@pytest.mark.parametrize("red", RED)
def test_pointwise_weight(fn, red):
    compare(fn, [R(3, 4), R(3, 4, seed=5)], {"weight": U(3, 4, seed=6), "reduction": red}, grad=(0, 1))


@pytest.mark.parametrize("fn", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"])
def test_pointwise_size_warning_and_broadcast_error(fn):
    x = nt.randn(3)
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[3, 1\]\)\) that is different to "
                                         r"the input size \(torch.Size\(\[3\]\)\)"):
        out = getattr(ntF, fn)(x, nt.randn(3, 1), reduction="none")
    assert tuple(out.shape) == (3, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of tensor b \(5\) "
                                               r"at non-singleton dimension 1"):
            getattr(ntF, fn)(nt.randn(3, 4), nt.randn(3, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(ntF, fn)(nt.randn(3, 4), nt.randn(3, 4))   # same size: no warning


def test_smooth_l1_huber_bad_params():
    x, y = nt.randn(3), nt.randn(3)
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values for beta."):
        ntF.smooth_l1_loss(x, y, beta=-1)
    for d in (0, -1.0):
        with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values for delta."):
            ntF.huber_loss(x, y, delta=d)


# --------------------------------------------------------------------------- cross entropy / NLL
CE_SHAPES = [(5, 4), (3, 4, 6), (2, 3, 4, 2), (4,)]


def _ce_target(shape, seed, ignore=None):
    C = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])
    t = np.array(I(C, *tshape, seed=seed))
    if ignore is not None and t.ndim:
        t.reshape(-1)[::3] = ignore
    return t


def _class_kwargs(shape, red, opts, wseed, tseed):
    """cross_entropy / nll_loss keyword arguments from a test's opts ("weight": random class weights, "ign":
    some targets set to ignore_index) and the class-index targets."""
    opts = dict(opts)
    C = shape[0] if len(shape) == 1 else shape[1]
    kw = {"reduction": red}
    if opts.pop("weight", False):
        kw["weight"] = U(C, seed=wseed, lo=0.2, hi=2.0)
    ign = opts.pop("ign", False)
    kw.update(opts)
    return kw, _ce_target(shape, tseed, kw.get("ignore_index") if ign else None)


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("opts", [{}, {"weight": True}, {"ignore_index": 1}, {"ignore_index": -100, "ign": True},
                                  {"label_smoothing": 0.1}, {"label_smoothing": 0.3, "weight": True},
                                  {"label_smoothing": 0.2, "weight": True, "ignore_index": 2, "ign": True}])
def test_cross_entropy_indices(shape, red, opts):
    kw, t = _class_kwargs(shape, red, opts, 7, 3)
    compare("cross_entropy", [R(*shape, scale=2), t], kw, grad=(0,), check_name=True)


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("opts", [{}, {"weight": True}, {"ignore_index": 0, "ign": True}])
def test_nll_loss(shape, red, opts):
    kw, t = _class_kwargs(shape, red, opts, 8, 4)
    compare("nll_loss", [R(*shape), t], kw, grad=(0,), check_name=True)


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("shape", CE_SHAPES)
@pytest.mark.parametrize("opts", [{}, {"weight": True}, {"label_smoothing": 0.25}, {"weight": True,
                                                                                    "label_smoothing": 0.1}])
def test_cross_entropy_probabilities(shape, red, opts):
    opts = dict(opts)
    C = shape[0] if len(shape) == 1 else shape[1]
    kw = {"reduction": red}
    if opts.pop("weight", False):
        kw["weight"] = U(C, seed=9, lo=0.2, hi=2.0)
    kw.update(opts)
    cdim = 0 if len(shape) == 1 else 1
    y = torch.from_numpy(R(*shape, seed=11)).softmax(cdim).numpy()
    compare("cross_entropy", [R(*shape, seed=10), y], kw, grad=(0, 1))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("smooth", [0.0, 0.1])
def test_cross_entropy_extreme_logits(red, smooth):
    x = np.array([[1000., -1000., 0.], [-1000., -1000., 1000.], [1000., 1000., -1000.], [0., 0., 0.]], np.float32)
    t = np.array([1, 2, 0, 2])
    on, ot = compare("cross_entropy", [x, t], {"reduction": red, "label_smoothing": smooth}, grad=(0,))
    assert np.isfinite(on._data).all()


def test_cross_entropy_all_ignored_mean_is_nan():
    compare("cross_entropy", [R(3, 4), np.array([-100, -100, -100])], {}, grad=(0,))
    compare("nll_loss", [R(3, 4), np.array([-100, -100, -100])], {"weight": U(4)}, grad=(0,))


def test_cross_entropy_float64_and_uint8_target():
    compare("cross_entropy", [R(4, 5, dtype=np.float64), I(5, 4).astype(np.uint8)], {}, grad=(0,),
            rtol=1e-10, atol=1e-12)


def test_cross_entropy_errors():
    x = nt.randn(3, 4)
    for dt, name in ((nt.int32, "Int"), (nt.int16, "Short"), (nt.bool, "Bool")):
        with pytest.raises(RuntimeError, match=f"expected target dtype to be Long or Byte, but got {name}"):
            ntF.cross_entropy(x, nt.tensor([0, 1, 1]).to(dt))
    with pytest.raises(IndexError, match=r"^Target 5 is out of bounds\.$"):
        ntF.cross_entropy(x, nt.tensor([0, 1, 5]))
    with pytest.raises(IndexError, match=r"^Target -5 is out of bounds\.$"):
        ntF.nll_loss(x, nt.tensor([0, 1, -5]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        ntF.cross_entropy(x, nt.tensor([0., 1., 2.]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        ntF.nll_loss(x, nt.tensor([0., 1., 2.]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)\."):
        ntF.cross_entropy(x, nt.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 4 classes or no classes "
                                           r"but got weight tensor of shape: \[3\]"):
        ntF.cross_entropy(x, nt.tensor([0, 1, 2]), weight=nt.ones(3))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        ntF.cross_entropy(x, nt.rand(3, 5))
    with pytest.raises(RuntimeError, match="ignore_index is not supported for floating point target"):
        ntF.cross_entropy(x, nt.rand(3, 4), ignore_index=1)
    with pytest.raises(RuntimeError, match=r"label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        ntF.cross_entropy(x, nt.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match=r"size mismatch \(got input: \[2, 3, 4, 5\] , target: \[2, 4, 4\]"):
        ntF.nll_loss(nt.randn(2, 3, 4, 5), nt.zeros(2, 4, 4, dtype=nt.long))


# --------------------------------------------------------------------------- BCE / BCE with logits
@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("wshape", [None, (3, 4), (4,), (3, 1)])
def test_bce(red, wshape):
    kw = {"reduction": red}
    if wshape:
        kw["weight"] = U(*wshape, seed=5, lo=0.1, hi=2)
    compare("binary_cross_entropy", [U(3, 4), U(3, 4, seed=2, lo=0, hi=1)], kw, grad=(0, 1), check_name=True)


@pytest.mark.parametrize("red", RED)
def test_bce_extremes_clamped_log(red):
    # x = 0 or 1 with the opposite target: log clamped at -100 (finite loss)
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30], np.float32)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 1.0], np.float32)
    on, _ = compare("binary_cross_entropy", [x, y], {"reduction": red}, grad=(0,))
    assert np.isfinite(on._data).all()


def test_bce_errors():
    p = nt.rand(3, 4)
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        ntF.binary_cross_entropy(p * 2 + 0.1, p)
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        ntF.binary_cross_entropy(p, p * 2 + 0.1)
    with pytest.raises(ValueError, match=r"Using a target size \(torch.Size\(\[3, 1\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[3, 4\]\)\) is deprecated"):
        ntF.binary_cross_entropy(p, p[:, :1])
    with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[3, 1\]\)\) must be the same as input size"):
        ntF.binary_cross_entropy_with_logits(p, p[:, :1])


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("w,pw", [(None, None), ((3, 4), None), (None, (4,)), ((4,), (4,)), ((3, 1), (3, 4))])
def test_bce_with_logits(red, w, pw):
    kw = {"reduction": red}
    if w:
        kw["weight"] = U(*w, seed=5, lo=0.1, hi=2)
    if pw:
        kw["pos_weight"] = U(*pw, seed=6, lo=0.1, hi=3)
    compare("binary_cross_entropy_with_logits", [R(3, 4, scale=3), U(3, 4, seed=2, lo=0, hi=1)], kw,
            grad=(0, 1), check_name=True)


@pytest.mark.parametrize("pw", [False, True])
def test_bce_with_logits_extreme(pw):
    x = np.array([-1000., -100., -30., 0., 30., 100., 1000.], np.float32)
    y = np.array([1., 0., 1., 0.5, 0., 1., 0.], np.float32)
    kw = {"pos_weight": np.full(7, 2.5, np.float32)} if pw else {}
    on, _ = compare("binary_cross_entropy_with_logits", [x, y], dict(kw, reduction="none"), grad=(0, 1))
    assert np.isfinite(on._data).all()


# --------------------------------------------------------------------------- Poisson / Gaussian / KL
@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll(red, log_input, full):
    x = R(4, 3) if log_input else U(4, 3, lo=0.1, hi=3)
    # counts >= 1 and a fraction: PyTorch's target gradient of the Stirling term is nan at y == 0 (0 * log 0)
    y = (np.random.default_rng(1).poisson(2.0, (4, 3)) + 1).astype(np.float32)
    y[0, 0] = 0.5
    compare("poisson_nll_loss", [x, y], {"log_input": log_input, "full": full, "reduction": red}, grad=(0, 1))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("vshape", [(4, 3), (4,), (4, 1), "float"])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll(red, vshape, full):
    if vshape == "float":
        compare("gaussian_nll_loss", [R(4, 3), R(4, 3, seed=1), 0.7], {"full": full, "reduction": red},
                grad=(0, 1))
    else:
        compare("gaussian_nll_loss", [R(4, 3), R(4, 3, seed=1), U(*vshape, seed=2, lo=0.1, hi=2)],
                {"full": full, "reduction": red}, grad=(0, 1, 2))


def test_gaussian_nll_eps_clamp_and_errors():
    # variances below eps are clamped in value but still receive a gradient (as PyTorch)
    v = np.array([[1e-9, 0.5], [0.0, 2.0]], np.float32)
    compare("gaussian_nll_loss", [R(2, 2), R(2, 2, seed=1), v], {"eps": 1e-3}, grad=(0, 1, 2))
    x = nt.randn(3, 4)
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        ntF.gaussian_nll_loss(x, x, -nt.rand(3, 4))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        ntF.gaussian_nll_loss(x, x, -1.0)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        ntF.gaussian_nll_loss(x, x, nt.ones(3, 2))


@pytest.mark.parametrize("red", RED + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(red, log_target):
    x = torch.from_numpy(R(3, 5)).log_softmax(1).numpy()
    y = torch.from_numpy(R(3, 5, seed=1)).softmax(1).numpy()
    if log_target:
        y = np.log(y)
    compare("kl_div", [x, y], {"reduction": red, "log_target": log_target}, grad=(0, 1))


def test_kl_div_zero_target_and_mean_warning():
    x = torch.from_numpy(R(2, 3)).log_softmax(1).numpy()
    y = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]], np.float32)
    compare("kl_div", [x, y], {"reduction": "sum"}, grad=(0,))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        ntF.kl_div(nt.randn(2, 3), nt.rand(2, 3))


# --------------------------------------------------------------------------- margin losses
@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("margin", [0.0, 0.5])
def test_margin_ranking(red, margin):
    compare("margin_ranking_loss", [R(6), R(6, seed=1), np.sign(R(6, seed=2))], {"margin": margin, "reduction": red},
            grad=(0, 1, 2))


def test_margin_ranking_kink_and_error():
    x1 = np.array([1.0, 0.5, 0.0], np.float32)
    x2 = np.array([0.5, 1.0, 0.0], np.float32)
    y = np.array([1.0, -1.0, 1.0], np.float32)
    compare("margin_ranking_loss", [x1, x2, y], {"margin": 0.5, "reduction": "sum"}, grad=(0, 1, 2))
    with pytest.raises(RuntimeError, match="margin_ranking_loss : All input tensors should have same dimension"):
        ntF.margin_ranking_loss(nt.randn(3, 4), nt.randn(4), nt.randn(3, 4))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_hinge_embedding(red, margin):
    x = np.array([[1.0, 0.3, -0.5, 0.0], [0.7, 1.0, 2.0, -1.0]], np.float32)  # includes margin - x == 0
    y = np.array([[1, -1, -1, 1], [-1, -1, 1, -1]], np.float32)
    compare("hinge_embedding_loss", [x, y], {"margin": margin, "reduction": red}, grad=(0,))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("margin", [0.0, 0.4])
@pytest.mark.parametrize("batched", [True, False])
def test_cosine_embedding(red, margin, batched):
    if batched:
        args = [R(5, 3), R(5, 3, seed=1), np.array([1, -1, 1, -1, -1], np.float32)]
    else:
        args = [R(3), R(3, seed=1), np.array(-1.0, np.float32)]
    compare("cosine_embedding_loss", args, {"margin": margin, "reduction": red}, grad=(0, 1))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_soft_margin(red, scale):
    # large margins in float64: PyTorch's log(1 + exp(-yx)) overflows float32 where ours (logaddexp) does not
    dt = np.float32 if scale == 1.0 else np.float64
    compare("soft_margin_loss", [R(3, 4, scale=scale, dtype=dt), np.sign(R(3, 4, seed=1, dtype=dt))],
            {"reduction": red}, grad=(0,))
    if scale != 1.0:
        out = ntF.soft_margin_loss(nt.tensor([-200.0]), nt.tensor([1.0]))
        assert float(out) == pytest.approx(200.0)


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("shape", [(3, 4), (4,)])
def test_multilabel_soft_margin(red, weight, shape):
    kw = {"reduction": red}
    if weight:
        kw["weight"] = U(shape[-1], seed=3)
    compare("multilabel_soft_margin_loss", [R(*shape, scale=3), (R(*shape, seed=1) > 0).astype(np.float32)], kw,
            grad=(0, 1))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.5])
@pytest.mark.parametrize("weight", [False, True])
def test_multi_margin(red, p, margin, weight):
    kw = {"reduction": red, "p": p, "margin": margin}
    if weight:
        kw["weight"] = U(4, seed=3, lo=0.2, hi=2)
    compare("multi_margin_loss", [R(5, 4), I(4, 5, seed=2)], kw, grad=(0,))


def test_multi_margin_kink_unbatched_and_errors():
    x = np.array([[1.0, 0.0, 0.5], [0.2, 0.2, 0.2]], np.float32)   # margin - x_y + x_j == 0 exactly
    compare("multi_margin_loss", [x, np.array([0, 1])], {}, grad=(0,))
    compare("multi_margin_loss", [R(4), np.array(2)], {"reduction": "none"}, grad=(0,))
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        ntnn.MultiMarginLoss(p=3)
    with pytest.raises(RuntimeError, match="target out of range"):
        ntF.multi_margin_loss(nt.randn(3, 4), nt.tensor([0, 1, 4]))


@pytest.mark.parametrize("red", RED)
def test_multilabel_margin(red):
    x = R(3, 5)
    y = np.array([[3, 0, -1, 1, 2], [4, 2, 1, 0, 3], [-1, 1, 2, 3, 4]])
    compare("multilabel_margin_loss", [x, y], {"reduction": red}, grad=(0,))
    compare("multilabel_margin_loss", [R(4, seed=1), np.array([1, 3, -1, 0])], {"reduction": red}, grad=(0,))
    # kink: 1 - (x_j - x_k) == 0
    compare("multilabel_margin_loss", [np.array([[1.0, 0.0, 0.25]], np.float32), np.array([[0, -1, 0]])],
            {"reduction": red}, grad=(0,))
    with pytest.raises(RuntimeError, match="argument #2 'target' is out of range"):
        ntF.multilabel_margin_loss(nt.randn(3, 4), nt.tensor([[0, 1, -1, 5]] * 3))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.2])
def test_triplet_margin(red, p, swap, margin):
    compare("triplet_margin_loss", [R(6, 4), R(6, 4, seed=1), R(6, 4, seed=2)],
            {"reduction": red, "p": p, "swap": swap, "margin": margin, "eps": 1e-6}, grad=(0, 1, 2))


def test_triplet_margin_unbatched_and_errors():
    compare("triplet_margin_loss", [R(4), R(4, seed=1), R(4, seed=2)], {"reduction": "none"}, grad=(0, 1, 2))
    with pytest.raises(RuntimeError, match="anchor 2D, positive 1D, and negative 2D inputs"):
        ntF.triplet_margin_loss(nt.randn(3, 4), nt.randn(4), nt.randn(3, 4))


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("dist", ["default", "cosine"])
def test_triplet_margin_with_distance(red, swap, dist):
    kw = {"reduction": red, "swap": swap, "margin": 0.7}
    a, p, n = R(5, 3), R(5, 3, seed=1), R(5, 3, seed=2)
    tensors = []
    for F, lib in ((ntF, nt), (thF, torch)):
        xs = [lib.from_numpy(v.copy()).requires_grad_() for v in (a, p, n)]
        fn = None if dist == "default" else (lambda u, v, F=F: 1.0 - F.cosine_similarity(u, v))
        out = F.triplet_margin_with_distance_loss(*xs, distance_function=fn, **kw)
        out.sum().backward()
        tensors.append((out, [x.grad for x in xs]))
    assert_close(tensors[0][0], tensors[1][0], rtol=1e-4, atol=1e-5)
    for gn, gt in zip(tensors[0][1], tensors[1][1]):
        assert_close(gn, gt, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        ntF.triplet_margin_with_distance_loss(nt.randn(2, 3), nt.randn(2, 3), nt.randn(2, 3), margin=0)


# --------------------------------------------------------------------------- distances
@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3)), ((4, 3), (3,)), ((3,), (3,))])
def test_pairwise_distance(p, keepdim, shapes):
    compare("pairwise_distance", [R(*shapes[0]), R(*shapes[1], seed=1)], {"p": p, "keepdim": keepdim},
            grad=(0, 1))


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3)), ((4, 3), (1, 3)), ((2, 4, 3), (2, 4, 3))])
def test_cosine_similarity(dim, shapes):
    compare("cosine_similarity", [R(*shapes[0]), R(*shapes[1], seed=1)], {"dim": dim}, grad=(0, 1))


def test_cosine_similarity_zero_vector_eps():
    x = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], np.float32)
    compare("cosine_similarity", [x, R(2, 3, seed=1)], {"dim": 1, "eps": 1e-8}, grad=(0, 1))


def test_distance_modules():
    a, b = R(4, 5), R(4, 5, seed=1)
    na, ta = _pair(a, True)
    nb, tb = _pair(b, True)
    for nm, tm in ((ntnn.PairwiseDistance(p=1.5, keepdim=True), torch.nn.PairwiseDistance(p=1.5, keepdim=True)),
                   (ntnn.CosineSimilarity(dim=0), torch.nn.CosineSimilarity(dim=0))):
        assert_close(nm(na, nb), tm(ta, tb), rtol=1e-5, atol=1e-6)
    assert nt.pairwise_distance is ntF.pairwise_distance and nt.cosine_similarity is ntF.cosine_similarity


# --------------------------------------------------------------------------- reduction helper, legacy args, names
@pytest.mark.parametrize("size_average", [None, True, False])
@pytest.mark.parametrize("reduce", [None, True, False])
def test_legacy_size_average_reduce(size_average, reduce):
    x, y = R(3, 4), R(3, 4, seed=1)
    with warnings.catch_warnings(record=True) as wn:
        warnings.simplefilter("always")
        on = ntnn.MSELoss(size_average=size_average, reduce=reduce)(nt.from_numpy(x), nt.from_numpy(y))
        on2 = ntF.l1_loss(nt.from_numpy(x), nt.from_numpy(y), size_average=size_average, reduce=reduce)
    with warnings.catch_warnings(record=True) as wt:
        warnings.simplefilter("always")
        ot = torch.nn.MSELoss(size_average=size_average, reduce=reduce)(torch.from_numpy(x), torch.from_numpy(y))
        ot2 = thF.l1_loss(torch.from_numpy(x), torch.from_numpy(y), size_average=size_average, reduce=reduce)
    assert_close(on, ot)
    assert_close(on2, ot2)
    assert [str(w.message) for w in wn] == [str(w.message) for w in wt]


@pytest.mark.parametrize("fn,args", [
    ("mse_loss", lambda: (nt.randn(3), nt.randn(3))),
    ("l1_loss", lambda: (nt.randn(3), nt.randn(3))),
    ("cross_entropy", lambda: (nt.randn(3, 4), nt.tensor([0, 1, 2]))),
    ("nll_loss", lambda: (nt.randn(3, 4), nt.tensor([0, 1, 2]))),
    ("binary_cross_entropy", lambda: (nt.rand(3), nt.rand(3))),
    ("binary_cross_entropy_with_logits", lambda: (nt.randn(3), nt.rand(3))),
    ("kl_div", lambda: (nt.randn(3), nt.rand(3))),
    ("soft_margin_loss", lambda: (nt.randn(3), nt.ones(3))),
    ("hinge_embedding_loss", lambda: (nt.randn(3), nt.ones(3))),
    ("poisson_nll_loss", lambda: (nt.randn(3), nt.rand(3))),
    ("multi_margin_loss", lambda: (nt.randn(3, 4), nt.tensor([0, 1, 2]))),
    ("multilabel_soft_margin_loss", lambda: (nt.randn(3, 4), nt.ones(3, 4))),
    ("ctc_loss", lambda: (nt.randn(5, 1, 3).log_softmax(2), nt.tensor([[1, 2]]), [5], [2])),
])
def test_invalid_reduction(fn, args):
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        getattr(ntF, fn)(*args(), reduction="foo")
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        ntnn.MSELoss(reduction="foo")(nt.randn(2), nt.randn(2))


def test_reduction_helper():
    from numtorch.nn.functional import _reduction as R_
    assert R_.get_enum("none") == 0 and R_.get_enum("mean") == 1 and R_.get_enum("sum") == 2
    assert R_.legacy_get_string(None, False, emit_warning=False) == "none"
    assert R_.legacy_get_string(False, None, emit_warning=False) == "sum"
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = nt.from_numpy(a.copy())
    for red, want in (("mean", a.mean()), ("sum", a.sum()), ("batchmean", a.sum() / 2)):
        assert float(R_.apply_reduction(t, red)) == pytest.approx(float(want))
        assert float(R_.apply_reduction(a, red)) == pytest.approx(float(want))
    assert R_.apply_reduction(t, "none") is t


def test_grad_fn_names_match_torch():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    cases = [("mse_loss", lambda L, a: (a, a.detach() * 0.5)), ("l1_loss", lambda L, a: (a, a.detach() * 0.5)),
             ("smooth_l1_loss", lambda L, a: (a, a.detach() * 0.5)), ("huber_loss", lambda L, a: (a, a.detach() * 0.5)),
             ("cross_entropy", lambda L, a: (a, L.tensor([0, 1, 3]))),
             ("nll_loss", lambda L, a: (a, L.tensor([0, 1, 3]))),
             ("binary_cross_entropy", lambda L, a: (a.sigmoid(), a.detach().sigmoid())),
             ("binary_cross_entropy_with_logits", lambda L, a: (a, a.detach().sigmoid()))]
    for fn, mk in cases:
        a_n = nt.from_numpy(x.copy()).requires_grad_()
        a_t = torch.from_numpy(x.copy()).requires_grad_()
        on = getattr(ntF, fn)(*mk(nt, a_n))
        ot = getattr(thF, fn)(*mk(torch, a_t))
        assert on.grad_fn.name() == ot.grad_fn.name(), fn


def test_seed_mse_repr():
    x = nt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = nt.tensor([1.5, 1.2, 3.1])
    xt = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert repr(ntF.mse_loss(x, y)) == repr(thF.mse_loss(xt, torch.tensor([1.5, 1.2, 3.1])))


# --------------------------------------------------------------------------- modules
MODULES = [
    ("L1Loss", {}, lambda: [R(3, 4), R(3, 4, seed=1)]),
    ("MSELoss", {"reduction": "sum"}, lambda: [R(3, 4), R(3, 4, seed=1)]),
    ("SmoothL1Loss", {"beta": 0.5}, lambda: [R(3, 4), R(3, 4, seed=1)]),
    ("HuberLoss", {"delta": 0.7, "reduction": "none"}, lambda: [R(3, 4), R(3, 4, seed=1)]),
    ("CrossEntropyLoss", {"weight": U(4), "ignore_index": 1, "label_smoothing": 0.1}, lambda: [R(5, 4), I(4, 5)]),
    ("NLLLoss", {"weight": U(4), "reduction": "sum"}, lambda: [R(5, 4), I(4, 5)]),
    ("BCELoss", {"weight": U(4)}, lambda: [U(3, 4), U(3, 4, seed=1)]),
    ("BCEWithLogitsLoss", {"pos_weight": U(4, seed=3)}, lambda: [R(3, 4), U(3, 4, seed=1)]),
    ("PoissonNLLLoss", {"log_input": False, "full": True}, lambda: [U(3, 4, hi=3), U(3, 4, seed=1, hi=4)]),
    ("GaussianNLLLoss", {"full": True}, lambda: [R(3, 4), R(3, 4, seed=1), U(3, 4, seed=2)]),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, lambda: [R(3, 4), R(3, 4, seed=1)]),
    ("MarginRankingLoss", {"margin": 0.3}, lambda: [R(5), R(5, seed=1), np.sign(R(5, seed=2))]),
    ("HingeEmbeddingLoss", {"margin": 0.5}, lambda: [R(5), np.sign(R(5, seed=2))]),
    ("CosineEmbeddingLoss", {"margin": 0.2}, lambda: [R(5, 3), R(5, 3, seed=1), np.sign(R(5, seed=2))]),
    ("SoftMarginLoss", {}, lambda: [R(5), np.sign(R(5, seed=2))]),
    ("MultiLabelSoftMarginLoss", {"weight": U(4)}, lambda: [R(3, 4), (R(3, 4, seed=1) > 0).astype(np.float32)]),
    ("MultiMarginLoss", {"p": 2, "margin": 0.8, "weight": U(4)}, lambda: [R(5, 4), I(4, 5)]),
    ("MultiLabelMarginLoss", {}, lambda: [R(2, 4), np.array([[1, 2, -1, 0], [0, -1, 2, 2]])]),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}, lambda: [R(4, 3), R(4, 3, seed=1), R(4, 3, seed=2)]),
    ("TripletMarginWithDistanceLoss", {"margin": 0.5}, lambda: [R(4, 3), R(4, 3, seed=1), R(4, 3, seed=2)]),
]


@pytest.mark.parametrize("name,kw,mk", MODULES, ids=[m[0] for m in MODULES])
def test_modules(name, kw, mk):
    arrays = mk()
    nkw = {k: (nt.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    tkw = {k: (torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    nm, tm = getattr(ntnn, name)(**nkw), getattr(torch.nn, name)(**tkw)
    assert repr(nm) == repr(tm)
    nargs = [_pair(a, a.dtype.kind == "f" and i == 0)[0] for i, a in enumerate(arrays)]
    targs = [_pair(a, a.dtype.kind == "f" and i == 0)[1] for i, a in enumerate(arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        on, ot = nm(*nargs), tm(*targs)
    assert_close(on, ot, rtol=1e-4, atol=1e-5)
    on.sum().backward()
    ot.sum().backward()
    assert_close(nargs[0].grad, targs[0].grad, rtol=1e-4, atol=1e-5)
    assert nm.reduction == tm.reduction


def test_module_weight_buffer():
    w = nt.rand(4)
    m = ntnn.CrossEntropyLoss(weight=w)
    assert m.weight is w and "weight" in dict(m.named_buffers())
    assert "weight" not in dict(ntnn.CrossEntropyLoss().named_buffers())


# --------------------------------------------------------------------------- gradcheck (float64) and double backward
def _g(*shape, seed=0, lo=None):
    a = np.random.default_rng(seed).standard_normal(shape)
    if lo is not None:
        a = np.random.default_rng(seed).uniform(lo, 1 - lo if lo < 0.5 else lo + 2, shape)
    return nt.from_numpy(a).requires_grad_()


GRADCHECK = [
    ("mse", lambda: (_g(3, 2), _g(3, 2, seed=1)), lambda a, b: ntF.mse_loss(a, b)),
    ("l1", lambda: (_g(3, 2), _g(3, 2, seed=1)), lambda a, b: ntF.l1_loss(a, b, reduction="none")),
    ("smooth_l1", lambda: (_g(3, 2), _g(3, 2, seed=1)), lambda a, b: ntF.smooth_l1_loss(a, b, beta=0.7)),
    ("huber", lambda: (_g(3, 2), _g(3, 2, seed=1)), lambda a, b: ntF.huber_loss(a, b, delta=0.4, reduction="sum")),
    ("ce", lambda: (_g(3, 4),), lambda a: ntF.cross_entropy(a, nt.tensor([0, 3, 1]), weight=nt.tensor(
        [1., 2., .5, 1.], dtype=nt.float64), label_smoothing=0.2)),
    ("ce_kdim", lambda: (_g(2, 3, 2),), lambda a: ntF.cross_entropy(a, nt.tensor([[0, 2], [1, -100]]),
                                                                    reduction="none")),
    ("ce_prob", lambda: (_g(3, 4), _g(3, 4, seed=2)), lambda a, b: ntF.cross_entropy(a, b.softmax(1))),
    ("nll", lambda: (_g(3, 4),), lambda a: ntF.nll_loss(a, nt.tensor([0, 3, 1]), reduction="sum")),
    ("bce", lambda: (_g(3, 2, lo=0.1), _g(3, 2, seed=1, lo=0.1)), lambda a, b: ntF.binary_cross_entropy(a, b)),
    ("bce_logits", lambda: (_g(3, 2), _g(3, 2, seed=1, lo=0.1)),
     lambda a, b: ntF.binary_cross_entropy_with_logits(a, b, pos_weight=nt.tensor([2.0, 0.5], dtype=nt.float64))),
    ("poisson", lambda: (_g(3, 2), _g(3, 2, seed=1, lo=0.1)), lambda a, b: ntF.poisson_nll_loss(a, b)),
    ("gaussian", lambda: (_g(3, 2), _g(3, 2, seed=1), _g(3, 2, seed=2, lo=0.1)),
     lambda a, b, v: ntF.gaussian_nll_loss(a, b, v, full=True)),
    ("kl", lambda: (_g(3, 2), _g(3, 2, seed=1, lo=0.1)), lambda a, b: ntF.kl_div(a, b, reduction="batchmean")),
    ("margin_ranking", lambda: (_g(4), _g(4, seed=1)),
     lambda a, b: ntF.margin_ranking_loss(a, b, nt.tensor([1., -1., 1., -1.], dtype=nt.float64), margin=0.1)),
    ("hinge", lambda: (_g(4),), lambda a: ntF.hinge_embedding_loss(a, nt.tensor([1., -1., 1., -1.],
                                                                                dtype=nt.float64))),
    ("cosine_emb", lambda: (_g(3, 4), _g(3, 4, seed=1)),
     lambda a, b: ntF.cosine_embedding_loss(a, b, nt.tensor([1., -1., -1.], dtype=nt.float64))),
    ("soft_margin", lambda: (_g(3, 2),), lambda a: ntF.soft_margin_loss(a, nt.ones(3, 2, dtype=nt.float64))),
    ("ml_soft_margin", lambda: (_g(3, 2), _g(3, 2, seed=1, lo=0.1)),
     lambda a, b: ntF.multilabel_soft_margin_loss(a, b)),
    ("multi_margin", lambda: (_g(3, 4),), lambda a: ntF.multi_margin_loss(a, nt.tensor([0, 3, 1]), p=2)),
    ("ml_margin", lambda: (_g(2, 4),), lambda a: ntF.multilabel_margin_loss(a, nt.tensor([[1, 2, -1, 0],
                                                                                          [3, -1, 0, 0]]))),
    ("triplet", lambda: (_g(3, 4), _g(3, 4, seed=1), _g(3, 4, seed=2)),
     lambda a, p, n: ntF.triplet_margin_loss(a, p, n, margin=2.0, swap=True)),
    ("pairwise", lambda: (_g(3, 4), _g(3, 4, seed=1)), lambda a, b: ntF.pairwise_distance(a, b, p=3)),
    ("cos_sim", lambda: (_g(3, 4), _g(3, 4, seed=1)), lambda a, b: ntF.cosine_similarity(a, b)),
    ("poisson_full", lambda: (_g(3, 2, lo=0.1), _g(3, 2, seed=1, lo=0.6)),
     lambda a, b: ntF.poisson_nll_loss(a, b, log_input=False, full=True, reduction="sum")),
    ("kl_log_target", lambda: (_g(3, 2), _g(3, 2, seed=1)), lambda a, b: ntF.kl_div(a, b, log_target=True,
                                                                                    reduction="sum")),
    ("multi_margin_w", lambda: (_g(3, 4),), lambda a: ntF.multi_margin_loss(
        a, nt.tensor([0, 3, 1]), margin=0.7, weight=nt.tensor([1., 2., .5, 1.], dtype=nt.float64))),
    ("triplet_dist", lambda: (_g(3, 4), _g(3, 4, seed=1), _g(3, 4, seed=2)),
     lambda a, p, n: ntF.triplet_margin_with_distance_loss(
         a, p, n, distance_function=lambda u, v: 1 - ntF.cosine_similarity(u, v), margin=1.5, swap=True)),
    ("focal", lambda: (_g(4, 3),), lambda a: ntF.focal_loss(a, nt.tensor([0, 2, -100, 1]), gamma=2.0,
                                                            weight=nt.tensor([1., 2., .5], dtype=nt.float64))),
    ("sigmoid_focal", lambda: (_g(4, 3), _g(4, 3, seed=1, lo=0.1)),
     lambda a, b: __import__("numtorch.vision.ops", fromlist=["x"]).sigmoid_focal_loss(a, b, reduction="mean")),
    ("ctc", lambda: (_g(6, 2, 4),), lambda a: ntF.ctc_loss(a.log_softmax(2), nt.tensor([[1, 2, 2], [3, 1, 0]]),
                                                           [6, 5], [3, 2], reduction="sum")),
]


@pytest.mark.parametrize("name,mk,fn", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, mk, fn):
    assert nt.autograd.gradcheck(fn, mk(), eps=1e-6, atol=1e-5, rtol=1e-3)


DOUBLE = [
    ("mse", lambda L, x: L.nn.functional.mse_loss(x, x.detach() * 0.3 + 0.1)),
    ("mse_none_bcast", lambda L, x: L.nn.functional.mse_loss(x, (x.detach()[:1] * 2), reduction="none").sum()),
    ("ce", lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([0, 2, 1, 2]))),
    ("ce_w_ls_none", lambda L, x: (L.nn.functional.cross_entropy(
        x, L.tensor([0, 2, -100, 2]), weight=L.tensor([1.0, 0.5, 2.0], dtype=L.float64), label_smoothing=0.2,
        reduction="none") ** 2).sum()),
    ("ce_sum", lambda L, x: L.nn.functional.cross_entropy(x, L.tensor([0, 2, 1, 2]), reduction="sum")),
    ("ce_kdim_none", lambda L, x: (L.nn.functional.cross_entropy(
        x.reshape(2, 3, 2), L.tensor([[0, 2], [1, -100]]), reduction="none") ** 2).sum()),
    ("ce_kdim_mean_ls", lambda L, x: L.nn.functional.cross_entropy(
        x.reshape(2, 3, 2), L.tensor([[0, 2], [1, 1]]), label_smoothing=0.3)),
    ("bce_logits", lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(x, x.detach().sigmoid() * 0.5)),
    ("bce_logits_pw", lambda L, x: L.nn.functional.binary_cross_entropy_with_logits(
        x, x.detach().sigmoid() * 0.5, weight=L.tensor([1.0, 2.0, 0.5], dtype=L.float64),
        pos_weight=L.tensor([3.0, 1.0, 0.2], dtype=L.float64), reduction="sum")),
]


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name,fn", DOUBLE, ids=[d[0] for d in DOUBLE])
def test_double_backward(name, fn):
    x = np.random.default_rng(0).standard_normal((4, 3))
    v = np.random.default_rng(1).standard_normal((4, 3))
    res = []
    for L in (nt, torch):
        xt = L.from_numpy(x.copy()).requires_grad_()
        (g,) = L.autograd.grad(fn(L, xt), xt, create_graph=True)
        (g * L.from_numpy(v.copy())).sum().backward()
        res.append((g, xt.grad))
    assert_close(res[0][0], res[1][0], rtol=1e-7, atol=1e-9)
    assert_close(res[0][1], res[1][1], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("scale", [1.0, 100.0])
def test_cross_entropy_retained_graph_backward_twice(scale):
    # the fused backward consumes its saved softmax numerators; a second pass must recompute them
    x = R(4, 5, scale=scale)
    t = np.array([0, 4, 2, 1])
    xn = nt.from_numpy(x.copy()).requires_grad_()
    xt = torch.from_numpy(x.copy()).requires_grad_()
    ln, lt = ntF.cross_entropy(xn, nt.from_numpy(t)), thF.cross_entropy(xt, torch.from_numpy(t))
    for _ in range(2):
        ln.backward(retain_graph=True)
        lt.backward(retain_graph=True)
    assert_close(xn.grad, xt.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", ["l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("red", RED)
def test_pointwise_retained_graph_backward_twice(fn, red):
    # the fused backward writes over its saved difference; a second pass must recompute it
    x, y = R(3, 4, scale=2), R(3, 4, seed=1, scale=2)
    xn, yn = nt.from_numpy(x.copy()).requires_grad_(), nt.from_numpy(y.copy()).requires_grad_()
    xt, yt = torch.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(y.copy()).requires_grad_()
    ln, lt = getattr(ntF, fn)(xn, yn, reduction=red).sum(), getattr(thF, fn)(xt, yt, reduction=red).sum()
    for _ in range(2):
        ln.backward(retain_graph=True)
        lt.backward(retain_graph=True)
    assert_close(xn.grad, xt.grad, rtol=1e-5, atol=1e-6)
    assert_close(yn.grad, yt.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss", "BCELoss", "MultiMarginLoss"])
@pytest.mark.parametrize("size_average,reduce", [(False, None), (None, False), (True, True)])
def test_weighted_modules_legacy_args(name, size_average, reduce):
    w = U(4, seed=3, lo=0.2, hi=2)
    if name == "BCELoss":
        x, t = U(3, 4), U(3, 4, seed=1)
    else:
        x, t = R(3, 4), I(4, 3, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nm = getattr(ntnn, name)(weight=nt.from_numpy(w), size_average=size_average, reduce=reduce)
        tm = getattr(torch.nn, name)(weight=torch.from_numpy(w), size_average=size_average, reduce=reduce)
    assert nm.reduction == tm.reduction
    assert_close(nm(nt.from_numpy(x), nt.from_numpy(t)), tm(torch.from_numpy(x), torch.from_numpy(t)),
                 rtol=1e-5, atol=1e-6)


def test_triplet_exact_margin_kink():
    # margin + d(a, p) - d(a, n) == 0 exactly (eps = 0, p = 1 on integers): clamp_min passes the gradient
    a = np.array([[0.0, 0.0]], np.float32)
    p = np.array([[1.0, 0.0]], np.float32)
    n = np.array([[2.0, 0.0]], np.float32)
    compare("triplet_margin_loss", [a, p, n], {"margin": 1.0, "p": 1.0, "eps": 0.0}, grad=(0, 1, 2))


@pytest.mark.parametrize("fn,mk", [("mse_loss", lambda a: a), ("l1_loss", lambda a: a),
                                   ("smooth_l1_loss", lambda a: a),
                                   ("binary_cross_entropy_with_logits", lambda a: 1 / (1 + np.exp(-a))),
                                   ("soft_margin_loss", np.sign), ("kl_div", lambda a: np.abs(a) + 0.1)])
def test_mixed_dtype_promotion(fn, mk):
    # float32 input, float64 target: output dtype and input-gradient dtype as PyTorch
    x = R(3, 4)
    y = mk(R(3, 4, seed=1, dtype=np.float64))
    compare(fn, [x, y], {}, grad=(0,), rtol=1e-5, atol=1e-6)


def test_kl_div_negative_target_is_nan_as_torch():
    compare("kl_div", [R(2, 3), np.array([[-0.5, 0.5, 1.0], [0.2, 0.3, 0.5]], np.float32)], {"reduction": "none"},
            grad=())


def _outcome(fn):
    try:
        r = fn()
        return ("ok", tuple(r.shape))
    except Exception as e:  # noqa: BLE001 - the error type and message are what is compared
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("xs,ts", [((3, 4), ()), ((4,), (1,)), ((4,), (2,)), ((3, 4), (3, 1)), ((2, 3, 4), (2, 5)),
                                   ((2, 3, 4), (3, 4)), ((2, 3, 2, 2, 2), (2, 2, 2, 3)), ((2, 3, 2, 2), (2, 2, 3)),
                                   ((2, 3, 2, 2), (2, 2)), ((2, 3, 4), (2, 4, 1)), ((2, 3, 4), (2, 4))])
def test_class_target_shapes_match_torch(fn, xs, ts):
    # the same outcome (output shape, or error type and message) as PyTorch
    x = R(*xs)
    t = np.zeros(ts, np.int64)
    got = _outcome(lambda: getattr(ntF, fn)(nt.from_numpy(x), nt.from_numpy(t), reduction="none"))
    want = _outcome(lambda: getattr(thF, fn)(torch.from_numpy(x), torch.from_numpy(t), reduction="none"))
    assert got == want


def _name_cases(L, a, b):
    F = L.nn.functional
    return {
        "poisson": lambda r: F.poisson_nll_loss(a, b.detach().abs(), reduction=r),
        "gaussian": lambda r: F.gaussian_nll_loss(a, b, b.detach().abs(), reduction=r),
        "kl": lambda r: F.kl_div(a, b.detach().abs(), reduction=r),
        "kl_batchmean": lambda r: F.kl_div(a, b.detach().abs(), reduction="batchmean"),
        "margin_ranking": lambda r: F.margin_ranking_loss(a, b, b.detach().sign(), reduction=r),
        "hinge": lambda r: F.hinge_embedding_loss(a, b.detach().sign(), reduction=r),
        "soft_margin": lambda r: F.soft_margin_loss(a, b.detach().sign(), reduction=r),
        "ml_soft_margin": lambda r: F.multilabel_soft_margin_loss(a, (b.detach() > 0).float(), reduction=r),
        "cosine_emb": lambda r: F.cosine_embedding_loss(a, b, L.tensor([1., -1, 1]), reduction=r),
        "multi_margin": lambda r: F.multi_margin_loss(a, L.tensor([0, 1, 3]), reduction=r),
        "ml_margin": lambda r: F.multilabel_margin_loss(a, L.tensor([[0, 1, -1, 0]] * 3), reduction=r),
        "triplet": lambda r: F.triplet_margin_loss(a, b, a.detach(), reduction=r),
        "triplet_dist": lambda r: F.triplet_margin_with_distance_loss(a, b, a.detach(), reduction=r),
        "pairwise": lambda r: F.pairwise_distance(a, b),
        "cos_sim": lambda r: F.cosine_similarity(a, b),
        "ce_prob": lambda r: F.cross_entropy(a, b.detach().softmax(1), reduction=r),
        "bce_w": lambda r: F.binary_cross_entropy(a.sigmoid(), b.detach().sigmoid(), weight=L.ones(4), reduction=r),
        "ctc": lambda r: F.ctc_loss(a.reshape(3, 1, 4).log_softmax(2), L.tensor([[1, 2]]), [3], [2], reduction=r),
    }


@pytest.mark.parametrize("red", RED)
@pytest.mark.parametrize("case", list(_name_cases(torch, None, None)))
def test_composite_grad_fn_names_match_torch(case, red):
    x, y = R(3, 4), R(3, 4, seed=1)
    names = []
    for L in (nt, torch):
        a, b = L.from_numpy(x.copy()).requires_grad_(), L.from_numpy(y.copy()).requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            names.append(_name_cases(L, a, b)[case](red).grad_fn.name())
    assert names[0] == names[1]


@pytest.mark.parametrize("seed", range(4))
def test_cross_entropy_random_configurations(seed):
    # random rank, classes, dtype, scale, ignore_index, label smoothing, weights and reduction
    rng = np.random.default_rng(200 + seed)
    for _ in range(15):
        nd, C = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        shape = [C] if nd == 1 else [int(rng.integers(1, 4)), C] + [int(rng.integers(1, 4)) for _ in range(nd - 2)]
        dt = [np.float32, np.float64][int(rng.integers(0, 2))]
        x = (rng.standard_normal(shape) * float(rng.choice([1, 10, 100]))).astype(dt)
        t = np.asarray(rng.integers(0, C, () if nd == 1 else tuple([shape[0]] + shape[2:])))
        ii = int(rng.choice([-100, 0, C - 1]))
        if t.ndim and rng.random() < 0.5:
            t.reshape(-1)[rng.random(t.size) < 0.3] = ii
        kw = dict(reduction=str(rng.choice(RED)), ignore_index=ii, label_smoothing=float(rng.choice([0, 0.1, 0.5])))
        if rng.random() < 0.5:
            kw["weight"] = rng.uniform(0.1, 2, C).astype(dt)
        tol = dict(rtol=1e-4, atol=1e-5) if dt == np.float32 else dict(rtol=1e-9, atol=1e-10)
        compare("cross_entropy", [x, t], kw, grad=(0,), **tol)


_SCAN = {
    "bce": lambda L, a, b: L.nn.functional.binary_cross_entropy(a.sigmoid(), b.sigmoid()),
    "bce_logits": lambda L, a, b: L.nn.functional.binary_cross_entropy_with_logits(a, b.sigmoid()),
    "poisson": lambda L, a, b: L.nn.functional.poisson_nll_loss(a, b.abs()),
    "kl": lambda L, a, b: L.nn.functional.kl_div(a, b.abs(), reduction="sum"),
    "soft_margin": lambda L, a, b: L.nn.functional.soft_margin_loss(a, b.sign()),
    "ml_soft_margin": lambda L, a, b: L.nn.functional.multilabel_soft_margin_loss(a, (b > 0).float()),
    "hinge": lambda L, a, b: L.nn.functional.hinge_embedding_loss(a, b.sign()),
    "margin_ranking": lambda L, a, b: L.nn.functional.margin_ranking_loss(a, b, b.sign()),
    "gaussian": lambda L, a, b: L.nn.functional.gaussian_nll_loss(a, b, b.abs()),
    "cosine_emb": lambda L, a, b: L.nn.functional.cosine_embedding_loss(a, b, L.ones(a.shape[0] if a.dim() > 1
                                                                                   else ())),
    "triplet": lambda L, a, b: L.nn.functional.triplet_margin_loss(a, b, b),
    "pairwise": lambda L, a, b: L.nn.functional.pairwise_distance(a, b),
    "cos_sim": lambda L, a, b: L.nn.functional.cosine_similarity(a, b, dim=-1),
    "ce_prob": lambda L, a, b: L.nn.functional.cross_entropy(a, b.softmax(-1) if b.dim() else b),
    "mse": lambda L, a, b: L.nn.functional.mse_loss(a, b),
}


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("case", list(_SCAN))
@pytest.mark.parametrize("sa,sb", [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), (3, 1)), ((3, 4), (3, 5)),
                                   ((3,), (3, 4)), ((3, 4), (2, 4)), ((), ()), ((4,), ())])
def test_shape_errors_match_torch(case, sa, sb):
    # every shape combination gives PyTorch's outcome: the output shape, or its error type and message
    x, y = R(*sa), R(*sb, seed=1)
    got = _outcome(lambda: _SCAN[case](nt, nt.from_numpy(x.copy()), nt.from_numpy(y.copy())))
    want = _outcome(lambda: _SCAN[case](torch, torch.from_numpy(x.copy()), torch.from_numpy(y.copy())))
    assert got == want


@pytest.mark.parametrize("case", ["bce_logits_w", "bce_logits_pw", "bce_w", "ce_w", "ce_ls_w", "nll_w", "mm_w",
                                  "ml_soft_margin_w", "ce_prob_w"])
def test_weight_requiring_grad_as_torch(case):
    # PyTorch's kernels refuse a class weight that requires grad; the composite losses differentiate it
    def run(L):
        F = L.nn.functional
        x = L.from_numpy(R(2, 3)).requires_grad_()
        w = L.from_numpy(U(3, seed=4)).requires_grad_()
        y = L.from_numpy(U(2, 3, seed=5))
        t = L.tensor([0, 2])
        out = {"bce_logits_w": lambda: F.binary_cross_entropy_with_logits(x, y, weight=w),
               "bce_logits_pw": lambda: F.binary_cross_entropy_with_logits(x, y, pos_weight=w),
               "bce_w": lambda: F.binary_cross_entropy(x.sigmoid(), y, weight=w),
               "ce_w": lambda: F.cross_entropy(x, t, weight=w),
               "ce_ls_w": lambda: F.cross_entropy(x, t, weight=w, label_smoothing=0.1),
               "nll_w": lambda: F.nll_loss(x, t, weight=w),
               "mm_w": lambda: F.multi_margin_loss(x, t, weight=w),
               "ml_soft_margin_w": lambda: F.multilabel_soft_margin_loss(x, y, weight=w),
               "ce_prob_w": lambda: F.cross_entropy(x, y, weight=w)}[case]
        try:
            o = out()
        except RuntimeError as e:
            return str(e), None
        o.backward()
        return o, w.grad
    got, want = run(nt), run(torch)
    if isinstance(want[0], str):
        assert got[0] == want[0]
    else:
        assert_close(got[0], want[0], rtol=1e-5, atol=1e-6)
        assert_close(got[1], want[1], rtol=1e-5, atol=1e-6)
    with nt.no_grad():   # no recording: no error
        ntF.cross_entropy(nt.randn(2, 3), nt.tensor([0, 1]), weight=nt.ones(3).requires_grad_())
