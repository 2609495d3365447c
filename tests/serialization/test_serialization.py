"""numtorch.save / numtorch.load against real PyTorch, in both directions, plus safety properties."""
import io
import os
import pickle
import re
import subprocess
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import numtorch as nt
import numtorch.serialization as S
from conftest import torch, to_torch, to_nt, assert_close


def _is_param(t):
    return isinstance(t, (torch.nn.Parameter, nt.nn.Parameter))


def _same(a, b):
    """Deep comparison of numtorch/torch objects: same structure, types, dtypes and exact values."""
    if isinstance(b, (torch.Tensor, nt.Tensor)):
        assert isinstance(a, (torch.Tensor, nt.Tensor)), type(a)
        assert _is_param(a) == _is_param(b)
        assert a.requires_grad == b.requires_grad
        an = a.detach().numpy() if isinstance(a, torch.Tensor) else a._data
        bn = b.detach().numpy() if isinstance(b, torch.Tensor) else b._data
        assert an.dtype == bn.dtype and an.shape == bn.shape
        np.testing.assert_array_equal(an, bn)
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a.keys()) == list(b.keys())
        for k in b:
            _same(a[k], b[k])
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert type(a) is type(b) and a == b, (a, b)


class TorchCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(4)
        self.conv2 = torch.nn.Conv2d(4, 2, 3)
        self.fc = torch.nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        return self.fc(torch.flatten(self.conv2(x), 1))


def _torch_cnn_state():
    torch.manual_seed(0)
    m = TorchCNN()
    m(torch.randn(4, 3, 4, 4))  # updates the BatchNorm running stats and num_batches_tracked
    return m.state_dict()


def _torch_lstm_state():
    torch.manual_seed(1)
    return torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True).state_dict()


def _torch_optimizer_state():
    torch.manual_seed(2)
    m = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.9, 0.99), amsgrad=True)
    m(torch.randn(5, 3)).sum().backward()
    opt.step()
    return opt.state_dict()


@pytest.mark.parametrize("make", [_torch_cnn_state, _torch_lstm_state, _torch_optimizer_state],
                         ids=["cnn_bn", "lstm", "adam_state"])
def test_torch_save_numtorch_load(make, tmp_path):
    sd = make()
    path = tmp_path / "ckpt.pt"
    torch.save(sd, path)
    got = nt.load(path)
    _same(got, sd)
    # and the other way round: numtorch's file loads in torch to the same thing
    path2 = tmp_path / "back.pt"
    nt.save(got, path2)
    _same(torch.load(path2, weights_only=True), sd)


def _nt_state():
    rng = np.random.default_rng(0)
    sd = OrderedDict()
    for name, shape in [("conv1.weight", (4, 3, 3, 3)), ("conv1.bias", (4,)), ("bn1.weight", (4,)),
                        ("bn1.bias", (4,))]:
        sd[name] = nt.tensor(rng.standard_normal(shape).astype(np.float32))
    sd["bn1.running_mean"] = nt.zeros(4)
    sd["bn1.running_var"] = nt.ones(4)
    sd["bn1.num_batches_tracked"] = nt.tensor(7)
    sd["fc.weight"] = nt.tensor(rng.standard_normal((3, 8)))  # float64
    sd["mask"] = nt.tensor([True, False, True])
    sd["pixels"] = nt.tensor(rng.integers(0, 255, (2, 3)).astype(np.uint8))
    sd["idx"] = nt.tensor(rng.integers(-5, 5, 4))
    sd["half"] = nt.tensor([1.5, -2.0], dtype=nt.float16)
    sd["i32"] = nt.tensor([1, 2], dtype=nt.int32)
    return sd


def test_numtorch_save_torch_load_dtypes(tmp_path):
    sd = _nt_state()
    nt.save(sd, tmp_path / "a.pt")
    t = torch.load(tmp_path / "a.pt", weights_only=True)
    assert isinstance(t, OrderedDict)
    _same(t, sd)
    assert t["bn1.num_batches_tracked"].dtype == torch.int64
    assert t["mask"].dtype == torch.bool and t["pixels"].dtype == torch.uint8
    # torch can load it into a real module as well
    m = TorchCNN()
    missing, unexpected = m.load_state_dict({k: v for k, v in t.items() if k.startswith(("conv1", "bn1"))},
                                            strict=False)
    assert "fc.weight" in missing and not unexpected
    assert torch.equal(m.conv1.weight, t["conv1.weight"])


def test_optimizer_like_state(tmp_path):
    state = {
        "state": {0: {"step": nt.tensor(3.0), "exp_avg": nt.ones(2, 3), "exp_avg_sq": nt.zeros(2, 3)},
                  1: {"step": nt.tensor(3.0), "momentum_buffer": None}},
        "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
                          "amsgrad": False, "nesterov": True, "foreach": None, "params": [0, 1],
                          "name": "group-é"}],
    }
    nt.save(state, tmp_path / "o.pt")
    t = torch.load(tmp_path / "o.pt", weights_only=True)
    _same(t, state)
    assert t["state"][0]["step"].dtype == torch.float32 and t["state"][0]["step"].dim() == 0
    back = nt.load(tmp_path / "o.pt")
    _same(back, t)
    assert back["param_groups"][0]["betas"] == (0.9, 0.999)


def test_parameters_and_requires_grad(tmp_path):
    obj = {"w": nt.nn.Parameter(nt.ones(2, 2)), "frozen": nt.nn.Parameter(nt.zeros(3), requires_grad=False),
           "t": nt.ones(2, requires_grad=True)}
    nt.save(obj, tmp_path / "p.pt")
    t = torch.load(tmp_path / "p.pt", weights_only=True)
    assert isinstance(t["w"], torch.nn.Parameter) and t["w"].requires_grad
    assert isinstance(t["frozen"], torch.nn.Parameter) and not t["frozen"].requires_grad
    assert t["t"].requires_grad and not isinstance(t["t"], torch.nn.Parameter)
    torch.save({"w": torch.nn.Parameter(torch.ones(2))}, tmp_path / "q.pt")
    w = nt.load(tmp_path / "q.pt")["w"]
    assert isinstance(w, nt.nn.Parameter) and w.requires_grad


def test_shared_storage_preserved(tmp_path):
    base = nt.arange(12.0).reshape(3, 4)
    obj = {"base": base, "row": base[1], "col": base[:, 2], "t": base.t()}
    nt.save(obj, tmp_path / "s.pt")
    t = torch.load(tmp_path / "s.pt", weights_only=True)
    for k in obj:
        assert_close(t[k], obj[k], rtol=0, atol=0)
    with zipfile.ZipFile(tmp_path / "s.pt") as z:
        assert [n for n in z.namelist() if "/data/" in n] == ["archive/data/0"]  # one storage for all four
    t["row"][0] = 100.0
    assert t["base"][1, 0].item() == 100.0 and t["t"][0, 1].item() == 100.0
    torch.save(t, tmp_path / "s2.pt")
    back = nt.load(tmp_path / "s2.pt")
    back["base"][2, 2] = -1.0  # numtorch views of one storage share memory too
    assert back["col"][2].item() == -1.0 and back["t"][2, 2].item() == -1.0
    assert back["row"][0].item() == 100.0


def test_negative_strides_and_expanded(tmp_path):
    a = nt.arange(6.0)
    obj = {"flip": a.flip(0), "exp": nt.tensor([1.0, 2.0]).expand(3, 2), "empty": nt.zeros(0, 3),
           "scalar": nt.tensor(2.5, dtype=nt.float64)}
    nt.save(obj, tmp_path / "n.pt")
    t = torch.load(tmp_path / "n.pt", weights_only=True)
    for k in obj:
        assert_close(t[k], obj[k], rtol=0, atol=0)
    torch.save({"exp": torch.tensor([1.0, 2.0]).expand(3, 2), "tt": torch.ones(2, 3).t()}, tmp_path / "m.pt")
    back = nt.load(tmp_path / "m.pt")
    assert_close(back["exp"], torch.tensor([1.0, 2.0]).expand(3, 2))
    assert_close(back["tt"], torch.ones(3, 2))


def test_aligned_records_and_mmap(tmp_path):
    nt.save({"x": nt.ones(5), "y": nt.arange(7)}, tmp_path / "al.pt")
    with zipfile.ZipFile(tmp_path / "al.pt") as z, open(tmp_path / "al.pt", "rb") as fh:
        for info in z.infolist():
            if "/data/" in info.filename:
                fh.seek(info.header_offset + 26)
                n, m = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
                assert (info.header_offset + 30 + n + m) % 64 == 0
    t = torch.load(tmp_path / "al.pt", weights_only=True, mmap=True)
    assert torch.equal(t["y"], torch.arange(7))


def test_file_objects_and_pathlike(tmp_path):
    buf = io.BytesIO()
    nt.save({"a": nt.ones(3)}, buf)
    buf.seek(0)
    assert torch.equal(torch.load(buf, weights_only=True)["a"], torch.ones(3))
    buf2 = io.BytesIO()
    torch.save([torch.zeros(2), 5, "x"], buf2)
    buf2.seek(0)
    got = nt.load(buf2)
    assert isinstance(got, list) and got[1] == 5 and got[2] == "x"
    with open(tmp_path / "f.pt", "wb") as fh:
        nt.save(nt.ones(2), fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert_close(nt.load(fh), torch.ones(2))
    nt.save({"k": 1}, str(tmp_path / "g.pt"))
    assert nt.load(str(tmp_path / "g.pt"), map_location="cpu") == {"k": 1}


def test_module_state_dict_roundtrip(tmp_path):
    m = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU(), nt.nn.Linear(4, 2))
    nt.save(m.state_dict(), tmp_path / "m.pt")
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    tm.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    assert_close(m(nt.tensor(x)), tm(torch.tensor(x)), rtol=1e-6, atol=1e-6)
    torch.save(tm.state_dict(), tmp_path / "t.pt")
    m2 = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU(), nt.nn.Linear(4, 2))
    assert repr(m2.load_state_dict(nt.load(tmp_path / "t.pt"))) == "<All keys matched successfully>"
    assert_close(m2(nt.tensor(x)), tm(torch.tensor(x)), rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------------- safety
def _evil_checkpoint(path, marker, module="os", name="system"):
    """A zip checkpoint whose data.pkl calls ``module.name('touch marker')`` when unpickled."""
    class Evil:
        def __reduce__(self):
            import os as _os
            return (_os.system, (f"touch {marker}",))
    payload = pickle.dumps({"weights": Evil()}, protocol=2)
    if module != "os":
        payload = payload.replace(b"posix\nsystem", f"{module}\n{name}".encode())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")
        z.writestr("archive/byteorder", "little")


def test_malicious_pickle_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    _evil_checkpoint(path, marker)
    with pytest.raises(pickle.UnpicklingError, match=r"system"):
        nt.load(path)
    with pytest.raises(pickle.UnpicklingError, match=r"system"):
        nt.load(path, weights_only=True)
    assert not marker.exists()
    # the payload is live: an explicit weights_only=False unpickles in full and runs it, as PyTorch does
    nt.load(path, weights_only=False)
    assert marker.exists()


@pytest.mark.parametrize("glob", [b"builtins\neval", b"builtins\ngetattr", b"subprocess\nPopen",
                                  b"numtorch\ntensor", b"torch\nload", b"torch._utils\n_rebuild_qtensor"])
def test_other_globals_refused(tmp_path, glob):
    payload = b"\x80\x02c" + glob + b"\nX\x01\x00\x00\x00x\x85R."
    with zipfile.ZipFile(tmp_path / "g.pt", "w") as z:
        z.writestr("archive/data.pkl", payload)
    mod, name = glob.decode().split("\n")
    # PyTorch's message names builtins without their module ("GLOBAL eval")
    shown = name if mod == "builtins" else f"{mod}.{name}"
    with pytest.raises(pickle.UnpicklingError, match=rf"GLOBAL {re.escape(shown)} was not an allowed global"):
        nt.load(tmp_path / "g.pt")


def test_truncated_and_corrupt_files(tmp_path):
    nt.save({"w": nt.ones(100)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    for n in (0, 10, len(data) // 2, len(data) - 30):
        (tmp_path / "bad.pt").write_bytes(data[:n])
        with pytest.raises((RuntimeError, pickle.UnpicklingError), match="truncated|corrupt|not a PyTorch"):
            nt.load(tmp_path / "bad.pt")
    # flip bytes inside the tensor record: the zip CRC catches it
    i = data.index(b"\x00\x00\x80\x3f")
    (tmp_path / "flip.pt").write_bytes(data[:i] + b"\x12\x34\x56\x78" + data[i + 4:])
    with pytest.raises(RuntimeError, match="corrupt"):
        nt.load(tmp_path / "flip.pt")
    (tmp_path / "junk.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(RuntimeError, match="not a PyTorch checkpoint"):
        nt.load(tmp_path / "junk.pt")
    # a storage record shorter than the tensor that uses it
    with zipfile.ZipFile(tmp_path / "ok.pt") as z:
        entries = {n: z.read(n) for n in z.namelist()}
    entries["archive/data/0"] = entries["archive/data/0"][:40]
    with zipfile.ZipFile(tmp_path / "short.pt", "w") as z:
        for n, b in entries.items():
            z.writestr(n, b)
    with pytest.raises(pickle.UnpicklingError, match="corrupt"):
        nt.load(tmp_path / "short.pt")


def test_interrupted_save_keeps_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    nt.save({"epoch": 1, "w": nt.ones(4)}, path)
    before = path.read_bytes()

    calls = {"n": 0}
    real = zipfile.ZipFile.writestr

    def crash(self, info, data, *a, **k):
        calls["n"] += 1
        if calls["n"] == 4:  # the crash happens in the middle of writing the archive
            raise KeyboardInterrupt("power cut")
        return real(self, info, data, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash)
    with pytest.raises(KeyboardInterrupt):
        nt.save({"epoch": 2, "w": nt.zeros(4)}, path)
    monkeypatch.undo()
    assert calls["n"] == 4
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # no temporary file left behind
    got = nt.load(path)
    assert got["epoch"] == 1 and got["w"].tolist() == [1.0] * 4
    assert torch.load(path, weights_only=True)["epoch"] == 1


def test_save_does_not_import_torch(tmp_path):
    code = ("import sys, numtorch as nt\n"
            f"nt.save({{'a': nt.ones(2), 'p': nt.nn.Parameter(nt.zeros(1))}}, {str(tmp_path / 'x.pt')!r})\n"
            f"print(nt.load({str(tmp_path / 'x.pt')!r})['a'].tolist())\n"
            "assert 'torch' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[1.0, 1.0]"


class Thing:
    pass


def test_unsupported_object_message(tmp_path):
    # an arbitrary object pickles (as PyTorch does) but numtorch.load refuses to rebuild it
    nt.save({"t": Thing}, tmp_path / "c.pt")
    with pytest.raises(pickle.UnpicklingError, match="Thing"):
        nt.load(tmp_path / "c.pt")


def _cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16, 3))


def test_real_modules_cnn_both_directions(tmp_path, rng):
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    # torch -> numtorch: a trained torch CNN (BatchNorm running stats updated) loads strictly
    torch.manual_seed(0)
    tm = _cnn(torch)
    tm(torch.randn(8, 3, 4, 4))
    tm.eval()
    torch.save(tm.state_dict(), tmp_path / "t.pt")
    m = _cnn(nt)
    r = m.load_state_dict(nt.load(tmp_path / "t.pt"))
    assert not r.missing_keys and not r.unexpected_keys
    m.eval()
    assert list(m.state_dict()) == list(tm.state_dict())
    assert_close(m(nt.tensor(x)), tm(torch.tensor(x)), rtol=1e-4, atol=1e-5)
    # numtorch -> torch: the numtorch CNN after a training step, saved and loaded strictly by torch
    m2 = _cnn(nt)
    m2(nt.tensor(rng.standard_normal((8, 3, 4, 4)).astype(np.float32)))
    m2.eval()
    nt.save(m2.state_dict(), tmp_path / "n.pt")
    tm2 = _cnn(torch)
    tm2.load_state_dict(torch.load(tmp_path / "n.pt", weights_only=True))
    tm2.eval()
    assert int(tm2[1].num_batches_tracked) == int(m2[1].num_batches_tracked.item()) == 1
    assert_close(m2(nt.tensor(x)), tm2(torch.tensor(x)), rtol=1e-4, atol=1e-5)


def test_real_modules_lstm_both_directions(tmp_path, rng):
    x = rng.standard_normal((5, 2, 3)).astype(np.float32)
    torch.manual_seed(0)
    tl = torch.nn.LSTM(3, 4, num_layers=2)
    torch.save(tl.state_dict(), tmp_path / "t.pt")
    lstm = nt.nn.LSTM(3, 4, num_layers=2)
    lstm.load_state_dict(nt.load(tmp_path / "t.pt"))
    assert_close(lstm(nt.tensor(x))[0], tl(torch.tensor(x))[0], rtol=1e-4, atol=1e-5)
    nt.save(lstm.state_dict(), tmp_path / "n.pt")
    tl2 = torch.nn.LSTM(3, 4, num_layers=2)
    tl2.load_state_dict(torch.load(tmp_path / "n.pt", weights_only=True))
    for a, b in zip(tl.parameters(), tl2.parameters()):
        assert torch.equal(a, b)


def test_bfloat16_storage_loads(tmp_path):
    # BFloat16Storage used to be refused by name; it now loads bit for bit (see tests/compat for more)
    t = torch.tensor([1.1, -3e38, 2.5e-39], dtype=torch.bfloat16)
    torch.save({"w": t}, tmp_path / "bf.pt")
    w = nt.load(tmp_path / "bf.pt")["w"]
    assert w.dtype is nt.bfloat16
    assert w._data.view("uint16").tolist() == t.view(torch.int16).numpy().view("uint16").tolist()


def test_saved_file_has_ordinary_permissions(tmp_path):
    nt.save({"a": 1}, tmp_path / "perm.pt")
    with open(tmp_path / "plain.bin", "wb") as fh:
        fh.write(b"x")
    assert (os.stat(tmp_path / "perm.pt").st_mode & 0o777) == (os.stat(tmp_path / "plain.bin").st_mode & 0o777)
