"""The 3-D family (Conv3d, ConvTranspose3d, pooling, unpooling, norms) against torch: values, gradients,
second order, state_dicts, errors."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_torch, to_nt, assert_close

TF = torch.nn.functional


def _pair_tensors(arr, requires_grad=True):
    return nt.tensor(arr, requires_grad=requires_grad), torch.tensor(arr, requires_grad=requires_grad)


def _grads_match(outs_nt, outs_t, ins_nt, ins_t, rng, rtol=1e-5, atol=1e-5):
    g = rng.standard_normal(tuple(outs_t.shape)).astype(outs_t.detach().numpy().dtype)
    gn = nt.autograd.grad(outs_nt, ins_nt, nt.tensor(g), allow_unused=True, retain_graph=True)
    gt = torch.autograd.grad(outs_t, ins_t, torch.tensor(g), allow_unused=True, retain_graph=True)
    for a, b in zip(gn, gt):
        assert_close(a, b, rtol=rtol, atol=atol)


CONV3 = [  # (C, O, groups, kernel, stride, padding, dilation)
    (4, 6, 2, (3, 2, 3), (2, 1, 2), (1, 0, 1), (2, 1, 1)),
    (3, 5, 1, 3, 1, "same", 2),
    (2, 4, 1, (2, 3, 2), 1, "same", 1),
    (3, 3, 3, 1, 1, "valid", 1),
    (2, 2, 1, (1, 3, 3), (3, 2, 1), 2, (1, 1, 2)),
]


@pytest.mark.parametrize("cfg", CONV3)
@pytest.mark.parametrize("bias", [True, False])
def test_conv3d(rng, cfg, bias):
    C, O, g, k, s, p, d = cfg
    ks = (k,) * 3 if isinstance(k, int) else k
    x, xt = _pair_tensors(rng.standard_normal((2, C, 7, 6, 8)).astype(np.float32))
    w, wt = _pair_tensors(rng.standard_normal((O, C // g) + ks).astype(np.float32))
    b, bt = _pair_tensors(rng.standard_normal(O).astype(np.float32)) if bias else (None, None)
    y = F.conv3d(x, w, b, s, p, d, g)
    with _nowarn():
        yt = TF.conv3d(xt, wt, bt, s, p, d, g)
    assert_close(y, yt, atol=2e-5)
    ins, inst = [x, w] + ([b] if bias else []), [xt, wt] + ([bt] if bias else [])
    _grads_match(y, yt, ins, inst, rng, atol=5e-5, rtol=1e-4)


class _nowarn:
    def __enter__(self):
        import warnings
        self._c = warnings.catch_warnings()
        self._c.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *a):
        self._c.__exit__(*a)


def test_conv3d_unbatched_and_errors(rng):
    x = rng.standard_normal((2, 5, 5, 5)).astype(np.float32)
    w = rng.standard_normal((3, 2, 2, 2, 2)).astype(np.float32)
    assert_close(F.conv3d(nt.tensor(x), nt.tensor(w)), TF.conv3d(torch.tensor(x), torch.tensor(w)), atol=1e-5)
    for args in ((nt.ones(1, 3, 4, 4, 4), nt.ones(2, 2, 1, 1, 1)),      # channels
                 (nt.ones(1, 2, 4, 4), nt.ones(2, 2, 3, 3)),            # 3-D input
                 (nt.ones(1, 2, 2, 2, 2), nt.ones(2, 2, 3, 3, 3))):     # kernel larger than input
        with pytest.raises(RuntimeError):
            F.conv3d(*args)
        with pytest.raises(RuntimeError):
            TF.conv3d(*(to_torch(a) for a in args))
    with pytest.raises(ValueError, match="strided"):
        F.conv3d(nt.ones(1, 1, 4, 4, 4), nt.ones(1, 1, 3, 3, 3), stride=2, padding="same")


def test_conv3d_second_order():
    rng = np.random.default_rng(3)
    x, xt = _pair_tensors(rng.standard_normal((1, 2, 4, 5, 4)))
    w, wt = _pair_tensors(rng.standard_normal((2, 1, 2, 3, 2)))
    y = F.conv3d(x, w, None, (2, 1, 1), (1, 1, 0), (1, 1, 2), groups=2)
    yt = TF.conv3d(xt, wt, None, (2, 1, 1), (1, 1, 0), (1, 1, 2), groups=2)
    gx, gw = nt.autograd.grad((y ** 2).sum(), [x, w], create_graph=True)
    gxt, gwt = torch.autograd.grad((yt ** 2).sum(), [xt, wt], create_graph=True)
    assert_close(gx, gxt, rtol=1e-10, atol=1e-10)
    (gx.sum() + (gw ** 2).sum()).backward()
    (gxt.sum() + (gwt ** 2).sum()).backward()
    assert_close(x.grad, xt.grad, rtol=1e-10, atol=1e-10)
    assert_close(w.grad, wt.grad, rtol=1e-10, atol=1e-10)


CONVT3 = [  # (Cin, Cout, groups, kernel, stride, padding, output_padding, dilation)
    (4, 6, 2, (3, 2, 3), (2, 1, 2), (1, 0, 1), (1, 0, 1), 1),
    (3, 2, 1, 3, 3, 1, 2, 1),
    (2, 4, 2, (2, 3, 2), 1, 0, 0, (2, 1, 2)),
    (2, 3, 1, (3, 1, 2), (2, 2, 1), (2, 0, 0), (1, 1, 0), (2, 1, 1)),
]


@pytest.mark.parametrize("cfg", CONVT3)
def test_conv_transpose3d(rng, cfg):
    Ci, Co, g, k, s, p, op, d = cfg
    ks = (k,) * 3 if isinstance(k, int) else k
    x, xt = _pair_tensors(rng.standard_normal((2, Ci, 4, 5, 3)).astype(np.float32))
    w, wt = _pair_tensors(rng.standard_normal((Ci, Co // g) + ks).astype(np.float32))
    b, bt = _pair_tensors(rng.standard_normal(Co).astype(np.float32))
    y = F.conv_transpose3d(x, w, b, s, p, op, g, d)
    yt = TF.conv_transpose3d(xt, wt, bt, s, p, op, g, d)
    assert_close(y, yt, atol=2e-5)
    _grads_match(y, yt, [x, w, b], [xt, wt, bt], rng, atol=5e-5, rtol=1e-4)


def test_conv_transpose3d_second_order():
    rng = np.random.default_rng(4)
    x, xt = _pair_tensors(rng.standard_normal((1, 2, 3, 2, 3)))
    w, wt = _pair_tensors(rng.standard_normal((2, 3, 2, 2, 3)))
    y = F.conv_transpose3d(x, w, None, 2, 1, 1)
    yt = TF.conv_transpose3d(xt, wt, None, 2, 1, 1)
    gx, = nt.autograd.grad((y ** 2).sum(), [x], create_graph=True)
    gxt, = torch.autograd.grad((yt ** 2).sum(), [xt], create_graph=True)
    (gx ** 2).sum().backward()
    (gxt ** 2).sum().backward()
    assert_close(w.grad, wt.grad, rtol=1e-9, atol=1e-9)
    assert_close(x.grad, xt.grad, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv3d_module_padding_modes_and_weights(rng, mode):
    torch.manual_seed(0)
    mt = torch.nn.Conv3d(2, 4, (3, 2, 3), padding=(1, 1, 1), padding_mode=mode, groups=2)
    mn = nt.nn.Conv3d(2, 4, (3, 2, 3), padding=(1, 1, 1), padding_mode=mode, groups=2)
    assert {k: tuple(v.shape) for k, v in mn.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in mt.state_dict().items()}
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    x = rng.standard_normal((2, 2, 4, 5, 6)).astype(np.float32)
    assert_close(mn(nt.tensor(x)), mt(torch.tensor(x)), atol=1e-5)
    assert repr(mn) == repr(mt)


def test_conv3d_init_statistics():
    nt.manual_seed(0)
    m = nt.nn.Conv3d(8, 16, 3)
    bound = 1 / np.sqrt(8 * 27)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound


def test_conv_transpose3d_module_output_size(rng):
    torch.manual_seed(1)
    mt = torch.nn.ConvTranspose3d(3, 2, 3, stride=2, padding=1)
    mn = nt.nn.ConvTranspose3d(3, 2, 3, stride=2, padding=1)
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    x = rng.standard_normal((1, 3, 3, 4, 2)).astype(np.float32)
    yn = mn(nt.tensor(x), output_size=[6, 8, 4])
    yt = mt(torch.tensor(x), output_size=[6, 8, 4])
    assert_close(yn, yt, atol=1e-5)
    assert repr(mn) == repr(mt)


MAXP = [dict(kernel_size=2), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 1, 0), dilation=(1, 2, 1),
                                   ceil_mode=True),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), dict(kernel_size=(1, 3, 2), stride=1)]


@pytest.mark.parametrize("kw", MAXP)
def test_max_pool3d(rng, kw):
    x, xt = _pair_tensors(rng.standard_normal((2, 3, 7, 6, 9)).astype(np.float32))
    y, i = F.max_pool3d(x, return_indices=True, **kw)
    yt, it = TF.max_pool3d(xt, return_indices=True, **kw)
    assert_close(y, yt)
    assert_close(i, it)
    _grads_match(y, yt, [x], [xt], rng)
    m, mt = nt.nn.MaxPool3d(**kw), torch.nn.MaxPool3d(**kw)
    assert_close(m(x[0]), mt(xt[0]))
    assert repr(m) == repr(mt)
    # unpooling with the indices, and its gradient
    k = kw["kernel_size"]
    if kw.get("dilation", 1) == 1 and not kw.get("ceil_mode"):
        u = F.max_unpool3d(y, i, k, kw.get("stride"), kw.get("padding", 0), output_size=x.shape[2:])
        ut = TF.max_unpool3d(yt, it, k, kw.get("stride"), kw.get("padding", 0), output_size=xt.shape[2:])
        assert_close(u, ut)
        _grads_match(u, ut, [x], [xt], rng)


def test_max_pool3d_ties_nan_and_second_order():
    x = np.zeros((1, 1, 4, 4, 4), np.float64)
    x[0, 0, 1, 2, 3] = np.nan
    a, b = _pair_tensors(x)
    y, i = F.max_pool3d(a, 2, return_indices=True)
    yt, it = TF.max_pool3d(b, 2, return_indices=True)
    assert_close(y, yt)
    assert_close(i, it)
    rng = np.random.default_rng(5)
    a, b = _pair_tensors(rng.standard_normal((1, 2, 5, 4, 5)))
    g, = nt.autograd.grad((F.max_pool3d(a, 3, 2, 1) ** 2).sum(), a, create_graph=True)
    gt, = torch.autograd.grad((TF.max_pool3d(b, 3, 2, 1) ** 2).sum(), b, create_graph=True)
    assert_close(g, gt)
    (g ** 2).sum().backward()
    (gt ** 2).sum().backward()
    assert_close(a.grad, b.grad)


AVGP = [dict(kernel_size=2), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 1, 0), ceil_mode=True,
                                   count_include_pad=False),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=5),
        dict(kernel_size=(2, 3, 3), stride=(1, 2, 2), padding=(1, 1, 1), count_include_pad=True, ceil_mode=True)]


@pytest.mark.parametrize("kw", AVGP)
def test_avg_pool3d(rng, kw):
    x, xt = _pair_tensors(rng.standard_normal((2, 3, 7, 6, 9)).astype(np.float32))
    y, yt = F.avg_pool3d(x, **kw), TF.avg_pool3d(xt, **kw)
    assert_close(y, yt, atol=1e-6)
    _grads_match(y, yt, [x], [xt], rng)
    m, mt = nt.nn.AvgPool3d(**kw), torch.nn.AvgPool3d(**kw)
    assert_close(m(x[0]), mt(xt[0]), atol=1e-6)
    assert repr(m) == repr(mt)


def test_pool3d_errors():
    for f, g in ((lambda M, t: M.max_pool3d(t, 2, padding=2), None), (lambda M, t: M.avg_pool3d(t, 2, padding=2), None),
                 (lambda M, t: M.max_pool3d(t[:1, :1, :1, :1, :1], 2), None),
                 (lambda M, t: M.max_pool3d(t[0, 0, 0], 2), None),
                 (lambda M, t: M.adaptive_avg_pool3d(t[0, 0, 0], 2), None),
                 (lambda M, t: M.adaptive_max_pool3d(t[0, 0, 0], 2), None)):
        with pytest.raises(RuntimeError) as e1:
            f(F, nt.ones(1, 1, 4, 4, 4))
        with pytest.raises(RuntimeError) as e2:
            f(TF, torch.ones(1, 1, 4, 4, 4))
        assert str(e1.value) == str(e2.value)


@pytest.mark.parametrize("size", [(3, 2, 4), 1, (None, 4, 2), 5])
def test_adaptive_pool3d(rng, size):
    x, xt = _pair_tensors(rng.standard_normal((2, 3, 7, 6, 9)).astype(np.float32))
    y, yt = F.adaptive_avg_pool3d(x, size), TF.adaptive_avg_pool3d(xt, size)
    assert_close(y, yt, atol=1e-6)
    _grads_match(y, yt, [x], [xt], rng)
    y, i = F.adaptive_max_pool3d(x, size, True)
    yt, it = TF.adaptive_max_pool3d(xt, size, True)
    assert_close(y, yt)
    assert_close(i, it)
    _grads_match(y, yt, [x], [xt], rng)
    assert_close(nt.nn.AdaptiveAvgPool3d(size)(x[0]), torch.nn.AdaptiveAvgPool3d(size)(xt[0]), atol=1e-6)
    assert_close(nt.nn.AdaptiveMaxPool3d(size)(x[0]), torch.nn.AdaptiveMaxPool3d(size)(xt[0]))


def test_lp_pool3d(rng):
    x, xt = _pair_tensors(np.abs(rng.standard_normal((1, 2, 5, 6, 4))).astype(np.float32) + 0.1)
    y, yt = nt.nn.LPPool3d(2, (2, 3, 2), stride=1)(x), torch.nn.LPPool3d(2, (2, 3, 2), stride=1)(xt)
    assert_close(y, yt, atol=1e-5)
    _grads_match(y, yt, [x], [xt], rng)


@pytest.mark.parametrize("cls", ["BatchNorm3d", "InstanceNorm3d"])
def test_norm3d(rng, cls):
    kw = {"affine": True, "track_running_stats": True} if cls == "InstanceNorm3d" else {}
    mt, mn = getattr(torch.nn, cls)(3, **kw), getattr(nt.nn, cls)(3, **kw)
    mn.load_state_dict({k: to_nt(v) for k, v in mt.state_dict().items()})
    x, xt = _pair_tensors(rng.standard_normal((2, 3, 4, 3, 5)).astype(np.float32))
    y, yt = mn(x), mt(xt)
    assert_close(y, yt, atol=1e-5)
    _grads_match(y, yt, [x], [xt], rng, atol=1e-4)
    for k, v in mt.state_dict().items():
        assert_close(mn.state_dict()[k], v, atol=1e-6)


def test_empty_batch_and_no_grad(rng):
    """An empty batch is valid input (as in torch); inputs without grad give plain tensors."""
    x = np.zeros((0, 2, 4, 5, 4), np.float32)
    w = rng.standard_normal((2, 3, 2, 2, 2)).astype(np.float32)
    for f, args in (("avg_pool3d", (2,)), ("max_pool3d", (2,)), ("adaptive_avg_pool3d", ((2, 3, 1),)),
                    ("adaptive_max_pool3d", ((2, 3, 1),)), ("conv3d", (nt.tensor(w[:, :2]),)),
                    ("conv_transpose3d", (nt.tensor(w),))):
        targs = tuple(torch.tensor(a.numpy()) if isinstance(a, nt.Tensor) else a for a in args)
        assert_close(getattr(F, f)(nt.tensor(x), *args), getattr(TF, f)(torch.tensor(x), *targs))
    x = rng.standard_normal((1, 2, 3, 3, 3)).astype(np.float32)
    with nt.no_grad():
        y = F.conv_transpose3d(nt.tensor(x), nt.tensor(w), stride=2)
    assert isinstance(y, nt.Tensor) and y.grad_fn is None
    assert_close(y, TF.conv_transpose3d(torch.tensor(x), torch.tensor(w), stride=2), atol=1e-5)
