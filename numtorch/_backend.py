"""The one place the array module is chosen.

Everything in numtorch reaches NumPy (or, later, CuPy) through ``xp`` from here,
so swapping the backend touches a single file.
"""
import numpy as np

xp = np

__all__ = ["xp", "np"]
