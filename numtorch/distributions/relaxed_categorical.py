"""torch.distributions.relaxed_categorical"""
from ._multivariate import RelaxedOneHotCategorical

__all__ = ["RelaxedOneHotCategorical"]
