"""numtorch.vision.models against real torchvision: a torchvision-initialised state_dict loads with strict=True
and gives the same logits (eval) and the same parameter gradients and BN statistics (train); numtorch's own
initialisation follows torchvision's scheme (same constants, same spread); weights enums, the registry, the
legacy ``pretrained=`` keyword and the offline hub cache behave as torchvision's."""
import functools
import os

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, import_torchvision
from _tv_model_check import _random_bn_stats, check_against_torchvision, check_builder_config, check_keys

tv = import_torchvision()
import numtorch.vision.models as M  # noqa: E402


# --------------------------------------------------------------------------------------------------- ResNet
def test_resnet18_matches_torchvision():
    check_against_torchvision("resnet18", shape=(2, 3, 64, 64))


def test_resnet50_zero_init_residual_matches_torchvision():
    check_against_torchvision("resnet50", shape=(1, 3, 32, 32), grad=None, zero_init_residual=True)


@pytest.mark.parametrize("name", ["resnet34", "resnext50_32x4d", "resnet101", "resnet152", "resnext101_32x8d",
                                  "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"])
def test_resnet_family_builders(monkeypatch, name):
    from numtorch.vision.models import _resnet
    check_builder_config(monkeypatch, _resnet, "ResNet", name, tv.models.resnet)


# ------------------------------------------------------------------------------------------ weights and registry
def test_registry_matches_torchvision():
    ours = set(M.list_models())
    assert ours <= set(tv.models.list_models(module=tv.models))
    assert M.list_models(include="resnet*", exclude="resnet1*") == \
        [n for n in tv.models.list_models(include="resnet*", exclude="resnet1*") if n in ours]
    assert M.list_models(module=M) == sorted(ours)
    for name in ours:
        assert M.get_model_weights(name).__name__ == tv.models.get_model_weights(name).__name__
        assert M.get_model_builder(name) is getattr(M, name)
    with pytest.raises(ValueError, match="Unknown model"):
        M.get_model("resnet_nope")
    m = M.get_model("resnet18", num_classes=10)
    assert m.fc.out_features == 10


def test_public_names_are_torchvisions():
    assert set(M.__all__) <= set(dir(tv.models))
    assert all(hasattr(M, n) for n in M.__all__)
    import types
    # the public module paths (M.resnet, ...) are bound as in torchvision and kept out of __all__ as there
    assert {n for n in dir(M) if not n.startswith("_") and not isinstance(getattr(M, n), types.ModuleType)} <= \
        set(M.__all__)
    assert {n for n in dir(M) if isinstance(getattr(M, n), types.ModuleType) and not n.startswith("_")} <= \
        {n for n in dir(tv.models) if isinstance(getattr(tv.models, n), types.ModuleType)}


def test_weights_enums_match_torchvision():
    for name in M.__all__:
        cls = getattr(M, name)
        if not (isinstance(cls, type) and issubclass(cls, M.WeightsEnum)) or cls is M.WeightsEnum:
            continue
        ref = getattr(tv.models, name)
        assert list(cls.__members__) == list(ref.__members__)
        assert cls.DEFAULT.name == ref.DEFAULT.name
        for key in ref.__members__:
            a, b = cls[key], ref[key]
            assert a.url == b.url and repr(a) == repr(b)
            # repr: NaN accuracies (VGG16 IMAGENET1K_FEATURES) compare equal as text
            assert repr(sorted(a.meta.items())) == repr(sorted((k, v) for k, v in b.meta.items() if k != "_docs"))
            pa, pb = a.transforms(), b.transforms()
            assert (pa.crop_size, pa.resize_size, pa.mean, pa.std) == (pb.crop_size, pb.resize_size, pb.mean, pb.std)
            assert str(pa.interpolation.value if hasattr(pa.interpolation, "value") else pa.interpolation) == \
                pb.interpolation.value
    assert M.get_weight("ResNet50_Weights.IMAGENET1K_V2") is M.ResNet50_Weights.IMAGENET1K_V2
    assert M.ResNet50_Weights.verify("ResNet50_Weights.DEFAULT") is M.ResNet50_Weights.IMAGENET1K_V2
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received ResNet18_Weights"):
        M.resnet50(weights=M.ResNet18_Weights.DEFAULT)


def test_preset_transform_matches_torchvision():
    img = np.random.default_rng(0).integers(0, 256, (3, 40, 50), dtype=np.uint8)
    want = tv.models.ResNet50_Weights.DEFAULT.transforms(crop_size=24, resize_size=40)(torch.from_numpy(img))
    got = M.ResNet50_Weights.DEFAULT.transforms(crop_size=24, resize_size=40)(nt.from_numpy(img))
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-2)


def test_weights_load_from_hub_cache_and_offline_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    w = M.ResNet18_Weights.IMAGENET1K_V1
    path = os.path.join(str(tmp_path), "hub", "checkpoints", os.path.basename(w.url))
    import urllib.error
    with pytest.raises(urllib.error.URLError, match=path.replace("\\", "\\\\")):
        M.resnet18(weights=w)
    torch.manual_seed(0)
    ref = tv.models.resnet18()
    _random_bn_stats(ref)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(ref.state_dict(), path)
    ours = M.resnet18(weights="IMAGENET1K_V1")
    for k, v in ref.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].numpy(), v.numpy())
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        legacy = M.resnet18(pretrained=True)
    np.testing.assert_array_equal(legacy.fc.weight.detach().numpy(), ref.fc.weight.detach().numpy())
    with pytest.raises(ValueError, match="expected value 1000 but got 10"):
        M.resnet18(weights=w, num_classes=10)


# ---------------------------------------------------------------------------------------- VGG, AlexNet, SqueezeNet
def test_vgg11_bn_matches_torchvision():
    # 133M parameters: logits only (its convolution/BN/pool gradients are those checked on the other families)
    check_against_torchvision("vgg11_bn", shape=(1, 3, 32, 32), grad=None, num_classes=10)


@pytest.mark.parametrize("name", ["vgg11", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"])
def test_vgg_builders(monkeypatch, name):
    from numtorch.vision.models import _vgg
    check_builder_config(monkeypatch, _vgg, "VGG", name, tv.models.vgg)


def test_alexnet_matches_torchvision():
    # no BatchNorm: the float32 gradient comparison is well conditioned
    check_against_torchvision("alexnet", shape=(2, 3, 64, 64), grad="float32", num_classes=10)


@pytest.mark.parametrize("name", ["squeezenet1_0", "squeezenet1_1"])
def test_squeezenet_matches_torchvision(name):
    check_against_torchvision(name, shape=(2, 3, 64, 64), num_classes=10)


# ----------------------------------------------------------------------------------------------------- MobileNet
@pytest.mark.parametrize("name", ["mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"])
def test_mobilenet_matches_torchvision(name):
    check_against_torchvision(name, shape=(2, 3, 64, 64), grad="float32", num_classes=10)


def test_mobilenet_options_state_dict_keys():
    check_keys("mobilenet_v3_large", dilated=True, reduced_tail=True, width_mult=0.75)
    check_keys("mobilenet_v3_small", reduced_tail=True)
    check_keys("mobilenet_v2", width_mult=1.4)


# -------------------------------------------------------------------------------- DenseNet, ShuffleNet, MNASNet
def test_densenet121_matches_torchvision():
    check_against_torchvision("densenet121", shape=(2, 3, 32, 32), num_classes=10)


@pytest.mark.parametrize("name", ["densenet161", "densenet169", "densenet201"])
def test_densenet_builders(monkeypatch, name):
    from numtorch.vision.models import _densenet
    check_builder_config(monkeypatch, _densenet, "DenseNet", name, tv.models.densenet)


def test_shufflenet_matches_torchvision():
    check_against_torchvision("shufflenet_v2_x0_5", shape=(2, 3, 64, 64), grad="float32", num_classes=10)


@pytest.mark.parametrize("name", ["shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"])
def test_shufflenet_builders(monkeypatch, name):
    from numtorch.vision.models import _shufflenetv2
    check_builder_config(monkeypatch, _shufflenetv2, "ShuffleNetV2", name, tv.models.shufflenetv2)


def test_mnasnet_matches_torchvision():
    check_against_torchvision("mnasnet0_5", shape=(2, 3, 64, 64), grad="float32", num_classes=10)
    check_keys("mnasnet0_75", num_classes=10)


# --------------------------------------------------------------------------------------------------- EfficientNet
def test_efficientnet_matches_torchvision():
    check_against_torchvision("efficientnet_b0", shape=(2, 3, 64, 64), grad="float32", num_classes=10)


def test_efficientnet_v2_blocks_match_torchvision():
    """A small V2-style network (Fused-MBConv and MBConv stages, V2's BN eps) built from each framework's classes."""
    from numtorch.vision.models import _efficientnet as E
    T = tv.models.efficientnet

    def make(mod, bn):
        def build(**kw):
            setting = [mod.FusedMBConvConfig(1, 3, 1, 16, 16, 2), mod.FusedMBConvConfig(4, 3, 2, 16, 24, 2),
                       mod.MBConvConfig(4, 3, 2, 24, 32, 2)]
            return mod.EfficientNet(setting, 0.2, last_channel=64, norm_layer=functools.partial(bn, eps=1e-3), **kw)
        return build
    check_against_torchvision("efficientnet_v2_small_config", shape=(2, 3, 32, 32), grad="float32", num_classes=10,
                              builders=(make(E, nt.nn.BatchNorm2d), make(T, torch.nn.BatchNorm2d)))


@pytest.mark.parametrize("name", ["efficientnet_v2_s"])
def test_efficientnet_v2_state_dict_keys(name):
    check_keys(name)


@pytest.mark.parametrize("name", ["efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
                                  "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_m",
                                  "efficientnet_v2_l"])
def test_efficientnet_builders(monkeypatch, name):
    from numtorch.vision.models import _efficientnet
    check_builder_config(monkeypatch, _efficientnet, "EfficientNet", name, tv.models.efficientnet)


def test_stochastic_depth():
    from numtorch.vision.ops import StochasticDepth, stochastic_depth
    x = nt.ones(2000, 3)
    y = stochastic_depth(x, 0.3, "row", training=True)
    rows = y.numpy()[:, 0]
    assert np.isclose(rows, 0).sum() + np.isclose(rows, 1 / 0.7).sum() == rows.size
    assert (y.numpy() == rows[:, None]).all()
    assert abs((rows == 0).mean() - 0.3) < 0.05
    assert stochastic_depth(x, 0.3, "row", training=False) is x
    b = stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(b)) == 1
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5"):
        stochastic_depth(x, 1.5, "row")
    assert repr(StochasticDepth(0.1, "row")) == repr(tv.ops.StochasticDepth(0.1, "row"))


# ----------------------------------------------------------------------------------- docs/vision_models.md example
def _finetune(T, models, state_path, batches):
    """docs/vision_models.md's fine-tuning loop, written once against the torch API."""
    model = models.resnet18()
    model.load_state_dict(T.load(state_path))
    for p in model.parameters():
        p.requires_grad_(False)
    T.manual_seed(0)
    model.fc = T.nn.Linear(model.fc.in_features, 10)
    with T.no_grad():  # the same head in both frameworks
        model.fc.weight.copy_(T.from_numpy(np.linspace(-0.05, 0.05, 5120, dtype=np.float32).reshape(10, 512)))
        model.fc.bias.zero_()
    opt = T.optim.SGD(model.fc.parameters(), lr=0.01, momentum=0.9)
    loss_fn = T.nn.CrossEntropyLoss()
    model.train()
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = loss_fn(model(T.from_numpy(x)), T.from_numpy(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, model


def test_finetune_example_matches_torch(tmp_path):
    torch.manual_seed(0)
    ref = tv.models.resnet18()
    _random_bn_stats(ref)
    path = str(tmp_path / "resnet18.pth")
    torch.save(ref.state_dict(), path)
    r = np.random.default_rng(0)
    batches = [(r.random((4, 3, 48, 48), dtype=np.float32), r.integers(0, 10, 4)) for _ in range(3)]
    want, _ = _finetune(torch, tv.models, path, batches)
    got, model = _finetune(nt, M, path, batches)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    assert not model.layer1[0].conv1.weight.requires_grad and model.fc.weight.grad is not None
    out = str(tmp_path / "finetuned.pth")
    nt.save(model.state_dict(), out)
    back = tv.models.resnet18(num_classes=10)
    back.load_state_dict(torch.load(out), strict=True)


# --------------------------------------------------------------------------------------------------------- RegNet
def test_regnet_matches_torchvision():
    check_against_torchvision("regnet_y_400mf", shape=(2, 3, 64, 64), grad="float32", num_classes=10)


@pytest.mark.parametrize("name", ["regnet_x_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf",
                                  "regnet_y_8gf", "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf", "regnet_x_800mf",
                                  "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf",
                                  "regnet_x_32gf"])
def test_regnet_builders(monkeypatch, name):
    from numtorch.vision.models import _regnet
    check_builder_config(monkeypatch, _regnet, "RegNet", name, tv.models.regnet)


# ---------------------------------------------------------------------------------------- GoogLeNet, Inception v3
def test_googlenet_matches_torchvision():
    """Train mode returns GoogLeNetOutputs: the loss uses the logits and both auxiliary heads."""
    check_against_torchvision("googlenet", shape=(2, 3, 64, 64), num_classes=10, init_weights=True)
    from numtorch.vision.models import _googlenet
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    holder = type("Holder", (), {"transform_input": True})()
    import sys
    tv_googlenet = sys.modules["torchvision.models.googlenet"]  # tv.models.googlenet is the builder
    want = tv_googlenet.GoogLeNet._transform_input(holder, torch.from_numpy(x))
    np.testing.assert_allclose(_googlenet._transform_input(nt.from_numpy(x)).numpy(), want.numpy(), rtol=1e-6)


def test_inception_v3_matches_torchvision():
    # at 75x75 the last stages are 1x1 maps: batch-statistics BN over 2 values makes gradients of 1e6 that
    # float64 rounding alone moves by 1e-5; BN on running statistics is the well-conditioned comparison here
    # eval-mode logits at 75x75 (the minimum); the auxiliary head's 5x5 convolution after a 5x5/3 pool needs
    # 299x299 inputs in train mode, so the train-mode comparison runs without it
    check_against_torchvision("inception_v3", shape=(1, 3, 75, 75), grad=None, num_classes=10,
                              init_weights=True)


# ---------------------------------------------------------------------------------------------------------- ViT
def test_vit_matches_torchvision():
    """A 2-layer ViT built from each framework's VisionTransformer (16 patches + class token, 4 heads):
    MultiheadAttention, LayerNorm, MLP, GELU; the builders' arguments are checked separately."""
    from numtorch.vision.models import _vision_transformer as V
    T = tv.models.vision_transformer
    cfg = dict(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128, num_classes=10)
    check_against_torchvision("small_vit", shape=(2, 3, 32, 32),
                              builders=(lambda: V.VisionTransformer(**cfg), lambda: T.VisionTransformer(**cfg)))


def test_vit_representation_and_conv_stem_keys():
    from numtorch.vision.models import _vision_transformer as V
    T = tv.models.vision_transformer
    ours = V.VisionTransformer(32, 16, 2, 2, 32, 64, representation_size=16,
                               conv_stem_configs=[V.ConvStemConfig(8, 3, 2), V.ConvStemConfig(16, 3, 2)])
    ref = T.VisionTransformer(32, 16, 2, 2, 32, 64, representation_size=16,
                              conv_stem_configs=[T.ConvStemConfig(8, 3, 2), T.ConvStemConfig(16, 3, 2)])
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in ref.state_dict().items()]


@pytest.mark.parametrize("name", ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"])
def test_vit_builders(monkeypatch, name):
    from numtorch.vision.models import _vision_transformer
    check_builder_config(monkeypatch, _vision_transformer, "VisionTransformer", name, tv.models.vision_transformer)


# ------------------------------------------------------------------------------------------------------- ConvNeXt
def test_convnext_matches_torchvision():
    """A small ConvNeXt from each framework's classes (LayerNorm2d, CNBlock with layer scale, downsampling)."""
    from numtorch.vision.models import _convnext as C
    T = tv.models.convnext

    def make(mod):
        return lambda: mod.ConvNeXt([mod.CNBlockConfig(16, 32, 2), mod.CNBlockConfig(32, None, 1)],
                                    stochastic_depth_prob=0.1, layer_scale=0.5, num_classes=10)
    check_against_torchvision("small_convnext", shape=(2, 3, 32, 32), grad="float32", builders=(make(C), make(T)))


@pytest.mark.parametrize("name", ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"])
def test_convnext_builders(monkeypatch, name):
    from numtorch.vision.models import _convnext
    check_builder_config(monkeypatch, _convnext, "ConvNeXt", name, tv.models.convnext)


def test_served_as_torchvision_models_under_numtorch_run(tmp_path):
    """`numtorch run`: `import torchvision` gives numtorch.vision, whose models build and run."""
    import subprocess
    import sys
    script = tmp_path / "s.py"
    script.write_text(
        "import torch, torchvision\n"
        "from torchvision.models import resnet18, ResNet18_Weights, get_model\n"
        "from torchvision.ops import Conv2dNormActivation\n"
        "m = get_model('mobilenet_v3_small', num_classes=3).eval()\n"
        "with torch.no_grad():\n"
        "    print(tuple(m(torch.randn(1, 3, 32, 32)).shape), type(resnet18()).__module__,\n"
        "          ResNet18_Weights.DEFAULT.meta['num_params'], torchvision.models.list_models()[:1])\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", str(script)], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=root), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["(1,", "3)", "numtorch.vision.models._resnet", "11689512", "['alexnet']"]
