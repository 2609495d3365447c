"""torch.distributions.weibull"""
from ._structure import Weibull

__all__ = ["Weibull"]
