"""MaxViT against real torchvision: a small configuration built from each framework's public ``MaxVit`` class
(MBConv with squeeze-excitation and BatchNorm, window and grid partition attention with relative position bias)
loads torchvision's state_dict strictly and gives the same logits and float64 gradients and BN statistics;
maxvit_t has torchvision's keys, shapes and arguments."""
import pytest

from conftest import import_torchvision
from _tv_model_check import check_against_torchvision, check_builder_config, check_keys

tv = import_torchvision()
import numtorch.vision.models as M  # noqa: E402
from numtorch.vision.models import _maxvit  # noqa: E402

T = tv.models.maxvit


def _small(mod):
    # 32x32: stem 16x16, blocks at 8x8 and 4x4, 2x2 windows and a 2x2 grid (4 and 2 partitions per side)
    return lambda: mod.MaxVit(input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[16, 32],
                              block_layers=[2, 1], head_dim=8, stochastic_depth_prob=0.2, num_classes=10)


def test_small_maxvit_matches_torchvision():
    check_against_torchvision("small_maxvit", shape=(2, 3, 32, 32), builders=(_small(_maxvit), _small(T)))


def test_maxvit_t_state_dict():
    # 224x224 is maxvit_t's smallest input (every block's map a multiple of 7): logits are compared on the small
    # configuration above
    ours, _ = check_keys("maxvit_t")
    assert sum(p.numel() for p in ours.parameters()) == M.MaxVit_T_Weights.DEFAULT.meta["num_params"]


def test_maxvit_builder(monkeypatch):
    check_builder_config(monkeypatch, _maxvit, "MaxVit", "maxvit_t", T)


def test_maxvit_input_size_error():
    with pytest.raises(ValueError) as ours:
        _maxvit.MaxVit((30, 30), 8, 3, [16, 32], [1, 1], 8, 0.0)
    with pytest.raises(ValueError) as ref:
        T.MaxVit((30, 30), 8, 3, [16, 32], [1, 1], 8, 0.0)
    assert str(ours.value) == str(ref.value)
