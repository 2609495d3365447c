"""``torch.backends.mkldnn``: numtorch does not use oneDNN, so it reports it unavailable; the flags are kept."""
__all__ = ["is_available", "enabled", "deterministic", "allow_tf32"]

enabled = True
deterministic = False
allow_tf32 = False


def is_available():
    return False
