"""dropout functions."""
__all__ = []
