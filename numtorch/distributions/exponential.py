"""torch.distributions.exponential"""
from ._continuous import Exponential

__all__ = ["Exponential"]
