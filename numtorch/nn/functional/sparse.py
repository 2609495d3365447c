"""sparse functions."""
__all__ = []
