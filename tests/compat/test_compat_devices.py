"""CPU-only device boilerplate (torch.cuda, accelerator, cpu, mps, xpu, version, backends, device moves,
global flags) against the real CPU-only torch: same values, same exception classes and messages, same warnings."""
import importlib
import warnings

import pytest

import numtorch as nt
from conftest import torch


def outcome(fn):
    """What a call does: its result (or the exception's class name and message) and the warnings it gave."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = ("ok", fn())
        except BaseException as e:  # noqa: BLE001  (AssertionError is what CPU torch raises for CUDA)
            r = ("raise", type(e).__name__, str(e))
    return r, [(x.category.__name__, str(x.message)) for x in w]


def same(nt_fn, torch_fn, value=True):
    (g, gw), (e, ew) = outcome(nt_fn), outcome(torch_fn)
    assert g[0] == e[0], f"numtorch {g} vs torch {e}"
    if g[0] == "raise":
        assert g[1:] == e[1:], f"numtorch {g} vs torch {e}"
    elif value:
        assert g[1] == e[1], f"numtorch {g[1]!r} vs torch {e[1]!r}"
    assert [c for c, _ in gw] == [c for c, _ in ew], (gw, ew)
    assert [m for _, m in gw] == [m for _, m in ew], (gw, ew)
    return g


CUDA_CALLS = [
    "is_available()", "device_count()", "is_bf16_supported()", "is_bf16_supported(including_emulation=False)",
    "is_initialized()", "is_tf32_supported()", "_is_compiled()", "get_arch_list()", "current_device()",
    "set_device(0)", "set_device('cuda:0')", "set_device('cpu')", "set_device(torch.device('cuda'))",
    "synchronize()", "get_device_name()", "get_device_name(0)", "get_device_properties(0)",
    "get_device_capability()", "get_device_capability(0)", "init()", "mem_get_info()", "current_stream()",
    "default_stream()", "get_rng_state()", "initial_seed()", "ipc_collect()",
    "set_per_process_memory_fraction(0.5)", "memory_allocated()", "max_memory_allocated()",
    "memory_reserved()", "max_memory_reserved()", "memory_cached()", "max_memory_cached()", "memory_stats()",
    "empty_cache()", "reset_peak_memory_stats()", "reset_max_memory_allocated()", "manual_seed(1)",
    "manual_seed_all(1)", "seed()", "seed_all()", "get_rng_state_all()", "set_rng_state_all([])",
    "Stream()", "Event()",
]


@pytest.mark.parametrize("call", CUDA_CALLS)
def test_cuda_api_as_cpu_only_torch(call):
    same(lambda: eval("nt.cuda." + call, {"nt": nt, "torch": nt}),
         lambda: eval("torch.cuda." + call, {"torch": torch}), value=not call.startswith("memory_stats"))


def test_cuda_context_managers_do_nothing():
    for m in (nt, torch):
        with m.cuda.device(-1) as a, m.cuda.device_of(m.zeros(1)) as b, m.cuda.stream(None) as c:
            assert (a, b, c) == (None, None, None)
    for arg in (0, "cuda:0", None):
        same(lambda: _enter(nt.cuda.device, arg), lambda: _enter(torch.cuda.device, arg))
    assert dict(nt.cuda.memory_stats()) == dict(torch.cuda.memory_stats())


def _enter(cm, arg):
    with cm(arg):
        return "entered"


def test_cuda_is_a_package_with_amp():
    for name in ("torch.cuda", "torch.cuda.amp"):
        assert importlib.import_module(name.replace("torch", "numtorch")).__name__ == \
            name.replace("torch", "numtorch")
    assert set(nt.cuda.__all__) <= set(torch.cuda.__all__)
    assert set(nt.cuda.amp.__all__) <= set(torch.cuda.amp.__all__)


ACCEL_CALLS = ["accelerator.is_available()", "accelerator.current_accelerator()", "accelerator.device_count()",
               "accelerator.current_device_index()", "accelerator.synchronize()",
               "accelerator.set_device_index(0)", "accelerator.current_stream()",
               "cpu.is_available()", "cpu.device_count()", "cpu.current_device()", "cpu.synchronize()",
               "cpu.is_initialized()", "mps.is_available()", "mps.device_count()", "mps.synchronize()",
               "mps.manual_seed(0)", "mps.empty_cache()", "mps.current_allocated_memory()",
               "mps.driver_allocated_memory()", "xpu.is_available()", "xpu.device_count()",
               "xpu.current_device()", "xpu.synchronize()", "xpu.is_bf16_supported()",
               "version.cuda", "version.hip", "version.debug", "version.__version__"]


@pytest.mark.parametrize("call", ACCEL_CALLS)
def test_other_device_modules(call):
    same(lambda: eval("nt." + call, {"nt": nt}), lambda: eval("torch." + call, {"torch": torch}))


@pytest.mark.parametrize("mod", ["accelerator", "cpu", "mps", "xpu", "version", "amp", "backends.cuda",
                                 "backends.cudnn", "backends.mps", "backends.cpu", "backends.mkldnn",
                                 "backends.mkl", "backends.opt_einsum"])
def test_public_names_are_torchs(mod):
    m = importlib.import_module("numtorch." + mod)
    t = importlib.import_module("torch." + mod)
    # (torch's cudnn, mkldnn, opt_einsum are module wrappers whose dir() hides their names: ask hasattr)
    assert all(hasattr(t, n) for n in m.__all__), [n for n in m.__all__ if not hasattr(t, n)]
    for n in m.__all__:
        assert hasattr(m, n), n


DEVICE_MOVES = [
    't.to("cuda")', 't.to("cuda:0")', 't.to(torch.device("cuda"))', 't.to("cuda", torch.float16)',
    't.to(device="cuda")', 't.to("cuda", non_blocking=True)', 't.to(0)', 't.cuda()', 't.cuda(0)',
    't.cuda("cuda:0")', 't.cuda(device=0)', 't.xpu()', 't.to("xpu")', 't.to("mps")', 't.to("ipu")',
    't.to("xla")', 't.to("foo")', 't.pin_memory()', 't.is_pinned()',
    'torch.zeros(2, device="cuda")', 'torch.tensor([1.], device="cuda")', 'torch.ones(2, device="cuda:1")',
    'torch.randn(2, device="cuda")', 'torch.rand(2, device="cuda")', 'torch.arange(3, device="cuda")',
    'torch.zeros_like(t, device="cuda")', 'torch.full((2,), 1., device="cuda")', 'torch.empty(2, device="cuda")',
    'torch.as_tensor([1.], device="cuda")', 'torch.eye(2, device="cuda")', 'torch.linspace(0, 1, 3, device="cuda")',
    'torch.randint(0, 3, (2,), device="cuda")', 'torch.randperm(3, device="cuda")', 'torch.zeros(2, device=0)',
    'm.cuda()', 'm.cuda(0)', 'm.to("cuda")', 'm.to(torch.device("cuda"))', 'm.to(0)', 'm.xpu()',
    'torch.device("foo")', 'torch.device("cuda:x")', 'torch.device("cpu", -1)', 'torch.device("cuda:0", 1)',
    'torch.device(0)', 'str(torch.device("cuda", 1))', 'repr(torch.device("cpu:0"))',
]


@pytest.mark.parametrize("expr", DEVICE_MOVES)
def test_device_moves_fail_alike(expr):
    """.to("cuda"), .cuda(), device="cuda" and Module.cuda() are one check, failing as on CPU-only torch."""
    def run(m):
        t, mod = m.zeros(2), m.nn.Linear(2, 2)
        r = eval(expr, {"torch": m, "t": t, "m": mod})
        return r if isinstance(r, (str, bool)) else type(r).__name__
    same(lambda: run(nt), lambda: run(torch))


def test_cpu_moves_are_identity():
    t, m = nt.ones(2), nt.nn.Linear(2, 2)
    assert t.to("cpu") is t and t.to(nt.device("cpu")) is t and t.cpu() is t and t.to("cpu:0") is t
    assert m.to("cpu") is m and m.cpu() is m
    assert nt.zeros(1, device="cpu").device == nt.device("cpu")


@pytest.mark.parametrize("prop", ["is_cuda", "is_cpu", "is_xpu", "is_mps", "is_meta", "is_quantized", "is_sparse",
                                  "is_mkldnn", "is_ipu", "is_vulkan", "is_nested", "is_maia", "is_mtia",
                                  "is_sparse_csr"])
def test_tensor_device_properties(prop):
    assert getattr(nt.zeros(2), prop) == getattr(torch.zeros(2), prop)


def test_default_device():
    for m in (nt, torch):
        assert m.get_default_device() == m.device("cpu")
    same(lambda: nt.set_default_device("cpu"), lambda: torch.set_default_device("cpu"))
    try:
        same(lambda: nt.set_default_device("cuda"), lambda: torch.set_default_device("cuda"))
        same(lambda: repr(nt.get_default_device()), lambda: repr(torch.get_default_device()))
        same(lambda: nt.zeros(1), lambda: torch.zeros(1), value=False)
        same(lambda: nt.tensor([1.0]), lambda: torch.tensor([1.0]), value=False)
    finally:
        nt.set_default_device(None)
        torch.set_default_device(None)
    assert repr(nt.get_default_device()) == repr(torch.get_default_device())
    assert nt.zeros(1).device == nt.device("cpu")


def test_device_context_manager():
    for m in (nt, torch):
        with m.device("cpu") as d:
            assert d == m.device("cpu")
            assert m.zeros(1).device.type == "cpu"
    (g, _), (e, _) = outcome(lambda: _make_in(nt)), outcome(lambda: _make_in(torch))
    assert g == e and g[0] == "raise"
    assert nt.zeros(1).device == nt.device("cpu")


def _make_in(m):
    with m.device("cuda"):
        return m.zeros(1)


def test_float32_matmul_precision_and_tf32_flag():
    try:
        for m in (nt, torch):
            assert m.get_float32_matmul_precision() == "highest"
            assert m.backends.cuda.matmul.allow_tf32 is False
        for p in ("high", "medium", "highest"):
            nt.set_float32_matmul_precision(p)
            torch.set_float32_matmul_precision(p)
            assert nt.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
            assert nt.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
        nt.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cuda.matmul.allow_tf32 = True
        assert nt.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
        g, gw = outcome(lambda: nt.set_float32_matmul_precision("foo"))
        e, ew = outcome(lambda: torch.set_float32_matmul_precision("foo"))
        assert g == e and [c for c, _ in gw] == [c for c, _ in ew] == ["UserWarning"]
        assert "foo is not one of 'highest', 'high', or 'medium'" in gw[0][1]
        assert nt.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    finally:
        nt.set_float32_matmul_precision("highest")
        torch.set_float32_matmul_precision("highest")


def test_deterministic_algorithms_flag():
    try:
        for args, kw in [((True,), {"warn_only": True}), ((False,), {}), ((True,), {})]:
            nt.use_deterministic_algorithms(*args, **kw)
            torch.use_deterministic_algorithms(*args, **kw)
            assert nt.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
            assert nt.is_deterministic_algorithms_warn_only_enabled() == \
                torch.is_deterministic_algorithms_warn_only_enabled()
            assert nt.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
        same(lambda: nt.use_deterministic_algorithms("x"), lambda: torch.use_deterministic_algorithms("x"))
        for mode in ("default", "warn", "error", 0):
            nt.set_deterministic_debug_mode(mode)
            torch.set_deterministic_debug_mode(mode)
            assert nt.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
    finally:
        nt.use_deterministic_algorithms(False)
        torch.use_deterministic_algorithms(False)


BACKEND_FLAGS = ["cudnn.is_available()", "cudnn.version()", "cudnn.enabled", "cudnn.benchmark",
                 "cudnn.deterministic", "cudnn.allow_tf32", "cudnn.benchmark_limit", "mps.is_available()",
                 "mps.is_built()", "cuda.is_built()", "cuda.matmul.allow_fp16_reduced_precision_reduction",
                 "cuda.matmul.allow_bf16_reduced_precision_reduction", "cuda.flash_sdp_enabled()",
                 "cuda.math_sdp_enabled()", "cuda.mem_efficient_sdp_enabled()", "cuda.cudnn_sdp_enabled()",
                 "cpu.get_cpu_capability()", "mkldnn.enabled", "mkldnn.deterministic",
                 "opt_einsum.enabled", "opt_einsum.strategy"]


@pytest.mark.parametrize("flag", BACKEND_FLAGS)
def test_backend_flags(flag):
    same(lambda: eval("nt.backends." + flag, {"nt": nt}), lambda: eval("torch.backends." + flag, {"torch": torch}))


@pytest.mark.parametrize("name", ["cuda", "cudnn", "mps", "mkldnn", "mkl", "openmp", "cpu", "opt_einsum"])
def test_backends_are_importable_modules(name):
    m = importlib.import_module("numtorch.backends." + name)
    assert getattr(nt.backends, name) is m


def test_backend_flags_settable_and_sdp_toggles():
    nt.backends.cudnn.benchmark = True
    nt.backends.cudnn.deterministic = True
    assert nt.backends.cudnn.benchmark and nt.backends.cudnn.deterministic
    nt.backends.cudnn.benchmark = nt.backends.cudnn.deterministic = False
    for m in (nt, torch):
        m.backends.cuda.enable_flash_sdp(False)
        assert m.backends.cuda.flash_sdp_enabled() is False
        m.backends.cuda.enable_flash_sdp(True)


def test_numtorch_conv_flag_kept():
    assert nt.backends.conv.algorithm in ("auto", "direct", "spectral")
    old = nt.backends.conv.algorithm
    try:
        nt.backends.conv.algorithm = "direct"
        assert nt.backends.conv.algorithm == "direct"
        with pytest.raises(ValueError, match="conv.algorithm must be"):
            nt.backends.conv.algorithm = "fft"
    finally:
        nt.backends.conv.algorithm = old


def test_import_torch_backends_cudnn_under_run(tmp_path):
    """``import torch.backends.cudnn`` and friends work in a script served by ``numtorch run``."""
    import subprocess
    import sys
    import os
    script = tmp_path / "s.py"
    script.write_text(
        "import torch.backends.cudnn, torch.backends.cuda, torch.cuda.amp, torch.cpu.amp, torch.accelerator\n"
        "import torch\n"
        "torch.backends.cuda.matmul.allow_tf32 = True\n"
        "torch.backends.cudnn.allow_tf32 = True\n"
        "scaler = torch.cuda.amp.GradScaler(enabled=False)\n"
        "dev = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
        "acc = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else 'cpu'\n"
        "print(torch.backends.cudnn.__name__, dev, acc, scaler.is_enabled())\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    r = subprocess.run([sys.executable, "-m", "numtorch", "run", str(script)], capture_output=True, text=True,
                       env=env, cwd=root, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["numtorch.backends.cudnn", "cpu", "cpu", "False"]


@pytest.mark.parametrize("args", ["float", "int", "bool", "m.float16", "m.zeros(1, dtype=m.float64)",
                                  '"cpu", m.float64', '"cpu", float', 'm.device("cpu")', "None"])
def test_tensor_to_dtype_and_device_forms(args):
    def run(m):
        return str(eval(f"x.to({args})", {"m": m, "x": m.zeros(2)}).dtype)
    assert run(nt) == run(torch)


def test_cudnn_flags_context():
    res = []
    for m in (nt, torch):
        c = m.backends.cudnn
        with c.flags(enabled=False, deterministic=True, benchmark=True):
            inside = (c.enabled, c.deterministic, c.benchmark, c.allow_tf32)
        res.append((inside, (c.enabled, c.deterministic, c.benchmark, c.allow_tf32)))
    assert res[0] == res[1]
