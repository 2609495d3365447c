"""torch.distributions.logistic_normal"""
from ._multivariate import LogisticNormal

__all__ = ["LogisticNormal"]
