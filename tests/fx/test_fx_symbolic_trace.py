"""symbolic_trace against torch.fx: the same model source is built with numtorch and with torch, traced by both,
and the graphs (node ops, names, targets, inputs) and the traced modules' outputs are compared."""
import operator

import numpy as np
import pytest

import numtorch as nt
import numtorch.fx  # noqa: F401
import numtorch.vision  # noqa: F401
from conftest import torch, assert_close, import_torchvision
import torch.fx  # noqa: F401
from _fx_snippet import _no_wrappers_left  # noqa: F401  (autouse fixture)

MODELS = '''
import math
F = torch.nn.functional


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(8, 16)
        self.act = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(16, 4)

    def forward(self, x):
        return torch.softmax(self.fc2(self.act(self.fc1(x))), dim=-1)


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.pool = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(4, 8, 3)
        self.fc = torch.nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = F.relu(self.bn(self.conv1(x)))
        x = self.pool(x)
        x = torch.flatten(self.conv2(x), 1)
        return self.fc(x) * 0.5 + 1


class Block(torch.nn.Module):
    """Pre-norm transformer block with hand-written attention (no control flow)."""

    def __init__(self, d=16, h=4):
        super().__init__()
        self.h = h
        self.ln1 = torch.nn.LayerNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(d, 4 * d), torch.nn.GELU(), torch.nn.Linear(4 * d, d))
        self.scale = torch.nn.Parameter(torch.ones(d))
        self.register_buffer("shift", torch.zeros(d))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q = q.view(B, T, self.h, C // self.h).transpose(1, 2)
        k = k.view(B, T, self.h, C // self.h).transpose(1, 2)
        v = v.view(B, T, self.h, C // self.h).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.h))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.proj(y)
        return (x + self.mlp(self.ln2(x))) * self.scale + self.shift
'''


def _build(lib, name):
    ns = {"torch": lib, "__name__": "fx_models"}
    exec(MODELS, ns)
    lib.manual_seed(0)
    return ns[name]()


def _pair(name):
    t = _build(torch, name)
    n = _build(nt, name)
    n.load_state_dict({k: nt.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return n.eval(), t.eval()


def _tname(target):
    if isinstance(target, str):
        return target
    return target.__name__


def _value_sig(a):
    """Non-Node arguments kept, Nodes by name."""
    if isinstance(a, (list, tuple)):
        return type(a)(_value_sig(e) for e in a) if not hasattr(a, "_fields") else tuple(map(_value_sig, a))
    if isinstance(a, dict):
        return {k: _value_sig(v) for k, v in a.items()}
    if type(a).__name__ == "Node":
        return "%" + a.name
    if isinstance(a, (int, float, str, bool, type(None), slice)):
        return a
    return repr(a)


def _node_sig(n, full_args):
    inputs = [i.name for i in n.all_input_nodes]
    sig = (n.op, n.name, _tname(n.target), tuple(inputs))
    if full_args:
        # torch's Python nn.functional functions record keyword defaults through __torch_function__; the
        # arguments are compared where both record what the caller wrote
        sig += (_value_sig(n.args), _value_sig(n.kwargs))
    return sig


def _same_args(n):
    return n.op != "call_function" or getattr(n.target, "__module__", "") in ("_operator", "builtins", "math")


def _compare_graphs(gn, gt, ordered=True):
    sn = [_node_sig(n, _same_args(n)) for n in gn.graph.nodes]
    st = [_node_sig(n, _same_args(n)) for n in gt.graph.nodes]
    if ordered:
        assert sn == st
    else:
        assert sorted(map(repr, sn)) == sorted(map(repr, st))


@pytest.mark.parametrize("name,shape", [("MLP", (3, 8)), ("ConvNet", (2, 3, 8, 8)), ("Block", (2, 5, 16))])
def test_trace_matches_torch_fx(name, shape):
    n, t = _pair(name)
    gn = nt.fx.symbolic_trace(n)
    gt = torch.fx.symbolic_trace(t)
    _compare_graphs(gn, gt)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    out = gn(nt.tensor(x))
    assert_close(out, n(nt.tensor(x))._data, rtol=0, atol=0)
    assert_close(out, gt(torch.tensor(x)), rtol=1e-4, atol=1e-5)
    assert isinstance(gn, nt.fx.GraphModule) and isinstance(gn, nt.nn.Module)
    assert "def forward(self, x):" in gn.code
    assert gn.state_dict().keys() == gt.state_dict().keys()


def test_generated_code_equals_torch_fx():
    """Where both record the same calls, the generated source is PyTorch's, character for character."""
    n, t = _pair("Block")
    assert nt.fx.symbolic_trace(n).code == torch.fx.symbolic_trace(t).code
    n, t = _pair("MLP")
    assert nt.fx.symbolic_trace(n).code == torch.fx.symbolic_trace(t).code
    assert str(nt.fx.symbolic_trace(n).graph) == str(torch.fx.symbolic_trace(t).graph)


def test_resnet18_trace():
    tv = import_torchvision()
    t = tv.models.resnet18().eval()
    n = nt.vision.models.resnet18().eval()
    n.load_state_dict({k: nt.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    gn = nt.fx.symbolic_trace(n)
    gt = torch.fx.symbolic_trace(t)
    # numtorch's BasicBlock computes the shortcut before the main branch: the same graph in another order
    _compare_graphs(gn, gt, ordered=False)
    x = np.random.default_rng(1).standard_normal((1, 3, 32, 32)).astype(np.float32)
    out = gn(nt.tensor(x))
    assert_close(out, n(nt.tensor(x))._data, rtol=0, atol=0)
    assert_close(out, t(torch.tensor(x)), rtol=1e-3, atol=1e-4)
    gn.graph.lint()


def test_functions_and_leaves():
    """torch.* / F.* / math functions given a Proxy, concrete_args, *args, tensor constants, non-leaf modules."""
    src = '''
import math
F = torch.nn.functional

class Inner(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 4)
    def forward(self, x):
        return torch.tanh(self.lin(x)) + F.linear(x, self.lin.weight)

class Outer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = Inner()
        self.const = torch.arange(4.0)
    def forward(self, x, scale, flag=None):
        y = torch.cat([self.inner(x), x], dim=0).sum(0) * scale
        return y + self.const - math.pi, torch.clamp(x, min=-1.0, max=1.0)

def fn(x, *rest):
    return torch.relu(x) + rest[0]
'''
    out = {}
    for lib in (torch, nt):
        ns = {"torch": lib, "__name__": "fx_models2"}
        exec(src, ns)
        lib.manual_seed(0)
        m = ns["Outer"]()
        g = lib.fx.symbolic_trace(m, concrete_args={"flag": None})
        f = lib.fx.symbolic_trace(ns["fn"])
        out[lib] = (m, g, f)
    (mn, gn, fn_), (mt, gt, ft) = out[nt], out[torch]
    sig = lambda g: [(n.op, n.name, _tname(n.target)) for n in g.graph.nodes]  # noqa: E731
    # torch adds an assertion node for the concrete None (numtorch bakes it in without one)
    assert [s for s in sig(gt) if "assert" not in s[1]] == sig(gn)
    assert sig(fn_) == sig(ft)
    mn.load_state_dict({k: nt.tensor(v.detach().numpy()) for k, v in mt.state_dict().items()})
    gn2 = nt.fx.symbolic_trace(mn, concrete_args={"flag": None})
    x = np.random.default_rng(2).standard_normal((2, 4)).astype(np.float32)
    a, b = gn2(nt.tensor(x), 3.0)
    ea, eb = mt(torch.tensor(x), 3.0)
    assert_close(a, ea, rtol=1e-5, atol=1e-5)
    assert_close(b, eb)
    assert_close(fn_(nt.tensor(x), 2.0), ft(torch.tensor(x), 2.0))
    assert fn_.code == ft.code


def test_targets_are_the_public_functions():
    class M(nt.nn.Module):
        def forward(self, x):
            return nt.nn.functional.relu(nt.add(x, 1)) + x.add(1)
    g = nt.fx.symbolic_trace(M())
    targets = [n.target for n in g.graph.nodes]
    assert nt.add in targets and nt.nn.functional.relu in targets and operator.add in targets and "add" in targets
    # the wrappers only live while tracing
    assert nt.add.__module__.startswith("numtorch._ops") and not hasattr(nt.add, "_fx_original")


def test_trace_errors_match_torch():
    class CF(nt.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    class CFt(torch.nn.Module):
        forward = CF.forward

    class L(nt.nn.Module):
        def forward(self, x):
            return len(x)

    class Lt(torch.nn.Module):
        forward = L.forward
    for mn, mt in ((CF(), CFt()), (L(), Lt())):
        with pytest.raises(Exception) as et:
            torch.fx.symbolic_trace(mt)
        with pytest.raises(Exception) as en:
            nt.fx.symbolic_trace(mn)
        assert type(en.value).__name__ == type(et.value).__name__
        assert type(en.value).__mro__[1].__name__ == type(et.value).__mro__[1].__name__
        assert str(en.value) == str(et.value)


def test_tensor_operators_with_proxy_operand():
    """``tensor OP proxy`` with tensor attributes and constants: the same code as torch.fx's."""
    src = '''
class M(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.t = torch.arange(3)
        s.register_buffer("b", torch.ones(3, dtype=torch.int64))
    def forward(s, x):
        return (s.t / x, s.t // x, s.t % x, s.t ** x, s.t & x, s.t | x, s.t ^ x, s.t != x, s.t < x,
                s.t <= x, s.t > x, s.t >= x, s.t + x, s.b @ x, s.t - x, s.t * x, torch.ones(3) - x)
'''
    res = {}
    for lib in (torch, nt):
        ns = {"torch": lib, "__name__": "fx_models3"}
        exec(src, ns)
        g = lib.fx.symbolic_trace(ns["M"]())
        res[lib] = (g.code, g(lib.tensor([1, 2, 3])))
    assert res[nt][0] == res[torch][0]
    for a, b in zip(res[nt][1], res[torch][1]):
        assert_close(a, b)
    from numtorch.fx import _patch
    assert _patch._depth == 0 and nt.Tensor.__mul__.__module__ == "numtorch._tensor"  # restored after the trace


def test_assert_is_recorded():
    src = '''
class M(torch.nn.Module):
    def forward(self, x):
        torch._assert(x.shape[0] == 2, "batch of two")
        return x + 1
'''
    res = {}
    for lib in (torch, nt):
        ns = {"torch": lib, "__name__": "fx_models4"}
        exec(src, ns)
        g = lib.fx.symbolic_trace(ns["M"]())
        with pytest.raises(AssertionError) as e:
            g(lib.ones(3))
        res[lib] = (g.code, str(e.value))
    assert res[nt] == res[torch]


def test_param_shapes_constant():
    """Tracer(param_shapes_constant=True): a parameter's shape is read while tracing, not recorded."""
    src = '''
class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(3, 2))
    def forward(self, x):
        return x.reshape(-1, self.w.shape[0]) @ self.w + self.w.size()[1] + self.w.dim() + self.w.numel()
'''
    res = {}
    for lib in (torch, nt):
        ns = {"torch": lib, "__name__": "fx_models5"}
        exec(src, ns)
        m = ns["M"]()
        codes = []
        for const in (False, True):
            g = lib.fx.Tracer(param_shapes_constant=const).trace(m)
            codes.append(lib.fx.GraphModule(m, g).code)
        res[lib] = codes
    assert res[nt] == res[torch]
