"""torch.distributions.kumaraswamy"""
from ._more import Kumaraswamy

__all__ = ["Kumaraswamy"]
