"""``torch.cpu.amp``: deprecated spellings of ``torch.amp``'s autocast and GradScaler for the CPU."""
from .autocast_mode import autocast  # noqa: F401
from .grad_scaler import GradScaler  # noqa: F401
