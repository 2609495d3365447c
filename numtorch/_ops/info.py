"""``torch.finfo`` / ``torch.iinfo``: numeric limits of a dtype."""
from .._backend import xp
from .. import _dtype as D


class finfo:
    """``torch.finfo``: machine limits of a floating dtype (Python floats, as PyTorch)."""

    def __init__(self, type=None):
        dt = type if type is not None else D.get_default_dtype()
        if dt._kind == 3:   # a complex type: the limits of its real parts
            dt = dt.to_real()
        if dt._kind != 2:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        if dt is D.bfloat16:  # NumPy's finfo does not know ml_dtypes' types
            import ml_dtypes
            f = ml_dtypes.finfo(dt.np)
        else:
            f = xp.finfo(dt.np)
        self.dtype = dt.name
        self.bits = int(f.bits)
        self.eps = float(f.eps)
        self.max = float(f.max)
        self.min = float(f.min)
        self.tiny = self.smallest_normal = float(f.tiny)
        self.resolution = 10.0 ** -int(f.precision)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """``torch.iinfo``: limits of an integer dtype."""

    def __init__(self, type):
        if type._kind not in (0, 1):
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        i = xp.iinfo(type.np) if type.np != xp.bool_ else None
        self.dtype = type.name
        self.bits = int(i.bits) if i else 8
        self.max = int(i.max) if i else 1
        self.min = int(i.min) if i else 0

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"   # %g, as PyTorch prints it
