"""nn.Module, Parameter, Buffer and the containers, side by side with PyTorch's."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, assert_close


def build(lib):
    """The same model in numtorch (lib=nt) or torch (lib=torch): nested modules, a shared
    parameter, persistent and non-persistent buffers, a None parameter and a None child."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 3)
            self.scale = nn.Parameter(lib.ones(3))
            self.register_buffer("running", lib.zeros(3))
            self.register_buffer("scratch", lib.ones(1), persistent=False)
            self.register_parameter("unused", None)

        def forward(self, x):
            return self.fc(x) * self.scale + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.act = nn.Tanh()
            self.seq = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2))
            self.heads = nn.ModuleList([nn.Linear(2, 1), nn.Linear(2, 1)])
            self.extra = nn.ModuleDict({"b": nn.Sigmoid(), "a": nn.Linear(2, 2, bias=False)})
            self.tied = self.seq[0]  # the same module under two names
            self.nothing = None
            self.add_module("missing", None)

        def forward(self, x):
            h = self.seq(self.act(self.block(x)))
            return self.heads[0](h) + self.heads[1](h) + self.extra["a"](h).sum(1, keepdim=True)

    return Net()


def copy_weights(m, tm):
    for (n, p), (tn, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert n == tn
        with torch.no_grad():
            tp.copy_(torch.tensor(p._data))


@pytest.fixture
def pair():
    m, tm = build(nt), build(torch)
    copy_weights(m, tm)
    return m, tm


def test_names_and_order(pair):
    m, tm = pair
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in m.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in tm.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in m.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in m.named_modules(remove_duplicate=False)] == \
        [n for n, _ in tm.named_modules(remove_duplicate=False)]
    assert [n for n, _ in m.named_children()] == [n for n, _ in tm.named_children()]
    assert [n for n, _ in m.named_parameters(prefix="model")] == [n for n, _ in tm.named_parameters(prefix="model")]
    assert [n for n, _ in m.named_modules(prefix="root")] == [n for n, _ in tm.named_modules(prefix="root")]
    assert [n for n, _ in m.block.named_parameters(recurse=False)] == \
        [n for n, _ in tm.block.named_parameters(recurse=False)]
    assert len(list(m.parameters())) == len(list(tm.parameters()))
    assert len(list(m.children())) == len(list(tm.children()))
    assert len(list(m.modules())) == len(list(tm.modules()))
    assert len(list(m.buffers())) == len(list(tm.buffers()))


def test_state_dict_keys_values(pair):
    m, tm = pair
    sd, tsd = m.state_dict(), tm.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(tsd)
    assert dict(sd._metadata) == dict(tsd._metadata)
    for k in sd:
        assert_close(sd[k], tsd[k])
        assert not sd[k].requires_grad
    # state_dict tensors share memory with the parameters (detached, not copied)
    sd["block.fc.weight"][0, 0] = 42.0
    assert m.block.fc.weight[0, 0].item() == 42.0
    kv = m.state_dict(keep_vars=True)
    assert kv["block.scale"] is m.block.scale
    assert list(m.state_dict(prefix="p.")) == list(tm.state_dict(prefix="p."))


def test_forward_matches(pair, rng):
    m, tm = pair
    x = rng.standard_normal((4, 2)).astype(np.float32)
    y, ty = m(nt.tensor(x)), tm(torch.tensor(x))
    assert_close(y, ty, rtol=1e-5, atol=1e-6)
    y.sum().backward()
    ty.sum().backward()
    for (n, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-6)


def test_load_state_dict_roundtrip_and_errors(pair):
    m, tm = pair
    tsd = {k: nt.tensor(v.numpy()) for k, v in tm.state_dict().items()}
    fresh = build(nt)
    r = fresh.load_state_dict(tsd)
    assert r.missing_keys == [] and r.unexpected_keys == []
    assert repr(r) == repr(tm.load_state_dict(tm.state_dict()))
    for (k, v), (_, tv) in zip(fresh.state_dict().items(), tm.state_dict().items()):
        assert_close(v, tv)

    def both(mutate, strict=True):
        sd = {k: nt.tensor(v.numpy()) for k, v in tm.state_dict().items()}
        tsd = {k: v.clone() for k, v in tm.state_dict().items()}
        mutate(sd, nt)
        mutate(tsd, torch)
        err = terr = None
        try:
            res = build(nt).load_state_dict(sd, strict=strict)
        except RuntimeError as e:
            err, res = str(e), None
        try:
            tres = build(torch).load_state_dict(tsd, strict=strict)
        except RuntimeError as e:
            terr, tres = str(e), None
        assert err == terr
        if tres is not None:
            assert res.missing_keys == tres.missing_keys and res.unexpected_keys == tres.unexpected_keys

    def drop(sd, lib):
        del sd["block.fc.bias"]
        del sd["heads.1.weight"]

    def add(sd, lib):
        sd["block.fc.extra"] = lib.zeros(1)
        sd["ghost.weight"] = lib.zeros(1)
        sd["stray"] = lib.zeros(1)

    def resize(sd, lib):
        sd["seq.2.weight"] = lib.zeros(4, 3)
        sd["block.running"] = lib.zeros(5)

    def all_three(sd, lib):
        drop(sd, lib)
        add(sd, lib)
        resize(sd, lib)

    def not_tensor(sd, lib):
        sd["block.scale"] = [1.0, 2.0, 3.0]

    for fn in (drop, add, resize, all_three, not_tensor):
        both(fn)
        both(fn, strict=False)


def test_size_mismatch_message_exact():
    m = nt.nn.Linear(2, 4)
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": nt.zeros(3, 2), "bias": nt.zeros(4)})
    assert str(e.value) == ("Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param "
                            "with shape torch.Size([3, 2]) from checkpoint, the shape in current model is "
                            "torch.Size([4, 2]).")
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.load_state_dict([1, 2])


def test_load_state_dict_keeps_parameter_identity_and_casts():
    m = nt.nn.Linear(2, 2)
    w = m.weight
    m.load_state_dict({"weight": nt.ones(2, 2, dtype=nt.float64), "bias": nt.zeros(2)})
    assert m.weight is w and m.weight.dtype == nt.float32 and m.weight.requires_grad
    assert (m.weight._data == 1).all()
    m2 = nt.nn.Linear(2, 2)
    new_w = nt.full((2, 2), 3.0)
    m2.load_state_dict({"weight": new_w, "bias": nt.zeros(2)}, assign=True)
    assert isinstance(m2.weight, nt.nn.Parameter) and m2.weight.requires_grad
    assert (m2.weight._data == 3).all()


def test_train_eval(pair):
    m, tm = pair
    assert m.training
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    assert m.block.train(False) is m.block and not m.block.fc.training and m.seq.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("no")


def test_zero_grad_and_requires_grad(pair):
    m, _ = pair
    m(nt.ones(1, 2)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and (p.grad._data == 0).all() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    assert m.requires_grad_(False) is m
    assert not any(p.requires_grad for p in m.parameters())
    m.requires_grad_()
    assert all(p.requires_grad for p in m.parameters())


def test_apply_and_dtype_conversion(pair):
    m, tm = pair
    seen, tseen = [], []
    m.apply(lambda x: seen.append(type(x).__name__))
    tm.apply(lambda x: tseen.append(type(x).__name__))
    assert seen == tseen
    w = m.block.fc.weight
    m(nt.ones(1, 2)).sum().backward()
    assert m.double() is m
    assert m.block.fc.weight is w and w.dtype == nt.float64 and w.grad.dtype == nt.float64
    assert m.block.running.dtype == nt.float64 and m.block.scratch.dtype == nt.float64
    assert m(nt.ones(1, 2, dtype=nt.float64)).dtype == nt.float64
    m.float()
    assert w.dtype == nt.float32
    m.half()
    assert w.dtype == nt.float16
    m.to(nt.float64)
    assert w.dtype == nt.float64
    m.to("cpu", dtype=nt.float32)
    assert w.dtype == nt.float32
    assert m.to("cpu") is m and m.cpu() is m
    with pytest.raises(TypeError, match="floating point"):
        m.to(nt.int64)
    m.register_buffer("count", nt.tensor(3))
    m.double()
    assert m.count.dtype == nt.int64  # only floating buffers change


def test_hooks_forward(rng):
    m, tm = nt.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    copy_weights(m, tm)
    calls = []

    def pre(mod, args):
        calls.append("pre")
        return (args[0] * 2,)

    def post(mod, args, out):
        calls.append("post")
        assert isinstance(args, tuple)
        return out + 1

    for mod in (m, tm):
        h1 = mod.register_forward_pre_hook(pre)
        h2 = mod.register_forward_hook(post)
    x = rng.standard_normal((3, 2)).astype(np.float32)
    assert_close(m(nt.tensor(x)), tm(torch.tensor(x)))
    assert calls == ["pre", "post"] * 2
    # removal restores the plain call
    for mod in (m, tm):
        for hooks in (mod._forward_hooks, mod._forward_pre_hooks):
            hooks.clear()
    assert_close(m(nt.tensor(x)), tm(torch.tensor(x)))
    # handles, prepend, with_kwargs, a bare (non-tuple) pre-hook result
    order = []
    h = m.register_forward_hook(lambda *a: order.append(1))
    m.register_forward_hook(lambda *a: order.append(0), prepend=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(("kw", kwargs)), with_kwargs=True)
    m.register_forward_pre_hook(lambda mod, args: args[0] * 0)
    out = m(nt.tensor(x))
    assert order == [0, 1, ("kw", {})]
    assert_close(out, tm(torch.zeros(3, 2)))
    h.remove()
    order.clear()
    m(nt.tensor(x))
    assert order == [0, ("kw", {})]
    with m.register_forward_hook(lambda *a: order.append("ctx")):
        m(nt.tensor(x))
    order.clear()
    m(nt.tensor(x))
    assert "ctx" not in order


def _backward_hook_record(lib, m, x_np, modify=False, x_requires_grad=True):
    rec = []

    def hook(mod, gin, gout):
        rec.append(([None if g is None else np.array(g.detach().numpy() if lib is torch else g._data)
                     for g in gin],
                    [None if g is None else np.array(g.detach().numpy() if lib is torch else g._data)
                     for g in gout]))
        if modify:
            return tuple(None if g is None else g * 3 for g in gin)

    m.register_full_backward_hook(hook)
    x = lib.tensor(x_np, requires_grad=x_requires_grad)
    y = m(x)
    (y * y).sum().backward()
    return rec, (x.grad if x_requires_grad else None)


@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
@pytest.mark.parametrize("modify", [False, True])
@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_full_backward_hook(modify, x_requires_grad, rng):
    m = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.Tanh())
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh())
    copy_weights(m, tm)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    rec, g = _backward_hook_record(nt, m, x, modify, x_requires_grad)
    trec, tg = _backward_hook_record(torch, tm, x, modify, x_requires_grad)
    assert len(rec) == len(trec) == 1
    for mine, theirs in zip(rec[0], trec[0]):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    if x_requires_grad:
        assert_close(g, tg, rtol=1e-5, atol=1e-6)
    for p, tp in zip(m.parameters(), tm.parameters()):
        assert_close(p.grad, tp.grad, rtol=1e-5, atol=1e-6)


def test_full_backward_pre_hook(rng):
    outs = []
    for lib in (nt, torch):
        lin = lib.nn.Linear(2, 2)
        with (torch.no_grad() if lib is torch else nt.no_grad()):
            lin.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
        lin.register_full_backward_pre_hook(lambda mod, gout: (gout[0] * 10,))
        x = lib.ones(1, 2, requires_grad=True)
        lin(x).sum().backward()
        outs.append(x.grad)
    assert_close(outs[0], outs[1])


def test_module_on_two_inputs_backward_hook():
    class Two(nt.nn.Module):
        def forward(self, a, k, b):
            return a * b * k

    class TTwo(torch.nn.Module):
        def forward(self, a, k, b):
            return a * b * k

    res = []
    for lib, cls in ((nt, Two), (torch, TTwo)):
        got = []
        mod = cls()
        mod.register_full_backward_hook(lambda m, gi, go: got.append((len(gi), [g is None for g in gi])))
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        mod(a, 2.0, b).sum().backward()
        res.append((got, a.grad.tolist()))
    assert res[0] == res[1]


def test_get_submodule_parameter_buffer(pair):
    m, tm = pair
    assert m.get_submodule("block.fc") is m.block.fc
    assert m.get_submodule("") is m
    assert m.get_parameter("block.fc.weight") is m.block.fc.weight
    assert m.get_parameter("block.scale") is m.block.scale
    assert m.get_buffer("block.running") is m.block.running
    for fn, arg in [("get_submodule", "block.nope"), ("get_submodule", "block.scale"),
                    ("get_parameter", "block.nope"), ("get_parameter", "block.running"),
                    ("get_buffer", "block.scale")]:
        with pytest.raises(AttributeError) as e:
            getattr(m, fn)(arg)
        with pytest.raises(AttributeError) as te:
            getattr(tm, fn)(arg)
        assert str(e.value) == str(te.value)


def test_repr_nested(pair):
    m, tm = pair
    assert repr(m) == repr(tm)
    assert repr(nt.nn.Sequential()) == repr(torch.nn.Sequential())
    assert repr(nt.nn.ModuleList()) == repr(torch.nn.ModuleList())
    ml = [lib.nn.ModuleList([lib.nn.Linear(2, 2), lib.nn.Linear(2, 2), lib.nn.ReLU(), lib.nn.Linear(2, 2)])
          for lib in (nt, torch)]
    assert repr(ml[0]) == repr(ml[1])

    class WithExtra(nt.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nt.nn.Linear(1, 1)

        def extra_repr(self):
            return "k=1\nj=2"

    class TWithExtra(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = torch.nn.Linear(1, 1)

        def extra_repr(self):
            return "k=1\nj=2"

    assert repr(WithExtra()).replace("WithExtra", "X") == repr(TWithExtra()).replace("TWithExtra", "X")


def test_parameter_and_buffer():
    p = nt.nn.Parameter(nt.tensor([1.0, 2.0]))
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp)
    assert p.requires_grad and p.is_leaf and isinstance(p, nt.Tensor)
    assert repr(nt.nn.Parameter(nt.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    base = nt.zeros(3)
    q = nt.nn.Parameter(base)
    base[0] = 5.0
    assert q[0].item() == 5.0  # shares memory, as in PyTorch
    assert nt.nn.Parameter().shape == torch.nn.Parameter().shape
    with pytest.raises(RuntimeError, match="floating point"):
        nt.nn.Parameter(nt.tensor([1, 2]))
    d = copy.deepcopy(p)
    assert isinstance(d, nt.nn.Parameter) and d is not p and d.tolist() == p.tolist()

    class M(nt.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nt.nn.Buffer(nt.ones(2))
            self.b = nt.nn.Buffer(nt.zeros(2), persistent=False)

    class TM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Buffer(torch.ones(2))
            self.b = torch.nn.Buffer(torch.zeros(2), persistent=False)

    m, tm = M(), TM()
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert list(m.state_dict()) == list(tm.state_dict())
    m.a = nt.full((2,), 7.0)  # plain tensor assigned to an existing buffer name stays a buffer
    assert m._buffers["a"][0].item() == 7.0


def test_assignment_errors():
    def pairwise(action):
        m, tm = nt.nn.Linear(2, 2), torch.nn.Linear(2, 2)
        errs = []
        for mod, lib in ((m, nt), (tm, torch)):
            try:
                action(mod, lib)
                errs.append(None)
            except Exception as e:  # noqa: BLE001
                errs.append((type(e), str(e)))
        assert errs[0] == errs[1], errs

    pairwise(lambda m, lib: setattr(m, "weight", lib.ones(2, 2)))
    pairwise(lambda m, lib: m.register_buffer("weight", lib.ones(1)))
    pairwise(lambda m, lib: m.register_buffer("a.b", lib.ones(1)))
    pairwise(lambda m, lib: m.register_buffer("", lib.ones(1)))
    pairwise(lambda m, lib: m.register_buffer("buf", 3))
    pairwise(lambda m, lib: m.register_parameter("a.b", None))
    pairwise(lambda m, lib: m.register_parameter("bias", lib.ones(2)))
    pairwise(lambda m, lib: m.register_parameter("extra", lib.nn.Parameter(lib.ones(2) * 2)))
    pairwise(lambda m, lib: m.add_module("x", 3))
    pairwise(lambda m, lib: m.add_module("a.b", lib.nn.ReLU()))
    pairwise(lambda m, lib: m.add_module("weight", lib.nn.ReLU()))

    def nonleaf(m, lib):
        p = lib.nn.Parameter(lib.ones(2))
        m.register_parameter("bad", (p * 2).requires_grad_() if False else None)
        m.register_parameter("bad2", lib.nn.Parameter(lib.ones(2)))
    pairwise(nonleaf)

    def child_none_then_tensor(m, lib):
        m.child = lib.nn.ReLU()
        m.child = None
        m.child = lib.ones(1)
    pairwise(child_none_then_tensor)

    def missing_attr(m, lib):
        return m.not_there
    pairwise(missing_attr)

    class Early(nt.nn.Module):
        def __init__(self):
            self.w = nt.nn.Parameter(nt.ones(1))

    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        Early()


def test_attribute_replacement_and_delattr():
    m = nt.nn.Linear(2, 2)
    m.weight = None
    assert m.weight is None and "weight" in m._parameters
    m.sub = nt.nn.ReLU()
    m.sub = nt.nn.Parameter(nt.ones(1))  # a Parameter replaces the module under the same name
    assert "sub" in m._parameters and "sub" not in m._modules
    del m.sub
    assert "sub" not in m._parameters
    m.register_buffer("b", nt.ones(1))
    del m.b
    assert not hasattr(m, "b")
    assert "bias" in dir(m)


def test_sequential_behaviour():
    layers = [nt.nn.Linear(2, 2), nt.nn.ReLU(), nt.nn.Linear(2, 3), nt.nn.Sigmoid()]
    s = nt.nn.Sequential(*layers)
    assert len(s) == 4 and s[0] is layers[0] and s[-1] is layers[3] and s[-4] is layers[0]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        s[4]
    with pytest.raises(IndexError):
        s[-5]
    sl = s[1:3]
    assert isinstance(sl, nt.nn.Sequential) and list(sl._modules) == ["1", "2"] and sl[0] is layers[1]
    assert list(s) == layers
    s.append(nt.nn.Tanh())
    assert list(s._modules) == ["0", "1", "2", "3", "4"]
    s.insert(1, nt.nn.Identity())
    assert isinstance(s[1], nt.nn.Identity) and s[2] is layers[1] and len(s) == 6
    del s[1]
    assert s[1] is layers[1] and list(s._modules) == ["0", "1", "2", "3", "4"]
    del s[-2:]
    assert len(s) == 3
    s.extend([nt.nn.ReLU()])
    assert len(s) == 4
    s[0] = nt.nn.Linear(2, 2, bias=False)
    assert s[0].bias is None
    t = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    od = nt.nn.Sequential(OrderedDict([("fc", nt.nn.Linear(2, 2)), ("act", nt.nn.ReLU())]))
    tod = torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(2, 2)), ("act", torch.nn.ReLU())]))
    assert repr(od) == repr(tod) and list(od.state_dict()) == list(tod.state_dict())
    assert od.fc is od[0]
    assert len(od + od) == 4 and len(od * 3) == 6
    assert repr(t.pop(1)) == repr(od.pop(1)) == "ReLU()"


def test_module_list_dict():
    ml = nt.nn.ModuleList([nt.nn.Linear(1, 1) for _ in range(3)])
    tml = torch.nn.ModuleList([torch.nn.Linear(1, 1) for _ in range(3)])
    assert len(ml) == 3 and ml[-1] is list(ml)[2]
    ml.append(nt.nn.ReLU())
    ml.extend([nt.nn.Tanh()])
    ml.insert(0, nt.nn.Sigmoid())
    tml.append(torch.nn.ReLU())
    tml.extend([torch.nn.Tanh()])
    tml.insert(0, torch.nn.Sigmoid())
    assert repr(ml) == repr(tml)
    del ml[1]
    del tml[1]
    assert repr(ml) == repr(tml)
    assert list(dict(ml.named_parameters())) == list(dict(tml.named_parameters()))
    assert isinstance(ml[1:3], nt.nn.ModuleList) and len(ml[1:3]) == 2
    with pytest.raises(IndexError):
        ml[10]
    with pytest.raises(NotImplementedError):
        ml(1)
    md = nt.nn.ModuleDict({"z": nt.nn.ReLU(), "a": nt.nn.Linear(1, 2)})
    tmd = torch.nn.ModuleDict({"z": torch.nn.ReLU(), "a": torch.nn.Linear(1, 2)})
    md["m"] = nt.nn.Tanh()
    tmd["m"] = torch.nn.Tanh()
    md.update([("q", nt.nn.Sigmoid())])
    tmd.update([("q", torch.nn.Sigmoid())])
    assert repr(md) == repr(tmd) and list(md) == list(tmd) and list(md.keys()) == list(tmd.keys())
    assert "a" in md and md.pop("z") is not None and "z" not in md
    assert len(md) == 3
    with pytest.raises(ValueError, match="has length 3; 2 is required"):
        md.update([("a", nt.nn.ReLU(), 1)])


def test_parameter_list_dict():
    pl = nt.nn.ParameterList([nt.nn.Parameter(nt.ones(2, 3)), nt.zeros(3)])
    tpl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.zeros(3)])
    assert repr(pl) == repr(tpl)
    assert isinstance(pl[1], nt.nn.Parameter) and len(pl) == 2
    pl.append(nt.ones(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert len(pl[0:2]) == 2
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl(1)
    pd = nt.nn.ParameterDict({"b": nt.ones(2), "a": nt.zeros(1)})
    tpd = torch.nn.ParameterDict({"b": torch.ones(2), "a": torch.zeros(1)})
    assert repr(pd) == repr(tpd)
    assert list(pd.keys()) == list(tpd.keys())
    assert [n for n, _ in pd.named_parameters()] == [n for n, _ in tpd.named_parameters()]
    pd["c"] = nt.ones(3)
    assert isinstance(pd["c"], nt.nn.Parameter) and "c" in pd
    assert pd.pop("c").shape == (3,) and "c" not in pd
    with pytest.raises(TypeError, match="not a string"):
        pd[1] = nt.ones(1)

    class Holder(nt.nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = nt.nn.ParameterList([nt.nn.Parameter(nt.ones(1)) for _ in range(2)])

    assert list(Holder().state_dict()) == ["ps.0", "ps.1"]


def test_deepcopy_module(pair):
    m, _ = pair
    c = copy.deepcopy(m)
    assert c.block.fc.weight is not m.block.fc.weight
    assert (c.block.fc.weight._data == m.block.fc.weight._data).all()
    assert c.tied is c.seq[0]  # sharing survives the copy
    c.block.fc.weight.data.fill_(0)
    assert not (m.block.fc.weight._data == 0).all()
    assert list(c.state_dict()) == list(m.state_dict())


def test_forward_missing():
    class NoForward(nt.nn.Module):
        pass

    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        NoForward()(1)


def test_backward_hook_warns_when_no_input_needs_grad():
    m = nt.nn.Linear(2, 1)
    m.register_full_backward_hook(lambda *a: None)
    with pytest.warns(UserWarning, match="Full backward hook is firing"):
        m(nt.ones(1, 2)).sum().backward()


def test_call_passes_kwargs():
    class K(nt.nn.Module):
        def forward(self, x, *, scale=1.0):
            return x * scale

    assert K()(nt.ones(1), scale=3.0).item() == 3.0
    assert nt.nn.modules.module.Module.__call__ is nt.nn.Module.__call__


def test_pre_hook_with_kwargs_and_global_hooks():
    res = []
    for lib in (nt, torch):
        class K(lib.nn.Module):
            def forward(self, x, scale=1.0):
                return x * scale

        k = K()
        k.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] + 1,), {"scale": kwargs["scale"] * 2}),
                                    with_kwargs=True)
        seen = []
        k.register_forward_hook(lambda m, args, kwargs, out: seen.append((args[0].tolist(), kwargs)),
                                with_kwargs=True)
        out = k(lib.tensor([1.0, 2.0]), scale=3.0)
        res.append((out.tolist(), seen))
    assert res[0] == res[1]
    calls = []
    h = nt.nn.modules.module.register_module_forward_hook(lambda m, a, o: calls.append(type(m).__name__))
    try:
        nt.nn.Sequential(nt.nn.ReLU(), nt.nn.Tanh())(nt.ones(1))
    finally:
        h.remove()
    assert calls == ["ReLU", "Tanh", "Sequential"]
    nt.nn.ReLU()(nt.ones(1))
    assert len(calls) == 3
