"""``torch.cuda.amp``: PyTorch's deprecated aliases of ``torch.amp`` for the ``"cuda"`` device."""
from .autocast_mode import autocast, custom_fwd, custom_bwd  # noqa: F401
from .grad_scaler import GradScaler  # noqa: F401

__all__ = ["autocast", "custom_bwd", "custom_fwd", "GradScaler"]
