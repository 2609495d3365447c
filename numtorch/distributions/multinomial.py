"""torch.distributions.multinomial"""
from ._discrete import Multinomial

__all__ = ["Multinomial"]
