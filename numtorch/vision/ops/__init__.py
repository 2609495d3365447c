"""``torchvision.ops``: detection and layer operators (one private module per family)."""
from ._focal_loss import sigmoid_focal_loss

__all__ = ["sigmoid_focal_loss"]
