"""torch.distributions.wishart"""
from ._more import Wishart

__all__ = ["Wishart"]
