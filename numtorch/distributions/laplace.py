"""torch.distributions.laplace"""
from ._continuous import Laplace

__all__ = ["Laplace"]
