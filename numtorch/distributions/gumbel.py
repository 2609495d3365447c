"""torch.distributions.gumbel"""
from ._continuous import Gumbel

__all__ = ["Gumbel"]
