"""``numtorch run`` behaves like ``python`` (script, ``-``, piped stdin, ``-m``, ``-c``, missing file,
tracebacks), ``numtorch --version`` / ``--help``, optional dependencies missing give one line,
and ``torch.__version__`` under ``numtorch run`` is PyTorch's API version."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONWARNINGS", None)
    return env


def nt(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "numtorch", *args], capture_output=True, text=True, cwd=str(cwd),
                          env=_env(), input=stdin, timeout=120)


def py(*args, cwd, stdin=None):
    """The same program under plain python (the reference behaviour)."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=str(cwd), env=_env(),
                          input=stdin, timeout=120)


PROGRAM = textwrap.dedent("""\
    import sys, os
    print(__name__, sys.argv, repr(sys.path[0]) if sys.path[0] in ("", os.getcwd()) else "script dir")
    print("__file__" in globals())
""")


def test_missing_file_one_line_exit_2(tmp_path):
    r, ref = nt("run", "nope.py", cwd=tmp_path), py("nope.py", cwd=tmp_path)
    assert (r.returncode, ref.returncode) == (2, 2)
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1
    # python's line, with numtorch run in place of the interpreter's path
    assert r.stderr.split(": ", 1)[1] == ref.stderr.split(": ", 1)[1]


@pytest.mark.parametrize("how", ["file", "dash", "dev-stdin", "c"])
def test_program_sources_match_python(tmp_path, how):
    (tmp_path / "prog.py").write_text(PROGRAM)
    if how == "file":
        args, stdin = ["prog.py", "a", "-b"], None
    elif how == "dash":
        args, stdin = ["-", "a", "-b"], PROGRAM
    elif how == "dev-stdin":
        args, stdin = ["/dev/stdin", "a"], PROGRAM
    else:
        args, stdin = ["-c", PROGRAM, "a", "-b"], None
    r, ref = nt("run", *args, cwd=tmp_path, stdin=stdin), py(*args, cwd=tmp_path, stdin=stdin)
    assert r.returncode == ref.returncode == 0, r.stderr
    assert r.stdout == ref.stdout
    assert r.stdout.startswith("__main__")


def test_dash_m_module(tmp_path):
    (tmp_path / "pkgmod.py").write_text("import sys, torch\nprint(__name__, sys.argv[1:], torch.ones(2).sum())\n")
    r = nt("run", "-m", "pkgmod", "x", "--y", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "__main__ ['x', '--y'] tensor(2.)\n"
    r = nt("run", "-m", "no_such_module_here", cwd=tmp_path)
    ref = py("-m", "no_such_module_here", cwd=tmp_path)
    assert r.returncode == ref.returncode == 1
    assert r.stderr.count("\n") == 1 and r.stderr.split(": ", 1)[1] == ref.stderr.split(": ", 1)[1]


def test_traceback_starts_at_user_code(tmp_path):
    (tmp_path / "bad.py").write_text("import torch\n\ndef inner():\n    raise ValueError('boom')\n\ninner()\n")
    r, ref = nt("run", "bad.py", cwd=tmp_path), py("bad.py", cwd=tmp_path)
    assert r.returncode == ref.returncode == 1
    assert r.stderr == ref.stderr   # the same frames, starting at bad.py
    assert "numtorch" not in r.stderr and "runpy" not in r.stderr


def test_exit_status_and_keyboard_free_exit(tmp_path):
    r = nt("run", "-c", "import sys; sys.exit(4)", cwd=tmp_path)
    assert r.returncode == 4


def test_unknown_run_option(tmp_path):
    r = nt("run", "--bogus", "x.py", cwd=tmp_path)
    assert r.returncode == 2 and "unknown option --bogus" in r.stderr and r.stdout == ""


def test_version_and_help(tmp_path):
    import numtorch
    r = nt("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == f"numtorch {numtorch.__version__} (PyTorch 2.13.0 API)\n"
    r = nt("--help", cwd=tmp_path)
    assert r.returncode == 0
    from numtorch.cli import COMMANDS
    lines = r.stdout.splitlines()
    for name in COMMANDS:   # one descriptive line per subcommand
        hits = [ln for ln in lines if ln.split()[:1] == [name]]
        assert len(hits) == 1 and len(hits[0].split()) > 4, name
    r = nt("run", "--help", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: numtorch run")
    r = nt("frobnicate", cwd=tmp_path)
    assert r.returncode == 2 and "unknown command" in r.stderr


@pytest.mark.parametrize("argv,extra", [(["plot", "relu", "--out", "a.png"], "plot"),
                                        (["plot-loss", "l1", "--out", "a.png"], "plot")])
def test_missing_optional_dependency_is_one_line(tmp_path, argv, extra):
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            f"from numtorch.cli import main; sys.exit(main({argv!r}))")
    r = py("-c", code, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and f"numtorch[{extra}]" in r.stderr, r.stderr


def test_explain_graph_without_graphviz_fails(tmp_path):
    (tmp_path / "g.py").write_text("import torch\nx = torch.ones(2, requires_grad=True)\n(x * x).sum().backward()\n")
    env = _env()
    bindir = tmp_path / "bin"   # a PATH with python but no Graphviz `dot`
    bindir.mkdir()
    os.symlink(sys.executable, bindir / "python")
    env["PATH"] = str(bindir)
    r = subprocess.run([sys.executable, "-m", "numtorch", "explain", "--graph", "g.svg", "g.py"], cwd=str(tmp_path),
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert not (tmp_path / "g.svg").exists() and (tmp_path / "g.dot").exists()
    assert r.stderr.count("\n") == 1 and "Graphviz" in r.stderr


def test_torch_version_under_run(tmp_path):
    from conftest import torch
    code = textwrap.dedent("""\
        import torch, numtorch, torch.version
        from torch.torch_version import TorchVersion
        v = torch.__version__
        print(type(v).__name__, isinstance(v, str), v == "2.13.0", v >= "2.4", v >= (2, 13), v < (2, 14), v > "2.13.0a0")
        print(numtorch.__version__ != v, torch.version.__version__ == v, torch.version.cuda, torch.version.hip)
        print(torch.nn is numtorch.nn, torch.__name__, sorted(torch.version.__all__))
    """)
    r = nt("run", "-c", code, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ref = torch.__version__
    assert r.stdout.splitlines()[0] == " ".join(map(str, [type(ref).__name__, True, ref == "2.13.0", ref >= "2.4", ref >= (2, 13),
                                                          ref < (2, 14), ref > "2.13.0a0"]))
    assert r.stdout.splitlines()[1] == f"True True {torch.version.cuda} {torch.version.hip}"
    assert r.stdout.splitlines()[2] == f"True torch {sorted(torch.version.__all__)}"
    import numtorch
    assert numtorch.version.__version__ == torch.__version__ and numtorch.__version__ != numtorch.version.__version__


@pytest.mark.parametrize("a", ["2.13.0", "2.0.0a1", "2.13.0+cpu"])
@pytest.mark.parametrize("b", ["2.13.0", "2.4", "2.13", "2.13.0a0", "2.13.0.dev1", "2.13.1", "10.0", (2, 13),
                               (2, 14), [2, 13, 0], "parrot", "2.13.0rc1", "2.13.0.post1", "1.9"])
def test_torch_version_compares_as_pytorchs(a, b):
    from conftest import torch
    from torch.torch_version import TorchVersion as Ref
    from numtorch.torch_version import TorchVersion
    for op in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
        assert getattr(TorchVersion(a), op)(b) == getattr(Ref(a), op)(b), (a, op, b)
