"""torch.distributions.pareto"""
from ._structure import Pareto

__all__ = ["Pareto"]
