"""``numtorch run``: serve ``torch`` and ``torchvision`` from numtorch to one program.

An import hook on ``sys.meta_path`` maps ``torch.X`` to ``numtorch.X`` and
``torchvision.X`` to ``numtorch.vision.X`` for this process only; nothing is
installed and a real torch elsewhere on the path is never touched.

``import torch`` gives a thin module object named ``torch`` that reads and writes every
attribute through to ``numtorch`` (``torch.nn is numtorch.nn``), except ``__version__``:
there it answers the PyTorch version whose API numtorch implements
(``numtorch.version.__version__``, a comparable ``TorchVersion``), while
``numtorch.__version__`` stays numtorch's own release number.

The program runs as ``python`` would run it: a script path, ``-`` (standard input),
``-m module`` or ``-c code``, with ``sys.argv``, ``sys.path[0]``, ``__main__`` and the exit
status set the same way, and a traceback that starts at the program's own code.
"""
import builtins
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import types

ALIASES = {"torch": "numtorch", "torchvision": "numtorch.vision"}
_OWN = ("__name__", "__spec__", "__loader__", "__package__", "__file__", "__path__", "__cached__", "__version__",
        "__doc__")


class _TorchModule(types.ModuleType):
    """``torch`` under ``numtorch run``: numtorch's namespace, PyTorch's ``__version__``."""

    def __getattr__(self, name):
        return getattr(sys.modules["numtorch"], name)

    def __setattr__(self, name, value):
        if name in _OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(sys.modules["numtorch"], name, value)

    def __delattr__(self, name):
        if name in _OWN:
            object.__delattr__(self, name)
        else:
            delattr(sys.modules["numtorch"], name)

    def __dir__(self):
        return sorted(set(dir(sys.modules["numtorch"])) | set(self.__dict__))


def _torch_module(spec):
    nt = importlib.import_module("numtorch")
    from .version import __version__
    m = _TorchModule("torch", nt.__doc__)
    for k in ("__file__", "__path__"):
        object.__setattr__(m, k, getattr(nt, k))
    # set here: the import system only fills attributes a module lacks, and these would read numtorch's
    for k, v in (("__spec__", spec), ("__loader__", spec.loader), ("__package__", "torch"),
                 ("__version__", __version__)):
        object.__setattr__(m, k, v)
    return m


def _alias_loaded_submodules(alias, target):
    """Registers ``alias.sub`` for every ``target.sub`` the package already imported, as torchvision's own
    submodules are in ``sys.modules`` once their package is: a later ``import torchvision.models.alexnet`` then
    finds it there and, as in torchvision, leaves the package attribute ``alexnet`` (the builder) alone instead of
    rebinding it to the module."""
    prefix = target + "."
    for name, mod in list(sys.modules.items()):
        if name.startswith(prefix) and mod is not None:
            sys.modules.setdefault(alias + name[len(target):], mod)


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        if spec.name == "torch":
            return _torch_module(spec)
        module = importlib.import_module(self.target)
        if spec.name.startswith("torchvision"):
            _alias_loaded_submodules(spec.name, self.target)
        return module

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


class LaunchError(Exception):
    """The program could not be started (missing file, unknown module): one line, then ``status``."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def _prepare():
    install()
    _children_use_shim()
    from ._backend import xp
    # PyTorch computes inf/nan silently: NumPy's floating-point warnings would only be noise here
    xp.seterr(all="ignore")


def _fresh_main(filename=None):
    """A new ``__main__`` module in ``sys.modules`` (pickle and multiprocessing find the program's classes there)."""
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    if filename is not None:
        main.__file__ = filename
        main.__cached__ = None
    sys.modules["__main__"] = main
    return main


def _exec_source(source, filename, argv, path0):
    code = compile(source, filename, "exec", dont_inherit=True)
    sys.argv = list(argv)
    sys.path.insert(0, path0)
    main = _fresh_main(filename if filename != "<string>" else None)   # python -c has no __file__
    exec(code, main.__dict__)


def _read_script(path):
    try:
        with open(path, "rb") as f:   # also reads /dev/stdin and named pipes, once
            return f.read()
    except OSError as e:
        raise LaunchError(f"numtorch run: can't open file {os.path.abspath(path)!r}: [Errno {e.errno}] "
                          f"{e.strerror}", 2) from None


def _launcher_frame(tb):
    f = tb.tb_frame.f_code.co_filename
    return f == __file__ or os.path.basename(f) in ("runpy.py", "<frozen runpy>") or f == "<frozen runpy>"


def _report(exc):
    """Print ``exc`` as Python prints an uncaught exception, without numtorch's launcher frames."""
    tb = exc.__traceback__
    while tb is not None and _launcher_frame(tb):
        tb = tb.tb_next
    exc.__traceback__ = tb   # Python's excepthook prints the exception's own traceback
    sys.excepthook(type(exc), exc, tb)


def _status(code):
    """The exit status ``sys.exit(code)`` gives, printing a non-integer code as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run(kind, target, args):
    """Run a program as ``python`` would, with torch served by numtorch; return its exit status.

    ``kind`` is ``"path"`` (a script file, ``-`` for standard input), ``"module"`` (``-m``) or ``"code"`` (``-c``).
    """
    _prepare()
    try:
        if kind == "module":
            try:
                spec = importlib.util.find_spec(target)
            except (ImportError, ValueError) as e:
                spec, why = None, str(e)
            else:
                why = f"No module named {target}"
            if spec is None:
                raise LaunchError(f"numtorch run: {why}", 1)
            sys.argv = [target] + list(args)   # runpy replaces argv[0] by the module's file
            sys.path.insert(0, os.getcwd())
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        elif kind == "code":
            _exec_source(target, "<string>", ["-c"] + list(args), "")
        elif target == "-":
            _exec_source(sys.stdin.buffer.read(), "<stdin>", ["-"] + list(args), "")
        else:
            if os.path.isdir(target):
                raise LaunchError(f"numtorch run: can't run a directory: {target!r}", 2)
            source = _read_script(target)
            # __main__.__file__ and tracebacks use the absolute path, sys.argv[0] the path as given (as python)
            _exec_source(source, os.path.abspath(target), [target] + list(args),
                         os.path.dirname(os.path.realpath(target)))
    except LaunchError as e:
        print(e, file=sys.stderr)
        return e.status
    except SystemExit as e:
        return _status(e.code)
    except KeyboardInterrupt as e:
        _report(e)
        return 130
    except BaseException as e:  # noqa: B902  (what python does with any uncaught exception)
        _report(e)
        return 1
    return 0


def run_script(path, args):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *args]``; return its exit status."""
    return run("path", path, args)
