"""torch.distributions.uniform"""
from ._continuous import Uniform

__all__ = ["Uniform"]
