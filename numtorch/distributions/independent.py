"""torch.distributions.independent"""
from ._structure import Independent

__all__ = ["Independent"]
