"""torch.distributions.von_mises"""
from ._more import VonMises

__all__ = ["VonMises"]
