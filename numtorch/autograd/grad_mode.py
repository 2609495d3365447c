"""Re-export of the grad-mode switches (they live in numtorch._grad_mode to avoid an import cycle)."""
from .._grad_mode import *  # noqa: F401,F403
from .._grad_mode import state, no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled, \
    is_inference_mode_enabled  # noqa: F401
