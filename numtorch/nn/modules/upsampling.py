"""upsampling modules."""
__all__ = []
