"""``torch.jit.annotations``: typing names TorchScript code imports."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401

from .._tensor import Tensor  # noqa: F401

__all__ = []
