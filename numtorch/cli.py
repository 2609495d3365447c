"""The ``numtorch`` command: run, demo, plot, plot-loss, explain, export."""
import os
import sys

USAGE = "usage: numtorch [-h] [--version] {run,demo,plot,plot-loss,explain,export} ..."

# one line per subcommand, shown by ``numtorch --help``
SUMMARY = {
    "run": "run a PyTorch program unchanged (like `python`), with torch/torchvision served by numtorch",
    "demo": "train a small CNN on the bundled 8x8 digits (or CIFAR-10): checkpoint, history, curves",
    "plot": "plot activation functions with their autograd derivatives (needs numtorch[plot])",
    "plot-loss": "plot loss functions with their gradients (needs numtorch[plot])",
    "explain": "run a script and explain its last backward() step by step (--graph: needs Graphviz)",
    "export": "write a saved model as an ONNX file (needs numtorch[onnx])",
}

RUN_USAGE = """\
usage: numtorch run [launch options] (script.py | - | -m module | -c code) [args ...]

Run a PyTorch program as `python` would, with every `import torch` / `import torchvision`
served by numtorch: sys.argv, sys.path[0], __main__ and the exit status are python's.

  script.py      a file ("-" reads the program from standard input)
  -m module      run a module as __main__ (like python -m)
  -c code        run the code string (like python -c)
  -h, --help     show this help

launch options (torchrun-style, before the program): --nproc-per-node N, --nnodes N, --hostfile FILE
"""

# torchrun-style options of ``numtorch run`` (handled by numtorch.distributed's launcher) and whether
# they take a value
LAUNCH_OPTIONS = {"--nproc-per-node": True, "--nproc_per_node": True, "--nnodes": True, "--hostfile": True,
                  "--node-rank": True, "--node_rank": True, "--master-addr": True, "--master_addr": True,
                  "--master-port": True, "--master_port": True, "--standalone": False}

# optional dependencies: importable name -> (extra, what it is)
EXTRAS = {"matplotlib": "plot", "tqdm": "progress", "sklearn": "demo", "PIL": "images", "onnx": "onnx"}


def _version():
    from . import __version__
    from .version import __version__ as api
    return f"numtorch {__version__} (PyTorch {str(api).split('+')[0]} API)"


def _split_run_args(argv):
    """(launch options, kind, target, program args) for ``numtorch run``'s argv; raises ValueError."""
    launch = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-m", "-c"):
            if i + 1 >= len(argv):
                raise ValueError(f"Argument expected for the {a} option")
            return launch, "module" if a == "-m" else "code", argv[i + 1], argv[i + 2:]
        if a.startswith(("-m", "-c")) and not a.startswith("--"):
            return launch, "module" if a[1] == "m" else "code", a[2:], argv[i + 1:]
        if a == "-" or not a.startswith("-"):
            return launch, "path", a, argv[i + 1:]
        name, eq, value = a.partition("=")
        if name not in LAUNCH_OPTIONS:
            raise ValueError(f"unknown option {a}")
        if LAUNCH_OPTIONS[name] and not eq:
            if i + 1 >= len(argv):
                raise ValueError(f"option {name} needs a value")
            value = argv[i + 1]
            i += 1
        launch[name.replace("_", "-")] = value if LAUNCH_OPTIONS[name] else True
        i += 1
    raise ValueError("no program given")


def _run(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(RUN_USAGE, end="")
        return 0
    try:
        launch, kind, target, args = _split_run_args(argv)
    except ValueError as e:
        print(RUN_USAGE.splitlines()[0], file=sys.stderr)
        print(f"numtorch run: error: {e}", file=sys.stderr)
        return 2
    if launch:
        # several processes (`run --nproc-per-node N ...`): numtorch.distributed's torchrun-style launcher,
        # imported only when asked for
        from .distributed._launch import main as launch_main
        return launch_main(argv)
    if "OMPI_COMM_WORLD_SIZE" in os.environ or "PMIX_RANK" in os.environ:
        # one rank that mpiexec started (`mpiexec -n N numtorch run train.py`): torchrun's variables, then as usual
        from .distributed._launch import run_rank
        return run_rank(kind, target, args)
    from ._shim import run
    return run(kind, target, args)


def _lazy(target):
    """A command implemented in another module, imported only when used."""
    def call(argv):
        import importlib
        mod, fn = target.split(":")
        return getattr(importlib.import_module(mod), fn)(argv)
    return call


COMMANDS = {
    "run": _run,
    "demo": _lazy("numtorch.demo:main"),
    "plot": _lazy("numtorch.viz.cli:plot_main"),
    "plot-loss": _lazy("numtorch.viz.cli:plot_loss_main"),
    "explain": _lazy("numtorch.viz.cli:explain_main"),
    "export": _lazy("numtorch.onnx._cli:main"),
}


def _help():
    width = max(map(len, COMMANDS))
    lines = [USAGE, "", "PyTorch's API on NumPy.", "", "commands:"]
    lines += [f"  {name:<{width}}  {SUMMARY[name]}" for name in COMMANDS]
    lines += ["", "options:", "  -h, --help  show this help and exit", "  --version   show numtorch's version and exit",
              "", "`numtorch COMMAND --help` describes a command's options."]
    return "\n".join(lines)


def _missing_extra(cmd, e):
    """One line for an ImportError of an optional dependency, or None when it is not one."""
    if "pip install 'numtorch[" in str(e):   # numtorch's own message already names the extra
        return f"numtorch {cmd}: {e}"
    for err in (e, e.__cause__):
        root = (getattr(err, "name", None) or "").partition(".")[0]
        if root in EXTRAS:
            pkg = {"sklearn": "scikit-learn", "PIL": "pillow"}.get(root, root)
            return (f"numtorch {cmd}: this needs {pkg}, which is not installed: "
                    f"pip install 'numtorch[{EXTRAS[root]}]' (or pip install {pkg})")
    return None


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_help())
        return 0 if argv else 2
    if argv[0] == "--version":
        print(_version())
        return 0
    cmd = argv[0]
    if cmd not in COMMANDS:
        print(USAGE, file=sys.stderr)
        print(f"numtorch: error: unknown command {cmd!r} (choose from {', '.join(COMMANDS)})", file=sys.stderr)
        return 2
    if cmd == "run":
        return _run(argv[1:])
    try:
        return COMMANDS[cmd](argv[1:])
    except ImportError as e:
        line = _missing_extra(cmd, e)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
