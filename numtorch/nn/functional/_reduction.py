"""_reduction functions."""
__all__ = []
