"""The public namespace is PyTorch's (docs/namespace.md): every public name of every public numtorch module is in
the matching torch module's ``dir()`` or in the documented extras table, and ``__all__`` lists the module's public
names. The names are read in a fresh interpreter, so what earlier tests imported cannot hide or add a name."""
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import torch  # noqa: F401  (the oracle must be installed)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# numtorch module -> the torch module it serves (numtorch run maps torch.X to numtorch.X)
PUBLIC = ["numtorch", "numtorch.linalg", "numtorch.nn", "numtorch.nn.functional", "numtorch.nn.init",
          "numtorch.nn.modules", "numtorch.nn.parameter", "numtorch.nn.utils", "numtorch.optim",
          "numtorch.optim.lr_scheduler", "numtorch.autograd", "numtorch.autograd.functional", "numtorch.utils",
          "numtorch.utils.data", "numtorch.cuda", "numtorch.backends", "numtorch.serialization", "numtorch.special",
          "numtorch.distributions", "numtorch.distributions.constraints", "numtorch.distributions.transforms",
          "numtorch.distributions.kl", "numtorch.sparse", "numtorch.onnx", "numtorch.jit",
          "numtorch.fft", "numtorch.signal", "numtorch.signal.windows", "numtorch.masked", "numtorch.fx",
          "numtorch.testing"]
# torchvision's stand-ins (torchvision is not installed beside the oracle) and numtorch's own modules
VISION = ["numtorch.vision", "numtorch.vision.datasets", "numtorch.vision.transforms",
          "numtorch.vision.transforms.functional", "numtorch.vision.ops", "numtorch.vision.models",
          "numtorch.vision.utils", "numtorch.vision.io", "numtorch.vision.transforms.v2", "numtorch.vision.tv_tensors"]
OWN = ["numtorch.viz"]
# imported too, so that the top-level namespace is read as a script under ``numtorch run`` sees it
ALSO = ["numtorch.cli", "numtorch.demo"]

_PROBE = r"""
import importlib, json, sys, types
names = sys.argv[1].split(",")
for m in names:
    importlib.import_module(m)
out = {}
for m in names:
    mod = sys.modules[m]
    d = [n for n in dir(mod) if not (n.startswith("__") and n.endswith("__"))]
    out[m] = {"dir": d, "all": getattr(mod, "__all__", None),
              "modules": [n for n in d if isinstance(getattr(mod, n), types.ModuleType)]}
print(json.dumps(out))
"""


def _dirs(modules):
    r = subprocess.run([sys.executable, "-c", _PROBE, ",".join(modules)], capture_output=True, text=True,
                       cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def _extras():
    """{module: {name: why}} from the table in docs/namespace.md."""
    out = {}
    with open(os.path.join(ROOT, "docs", "namespace.md")) as f:
        for line in f:
            m = re.match(r"\|\s*(numtorch[\w.]*)\s*\|\s*(\w+)\s*\|\s*(.+?)\s*\|\s*$", line)
            if m:
                out.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
    return out


@pytest.fixture(scope="module")
def nt_dirs():
    return _dirs(PUBLIC + VISION + OWN + ALSO)


@pytest.fixture(scope="module")
def torch_dirs():
    return _dirs(["torch" + m[len("numtorch"):] for m in PUBLIC])


def test_extras_table_is_documented():
    ex = _extras()
    assert ex, "docs/namespace.md lists no extras (table not found)"
    for mod, names in ex.items():
        for name, why in names.items():
            assert len(why) > 20, f"{mod}.{name}: the extras table must say why it exists"


@pytest.mark.parametrize("module", PUBLIC)
def test_public_names_are_torchs_or_documented_extras(module, nt_dirs, torch_dirs):
    tmod = "torch" + module[len("numtorch"):]
    extras = _extras().get(module, {})
    tdir = set(torch_dirs[tmod]["dir"])
    unknown = sorted(n for n in nt_dirs[module]["dir"]
                     if not n.startswith("_") and n not in tdir and n not in extras)
    assert not unknown, (f"{module} exposes names that {tmod} does not have and docs/namespace.md does not list: "
                         f"{unknown}")
    # every listed extra still exists and is really not torch's (else the row is stale)
    for name in extras:
        assert name in nt_dirs[module]["dir"], f"docs/namespace.md lists {module}.{name}, which does not exist"
        assert name not in tdir, f"{module}.{name} is torch's own name: remove it from the extras table"


def _check_all(module, info, torch_info=None):
    assert info["all"] is not None, f"{module} defines no __all__"
    listed = set(info["all"])
    assert len(listed) == len(info["all"]), f"{module}.__all__ has duplicates"
    public = {n for n in info["dir"] if not n.startswith("_")}
    assert not listed - public, f"{module}.__all__ lists names the module lacks: {sorted(listed - public)}"
    missing = public - listed - set(info["modules"])
    if torch_info is not None:
        # names torch's module also keeps out of its star-import (its own imports, e.g. lr_scheduler's
        # ``Counter`` or ``Optimizer``) may stay out of ours
        t_all = torch_info["all"]
        missing -= {n for n in torch_info["dir"] if t_all is None or n not in t_all}
    assert not missing, f"{module} has public names missing from __all__: {sorted(missing)}"


@pytest.mark.parametrize("module", PUBLIC)
def test_all_lists_the_public_names(module, nt_dirs, torch_dirs):
    _check_all(module, nt_dirs[module], torch_dirs["torch" + module[len("numtorch"):]])


@pytest.mark.parametrize("module", VISION + OWN)
def test_all_lists_exactly_the_public_names(module, nt_dirs):
    _check_all(module, nt_dirs[module])


def test_extra_modules_are_documented(nt_dirs):
    """numtorch-only modules bound on the package (viz, vision, cli, demo) are in the extras table."""
    extras = _extras().get("numtorch", {})
    for m in VISION[:1] + OWN + ALSO:
        assert m.split(".")[1] in nt_dirs["numtorch"]["dir"]
        assert m.split(".")[1] in extras, f"{m} is not listed in docs/namespace.md"


def test_function_classes_and_helpers_are_internal(nt_dirs):
    """The failure the rule replaced: Function classes, the array module, internal op files at the top level."""
    top = set(nt_dirs["numtorch"]["dir"])
    for name in ("Add", "Mul", "Sigmoid", "Function", "xp", "D", "sum_to", "operands", "register_methods",
                 "erf_np", "ops", "shape", "misc", "extra", "views", "copies"):
        assert name not in top, name
    import numtorch as nt
    assert nt.tensor([1.0, 2.0]).view(2, 1).shape == (2, 1)  # Tensor-only names stay methods
    assert nt.nn.functional.linear is not None and callable(nt.nn.functional.dropout)


def test_submodules_stay_importable_by_torch_paths():
    """Files removed from a package namespace (as torch removes them) still import by their full path, also as
    ``torch.X`` under ``numtorch run``; missing names say which torch name was asked for."""
    code = r"""
import sys
from numtorch._shim import install
install()
import torch.optim.adam, torch.nn.modules.loss, torch.nn.functional, torch.linalg
from torch.nn.modules.loss import _Loss
from torch.optim.optimizer import Optimizer
from torch.optim.adam import Adam
assert torch.nn.modules.loss.CrossEntropyLoss is torch.nn.CrossEntropyLoss
assert Adam is torch.optim.Adam and Optimizer is torch.optim.Optimizer
for mod, name in ((torch, "definitely_missing"), (torch.linalg, "common_notes"), (torch.nn.functional, "nope")):
    try:
        getattr(mod, name)
    except AttributeError as e:
        print(e)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=ROOT), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["numtorch has no attribute 'torch.definitely_missing'",
                                     "numtorch has no attribute 'torch.linalg.common_notes'",
                                     "numtorch has no attribute 'torch.nn.functional.nope'"]
