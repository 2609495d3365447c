"""``FrozenBatchNorm2d``: batch norm with fixed statistics and affine parameters (all buffers, no gradients)."""
from ... import nn
from ... import _creation as _c

__all__ = ["FrozenBatchNorm2d"]


class FrozenBatchNorm2d(nn.Module):
    """``y = x * w / sqrt(running_var + eps) + (b - running_mean * w / sqrt(running_var + eps))``."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", _c.ones(num_features))
        self.register_buffer("bias", _c.zeros(num_features))
        self.register_buffer("running_mean", _c.zeros(num_features))
        self.register_buffer("running_var", _c.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # checkpoints of a BatchNorm2d carry a counter this module has no use for
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, x):
        w = self.weight.reshape(1, -1, 1, 1)
        b = self.bias.reshape(1, -1, 1, 1)
        rv = self.running_var.reshape(1, -1, 1, 1)
        rm = self.running_mean.reshape(1, -1, 1, 1)
        scale = w * (rv + self.eps).rsqrt()
        return x * scale + (b - rm * scale)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"
