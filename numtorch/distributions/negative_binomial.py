"""torch.distributions.negative_binomial"""
from ._discrete import NegativeBinomial

__all__ = ["NegativeBinomial"]
