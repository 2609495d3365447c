"""torch.distributions.bernoulli"""
from ._discrete import Bernoulli

__all__ = ["Bernoulli"]
