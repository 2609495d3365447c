"""What a CPU-only PyTorch answers in each accelerator module (``torch.cuda``, ``torch.xpu``, ``torch.cpu``):
no memory in use, and stream contexts that select nothing. One definition, imported by each module."""


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def memory_reserved(device=None):
    return 0


def max_memory_reserved(device=None):
    return 0


class StreamContext:
    """``with torch.<device>.stream(s):``: selects ``s`` (nothing to select on the CPU)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(stream):
    return StreamContext(stream)
