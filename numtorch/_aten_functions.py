"""The ``torch.*`` spellings of ``nn.functional`` operations, with the signatures PyTorch gives them there.

At the top level PyTorch exposes its ATen operators directly: losses take ``reduction`` as an integer
(0 none, 1 mean, 2 sum; left out it is 0, measured on PyTorch 2.13), pools with indices return both, recurrent cells take their weights as arguments.
Each function here converts those conventions and calls the ``nn.functional`` form, which holds the math.
"""
from .nn import functional as F
from ._tensor import Tensor, register_methods

_REDUCTION = {0: "none", 1: "mean", 2: "sum"}


def _r(r, name):
    if not isinstance(r, int) or isinstance(r, bool):
        raise TypeError(f"{name}(): argument 'reduction' must be int, not {type(r).__name__}")
    try:
        return _REDUCTION[int(r)]
    except (KeyError, ValueError, TypeError):
        raise RuntimeError(f"{r} is not a valid value for reduction") from None


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return F.binary_cross_entropy_with_logits(input, target, weight, reduction=_r(reduction, "binary_cross_entropy_with_logits"),
                                              pos_weight=pos_weight)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_r(reduction, "cosine_embedding_loss"))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _r(reduction, "ctc_loss"),
                      zero_infinity)


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return F.hinge_embedding_loss(input, target, margin, reduction=_r(reduction, "hinge_embedding_loss"))


def kl_div(input, target, reduction=0, *, log_target=False):
    return F.kl_div(input, target, reduction=_r(reduction, "kl_div"), log_target=log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_r(reduction, "margin_ranking_loss"))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_r(reduction, "poisson_nll_loss"))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=0):
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_r(reduction, "triplet_margin_loss"))


def adaptive_avg_pool1d(input, output_size):
    return F.adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """(output, indices), always: the ATen operator returns both."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode, return_indices=True)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return F.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups, dilation)


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The general convolution: dims from the weight's rank, transposed or not."""
    nd = weight.dim() - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a weight of rank 3, 4 or 5, got {weight.dim()}")
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, stride, padding, dilation, groups)


def constant_pad_nd(input, pad, value=0):
    return F.pad(input, list(pad), mode="constant", value=value)


def pdist(input, p=2):
    return F.pdist(input, p)


def pixel_unshuffle(input, downscale_factor):
    return F.pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input, groups):
    return F.channel_shuffle(input, groups)


def feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, train)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return F.rms_norm(input, normalized_shape, weight, eps)


def _cell_gates(input, hx, w_ih, w_hh, b_ih, b_hh):
    return F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh)"""
    return _cell_gates(input, hx, w_ih, w_hh, b_ih, b_hh).tanh()


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = relu(W_ih x + b_ih + W_hh h + b_hh)"""
    return _cell_gates(input, hx, w_ih, w_hh, b_ih, b_hh).relu()


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """(h', c'): gates i, f, g, o in PyTorch's row order; c' = f c + i g, h' = o tanh(c')"""
    h, c = hx
    i, f, g, o = _cell_gates(input, h, w_ih, w_hh, b_ih, b_hh).chunk(4, -1)
    c2 = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c2.tanh(), c2


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """r, z from both projections; n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h' = (1 - z) n + z h"""
    gi = F.linear(input, w_ih, b_ih).chunk(3, -1)
    gh = F.linear(hx, w_hh, b_hh).chunk(3, -1)
    r = (gi[0] + gh[0]).sigmoid()
    z = (gi[1] + gh[1]).sigmoid()
    n = (gi[2] + r * gh[2]).tanh()
    return (1 - z) * n + z * hx


def detach(input):
    return input.detach()


def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    """True for the signed integer and the floating dtypes."""
    return input.dtype.is_signed


def get_device(input):
    """-1: a CPU tensor."""
    return input.get_device()


def is_inference(input):
    """False: numtorch has no inference tensors (inference_mode behaves as no_grad)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_inference(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return False


register_methods({"is_signed": is_signed})

__all__ = ["binary_cross_entropy_with_logits", "cosine_embedding_loss", "ctc_loss", "hinge_embedding_loss",
           "kl_div", "margin_ranking_loss", "poisson_nll_loss", "triplet_margin_loss", "adaptive_avg_pool1d",
           "adaptive_max_pool1d", "max_pool1d_with_indices", "max_pool3d", "conv3d", "conv_transpose3d",
           "convolution", "constant_pad_nd", "pdist", "pixel_unshuffle", "channel_shuffle", "feature_alpha_dropout",
           "rms_norm", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "detach", "is_same_size",
           "is_signed", "get_device", "is_inference"]
