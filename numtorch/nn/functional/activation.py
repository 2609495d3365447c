"""Activation functions."""
from ... import ops
from ...ops.misc import inplace

__all__ = ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax"]

sigmoid = ops.sigmoid
tanh = ops.tanh
softmax = ops.softmax
log_softmax = ops.log_softmax


def relu(input, inplace=False):
    if inplace:
        return ops.inplace(input, ops.relu)
    return ops.relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x"""
    r = ops.where(input > 0, input, input * negative_slope)
    return r
