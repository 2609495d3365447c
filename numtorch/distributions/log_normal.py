"""torch.distributions.log_normal"""
from ._structure import LogNormal

__all__ = ["LogNormal"]
