"""``torch.load(weights_only=False)`` loads whole pickled models and optimizers (saved by numtorch and by
PyTorch, torch classes served by numtorch's); the default stays weights-only with PyTorch's refusal
text; ``torch.serialization.add_safe_globals`` / ``safe_globals`` / ``get_safe_globals`` /
``clear_safe_globals`` behave as PyTorch's."""
import os
import pickle
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import numtorch as nt
from conftest import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _torch_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(12, 5), torch.nn.Tanh())


def _strip_ansi(s):
    return re.sub(r"\x1b\[\d+m", "", s)


@pytest.fixture
def clean_safe_globals():
    torch.serialization.clear_safe_globals()
    nt.serialization.clear_safe_globals()
    yield
    torch.serialization.clear_safe_globals()
    nt.serialization.clear_safe_globals()


def test_whole_torch_model_and_optimizer(tmp_path):
    model = _torch_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=0.1)
    x = torch.randn(4, 1, 4, 4)
    model(x).square().sum().backward()
    opt.step()
    torch.save({"model": model, "opt": opt, "epoch": 3}, tmp_path / "ckpt.pt")
    ck = nt.load(tmp_path / "ckpt.pt", weights_only=False)
    m, o = ck["model"], ck["opt"]
    assert ck["epoch"] == 3
    assert type(m) is nt.nn.Sequential and type(m[0]) is nt.nn.Conv2d and type(o) is nt.optim.Adam
    assert repr(m) == repr(model)
    assert o.param_groups[0]["params"][0] is m[0].weight   # the pickle's shared references survive
    xn = nt.tensor(x.numpy())
    np.testing.assert_allclose(m(xn).detach().numpy(), model(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    for _ in range(2):   # training carries on from the loaded optimizer state as in PyTorch
        o.zero_grad()
        m(xn).square().sum().backward()
        o.step()
        opt.zero_grad()
        model(x).square().sum().backward()
        opt.step()
    for a, b in zip(m.parameters(), model.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_default_refuses_with_pytorchs_text(tmp_path):
    torch.save(_torch_model(), tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError) as ref:
        torch.load(tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError) as got:
        nt.load(tmp_path / "m.pt")
    assert str(got.value) == _strip_ansi(str(ref.value))
    assert "trust" in str(got.value)


def test_numtorch_whole_model_round_trip(tmp_path):
    nt.manual_seed(0)
    m = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.GELU(), nt.nn.Linear(4, 2))
    o = nt.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    x = nt.randn(5, 3)
    m(x).sum().backward()
    o.step()
    nt.save([m, o], tmp_path / "n.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        nt.load(tmp_path / "n.pt")
    m2, o2 = nt.load(tmp_path / "n.pt", weights_only=False)
    assert nt.equal(m2(x), m(x))
    assert o2.state_dict()["state"][0]["momentum_buffer"].equal(o.state_dict()["state"][0]["momentum_buffer"])


def test_safe_globals_as_pytorch(tmp_path, clean_safe_globals):
    torch.save(_torch_model(), tmp_path / "m.pt")
    names = ["Sequential", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "Tanh"]
    t_cls = [getattr(torch.nn, n) for n in names]
    n_cls = [getattr(nt.nn, n) for n in names]
    # each step of the same sequence: does a weights-only load succeed in both?
    for step in ("none", "ctx", "after-ctx", "add-some", "add-all", "clear"):
        if step == "ctx":
            with torch.serialization.safe_globals(t_cls), nt.serialization.safe_globals(n_cls):
                ref = torch.load(tmp_path / "m.pt")
                got = nt.load(tmp_path / "m.pt")
                assert repr(got) == repr(ref)
                assert len(nt.serialization.get_safe_globals()) == len(torch.serialization.get_safe_globals())
            continue
        if step == "add-some":
            torch.serialization.add_safe_globals(t_cls[:3])
            nt.serialization.add_safe_globals(n_cls[:3])
        elif step == "add-all":
            torch.serialization.add_safe_globals(t_cls)
            nt.serialization.add_safe_globals(n_cls)
        elif step == "clear":
            torch.serialization.clear_safe_globals()
            nt.serialization.clear_safe_globals()
        assert set(nt.serialization.get_safe_globals()) == set(getattr(nt.nn, c.__name__)
                                                                for c in torch.serialization.get_safe_globals())
        ref_ok = got_ok = True
        try:
            torch.load(tmp_path / "m.pt")
        except pickle.UnpicklingError as e:
            ref_ok, ref_msg = False, _strip_ansi(str(e))
        try:
            nt.load(tmp_path / "m.pt")
        except pickle.UnpicklingError as e:
            got_ok, got_msg = False, str(e)
        assert got_ok == ref_ok, step
        if not ref_ok:
            assert got_msg == ref_msg, step


def test_safe_globals_tuple_form_and_errors(tmp_path, clean_safe_globals):
    torch.save(torch.nn.ReLU(), tmp_path / "r.pt")
    nt.serialization.add_safe_globals([(nt.nn.ReLU, "torch.nn.modules.activation.ReLU")])
    assert type(nt.load(tmp_path / "r.pt")) is nt.nn.ReLU
    for bad in [(nt.nn.ReLU,), (nt.nn.ReLU, 3)]:
        nt.serialization.clear_safe_globals()
        torch.serialization.clear_safe_globals()
        nt.serialization.add_safe_globals([bad])
        torch.serialization.add_safe_globals([(torch.nn.ReLU,) + bad[1:]])
        with pytest.raises(Exception) as ref:
            torch.load(tmp_path / "r.pt")
        with pytest.raises(type(ref.value)) as got:
            nt.load(tmp_path / "r.pt")
        assert str(got.value) == str(ref.value)


def test_user_class_saved_by_pytorch_loads_under_run(tmp_path):
    script = textwrap.dedent("""\
        import sys
        import torch
        from torch import nn

        class MyNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
                self.scale = 2.0

            def forward(self, x):
                return self.body(x) * self.scale

        if sys.argv[1] == "save":
            torch.manual_seed(0)
            torch.save(MyNet(), "net.pt")
        else:
            net = torch.load("net.pt", weights_only=False)
            print(type(net).__name__, net.scale)
            print(net(torch.arange(8.).reshape(2, 4)).detach().numpy().round(4).tolist())
    """)
    (tmp_path / "prog.py").write_text(script)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "prog.py", "save"], cwd=tmp_path, check=True, env=env, timeout=120)
    ref = subprocess.run([sys.executable, "prog.py", "load"], cwd=tmp_path, capture_output=True, text=True,
                         env=env, timeout=120)
    got = subprocess.run([sys.executable, "-m", "numtorch", "run", "prog.py", "load"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=120)
    assert ref.returncode == 0 and got.returncode == 0, got.stderr
    assert got.stdout == ref.stdout
