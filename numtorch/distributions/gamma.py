"""torch.distributions.gamma"""
from ._continuous import Gamma

__all__ = ["Gamma"]
