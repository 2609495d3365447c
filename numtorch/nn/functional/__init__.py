"""``torch.nn.functional``: the math of layers, activations and losses."""
from ...ops.shape import pad  # noqa: F401
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


def __getattr__(name):
    raise AttributeError(f"numtorch has no attribute 'torch.nn.functional.{name}'")
