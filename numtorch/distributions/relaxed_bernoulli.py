"""torch.distributions.relaxed_bernoulli"""
from ._multivariate import LogitRelaxedBernoulli, RelaxedBernoulli

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]
