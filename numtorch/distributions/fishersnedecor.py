"""torch.distributions.fishersnedecor"""
from ._more import FisherSnedecor

__all__ = ["FisherSnedecor"]
