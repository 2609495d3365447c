"""torch.distributions.lowrank_multivariate_normal"""
from ._more import LowRankMultivariateNormal

__all__ = ["LowRankMultivariateNormal"]
