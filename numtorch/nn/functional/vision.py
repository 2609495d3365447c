"""vision functions."""
__all__ = []
