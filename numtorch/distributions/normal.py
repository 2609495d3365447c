"""torch.distributions.normal"""
from ._continuous import Normal

__all__ = ["Normal"]
