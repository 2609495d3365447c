"""``numtorch plot``, ``numtorch plot-loss`` and ``numtorch explain``."""
import argparse
import os
import sys


def _save(fig, out):
    d = os.path.dirname(os.path.abspath(out))
    os.makedirs(d, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def plot_main(argv):
    """``numtorch plot sigmoid tanh relu --out act.png``: functions beside their autograd derivatives."""
    from .plots import ACTIVATIONS, plot_functions
    p = argparse.ArgumentParser(prog="numtorch plot", description=(
        "Plot activation functions (or any numtorch function of one tensor) with their derivatives, "
        "computed by numtorch autograd. Options after a colon: leaky_relu:negative_slope=0.1, elu:alpha=0.5."))
    p.add_argument("functions", nargs="*", help="names, e.g. sigmoid tanh relu leaky_relu gelu")
    p.add_argument("--out", "-o", default="activations.png", help="image file to write (png, svg, pdf)")
    p.add_argument("--range", nargs=2, type=float, default=(-10.0, 10.0), metavar=("LO", "HI"),
                   help="x range (default -10 10)")
    p.add_argument("--steps", type=int, default=1000, help="number of x values")
    p.add_argument("--cols", type=int, default=3, help="panels per row")
    p.add_argument("--list", action="store_true", help="list the activation names known by default")
    a = p.parse_args(argv)
    if a.list:
        import numtorch.nn.functional as F
        print(" ".join(n for n in ACTIVATIONS if n in F.__dict__))
        return 0
    if not a.functions:
        p.print_usage(sys.stderr)
        print("numtorch plot: name at least one function (numtorch plot --list shows them)", file=sys.stderr)
        return 2
    try:
        fig = plot_functions(a.functions, tuple(a.range), a.steps, ncols=a.cols)
    except (ValueError, TypeError) as e:
        print(f"numtorch plot: {e}", file=sys.stderr)
        return 2
    _save(fig, a.out)
    return 0


def plot_loss_main(argv):
    """``numtorch plot-loss l1 smooth_l1 mse --out losses.png``: losses and their gradients."""
    from .plots import plot_losses
    p = argparse.ArgumentParser(prog="numtorch plot-loss", description=(
        "Plot regression losses against the prediction error (input - target) and their gradients from "
        "numtorch autograd. Options after a colon: huber:delta=2, smooth_l1:beta=0.5."))
    p.add_argument("losses", nargs="*", default=["l1", "smooth_l1", "mse", "huber"],
                   help="loss names (default: l1 smooth_l1 mse huber)")
    p.add_argument("--out", "-o", default="losses.png", help="image file to write (png, svg, pdf)")
    p.add_argument("--range", nargs=2, type=float, default=(-3.0, 3.0), metavar=("LO", "HI"),
                   help="prediction-error range (default -3 3)")
    p.add_argument("--steps", type=int, default=1000, help="number of points")
    a = p.parse_args(argv)
    try:
        fig = plot_losses(a.losses, tuple(a.range), a.steps)
    except (ValueError, TypeError) as e:
        print(f"numtorch plot-loss: {e}", file=sys.stderr)
        return 2
    _save(fig, a.out)
    return 0


_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def names_in_frames(frame):
    """``{name: tensor}`` for the tensors and module parameters visible in ``frame`` and its callers
    (numtorch's own frames skipped): ``model.linear1.weight`` for a Module held in variable
    ``model``, ``w`` for a tensor ``w``. Inner frames win."""
    from .._tensor import Tensor
    from ..nn.modules.module import Module
    names = {}
    seen = set()
    f = frame
    while f is not None:
        if os.path.abspath(f.f_code.co_filename).startswith(_PKG + os.sep):
            f = f.f_back
            continue
        scopes = [f.f_locals] + ([f.f_globals] if f.f_globals is not f.f_locals else [])
        for scope in scopes:
            for var, val in list(scope.items()):
                if var.startswith("__"):
                    continue
                if isinstance(val, Tensor):
                    if val.requires_grad and id(val) not in seen:
                        seen.add(id(val))
                        names[var] = val
                elif isinstance(val, Module):
                    for n, prm in val.named_parameters():
                        if id(prm) not in seen:
                            seen.add(id(prm))
                            names[f"{var}.{n}"] = prm
        f = f.f_back
    return names


def explain_main(argv):
    """``numtorch explain script.py [args]``: run the script with ``torch`` served by numtorch and
    explain its last ``backward()`` step by step."""
    p = argparse.ArgumentParser(prog="numtorch explain", description=(
        "Run a small PyTorch script with torch served by numtorch and print the chain rule, step by step, "
        "for the last backward() it calls."))
    p.add_argument("--max-nodes", type=int, default=40, help="refuse graphs with more backward nodes")
    p.add_argument("--graph", metavar="PATH", help="also write that backward graph (.dot always; .svg/.png with dot)")
    p.add_argument("--saved", action="store_true", help="show the tensors saved for backward in --graph")
    p.add_argument("--precision", type=int, default=6, help="significant digits")
    p.add_argument("script", help="the script to run")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    a = p.parse_args(argv)
    if not os.path.exists(a.script):
        print(f"numtorch explain: no such file: {a.script}", file=sys.stderr)
        return 2

    import numtorch.autograd as ag
    from .._shim import run_script
    from .explain import explain_backward
    from .graph import draw_graph, root_node, walk
    from .._tensor import Tensor
    from ..autograd.function import AccumulateGrad

    state = {"calls": 0, "which": 0, "result": None, "error": None, "graph": None}
    original = ag.backward

    def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, *args, **kwargs):
        state["calls"] += 1
        t = tensors[0] if isinstance(tensors, (list, tuple)) and len(tensors) == 1 else tensors
        g = grad_tensors[0] if isinstance(grad_tensors, (list, tuple)) and len(grad_tensors) == 1 \
            else grad_tensors
        names = names_in_frames(sys._getframe(1))
        root = root_node(t) if isinstance(t, Tensor) else None
        keep = bool(retain_graph) or bool(create_graph)
        # the script's own backward runs first and exactly as asked (only its graph is kept a moment
        # longer), so explaining can never change what the script computes
        out = original(tensors, grad_tensors, True if root is not None else retain_graph, create_graph,
                       *args, **kwargs)
        state["which"] = state["calls"]  # a backward() that raised is not "the last" one completed
        if root is None:
            state["result"], state["error"] = None, ValueError("backward() of several tensors at once")
            return out
        try:
            state["result"] = explain_backward(t, names, max_nodes=a.max_nodes, grad_output=g,
                                               precision=a.precision)
            state["graph"] = draw_graph(t, names, show_saved=a.saved) if a.graph else None
            state["error"] = None
        except Exception as e:  # explaining must never break the script
            state["result"], state["error"] = None, e
        finally:
            if not keep:  # free the graph as backward() would have
                for n in walk(root):
                    if not isinstance(n, AccumulateGrad):  # as the engine: leaves' sinks are shared, kept
                        n._release()
        return out

    ag.backward = backward
    try:
        status = run_script(a.script, a.args)
    finally:
        ag.backward = original
    sys.stdout.flush()
    print(f"\n===== numtorch explain: backward() call #{state['which']} of {state['calls']} "
          f"(the last completed) in {a.script} =====\n")
    if state["which"] == 0:
        print("the script never called backward(): nothing to explain")
        return status or 1
    if state["error"] is not None:
        print(f"cannot explain it: {state['error']}")
        return status or 1
    print(state["result"].text, end="")
    if a.graph and state["graph"] is not None:
        try:
            state["graph"].render(a.graph)
            print(f"\nwrote the graph to {a.graph}")
        except RuntimeError as e:
            dot_path = os.path.splitext(a.graph)[0] + ".dot"
            state["graph"].save(dot_path)
            print(f"\nwrote the DOT source to {dot_path}")
            # the picture asked for was not made: say why in one line and fail
            print(f"numtorch explain: {a.graph} not written: {e}", file=sys.stderr)
            return status or 1
    return status
