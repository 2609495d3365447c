"""``torch.nn.utils``: gradient clipping and parameter/vector conversion."""
from . import clip_grad, convert_parameters  # noqa: F401
from .clip_grad import clip_grad_norm_, clip_grad_norm, clip_grad_value_, get_total_norm, \
    clip_grads_with_norm_  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from .weight_norm import weight_norm, remove_weight_norm  # noqa: F401,E402
from .spectral_norm import spectral_norm, remove_spectral_norm  # noqa: F401,E402

from . import rnn, parametrize, parametrizations  # noqa: E402,F401  (torch.nn.utils shows these submodules)

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_",
           "parameters_to_vector", "vector_to_parameters", "weight_norm", "remove_weight_norm", "spectral_norm",
           "remove_spectral_norm"]


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.nn.utils.{name}'")
