"""torch.distributions.half_normal"""
from ._structure import HalfNormal

__all__ = ["HalfNormal"]
