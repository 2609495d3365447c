"""Interpreter, Transformer and ShapeProp against torch.fx, run as the same source under both libraries."""
import pytest

import numtorch as nt
import numtorch.fx  # noqa: F401
from conftest import assert_close
from _fx_snippet import _both, _no_wrappers_left  # noqa: F401  (autouse fixture)

MODEL = '''
import operator
from torch.fx import symbolic_trace, Interpreter, Transformer

class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 4)
        self.w = torch.nn.Parameter(torch.full((4,), 0.5))

    def forward(self, x):
        y = torch.sigmoid(self.lin(x)).neg() + torch.relu(x) * self.w
        return y.sum(dim=1), y

torch.manual_seed(0)
m = M()
gm = symbolic_trace(m)
x = torch.linspace(-2, 2, 12).reshape(3, 4)
'''

INTERP = MODEL + '''
plain = Interpreter(gm).run(x)

class NegSigmSwap(Interpreter):
    def call_function(self, target, args, kwargs):
        if target == torch.sigmoid:
            return torch.neg(*args, **kwargs)
        return super().call_function(target, args, kwargs)

    def call_method(self, target, args, kwargs):
        if target == "neg":
            call_self, *args_tail = args
            return call_self.sigmoid(*args_tail, **kwargs)
        return super().call_method(target, args, kwargs)

swapped = NegSigmSwap(gm).run(x)
seen = []

class Record(Interpreter):
    def run_node(self, n):
        r = super().run_node(n)
        seen.append((n.op, n.name, tuple(r.shape) if hasattr(r, "shape") else type(r).__name__))
        return r

Record(gm).run(x)
try:
    Interpreter(gm).run()
except RuntimeError as e:
    missing = str(e)
'''


def test_interpreter():
    (_, nst), (_, nsn) = _both(INTERP)
    for k in ("plain", "swapped"):
        assert_close(nsn[k][0], nst[k][0].detach(), rtol=1e-5, atol=1e-6)
        assert_close(nsn[k][1], nst[k][1].detach(), rtol=1e-5, atol=1e-6)
    assert nsn["seen"] == nst["seen"]
    # torch appends its compiler-log hints ("Original traceback: ... tlparse") after the same message
    assert nst["missing"].startswith(nsn["missing"] + "\n")


TRANSFORM = MODEL + '''
class AddToMul(Transformer):
    def call_function(self, target, args, kwargs):
        if target == operator.add:
            target = operator.mul
        return super().call_function(target, args, kwargs)

    def call_method(self, target, args, kwargs):
        if target == "neg":
            return torch.exp(args[0])
        return super().call_method(target, args, kwargs)

tgm = AddToMul(gm).transform()
print(tgm.code)
print(tgm.graph)
tout = tgm(x)
ident = Transformer(gm).transform()
print(ident.code == gm.code)
'''


def test_transformer():
    (pt, nst), (pn, nsn) = _both(TRANSFORM)
    assert pn == pt
    assert_close(nsn["tout"][0], nst["tout"][0].detach(), rtol=1e-5, atol=1e-6)


SHAPES = MODEL + '''
from torch.fx.passes.shape_prop import ShapeProp
res = ShapeProp(gm).propagate(x)
metas = []
for n in gm.graph.nodes:
    tm = n.meta.get("tensor_meta")
    if isinstance(tm, tuple) and not hasattr(tm, "shape"):
        metas.append((n.name, [tuple(t.shape) for t in tm]))
    elif tm is not None:
        metas.append((n.name, tuple(tm.shape), str(tm.dtype), tm.requires_grad, tuple(tm.stride),
                      str(tm.memory_format), tm.is_quantized))
    metas.append((n.name, n.meta.get("type").__name__ if n.meta.get("type") else None))
xi = torch.arange(6).reshape(2, 3)

class I(torch.nn.Module):
    def forward(self, a):
        return (a * 2).t(), a.float().mean()

gi = symbolic_trace(I())
ShapeProp(gi).propagate(xi)
imetas = [(n.name, tuple(n.meta["tensor_meta"].shape), str(n.meta["tensor_meta"].dtype),
           tuple(n.meta["tensor_meta"].stride)) for n in gi.graph.nodes if n.op != "output"]
'''


def test_shape_prop():
    (_, nst), (_, nsn) = _both(SHAPES)
    assert nsn["metas"] == nst["metas"]
    assert nsn["imetas"] == nst["imetas"]


def test_shape_prop_fake_mode_refused():
    gm = nt.fx.symbolic_trace(nt.nn.ReLU())
    with pytest.raises(NotImplementedError, match="fake"):
        nt.fx.passes.shape_prop.ShapeProp(gm, fake_mode=object())
