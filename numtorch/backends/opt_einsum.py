"""``torch.backends.opt_einsum``: contraction-order optimization through the opt_einsum package (not used)."""
__all__ = ["is_available", "get_opt_einsum", "enabled", "strategy"]

enabled = False
strategy = None


def is_available():
    return False


def get_opt_einsum():
    return None
