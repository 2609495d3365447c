"""torch.jit.trace (deprecated, with PyTorch's DeprecationWarning) on numtorch's tracer: the traced module replays the recorded graph on new inputs (equal to
eager), shares the module's parameters, prints .graph and .code, saves/loads in numtorch's own format and
refuses real TorchScript archives; TracerWarning where a traced value steers Python control flow."""
import io

import numpy as np
import pytest

import numtorch as nt
from numtorch import nn
import numtorch.nn.functional as F
from conftest import torch, assert_close

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.trace` is deprecated:DeprecationWarning")


def rnd(*shape, seed=0):
    return nt.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.bn, self.fc = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4 * 3 * 3, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return F.log_softmax(self.fc(x.flatten(1)), -1)


def test_traced_module_replays_on_new_inputs_and_batch_sizes():
    nt.manual_seed(0)
    m = Net().eval()
    tm = nt.jit.trace(m, rnd(2, 3, 8, 8))
    assert isinstance(tm, nt.jit.ScriptModule) and isinstance(tm, nn.Module)
    for shape in ((2, 3, 8, 8), (5, 3, 8, 8), (1, 3, 8, 8)):
        x = rnd(*shape, seed=1)
        assert_close(tm(x).detach(), m(x).detach())
    assert list(tm.state_dict()) == list(m.state_dict())
    # parameters are shared with the traced module (as PyTorch's)
    with nt.no_grad():
        m.fc.bias.add_(1.0)
    x = rnd(3, 3, 8, 8, seed=2)
    assert_close(tm(x).detach(), m(x).detach())
    with pytest.raises(RuntimeError, match="recorded for input"):
        tm(rnd(2, 3, 9, 9))


def test_graph_and_code_are_readable():
    nt.manual_seed(0)
    tm = nt.jit.trace(Net().eval(), rnd(2, 3, 8, 8))
    g = str(tm.graph)
    assert g.startswith("graph(%input_0 : Float[2, 3, 8, 8]):")
    for op in ("Convolution", "Relu", "_MaxPool", "LogSoftmax", "%fc.weight"):
        assert op in g
    code = tm.code
    assert code.startswith("def forward(self, input_0):") and "self.conv.weight" in code and "return" in code
    assert "input_0.size(0)" in code      # the batch size is read from the input, not baked in


def test_trace_function_and_torch_parity():
    def f(a, b):
        return (a * b).sum(1) + nt.arange(a.shape[1]).float().mean()

    def tf(a, b):
        return (a * b).sum(1) + torch.arange(a.shape[1]).float().mean()
    a, b = rnd(2, 3), rnd(2, 3, seed=1)
    with pytest.warns(DeprecationWarning, match="`torch.jit.trace` is deprecated"):
        traced = nt.jit.trace(f, (a, b))
    with pytest.warns(DeprecationWarning, match="`torch.jit.trace` is deprecated"):
        ttraced = torch.jit.trace(tf, (torch.from_numpy(a.numpy()), torch.from_numpy(b.numpy())))
    a2, b2 = rnd(4, 3, seed=2), rnd(4, 3, seed=3)
    assert_close(traced(a2, b2), ttraced(torch.from_numpy(a2.numpy()), torch.from_numpy(b2.numpy())))


def test_control_flow_is_baked_in_with_tracer_warning():
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x - 1
    pos = nt.ones(3)
    with pytest.warns(nt.jit.TracerWarning, match="Converting a tensor to a Python boolean might cause the trace"):
        traced = nt.jit.trace(f, pos)
    neg = -nt.ones(3)
    assert traced(neg).tolist() == (neg * 2).tolist()     # the branch taken while tracing
    with pytest.warns(torch.jit.TracerWarning, match="Converting a tensor to a Python boolean"):
        tt = torch.jit.trace(lambda x: x * 2 if x.sum() > 0 else x - 1, torch.ones(3))
    assert traced(neg).tolist() == tt(-torch.ones(3)).tolist()


def test_is_tracing_inside_trace():
    seen = []

    def f(x):
        seen.append(nt.jit.is_tracing())
        return x + 1
    nt.jit.trace(f, nt.ones(2))
    assert seen and all(seen) and nt.jit.is_tracing() is False


def test_recurrent_and_attention_replay():
    nt.manual_seed(0)
    lstm = nn.LSTM(4, 5, num_layers=2, batch_first=True).eval()
    tm = nt.jit.trace(lstm, rnd(2, 6, 4))
    x = rnd(3, 6, 4, seed=1)
    (y, (h, c)), (ye, (he, ce)) = tm(x), lstm(x)
    for got, want in ((y, ye), (h, he), (c, ce)):
        assert_close(got.detach(), want.detach())
    enc = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).eval()
    te = nt.jit.trace(enc, rnd(2, 5, 8))
    x = rnd(4, 5, 8, seed=3)
    assert_close(te(x).detach(), enc(x).detach())


def test_save_load_roundtrip(tmp_path):
    nt.manual_seed(0)
    m = Net().eval()
    tm = nt.jit.trace(m, rnd(2, 3, 8, 8))
    path = tmp_path / "net.pt"
    nt.jit.save(tm, str(path))
    loaded = nt.jit.load(str(path))
    x = rnd(4, 3, 8, 8, seed=5)
    assert_close(loaded(x).detach(), m(x).detach())
    assert sorted(loaded.state_dict()) == sorted(m.state_dict())
    buf = io.BytesIO()
    nt.jit.save(nt.jit.trace(lambda a: a.relu() * 3, rnd(2, 2)), buf)
    buf.seek(0)
    f = nt.jit.load(buf)
    assert f(rnd(5, 2, seed=1)).tolist() == (rnd(5, 2, seed=1).relu() * 3).tolist()


def test_load_refuses_torchscript_archives(tmp_path):
    ts = torch.jit.trace(torch.nn.Linear(2, 2), torch.ones(1, 2))
    path = tmp_path / "ts.pt"
    torch.jit.save(ts, str(path))
    with pytest.raises(RuntimeError, match="TorchScript archive written by PyTorch"):
        nt.jit.load(str(path))
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a zip")
    with pytest.raises(RuntimeError, match="not a file written by numtorch"):
        nt.jit.load(str(junk))


def test_script_still_returns_the_module():
    m = Net()
    assert nt.jit.script(m) is m
