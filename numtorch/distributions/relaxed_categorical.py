"""torch.distributions.relaxed_categorical"""
from ._multivariate import ExpRelaxedCategorical, RelaxedOneHotCategorical

__all__ = ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"]
