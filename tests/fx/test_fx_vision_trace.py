"""numtorch.fx traces numtorch.vision's ViT, Swin and ResNet as torch.fx traces torchvision's: the traced module
gives the module's output, and the graph lists the same nodes (op and name) in the same order as real
torchvision's trace."""
import pytest

import numtorch as nt
import numtorch.fx as fx
from conftest import torch, import_torchvision

from numtorch.vision.models import SwinTransformer, VisionTransformer
from numtorch.vision.models._swin_transformer import PatchMergingV2, SwinTransformerBlockV2

VIT = dict(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=5)
SWIN = dict(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4], num_classes=5)


def _nodes(gm, drop=()):
    return [(n.op, n.name) for n in gm.graph.nodes if not n.name.startswith(drop)]


def _check_traced(m, x):
    g = fx.symbolic_trace(m)
    assert isinstance(g, fx.GraphModule)
    assert nt.equal(g(x), m(x))
    return g


def test_vit_traces_like_torchvision():
    tv = import_torchvision()
    nt.manual_seed(0)
    m = VisionTransformer(**VIT).eval()
    g = _check_traced(m, nt.randn(2, 3, 32, 32))
    assert any(n.target is nt._assert for n in g.graph.nodes)   # the shape checks are recorded, not branched on
    assert _nodes(g) == _nodes(torch.fx.symbolic_trace(tv.models.VisionTransformer(**VIT)))
    with pytest.raises(AssertionError, match="Wrong image height"):
        g(nt.randn(1, 3, 40, 32))


@pytest.mark.parametrize("v2", [False, True])
def test_swin_traces_like_torchvision(v2):
    tv = import_torchvision()
    kw, tkw = {}, {}
    if v2:
        kw = dict(block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2)
        tkw = dict(block=tv.models.swin_transformer.SwinTransformerBlockV2,
                   downsample_layer=tv.models.swin_transformer.PatchMergingV2)
    nt.manual_seed(0)
    m = SwinTransformer(**SWIN, **kw).eval()
    g = _check_traced(m, nt.randn(2, 3, 36, 36))   # 36 = 9 patches: padded windows, odd patch merging
    want = torch.fx.symbolic_trace(tv.models.SwinTransformer(**SWIN, **tkw))
    # torchvision fx-wraps ops.stochastic_depth (one node per residual); numtorch.vision.ops traces through it
    assert _nodes(g) == _nodes(want, drop=("stochastic_depth",))
    assert sum(n.name.startswith("shifted_window_attention") for n in g.graph.nodes) == sum(SWIN["depths"])


@pytest.mark.parametrize("arch", ["resnet18", "resnet50"])
def test_resnet_node_order_matches_torchvision(arch):
    tv = import_torchvision()
    nt.manual_seed(0)
    m = getattr(nt.vision.models, arch)().eval()
    g = _check_traced(m, nt.randn(1, 3, 64, 64))
    assert _nodes(g) == _nodes(torch.fx.symbolic_trace(getattr(tv.models, arch)()))
