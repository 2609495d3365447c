"""numtorch.vision.ops layers (FeaturePyramidNetwork, MultiScaleRoIAlign, DropBlock, FrozenBatchNorm2d) against
real torchvision (pure Python there) with the same weights."""
from collections import OrderedDict

import numpy as np
import pytest

import numtorch as nt
from numtorch.vision import ops
from numtorch.vision.ops._fpn import LastLevelMaxPool, LastLevelP6P7
from conftest import torch, to_nt, assert_close, import_torchvision


def _load_from_torch(nt_mod, t_mod):
    sd = {k: to_nt(v) for k, v in t_mod.state_dict().items()}
    nt_mod.load_state_dict(sd)


@pytest.mark.parametrize("extra", [None, "maxpool", "p6p7"])
@pytest.mark.parametrize("norm", [False, True])
def test_fpn_matches_torchvision(extra, norm):
    tv = import_torchvision()
    from torchvision.ops import feature_pyramid_network as tfpn
    torch.manual_seed(0)
    chans = [3, 5, 6]
    t_extra = {None: None, "maxpool": tfpn.LastLevelMaxPool(), "p6p7": tfpn.LastLevelP6P7(6, 4)}[extra]
    n_extra = {None: None, "maxpool": LastLevelMaxPool(), "p6p7": LastLevelP6P7(6, 4)}[extra]
    tm = tv.ops.FeaturePyramidNetwork(chans, 4, extra_blocks=t_extra,
                                      norm_layer=torch.nn.BatchNorm2d if norm else None).eval()
    nm = ops.FeaturePyramidNetwork(chans, 4, extra_blocks=n_extra,
                                   norm_layer=nt.nn.BatchNorm2d if norm else None).eval()
    assert sorted(nm.state_dict()) == sorted(tm.state_dict())
    _load_from_torch(nm, tm)
    x = OrderedDict([("a", torch.randn(2, 3, 16, 15)), ("b", torch.randn(2, 5, 8, 8)), ("c", torch.randn(2, 6, 3, 4))])
    xn = OrderedDict((k, to_nt(v, requires_grad=True)) for k, v in x.items())
    for v in x.values():
        v.requires_grad_(True)
    want, got = tm(x), nm(xn)
    assert list(got) == list(want)
    for k in want:
        assert_close(got[k], want[k], rtol=1e-4, atol=1e-5)
    sum((v * (i + 1)).sum() for i, v in enumerate(want.values())).backward()
    sum((v * (i + 1)).sum() for i, v in enumerate(got.values())).backward()
    for k in x:
        assert_close(xn[k].grad, x[k].grad, rtol=1e-4, atol=1e-4)


def test_fpn_errors_and_init():
    with pytest.raises(ValueError, match="in_channels=0"):
        ops.FeaturePyramidNetwork([0, 3], 4)
    with pytest.raises(TypeError, match="extra_blocks should be of type ExtraFPNBlock"):
        ops.FeaturePyramidNetwork([2, 3], 4, extra_blocks=nt.nn.ReLU())
    m = ops.FeaturePyramidNetwork([2, 3], 4)
    assert all(float(abs(p).sum()) == 0 for n, p in m.named_parameters() if n.endswith("bias"))
    # version-1 keys (bare convolutions) still load
    sd = {k.replace(".0.", "."): v for k, v in m.state_dict().items()}
    assert "inner_blocks.1.weight" in sd
    m2 = ops.FeaturePyramidNetwork([2, 3], 4)
    m2.load_state_dict(sd)
    for k, v in m.state_dict().items():
        assert np.array_equal(m2.state_dict()[k].numpy(), v.numpy())


def test_multiscale_roi_align_matches_torchvision():
    tv = import_torchvision()
    torch.manual_seed(0)
    feats = OrderedDict([("feat1", torch.randn(2, 3, 32, 32)), ("feat2", torch.randn(2, 3, 16, 16)),
                         ("feat3", torch.randn(2, 3, 8, 8)), ("other", torch.randn(2, 3, 4, 4))])
    g = torch.Generator().manual_seed(1)
    boxes = []
    for n in (6, 4):
        xy = torch.rand(n, 2, generator=g) * 60
        wh = torch.rand(n, 2, generator=g) * (125 - xy) * torch.tensor([[1.0], [0.2]])[torch.arange(n) % 2] + 1
        boxes.append(torch.cat([xy, xy + wh], 1))
    shapes = [(128, 128), (120, 128)]
    tm = tv.ops.MultiScaleRoIAlign(["feat1", "feat3", "feat2"], (3, 2), 2, canonical_scale=32)
    nm = ops.MultiScaleRoIAlign(["feat1", "feat3", "feat2"], (3, 2), 2, canonical_scale=32)
    assert repr(nm) == repr(tm)
    want = tm(feats, boxes, shapes)
    fn = OrderedDict((k, to_nt(v)) for k, v in feats.items())
    got = nm(fn, [to_nt(b) for b in boxes], shapes)
    assert nm.scales == tm.scales
    assert_close(got, want, rtol=1e-5, atol=1e-6)
    levels = tm.map_levels(boxes)
    assert_close(nm.map_levels([to_nt(b) for b in boxes]), levels)
    assert len(set(levels.tolist())) > 1          # the boxes really spread over levels
    single = ops.MultiScaleRoIAlign(["feat2"], 2, 2)
    assert_close(single(fn, [to_nt(b) for b in boxes], shapes),
                 tv.ops.MultiScaleRoIAlign(["feat2"], 2, 2)(feats, boxes, shapes), rtol=1e-5, atol=1e-6)


def test_frozen_batchnorm_matches_torchvision():
    tv = import_torchvision()
    torch.manual_seed(0)
    tm = tv.ops.FrozenBatchNorm2d(4, eps=1e-3)
    bn = torch.nn.BatchNorm2d(4)
    bn.weight.data.uniform_(0.5, 2)
    bn.bias.data.normal_()
    bn.running_mean.normal_()
    bn.running_var.uniform_(0.5, 2)
    sd = bn.state_dict()
    assert "num_batches_tracked" in sd
    tm.load_state_dict(sd)
    nm = ops.FrozenBatchNorm2d(4, eps=1e-3)
    nm.load_state_dict({k: to_nt(v) for k, v in sd.items()})       # the counter is dropped
    assert repr(nm) == repr(tm) and list(nm.parameters()) == []
    x = torch.randn(2, 4, 3, 5)
    assert_close(nm(to_nt(x)), tm(x), rtol=1e-6, atol=1e-6)
    assert sorted(nm.state_dict()) == sorted(tm.state_dict())


@pytest.mark.parametrize("nd", [2, 3])
def test_drop_block(nd):
    tv = import_torchvision()
    fn = ops.drop_block2d if nd == 2 else ops.drop_block3d
    cls = ops.DropBlock2d if nd == 2 else ops.DropBlock3d
    tcls = tv.ops.DropBlock2d if nd == 2 else tv.ops.DropBlock3d
    shape = (2, 3) + (12,) * nd
    x = nt.ones(*shape)
    assert fn(x, 0.0, 3) is x and fn(x, 0.5, 3, training=False) is x
    m = cls(0.3, 3)
    assert repr(m) == repr(tcls(0.3, 3))
    m.eval()
    assert m(x) is x
    nt.manual_seed(0)
    y = fn(x, 0.3, 3).numpy()
    zeros = y == 0
    assert zeros.any() and not zeros.all()
    scale = np.unique(y[~zeros])
    assert len(scale) == 1 and abs(scale[0] - y.size / (1e-6 + (~zeros).sum())) < 1e-4
    # every dropped pixel lies in a fully dropped block_size-wide window (blocks clipped at the border)
    pad = np.pad(zeros, [(0, 0), (0, 0)] + [(1, 1)] * nd, constant_values=True)
    from numpy.lib.stride_tricks import sliding_window_view
    win = sliding_window_view(pad, (3,) * nd, axis=tuple(range(2, 2 + nd))).reshape(shape + (-1,)).all(-1)
    covered = np.zeros_like(zeros)
    for off in np.ndindex(*(3,) * nd):
        sl = tuple(slice(o, o + 12) for o in off)
        covered |= np.pad(win, [(0, 0), (0, 0)] + [(1, 1)] * nd)[(slice(None), slice(None)) + sl]
    assert (covered | ~zeros).all()
    # the dropped fraction follows p (over several draws)
    frac = np.mean([(fn(x, 0.3, 3).numpy() == 0).mean() for _ in range(6)])
    assert 0.15 < frac < 0.45
    # gradient: the same mask and scale
    xg = nt.ones(*shape, requires_grad=True)
    nt.manual_seed(3)
    out = fn(xg, 0.2, 3)
    out.sum().backward()
    np.testing.assert_allclose(xg.grad.numpy(), out.detach().numpy())
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1"):
        fn(x, 1.5, 3)
    with pytest.raises(ValueError, match="block size should be odd"):
        fn(x, 0.5, 4)
    with pytest.raises(ValueError, match=f"input should be {nd + 2} dimensional"):
        fn(nt.ones(3, 3), 0.5, 3)
