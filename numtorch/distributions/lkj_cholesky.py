"""torch.distributions.lkj_cholesky"""
from ._more import LKJCholesky

__all__ = ["LKJCholesky"]
