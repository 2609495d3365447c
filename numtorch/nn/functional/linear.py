"""Linear layers' math."""
from ... import ops

__all__ = ["linear"]


def linear(input, weight, bias=None):
    """y = x W^T + b (one addmm for 2-D input)"""
    if input.ndim == 2 and bias is not None:
        return ops.addmm(bias, input, weight.t())
    out = ops.matmul(input, weight.t())
    if bias is not None:
        out = out + bias
    return out
