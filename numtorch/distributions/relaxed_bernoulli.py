"""torch.distributions.relaxed_bernoulli"""
from ._multivariate import RelaxedBernoulli

__all__ = ["RelaxedBernoulli"]
