"""distance functions."""
__all__ = []
