"""torch.distributions.categorical"""
from ._discrete import Categorical

__all__ = ["Categorical"]
