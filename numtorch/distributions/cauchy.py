"""torch.distributions.cauchy"""
from ._continuous import Cauchy

__all__ = ["Cauchy"]
