"""torch.distributions.dirichlet"""
from ._multivariate import Dirichlet

__all__ = ["Dirichlet"]
