"""``torch.nn.functional``: the math of layers, activations and losses."""
from ..._ops.copies import pad  # noqa: F401
from .activation import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from ._loss.classification import focal_loss  # noqa: F401  (a numtorch extra)

import sys as _sys
import types as _types

# torch.nn.functional is one file: its namespace holds the functions, not these submodules (which stay importable
# by their full path); F.linear and F.dropout are the functions that share a submodule's name
_SUBMODULES = ("activation", "linear", "conv", "pooling", "normalization", "dropout", "sparse", "vision", "distance",
               "loss", "attention")
__all__ = ["pad"] + [_n for _s in _SUBMODULES for _n in _sys.modules[f"{__name__}.{_s}"].__all__
                     if _n != "feature_dropout"] + ["focal_loss"]   # focal_loss: a numtorch extra
for _s in _SUBMODULES:
    if isinstance(globals().get(_s), _types.ModuleType):
        del globals()[_s]
del _s
from ._fractional_pool import *  # noqa: F401,F403,E402
from ._linear_cross_entropy import linear_cross_entropy  # noqa: F401,E402
__all__ += ["linear_cross_entropy", "fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
            "fractional_max_pool3d_with_indices"]
del feature_dropout  # noqa: F821  torch.feature_dropout, not torch.nn.functional.feature_dropout (see numtorch/__init__.py)

def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.nn.functional.{name}'")
