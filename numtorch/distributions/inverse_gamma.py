"""torch.distributions.inverse_gamma"""
from ._structure import InverseGamma

__all__ = ["InverseGamma"]
