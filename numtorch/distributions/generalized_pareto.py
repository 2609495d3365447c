"""torch.distributions.generalized_pareto"""
from ._more import GeneralizedPareto

__all__ = ["GeneralizedPareto"]
