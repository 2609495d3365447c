"""torchvision's public module paths (``torchvision.models.resnet``, ``torchvision.ops.boxes``, ...) exist in
numtorch.vision, export the public names of real torchvision's module (the names lacking are listed below with
the reason), hand out the same objects as the package namespaces, and work under ``numtorch run``."""
import importlib
import os
import subprocess
import sys
import types

import pytest

from conftest import import_torchvision

tv = import_torchvision()

MODELS = ["resnet", "vgg", "alexnet", "densenet", "mobilenet", "mobilenetv2", "mobilenetv3", "efficientnet", "regnet",
          "convnext", "vision_transformer", "swin_transformer", "squeezenet", "shufflenetv2", "mnasnet", "googlenet",
          "inception", "maxvit", "_api"]
PATHS = (["models." + m for m in MODELS]
         + ["ops.boxes", "ops.misc", "ops.roi_align", "ops.feature_pyramid_network", "ops.stochastic_depth",
            "transforms.functional", "transforms.v2.functional", "datasets.folder", "utils", "io"])
# modules written by this task only re-export; the others (transforms, io, utils, datasets) are compared for
# what they lack but may carry names of their own that the namespace test documents
REEXPORTS = {p for p in PATHS if p.startswith(("models.", "ops."))}

MISSING = {
    "ops.roi_align": {
        "lazy_compile": "a torch.compile wrapper for torchvision's Python roi_align; numtorch has no compiler",
        "maybe_cast": "casts CUDA tensors under autocast; numtorch has neither",
    },
    "transforms.functional": {
        "accimage": "the optional accimage backend (a module or None in torchvision); numtorch reads images with PIL",
    },
    "datasets.folder": {
        "accimage_loader": "loads through the optional accimage package, whose images numtorch's transforms do not "
                           "take; default_loader uses PIL",
    },
    "utils": {
        "PILLOW_VERSION_STRING": "torchvision's record of the Pillow version it checks for; numtorch does not pin one",
    },
    "io": {
        "decode_avif": "needs torchvision's compiled libavif decoder; numtorch decodes through Pillow",
        "decode_heic": "needs torchvision's compiled libheif decoder; numtorch decodes through Pillow",
    },
}


def _public(mod, prefix):
    """Public names of ``mod``: its ``__all__`` plus every non-module name whose object comes from the package
    ``prefix`` (imports from typing, functools or torch itself are not part of torchvision's API) or is a plain
    value (``vgg.cfgs``)."""
    al = set(getattr(mod, "__all__", ()))
    out = set()
    for n in dir(mod):
        if n.startswith("_"):
            continue
        o = getattr(mod, n)
        if isinstance(o, types.ModuleType):
            continue
        src = getattr(o, "__module__", None)
        if n in al or (isinstance(src, str) and src.split(".")[0] == prefix) or (src is None and not callable(o)):
            out.add(n)
    return out


def _missing_allowed(path, name):
    return name in MISSING.get(path, {})


@pytest.mark.parametrize("path", PATHS)
def test_public_names_match_torchvision(path):
    ref = importlib.import_module("torchvision." + path)
    ours = importlib.import_module("numtorch.vision." + path)
    want = _public(ref, "torchvision")
    have = set(dir(ours))
    lacking = sorted(n for n in want - have if not _missing_allowed(path, n))
    assert not lacking, f"numtorch.vision.{path} lacks {lacking}"
    for name in MISSING.get(path, {}):
        assert name in want and name not in have, f"stale entry {path}.{name}"
    if path in REEXPORTS:
        extra = sorted(_public(ours, "numtorch") - want)
        assert not extra, f"numtorch.vision.{path} has names torchvision's module lacks: {extra}"
        assert sorted(getattr(ours, "__all__", ())) == sorted(n for n in getattr(ref, "__all__", want)
                                                               if n not in MISSING.get(path, {}))


@pytest.mark.parametrize("name", [m for m in MODELS if not m.startswith("_")])
def test_model_modules_hand_out_the_package_objects(name):
    import numtorch.vision.models as M
    mod = importlib.import_module("numtorch.vision.models." + name)
    for n in mod.__all__:
        assert getattr(mod, n) is getattr(M if not n.startswith("_") else sys.modules[M.__name__ + "._" + name], n), n
    # torchvision binds the module on the package unless a builder has its name (alexnet, googlenet)
    tv_attr = getattr(tv.models, name)
    assert isinstance(getattr(M, name), types.ModuleType) == isinstance(tv_attr, types.ModuleType)


@pytest.mark.parametrize("name", ["boxes", "roi_align", "feature_pyramid_network", "misc", "stochastic_depth"])
def test_ops_modules_hand_out_the_package_objects(name):
    import numtorch.vision.ops as O
    mod = importlib.import_module("numtorch.vision.ops." + name)
    for n in mod.__all__:
        if n in O.__all__:
            assert getattr(mod, n) is getattr(O, n), n
    assert isinstance(getattr(O, name), types.ModuleType) == isinstance(getattr(tv.ops, name), types.ModuleType)


def test_convert_boxes_to_roi_format_and_check():
    import numtorch as nt
    R = importlib.import_module("numtorch.vision.ops.roi_align")  # the package attribute is the function
    from conftest import torch
    from torchvision.ops import _utils as U
    boxes = [[[0., 1., 2., 3.], [4., 5., 6., 7.]], [[1., 1., 2., 2.]]]
    got = R.convert_boxes_to_roi_format([nt.tensor(b) for b in boxes])
    want = U.convert_boxes_to_roi_format([torch.tensor(b) for b in boxes])
    assert got.tolist() == want.tolist()
    with pytest.raises(AssertionError, match="Tensor\\[K, 5\\]"):
        R.check_roi_boxes_shape(nt.zeros(3, 4))
    from numtorch.vision.datasets import folder
    for f in ("a.PNG", "b.txt", "c.jpeg"):
        assert folder.is_image_file(f) == tv.datasets.folder.is_image_file(f)
    assert folder.has_file_allowed_extension("x.CSV", (".csv",)) == \
        tv.datasets.folder.has_file_allowed_extension("x.CSV", (".csv",))


def test_interpolate_embeddings_matches_torchvision():
    import numpy as np
    import numtorch as nt
    from conftest import torch
    from numtorch.vision.models import vision_transformer as V
    r = np.random.default_rng(0)
    state = {"encoder.pos_embedding": r.standard_normal((1, 17, 6)).astype(np.float32),
             "heads.head.weight": r.standard_normal((3, 6)).astype(np.float32)}
    for reset in (False, True):
        want = tv.models.vision_transformer.interpolate_embeddings(
            48, 8, {k: torch.from_numpy(v) for k, v in state.items()}, reset_heads=reset)
        got = V.interpolate_embeddings(48, 8, {k: nt.from_numpy(v) for k, v in state.items()}, reset_heads=reset)
        assert list(got) == list(want)
        np.testing.assert_allclose(got["encoder.pos_embedding"].numpy(), want["encoder.pos_embedding"].numpy(),
                                   rtol=1e-5, atol=1e-6)


def test_paths_under_numtorch_run(tmp_path):
    """Unmodified code importing torchvision's module paths runs under `numtorch run`; importing
    ``torchvision.models.alexnet`` leaves ``torchvision.models.alexnet`` the builder (and ``torchvision.ops.roi_align``
    the function), as in torchvision."""
    script = tmp_path / "paths.py"
    script.write_text(
        "import torchvision.ops.roi_align\n"
        "import torch, torchvision\n"
        "from torchvision.models.resnet import BasicBlock, ResNet\n"
        "import torchvision.ops.boxes as box_ops\n"
        "from torchvision.models.alexnet import AlexNet\n"
        "import torchvision.models.googlenet\n"
        "from torchvision.models.swin_transformer import SwinTransformer, shifted_window_attention\n"
        "from torchvision.models._api import WeightsEnum, register_model\n"
        "from torchvision.ops.misc import Conv2dNormActivation\n"
        "from torchvision.ops.roi_align import roi_align\n"
        "from torchvision.ops.feature_pyramid_network import FeaturePyramidNetwork\n"
        "from torchvision.ops.stochastic_depth import StochasticDepth\n"
        "import torchvision.transforms.functional as TF\n"
        "import torchvision.transforms.v2.functional as F2\n"
        "from torchvision.datasets.folder import is_image_file\n"
        "from torchvision.utils import make_grid\n"
        "import torchvision.io\n"
        "m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3).eval()\n"
        "with torch.no_grad():\n"
        "    print(tuple(m(torch.zeros(1, 3, 32, 32)).shape))\n"
        "print(round(box_ops.box_iou(torch.tensor([[0., 0., 2., 2.]]), torch.tensor([[1., 1., 3., 3.]])).item(), 4))\n"
        "print(type(torchvision.models.alexnet).__name__, type(torchvision.models.googlenet).__name__,\n"
        "      type(torchvision.models.resnet).__name__, AlexNet.__name__, is_image_file('a.PNG'),\n"
        "      type(torchvision.ops.roi_align).__name__)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", str(script)], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=root), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["(1,", "3)", "0.1429", "function", "function", "module", "AlexNet", "True",
                                 "function"]
