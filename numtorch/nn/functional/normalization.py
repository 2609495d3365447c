"""Normalization: batch_norm, layer_norm, group_norm, instance_norm, normalize, local_response_norm.

Each is written as a composition of differentiable tensor operations, so first
and higher-order gradients come from autograd.  The normalisation is folded
into one per-channel scale and shift, y = x * s + t with
s = w / sqrt(var + eps) and t = b - mean * s, to touch the big tensor twice.
Variances are the biased (population) ones, as PyTorch normalises with.
"""
import numbers

from ..._backend import xp
from ...autograd.grad_mode import no_grad
from ..._tensor import Tensor, _make
from ..parameter import Parameter as _Parameter
from ...autograd.grad_mode import state as _gs
from ...autograd.function import _observers
from ... import _ops as ops
from ._no_complex import refuse as _refuse

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "normalize", "local_response_norm",
           "rms_norm"]


def _update_running(running, stat, momentum):
    """running <- (1 - momentum) * running + momentum * stat, in place, no graph"""
    if running is None:
        return
    r = running._data
    s = stat._data.reshape(r.shape).astype(r.dtype, copy=False)
    r *= (1.0 - momentum)
    r += momentum * s
    running._vc[0] += 1


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, statistics per channel (dim 1).

    In training the batch statistics are used and the running ones updated with the unbiased variance:
    running = (1 - momentum) * running + momentum * batch_stat.
    """
    nd = input.ndim
    if nd < 2:
        stats = [t for t in (running_mean, running_var, weight, bias) if t is not None]
        if input.numel() == 0 and all(t.numel() == 0 for t in stats):  # as PyTorch: nothing to normalise
            return input.clone()
        raise ValueError(f"expected 2D or 3D input (got {nd}D input)")
    C = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"{name} should contain {C} elements not {t.numel()}")
    n = input.shape[0]
    for d in input.shape[2:]:
        n *= d
    if training and n == 1:  # PyTorch refuses exactly one value per channel (an empty batch is allowed)
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    from . import _batch_norm as _bn
    if input.dtype.is_complex:
        _refuse('batch_norm', input)
    if _bn.usable(input, weight, bias, running_mean, running_var):
        # one node with a closed-form backward (tests/nn/test_batch_norm_fused.py pins it to the composition)
        return _bn.BatchNormFn.apply(input, weight, bias, running_mean, running_var, bool(training), momentum, eps)
    return _batch_norm_composed(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _batch_norm_composed(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                         eps=1e-5):
    """batch_norm from differentiable tensor ops (other dtypes, empty inputs; the fused node's reference)."""
    nd = input.ndim
    C = input.shape[1]
    axes = (0,) + tuple(range(2, nd))
    shape = (1, C) + (1,) * (nd - 2)
    n = input.shape[0]
    for d in input.shape[2:]:
        n *= d
    if training:
        mean = input.mean(axes)
        var = input.var(axes, unbiased=False)
        if n > 0 and (running_mean is not None or running_var is not None):  # an empty batch leaves them as is
            with no_grad():
                _update_running(running_mean, mean.detach(), momentum)
                _update_running(running_var, var.detach() * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        mean, var = running_mean, running_var
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale
    if bias is not None:
        shift = shift + bias
    return _named(input * scale.reshape(shape) + shift.reshape(shape), "NativeBatchNormBackward0")


def _named(t, node_name):
    """grad_fn named as PyTorch's kernel (printed in reprs); one identity node"""
    from ._loss._common import _named_as
    return _named_as(t, node_name)


def _norm_last(x, dims, eps):
    mean = x.mean(dims, keepdim=True)
    var = x.var(dims, unbiased=False, keepdim=True)
    return (x - mean) * (var + eps).rsqrt()


_PLAIN = (Tensor, _Parameter)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the last len(normalized_shape) dims"""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    ns = tuple(int(s) for s in normalized_shape)
    k = len(ns)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != ns or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape [*, "
                           f"{', '.join(map(str, ns))}], but got input of size{list(input.shape)}")
    if input.dtype.is_complex:
        _refuse('LayerNormKernelImpl', input)
    if input._data.dtype.kind in "fV" and (weight is None or weight.shape == input.shape[input.ndim - k:]) and \
            (bias is None or bias.shape == input.shape[input.ndim - k:]):
        from ._layer_norm import LayerNormFn, rows_forward   # one node: forward and backward on arrays
        d = input._data
        if ((d.dtype == xp.float32 or d.dtype == xp.float64) and d.size and not _observers
                and input.__class__ in _PLAIN and (weight is None or (weight.__class__ in _PLAIN and weight._data.dtype == d.dtype))
                and (bias is None or (bias.__class__ in _PLAIN and bias._data.dtype == d.dtype))
                and not (_gs.enabled and (input.requires_grad or (weight is not None and weight.requires_grad)
                                          or (bias is not None and bias.requires_grad)))):
            # nothing recorded (no_grad, inference): LayerNormFn's forward kernel on the arrays, without the
            # Function application (a third of the call at nanoGPT's sizes); tests/nn/test_layer_norm_nograd.py
            n = 1
            for v in ns:
                n *= v
            return _make(rows_forward(d, None if weight is None else weight._data,
                                      None if bias is None else bias._data, n, eps)[0])
        return LayerNormFn.apply(input, weight, bias, k, eps)
    y = _norm_last(input, tuple(range(-k, 0)), eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return _named(y, "NativeLayerNormBackward0")


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """y = x / sqrt(mean(x^2) + eps) * weight over the last dims"""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    k = len(normalized_shape)
    if eps is None:
        eps = float(xp.finfo(input._data.dtype).eps)
    y = input * ((input * input).mean(tuple(range(-k, 0)), keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """channels split in num_groups groups; each (sample, group) normalised over its channels and positions"""
    N, C = input.shape[0], input.shape[1]
    if C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {input.shape} and num_groups={num_groups}")
    if input.dtype.is_complex:
        _refuse('GroupNormKernelImpl', input)
    per_group = C // num_groups
    for d in input.shape[2:]:
        per_group *= d
    # an explicit group size (not -1) so that an empty batch reshapes too
    y = _norm_last(input.reshape(N, num_groups, per_group), (-1,), eps).reshape(input.shape)
    shape = (1, C) + (1,) * (input.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return _named(y, "NativeGroupNormBackward0")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """each (sample, channel) normalised over its spatial positions"""
    if input.dtype.is_complex:
        _refuse('batch_norm', input)
    nd = input.ndim
    C = input.shape[1]
    axes = tuple(range(2, nd))
    shape = (1, C) + (1,) * (nd - 2)
    if use_input_stats:
        mean = input.mean(axes, keepdim=True)
        var = input.var(axes, unbiased=False, keepdim=True)
        if running_mean is not None or running_var is not None:
            n = 1
            for s in input.shape[2:]:
                n *= s
            with no_grad():
                _update_running(running_mean, mean.detach().mean(0), momentum)
                _update_running(running_var, (var.detach() * (n / max(n - 1, 1))).mean(0), momentum)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    y = (input - mean) * (var + eps).rsqrt()
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return _named(y, "ViewBackward0")   # PyTorch runs it as batch_norm on a (1, N*C, ...) view


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p along dim, eps)"""
    d = input._data
    if d.dtype.kind in "fV" and d.dtype.itemsize < 4:
        # PyTorch's clamp_min converts eps to the tensor's type first: 1e-12 is 0 in float16, so the norm of
        # zeros passes clamp_min's gradient (NaN from 0/0) as PyTorch's
        eps = float(xp.asarray(eps).astype(d.dtype))
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:
        return ops.div(input, denom, out=out)
    return input / denom


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha/size * sum of x^2 over `size` neighbouring channels)^beta"""
    from .pooling import avg_pool2d
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    div = (input * input).unsqueeze(1)
    if dim == 3:
        div = ops.pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        s = input.shape
        div = div.reshape(s[0], 1, s[1], s[2], -1)
        div = ops.pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div.reshape(s[0], 1, div.shape[2], -1), (size, 1), stride=1).reshape(s)
    div = (div * alpha + k).pow(beta)
    return input / div
