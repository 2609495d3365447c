"""Linear, Bilinear, Identity, Flatten/Unflatten, Dropout family, Upsample/interpolate, padding, pixel shuffle."""
import numpy as np
import pytest

import numtorch as nt
import numtorch.nn.functional as F
from conftest import torch, to_nt, assert_close
from _layer_twins import twin, run_both

TF = torch.nn.functional


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (5,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(shape, bias):
    torch.manual_seed(0)
    tm, nm = twin("Linear", 5, 3, bias=bias)
    run_both(tm, nm, torch.randn(*shape))


def test_linear_double_backward():
    x = nt.randn(3, 4, dtype=nt.float64, requires_grad=True)
    w = nt.randn(2, 4, dtype=nt.float64, requires_grad=True)
    b = nt.randn(2, dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradgradcheck(F.linear, (x, w, b))


def test_linear_init_bounds():
    nt.manual_seed(0)
    m = nt.nn.Linear(100, 50)
    assert np.abs(m.weight._data).max() <= 0.1 and np.abs(m.weight._data).max() > 0.09
    assert np.abs(m.bias._data).max() <= 0.1


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear(bias):
    torch.manual_seed(1)
    tm, nm = twin("Bilinear", 3, 4, 5, bias=bias)
    run_both(tm, nm, torch.randn(6, 3), torch.randn(6, 4))
    run_both(tm, nm, torch.randn(2, 6, 3), torch.randn(2, 6, 4))


def test_identity_flatten_unflatten():
    torch.manual_seed(2)
    x = torch.randn(2, 3, 4, 5)
    for name, args in [("Identity", ()), ("Flatten", ()), ("Flatten", (0, 2)), ("Unflatten", (1, (3, 1)))]:
        tm, nm = twin(name, *args)
        run_both(tm, nm, x)
    tm, nm = twin("Unflatten", -1, (5, 1))
    run_both(tm, nm, x)


@pytest.mark.parametrize("name,shape", [("Dropout", (200, 50)), ("Dropout1d", (20, 30, 8)), ("Dropout2d", (20, 30, 4, 4)),
                                        ("Dropout3d", (10, 20, 2, 2, 2))])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dropout_statistics_and_eval(name, shape, p):
    nt.manual_seed(0)
    m = getattr(nt.nn, name)(p)
    assert repr(m) == repr(getattr(torch.nn, name)(p))
    x = nt.ones(*shape, requires_grad=True)
    y = m(x)
    d = y._data
    # kept entries are scaled by 1/(1-p), dropped ones are exactly 0
    kept = d != 0
    if p < 1:
        np.testing.assert_allclose(d[kept], 1 / (1 - p), rtol=1e-6)
        draws = kept.size if name == "Dropout" else shape[0] * shape[1]
        assert abs(kept.mean() - (1 - p)) <= 4 * np.sqrt(p * (1 - p) / draws) + 1e-9
    else:
        assert not kept.any()
    if name != "Dropout" and 0 < p < 1:
        # whole channels share one draw
        per_chan = kept.reshape(shape[0], shape[1], -1)
        assert (per_chan.all(-1) | ~per_chan.any(-1)).all()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, d)  # the gradient is the mask itself
    m.eval()
    assert m(x) is x or np.array_equal(m(x)._data, x._data)


def test_dropout_functional_training_flag():
    x = nt.randn(100, 100)
    assert np.array_equal(F.dropout(x, 0.5, training=False)._data, x._data)
    assert (F.dropout(x, 0.5)._data == 0).mean() > 0.4
    with pytest.raises(ValueError):
        F.dropout(x, 1.5)
    nt.manual_seed(3)
    a = F.dropout(x, 0.5)._data
    nt.manual_seed(3)
    assert np.array_equal(a, F.dropout(x, 0.5)._data)


def test_alpha_dropout_preserves_moments():
    nt.manual_seed(0)
    x = nt.randn(400, 500)
    m = nt.nn.AlphaDropout(0.2)
    y = m(x)._data
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    m.eval()
    assert np.array_equal(m(x)._data, x._data)


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(5, 7)), dict(scale_factor=1.7),
                                dict(size=(3, 2)), dict(scale_factor=(2, 3), mode="nearest-exact"),
                                dict(size=(5, 7), mode="bilinear"), dict(size=(5, 7), mode="bilinear", align_corners=True),
                                dict(scale_factor=2, mode="bilinear"), dict(scale_factor=0.6, mode="bilinear"),
                                dict(size=(6, 9), mode="bicubic"), dict(size=(6, 9), mode="bicubic", align_corners=True),
                                dict(size=(2, 3), mode="area")])
def test_interpolate_2d(kw):
    torch.manual_seed(4)
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    y = TF.interpolate(x, **kw)
    g = torch.randn(y.shape)
    y.backward(g)
    xn = to_nt(x, True)
    yn = F.interpolate(xn, **kw)
    yn.backward(to_nt(g))
    assert_close(yn, y, 1e-5, 1e-5)
    assert_close(xn.grad, x.grad, 1e-5, 1e-5)


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=7, mode="linear"),
                                dict(size=7, mode="linear", align_corners=True)])
def test_interpolate_1d(kw):
    torch.manual_seed(5)
    x = torch.randn(2, 3, 4)
    assert_close(F.interpolate(to_nt(x), **kw), TF.interpolate(x, **kw), 1e-5, 1e-5)


def test_upsample_modules():
    torch.manual_seed(6)
    x = torch.randn(1, 2, 3, 4)
    for args in [dict(scale_factor=2), dict(size=(5, 6), mode="bilinear", align_corners=True),
                 dict(scale_factor=2, mode="bilinear")]:
        tm, nm = twin("Upsample", **args)
        run_both(tm, nm, x, rtol=1e-5, atol=1e-5)
    for name in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        tm, nm = twin(name, scale_factor=2)
        run_both(tm, nm, x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name,args,shape", [("ZeroPad2d", (2,), (1, 2, 3, 4)), ("ZeroPad2d", ((1, 0, 2, 3),), (2, 3, 4)),
                                             ("ConstantPad1d", (2, 1.5), (2, 3, 4)),
                                             ("ConstantPad2d", ((1, 2, 0, 1), -1.0), (1, 2, 3, 4)),
                                             ("ReflectionPad1d", (2,), (1, 2, 5)), ("ReflectionPad2d", (1,), (1, 2, 3, 4)),
                                             ("ReplicationPad1d", ((1, 3),), (1, 2, 4)),
                                             ("ReplicationPad2d", (2,), (1, 2, 3, 4)),
                                             ("CircularPad2d", (1,), (1, 2, 3, 4))])
def test_padding_modules(name, args, shape):
    torch.manual_seed(7)
    tm, nm = twin(name, *args)
    run_both(tm, nm, torch.randn(*shape))


def test_pixel_shuffle():
    torch.manual_seed(8)
    tm, nm = twin("PixelShuffle", 2)
    run_both(tm, nm, torch.randn(2, 8, 3, 4))
    tm, nm = twin("PixelUnshuffle", 2)
    run_both(tm, nm, torch.randn(2, 2, 4, 6))
