"""The ``numtorch`` command: run, demo, plot, plot-loss, explain."""
import argparse
import sys


def _run(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: numtorch run script.py [args ...]\n\n"
              "Run an unmodified PyTorch script with `torch` and `torchvision` served by numtorch.")
        return 0 if argv else 2
    import os
    if argv[0].startswith("--") or "OMPI_COMM_WORLD_SIZE" in os.environ or "PMIX_RANK" in os.environ:
        # torchrun's job (issue 16): `run --nproc-per-node N script`, or one rank started by mpiexec
        from .distributed._launch import main as launch
        return launch(argv)
    from ._shim import run_script
    return run_script(argv[0], argv[1:])


def _lazy(target):
    """A command implemented in another module, imported only when used."""
    def call(argv):
        import importlib
        mod, fn = target.split(":")
        return getattr(importlib.import_module(mod), fn)(argv)
    return call


COMMANDS = {
    "run": _run,
    "demo": _lazy("numtorch.demo:main"),            # issue 6
    "plot": _lazy("numtorch.viz.cli:plot_main"),    # issue 8
    "plot-loss": _lazy("numtorch.viz.cli:plot_loss_main"),
    "explain": _lazy("numtorch.viz.cli:explain_main"),
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    p = argparse.ArgumentParser(prog="numtorch", description="PyTorch's API on NumPy.")
    p.add_argument("command", choices=sorted(COMMANDS), help="what to do")
    p.print_help() if not argv else p.parse_args(argv)
    return 0 if not argv else 2


if __name__ == "__main__":
    sys.exit(main())
