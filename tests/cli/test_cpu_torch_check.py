"""tools/check_cpu_torch.py: the README's test command carries PyTorch's CPU index, and the check
rejects a resolution with CUDA packages (the pip run itself is in .ci/run: it needs a package index)."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_spec = importlib.util.spec_from_file_location("_check_cpu_torch", os.path.join(ROOT, "tools", "check_cpu_torch.py"))
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def _item(name, version, requires=()):
    return {"metadata": {"name": name, "version": version, "requires_dist": list(requires)}}


def test_readme_command_uses_the_cpu_index():
    opts = check.readme_install_options()
    assert "--extra-index-url" in opts
    assert opts[opts.index("--extra-index-url") + 1] == "https://download.pytorch.org/whl/cpu"


def test_cpu_resolution_passes():
    report = {"install": [_item("torch", "2.13.0+cpu", ["filelock", "sympy>=1.13.3"]), _item("numpy", "2.4.0")]}
    assert check.problems(report) == []


def test_gpu_resolutions_fail():
    cuda_torch = _item("torch", "2.13.0", ['nvidia-cublas-cu12==12.8.4.1; platform_system == "Linux"',
                                           'triton==3.5.0; platform_system == "Linux"'])
    report = {"install": [cuda_torch, _item("nvidia-cublas-cu12", "12.8.4.1"), _item("triton", "3.5.0")]}
    found = check.problems(report)
    assert any("nvidia-cublas-cu12" in p for p in found) and any("GPU package in the resolution: triton" in p
                                                                 for p in found)
    assert any("depends on nvidia-cublas-cu12" in p for p in found)
    assert check.problems({"install": [_item("torch", "2.5.1+cpu")]}) == ["torch 2.5.1+cpu resolved, expected 2.13.x"]
    assert check.problems({"install": []}) == ["torch is not in the resolution"]
