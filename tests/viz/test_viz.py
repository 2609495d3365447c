"""numtorch.viz: plotted data vs torch, the autograd graph vs torch's, explain_backward vs the
seed notes' hand derivation and torch's .grad, and the CLI commands."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import numtorch as nt
import numtorch.viz as viz
from conftest import torch, to_torch, assert_close

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def mpl():
    """Plot tests need matplotlib (an optional extra); graph and explain tests do not."""
    return pytest.importorskip("matplotlib")


def _line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, f"no single line labelled {label!r}: {[l.get_label() for l in ax.get_lines()]}"
    return np.asarray(found[0].get_xdata()), np.asarray(found[0].get_ydata())


def _torch_fn_and_grad(f, x):
    """torch's values and autograd gradient at the same x values numtorch plotted."""
    x = torch.from_numpy(np.array(x, copy=True)).requires_grad_(True)
    y = f(x)
    y.sum().backward()
    return x.detach().numpy(), y.detach().numpy(), x.grad.numpy()


# ---------------------------------------------------------------- plot_function
ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "elu", "selu", "silu", "softplus", "mish"]


@pytest.mark.parametrize("name", ACTS)
def test_plot_function_data_equal_values_and_autograd_grads(name, mpl):
    fig = viz.plot_function(name, x_range=(-6, 6), steps=121)
    a_f, a_g = fig.axes[:2]
    x, y = _line(a_f, name)
    x2, dy = _line(a_g, name + "'")
    # x is torch.linspace up to rounding (torch builds it from both ends, so its midpoint is -9e-8, not 0)
    np.testing.assert_allclose(x, torch.linspace(-6, 6, 121).numpy(), rtol=1e-6, atol=1e-6)
    _, ty, tdy = _torch_fn_and_grad(getattr(torch.nn.functional, name), x)
    np.testing.assert_array_equal(x, x2)
    assert y.dtype == np.float32 and dy.dtype == np.float32
    np.testing.assert_allclose(y, ty, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dy, tdy, rtol=1e-5, atol=1e-6)


def test_plot_function_callable_options_and_single_axes(mpl):
    fig = viz.plot_function(lambda x: x ** 3 - 2 * x, x_range=(-2, 2), steps=41, label="cubic")
    x, dy = _line(fig.axes[1], "cubic'")
    _, _, tdy = _torch_fn_and_grad(lambda x: x ** 3 - 2 * x, x)
    np.testing.assert_allclose(dy, tdy, rtol=1e-5, atol=1e-5)
    # options after a colon, both curves on one Axes (the gallery form), float64
    fig = viz.plot_functions(["leaky_relu:negative_slope=0.1", "tanh"], x_range=(-3, 3), steps=31,
                             dtype=nt.float64)
    ax = fig.axes[0]
    x, y = _line(ax, "leaky_relu:negative_slope=0.1")
    _, dy = _line(ax, "leaky_relu:negative_slope=0.1'")
    _, ty, tdy = _torch_fn_and_grad(lambda t: torch.nn.functional.leaky_relu(t, 0.1), x)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, ty, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dy, tdy, rtol=1e-12, atol=1e-12)
    x, th = _line(fig.axes[1], "tanh'")
    np.testing.assert_allclose(th, _torch_fn_and_grad(torch.tanh, x)[2], rtol=1e-10)


def test_plot_function_errors(mpl):
    with pytest.raises(ValueError, match="unknown function"):
        viz.plot_function("no_such_activation")
    with pytest.raises(ValueError, match="elementwise"):
        viz.plot_function(lambda x: x.sum())


# ---------------------------------------------------------------- plot_losses
LOSS_FNS = {"l1": "l1_loss", "smooth_l1": "smooth_l1_loss", "mse": "mse_loss", "huber": "huber_loss"}


@pytest.mark.parametrize("name", list(LOSS_FNS))
def test_plot_losses_data_equal_torch_losses_and_grads(name, mpl):
    fig = viz.plot_losses([name], error_range=(-3, 3), steps=61)
    e, l = _line(fig.axes[0], name)
    e2, g = _line(fig.axes[1], name)
    np.testing.assert_allclose(e, torch.linspace(-3, 3, 61).numpy(), rtol=1e-6, atol=1e-6)
    te = torch.from_numpy(e.copy()).requires_grad_(True)      # torch at the very points plotted
    tl = getattr(torch.nn.functional, LOSS_FNS[name])(te, torch.zeros(61), reduction="none")
    tl.sum().backward()
    np.testing.assert_array_equal(e, e2)
    np.testing.assert_allclose(l, tl.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g, te.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_plot_losses_several_and_options(mpl):
    fig = viz.plot_losses(["mse", lambda i, t, reduction="none": (i - t).abs() ** 3], error_range=(-2, 2), steps=21)
    assert [ln.get_label() for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")] == \
        ["mse", "<lambda>"]
    e, g = _line(fig.axes[1], "<lambda>")
    np.testing.assert_allclose(g, 3 * e * np.abs(e), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="unknown loss"):
        viz.plot_losses(["no_such"])


# ---------------------------------------------------------------- training curves
def test_plot_history_and_training_plot(tmp_path, mpl):
    hist = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.9], "test_accuracy": [0.4, 0.6, 0.8]}
    path = tmp_path / "h.png"
    fig = viz.plot_history(hist, str(path))
    assert path.read_bytes()[:8] == PNG_MAGIC
    a_loss, a_acc = fig.axes
    x, y = _line(a_loss, "loss")
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, hist["loss"])
    np.testing.assert_array_equal(_line(a_acc, "test_accuracy")[1], hist["test_accuracy"])

    tp = viz.TrainingPlot(title="run")
    for ep, (l, acc) in enumerate([(0.9, 0.1), (0.4, 0.6)], start=1):
        tp.update(ep, loss=nt.tensor(l), acc=acc)
    tp.update(3, loss=0.2)                    # accuracy missing this epoch: a gap, not a shift
    p2 = tp.savefig(str(tmp_path / "t.png"))
    assert open(p2, "rb").read(8) == PNG_MAGIC
    x, y = _line(tp.figure.axes[0], "loss")
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(y, [0.9, 0.4, 0.2], rtol=1e-6)
    _, acc = _line(tp.figure.axes[1], "acc")
    assert acc[:2].tolist() == [0.1, 0.6] and np.isnan(acc[2])
    # a list of per-epoch dicts works too
    fig = viz.plot_history([{"epoch": 5, "loss": 2.0}, {"epoch": 6, "loss": 1.0}])
    np.testing.assert_array_equal(_line(fig.axes[0], "loss")[0], [5, 6])


# ---------------------------------------------------------------- draw_graph
def _torch_walk(t):
    """The same breadth-first walk draw_graph does, over torch's own graph."""
    root = t.grad_fn
    order, seen, queue = [], {root}, [root]
    while queue:
        nxt = []
        for n in queue:
            order.append(n)
            for m, _ in n.next_functions:
                if m is not None and m not in seen:
                    seen.add(m)
                    nxt.append(m)
        queue = nxt
    ids = {n: i for i, n in enumerate(order)}
    edges = [(ids[m], ids[n]) for n in order for m, _ in n.next_functions if m is not None]
    return order, edges


def _models(seed=0):
    nt.manual_seed(seed)
    m = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.Sigmoid(), nt.nn.Linear(4, 2), nt.nn.ReLU())
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 2), torch.nn.ReLU())
    with torch.no_grad():
        for (n, p), (tn, tp) in zip(m.named_parameters(), tm.named_parameters()):
            assert n == tn
            tp.copy_(to_torch(p.detach()))
    return m, tm


@pytest.mark.parametrize("reduce", ["sum", "mean_tanh"])
def test_draw_graph_matches_torch_graph(reduce):
    m, tm = _models()
    x = nt.randn(5, 3)
    tx = to_torch(x)
    if reduce == "sum":
        y, ty = m(x).sum(), tm(tx).sum()
    else:
        y, ty = nt.tanh(m(x)).mean(), torch.tanh(tm(tx)).mean()
    params = dict(m.named_parameters())
    g = viz.draw_graph(y, params=params)
    order, tedges = _torch_walk(ty)
    ops = [n for n in g.nodes if n["kind"] in ("op", "leaf")]
    assert [n["name"] for n in ops] == [type(n).__name__ for n in order]
    nid = {n["id"]: i for i, n in enumerate(ops)}
    edges = [(nid[s], nid[d]) for s, d in g.edges if d != "out"]
    assert sorted(edges) == sorted(tedges)
    # leaves: the parameter each AccumulateGrad feeds, with its shape, as torch's graph has it
    tnames = {id(p): n for n, p in tm.named_parameters()}
    for n, tn in zip(ops, order):
        if n["kind"] == "leaf":
            assert n["param"] == tnames[id(tn.variable)]
            assert n["shape"] == tuple(tn.variable.shape)
            assert n["param"] in n["label"] and str(n["shape"][0]) in n["label"]
    # the output node, fed by the root
    assert g.nodes[0]["kind"] == "output" and ("n0", "out") in g.edges
    src = g.source
    assert src.startswith("digraph") and "AddmmBackward0" in src and "model" not in src
    assert str(g) == src and src.count("->") == len(g.edges)


def test_draw_graph_saved_tensors_and_render(tmp_path, monkeypatch):
    m, _ = _models()
    y = m(nt.randn(2, 3)).sum()
    g = viz.draw_graph(y, dict(m.named_parameters()), show_saved=True)
    saved = [n for n in g.nodes if n["kind"] == "saved"]
    addmm_ids = [n["id"] for n in g.nodes if n["name"] == "AddmmBackward0"]
    # each Addmm saved its two matrix operands; sigmoid saved its result
    for aid in addmm_ids:
        shapes = sorted(n["shape"] for n in saved if (n["id"], aid) in g.edges)
        assert len(shapes) == 2
    assert any(n["label"].startswith("result") for n in saved)
    assert g.render(str(tmp_path / "g.dot")) and (tmp_path / "g.dot").read_text() == g.source
    import shutil
    if shutil.which("dot"):  # optional: with Graphviz installed the picture is real SVG with our nodes
        svg = (tmp_path / "g.svg")
        g.render(str(svg))
        assert "<svg" in svg.read_text() and "AddmmBackward0" in svg.read_text()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="dot"):
        g.render(str(tmp_path / "g.svg"))
    with pytest.raises(TypeError):
        viz.draw_graph([1, 2])


# ---------------------------------------------------------------- explain_backward
SEED_NET = """
i = torch.tensor([[0.05, 0.1]])
model1 = torch.nn.Linear(2, 2)
model1.weight.data = torch.tensor([[0.15, 0.20], [0.25, 0.30]])
model1.bias.data = torch.tensor([0.35, 0.35])
l1_l2 = model1(i)
h1_h2 = torch.sigmoid(l1_l2)
model2 = torch.nn.Linear(2, 2)
model2.weight.data = torch.tensor([[0.40, 0.45], [0.50, 0.55]])
model2.bias.data = torch.tensor([0.60, 0.60])
l3_l4 = model2(h1_h2)
o1_o2 = torch.sigmoid(l3_l4)
o1_o2_true = torch.tensor([[0.01, 0.99]])
loss = torch.nn.MSELoss()(o1_o2, o1_o2_true)
"""


def _seed_net(mod):
    env = {"torch": mod}
    exec(SEED_NET, env)
    return env


def _hand_derivation():
    """The seed notes' chain rule for the 2-2-2 network, in float64 from the raw numbers."""
    sig = lambda z: 1 / (1 + np.exp(-z))
    i1, i2, b1, b2 = 0.05, 0.10, 0.35, 0.60
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    h1, h2 = sig(i1 * w1 + i2 * w2 + b1), sig(i1 * w3 + i2 * w4 + b1)
    o1, o2 = sig(h1 * w5 + h2 * w6 + b2), sig(h1 * w7 + h2 * w8 + b2)
    d1 = (o1 - 0.01) * o1 * (1 - o1)     # MSELoss (mean of 2) -> dL/do1 = o1 - t1, times sigmoid'(l3)
    d2 = (o2 - 0.99) * o2 * (1 - o2)
    return {"w5": d1 * h1, "w6": d1 * h2, "w7": d2 * h1, "w8": d2 * h2,
            # sigmoid'(l1) = h1 * (1 - h1): the seed writes sigmoid(h1)*(1 - sigmoid(h1)), a slip
            "w1": (d1 * w5 + d2 * w7) * h1 * (1 - h1) * i1, "w2": (d1 * w5 + d2 * w7) * h1 * (1 - h1) * i2,
            "w3": (d1 * w6 + d2 * w8) * h2 * (1 - h2) * i1, "w4": (d1 * w6 + d2 * w8) * h2 * (1 - h2) * i2,
            "o": np.array([o1, o2]), "d": np.array([d1, d2]), "h": np.array([h1, h2])}


def test_explain_backward_seed_network_reproduces_hand_derivation():
    env = _seed_net(nt)
    params = {**{f"model1.{k}": v for k, v in env["model1"].named_parameters()},
              **{f"model2.{k}": v for k, v in env["model2"].named_parameters()}}
    ex = viz.explain_backward(env["loss"], params)
    hand = _hand_derivation()
    W1, W2 = ex.grads["model1.weight"], ex.grads["model2.weight"]
    assert abs(W2[0, 0] - hand["w5"]) < 1e-6 and abs(W1[0, 0] - hand["w1"]) < 1e-6
    np.testing.assert_allclose(W2, [[hand["w5"], hand["w6"]], [hand["w7"], hand["w8"]]], atol=1e-6, rtol=0)
    np.testing.assert_allclose(W1, [[hand["w1"], hand["w2"]], [hand["w3"], hand["w4"]]], atol=1e-6, rtol=0)
    # the chain-rule pieces at the output sigmoid: upstream (o - t), local o(1 - o), product delta
    s = ex.step("SigmoidBackward0", 0)
    np.testing.assert_allclose(s.upstream.ravel(), hand["o"] - [0.01, 0.99], atol=1e-6)
    assert s.inputs[0]["local_kind"] == "elementwise"
    np.testing.assert_allclose(s.inputs[0]["local"].ravel(), hand["o"] * (1 - hand["o"]), atol=1e-6)
    np.testing.assert_allclose(s.inputs[0]["grad"].ravel(), hand["d"], atol=1e-6)
    # the Linear's local derivative for its weight holds h1, h2 (the seed's "* h1")
    mm = ex.step("AddmmBackward0", 0)
    mat2 = [i for i in mm.inputs if i["slot"] == "mat2"][0]
    assert mat2["local_kind"] == "jacobian"
    np.testing.assert_allclose(mat2["local"][0, [0, 2]], hand["h"], atol=1e-6)
    # the graph was only read: no .grad written, and backward still works afterwards
    assert all(p.grad is None for p in params.values())
    text = str(ex)
    assert text == ex.text and "model2.weight.grad" in text and "SigmoidBackward0" in text
    assert "upstream" in text and "local" in text and "product" in text

    # equal to torch's .grad, and the intermediate upstream gradients equal torch's retained grads
    tenv = _seed_net(torch)
    tenv["o1_o2"].retain_grad()
    tenv["l3_l4"].retain_grad()
    tenv["h1_h2"].retain_grad()
    tenv["loss"].backward()
    for name, mod in (("model1", "model1"), ("model2", "model2")):
        for k, p in tenv[mod].named_parameters():
            np.testing.assert_allclose(ex.grads[f"{name}.{k}"], p.grad.numpy(), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(s.upstream, tenv["o1_o2"].grad.numpy(), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(s.inputs[0]["grad"], tenv["l3_l4"].grad.numpy(), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(ex.step("SigmoidBackward0", 1).upstream, tenv["h1_h2"].grad.numpy(),
                               rtol=1e-5, atol=1e-8)
    env["loss"].backward()
    for n, p in params.items():
        np.testing.assert_allclose(p.grad._data, ex.grads[n], rtol=1e-6, atol=1e-9)


def test_explain_backward_shared_inputs_and_leaf_sums():
    x = nt.tensor([1.5, -2.0, 0.5], requires_grad=True)
    w = nt.tensor(0.7, requires_grad=True)
    y = (x * x * w + nt.exp(x) * w).sum()
    ex = viz.explain_backward(y, {"x": x, "w": w})
    tx, tw = to_torch(x), to_torch(w)
    (tx * tx * tw + torch.exp(tx) * tw).sum().backward()
    assert_close(nt.from_numpy(ex.grads["x"]), tx.grad)
    assert_close(nt.from_numpy(ex.grads["w"]), tw.grad)
    assert ex.leaf("x").n_upstream == 3 and ex.leaf("w").n_upstream == 2
    # every op step's products are what its inputs' steps receive, summed
    recv = {}
    for s in ex.steps:
        if s.kind == "op":
            for inp in s.inputs:
                if inp["to"] is not None:
                    recv[inp["to"]] = recv.get(inp["to"], 0) + inp["grad"]
    for s in ex.steps[1:]:
        got = s.grad if s.kind == "leaf" else s.upstream
        np.testing.assert_allclose(got, recv[s.index], rtol=1e-6)


def test_explain_backward_refuses_big_graphs_and_freed_graphs():
    x = nt.randn(2, 3, requires_grad=True)
    y = x
    for _ in range(30):
        y = nt.tanh(y) * 1.1
    loss = y.sum()
    with pytest.raises(ValueError, match="small graphs.*62 backward nodes"):
        viz.explain_backward(loss)
    assert len(viz.explain_backward(loss, max_nodes=100).steps) == 62
    loss.backward()
    with pytest.raises(RuntimeError, match="before loss.backward"):
        viz.explain_backward(loss, max_nodes=100)
    with pytest.raises(ValueError, match="does not require grad"):
        viz.explain_backward(nt.ones(2).sum())
    with pytest.raises(ValueError, match="grad_output"):
        viz.explain_backward(nt.tanh(nt.ones(2, requires_grad=True)))
    v = nt.ones(2, requires_grad=True)
    ex = viz.explain_backward(nt.tanh(v), {"v": v}, grad_output=nt.tensor([1.0, 2.0]))
    tv = torch.ones(2, requires_grad=True)
    torch.tanh(tv).backward(torch.tensor([1.0, 2.0]))
    np.testing.assert_allclose(ex.grads["v"], tv.grad.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- CLI
def test_cli_plot_and_plot_loss_write_pngs(tmp_path, capsys, mpl):
    from numtorch.viz.cli import plot_main, plot_loss_main
    out = tmp_path / "act.png"
    assert plot_main(["sigmoid", "tanh", "relu", "--out", str(out), "--steps", "50"]) == 0
    assert out.read_bytes()[:8] == PNG_MAGIC
    out2 = tmp_path / "sub" / "losses.png"
    assert plot_loss_main(["mse", "--out", str(out2), "--range", "-2", "2"]) == 0
    assert out2.read_bytes()[:8] == PNG_MAGIC
    assert plot_main(["not_a_function", "--out", str(tmp_path / "x.png")]) == 2
    assert not (tmp_path / "x.png").exists()
    assert "unknown function" in capsys.readouterr().err


def _run_cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "numtorch", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_cli_explain_prints_last_backward(tmp_path):
    script = tmp_path / "seed_net.py"
    script.write_text("import torch\n" + SEED_NET + textwrap.dedent("""
        (o1_o2.sum() * 0).backward(retain_graph=True)   # an earlier backward: not the one explained
        loss.backward()
        print("W1 grad", model1.weight.grad)
    """))
    r = _run_cli("explain", str(script), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "W1 grad" in r.stdout and "backward() call #2 of 2" in r.stdout
    env = _seed_net(nt)
    params = {**{f"model1.{k}": v for k, v in env["model1"].named_parameters()},
              **{f"model2.{k}": v for k, v in env["model2"].named_parameters()},
              "i": env["i"], "l1_l2": env["l1_l2"], "h1_h2": env["h1_h2"], "l3_l4": env["l3_l4"],
              "o1_o2": env["o1_o2"], "loss": env["loss"]}
    want = viz.explain_backward(env["loss"], params).text
    assert want in r.stdout
    r = _run_cli("explain", "--max-nodes", "3", str(script), cwd=str(tmp_path))
    assert r.returncode == 1 and "small graphs" in r.stdout
    # the script's backward keeps PyTorch's semantics under explain: a second backward is still refused
    twice = tmp_path / "twice.py"
    twice.write_text(textwrap.dedent("""
        import torch
        x = torch.ones(2, requires_grad=True)
        y = (x * 3).sum()
        y.backward()
        try:
            y.backward()
        except RuntimeError as e:
            print("refused:", "second time" in str(e), x.grad.tolist())
    """))
    r = _run_cli("explain", str(twice), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "refused: True [3.0, 3.0]" in r.stdout and "call #1 of 2" in r.stdout and "x.grad = [3, 3]" in r.stdout
    quiet = tmp_path / "quiet.py"
    quiet.write_text("import torch\nprint(torch.ones(2).sum().item())\n")
    r = _run_cli("explain", str(quiet), cwd=str(tmp_path))
    assert r.returncode == 1 and "never called backward" in r.stdout


def test_cli_explain_training_loop_explains_the_last_iteration(tmp_path):
    code = textwrap.dedent("""
        import torch
        model = torch.nn.Linear(3, 2)
        model.weight.data = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
        model.bias.data = torch.tensor([0.05, -0.05])
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        x = torch.tensor([[1., 2., 3.], [0.5, -1., 2.]])
        for step in range(3):
            opt.zero_grad()
            loss = (torch.sigmoid(model(x)) ** 2).mean()
            loss.backward()
            opt.step()
        bias_grad = model.bias.grad
    """)
    script = tmp_path / "loop.py"
    script.write_text(code + "print('bias grad', bias_grad.tolist())\n")
    env = {}
    exec(code, env)                                   # the test process's torch is real PyTorch
    want = env["bias_grad"].numpy()
    r = _run_cli("explain", str(script), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "call #3 of 3" in r.stdout
    got = np.array(eval(r.stdout.split("bias grad", 1)[1].splitlines()[0]), dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    from numtorch.viz.explain import _fmt
    assert "model.bias.grad = " + _fmt(got, 6, 0) in r.stdout     # the explanation is of the last step
