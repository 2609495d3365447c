"""``numtorch run``: serve ``torch`` and ``torchvision`` from numtorch to one script.

An import hook on ``sys.meta_path`` maps ``torch.X`` to ``numtorch.X`` and
``torchvision.X`` to ``numtorch.vision.X`` for this process only; nothing is
installed and a real torch elsewhere on the path is never touched.
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

ALIASES = {"torch": "numtorch", "torchvision": "numtorch.vision"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch[.sub]`` / ``torchvision[.sub]`` as the matching numtorch module."""

    def find_spec(self, fullname, path=None, target=None):
        root, _, rest = fullname.partition(".")
        base = ALIASES.get(root)
        if base is None:
            return None
        real = base + ("." + rest if rest else "")
        try:
            found = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            found = None
        if found is None:
            parent_name, _, attr = real.rpartition(".")
            try:
                parent = importlib.import_module(parent_name)
            except ImportError:
                parent = None
            if parent is not None and isinstance(getattr(parent, attr, None), type(sys)):
                real = getattr(parent, attr).__name__
            else:
                raise ModuleNotFoundError(f"numtorch has no module '{fullname}' (it would be '{real}')",
                                          name=fullname)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real))


def install():
    if not any(isinstance(f, TorchAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchAliasFinder())


def _child_setup():
    """Run first in a spawned child of ``numtorch run``: the same hook and float settings as the parent."""
    install()
    from ._backend import xp
    xp.seterr(all="ignore")


def _children_use_shim():
    # a ``spawn``/``forkserver`` child starts a fresh interpreter that imports the script's modules (and
    # so ``torch``) before running anything of ours: its command line installs the hook first
    import multiprocessing.spawn as mp_spawn
    orig = mp_spawn.get_command_line
    if getattr(orig, "_numtorch", False):
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    prefix = f"import sys; sys.path.insert(0, {root!r}); import numtorch._shim; numtorch._shim._child_setup(); "

    def get_command_line(**kwds):
        cmd = list(orig(**kwds))
        if "-c" in cmd:
            i = cmd.index("-c") + 1
            cmd[i] = prefix + cmd[i]
        return cmd
    get_command_line._numtorch = True
    mp_spawn.get_command_line = get_command_line


def run_script(path, args):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *args]``; return its exit status."""
    install()
    _children_use_shim()
    from ._backend import xp
    # PyTorch computes inf/nan silently: NumPy's floating-point warnings would only be noise here
    xp.seterr(all="ignore")
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0
