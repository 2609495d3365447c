"""torch.compile / torch.compiler / torch._dynamo / torch.jit / torch.hub, compared with real torch."""
import inspect
import os
import urllib.error

import numpy as np
import pytest

import numtorch as nt
from conftest import torch, to_torch, assert_close


def _pair():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    nm = nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU(), nt.nn.Linear(4, 2))
    nm.load_state_dict({k: nt.from_numpy(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
    return tm, nm


def test_compile_module_wrapper_shape():
    tm, nm = _pair()
    tc, nc = torch.compile(tm), nt.compile(nm)
    assert type(nc).__name__ == type(tc).__name__ == "OptimizedModule"
    assert isinstance(nc, nt.nn.Module)
    assert nc._orig_mod is nm and tc._orig_mod is tm
    assert list(nc.state_dict()) == list(tc.state_dict())
    assert [n for n, _ in nc.named_parameters()] == [n for n, _ in tc.named_parameters()]
    assert repr(nc) == repr(tc)
    # attributes are the original module's; dunder methods are not forwarded (in torch neither)
    assert getattr(nc, "0") is nm[0] and nc.forward is not nm.forward
    for c in (nc, tc):
        with pytest.raises(TypeError, match="'OptimizedModule' object is not subscriptable"):
            c[0]
    nc.eval(), tc.eval()
    assert nm.training is tm.training is False
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    # (torch's compiled call equals its eager one; calling it would run inductor for a minute)
    assert_close(nc(nt.from_numpy(x)), tm(torch.from_numpy(x)))
    # loading the compiled model's state_dict into a plain model needs the prefix stripped, as in torch
    with pytest.raises(RuntimeError):
        nt.nn.Sequential(nt.nn.Linear(3, 4), nt.nn.ReLU(), nt.nn.Linear(4, 2)).load_state_dict(nc.state_dict())
    with pytest.raises(RuntimeError):
        torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).load_state_dict(
            tc.state_dict())


def test_compile_functions_decorators_and_kwargs():
    def f(x):
        """doc"""
        return x * 2 + 1

    for lib in (torch, nt):
        cf = lib.compile(f)
        assert callable(cf) and cf.__name__ == "f" and cf.__doc__ == "doc"
        assert lib.compile(f, disable=True) is f
        assert type(lib.compile(lib.nn.Linear(2, 2), disable=True)).__name__ == "Linear"

        @lib.compile
        def g(x):
            return x + 1

        @lib.compile(mode="reduce-overhead", fullgraph=False, dynamic=None)
        def h(x):
            return x - 1
        assert callable(g) and callable(h)
    assert g(nt.ones(2)).tolist() == [2.0, 2.0] and h(nt.ones(2)).tolist() == [0.0, 0.0]
    # every keyword torch.compile takes is accepted
    assert list(inspect.signature(nt.compile).parameters) == list(inspect.signature(torch.compile).parameters)
    nt.compile(f, fullgraph=True, dynamic=False, backend="inductor", options={"x": 1}, name="n",
               recompile_limit=3, isolate_recompiles=True, shapes_spec=None)
    with pytest.raises(TypeError):
        nt.compile(f, bogus=1)
    with pytest.raises(TypeError):
        torch.compile(f, bogus=1)
    for lib in (torch, nt):
        with pytest.raises(RuntimeError, match="Either mode or options"):
            lib.compile(f, mode="default", options={})


def test_compiler_and_dynamo_names():
    assert sorted(nt.compiler.__all__) == sorted(torch.compiler.__all__)
    assert nt.compiler.is_compiling() is torch.compiler.is_compiling() is False
    assert nt._dynamo.is_compiling() is False
    assert nt.compiler.disable(len) is len

    @nt.compiler.disable(recursive=False)
    def k():
        return 3
    assert k() == 3
    nt.compiler.reset(), nt._dynamo.reset()
    assert nt.compiler.allow_in_graph(len) is len
    assert nt._dynamo.config.suppress_errors == torch._dynamo.config.suppress_errors
    nt._dynamo.config.suppress_errors = True
    from numtorch._dynamo.eval_frame import OptimizedModule
    assert OptimizedModule.__name__ == torch._dynamo.eval_frame.OptimizedModule.__name__


def test_compile_under_the_shim():
    import subprocess
    import sys
    code = ("import torch, torch._dynamo, torch.compiler\nfrom torch._dynamo.eval_frame import OptimizedModule\n"
            "torch._dynamo.config.suppress_errors = True\nm = torch.compile(torch.nn.Linear(2, 2))\n"
            "assert isinstance(m, OptimizedModule)\nprint(sorted(m.state_dict()))\n")
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nt_compile_{os.getpid()}.py")
    with open(path, "w") as fh:
        fh.write(code)
    root = os.path.dirname(os.path.dirname(nt.__file__))
    out = subprocess.run([sys.executable, "-m", "numtorch", "run", path], capture_output=True, text=True,
                         cwd=root, timeout=120)
    os.remove(path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['_orig_mod.bias', '_orig_mod.weight']"


def test_jit_script_trace_run_eagerly():
    tm, nm = _pair()
    assert sorted(nt.jit.__all__) == sorted(torch.jit.__all__)
    x = np.ones((2, 3), np.float32)
    sm = nt.jit.script(nm)
    tr = nt.jit.trace(nm, nt.from_numpy(x))
    assert list(sm.state_dict()) == list(torch.jit.script(tm).state_dict())
    assert list(tr.state_dict()) == list(torch.jit.trace(tm, torch.from_numpy(x)).state_dict())
    assert_close(sm(nt.from_numpy(x)), tm(torch.from_numpy(x)))
    assert_close(tr(nt.from_numpy(x)), tm(torch.from_numpy(x)))

    def f(a, b):
        return a + b
    assert nt.jit.script(f)(nt.ones(2), nt.ones(2)).tolist() == [2.0, 2.0]
    assert nt.jit.is_scripting() is torch.jit.is_scripting() is False
    assert nt.jit.is_tracing() is torch.jit.is_tracing() is False

    class M(nt.nn.Module):
        c: nt.jit.Final[int] = 3

        @nt.jit.ignore
        def a(self):
            return 1

        @nt.jit.ignore(drop=True)
        def b(self):
            return 2

        @nt.jit.unused
        def c_(self):
            return 3

        @nt.jit.export
        def d(self):
            return 4
    m = nt.jit.script(M())
    assert (m.a(), m.b(), m.c_(), m.d(), m.c) == (1, 2, 3, 4, 3)
    from numtorch.jit.annotations import List, Optional  # noqa: F401
    assert nt.jit.annotate(list, [1]) == [1]
    assert nt.jit.wait(nt.jit.fork(f, 1, 2)) == 3


def test_jit_save_load_name_state_dict(tmp_path):
    # a scripted module is the module itself here: saving it names state_dict (traced modules save:
    # tests/onnx_export/test_jit_trace.py); a missing file is PyTorch's ValueError
    _, nm = _pair()
    with pytest.raises(RuntimeError, match="state_dict"):
        nt.jit.save(nt.jit.script(nm), str(tmp_path / "m.pt"))
    with pytest.raises(ValueError, match="does not exist"):
        nt.jit.load(str(tmp_path / "m.pt"))
    with pytest.raises(ValueError, match="does not exist"):
        torch.jit.load(str(tmp_path / "m.pt"))


@pytest.fixture
def hubdirs(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setattr(nt.hub, "_hub_dir", None)
    return tmp_path


def test_hub_dirs_like_torch(hubdirs, monkeypatch):
    assert nt.hub.get_dir() == torch.hub.get_dir() == str(hubdirs / "home" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(hubdirs / "xdg"))
    assert nt.hub.get_dir() == torch.hub.get_dir()
    nt.hub.set_dir(str(hubdirs / "other"))
    torch.hub.set_dir(str(hubdirs / "other"))
    assert nt.hub.get_dir() == torch.hub.get_dir()
    assert sorted(nt.hub.__all__) == sorted(torch.hub.__all__)


def test_hub_load_state_dict_from_url_reads_cache(hubdirs):
    torch.manual_seed(0)
    sd = torch.nn.Linear(3, 2).state_dict()
    url = "https://example.invalid/models/lin-0123abcd.pth"
    ckdir = os.path.join(torch.hub.get_dir(), "checkpoints")
    os.makedirs(ckdir)
    torch.save(sd, os.path.join(ckdir, "lin-0123abcd.pth"))
    # the hash in the file name is not that file's: like torch, a cached file is loaded without a check
    got = nt.hub.load_state_dict_from_url(url, check_hash=True, map_location="cpu")
    want = torch.hub.load_state_dict_from_url(url, check_hash=True, map_location="cpu")
    assert list(got) == list(want)
    for k in got:
        assert_close(got[k], want[k])
    # file_name= and model_dir= pick the file
    torch.save(sd, str(hubdirs / "x.pt"))
    got = nt.hub.load_state_dict_from_url("https://example.invalid/y.pt", model_dir=str(hubdirs), file_name="x.pt")
    assert list(got) == list(sd)


def test_hub_offline_errors_and_local_load(hubdirs):
    with pytest.raises(urllib.error.URLError, match="lin.pth"):
        nt.hub.load_state_dict_from_url("https://example.invalid/lin.pth")
    with pytest.raises(urllib.error.URLError):
        nt.hub.download_url_to_file("https://example.invalid/a", str(hubdirs / "a"))
    with pytest.raises(urllib.error.URLError):
        nt.hub.load("owner/repo", "m")
    repo = hubdirs / "repo"
    repo.mkdir()
    (repo / "helper_mod_c2.py").write_text("K = 5\n")
    (repo / "hubconf.py").write_text(
        "dependencies = ['numpy']\nimport helper_mod_c2\nimport torch\n"
        "def tiny(k=2, bias=True):\n    return torch.nn.Linear(helper_mod_c2.K, k, bias=bias)\n"
        "not_callable = 3\n")
    for lib in (torch, nt):
        with pytest.raises(ValueError, match='Unknown source: "svn". Allowed values: "github" \\| "local".'):
            lib.hub.load(str(repo), "tiny", source="svn")
        with pytest.raises(RuntimeError, match="Cannot find callable not_callable in hubconf"):
            lib.hub.load(str(repo), "not_callable", source="local")
    tm = torch.hub.load(str(repo), "tiny", 3, source="local", bias=False)
    # hubconf.py imports torch: under the test process that is real torch, so check the shape of the call only
    assert tuple(tm.weight.shape) == (3, 5) and tm.bias is None
