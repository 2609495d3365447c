"""torch.distributions.beta"""
from ._continuous import Beta

__all__ = ["Beta"]
