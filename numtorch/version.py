"""``torch.version``: the PyTorch release whose API numtorch implements, as a CPU-only build reports it.

``__version__`` here (and ``torch.__version__`` under ``numtorch run``) is that PyTorch
version, so scripts that branch on PyTorch's version take the 2.13 path; numtorch's own
release is ``numtorch.__version__``. ``cuda``/``hip``/``rocm``/``xpu`` are None as on a
CPU-only build.
"""
from typing import Optional

from .torch_version import TorchVersion

__all__ = ["__version__", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

__version__ = TorchVersion("2.13.0+cpu")   # what a CPU-only build of PyTorch 2.13 reports
debug = False
cuda: Optional[str] = None
# no PyTorch commit: numtorch is not built from PyTorch's sources
git_version = "Unknown"
hip: Optional[str] = None
rocm: Optional[str] = None
xpu: Optional[str] = None
