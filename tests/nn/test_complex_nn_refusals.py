"""Complex input to nn.functional: where PyTorch has no complex kernel numtorch raises the same exception class
with the same message (complex64 and complex128); where PyTorch computes (convolutions, soft_margin_loss) the
values and gradients agree with it."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_nt, assert_close

F, TF = nt.nn.functional, torch.nn.functional


def _c(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.complex(torch.randn(shape, generator=g, dtype=torch.float64),
                         torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)


def _lng(dt):
    return torch.randint(0, 3, (4,), generator=torch.Generator().manual_seed(1))


# name -> (callable taking the functional module and a complex (4, 3, 6, 6) tensor x and a helper to make others)
CASES = {
    "max_pool1d": lambda f, x: f.max_pool1d(x[:, :, 0], 2),
    "max_pool2d": lambda f, x: f.max_pool2d(x, 2),
    "max_pool3d": lambda f, x: f.max_pool3d(x.unsqueeze(0), 2),
    "avg_pool1d": lambda f, x: f.avg_pool1d(x[:, :, 0], 2),
    "avg_pool2d": lambda f, x: f.avg_pool2d(x, 2),
    "avg_pool3d": lambda f, x: f.avg_pool3d(x.unsqueeze(0), 2),
    "adaptive_avg_pool1d": lambda f, x: f.adaptive_avg_pool1d(x[:, :, 0], 3),
    "adaptive_avg_pool2d": lambda f, x: f.adaptive_avg_pool2d(x, 3),
    "adaptive_avg_pool3d": lambda f, x: f.adaptive_avg_pool3d(x.unsqueeze(0), 3),
    "adaptive_max_pool2d": lambda f, x: f.adaptive_max_pool2d(x, 3),
    "adaptive_max_pool3d": lambda f, x: f.adaptive_max_pool3d(x.unsqueeze(0), 3),
    "fractional_max_pool2d": lambda f, x: f.fractional_max_pool2d(x, 2, output_size=3),
    "batch_norm": lambda f, x: f.batch_norm(x, None, None, training=True),
    "instance_norm": lambda f, x: f.instance_norm(x),
    "layer_norm": lambda f, x: f.layer_norm(x, (6,)),
    "group_norm": lambda f, x: f.group_norm(x, 3),
    "interpolate_nearest_1d": lambda f, x: f.interpolate(x[:, :, 0], scale_factor=2),
    "interpolate_linear": lambda f, x: f.interpolate(x[:, :, 0], scale_factor=2, mode="linear"),
    "interpolate_bicubic": lambda f, x: f.interpolate(x, scale_factor=2, mode="bicubic"),
    "interpolate_area": lambda f, x: f.interpolate(x, size=3, mode="area"),
    "interpolate_trilinear": lambda f, x: f.interpolate(x.unsqueeze(0), scale_factor=2, mode="trilinear"),
    "kl_div": lambda f, x: f.kl_div(x, x, reduction="sum"),
    "margin_ranking_loss": lambda f, x: f.margin_ranking_loss(x, x, x),
    "multilabel_soft_margin_loss": lambda f, x: f.multilabel_soft_margin_loss(x, x.real),
    "binary_cross_entropy": lambda f, x: f.binary_cross_entropy(x, x),
    "pdist": lambda f, x: f.pdist(x[0, 0]),
    "cosine_similarity": lambda f, x: f.cosine_similarity(x, x),
    "scaled_dot_product_attention": lambda f, x: f.scaled_dot_product_attention(x, x, x),
    "gaussian_nll_loss_complex_var": lambda f, x: f.gaussian_nll_loss(x.real, x.real, x),
    "poisson_nll_loss_full": lambda f, x: f.poisson_nll_loss(x, x, full=True),
}


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize("name", sorted(CASES))
def test_complex_refused_as_torch(name, dtype):
    xt = _c((4, 3, 6, 6), dtype, 0)
    with pytest.raises(Exception) as te:
        CASES[name](TF, xt)
    with pytest.raises(type(te.value)) as ne:
        CASES[name](F, to_nt(xt))
    assert str(ne.value) == str(te.value)


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_complex_class_losses_refused(dtype):
    x = _c((4, 3), dtype, 0)
    t = torch.tensor([0, 2, 1, 0])
    for fn in ("nll_loss", "cross_entropy"):
        with pytest.raises(NotImplementedError) as te:
            getattr(TF, fn)(x, t)
        with pytest.raises(NotImplementedError) as ne:
            getattr(F, fn)(to_nt(x), to_nt(t))
        assert str(ne.value) == str(te.value)
    w = _c((5, 3), dtype, 1)
    with pytest.raises(RuntimeError) as te:
        TF.embedding_bag(torch.tensor([[0, 1], [2, 4]]), w)
    with pytest.raises(RuntimeError) as ne:
        F.embedding_bag(nt.tensor([[0, 1], [2, 4]]), to_nt(w))
    assert str(ne.value) == str(te.value)


CONVS = [  # (name, input shape, weight shape, kwargs)
    ("conv1d", (2, 4, 9), (6, 2, 3), dict(stride=2, padding=1, groups=2)),
    ("conv2d", (2, 3, 7, 6), (4, 3, 3, 2), dict(padding=1, dilation=(1, 2))),
    ("conv2d", (3, 7, 6), (4, 3, 3, 3), dict(padding="same")),
    ("conv3d", (1, 2, 4, 5, 5), (3, 2, 2, 3, 2), dict(stride=(1, 2, 1))),
    ("conv_transpose1d", (2, 4, 5), (4, 3, 3), dict(stride=2, output_padding=1)),
    ("conv_transpose2d", (2, 4, 4, 5), (4, 2, 3, 3), dict(stride=2, padding=1, groups=2)),
    ("conv_transpose3d", (1, 2, 3, 3, 4), (2, 3, 2, 2, 3), dict(stride=(2, 1, 1))),
]


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
@pytest.mark.parametrize("case", range(len(CONVS)))
def test_complex_conv_matches_torch(case, dtype):
    """values and the gradients of sum(real(out * conj(u))) w.r.t. input, weight and bias."""
    name, xs, ws, kw = CONVS[case]
    out_c = ws[1] * kw.get("groups", 1) if "transpose" in name else ws[0]
    xt, wt, bt = (_c(xs, dtype, 0).requires_grad_(), _c(ws, dtype, 1).requires_grad_(),
                  _c((out_c,), dtype, 2).requires_grad_())
    want = getattr(TF, name)(xt, wt, bt, **kw)
    u = _c(tuple(want.shape), dtype, 3)
    (want * u.conj()).real.sum().backward()
    xn, wn, bn = to_nt(xt), to_nt(wt), to_nt(bt)
    got = getattr(F, name)(xn, wn, bn, **kw)
    (got * to_nt(u).conj()).real.sum().backward()
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == torch.complex64 else dict(rtol=1e-10, atol=1e-10)
    assert_close(got, want, **tol)
    for a, b in ((xn, xt), (wn, wt), (bn, bt)):
        assert_close(a.grad, b.grad, **tol)


@pytest.mark.parametrize("pair", range(6))
@pytest.mark.parametrize("name", ["conv1d", "conv_transpose1d"])
def test_complex_conv_dtype_mismatch(name, pair):
    """PyTorch's messages for a complex input with a weight or bias of another dtype."""
    c = _c((1, 2, 5), torch.complex64, 0)
    r = torch.randn(3, 2, 2)
    w, b = [(r, None), (r.double(), None), (c.to(torch.complex128)[0, :, :2].repeat(3, 1, 1), None),
            (c[0, :, :2].repeat(3, 1, 1), r[:, 0, 0]), (c[0, :, :2].repeat(3, 1, 1), r[:, 0, 0].double()),
            (c[0, :, :2].repeat(3, 1, 1), _c((3,), torch.complex128, 1))][pair]
    if "transpose" in name:
        w = w.transpose(0, 1)
    with pytest.raises(RuntimeError) as te:
        getattr(TF, name)(c, w, b)
    with pytest.raises(RuntimeError) as ne:
        getattr(F, name)(to_nt(c), to_nt(w), None if b is None else to_nt(b))
    assert str(ne.value) == str(te.value)


def test_complex_soft_margin_loss():
    """PyTorch computes the values (and records no gradient for a complex output; numtorch does)."""
    x = _c((4, 3), torch.complex128, 0)
    y = torch.tensor([[1.0, -1.0, 1.0]] * 4, dtype=torch.float64)
    for red in ("none", "mean", "sum"):
        assert_close(F.soft_margin_loss(to_nt(x), to_nt(y), reduction=red), TF.soft_margin_loss(x, y, reduction=red),
                     rtol=1e-10, atol=1e-12)
