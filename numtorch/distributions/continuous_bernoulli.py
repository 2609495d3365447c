"""torch.distributions.continuous_bernoulli"""
from ._more import ContinuousBernoulli

__all__ = ["ContinuousBernoulli"]
