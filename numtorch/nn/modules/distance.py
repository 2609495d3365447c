"""distance modules."""
__all__ = []
