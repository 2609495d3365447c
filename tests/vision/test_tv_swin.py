"""Swin Transformer v1/v2 against real torchvision: small configurations built from each framework's public
``SwinTransformer`` class (shifted windows with padding and the region mask, odd-sized patch merging, a stage
whose window covers the whole map, non-square windows) load torchvision's state_dict strictly and give the same
logits and float64 gradients; the full builders have torchvision's keys, shapes and arguments; the functional
``shifted_window_attention`` matches torchvision's, with and without a shift."""
import numpy as np
import pytest

import numtorch as nt
from conftest import torch, import_torchvision
from _tv_model_check import check_against_torchvision, check_builder_config

tv = import_torchvision()
import numtorch.vision.models as M  # noqa: E402
from numtorch.vision.models import _swin_transformer as S  # noqa: E402

T = tv.models.swin_transformer


def _small(mod, v2, window):
    def build():
        kw = dict(block=mod.SwinTransformerBlockV2, downsample_layer=mod.PatchMergingV2) if v2 else {}
        return mod.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2, 2], num_heads=[2, 2, 4],
                                   window_size=window, stochastic_depth_prob=0.2, num_classes=10, **kw)
    return build


@pytest.mark.parametrize("v2,window", [(False, [4, 4]), (True, [3, 4])], ids=["v1", "v2"])
def test_small_swin_matches_torchvision(v2, window):
    # 40x40 input: 10x10 tokens in 4x4 windows (padded to 12, shifted by 2), 5x5 (odd: merging pads), 3x3
    # (padded to a single window: no shift)
    check_against_torchvision(f"small_swin_{'v2' if v2 else 'v1'}", shape=(2, 3, 40, 40),
                              builders=(_small(S, v2, window), _small(T, v2, window)))


@pytest.mark.parametrize("name", ["swin_t"])
def test_full_swin_state_dict_and_logits(name):
    """The full tiny model: same keys and shapes, same initialisation scheme, torchvision's weights give the same
    logits at 64x64 (v2's blocks are compared in the small configuration; building a full model takes ~20 s, most of
    it drawing PyTorch's random numbers for the initialisation)."""
    ours, _ = check_against_torchvision(name, shape=(1, 3, 64, 64), grad=None)
    assert sum(p.numel() for p in ours.parameters()) == M.get_model_weights(name).DEFAULT.meta["num_params"]


@pytest.mark.parametrize("name", ["swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"])
def test_swin_builders(monkeypatch, name):
    check_builder_config(monkeypatch, S, "SwinTransformer", name, T)


@pytest.mark.parametrize("shift", [[0, 0], [2, 1], [0, 3]])
@pytest.mark.parametrize("v2", [False, True])
def test_shifted_window_attention_function(shift, v2):
    r = np.random.default_rng(0)
    B, H, W, C, heads, window = 2, 7, 9, 8, 2, [4, 4]
    arrs = dict(x=r.standard_normal((B, H, W, C)), qkv_w=r.standard_normal((3 * C, C)) * 0.3,
                proj_w=r.standard_normal((C, C)) * 0.3, bias=r.standard_normal((1, heads, 16, 16)),
                qkv_b=r.standard_normal(3 * C), proj_b=r.standard_normal(C),
                scale=r.standard_normal((heads, 1, 1)) + 2.0)
    out = {}
    for lib, fn in ((torch, T.shifted_window_attention), (nt, S.shifted_window_attention)):
        t = {k: lib.tensor(v, requires_grad=True) for k, v in arrs.items()}
        y = fn(t["x"], t["qkv_w"], t["proj_w"], t["bias"], window, heads, shift_size=shift, qkv_bias=t["qkv_b"],
               proj_bias=t["proj_b"], logit_scale=t["scale"] if v2 else None, training=False)
        (y * lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))).sum().backward()
        out[lib.__name__] = (y.detach().numpy(), {k: v.grad.numpy() for k, v in t.items() if v.grad is not None})
    (yt, gt), (yn, gn) = out["torch"], out["numtorch"]
    np.testing.assert_allclose(yn, yt, rtol=1e-10, atol=1e-12)
    assert set(gn) == set(gt)
    for k in gt:
        np.testing.assert_allclose(gn[k], gt[k], rtol=1e-9, atol=1e-11, err_msg=k)


def test_swin_weights_and_registry():
    for name in ["swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"]:
        assert name in M.list_models()
        assert M.get_model_weights(name).__name__ == tv.models.get_model_weights(name).__name__
    w = M.Swin_V2_B_Weights.DEFAULT
    assert w.url == tv.models.Swin_V2_B_Weights.DEFAULT.url
    assert w.meta["num_params"] == tv.models.Swin_V2_B_Weights.DEFAULT.meta["num_params"]
    p, q = w.transforms(), tv.models.Swin_V2_B_Weights.DEFAULT.transforms()
    assert (p.crop_size, p.resize_size, p.interpolation.value) == (q.crop_size, q.resize_size, q.interpolation.value)
