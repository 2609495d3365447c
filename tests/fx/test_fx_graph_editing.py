"""Graph building and editing, run as the same source under torch and under numtorch (the snippets follow
pytorch/examples' fx scripts): what they print (generated code, graphs) and compute must agree."""
import numpy as np

import numtorch as nt
import numtorch.fx  # noqa: F401
from conftest import torch, assert_close
import torch.fx  # noqa: F401,E402
from _fx_snippet import _both, _no_wrappers_left  # noqa: F401  (autouse fixture)


def _vals(ns_t, ns_n, key):
    assert_close(ns_n[key], ns_t[key], rtol=1e-5, atol=1e-6)


PROXY_GRAPH = '''
from torch.fx import Proxy, Graph, GraphModule
graph = Graph()
tracer = torch.fx.proxy.GraphAppendingTracer(graph)
y = Proxy(graph.placeholder('x'), tracer)
z = Proxy(graph.placeholder('y'), tracer)
a = torch.cat([y, z])
b = torch.tanh(a)
c = torch.neg(b)
d = torch.add(b, c)
graph.output(c.node)
mod = GraphModule(torch.nn.Module(), graph)
print(mod.code)
print(graph)
graph.lint()
torch.manual_seed(0)
xs = torch.arange(6.0).reshape(2, 3) / 7
out = mod(xs, xs * 2)
'''


def test_proxy_based_graph_creation():
    (pt, nst), (pn, nsn) = _both(PROXY_GRAPH)
    assert pn == pt
    _vals(nst, nsn, "out")


INLINE = '''
from torch.fx import Proxy, symbolic_trace
from torch.fx.node import map_arg

class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.relu = torch.nn.ReLU()
    def forward(self, x):
        return self.relu(x) + 1.0

m = symbolic_trace(M())
print(m.code)
tracer = torch.fx.proxy.GraphAppendingTracer(m.graph)
for node in m.graph.nodes:
    if (node.op, node.target) == ("call_module", "relu"):
        with m.graph.inserting_before(node):
            proxy_args = map_arg(node.args, lambda n: Proxy(n, tracer))
            proxy_kwargs = map_arg(node.kwargs, lambda n: Proxy(n, tracer))
            proxy_output = m.relu(*proxy_args, **proxy_kwargs)
            print(len(node.replace_all_uses_with(proxy_output.node)))
            m.graph.erase_node(node)
m.recompile()
print(m.code)
out = m(torch.arange(-3.0, 3.0))
'''


def test_inline_module_call_with_proxies():
    (pt, nst), (pn, nsn) = _both(INLINE)
    assert pn == pt
    _vals(nst, nsn, "out")


REPLACE_OP = '''
import operator
from torch.fx import symbolic_trace

class M(torch.nn.Module):
    def forward(self, x, y):
        return x + y, torch.add(x, y), x.add(y)

traced = symbolic_trace(M())
patterns = set([operator.add, torch.add, "add"])
for n in traced.graph.nodes:
    if any(n.target == pattern for pattern in patterns):
        with traced.graph.inserting_after(n):
            new_node = traced.graph.call_function(torch.bitwise_and, n.args, n.kwargs)
            n.replace_all_uses_with(new_node)
        traced.graph.erase_node(n)
traced.recompile()
print(traced.code)
a, b = torch.tensor([1, 2, 3, 12]), torch.tensor([3, 6, 5, 4])
out = torch.stack(list(traced(a, b)))
'''


def test_replace_op():
    (pt, nst), (pn, nsn) = _both(REPLACE_OP)
    assert pn == pt
    _vals(nst, nsn, "out")


PRIMITIVES = '''
import torch.fx

def sigmoid_lowp(x):
    x = x.float()
    x = x.sigmoid()
    return x.half()
torch.fx.wrap(sigmoid_lowp)

def add_lowp(a, b):
    a, b = a.float(), b.float()
    c = a + b
    return c.half()
torch.fx.wrap(add_lowp)

class Foo(torch.nn.Module):
    def forward(self, x, y):
        x = sigmoid_lowp(x)
        y = sigmoid_lowp(y)
        return add_lowp(x, y)

traced = torch.fx.symbolic_trace(Foo())
print(traced.code)

def inline_lowp_func(n):
    if n.op == 'call_function' and n.target.__module__ == inline_lowp_func.__module__:
        tracer = torch.fx.proxy.GraphAppendingTracer(n.graph)
        with n.graph.inserting_before(n):
            proxy_args = torch.fx.node.map_arg(n.args, lambda x: torch.fx.Proxy(x, tracer))
            proxy_kwargs = torch.fx.node.map_arg(n.kwargs, lambda x: torch.fx.Proxy(x, tracer))
            output_proxy = n.target(*proxy_args, **proxy_kwargs)
            n.replace_all_uses_with(output_proxy.node)
            n.graph.erase_node(n)

for node in traced.graph.nodes:
    if node.op == 'call_function' and node.target is sigmoid_lowp:
        inline_lowp_func(node)
traced.recompile()
print(traced.code)

class InliningTracer(torch.fx.Tracer):
    FNS_TO_INLINE = [add_lowp]
    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        if kind == 'call_function' and target in self.FNS_TO_INLINE:
            tracer = torch.fx.proxy.GraphAppendingTracer(self.graph)
            proxy_args = torch.fx.node.map_arg(args, lambda x: torch.fx.Proxy(x, tracer))
            proxy_kwargs = torch.fx.node.map_arg(kwargs, lambda x: torch.fx.Proxy(x, tracer))
            return target(*proxy_args, **proxy_kwargs).node
        return super().create_node(kind, target, args, kwargs, name, type_expr)

f = Foo()
graph = InliningTracer().trace(f)
module = torch.fx.GraphModule(f, graph)
print(module.code)
x = torch.arange(-2.0, 2.0, 0.5)
out = module(x, x * 3).float()
out2 = traced(x, x * 3).float()
'''


def test_wrap_and_inlining_tracer():
    (pt, nst), (pn, nsn) = _both(PRIMITIVES)
    assert pn == pt
    _vals(nst, nsn, "out")
    _vals(nst, nsn, "out2")


WRAP_OUTPUT = '''
from torch.fx import symbolic_trace, Proxy

class M(torch.nn.Module):
    def forward(self, x, y):
        return torch.cat([x, y])

traced = symbolic_trace(M())
x = torch.arange(-3.0, 3.0).reshape(2, 3)
orig_output = traced(x, x * 2)
output_node = [n for n in traced.graph.nodes if n.op == "output"][0]
wrap_node = output_node.all_input_nodes[0]
wrap_proxy = Proxy(wrap_node)
fn_impl_traced = symbolic_trace(torch.nn.LeakyReLU())
with traced.graph.inserting_after(wrap_node):
    fn_impl_output_node = fn_impl_traced(wrap_proxy)
    output_node.args = (fn_impl_output_node.node,)
traced.recompile()
new_output = traced(x, x * 2)
ops = [(n.op, n.name) for n in traced.graph.nodes]
'''


def test_wrap_output_dynamically():
    (_, nst), (_, nsn) = _both(WRAP_OUTPUT)
    _vals(nst, nsn, "new_output")
    assert nsn["ops"] == nst["ops"]
    assert_close(nsn["new_output"], nt.nn.functional.leaky_relu(nsn["orig_output"])._data)


REWRITE = '''
from torch.fx import symbolic_trace, replace_pattern

class M(torch.nn.Module):
    def forward(self, x, w1, w2):
        val1 = torch.neg(w1)
        m1 = torch.cat([val1, w2]).sum()
        val2 = torch.neg(w1)
        m2 = torch.cat([val2, w2]).sum()
        return x + torch.max(m1) + torch.max(m2)

traced = symbolic_trace(M())
x, w1, w2 = torch.arange(3.0), torch.arange(4.0) - 1, torch.arange(4.0) * 2
before = traced(x, w1, w2)

def pattern(a1, a2):
    val1 = torch.neg(a1)
    return torch.cat([val1, a2]).sum()

def replacement(w1, w2):
    return torch.stack([w1, w2])

matches = replace_pattern(traced, pattern, replacement)
print(len(matches), [m.anchor.name for m in matches], sorted(k.name for k in matches[0].nodes_map))
print(traced.code)
after = traced(x, w1, w2)
'''


def test_subgraph_rewriter():
    (pt, nst), (pn, nsn) = _both(REWRITE)
    assert pn == pt
    _vals(nst, nsn, "before")
    _vals(nst, nsn, "after")


INVERT = '''
import torch.fx as fx
invert_mapping = {}
for a, b in [(torch.sin, torch.arcsin), (torch.cos, torch.arccos), (torch.tan, torch.arctan), (torch.exp, torch.log)]:
    invert_mapping[a] = b
    invert_mapping[b] = a

def f(x):
    return torch.exp(torch.tan(x))

fx_model = fx.symbolic_trace(f)
new_graph = fx.Graph()
env = {}
for node in reversed(fx_model.graph.nodes):
    if node.op == 'call_function':
        new_node = new_graph.call_function(invert_mapping[node.target], (env[node.name],))
        env[node.args[0].name] = new_node
    elif node.op == 'output':
        new_node = new_graph.placeholder(node.name)
        env[node.args[0].name] = new_node
    elif node.op == 'placeholder':
        new_graph.output(env[node.name])
new_graph.lint()
res = fx.GraphModule(fx_model, new_graph)
print(res.code)
out = f(res(torch.arange(5) + 1))
'''


def test_invert():
    (pt, nst), (pn, nsn) = _both(INVERT)
    assert pn == pt
    assert_close(nsn["out"], nst["out"], rtol=1e-6, atol=1e-6)


CUSTOM_TRACERS = '''
from torch.fx import symbolic_trace, Tracer

class M1(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.relu = torch.nn.ReLU()
        self.seq = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Tanh())
    def forward(self, x):
        return self.seq(self.relu(x))

class LowerReluTracer(Tracer):
    def is_leaf_module(self, m, qualname):
        if isinstance(m, torch.nn.ReLU):
            return False
        return super().is_leaf_module(m, qualname)

class TaggingTracer(Tracer):
    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        n = super().create_node(kind, target, args, kwargs, name)
        n.tag = "foo"
        return n

class PathTracer(Tracer):
    current = ''
    origin = {}
    def call_module(self, m, forward, args, kwargs):
        old = self.current
        try:
            self.current = self.path_of_module(m)
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.current = old
    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None):
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr)
        self.origin[proxy.node.name] = self.current
        return proxy

default = [(n.op, n.name, str(n.target)) for n in symbolic_trace(M1()).graph.nodes]
lowered = [(n.op, n.name, n.args, n.kwargs) for n in LowerReluTracer().trace(M1()).nodes
           if n.op != "call_function"]
lowered_fn = [n.target.__name__ for n in LowerReluTracer().trace(M1()).nodes if n.op == "call_function"]
tags = all(getattr(n, "tag", None) == "foo" for n in TaggingTracer().trace(M1()).nodes)
pt = PathTracer()
pt.trace(M1())
origin = pt.origin
'''


def test_custom_tracers():
    (_, nst), (_, nsn) = _both(CUSTOM_TRACERS)
    for k in ("default", "lowered_fn", "tags", "origin"):
        assert nsn[k] == nst[k], k
    assert str(nsn["lowered"]) == str(nst["lowered"])


EDITS = '''
import operator
from torch.fx import Graph, GraphModule
g = Graph()
x = g.placeholder("x")
y = g.placeholder("y", default_value=2.0)
a = g.call_function(operator.add, (x, y))
b = g.call_method("relu", (a,))
o = g.output(b)
with g.inserting_before(b):
    c = g.call_function(torch.mul, (a, 3))
with g.inserting_after(c):
    d1 = g.call_method("sin", (c,))
    d2 = g.call_method("cos", (c,))
print([n.name for n in g.nodes])
b.replace_input_with(a, d2)
print(b.args, [u.name for u in a.users], d2.all_input_nodes)
try:
    g.erase_node(c)
except RuntimeError as e:
    print("erase:", e)
b.prepend(d1)
print([n.name for n in g.nodes], [n.name for n in reversed(g.nodes)], len(g.nodes))
o.args = ((b, d1),)
print(g)
gm = GraphModule(torch.nn.Module(), g)
print(gm.code)
out = gm(torch.arange(4.0))
e = g.call_function(torch.exp, (x,))
g.erase_node(e)
print(torch.fx.Node.format_node(b), b.format_node(), str(b), repr(b), b.next.name, b.prev.name)
bad = Graph()
p = bad.placeholder("p")
q = bad.call_method("neg", (p,))
r = bad.call_method("abs", (q,))
bad.output(r)
r.prepend(p)
q.prepend(r)
try:
    bad.lint()
except RuntimeError as err:
    print("lint:", str(err).splitlines()[0])
'''


DCE_AND_WRAP = '''
import operator
import torch.fx
torch.fx.wrap("len")

def noisy(x):
    return x
torch.fx.has_side_effect(noisy)

class M(torch.nn.Module):
    def forward(self, x):
        unused = x.sin()
        kept = noisy(x)
        also_unused = torch.cos(x) + 1
        return x * len(x)

torch.fx.wrap("noisy")
gm = torch.fx.symbolic_trace(M())
print(gm.code)
print(gm.graph.eliminate_dead_code())
gm.recompile()
print(gm.code)
print([n.name for n in gm.graph.find_nodes(op="call_function", target=operator.mul)])
print("len" in globals())
out = gm(torch.arange(3.0))
'''


def test_dead_code_and_wrapped_builtin():
    (pt, nst), (pn, nsn) = _both(DCE_AND_WRAP)
    assert pn == pt
    _vals(nst, nsn, "out")


def test_graph_edits():
    (pt, nst), (pn, nsn) = _both(EDITS)
    assert pn == pt
    _vals(nst, nsn, "out")


def test_print_tabular_and_readable(capsys):
    class M(nt.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nt.nn.Linear(2, 2)

        def forward(self, x):
            return self.lin(x).relu()
    gm = nt.fx.symbolic_trace(M())
    gm.graph.print_tabular()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["opcode", "name", "target", "args", "kwargs"]
    assert set(lines[1]) == {"-", " "}
    assert [ln.split()[:3] for ln in lines[2:]] == [["placeholder", "x", "x"], ["call_module", "lin", "lin"],
                                                   ["call_method", "relu", "relu"], ["output", "output", "output"]]
    # tabulate's "simple" layout (torch's print_tabular needs the tabulate package; numtorch's does not):
    # columns two spaces apart, each as wide as its widest cell and at least its header plus two
    widths = [len(c) for c in lines[1].split("  ")]
    cells = [[n.op, n.name, str(n.target), str(n.args), str(n.kwargs)] for n in gm.graph.nodes]
    heads = ["opcode", "name", "target", "args", "kwargs"]
    assert widths == [max(len(h) + 2, *(len(r[i]) for r in cells)) for i, h in enumerate(heads)]
    assert lines[2:] == ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    r = gm.print_readable(print_output=False)
    assert r.startswith("class M(torch.nn.Module):\n    def forward(self, x):\n")
    assert "lin = self.lin(x);  x = None" in r
    assert "# To see more debug info" in str(gm)


def test_graph_module_copy_and_state():
    class M(nt.nn.Module):
        def __init__(self):
            super().__init__()
            self.seq = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU())
            self.register_buffer("b", nt.ones(4))

        def forward(self, x):
            return self.seq(x) + self.b
    m = M()
    gm = nt.fx.symbolic_trace(m)
    assert list(gm.state_dict()) == list(m.state_dict())
    import copy
    gm2 = copy.deepcopy(gm)
    x = nt.randn(2, 3)
    assert_close(gm2(x), gm(x).detach().numpy())
    assert gm2.code == gm.code and gm2.graph is not gm.graph
    getattr(gm2.seq, "0").weight.data.zero_()  # containers are plain Modules, as in torch
    assert not np.allclose(gm(x).detach().numpy(), gm2(x).detach().numpy())
    # a GraphModule traces again
    gm3 = nt.fx.symbolic_trace(gm)
    assert gm3.code == gm.code
    assert_close(gm3(x), gm(x).detach().numpy())
