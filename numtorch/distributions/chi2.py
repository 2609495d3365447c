"""torch.distributions.chi2"""
from ._continuous import Chi2

__all__ = ["Chi2"]
