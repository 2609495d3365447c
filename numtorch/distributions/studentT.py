"""torch.distributions.studentT"""
from ._continuous import StudentT

__all__ = ["StudentT"]
