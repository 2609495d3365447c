"""torch.distributions.transformed_distribution"""
from ._structure import TransformedDistribution

__all__ = ["TransformedDistribution"]
