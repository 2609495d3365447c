"""``torch.version``: the PyTorch this build answers as (no CUDA, no ROCm)."""
__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = "2.13.0+cpu"   # numtorch's own version is numtorch.__version__
debug = False
cuda = None
git_version = "Unknown"
hip = None
rocm = None
xpu = None
