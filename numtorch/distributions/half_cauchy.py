"""torch.distributions.half_cauchy"""
from ._structure import HalfCauchy

__all__ = ["HalfCauchy"]
