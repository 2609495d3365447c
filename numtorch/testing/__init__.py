"""``torch.testing``: ``assert_close`` (tolerance-aware comparison of tensors, numbers and nested containers with
PyTorch's default tolerances and messages), ``make_tensor`` (random test tensors in PyTorch's ranges per dtype) and
the deprecated ``assert_allclose``. ``FileCheck`` (a TorchScript IR checker in ``torch._C``) is not served."""
from ._comparison import assert_allclose, assert_close
from ._creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.testing.{name}'")
