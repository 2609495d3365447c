"""torch.distributions.mixture_same_family"""
from ._structure import MixtureSameFamily

__all__ = ["MixtureSameFamily"]
